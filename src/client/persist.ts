// Deep sleep that restarts the program (Queue Mode, issue 21): at the moment the client goes offline it
// writes, through the HAL's storage (SleepStore: the same store as the configuration, another key),
// what it needs to carry on after a restart without registering again — per server its registration
// (location path, lifetime, object-list digest, when the last Register/Update was sent, its deadline),
// the observations (tokens, paths, format, Observe sequence number, last value and times), the
// Write-Attributes rows, the stored-notification ring, the Queue Mode counters and the DTLS session:
// its resumption state (session id, master secret, suite) and, when the server granted an RFC 9146
// Connection ID (queueDtls "cid"), the connection itself (suite, record keys both ways, the peer's
// CID, a bound of the write sequence number, the read replay window), so that the first record after
// the restart goes with no handshake at all, from whatever port the new program binds. At start (Lwm2mClient.start, after the configuration is
// read), a state that is whole (checksum), of this format, of the same endpoint, of the same sizes and
// of the same configuration (a digest of the serialized Security/Server/ACL objects: the configuration
// store's own bytes) is taken back: no Register — the next exchange is an Update (or the notification
// that was due when the program stopped), and over coaps:// an abbreviated handshake, or none with a
// Connection ID (then a server that does not answer the first exchange gets the resumption, one that
// does not know that either a full handshake: queue.ts queueOnEvent). Otherwise it is
// discarded with one event (Ev.SLEEP_DISCARDED, the reason in a) and the client registers afresh.
//
// Times: the core's clock is the HAL's monotonic one, which restarts with the program; the store's
// wallClock() (ms since the epoch, the RTC that runs through a deep sleep) gives the time spent
// stopped. Every time is written relative to `now` at the write and placed back relative to `now` at
// the restore, less the time stopped. A wall clock that went back discards the state (Leshan and Anjay
// persist no such state; Anjay's anjay_persistence keeps only the data model).
//
// Loaded only when the client is built with queueMode and a SleepStore (client.ts: `sleep` is declared
// only; the Espruino build loads this module on first use). The state is written into the client's
// configuration buffer (persistBuf: the configuration's digest is computed there first), so it costs
// no buffer of its own where it fits; writing it allocates nothing.

import { Reg, Sv, SvT, LOC_BYTES, type Lwm2mClient } from './client.js';
import { Ev } from './events.js';
import { Ob, ObT, Ar, Attr, COMPOSITE_PATHS } from './observe.js';
import { MASTER_SECRET_LEN, MAX_SESSION_ID, HANDSHAKE_HEADER_LEN, VERIFY_DATA_LEN, CipherSuite } from '../dtls/constants.js';
import { Slab } from '../slab.js';
import { QDtls } from './queue.js'; // (a const enum: inlined, no import at run time)
import { crc32 } from '../model/table.js'; // (the configuration store's checksum)
import type { DtlsSession } from '../dtls/session.js';

/** The HAL's side of the persisted sleep state (client.ts ClientOptions.sleepStore). */
export interface SleepStore {
  /** Copies the stored state into out; its length, or -1 when there is none (or it does not fit). */
  load(out: Uint8Array): number;
  /** Stores it durably and atomically (the old state or the new, never a mix); false on failure. */
  save(buf: Uint8Array, off: number, len: number): boolean;
  /** Forgets it (a De-register at stop()). */
  erase(): void;
  /** Wall-clock time, ms since the Unix epoch (a clock that runs while the program is stopped). */
  wallClock(): number;
}

/** Why a persisted state was not taken back (Ev.SLEEP_DISCARDED a). */
export const enum SleepDiscard {
  /** Damaged: a length or checksum that does not hold (a write cut short is never read: the store is atomic). */
  CORRUPT = 1,
  /** Written for another endpoint name. */
  ENDPOINT = 2,
  /** Written under another configuration (the Security/Server objects changed, a bootstrap ran) or other sizes. */
  CONFIG = 3,
  /** Every registration in it has expired (its lifetime is over): the servers have forgotten it. */
  EXPIRED = 4,
  /** The wall clock is earlier than when the state was written: the time stopped is unknown. */
  CLOCK = 5,
  /** Written by another version of this format. */
  VERSION = 6,
}

const MAGIC0 = 0x4c, MAGIC1 = 0x51; // "LQ"
const FORMAT_VERSION = 2; // 2: the DTLS connection with its Connection ID
/** magic (2), version, 0, body length (4), body checksum (4). */
const HEADER = 12;
/** How far the Observe numbers jump at a restore (RFC 7641 §3.4: newer while less than 2^23 ahead). */
const SEQ_JUMP = 256;
/** A restart earlier than this before the planned wake is "early": an Update tells the server at once. */
const EARLY_MS = 2000;
/** Resumption state: suite (2), session-id length (1), id, master secret (exportResumption). */
const RESUMPTION_MAX = 3 + MAX_SESSION_ID + MASTER_SECRET_LEN;
/** Connection (CID) state: suite (2), own CID length (1, always 0: the client asks for none), the
 *  peer's CID length (1) and bytes, the write sequence bound (8), the replay window (8 + 4 + 4), the
 *  record keys (2 × 20), and with CBC_SHA256 the keyed HMAC states (2 × 64). */
const CONN_MAX = 4 + 32 + 8 + 16 + 40 + 128;
/** The longest peer CID persisted (Leshan's server grants 6 bytes, mbed TLS at most 32): a session
 *  with a longer one is carried over by its resumption state only. */
const CID_PERSIST_MAX = 32;
/** How far the write sequence number jumps at each restore (RFC 6347 §4.1: a sequence number is never
 *  used twice with the same keys; the CCM nonce is built from it). The state holds a bound, written
 *  again at the restore before the first record goes: a program that stops again before it goes
 *  offline (a crash, a reset) restarts beyond every number it may have used — provided it sent fewer
 *  than SEQ_SKIP records since the state was last written (2^24: 194 days at one record a second; the
 *  48-bit space allows 2^24 restores). */
const SEQ_SKIP = 16777216;
/** Stored-entry integers kept (queue.ts SF: OBS, SERVER, PEER, TOK_LEN, CF, LEN). */
const SF_N = 6, SF_SERVER = 1, SF_PEER = 2, SF_LEN = 5;
/** Queue Mode numbers (queue.ts QV) and integers (QI) written: the counters. */
const QV_N = 7, QV_SLEEPS = 4, QV_AWAKE_MS = 5;
const QI_DROPPED = 5, QI_TOO_LARGE = 6, QI_SENT = 7, QI_HEAD = 3, QI_COUNT = 4;

/** The persisted-state machinery of one client: its buffer and a double's bytes. */
export class SleepState {
  readonly store: SleepStore;
  /** Where the state is written: the client's configuration buffer when large enough. */
  readonly buf: Uint8Array;
  /** A double's 8 bytes (through d8). */
  readonly d: Float64Array;
  readonly d8: Uint8Array;
  /** At a restore: the account each written server index went to (255: none). */
  readonly map: Uint8Array;
  /** The sizes the layout depends on, folded into one number. */
  readonly layout: number;

  constructor(c: Lwm2mClient, slab: Slab, store: SleepStore) {
    this.store = store;
    const need = maxBytes(c);
    const pb = c.persistBuf; // (lowMemory: a new one, then kept here)
    this.buf = pb.length >= need ? pb : slab.u8(need);
    this.d = slab.f64(1);
    this.d8 = new Uint8Array(this.d.buffer, this.d.byteOffset, 8);
    this.map = slab.u8(c.nServers);
    const q = c.queue!;
    let h = 0x811c9dc5;
    const sizes = [c.nServers, c.obs.n, c.attrs.n, q.depth, q.slotBytes, COMPOSITE_PATHS, LOC_BYTES, Ob.SIZE, ObT.SIZE, Attr.COUNT, Ar.SIZE];
    for (let k = 0; k < sizes.length; k++) h = Math.imul(h ^ sizes[k], 0x01000193) >>> 0;
    this.layout = h >>> 0;
  }
}

/** The most bytes a state takes with these sizes. */
function maxBytes(c: Lwm2mClient): number {
  const q = c.queue!;
  const server = 1 + 2 + 2 + 1 + 1 + 4 + 3 * 8 + 1 + LOC_BYTES + 1 + RESUMPTION_MAX + 1 + CONN_MAX;
  const obs = 1 + 1 + Ob.SIZE * 4 + ObT.SIZE * 8 + 8 + COMPOSITE_PATHS * 4 * 4;
  const attr = 1 + Ar.SIZE * 4 + Attr.COUNT * 8;
  const entry = 1 + 4 * 4 + 8 + 8 + q.slotBytes;
  return HEADER + 12 + 3 * 8 + 4 * 4 + 1 + c.nServers * server + 1 + c.obs.n * obs + 1 + c.attrs.n * attr + 1 + q.depth * entry + 16;
}

// ------------------------------------------------------------------ DTLS resumption

/** A DtlsSession's resumption fields (private there; src/dtls/session.ts `keep` holds the session id
 *  at 0 and the master secret at MAX_SESSION_ID). Read and written only here, so that the session
 *  class carries no code for a restart where Queue Mode is not built (Espruino counts every function). */
interface Resumption { keep: Uint8Array; resSidLen: number; resSuite: number; hasResumption: boolean }
const K_MASTER = MAX_SESSION_ID;

/** Session ch's resumption state into out[at…): its suite (2 bytes), the session id's length and
 *  bytes, the master secret; the bytes written, 0 when it is not resumable. */
function exportResumption(ch: DtlsSession, out: Uint8Array, at: number): number {
  const r = ch as unknown as Resumption, k = r.keep, sl = r.resSidLen;
  if (!r.hasResumption || sl < 1 || sl > MAX_SESSION_ID) return 0;
  out[at] = r.resSuite >>> 8; out[at + 1] = r.resSuite & 0xff; out[at + 2] = sl;
  for (let j = 0; j < sl; j++) out[at + 3 + j] = k[j];
  for (let j = 0; j < MASTER_SECRET_LEN; j++) out[at + 3 + sl + j] = k[K_MASTER + j];
  return 3 + sl + MASTER_SECRET_LEN;
}

/** Takes back what exportResumption() wrote (len bytes at buf[at…)): the next handshake offers that
 *  session (a server that no longer knows it answers with a full one). False when it is not one. */
function importResumption(ch: DtlsSession, buf: Uint8Array, at: number, len: number): boolean {
  const r = ch as unknown as Resumption, k = r.keep, sl = buf[at + 2];
  if (len !== 3 + sl + MASTER_SECRET_LEN || sl < 1 || sl > MAX_SESSION_ID) return false;
  r.resSuite = (buf[at] << 8) | buf[at + 1];
  for (let j = 0; j < sl; j++) k[j] = buf[at + 3 + j];
  for (let j = 0; j < MASTER_SECRET_LEN; j++) k[K_MASTER + j] = buf[at + 3 + sl + j];
  r.resSidLen = sl;
  r.hasResumption = true;
  return true;
}

// ------------------------------------------------------------------ DTLS connection (RFC 9146 CID)

/** A DtlsSession's connection fields (private there, as the resumption's): read and written only
 *  here. Record keys at K_WRITE_KEY/K_READ_KEY of `keep` (key 16, salt 4: src/dtls/session.ts), the
 *  CBC keyed HMAC states at W_WRITE_MAC/W_READ_MAC of `fmeta`. */
interface Conn {
  state: number; hs: number; cipherSuite: number; readEpoch: number; sendSeq0: number; sendSeq1: number; ccsSent: boolean;
  rxNext: number; msgSeq: number; peerFlightLast: number; flightCount: number; peerCidLen: number; readonly peerCid: Uint8Array;
  readonly keep: Uint8Array; readonly fmeta: Int32Array; readonly window: { top: number; lo: number; hi: number };
  readonly write: Cipher; readonly read: Cipher; resumed: boolean; error: number;
}
interface Cipher { suite: number; readonly keyTag: { loaded: number }; readonly dec: { setKey(k: Uint8Array, o: number): void } | null; readonly key: Uint8Array; readonly ko: number }
const K_WRITE_KEY = MAX_SESSION_ID + MASTER_SECRET_LEN + HANDSHAKE_HEADER_LEN + VERIFY_DATA_LEN;
const KEY_BYTES = 20, MAC_WORDS = 16;
const W_WRITE_MAC = 12; // after 4 flight entries of 3 words
const CONNECTED = 2, HS_DONE = 5;

/** Session ch's connection into out[at…) when it is up with a Connection ID of the server's (not
 *  longer than CID_PERSIST_MAX); the bytes written, 0 otherwise. The write sequence number is written
 *  as a bound: SEQ_SKIP beyond the next one. */
export function exportConnection(st: F64, ch: DtlsSession, out: Uint8Array, at: number): number {
  const r = ch as unknown as Conn, cl = r.peerCidLen;
  if (r.state !== CONNECTED || cl < 1 || cl > CID_PERSIST_MAX || r.readEpoch !== 1) return 0;
  const suite = r.cipherSuite;
  let p = at;
  out[p++] = suite >>> 8; out[p++] = suite & 0xff;
  out[p++] = 0; // our own CID: none (the server's records to us carry none)
  out[p++] = cl;
  for (let j = 0; j < cl; j++) out[p + j] = r.peerCid[j];
  p += cl;
  p = putF(st, out, p, r.sendSeq1 + SEQ_SKIP);
  const w = r.window;
  p = putF(st, out, p, w.top);
  p = put32(out, p, w.lo); p = put32(out, p, w.hi);
  for (let j = 0; j < 2 * KEY_BYTES; j++) out[p + j] = r.keep[K_WRITE_KEY + j];
  p += 2 * KEY_BYTES;
  if (suite === CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256) for (let j = 0; j < 2 * MAC_WORDS; j++) p = put32(out, p, r.fmeta[W_WRITE_MAC + j]);
  return p - at;
}

/** Takes back what exportConnection() wrote (len bytes at buf[at…)): the session is Connected at
 *  epoch 1 again, its next record numbered from the bound. False (the session untouched) when the
 *  bytes are not one. */
export function importConnection(st: F64, ch: DtlsSession, buf: Uint8Array, at: number, len: number): boolean {
  const r = ch as unknown as Conn, suite = (buf[at] << 8) | buf[at + 1], own = buf[at + 2], cl = buf[at + 3];
  const cbc = suite === CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256;
  if ((!cbc && suite !== CipherSuite.TLS_PSK_WITH_AES_128_CCM_8) || own !== 0 || cl < 1 || cl > CID_PERSIST_MAX ||
      len !== 4 + cl + 8 + 16 + 2 * KEY_BYTES + (cbc ? 8 * MAC_WORDS : 0)) return false;
  let p = at + 4;
  for (let j = 0; j < cl; j++) r.peerCid[j] = buf[p + j];
  p += cl;
  const seq = getF(st, buf, p); p += 8;
  const top = getF(st, buf, p); p += 8;
  if (!(seq >= 0 && seq < 0x1000000000000) || !(top >= -1 && top < 0x1000000000000)) return false;
  r.window.top = top; r.window.lo = get32(buf, p); r.window.hi = get32(buf, p + 4); p += 8;
  for (let j = 0; j < 2 * KEY_BYTES; j++) r.keep[K_WRITE_KEY + j] = buf[p + j];
  p += 2 * KEY_BYTES;
  if (cbc) for (let j = 0; j < 2 * MAC_WORDS; j++) { r.fmeta[W_WRITE_MAC + j] = get32(buf, p); p += 4; }
  r.peerCidLen = cl;
  r.cipherSuite = suite;
  r.sendSeq0 = 0; r.sendSeq1 = seq; r.readEpoch = 1; r.ccsSent = true;
  r.rxNext = 0; r.msgSeq = 0; r.peerFlightLast = -1; r.flightCount = 0; r.resumed = false; r.error = 0;
  for (let k = 0; k < 2; k++) {
    const cs = k === 0 ? r.write : r.read;
    cs.suite = suite;
    cs.keyTag.loaded = -1; // the AES is keyed at the first record
    if (cbc && cs.dec !== null) cs.dec.setKey(cs.key, cs.ko);
  }
  r.hs = HS_DONE;
  r.state = CONNECTED;
  return true;
}

// ------------------------------------------------------------------ bytes

/** A double's 8 bytes (SleepState's d and d8). */
interface F64 { readonly d: Float64Array; readonly d8: Uint8Array }

function put32(b: Uint8Array, p: number, v: number): number {
  b[p] = v >>> 24; b[p + 1] = (v >>> 16) & 0xff; b[p + 2] = (v >>> 8) & 0xff; b[p + 3] = v & 0xff;
  return p + 4;
}
function get32(b: Uint8Array, p: number): number { return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) | 0; }
function putF(st: F64, b: Uint8Array, p: number, v: number): number {
  st.d[0] = v;
  for (let j = 0; j < 8; j++) b[p + j] = st.d8[j];
  return p + 8;
}
function getF(st: F64, b: Uint8Array, p: number): number {
  for (let j = 0; j < 8; j++) st.d8[j] = b[p + j];
  return st.d[0];
}

/** The digest of the configuration as the store keeps it (serialize() of the live table, into the
 *  sleep state's buffer, before the state goes there: at least the configuration buffer's length,
 *  and no new one with lowMemory): equal after a restart that read the same configuration back. */
function configDigest(c: Lwm2mClient, buf: Uint8Array): number {
  const n = c.table.serialize(buf, 0);
  return n < 0 ? 0 : crc32(buf, 0, n);
}

// ------------------------------------------------------------------ writing (goOffline)

/** Queue Mode went offline (queue.ts goOffline, the sessions closed): writes the state. Ev.SLEEP_SAVED
 *  (a: bytes) or Ev.SLEEP_SAVE_FAILED. No allocation. */
export function persistSleep(c: Lwm2mClient, now: number): void {
  const st = c.sleep!, qm = c.queue!, b = st.buf;
  const digest = configDigest(c, b); // before the state goes into the same buffer
  let p = HEADER;
  p = put32(b, p, crc32(c.endpointName, 0, c.endpointName.length));
  p = put32(b, p, digest);
  p = put32(b, p, st.layout);
  p = putF(st, b, p, st.store.wallClock());
  p = putF(st, b, p, qm.wakeAt - now);
  p = putF(st, b, p, qm.v[QV_AWAKE_MS]);
  p = put32(b, p, qm.v[QV_SLEEPS]);
  p = put32(b, p, qm.f[QI_DROPPED]); p = put32(b, p, qm.f[QI_TOO_LARGE]); p = put32(b, p, qm.f[QI_SENT]);
  // Servers: those registered (in queue mode: canSleep allows no other registered one).
  const sv = c.srv, tm = c.srvTime, ns = c.nServers;
  let count = 0;
  for (let s = 0; s < ns; s++) if (sv[s * Sv.SIZE + Sv.USED] !== 0 && sv[s * Sv.SIZE + Sv.STATE] === Reg.REGISTERED) count++;
  b[p++] = count;
  for (let s = 0; s < ns; s++) {
    const r = s * Sv.SIZE, d = s * SvT.SIZE;
    if (sv[r + Sv.USED] === 0 || sv[r + Sv.STATE] !== Reg.REGISTERED) continue;
    b[p++] = s;
    b[p++] = sv[r + Sv.SSID] >>> 8; b[p++] = sv[r + Sv.SSID] & 0xff;
    b[p++] = sv[r + Sv.INST] >>> 8; b[p++] = sv[r + Sv.INST] & 0xff;
    b[p++] = qm.b[s] | (qm.b[qm.nServers + s] << 1);
    b[p++] = sv[r + Sv.DIRTY] & 0xff;
    p = put32(b, p, sv[r + Sv.LINKS]);
    p = putF(st, b, p, tm[d + SvT.LIFETIME]);
    p = putF(st, b, p, tm[d + SvT.SENT] - now);
    p = putF(st, b, p, tm[d + SvT.DEADLINE] - now);
    const ll = sv[r + Sv.LOC_LEN];
    b[p++] = ll;
    for (let j = 0; j < ll; j++) b[p + j] = c.srvLoc[s * LOC_BYTES + j];
    p += ll;
    const ch = s < c.dtls.length && c.ep.channel(c.serverPeer(s)) === c.dtls[s] ? c.dtls[s] : null;
    const n = ch !== null ? exportResumption(ch, b, p + 1) : 0;
    b[p] = n;
    p += 1 + n;
    const m = ch !== null && qm.dtlsPolicy === QDtls.CID ? exportConnection(st, ch, b, p + 1) : 0;
    b[p] = m;
    p += 1 + m;
  }
  // Observations of the servers written.
  const obs = c.obs, of = obs.f, ot = obs.t;
  count = 0;
  for (let k = 0; k < obs.n; k++) if (of[k * Ob.SIZE + Ob.USED] !== 0 && keeps(c, of[k * Ob.SIZE + Ob.SERVER])) count++;
  b[p++] = count;
  for (let k = 0; k < obs.n; k++) {
    const r = k * Ob.SIZE, t = k * ObT.SIZE;
    if (of[r + Ob.USED] === 0 || !keeps(c, of[r + Ob.SERVER])) continue;
    b[p++] = k;
    for (let j = 0; j < Ob.SIZE; j++) p = put32(b, p, of[r + j]);
    for (let j = 0; j < ObT.SIZE; j++) p = putF(st, b, p, j === ObT.LAST_VAL ? ot[t + j] : ot[t + j] - now);
    for (let j = 0; j < 8; j++) b[p + j] = obs.tok[k * 8 + j];
    p += 8;
    const q = k * COMPOSITE_PATHS * 4;
    for (let j = 0; j < COMPOSITE_PATHS * 4; j++) p = put32(b, p, obs.paths[q + j]);
  }
  // Write-Attributes rows of those servers.
  const at = c.attrs, af = at.f;
  count = 0;
  for (let k = 0; k < at.n; k++) if (af[k * Ar.SIZE + Ar.USED] !== 0 && keeps(c, af[k * Ar.SIZE + Ar.SERVER])) count++;
  b[p++] = count;
  for (let k = 0; k < at.n; k++) {
    const r = k * Ar.SIZE;
    if (af[r + Ar.USED] === 0 || !keeps(c, af[r + Ar.SERVER])) continue;
    b[p++] = k;
    for (let j = 0; j < Ar.SIZE; j++) p = put32(b, p, af[r + j]);
    for (let j = 0; j < Attr.COUNT; j++) p = putF(st, b, p, at.v[k * Attr.COUNT + j]);
  }
  // The stored notifications, oldest first.
  count = 0;
  for (let e = 0; e < qm.count; e++) if (keeps(c, qm.f[qm.entry(qm.at(e)) + SF_SERVER])) count++;
  b[p++] = count;
  for (let e = 0; e < qm.count; e++) {
    const x = qm.at(e), r = qm.entry(x);
    if (!keeps(c, qm.f[r + SF_SERVER])) continue;
    for (let j = 0; j < SF_N; j++) if (j !== SF_PEER) p = put32(b, p, qm.f[r + j]);
    p = putF(st, b, p, qm.producedAt(x) - now);
    for (let j = 0; j < 8; j++) b[p + j] = qm.b[qm.tokAt + x * 8 + j];
    p += 8;
    const len = qm.f[r + SF_LEN], from = qm.dataAt + x * qm.slotBytes;
    for (let j = 0; j < len; j++) b[p + j] = qm.b[from + j];
    p += len;
  }
  b[0] = MAGIC0; b[1] = MAGIC1; b[2] = FORMAT_VERSION; b[3] = 0;
  put32(b, 4, p - HEADER);
  put32(b, 8, crc32(b, HEADER, p - HEADER));
  if (st.store.save(b, 0, p)) c.emit(Ev.SLEEP_SAVED, p, 0);
  else c.emit(Ev.SLEEP_SAVE_FAILED, p, 0);
}

/** Whether server account s's state is written (registered). */
function keeps(c: Lwm2mClient, s: number): boolean {
  return s >= 0 && s < c.nServers && c.srv[s * Sv.SIZE + Sv.USED] !== 0 && c.srv[s * Sv.SIZE + Sv.STATE] === Reg.REGISTERED;
}

/** stop(): the registrations end (De-register): the state goes. */
export function forgetSleep(c: Lwm2mClient): void { c.sleep!.store.erase(); }

// ------------------------------------------------------------------ reading (start)

/** At start, after the configuration is read and every account set to register (startFresh): takes
 *  back a persisted state that holds, or discards it with one event. Restoring may allocate nothing
 *  either, but need not care. */
export function restoreSleep(c: Lwm2mClient, now: number): void {
  const st = c.sleep!, b = st.buf;
  if (c.bsFlag || c.bsState !== 0) return; // bootstrapping: nothing to carry on
  const digest = configDigest(c, b); // before the state is read into the same buffer
  const n = st.store.load(b);
  if (n < 0) return;
  const why = check(c, st, n, digest);
  if (why !== 0) { discard(c, why); return; }
  const stopped = st.store.wallClock() - getF(st, b, HEADER + 12);
  if (!(stopped >= 0)) { discard(c, SleepDiscard.CLOCK); return; }
  // A time t written as (t − then) is (x + now − stopped) now.
  const shift = now - stopped;
  const qm = c.queue!;
  let p = HEADER + 20;
  const wakeAt = getF(st, b, p) + shift; p += 8;
  const awakeMs = getF(st, b, p); p += 8;
  const sleeps = get32(b, p); p += 4;
  const dropped = get32(b, p), tooLarge = get32(b, p + 4), sent = get32(b, p + 8); p += 12;
  const sv = c.srv, tm = c.srvTime;
  // The servers: each to the account with the same Short Server ID and Server instance, still there.
  // map[s] of the written index: the account now (-1: not taken back).
  let restored = 0, expired = 0, conns = 0;
  const ns = b[p++];
  const map = st.map, nw = c.nServers; // the layout digest holds the same number of accounts
  map.fill(255);
  for (let k = 0; k < ns; k++) {
    const ws = b[p++];
    const ssid = (b[p] << 8) | b[p + 1], inst = (b[p + 2] << 8) | b[p + 3], flags = b[p + 4], dirty = b[p + 5]; p += 6;
    const links = get32(b, p); p += 4;
    const lifetime = getF(st, b, p), sentAt = getF(st, b, p + 8) + shift, deadline = getF(st, b, p + 16) + shift; p += 24;
    const ll = b[p++], locAt = p; p += ll;
    const rl = b[p++], resAt = p; p += rl;
    const cl = b[p++], connAt = p; p += cl;
    if (p > n || ws >= nw || ll > LOC_BYTES) { undo(c, SleepDiscard.CORRUPT); return; }
    const s = c.serverIndexBySsid(ssid);
    if (s < 0 || sv[s * Sv.SIZE + Sv.INST] !== inst || c.serverPeer(s) < 0) continue;
    if (lifetime > 0 && sentAt + lifetime * 1000 <= now) { expired++; continue; } // the server has forgotten it
    const r = s * Sv.SIZE, d = s * SvT.SIZE;
    sv[r + Sv.STATE] = Reg.REGISTERED; sv[r + Sv.SLOT] = -1; sv[r + Sv.RETRY] = 0; sv[r + Sv.SEQ] = 0;
    sv[r + Sv.DIRTY] = dirty; sv[r + Sv.LINKS] = links; sv[r + Sv.LOC_LEN] = ll;
    for (let j = 0; j < ll; j++) c.srvLoc[s * LOC_BYTES + j] = b[locAt + j];
    tm[d + SvT.LIFETIME] = lifetime; tm[d + SvT.SENT] = sentAt; tm[d + SvT.DEADLINE] = deadline;
    qm.b[s] = flags & 1; qm.b[qm.nServers + s] = (flags >> 1) & 1;
    // Over coaps://: the session is offered for resumption at the first send (an abbreviated
    // handshake; a server that no longer knows it answers with a full one). Not with queueDtls "full".
    const ch = s < c.dtls.length && c.ep.channel(c.serverPeer(s)) === c.dtls[s] ? c.dtls[s] : null;
    if (ch !== null && rl > 0 && qm.dtlsPolicy !== QDtls.FULL) importResumption(ch, b, resAt, rl);
    // With the server's Connection ID ("cid"): the connection itself, no handshake at all. Its write
    // sequence bound goes SEQ_SKIP further in the state, written again below before anything is sent.
    if (ch !== null && cl > 0 && qm.dtlsPolicy === QDtls.CID && importConnection(st, ch, b, connAt, cl)) {
      const at = connAt + 4 + b[connAt + 3];
      putF(st, b, at, getF(st, b, at) + SEQ_SKIP);
      conns++;
    }
    map[ws] = s;
    restored++;
  }
  if (restored === 0) { discard(c, expired > 0 ? SleepDiscard.EXPIRED : SleepDiscard.CONFIG); return; }
  // Observations.
  const obs = c.obs, of = obs.f, ot = obs.t;
  const no = b[p++];
  for (let j = 0; j < no; j++) {
    const k = b[p++];
    if (p + Ob.SIZE * 4 + ObT.SIZE * 8 + 8 + COMPOSITE_PATHS * 16 > n || k >= obs.n) { undo(c, SleepDiscard.CORRUPT); return; }
    const r = k * Ob.SIZE, t = k * ObT.SIZE, ws = get32(b, p + Ob.SERVER * 4);
    const s = ws >= 0 && ws < nw ? map[ws] : 255;
    if (s === 255) { p += Ob.SIZE * 4 + ObT.SIZE * 8 + 8 + COMPOSITE_PATHS * 16; continue; }
    for (let i = 0; i < Ob.SIZE; i++) { of[r + i] = get32(b, p); p += 4; }
    for (let i = 0; i < ObT.SIZE; i++) { const x = getF(st, b, p); ot[t + i] = i === ObT.LAST_VAL ? x : x + shift; p += 8; }
    for (let i = 0; i < 8; i++) obs.tok[k * 8 + i] = b[p + i];
    p += 8;
    const q = k * COMPOSITE_PATHS * 4;
    for (let i = 0; i < COMPOSITE_PATHS * 4; i++) { obs.paths[q + i] = get32(b, p); p += 4; }
    of[r + Ob.SERVER] = s; of[r + Ob.PEER] = c.serverPeer(s); of[r + Ob.INFLIGHT] = -1; of[r + Ob.LAST_MID] = -1;
    // The Observe number goes on from a little further: a program that ended while awake (a crash, a
    // reset) may have sent notifications after the state was written, and a server drops one whose
    // number is not newer for 128 s (RFC 7641 §3.4); a jump of SEQ_JUMP is newer in its 24-bit order.
    of[r + Ob.SEQ] = (of[r + Ob.SEQ] + SEQ_JUMP) & 0xffffff;
  }
  // Write-Attributes rows.
  const at = c.attrs, af = at.f;
  const na = b[p++];
  for (let j = 0; j < na; j++) {
    const k = b[p++];
    if (p + Ar.SIZE * 4 + Attr.COUNT * 8 > n || k >= at.n) { undo(c, SleepDiscard.CORRUPT); return; }
    const ws = get32(b, p + Ar.SERVER * 4);
    const s = ws >= 0 && ws < nw ? map[ws] : 255;
    if (s === 255) { p += Ar.SIZE * 4 + Attr.COUNT * 8; continue; }
    for (let i = 0; i < Ar.SIZE; i++) { af[k * Ar.SIZE + i] = get32(b, p); p += 4; }
    for (let i = 0; i < Attr.COUNT; i++) { at.v[k * Attr.COUNT + i] = getF(st, b, p); p += 8; }
    af[k * Ar.SIZE + Ar.SERVER] = s;
  }
  // Stored notifications, oldest first from slot 0.
  const ne = b[p++];
  qm.f[QI_HEAD] = 0; qm.f[QI_COUNT] = 0;
  for (let j = 0; j < ne; j++) {
    if (p + 5 * 4 + 16 > n) { undo(c, SleepDiscard.CORRUPT); return; }
    const k = get32(b, p), ws = get32(b, p + 4), tokLen = get32(b, p + 8), cf = get32(b, p + 12), len = get32(b, p + 16);
    p += 20;
    const produced = getF(st, b, p) + shift; p += 8;
    const tokAt = p; p += 8;
    const dataAt = p; p += len;
    const s = ws >= 0 && ws < nw ? map[ws] : 255;
    if (p > n || len < 0 || len > qm.slotBytes || k < 0 || k >= obs.n) { undo(c, SleepDiscard.CORRUPT); return; }
    if (s === 255 || qm.count >= qm.depth) continue;
    const e = qm.count, r = qm.entry(e);
    qm.f[r] = k; qm.f[r + SF_SERVER] = s; qm.f[r + SF_PEER] = c.serverPeer(s); qm.f[r + 3] = tokLen; qm.f[r + 4] = cf; qm.f[r + SF_LEN] = len;
    qm.v[QV_N + e] = produced;
    for (let i = 0; i < 8; i++) qm.b[qm.tokAt + e * 8 + i] = b[tokAt + i];
    for (let i = 0; i < len; i++) qm.b[qm.dataAt + e * qm.slotBytes + i] = b[dataAt + i];
    qm.f[QI_COUNT]++;
  }
  qm.v[QV_SLEEPS] = sleeps; qm.v[QV_AWAKE_MS] = awakeMs;
  qm.f[QI_DROPPED] = dropped; qm.f[QI_TOO_LARGE] = tooLarge; qm.f[QI_SENT] = sent;
  qm.offline = false; qm.wakeAt = Infinity; qm.awakeSince = now; qm.lastActivity = now; qm.kicked = false;
  // A restart before the planned wake (a power cycle, a crash, a reset button): the server hears at
  // once that the client is reachable (it delivers what it queued) — an Update now. At the planned
  // wake the deadline that was due (an Update, or a notification's pmax) is the first exchange.
  if (!(wakeAt <= now + EARLY_MS)) for (let s = 0; s < c.nServers; s++) if (sv[s * Sv.SIZE + Sv.USED] !== 0 && sv[s * Sv.SIZE + Sv.STATE] === Reg.REGISTERED) tm[s * SvT.SIZE + SvT.DEADLINE] = now;
  c.emit(Ev.SLEEP_RESUMED, restored, Math.round(stopped / 1000));
  if (conns > 0) {
    // The state again with the sequence bounds moved on (the rest as it was read): a restart before
    // the next write never numbers a record as one sent since. Not written: no connection carried over
    // (the next exchange resumes the session instead).
    put32(b, 8, crc32(b, HEADER, n - HEADER));
    if (st.store.save(b, 0, n)) c.emit(Ev.SLEEP_CID, conns, 0);
    else for (let s = 0; s < c.dtls.length; s++) if (c.dtls[s].peerCidLen > 0) c.dtls[s].reset(true);
  }
}

/** 0 when the bytes are a whole state of this endpoint, sizes and configuration; else why not. */
function check(c: Lwm2mClient, st: SleepState, n: number, digest: number): number {
  const b = st.buf;
  if (n < HEADER + 24 + 8 || b[0] !== MAGIC0 || b[1] !== MAGIC1) return SleepDiscard.CORRUPT;
  if (b[2] !== FORMAT_VERSION) return SleepDiscard.VERSION;
  const len = get32(b, 4);
  if (len !== n - HEADER || (crc32(b, HEADER, len) | 0) !== get32(b, 8)) return SleepDiscard.CORRUPT;
  if (get32(b, HEADER) !== (crc32(c.endpointName, 0, c.endpointName.length) | 0)) return SleepDiscard.ENDPOINT;
  if (get32(b, HEADER + 4) !== (digest | 0) || get32(b, HEADER + 8) !== (st.layout | 0)) return SleepDiscard.CONFIG;
  return 0;
}

/** A state found damaged half-way through (its checksum held): what was taken back goes again. */
function undo(c: Lwm2mClient, why: number): void {
  for (let s = 0; s < c.dtls.length; s++) c.dtls[s].reset(false); // a connection taken back goes too
  c.startFresh();
  c.queue!.f[QI_HEAD] = 0; c.queue!.f[QI_COUNT] = 0;
  discard(c, why);
}

function discard(c: Lwm2mClient, why: number): void {
  c.sleep!.store.erase();
  c.emit(Ev.SLEEP_DISCARDED, why, 0);
}
