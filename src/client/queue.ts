// LwM2M Queue Mode (TS Core 1.1 §6.5): a client registered with the "Q" parameter (or a 1.0-style
// "UQ" binding) stays reachable for the queue-mode time after its last exchange — MAX_TRANSMIT_WAIT,
// 93 s with the RFC 7252 defaults, or Config.queueTime — then goes offline: the HAL may close its
// socket and sleep until the client's next deadline (the next Update, the earliest pmax or pmin of an
// observation, an application timer of its own). It wakes for the first thing it has to send — an
// Update, a notification or a Send — and sends that thing first: the server delivers what it queued
// as soon as it hears the client (as Anjay Lite does: no Update before a notification; TS Core §6.5
// does not require one). A value change that makes a notification due (gt/lt/st crossed, or any
// change once pmin has elapsed) makes it due at once, so it wakes the client early.
//
// Notification Storing When Disabled or Offline (/1/x/6): when true, a notification produced while
// the client is offline, or while its server is unreachable (the DTLS session being re-established,
// or failed), is kept in a fixed ring (Config.storedNotifications slots of storedNotificationBytes)
// and sent in order once the server is reachable, each with its age as a SenML relative time ("t":
// −seconds, RFC 8428 §4.5.3) when it is one SenML record; a full ring drops its oldest entry, counted
// (Ev.QUEUE_DROPPED, once per offline period). When false the ring is not used: the notification
// goes into the endpoint's ring at once (the latest value, as before).
//
// Over DTLS a sleep closes the session (close_notify) unless Config/ClientOptions.queueDtls is
// "keep" (the HAL keeps or rebinds the same port); on waking the session is resumed (abbreviated
// handshake, "resume", the default) or renegotiated ("full"). With "cid" the client offers RFC 9146
// Connection IDs: a session whose server granted one is kept across the sleep and used from whatever
// port the HAL binds at the wake, with no handshake (the server finds it by the CID, §6); a session
// without one is closed and resumed as with "resume". A Register or Update over a kept CID session
// that times out (the server restarted, or forgot or refused the CID) drops the connection: the next
// message goes after a handshake that offers the session for resumption (a server that knows it no
// longer answers with a full one) — as Leshan's client does after a Register timeout ("maybe server
// lost the session": a new handshake) and Anjay after an Update timeout over DTLS (a new Register).
// After a deep-sleep restart the connection is taken back from the persisted state (persist.ts) and
// the same holds. A fatal alert in the session fails it: a full handshake (RFC 5246 §7.2.2: the
// session of a failed connection is forgotten). Opt-in,
// as in both (Leshan's --cid, Anjay's use_connection_id are off by default).
// Nothing here allocates after construction.

import { Reg, Sv, type Lwm2mClient } from './client.js';
import { Ev } from './events.js';
import { Ob, ObT, CON_EVERY } from './observe.js';
import { Code } from '../coap/codes.js';
import { MsgType } from '../coap/message.js';
import { Opt } from '../coap/option.js';
import { NONE } from '../model/record.js';
import { Slab } from '../slab.js';
import { maxTransmitWait } from '../config.js';
import { persistSleep } from './persist.js';
import type { DtlsSession } from '../dtls/session.js';

/** Why the client woke (Ev.ONLINE a). */
export const enum Wake { DEADLINE = 1, NOTIFY = 2, INPUT = 3, SEND = 4, REGISTER = 5, OTHER = 6 }
/** What becomes of a DTLS session across a sleep. */
export const enum QDtls { KEEP = 0, RESUME = 1, FULL = 2, CID = 3 }

/** A stored notification's integers (row e of NotificationStore.f). */
const enum SF { OBS = 0, SERVER = 1, PEER = 2, TOK_LEN = 3, CF = 4, LEN = 5, N = 6 }

const SEC_HANDSHAKING = 1, SEC_CONNECTED = 2, SEC_CLOSED = 3;
const TAG_NOTIFY = 5;
const CF_SENML_JSON = 110, CF_SENML_CBOR = 112;

/** Queue Mode's numbers (QueueMode.v), then the stored entries' production times at QV.N + e. */
const enum QV { WAKE_AT = 0, LAST = 1, OFF_SINCE = 2, AWAKE_SINCE = 3, SLEEPS = 4, AWAKE_MS = 5, TIME = 6, N = 7 }
/** Queue Mode's integers (QueueMode.f), then stored entry e's at QI.N + e * SF.N. */
const enum QI { DTLS = 0, DEPTH = 1, SLOT = 2, HEAD = 3, COUNT = 4, DROPPED = 5, TOO_LARGE = 6, SENT = 7, NSERV = 8, TOK_AT = 9, DATA_AT = 10, KICKED = 11, DROP_LOGGED = 12, N = 13 }

/** Queue Mode's state: the ring of stored notifications (fixed slots, oldest first) and the
 *  per-server flags. Its numbers live in three arrays behind accessors on the prototype: under XS an
 *  instance property costs a heap slot, a typed array a few (docs/xs-memory.md). */
export class QueueMode {
  /** True while offline: the HAL may sleep (closing its socket) until `wakeAt`. */
  offline = false;
  /** Numbers (QV), then each stored entry's production time (ms). */
  readonly v: Float64Array;
  /** Integers (QI), then each stored entry's (SF). */
  readonly f: Int32Array;
  /** Per server s: 1 at s when its registration is in queue mode, 1 at nServers + s when its /1/x/6
   *  is true; then entry e's token (8 bytes at tokAt + 8e) and payload (slotBytes at dataAt + slotBytes·e). */
  readonly b: Uint8Array;

  constructor(c: Lwm2mClient, slab: Slab) {
    const cfg = c.config, n = c.nServers, d = cfg.storedNotifications, q = c.opts.queueDtls;
    const dtlsPolicy = q === 'keep' ? QDtls.KEEP : q === 'full' ? QDtls.FULL : q === 'cid' ? QDtls.CID : QDtls.RESUME;
    this.v = slab.f64(QV.N + d);
    this.f = slab.i32(QI.N + d * SF.N);
    const f = this.f, tokAt = 2 * n, dataAt = tokAt + 8 * d;
    this.v[QV.WAKE_AT] = Infinity;
    this.v[QV.TIME] = cfg.queueTime > 0 ? cfg.queueTime : maxTransmitWait(cfg);
    f[QI.DTLS] = dtlsPolicy; f[QI.DEPTH] = d; f[QI.SLOT] = cfg.storedNotificationBytes; f[QI.NSERV] = n;
    f[QI.TOK_AT] = tokAt; f[QI.DATA_AT] = dataAt;
    this.b = slab.u8(dataAt + d * cfg.storedNotificationBytes);
    if (dtlsPolicy === QDtls.CID) for (let s = 0; s < c.dtls.length; s++) c.dtls[s].offerConnectionId = true;
  }

  /** The deadline reported when the client went offline (ms on the client's clock; Infinity: none). */
  get wakeAt(): number { return this.v[QV.WAKE_AT]; }
  set wakeAt(x: number) { this.v[QV.WAKE_AT] = x; }
  /** When a datagram was last sent or received (ms). */
  get lastActivity(): number { return this.v[QV.LAST]; }
  set lastActivity(x: number) { this.v[QV.LAST] = x; }
  get offlineSince(): number { return this.v[QV.OFF_SINCE]; }
  set offlineSince(x: number) { this.v[QV.OFF_SINCE] = x; }
  get awakeSince(): number { return this.v[QV.AWAKE_SINCE]; }
  set awakeSince(x: number) { this.v[QV.AWAKE_SINCE] = x; }
  /** Times gone offline; ms spent awake before the current period. */
  get sleeps(): number { return this.v[QV.SLEEPS]; }
  set sleeps(x: number) { this.v[QV.SLEEPS] = x; }
  get awakeMs(): number { return this.v[QV.AWAKE_MS]; }
  set awakeMs(x: number) { this.v[QV.AWAKE_MS] = x; }
  /** The queue-mode time, ms. */
  get time(): number { return this.v[QV.TIME]; }
  get dtlsPolicy(): number { return this.f[QI.DTLS]; }
  /** Stored notifications: slots, bytes of a slot's payload; the oldest (head) and how many. */
  get depth(): number { return this.f[QI.DEPTH]; }
  get slotBytes(): number { return this.f[QI.SLOT]; }
  get head(): number { return this.f[QI.HEAD]; }
  set head(x: number) { this.f[QI.HEAD] = x; }
  get count(): number { return this.f[QI.COUNT]; }
  set count(x: number) { this.f[QI.COUNT] = x; }
  /** Stored notifications dropped because the ring was full (the oldest each time), or too large for
   *  a slot (then sent from the table once the server is reachable); sent. */
  get dropped(): number { return this.f[QI.DROPPED]; }
  set dropped(x: number) { this.f[QI.DROPPED] = x; }
  get tooLarge(): number { return this.f[QI.TOO_LARGE]; }
  set tooLarge(x: number) { this.f[QI.TOO_LARGE] = x; }
  get sent(): number { return this.f[QI.SENT]; }
  set sent(x: number) { this.f[QI.SENT] = x; }
  get nServers(): number { return this.f[QI.NSERV]; }
  get tokAt(): number { return this.f[QI.TOK_AT]; }
  get dataAt(): number { return this.f[QI.DATA_AT]; }
  /** A handshake was kicked for stored notifications since the last wake (one try per wake). */
  get kicked(): boolean { return this.f[QI.KICKED] !== 0; }
  set kicked(x: boolean) { this.f[QI.KICKED] = x ? 1 : 0; }
  get dropLogged(): boolean { return this.f[QI.DROP_LOGGED] !== 0; }
  set dropLogged(x: boolean) { this.f[QI.DROP_LOGGED] = x ? 1 : 0; }

  /** Where stored entry e's integers begin in f; its time is v[QV.N + e]. */
  entry(e: number): number { return QI.N + e * SF.N; }
  /** Stored entry e's production time (ms). */
  producedAt(e: number): number { return this.v[QV.N + e]; }

  /** Whether any used server account is in queue mode. */
  any(c: Lwm2mClient): boolean {
    for (let s = 0; s < c.nServers; s++) if (this.b[s] !== 0 && c.srv[s * Sv.SIZE + Sv.USED] !== 0) return true;
    return false;
  }

  /** Index of the e-th oldest stored entry. */
  at(e: number): number { return (this.head + e) % this.depth; }

  pop(): void { this.head = (this.head + 1) % this.depth; this.count--; }

  /** Seconds the client has been awake in all (the current period included). */
  awakeSeconds(now: number): number { return (this.awakeMs + (this.offline ? 0 : now - this.awakeSince)) / 1000; }
}

/** Called from Lwm2mClient.emit() before the event is queued: keeps the queue-mode flags of a server
 *  current (at each Register/Update answer) and wakes an offline client for what it is about to send.
 *  A Register or Update that timed out (b = 0) over a session kept with a Connection ID ("cid"): the
 *  server may have lost the session: the connection is dropped, the next message goes after a
 *  handshake that offers the session for resumption. */
export function queueOnEvent(c: Lwm2mClient, kind: number, a: number, b: number): void {
  const qm = c.queue!;
  switch (kind) {
    case Ev.REGISTERED: case Ev.UPDATED: {
      const s = c.serverIndexBySsid(a);
      if (s >= 0) refreshServer(c, s);
      return;
    }
    case Ev.REGISTRATION_FAILED: {
      const s = c.serverIndexBySsid(a), p = s >= 0 ? c.serverPeer(s) : -1;
      const ch = p >= 0 && b === 0 ? c.ep.channel(p) as DtlsSession | null : null;
      // The resumption state is kept: the next handshake offers the session (abbreviated where the
      // server lost only the CID connection, a full one where it knows the session no longer).
      if (ch !== null && ch.state === SEC_CONNECTED && ch.peerCidLen > 0) ch.reset(true);
      return;
    }
    case Ev.UPDATE_SENT: if (qm.offline) wake(c, Wake.DEADLINE); return;
    case Ev.NOTIFY_SENT: if (qm.offline) wake(c, Wake.NOTIFY); return;
    case Ev.SEND_SENT: if (qm.offline) wake(c, Wake.SEND); return;
    case Ev.REGISTER_SENT: if (qm.offline) wake(c, Wake.REGISTER); return;
    default: return;
  }
}

/** Reads server s's binding (/1/x/7: a "Q" in it) and /1/x/6 (Notification Storing, default true
 *  as Anjay's Server object has it). At a Register/Update answer, not in the steady state. */
function refreshServer(c: Lwm2mClient, s: number): void {
  const t = c.table, i = c.serverInstance(s), rec = c.rec2, qm = c.queue!;
  let q = 0;
  if (t.getValue(1, i, 7, NONE, rec) === 0) for (let j = 0; j < rec.len; j++) if (rec.buf[rec.off + j] === 81 /* Q */) q = 1;
  qm.b[s] = q;
  qm.b[qm.nServers + s] = c.intRes(t, 1, i, 6, 1) !== 0 ? 1 : 0;
}

/** A datagram arrived: the exchange counts as activity, and an offline client (whose HAL kept the
 *  socket) is awake again. */
export function queueHeard(c: Lwm2mClient, now: number): void {
  const qm = c.queue!;
  qm.lastActivity = now;
  if (qm.offline) wake(c, Wake.INPUT);
}

/** Back online: sessions closed for the sleep are made ready to resume (or renegotiate); the client
 *  stays reachable for the queue-mode time from now. */
export function wake(c: Lwm2mClient, reason: number): void {
  const qm = c.queue!;
  if (!qm.offline) return;
  const now = c.now;
  qm.offline = false;
  qm.wakeAt = Infinity;
  qm.awakeSince = now;
  qm.lastActivity = now;
  qm.kicked = false;
  for (let s = 0; s < c.nServers; s++) {
    if (qm.b[s] === 0) continue;
    const p = c.serverPeer(s);
    const ch = p >= 0 ? c.ep.channel(p) : null;
    if (ch !== null && ch.state === SEC_CLOSED) ch.reset(qm.dtlsPolicy !== QDtls.FULL);
  }
  c.events.push(Ev.ONLINE, reason, Math.round((now - qm.offlineSince) / 1000));
}

/** Whether the client may go offline now (the queue-mode time aside). */
function canSleep(c: Lwm2mClient): boolean {
  if (c.stopping || c.bsFlag || c.bsState !== 0 || c.block1Peer >= 0) return false;
  const qm = c.queue!;
  let queued = 0;
  for (let s = 0; s < c.nServers; s++) {
    if (!c.srv[s * Sv.SIZE + Sv.USED]) continue;
    const st = c.serverState(s);
    if (st === Reg.REGISTERING || st === Reg.UPDATING || st === Reg.DEREGISTERING) return false; // an exchange of the registration in flight
    if (st === Reg.REGISTERED) { if (qm.b[s] === 0) return false; queued++; }
    const p = c.serverPeer(s);
    const ch = p >= 0 ? c.ep.channel(p) : null;
    if (ch !== null && ch.state === SEC_HANDSHAKING) return false;
  }
  return queued > 0 && c.ep.ringInUse() === 0 && !c.ep.hasOutput();
}

/** Going offline: sessions are closed for the sleep (unless kept), Ev.OFFLINE tells the HAL until when
 *  it may sleep. */
function goOffline(c: Lwm2mClient, now: number, until: number): void {
  const qm = c.queue!;
  qm.offline = true;
  qm.offlineSince = now;
  qm.wakeAt = until;
  qm.sleeps++;
  qm.awakeMs += now - qm.awakeSince;
  qm.dropLogged = false;
  // /1/x/6 may have been written since the last Register/Update.
  for (let s = 0; s < c.nServers; s++) if (qm.b[s] !== 0 && c.srv[s * Sv.SIZE + Sv.USED] !== 0) refreshServer(c, s);
  if (qm.dtlsPolicy !== QDtls.KEEP) {
    for (let s = 0; s < c.nServers; s++) {
      if (qm.b[s] === 0) continue;
      const ch = c.dtls.length > s ? c.dtls[s] : null;
      const p = c.serverPeer(s);
      // close_notify: a server may resume only a session closed cleanly (OpenSSL drops the others).
      // A session with the server's Connection ID stays ("cid").
      if (ch !== null && p >= 0 && c.ep.channel(p) === ch && ch.state === SEC_CONNECTED && ch.peerCidLen === 0) ch.close();
    }
  }
  c.events.push(Ev.OFFLINE, until === Infinity ? -1 : until, 0);
  if (c.sleep !== undefined) persistSleep(c, now); // deep sleep that restarts the program (persist.ts)
}

/** At the end of poll(): the deadline the driver waits for. Awake: the earliest of the client's own
 *  deadlines, the endpoint's, and the end of the queue-mode time (when it is reached and nothing is
 *  in flight, the client goes offline). Offline: the client's own deadlines only — the endpoint's
 *  (dedup entries expiring) can wait for the next wake. */
export function queueDeadline(c: Lwm2mClient, now: number, own: number, ep: number): number {
  const qm = c.queue!;
  if (qm.offline) return own;
  const next = own < ep ? own : ep;
  if (!qm.any(c)) return next;
  const end = qm.lastActivity + qm.time;
  if (!canSleep(c)) return end > now && end < next ? end : next;
  if (now >= end) { goOffline(c, now, own); return own; }
  return end < next ? end : next;
}

/** A notification of observation k failed because the DTLS session to its server could not be
 *  (re-)established: in queue mode the observation stays (the server is unreachable for a while, as
 *  after a sleep; RFC 7641 §4.5's cancellation is for a client the server no longer wants), and the
 *  value is sent again at the next change or pmax. */
export function queueKeepsObservation(c: Lwm2mClient, k: number): boolean {
  const s = c.obs.get(k, Ob.SERVER);
  return c.obs.get(k, Ob.USED) !== 0 && s >= 0 && c.queue!.b[s] !== 0;
}

/** Whether a notification of server s is stored rather than queued now: /1/x/6 true, queue mode, and
 *  the client offline, its server unreachable, or older notifications still stored (order). */
export function storesFor(c: Lwm2mClient, s: number): boolean {
  const qm = c.queue!;
  if (s < 0 || qm.b[s] === 0 || qm.b[qm.nServers + s] === 0 || qm.depth === 0) return false;
  return qm.offline || qm.count > 0 || !reachable(c, s);
}

function reachable(c: Lwm2mClient, s: number): boolean {
  const st = c.serverState(s);
  if (st !== Reg.REGISTERED && st !== Reg.UPDATING) return false;
  const p = c.serverPeer(s);
  const ch = p >= 0 ? c.ep.channel(p) : null;
  return ch === null || ch.state === SEC_CONNECTED;
}

/** Stores observation k's notification, encoded in c.scratch[0…len) in format cf; the client wakes
 *  for it. A full ring loses its oldest entry. */
export function storeNotification(c: Lwm2mClient, k: number, len: number, cf: number): void {
  const qm = c.queue!, st = qm, obs = c.obs, of = obs.f, b = k * Ob.SIZE;
  if (len > st.slotBytes) {
    st.tooLarge++;
    of[b + Ob.DIRTY] = 1; // sent from the table once the server is reachable
  } else {
    if (st.count === st.depth) {
      st.pop();
      st.dropped++;
      if (!qm.dropLogged) { qm.dropLogged = true; c.events.push(Ev.QUEUE_DROPPED, st.dropped, c.serverSsid(of[b + Ob.SERVER])); }
    }
    const e = st.at(st.count), f = st.f, r = st.entry(e);
    f[r + SF.OBS] = k; f[r + SF.SERVER] = of[b + Ob.SERVER]; f[r + SF.PEER] = of[b + Ob.PEER];
    f[r + SF.TOK_LEN] = of[b + Ob.TOK_LEN]; f[r + SF.CF] = cf; f[r + SF.LEN] = len;
    for (let j = 0; j < 8; j++) st.b[st.tokAt + e * 8 + j] = obs.tok[k * 8 + j];
    st.v[QV.N + e] = c.now;
    const d = st.b, at = st.dataAt + e * st.slotBytes, src = c.scratch;
    for (let j = 0; j < len; j++) d[at + j] = src[j];
    st.count++;
  }
  if (qm.offline) wake(c, Wake.NOTIFY);
}

/** During poll(), after the timers: an offline client with something queued anyway (a De-register at
 *  stop(), a firmware request, …) wakes for it; an awake one sends what it stored. */
export function queueBeforeSend(c: Lwm2mClient): void {
  if (c.queue!.offline && c.ep.ringInUse() > 0) wake(c, Wake.OTHER);
  flushStored(c);
}

/** During poll(), when awake: sends the stored notifications, oldest first, as far as their servers
 *  are reachable; kicks one handshake per wake for a server whose session is not up. */
export function flushStored(c: Lwm2mClient): void {
  const qm = c.queue!, st = qm;
  if (qm.offline) return;
  while (st.count > 0) {
    const e = st.head, f = st.f, r = st.entry(e);
    const k = f[r + SF.OBS], s = f[r + SF.SERVER], obs = c.obs, b = k * Ob.SIZE;
    // The observation must still be the one the entry was made for (same peer and token).
    let same = obs.f[b + Ob.USED] !== 0 && obs.f[b + Ob.PEER] === f[r + SF.PEER] && obs.f[b + Ob.TOK_LEN] === f[r + SF.TOK_LEN];
    for (let j = 0; same && j < f[r + SF.TOK_LEN]; j++) if (obs.tok[k * 8 + j] !== st.b[st.tokAt + e * 8 + j]) same = false;
    if (!same) { st.pop(); continue; }
    if (!reachable(c, s)) {
      const p = c.serverPeer(s);
      const ch = p >= 0 ? c.ep.channel(p) : null;
      if (ch !== null && ch.state === 0 && !qm.kicked && (c.serverState(s) === Reg.REGISTERED || c.serverState(s) === Reg.UPDATING)) {
        qm.kicked = true;
        c.ep.connect(p);
      }
      return;
    }
    if (obs.f[b + Ob.INFLIGHT] >= 0) return; // a CON notification of it is not acknowledged yet
    if (sendStored(c, e, k) < 0) return; // the endpoint's ring is full: later
    st.pop();
    st.sent++;
  }
}

/** Sends stored entry e (observation k) with its age as a SenML relative time. */
function sendStored(c: Lwm2mClient, e: number, k: number): number {
  const st = c.queue!, f = st.f, r = st.entry(e), obs = c.obs, of = obs.f, ot = obs.t, b = k * Ob.SIZE, tb = k * ObT.SIZE;
  const cf = f[r + SF.CF];
  let len = f[r + SF.LEN];
  const out = c.scratch, d = st.b, at = st.dataAt + e * st.slotBytes;
  for (let j = 0; j < len; j++) out[j] = d[at + j];
  const age = Math.floor((c.now - st.producedAt(e)) / 1000);
  if (age > 0) {
    if (cf === CF_SENML_CBOR) len = cborRelativeTime(out, len, age);
    else if (cf === CF_SENML_JSON) len = jsonRelativeTime(out, len, age);
  }
  const con = c.opts.confirmableNotifications === true || c.now - ot[tb + ObT.LAST_CON] >= CON_EVERY;
  const ep = c.ep;
  const slot = ep.beginNotify(of[b + Ob.PEER], con ? MsgType.CON : MsgType.NON, Code.CONTENT, obs.tok, k * 8, of[b + Ob.TOK_LEN], TAG_NOTIFY * 256 + k);
  if (slot < 0) return slot;
  of[b + Ob.SEQ] = (of[b + Ob.SEQ] + 1) & 0xffffff;
  const w = ep.w;
  w.optionUint(Opt.OBSERVE, of[b + Ob.SEQ]);
  w.optionUint(Opt.CONTENT_FORMAT, cf);
  w.payload(out, 0, len);
  const mid = ep.slotMid(slot);
  const rc = ep.commit(slot);
  if (rc < 0) return rc;
  of[b + Ob.LAST_MID] = mid;
  if (con) { ot[tb + ObT.LAST_CON] = c.now; of[b + Ob.INFLIGHT] = slot; }
  c.emit(Ev.NOTIFY_SENT, c.serverSsid(f[r + SF.SERVER]), k);
  return 0;
}

/** A one-record SenML CBOR payload ([{…}], the map's size in its head byte) gets "t": −age (label 6,
 *  RFC 8428 Table 6) when it has no time yet. The new length (the old one when it cannot). */
export function cborRelativeTime(b: Uint8Array, len: number, age: number): number {
  if (len < 2 || b[0] !== 0x81 || (b[1] & 0xe0) !== 0xa0 || (b[1] & 0x1f) >= 23) return len;
  const n = age - 1; // CBOR negative integer −1 − n
  const need = n < 24 ? 2 : n < 256 ? 3 : n < 65536 ? 4 : 6;
  if (len + need > b.length) return len;
  b[1]++;
  let p = len;
  b[p++] = 0x06;
  if (n < 24) b[p++] = 0x20 | n;
  else if (n < 256) { b[p++] = 0x38; b[p++] = n; }
  else if (n < 65536) { b[p++] = 0x39; b[p++] = n >> 8; b[p++] = n & 0xff; }
  else { b[p++] = 0x3a; b[p++] = (n >>> 24) & 0xff; b[p++] = (n >>> 16) & 0xff; b[p++] = (n >>> 8) & 0xff; b[p++] = n & 0xff; }
  return p;
}

/** A one-record SenML JSON payload ([{…}]) gets ,"t":-age before its closing "}]" when it has no
 *  "t" yet. The new length (the old one when it cannot). */
export function jsonRelativeTime(b: Uint8Array, len: number, age: number): number {
  if (len < 4 || b[0] !== 0x5b || b[len - 1] !== 0x5d || b[len - 2] !== 0x7d) return len;
  for (let j = 1; j < len - 2; j++) if (b[j] === 0x7d) return len; // more than one record
  let digits = 1;
  for (let v = age; v >= 10; v = Math.floor(v / 10)) digits++;
  const need = 6 + digits;
  if (len + need > b.length) return len;
  let p = len - 2;
  b[p++] = 0x2c; b[p++] = 0x22; b[p++] = 0x74; b[p++] = 0x22; b[p++] = 0x3a; b[p++] = 0x2d; // ,"t":-
  let v = age;
  for (let j = digits - 1; j >= 0; j--) { b[p + j] = 48 + (v % 10); v = Math.floor(v / 10); }
  p += digits;
  b[p++] = 0x7d; b[p++] = 0x5d;
  return p;
}
