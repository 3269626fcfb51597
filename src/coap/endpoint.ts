// The CoAP message layer (RFC 7252 §4, §5.3, §5.9) on fixed rings: one endpoint for every peer.
//
// Call order, as the HAL drives it (sans-IO; ARCHITECTURE.md §1):
//   receive(buf, off, len, peer, now)  — one inbound datagram; parsed, deduplicated, queued
//   poll(now)                          — dispatches queued requests, runs timers; returns the next deadline
//   transmit(out, at)                  — drains one outbound datagram (its length; 0 when none);
//                                        the destination is in `txPeer` (a reused record)
// repeated until transmit() returns 0, then sleep until the deadline or the next datagram.
//
// Memory: three fixed tables sized by Config — the request ring (inbound requests waiting for
// dispatch), the response ring (outbound CON/NON messages we originate: requests, notifications,
// separate responses, and small control messages), and the dedup cache (one entry per recent
// inbound CON/NON, holding the piggybacked response it was answered with, so a duplicate gets the
// same bytes again and is never executed twice — RFC 7252 §4.5).

import { Config, exchangeLifetime, nonLifetime } from '../config.js';
import { Code } from './codes.js';
import { CoapMessage, MessageWriter, MsgType, Parse, parseMessage } from './message.js';
import { Opt } from './option.js';
import { PeerAddress } from './peer.js';
import { Prng } from './prng.js';
import { Slab } from '../slab.js';

/** What the layer above implements (the LwM2M client, or a test endpoint). Called synchronously. */
export interface EndpointHandler {
  /** Datagrams from this peer are processed (true) or dropped before parsing (false: the bootstrap
   *  flag, ARCHITECTURE.md §3; a peer the client holds no account for). -1: an address not in the
   *  peer table yet (asked before it is added). */
  accept(peer: number): boolean;
  /** A request to answer. The response is being written by `res` (type, mid and token set, code 2.05):
   *  set its code, options and payload. Returns a `Reply`. */
  onRequest(req: CoapMessage, peer: number, res: MessageWriter): number;
  /** The response to a request we sent (matched by peer and token). */
  onResponse(tag: number, res: CoapMessage, peer: number): void;
  /** A response that matches no request of ours (e.g. an Observe notification at a server). Return
   *  true to accept it (a CON is then ACKed), false to reject it (a CON is answered with RST). */
  onUnmatchedResponse(res: CoapMessage, peer: number): boolean;
  /** A CON notification or separate response of ours was acknowledged. */
  onDelivered(tag: number, peer: number): void;
  /** A message of ours failed: `Failure.TIMEOUT` (no ACK after MAX_RETRANSMIT, or no response within
   *  EXCHANGE_LIFETIME), `Failure.RESET` (the peer answered RST) or `Failure.SECURITY` (the DTLS
   *  handshake with the peer failed). */
  onFailure(tag: number, reason: number, peer: number): void;
  /** An RST that matches no message we still hold (e.g. the answer to a NON notification, which is
   *  not kept after sending: RFC 7641 §3.6 cancels the observation). */
  onReset?(mid: number, peer: number): void;
}

/** A secure channel to one peer (DTLS: src/dtls/session.ts implements it). The endpoint starts it
 *  when it has something to send, seals every outbound message and opens every inbound datagram. */
export interface SecureChannel {
  /** 0 idle, 1 handshaking, 2 connected, 3 closed, 4 failed (DtlsState). */
  readonly state: number;
  readonly error: number;
  start(identity: Uint8Array, identityLen: number, psk: Uint8Array, pskLen: number, now: number, resume: boolean): void;
  receive(buf: Uint8Array, off: number, len: number, now: number, out: Uint8Array, outOff: number): number;
  seal(app: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): number;
  transmit(out: Uint8Array, outOff: number): number;
  poll(now: number): number;
  reset(keepResumption: boolean): void;
}

const enum Sec { IDLE = 0, HANDSHAKING = 1, CONNECTED = 2, CLOSED = 3, FAILED = 4 }
/** Longest PSK identity and key the endpoint keeps per peer. */
export const MAX_PSK_IDENTITY = 128;
export const MAX_PSK_KEY = 64;

export const enum Reply {
  /** Send the response as written (piggybacked on the ACK for a CON). */
  RESPOND = 0,
  /** Answer later with a separate response (RFC 7252 §5.2.2): an empty ACK goes now. */
  DEFER = 1,
  /** Send nothing (a CON still gets an empty ACK, so the peer stops retransmitting). */
  SILENT = 2,
}

export const enum Failure { TIMEOUT = 1, RESET = 2, SECURITY = 3 }

/** What receive() did with a datagram (for tests, logs and the HAL). */
export const enum Rx {
  QUEUED = 0,        // a request, queued for dispatch
  HANDLED = 1,       // a response, ACK, RST or ping, handled
  DUPLICATE = 2,     // a duplicate, answered from the dedup cache or ignored
  IGNORED = 3,       // malformed or unexpected, dropped (maybe with an RST)
  DROPPED = 4,       // dropped unparsed: the peer is not accepted now (the bootstrap flag)
  REJECTED = 5,      // answered with an error (4.02, 4.13, 5.03) without dispatch
  NO_PEER = 6,       // the peer table is full
}

const enum Slot { FREE = 0, QUEUED = 1, WAIT_ACK = 2, WAIT_RESPONSE = 3 }
const enum Kind { REQUEST = 0, NOTIFY = 1, CONTROL = 2 }
const enum Dd { FREE = 0, PROCESSING = 1, ANSWERED = 2 }

// Each table keeps its per-entry numbers in one strided Int32Array (entry i's field F at
// i * N + F) and its times in one Float64Array, rather than one small array per field: under XS
// every typed array costs 4 to 7 heap slots of its own (docs/xs-memory.md).

/** A response-ring slot's integers (`rInt`). Its token is read from its datagram (bytes 4…, length in
 *  the low nibble of byte 0), which begin…() writes before anything can match it. */
const enum R { STATE = 0, KIND = 1, TYPE = 2, PEER = 3, MID = 4, TAG = 5, LEN = 6, RETRIES = 7, N = 8 }
/** A response-ring slot's times (`rTime`); SEQ orders sends (FIFO). */
const enum RT { DEADLINE = 0, INTERVAL = 1, SEQ = 2, N = 3 }
/** A request-ring slot (`qInt`): its peer, datagram length and dedup entry (-1: flushed). */
const enum Q { PEER = 0, LEN = 1, ENTRY = 2, N = 3 }
/** A dedup entry's integers (`dInt`); its expiry is `dExpiry[e]`, its token `dTok[e * 8 …]`. */
const enum E { STATE = 0, PEER = 1, MID = 2, LEN = 3, PENDING = 4, TOKLEN = 5, CODE = 6, N = 7 }
/** A peer's integers (`peerInt`); last seen is `peerSeen[p]`, its PSK identity and key are one row of
 *  `psk` (PSK_ROW bytes: the identity, then the key at MAX_PSK_IDENTITY). */
const enum P { USED = 0, PINNED = 1, ID_LEN = 2, KEY_LEN = 3, N = 4 }
const PSK_ROW = MAX_PSK_IDENTITY + MAX_PSK_KEY;

/** RFC 7252 §5.9.3.4: Max-Age of our 5.03 when the request ring is full (seconds). */
const BUSY_MAX_AGE = 2;

export class Endpoint {
  readonly config: Config;
  handler: EndpointHandler;
  /** The destination of the datagram transmit() just returned. */
  readonly txPeer: PeerAddress;
  txPeerIndex = -1;
  /** Counters for tests and logs. */
  droppedByFlag = 0;
  droppedMalformed = 0;
  duplicates = 0;
  busyRejections = 0;
  retransmissions = 0;

  /** DTLS: handshakes that failed (wrong key, no answer), records dropped by a channel. */
  securityFailures = 0;
  lastSecurityError = 0;

  // Peers.
  readonly peers: PeerAddress[];
  private readonly chan: (SecureChannel | null)[];
  private readonly peerInt: Int32Array;
  private readonly peerSeen: Float64Array;
  private readonly psk: Uint8Array;
  /** Every maxDatagram-sized buffer, back to back (one typed array rather than four): the response
   *  ring's slots from rAt, the request ring's from qAt, the dedup entries' from dAt, then the
   *  plaintext scratch at plainAt (decrypted datagrams, messages before sealing). The scratch is last,
   *  so a DTLS session sees exactly maxDatagram bytes of room after it, as with an array of its own. */
  private readonly dgram: Uint8Array;
  private readonly rAt = 0;
  private readonly qAt: number;
  private readonly dAt: number;
  private readonly plainAt: number;

  // Response ring (outbound messages we originate).
  private readonly rDepth: number;
  private readonly rInt: Int32Array;
  private readonly rTime: Float64Array;
  private seq = 0;

  // Request ring (inbound requests waiting for dispatch), FIFO.
  private readonly qDepth: number;
  private readonly qInt: Int32Array;
  private qHead = 0;
  private qCount = 0;

  // Dedup cache.
  private readonly dN: number;
  private readonly dInt: Int32Array;
  private readonly dExpiry: Float64Array;
  /** Token and code (E.CODE) of the message an entry is for: a datagram with the same MID but another
   *  token or code is not a retransmission (a new process reusing the port and a time-seeded MID), so
   *  it is processed, not answered from the cache. */
  private readonly dTok: Uint8Array;

  private readonly maxDatagram: number;
  private readonly msg: CoapMessage;
  /** The writer for messages being built (requests between begin…() and commit(), responses). */
  readonly w = new MessageWriter();
  private readonly prng = new Prng();
  private mid = 0;
  private tokenCounter = 0;
  private now = 0;
  private readonly lifetime: number;
  private readonly nonLife: number;
  private readonly tmpTok: Uint8Array;
  // Per-peer PSK bytes are rows of `psk`; start() wants buffers starting at 0, so the peer's bytes
  // are copied to the front of these scratches first (no allocation).
  private readonly idScratch: Uint8Array;
  private readonly keyScratch: Uint8Array;

  /** Every table is allocated here, from `slab` (pass the client's to share its pages). */
  constructor(config: Config, handler: EndpointHandler, seed: Uint8Array, slab: Slab = new Slab()) {
    this.config = config;
    this.handler = handler;
    const D = config.maxDatagram;
    this.maxDatagram = D;
    // Float64 rows first, then 32-bit, then bytes: the slab aligns each view, and this order leaves
    // no gaps between them.
    const np = config.maxPeers, rd = config.responseRingDepth, qd = config.requestRingDepth, dn = config.dedupEntries;
    this.peerSeen = slab.f64(np);
    this.rTime = slab.f64(rd * RT.N);
    this.dExpiry = slab.f64(dn + 1); // and, at [dN], pollInto's running minimum
    this.peerInt = slab.i32(np * P.N);
    this.rInt = slab.i32(rd * R.N);
    this.qInt = slab.i32(qd * Q.N);
    this.dInt = slab.i32(dn * E.N);
    this.msg = new CoapMessage(slab);
    this.txPeer = new PeerAddress(slab);
    this.peers = [];
    this.chan = [];
    for (let j = 0; j < np; j++) { this.peers.push(new PeerAddress(slab)); this.chan.push(null); }
    this.tmpTok = slab.u8(8);
    this.dTok = slab.u8(dn * 8);
    this.idScratch = slab.u8(MAX_PSK_IDENTITY);
    this.keyScratch = slab.u8(MAX_PSK_KEY);
    this.psk = slab.u8(np * PSK_ROW);
    this.dgram = slab.u8((rd + qd + dn + 1) * D);
    this.qAt = rd * D;
    this.dAt = (rd + qd) * D;
    this.plainAt = (rd + qd + dn) * D;
    this.rDepth = rd;
    for (let k = 0; k < rd; k++) this.rTime[k * RT.N + RT.DEADLINE] = Infinity;
    this.qDepth = qd;
    this.dN = dn;
    this.dExpiry.fill(Infinity);
    this.lifetime = exchangeLifetime(config);
    this.nonLife = nonLifetime(config);
    this.prng.seed(seed, 0, seed.length);
    this.mid = this.prng.next() & 0xffff;
    this.tokenCounter = this.prng.next();
  }

  // ---------------------------------------------------------------- peers

  /** The index of this address in the peer table, adding it when absent (evicting the least recently
   *  seen unpinned peer with nothing pending when full). -1 when there is no room. */
  peerIndex(addr: PeerAddress, pin: boolean): number {
    const n = this.peers.length, pi = this.peerInt;
    let free = -1;
    for (let j = 0; j < n; j++) {
      if (pi[j * P.N + P.USED]) {
        if (this.peers[j].equals(addr)) { if (pin) pi[j * P.N + P.PINNED] = 1; return j; }
      } else if (free < 0) free = j;
    }
    if (free < 0) {
      let oldest = Infinity;
      for (let j = 0; j < n; j++) {
        if (pi[j * P.N + P.PINNED] || this.peerBusy(j)) continue;
        if (this.peerSeen[j] < oldest) { oldest = this.peerSeen[j]; free = j; }
      }
      if (free < 0) return -1;
      this.forgetPeer(free);
    }
    this.peers[free].set(addr);
    pi[free * P.N + P.USED] = 1;
    pi[free * P.N + P.PINNED] = pin ? 1 : 0;
    this.peerSeen[free] = this.now;
    return free;
  }

  /** Lookup only: the peer's index or -1. */
  findPeer(addr: PeerAddress): number {
    for (let j = 0; j < this.peers.length; j++) if (this.peerInt[j * P.N + P.USED] && this.peers[j].equals(addr)) return j;
    return -1;
  }

  unpinPeer(p: number): void { this.peerInt[p * P.N + P.PINNED] = 0; }

  /**
   * Makes peer p a DTLS peer (coaps://) with this channel and PSK identity/key (copied), or a plain
   * one (channel null). The handshake starts when there is something to send.
   */
  setSecurity(p: number, ch: SecureChannel | null, id: Uint8Array, idOff: number, idLen: number,
              key: Uint8Array, keyOff: number, keyLen: number): number {
    const old = this.chan[p];
    const pi = this.peerInt, at = p * P.N;
    if (ch === null) {
      if (old !== null) old.reset(false);
      this.chan[p] = null; pi[at + P.ID_LEN] = 0; pi[at + P.KEY_LEN] = 0; return 0;
    }
    if (idLen > MAX_PSK_IDENTITY || keyLen > MAX_PSK_KEY || keyLen === 0) return -Code.BAD_REQUEST;
    const row = p * PSK_ROW;
    // The same connected channel with the same identity and key (start fresh after Bootstrap-Finish
    // re-reads the bootstrap account while the Finish's 2.04 still has to go out): keep the session,
    // rather than a new handshake for that one response.
    if (old === ch && ch.state === Sec.CONNECTED && this.samePsk(row, pi[at + P.ID_LEN], pi[at + P.KEY_LEN], id, idOff, idLen, key, keyOff, keyLen)) return 0;
    if (old !== null && old !== ch) old.reset(false);
    this.chan[p] = ch;
    for (let j = 0; j < idLen; j++) this.psk[row + j] = id[idOff + j];
    for (let j = 0; j < keyLen; j++) this.psk[row + MAX_PSK_IDENTITY + j] = key[keyOff + j];
    pi[at + P.ID_LEN] = idLen; pi[at + P.KEY_LEN] = keyLen;
    ch.reset(false);
    return 0;
  }

  private samePsk(row: number, oldIdLen: number, oldKeyLen: number, id: Uint8Array, idOff: number, idLen: number,
                  key: Uint8Array, keyOff: number, keyLen: number): boolean {
    if (oldIdLen !== idLen || oldKeyLen !== keyLen) return false;
    for (let j = 0; j < idLen; j++) if (this.psk[row + j] !== id[idOff + j]) return false;
    for (let j = 0; j < keyLen; j++) if (this.psk[row + MAX_PSK_IDENTITY + j] !== key[keyOff + j]) return false;
    return true;
  }

  /** The channel of peer p (null: plain CoAP). */
  channel(p: number): SecureChannel | null { return this.chan[p]; }

  /** Starts the handshake of a secure peer that has something to send. */
  private ensureHandshake(p: number): void {
    const ch = this.chan[p];
    if (ch === null || ch.state !== Sec.IDLE) return;
    // The identity and key are copied into the session's own buffers by start().
    const idLen = this.peerInt[p * P.N + P.ID_LEN], keyLen = this.peerInt[p * P.N + P.KEY_LEN];
    const row = p * PSK_ROW;
    for (let j = 0; j < idLen; j++) this.idScratch[j] = this.psk[row + j];
    for (let j = 0; j < keyLen; j++) this.keyScratch[j] = this.psk[row + MAX_PSK_IDENTITY + j];
    ch.start(this.idScratch, idLen, this.keyScratch, keyLen, this.now, true);
  }

  /** A channel failed: every message to that peer fails (the layer above retries with back-off). */
  private channelFailed(p: number): void {
    const ch = this.chan[p]!;
    this.securityFailures++;
    this.lastSecurityError = ch.error;
    ch.reset(false);
    const r = this.rInt;
    for (let k = 0; k < this.rDepth; k++) {
      const b = k * R.N;
      if (r[b + R.STATE] === Slot.FREE || r[b + R.PEER] !== p) continue;
      const tag = r[b + R.TAG];
      this.freeSlot(k);
      if (tag >= 0) this.handler.onFailure(tag, Failure.SECURITY, p);
    }
    const d = this.dInt;
    for (let e = 0; e < this.dN; e++) if (d[e * E.N + E.PEER] === p) d[e * E.N + E.PENDING] = 0;
  }

  private peerBusy(p: number): boolean {
    const r = this.rInt, d = this.dInt;
    for (let k = 0; k < this.rDepth; k++) if (r[k * R.N + R.STATE] !== Slot.FREE && r[k * R.N + R.PEER] === p) return true;
    // Answered dedup entries do not hold a peer: under pressure its duplicate detection goes first.
    for (let e = 0; e < this.dN; e++) {
      const b = e * E.N;
      if (d[b + E.PEER] === p && (d[b + E.STATE] === Dd.PROCESSING || d[b + E.PENDING])) return true;
    }
    return this.qCount > 0 && this.queuedFrom(p);
  }

  private queuedFrom(p: number): boolean {
    for (let n = 0; n < this.qCount; n++) if (this.qInt[((this.qHead + n) % this.qDepth) * Q.N + Q.PEER] === p) return true;
    return false;
  }

  /**
   * Dedup entry e keeps absorbing duplicates until it expires, but answers none: its response (or
   * the one still being computed) is dropped. The bootstrap flag and start fresh drop the replies of
   * the old exchanges; a sender still retransmitting one of them (for EXCHANGE_LIFETIME) must not get
   * the cached reply after all, nor — once the entry were gone — have its request executed a second
   * time (a duplicate Execute /1/x/9 after Bootstrap-Finish: another bootstrap). Issue 12 point 21.
   */
  private silence(e: number): void {
    const d = this.dInt, b = e * E.N;
    d[b + E.STATE] = Dd.ANSWERED; d[b + E.LEN] = 0; d[b + E.PENDING] = 0;
  }

  /** Start fresh for peer p (TS Core §6.1.6): drops its queued requests and outbound messages
   *  (without callbacks), resets its security; its dedup entries stay, silent (silence()). The
   *  peer entry stays too, unpinned: a new account with the same address takes it again. */
  resetPeer(p: number): void {
    this.flushPeer(p, true);
    this.setSecurity(p, null, this.dgram, 0, 0, this.dgram, 0, 0);
    this.unpinPeer(p);
  }

  /** Drops everything held for a peer: ring messages (without callbacks), dedup entries, queued
   *  requests; frees its table entry. */
  forgetPeer(p: number): void {
    this.flushPeer(p);
    this.setSecurity(p, null, this.dgram, 0, 0, this.dgram, 0, 0);
    this.peerInt[p * P.N + P.USED] = 0; this.peerInt[p * P.N + P.PINNED] = 0; this.peers[p].clear();
  }

  // ---------------------------------------------------------------- inbound

  receive(buf: Uint8Array, off: number, len: number, from: PeerAddress, now: number): number {
    this.now = now;
    let p = this.findPeer(from);
    if (p < 0) {
      // A peer the table does not hold: asked first (accept(-1)), so one the handler refuses
      // never takes (or evicts) a peer entry.
      if (!this.handler.accept(-1)) { this.droppedByFlag++; return Rx.DROPPED; }
      p = this.peerIndex(from, false);
      if (p < 0) return Rx.NO_PEER;
    }
    this.peerSeen[p] = now;
    if (!this.handler.accept(p)) { this.droppedByFlag++; return Rx.DROPPED; }
    const ch = this.chan[p];
    if (ch !== null) {
      // DTLS: handshake records are consumed; application data comes out in plaintext.
      const n = ch.receive(buf, off, len, now, this.dgram, this.plainAt);
      if (ch.state === Sec.FAILED) this.channelFailed(p);
      if (n <= 0) return Rx.HANDLED;
      return this.receiveFrom(p, this.dgram, this.plainAt, n);
    }
    return this.receiveFrom(p, buf, off, len);
  }

  /** receive() for a peer already resolved (and, for DTLS, already decrypted). */
  receiveFrom(p: number, buf: Uint8Array, off: number, len: number): number {
    const m = this.msg;
    const r = parseMessage(buf, off, len, m);
    if (r === Parse.IGNORE) { this.droppedMalformed++; return Rx.IGNORED; }
    if (r === Parse.FORMAT) {
      this.droppedMalformed++;
      // RFC 7252 §4.2: a CON with a format error is rejected with RST; §4.3: a NON is ignored.
      if (m.type === MsgType.CON) this.control(p, MsgType.RST, m.mid);
      return Rx.IGNORED;
    }
    if (m.code === Code.EMPTY) return this.receiveEmpty(p, m);
    if (m.isRequest()) return this.receiveRequest(p, m, r, buf, off, len);
    if (m.isResponse()) return this.receiveResponse(p, m, r);
    // Codes 2.xx-5.xx cover all responses; 0.08-0.31 are unassigned request codes: 4.05 (RFC 7252 §5.8).
    return Rx.IGNORED;
  }

  private receiveEmpty(p: number, m: CoapMessage): number {
    if (m.type === MsgType.CON) { // CoAP ping (§4.3): answered with RST
      this.control(p, MsgType.RST, m.mid);
      return Rx.HANDLED;
    }
    if (m.type === MsgType.NON) return Rx.IGNORED; // §4.3: an empty NON is ignored
    const k = this.slotByMid(p, m.mid);
    if (k < 0) {
      if (m.type === MsgType.RST) { if (this.handler.onReset) this.handler.onReset(m.mid, p); return Rx.HANDLED; }
      return Rx.IGNORED;
    }
    const tag = this.rInt[k * R.N + R.TAG];
    if (m.type === MsgType.RST) {
      this.freeSlot(k);
      this.handler.onFailure(tag, Failure.RESET, p);
      return Rx.HANDLED;
    }
    // An empty ACK: for a request of ours, wait now for the separate response (§5.2.2); for a ping,
    // a notification or a separate response of ours, it is delivered.
    if (this.rInt[k * R.N + R.KIND] === Kind.REQUEST && this.dgram[this.rAt + k * this.maxDatagram + 1] !== Code.EMPTY) {
      this.rInt[k * R.N + R.STATE] = Slot.WAIT_RESPONSE;
      this.rTime[k * RT.N + RT.DEADLINE] = this.now + this.lifetime;
      return Rx.HANDLED;
    }
    this.freeSlot(k);
    this.handler.onDelivered(tag, p);
    return Rx.HANDLED;
  }

  private receiveRequest(p: number, m: CoapMessage, r: number, buf: Uint8Array, off: number, len: number): number {
    if (m.type !== MsgType.CON && m.type !== MsgType.NON) { this.droppedMalformed++; return Rx.IGNORED; } // §4.2/4.3: a request in an ACK/RST
    const di = this.dInt;
    const e = this.dedupFind(p, m);
    if (e >= 0) {
      this.duplicates++;
      // §4.5: a duplicate CON gets the same ACK (and response) again; a duplicate NON is ignored.
      if (m.type === MsgType.CON && di[e * E.N + E.STATE] === Dd.ANSWERED) di[e * E.N + E.PENDING] = 1;
      return Rx.DUPLICATE;
    }
    const d = this.dedupAlloc(p, m, m.type === MsgType.CON ? this.lifetime : this.nonLife);
    if (d < 0) { this.busyRejections++; return Rx.IGNORED; } // every entry is still being processed: drop; the peer retransmits
    if (r === Parse.BAD_OPTION || r === Parse.TOO_MANY_OPTIONS) {
      // §5.4.1: an unrecognised critical option in a CON request → 4.02; in a NON → ignored.
      if (m.type === MsgType.CON) {
        this.answerNow(d, p, m, r === Parse.BAD_OPTION ? Code.BAD_OPTION : Code.REQUEST_ENTITY_TOO_LARGE, 0);
        return Rx.REJECTED;
      }
      this.dedupAnswered(d, 0);
      return Rx.IGNORED;
    }
    if (len > this.maxDatagram) {
      // Too large for a request slot: not "busy" (a 5.03 would be retried for ever) but 4.13
      // (RFC 7252 §5.9.2.9), with the advice of RFC 7959 §2.9.3: a Block1 option with the block
      // size we take (num 0, no more) and Size1, the largest body we reassemble.
      this.answerNow(d, p, m, Code.REQUEST_ENTITY_TOO_LARGE, 0, true);
      return Rx.REJECTED;
    }
    if (this.qCount === this.qDepth) {
      this.busyRejections++;
      if (m.type === MsgType.CON) { // §5.9.3.4: 5.03 with Max-Age saying when to retry
        this.answerNow(d, p, m, Code.SERVICE_UNAVAILABLE, BUSY_MAX_AGE);
        return Rx.REJECTED;
      }
      this.dedupAnswered(d, 0);
      return Rx.IGNORED;
    }
    const q = (this.qHead + this.qCount) % this.qDepth;
    this.qCount++;
    const qi = this.qInt, b = q * Q.N;
    qi[b + Q.PEER] = p; qi[b + Q.LEN] = len; qi[b + Q.ENTRY] = d;
    const base = this.qAt + q * this.maxDatagram;
    for (let j = 0; j < len; j++) this.dgram[base + j] = buf[off + j];
    return Rx.QUEUED;
  }

  /** Writes a piggybacked (or NON) error response straight into dedup entry d. */
  private answerNow(d: number, p: number, m: CoapMessage, code: number, maxAge: number, blockAdvice = false): void {
    const w = this.w;
    const con = m.type === MsgType.CON;
    w.begin(this.dgram, this.dAt + d * this.maxDatagram, this.maxDatagram, con ? MsgType.ACK : MsgType.NON, code,
      con ? m.mid : this.nextMid(), m.token, 0, m.tokenLen);
    if (maxAge > 0) w.optionUint(Opt.MAX_AGE, maxAge);
    if (blockAdvice) {
      const bs = this.config.blockSize;
      let szx = 0;
      while ((16 << szx) < bs) szx++;
      w.optionUint(Opt.BLOCK1, szx);
      w.optionUint(Opt.SIZE1, this.config.maxPayload);
    }
    const n = w.end();
    const b = d * E.N;
    this.dInt[b + E.LEN] = n > 0 ? n : 0;
    this.dInt[b + E.STATE] = Dd.ANSWERED;
    this.dInt[b + E.PENDING] = n > 0 ? 1 : 0;
  }

  /** Dedup entry d is answered, with the first n bytes of its datagram (0: nothing to send). */
  private dedupAnswered(d: number, n: number): void {
    this.dInt[d * E.N + E.STATE] = Dd.ANSWERED; this.dInt[d * E.N + E.LEN] = n;
  }

  private receiveResponse(p: number, m: CoapMessage, r: number): number {
    // A CON response (separate, or a notification) is itself deduplicated and ACKed (§4.5, §5.2.2).
    const di = this.dInt;
    let d = -1;
    if (m.type === MsgType.CON) {
      const e = this.dedupFind(p, m);
      if (e >= 0) { this.duplicates++; if (di[e * E.N + E.STATE] === Dd.ANSWERED) di[e * E.N + E.PENDING] = 1; return Rx.DUPLICATE; }
      d = this.dedupAlloc(p, m, this.lifetime);
      if (d < 0) return Rx.IGNORED;
    } else if (m.type === MsgType.NON) {
      const e = this.dedupFind(p, m);
      if (e >= 0) { this.duplicates++; return Rx.DUPLICATE; }
      d = this.dedupAlloc(p, m, this.nonLife);
    }
    if (r !== Parse.OK) {
      // §5.4.1: an unrecognised critical option in a CON response → RST; otherwise ignored.
      if (m.type === MsgType.CON) this.storeEmpty(d, MsgType.RST, m.mid);
      else if (d >= 0) this.dedupAnswered(d, 0);
      this.droppedMalformed++;
      return Rx.IGNORED;
    }
    let k = -1;
    if (m.type === MsgType.ACK) {
      k = this.slotByMid(p, m.mid);
      if (k >= 0 && (this.rInt[k * R.N + R.KIND] !== Kind.REQUEST || !this.tokenMatches(k, m))) k = -1;
    } else {
      k = this.slotByToken(p, m);
    }
    if (k < 0) {
      const ok = this.handler.onUnmatchedResponse(m, p);
      // A rejected CON gets RST (§4.2); so does a rejected NON (§4.3: "MAY"), which is how a client
      // cancels an observation it no longer wants (RFC 7641 §3.6).
      if (m.type === MsgType.CON || (!ok && m.type === MsgType.NON)) this.storeEmpty(d, ok ? MsgType.ACK : MsgType.RST, m.mid);
      else if (d >= 0) this.dedupAnswered(d, 0);
      return ok ? Rx.HANDLED : Rx.IGNORED;
    }
    if (m.type === MsgType.CON) this.storeEmpty(d, MsgType.ACK, m.mid);
    else if (d >= 0) this.dedupAnswered(d, 0);
    const tag = this.rInt[k * R.N + R.TAG];
    this.freeSlot(k);
    this.handler.onResponse(tag, m, p);
    return Rx.HANDLED;
  }

  private storeEmpty(d: number, type: number, mid: number): void {
    if (d < 0) return;
    const b = this.dgram, at = this.dAt + d * this.maxDatagram;
    b[at] = 0x40 | (type << 4); b[at + 1] = 0; b[at + 2] = mid >> 8; b[at + 3] = mid & 0xff;
    this.dedupAnswered(d, 4); this.dInt[d * E.N + E.PENDING] = 1;
  }

  /** The message in slot k carries m's token (read from the slot's datagram: see R). */
  private tokenMatches(k: number, m: CoapMessage): boolean {
    const at = this.rAt + k * this.maxDatagram;
    return m.tokenEquals(this.dgram, at + 4, this.dgram[at] & 15);
  }

  private slotByMid(p: number, mid: number): number {
    const r = this.rInt;
    for (let k = 0; k < this.rDepth; k++) {
      const b = k * R.N;
      if (r[b + R.STATE] === Slot.WAIT_ACK && r[b + R.PEER] === p && r[b + R.MID] === mid) return k;
    }
    return -1;
  }

  private slotByToken(p: number, m: CoapMessage): number {
    const r = this.rInt;
    for (let k = 0; k < this.rDepth; k++) {
      const b = k * R.N, s = r[b + R.STATE];
      if ((s === Slot.WAIT_ACK || s === Slot.WAIT_RESPONSE) && r[b + R.KIND] === Kind.REQUEST &&
          r[b + R.PEER] === p && this.tokenMatches(k, m)) return k;
    }
    return -1;
  }

  // ---------------------------------------------------------------- dedup cache

  private dedupFind(p: number, m: CoapMessage): number {
    const mid = m.mid, d = this.dInt;
    for (let e = 0; e < this.dN; e++) {
      const b = e * E.N;
      if (d[b + E.STATE] !== Dd.FREE && d[b + E.PEER] === p && d[b + E.MID] === mid) {
        if (this.dExpiry[e] <= this.now || d[b + E.CODE] !== m.code || !m.tokenEquals(this.dTok, e * 8, d[b + E.TOKLEN])) {
          // Expired, or the MID reused for another message: the old entry goes.
          this.dedupFree(e);
          return -1;
        }
        return e;
      }
    }
    return -1;
  }

  private dedupFree(e: number): void {
    this.dInt[e * E.N + E.STATE] = Dd.FREE; this.dInt[e * E.N + E.PENDING] = 0; this.dExpiry[e] = Infinity;
  }

  /** A free entry, else the answered one closest to expiry (never one still being processed). */
  private dedupAlloc(p: number, m: CoapMessage, life: number): number {
    const mid = m.mid, d = this.dInt;
    let best = -1, bestExp = Infinity;
    for (let e = 0; e < this.dN; e++) {
      const s = d[e * E.N + E.STATE];
      if (s === Dd.FREE) { best = e; break; }
      if (s === Dd.ANSWERED && !d[e * E.N + E.PENDING] && this.dExpiry[e] < bestExp) { bestExp = this.dExpiry[e]; best = e; }
    }
    if (best < 0) return -1;
    const b = best * E.N;
    d[b + E.STATE] = Dd.PROCESSING; d[b + E.PEER] = p; d[b + E.MID] = mid;
    this.dExpiry[best] = this.now + life; d[b + E.LEN] = 0; d[b + E.PENDING] = 0;
    d[b + E.CODE] = m.code; d[b + E.TOKLEN] = m.tokenLen;
    for (let j = 0; j < m.tokenLen; j++) this.dTok[best * 8 + j] = m.token[j];
    return best;
  }

  // ---------------------------------------------------------------- dispatch and timers

  /** Dispatches queued requests and runs the timers. Returns the next deadline (ms), or Infinity. */
  poll(now: number): number {
    this.pollInto(now, this.dExpiry, this.dN);
    return this.dExpiry[this.dN];
  }

  /** poll() with the deadline written to out[at] rather than returned: a double returned from a
   *  call V8 does not inline is boxed (a HeapNumber per call when it is Infinity or fractional), and
   *  the client polls once per turn of its driver (Lwm2mClient.poll uses this). */
  pollInto(now: number, out: Float64Array, at: number): void {
    this.now = now;
    while (this.qCount > 0) this.dispatchOne();
    // The running minimum in a Float64Array: a local that also takes a call's result (ch.poll) may be
    // kept tagged by V8, and every double assigned to it boxed.
    const nx = this.dExpiry, M = this.dN;
    nx[M] = Infinity;
    const r = this.rInt, t = this.rTime;
    for (let k = 0; k < this.rDepth; k++) {
      const s = r[k * R.N + R.STATE];
      if (s === Slot.WAIT_ACK || s === Slot.WAIT_RESPONSE) {
        const at = k * RT.N + RT.DEADLINE;
        if (t[at] <= now) this.expire(k);
        const s2 = r[k * R.N + R.STATE];
        if (s2 !== Slot.FREE && s2 !== Slot.QUEUED && t[at] < nx[M]) nx[M] = t[at];
      }
    }
    const d = this.dInt;
    for (let e = 0; e < this.dN; e++) {
      if (d[e * E.N + E.STATE] === Dd.ANSWERED) {
        if (this.dExpiry[e] <= now && !d[e * E.N + E.PENDING]) this.dedupFree(e);
        else if (this.dExpiry[e] < nx[M]) nx[M] = this.dExpiry[e];
      }
    }
    for (let p = 0; p < this.chan.length; p++) {
      const ch = this.chan[p];
      if (ch === null) continue;
      if (ch.state === Sec.IDLE && this.hasPendingFor(p)) this.ensureHandshake(p);
      const dl = ch.poll(now);
      if (ch.state === Sec.FAILED) { this.channelFailed(p); continue; }
      if (dl < nx[M]) nx[M] = dl;
    }
    if (this.hasOutput()) nx[M] = now;
    out[at] = nx[M];
  }

  /** Something waits to be sent to peer p. */
  private hasPendingFor(p: number): boolean {
    const d = this.dInt, r = this.rInt;
    for (let e = 0; e < this.dN; e++) if (d[e * E.N + E.PENDING] && d[e * E.N + E.PEER] === p) return true;
    for (let k = 0; k < this.rDepth; k++) if (r[k * R.N + R.STATE] === Slot.QUEUED && r[k * R.N + R.PEER] === p) return true;
    return false;
  }

  /** Messages to p can go out now (plain, or DTLS connected). */
  private ready(p: number): boolean {
    const ch = this.chan[p];
    return ch === null || ch.state === Sec.CONNECTED;
  }

  private expire(k: number): void {
    const r = this.rInt, b = k * R.N;
    if (r[b + R.STATE] === Slot.WAIT_ACK && r[b + R.RETRIES] < this.config.maxRetransmit) {
      r[b + R.STATE] = Slot.QUEUED; // retransmitted by transmit(), with the doubled timeout
      r[b + R.RETRIES]++;
      this.retransmissions++;
      return;
    }
    const tag = r[b + R.TAG], p = r[b + R.PEER];
    this.freeSlot(k);
    this.handler.onFailure(tag, Failure.TIMEOUT, p);
  }

  private dispatchOne(): void {
    const q = this.qHead;
    this.qHead = (this.qHead + 1) % this.qDepth;
    this.qCount--;
    const di = this.dInt;
    const p = this.qInt[q * Q.N + Q.PEER], d = this.qInt[q * Q.N + Q.ENTRY];
    if (d < 0 || di[d * E.N + E.STATE] !== Dd.PROCESSING || di[d * E.N + E.PEER] !== p) return; // flushed meanwhile
    const m = this.msg;
    parseMessage(this.dgram, this.qAt + q * this.maxDatagram, this.qInt[q * Q.N + Q.LEN], m);
    const con = m.type === MsgType.CON;
    const w = this.w;
    const at = this.dAt + d * this.maxDatagram;
    w.begin(this.dgram, at, this.maxDatagram, con ? MsgType.ACK : MsgType.NON, Code.CONTENT,
      con ? m.mid : this.nextMid(), m.token, 0, m.tokenLen);
    const reply = this.handler.onRequest(m, p, w);
    if (di[d * E.N + E.STATE] !== Dd.PROCESSING || di[d * E.N + E.PEER] !== p) return; // the handler flushed this peer
    if (reply === Reply.RESPOND) {
      let n = w.end();
      if (n < 0) { // did not fit: 5.00 rather than a truncated message
        w.begin(this.dgram, at, this.maxDatagram, con ? MsgType.ACK : MsgType.NON, Code.INTERNAL_SERVER_ERROR,
          con ? m.mid : this.nextMid(), m.token, 0, m.tokenLen);
        n = w.end();
      }
      this.dedupAnswered(d, n); di[d * E.N + E.PENDING] = 1;
    } else if (con) {
      this.storeEmpty(d, MsgType.ACK, m.mid);
    } else {
      this.dedupAnswered(d, 0);
    }
  }

  // ---------------------------------------------------------------- outbound

  hasOutput(): boolean {
    const d = this.dInt;
    for (let e = 0; e < this.dN; e++) if (d[e * E.N + E.PENDING] && this.ready(d[e * E.N + E.PEER])) return true;
    for (let k = 0; k < this.rDepth; k++) if (this.rInt[k * R.N + R.STATE] === Slot.QUEUED && this.sendable(k)) return true;
    return false;
  }

  /** NSTART (§4.7): a CON request waits while another request to the same peer is outstanding: one
   *  not acknowledged yet (WAIT_ACK), or a NON one awaiting its response. A CON answered with an
   *  empty ACK (WAIT_RESPONSE, a separate response to come) is no longer outstanding — "a request
   *  for which neither a response nor an Acknowledgment message has yet been received". */
  private sendable(k: number): boolean {
    const r = this.rInt, b = k * R.N;
    const p = r[b + R.PEER];
    if (!this.ready(p)) return false;
    if (r[b + R.KIND] !== Kind.REQUEST || r[b + R.RETRIES] > 0) return true;
    let outstanding = 0;
    for (let j = 0; j < this.rDepth; j++) {
      const c = j * R.N, s = r[c + R.STATE];
      if (j !== k && r[c + R.PEER] === p && r[c + R.KIND] === Kind.REQUEST &&
          (s === Slot.WAIT_ACK || (s === Slot.WAIT_RESPONSE && r[c + R.TYPE] !== MsgType.CON))) outstanding++;
    }
    if (outstanding >= this.config.nstart) return false;
    // FIFO among queued requests to this peer.
    const seq = this.rTime[k * RT.N + RT.SEQ];
    for (let j = 0; j < this.rDepth; j++) {
      const c = j * R.N;
      if (j !== k && r[c + R.STATE] === Slot.QUEUED && r[c + R.PEER] === p && r[c + R.KIND] === Kind.REQUEST &&
          r[c + R.RETRIES] === 0 && this.rTime[j * RT.N + RT.SEQ] < seq) return false;
    }
    return true;
  }

  /** Copies the next outbound datagram into out[at…]; returns its length (0 when none). */
  transmit(out: Uint8Array, at: number): number {
    // DTLS handshake flights and alerts.
    for (let p = 0; p < this.chan.length; p++) {
      const ch = this.chan[p];
      if (ch === null) continue;
      const n = ch.transmit(out, at);
      if (n > 0) { this.setTx(p); return n; }
    }
    const d = this.dInt;
    for (let e = 0; e < this.dN; e++) {
      const b = e * E.N;
      if (!d[b + E.PENDING] || !this.ready(d[b + E.PEER])) continue;
      d[b + E.PENDING] = 0;
      const n = d[b + E.LEN];
      if (n === 0) continue;
      const sealed = this.emit(d[b + E.PEER], this.dgram, this.dAt + e * this.maxDatagram, n, out, at);
      if (sealed <= 0) continue;
      this.setTx(d[b + E.PEER]);
      return sealed;
    }
    const r = this.rInt, t = this.rTime;
    let best = -1;
    for (let k = 0; k < this.rDepth; k++) {
      if (r[k * R.N + R.STATE] === Slot.QUEUED &&
          (best < 0 || t[k * RT.N + RT.SEQ] < t[best * RT.N + RT.SEQ]) && this.sendable(k)) best = k;
    }
    if (best < 0) return 0;
    const k = best, b = k * R.N, tb = k * RT.N;
    const n = this.emit(r[b + R.PEER], this.dgram, this.rAt + k * this.maxDatagram, r[b + R.LEN], out, at);
    if (n <= 0) { this.freeSlot(k); return 0; } // cannot be sealed (too large for a record): dropped
    this.setTx(r[b + R.PEER]);
    if (r[b + R.TYPE] === MsgType.CON) {
      // §4.2: initial timeout random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubled each time.
      if (r[b + R.RETRIES] === 0) {
        t[tb + RT.INTERVAL] = this.config.ackTimeout * (1 + this.prng.float() * (this.config.ackRandomFactor - 1));
      } else {
        t[tb + RT.INTERVAL] *= 2;
      }
      r[b + R.STATE] = Slot.WAIT_ACK;
      t[tb + RT.DEADLINE] = this.now + t[tb + RT.INTERVAL];
    } else if (r[b + R.KIND] === Kind.REQUEST) {
      r[b + R.STATE] = Slot.WAIT_RESPONSE; // a NON request: wait for a response for NON_LIFETIME
      t[tb + RT.DEADLINE] = this.now + this.nonLife;
    } else {
      this.freeSlot(k);
    }
    return n;
  }

  /** Copies (plain) or seals (DTLS) one message into out[at…]; its datagram length. */
  private emit(p: number, src: Uint8Array, off: number, n: number, out: Uint8Array, at: number): number {
    const ch = this.chan[p];
    if (ch === null) {
      for (let j = 0; j < n; j++) out[at + j] = src[off + j];
      return n;
    }
    const pt = this.dgram, pa = this.plainAt;
    for (let j = 0; j < n; j++) pt[pa + j] = src[off + j];
    return ch.seal(pt, pa, n, out, at);
  }

  private setTx(p: number): void {
    this.txPeer.set(this.peers[p]);
    this.txPeerIndex = p;
  }

  /** The next 32 bits of the endpoint's generator (jitter, and DTLS randoms when the HAL gives none). */
  random32(): number { return this.prng.next(); }

  nextMid(): number {
    this.mid = (this.mid + 1) & 0xffff;
    return this.mid;
  }

  private allocSlot(): number {
    for (let k = 0; k < this.rDepth; k++) if (this.rInt[k * R.N + R.STATE] === Slot.FREE) return k;
    return -1;
  }

  private freeSlot(k: number): void {
    const r = this.rInt, b = k * R.N;
    r[b + R.STATE] = Slot.FREE; this.rTime[k * RT.N + RT.DEADLINE] = Infinity; r[b + R.RETRIES] = 0; r[b + R.LEN] = 0;
  }

  private control(p: number, type: number, mid: number): void {
    const k = this.allocSlot();
    if (k < 0) return; // no room for an RST: dropping it is harmless, the peer retransmits or gives up
    const d = this.dgram, at = this.rAt + k * this.maxDatagram;
    d[at] = 0x40 | (type << 4); d[at + 1] = 0; d[at + 2] = mid >> 8; d[at + 3] = mid & 0xff;
    const r = this.rInt, b = k * R.N;
    r[b + R.KIND] = Kind.CONTROL; r[b + R.TYPE] = type; r[b + R.PEER] = p; r[b + R.MID] = mid;
    r[b + R.LEN] = 4; r[b + R.TAG] = -1; r[b + R.RETRIES] = 0;
    this.rTime[k * RT.N + RT.SEQ] = this.seq++; r[b + R.STATE] = Slot.QUEUED;
  }

  /**
   * Starts a request of ours to peer p in a free slot of the response ring, with a fresh token and
   * message ID. Add options and payload with `w`, then `commit()`. Returns the slot, or
   * -Code.SERVICE_UNAVAILABLE when the ring is full.
   */
  beginRequest(p: number, type: number, code: number, tag: number): number {
    const k = this.allocSlot();
    if (k < 0) return -Code.SERVICE_UNAVAILABLE;
    const t = this.tmpTok;
    const c = (this.tokenCounter = (this.tokenCounter + 1) >>> 0);
    const r = this.prng.next();
    t[0] = c >>> 24; t[1] = (c >>> 16) & 0xff; t[2] = (c >>> 8) & 0xff; t[3] = c & 0xff;
    t[4] = r >>> 24; t[5] = (r >>> 16) & 0xff; t[6] = (r >>> 8) & 0xff; t[7] = r & 0xff;
    return this.beginSlot(k, p, type, code, Kind.REQUEST, t, 0, 8, tag);
  }

  /** Starts a notification or separate response (RFC 7641 / RFC 7252 §5.2.2) with the given token. */
  beginNotify(p: number, type: number, code: number, tok: Uint8Array, tokOff: number, tokLen: number, tag: number): number {
    const k = this.allocSlot();
    if (k < 0) return -Code.SERVICE_UNAVAILABLE;
    return this.beginSlot(k, p, type, code, Kind.NOTIFY, tok, tokOff, tokLen, tag);
  }

  /** Starts an empty CON (a CoAP ping, §4.3); commit() it; the peer's RST arrives as onFailure(RESET). */
  beginPing(p: number, tag: number): number {
    const k = this.allocSlot();
    if (k < 0) return -Code.SERVICE_UNAVAILABLE;
    return this.beginSlot(k, p, MsgType.CON, Code.EMPTY, Kind.NOTIFY, this.tmpTok, 0, 0, tag);
  }

  private beginSlot(k: number, p: number, type: number, code: number, kind: number,
                    tok: Uint8Array, tokOff: number, tokLen: number, tag: number): number {
    const mid = this.nextMid();
    const r = this.rInt, b = k * R.N;
    r[b + R.KIND] = kind; r[b + R.TYPE] = type; r[b + R.PEER] = p; r[b + R.MID] = mid; r[b + R.TAG] = tag;
    r[b + R.RETRIES] = 0;
    // The token goes into the datagram only: the slot reads it back from there (see R).
    this.w.begin(this.dgram, this.rAt + k * this.maxDatagram, this.maxDatagram, type, code, mid, tok, tokOff, tokLen);
    return k;
  }

  /** Queues the message begun in slot k. Returns 0, or -Code.REQUEST_ENTITY_TOO_LARGE when it did not
   *  fit (the slot is freed). */
  commit(k: number): number {
    const n = this.w.end();
    if (n < 0) { this.freeSlot(k); return -Code.REQUEST_ENTITY_TOO_LARGE; }
    this.rInt[k * R.N + R.LEN] = n;
    this.rTime[k * RT.N + RT.SEQ] = this.seq++;
    this.rInt[k * R.N + R.STATE] = Slot.QUEUED;
    return 0;
  }

  /** The message ID of the message in slot k. */
  slotMid(k: number): number { return this.rInt[k * R.N + R.MID]; }

  /** The token of the message in slot k (for matching later notifications). */
  slotToken(k: number, out: Uint8Array, at: number): number {
    const d = this.dgram, base = this.rAt + k * this.maxDatagram;
    const n = d[base] & 15;
    for (let j = 0; j < n; j++) out[at + j] = d[base + 4 + j];
    return n;
  }

  /** Abandons slot k without a callback. */
  cancel(k: number): void { if (k >= 0 && k < this.rDepth) this.freeSlot(k); }

  // ---------------------------------------------------------------- flushing

  /** Drops every pending message to or from peer p: queued requests, unsent and unacknowledged
   *  outbound messages, and its dedup entries (no callbacks) — or, with `silent`, leaves those
   *  entries silent (silence()). */
  flushPeer(p: number, silent = false): void {
    const r = this.rInt, d = this.dInt, q = this.qInt;
    for (let k = 0; k < this.rDepth; k++) if (r[k * R.N + R.STATE] !== Slot.FREE && r[k * R.N + R.PEER] === p) this.freeSlot(k);
    for (let e = 0; e < this.dN; e++) {
      if (d[e * E.N + E.STATE] !== Dd.FREE && d[e * E.N + E.PEER] === p) { if (silent) this.silence(e); else this.dedupFree(e); }
    }
    for (let n = 0; n < this.qCount; n++) {
      const b = ((this.qHead + n) % this.qDepth) * Q.N;
      if (q[b + Q.PEER] === p) q[b + Q.ENTRY] = -1;
    }
  }

  /** Flushes every peer except `keep` (the bootstrap flag: ARCHITECTURE.md §3). Returns how many
   *  messages were dropped. Their dedup entries become silent (see silence()). */
  flushAllExcept(keep: number): number {
    const r = this.rInt, d = this.dInt, q = this.qInt;
    let dropped = 0;
    for (let k = 0; k < this.rDepth; k++) {
      if (r[k * R.N + R.STATE] !== Slot.FREE && r[k * R.N + R.PEER] !== keep) { this.freeSlot(k); dropped++; }
    }
    for (let e = 0; e < this.dN; e++) {
      if (d[e * E.N + E.STATE] !== Dd.FREE && d[e * E.N + E.PEER] !== keep) {
        if (d[e * E.N + E.PENDING]) dropped++; // (one still processing is counted with its queued request)
        this.silence(e);
      }
    }
    for (let n = 0; n < this.qCount; n++) {
      const b = ((this.qHead + n) % this.qDepth) * Q.N;
      if (q[b + Q.PEER] !== keep && q[b + Q.ENTRY] >= 0) { q[b + Q.ENTRY] = -1; dropped++; }
    }
    return dropped;
  }

  // ---------------------------------------------------------------- introspection (tests, benches)

  /** Slots of the response ring in use. */
  ringInUse(): number {
    let n = 0;
    for (let k = 0; k < this.rDepth; k++) if (this.rInt[k * R.N + R.STATE] !== Slot.FREE) n++;
    return n;
  }

  /** Dedup entries still being processed (a leak if non-zero when idle). */
  dedupProcessing(): number {
    let n = 0;
    for (let e = 0; e < this.dN; e++) if (this.dInt[e * E.N + E.STATE] === Dd.PROCESSING) n++;
    return n;
  }

  queuedRequests(): number { return this.qCount; }

  /** Outstanding CON messages to peer p awaiting ACK or response. */
  outstanding(p: number): number {
    const r = this.rInt;
    let n = 0;
    for (let k = 0; k < this.rDepth; k++) {
      const s = r[k * R.N + R.STATE];
      if (r[k * R.N + R.PEER] === p && (s === Slot.WAIT_ACK || s === Slot.WAIT_RESPONSE || s === Slot.QUEUED)) n++;
    }
    return n;
  }

  /** The time the endpoint last saw (from receive or poll). */
  time(): number { return this.now; }
}
