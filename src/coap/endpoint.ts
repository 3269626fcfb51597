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

/** What the layer above implements (the LwM2M client, or a test endpoint). Called synchronously. */
export interface EndpointHandler {
  /** Datagrams from this peer are processed (true) or dropped before parsing (false: the bootstrap
   *  flag, ARCHITECTURE.md §3). */
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

/** RFC 7252 §5.9.3.4: Max-Age of our 5.03 when the request ring is full (seconds). */
const BUSY_MAX_AGE = 2;

export class Endpoint {
  readonly config: Config;
  handler: EndpointHandler;
  /** The destination of the datagram transmit() just returned. */
  readonly txPeer = new PeerAddress();
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
  private readonly pskId: Uint8Array;
  private readonly pskIdLen: Uint16Array;
  private readonly pskKey: Uint8Array;
  private readonly pskKeyLen: Uint16Array;
  /** Plaintext scratch: decrypted datagrams, and messages before sealing. */
  private readonly plain: Uint8Array;
  private readonly peerUsed: Uint8Array;
  private readonly peerPinned: Uint8Array;
  private readonly peerSeen: Float64Array;

  // Response ring (outbound messages we originate).
  private readonly rDepth: number;
  private readonly rState: Uint8Array;
  private readonly rKind: Uint8Array;
  private readonly rPeer: Int16Array;
  private readonly rType: Uint8Array;
  private readonly rMid: Uint16Array;
  private readonly rTag: Int32Array;
  private readonly rTokLen: Uint8Array;
  private readonly rTok: Uint8Array;
  private readonly rLen: Uint16Array;
  private readonly rData: Uint8Array;
  private readonly rDeadline: Float64Array;
  private readonly rInterval: Float64Array;
  private readonly rRetries: Uint8Array;
  private readonly rSeq: Float64Array;
  private seq = 0;

  // Request ring (inbound requests waiting for dispatch), FIFO.
  private readonly qDepth: number;
  private readonly qPeer: Int16Array;
  private readonly qLen: Uint16Array;
  private readonly qEntry: Int16Array;
  private readonly qData: Uint8Array;
  private qHead = 0;
  private qCount = 0;

  // Dedup cache.
  private readonly dN: number;
  private readonly dState: Uint8Array;
  private readonly dPeer: Int16Array;
  private readonly dMid: Uint16Array;
  private readonly dExpiry: Float64Array;
  private readonly dLen: Uint16Array;
  private readonly dPending: Uint8Array;
  private readonly dData: Uint8Array;
  /** Token and code of the message an entry is for: a datagram with the same MID but another token
   *  or code is not a retransmission (a new process reusing the port and a time-seeded MID), so
   *  it is processed, not answered from the cache. */
  private readonly dTok: Uint8Array;
  private readonly dTokLen: Uint8Array;
  private readonly dCode: Uint8Array;

  private readonly maxDatagram: number;
  private readonly msg = new CoapMessage();
  /** The writer for messages being built (requests between begin…() and commit(), responses). */
  readonly w = new MessageWriter();
  private readonly prng = new Prng();
  private mid = 0;
  private tokenCounter = 0;
  private now = 0;
  private readonly lifetime: number;
  private readonly nonLife: number;
  private readonly tmpTok = new Uint8Array(8);

  constructor(config: Config, handler: EndpointHandler, seed: Uint8Array) {
    this.config = config;
    this.handler = handler;
    const D = config.maxDatagram;
    this.maxDatagram = D;
    const np = config.maxPeers;
    this.peers = [];
    for (let j = 0; j < np; j++) this.peers.push(new PeerAddress());
    this.peerUsed = new Uint8Array(np);
    this.peerPinned = new Uint8Array(np);
    this.peerSeen = new Float64Array(np);
    this.chan = [];
    for (let j = 0; j < np; j++) this.chan.push(null);
    this.pskId = new Uint8Array(np * MAX_PSK_IDENTITY); this.pskIdLen = new Uint16Array(np);
    this.pskKey = new Uint8Array(np * MAX_PSK_KEY); this.pskKeyLen = new Uint16Array(np);
    this.plain = new Uint8Array(D);
    const rd = config.responseRingDepth;
    this.rDepth = rd;
    this.rState = new Uint8Array(rd); this.rKind = new Uint8Array(rd); this.rPeer = new Int16Array(rd);
    this.rType = new Uint8Array(rd); this.rMid = new Uint16Array(rd); this.rTag = new Int32Array(rd);
    this.rTokLen = new Uint8Array(rd); this.rTok = new Uint8Array(rd * 8); this.rLen = new Uint16Array(rd);
    this.rData = new Uint8Array(rd * D); this.rDeadline = new Float64Array(rd).fill(Infinity);
    this.rInterval = new Float64Array(rd); this.rRetries = new Uint8Array(rd); this.rSeq = new Float64Array(rd);
    const qd = config.requestRingDepth;
    this.qDepth = qd;
    this.qPeer = new Int16Array(qd); this.qLen = new Uint16Array(qd); this.qEntry = new Int16Array(qd);
    this.qData = new Uint8Array(qd * D);
    const dn = config.dedupEntries;
    this.dN = dn;
    this.dState = new Uint8Array(dn); this.dPeer = new Int16Array(dn); this.dMid = new Uint16Array(dn);
    this.dExpiry = new Float64Array(dn).fill(Infinity); this.dLen = new Uint16Array(dn);
    this.dPending = new Uint8Array(dn); this.dData = new Uint8Array(dn * D);
    this.dTok = new Uint8Array(dn * 8); this.dTokLen = new Uint8Array(dn); this.dCode = new Uint8Array(dn);
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
    const n = this.peers.length;
    let free = -1;
    for (let j = 0; j < n; j++) {
      if (this.peerUsed[j]) {
        if (this.peers[j].equals(addr)) { if (pin) this.peerPinned[j] = 1; return j; }
      } else if (free < 0) free = j;
    }
    if (free < 0) {
      let oldest = Infinity;
      for (let j = 0; j < n; j++) {
        if (this.peerPinned[j] || this.peerBusy(j)) continue;
        if (this.peerSeen[j] < oldest) { oldest = this.peerSeen[j]; free = j; }
      }
      if (free < 0) return -1;
      this.forgetPeer(free);
    }
    this.peers[free].set(addr);
    this.peerUsed[free] = 1;
    this.peerPinned[free] = pin ? 1 : 0;
    this.peerSeen[free] = this.now;
    return free;
  }

  /** Lookup only: the peer's index or -1. */
  findPeer(addr: PeerAddress): number {
    for (let j = 0; j < this.peers.length; j++) if (this.peerUsed[j] && this.peers[j].equals(addr)) return j;
    return -1;
  }

  unpinPeer(p: number): void { this.peerPinned[p] = 0; }

  /**
   * Makes peer p a DTLS peer (coaps://) with this channel and PSK identity/key (copied), or a plain
   * one (channel null). The handshake starts when there is something to send.
   */
  setSecurity(p: number, ch: SecureChannel | null, id: Uint8Array, idOff: number, idLen: number,
              key: Uint8Array, keyOff: number, keyLen: number): number {
    const old = this.chan[p];
    if (old !== null && old !== ch) old.reset(false);
    this.chan[p] = ch;
    if (ch === null) { this.pskIdLen[p] = 0; this.pskKeyLen[p] = 0; return 0; }
    if (idLen > MAX_PSK_IDENTITY || keyLen > MAX_PSK_KEY || keyLen === 0) return -Code.BAD_REQUEST;
    for (let j = 0; j < idLen; j++) this.pskId[p * MAX_PSK_IDENTITY + j] = id[idOff + j];
    for (let j = 0; j < keyLen; j++) this.pskKey[p * MAX_PSK_KEY + j] = key[keyOff + j];
    this.pskIdLen[p] = idLen; this.pskKeyLen[p] = keyLen;
    ch.reset(false);
    return 0;
  }

  /** The channel of peer p (null: plain CoAP). */
  channel(p: number): SecureChannel | null { return this.chan[p]; }

  /** Starts the handshake of a secure peer that has something to send. */
  private ensureHandshake(p: number): void {
    const ch = this.chan[p];
    if (ch === null || ch.state !== Sec.IDLE) return;
    // The identity and key are copied into the session's own buffers by start().
    ch.start(this.pskIdView(p), this.pskIdLen[p], this.pskKeyView(p), this.pskKeyLen[p], this.now, true);
  }

  // Per-peer PSK buffers are slices of one array; start() wants a buffer starting at 0, so the
  // peer's bytes are copied to the front of a scratch first (no allocation).
  private readonly idScratch = new Uint8Array(MAX_PSK_IDENTITY);
  private readonly keyScratch = new Uint8Array(MAX_PSK_KEY);
  private pskIdView(p: number): Uint8Array {
    const n = this.pskIdLen[p];
    for (let j = 0; j < n; j++) this.idScratch[j] = this.pskId[p * MAX_PSK_IDENTITY + j];
    return this.idScratch;
  }
  private pskKeyView(p: number): Uint8Array {
    const n = this.pskKeyLen[p];
    for (let j = 0; j < n; j++) this.keyScratch[j] = this.pskKey[p * MAX_PSK_KEY + j];
    return this.keyScratch;
  }

  /** A channel failed: every message to that peer fails (the layer above retries with back-off). */
  private channelFailed(p: number): void {
    const ch = this.chan[p]!;
    this.securityFailures++;
    this.lastSecurityError = ch.error;
    ch.reset(false);
    for (let k = 0; k < this.rDepth; k++) {
      if (this.rState[k] === Slot.FREE || this.rPeer[k] !== p) continue;
      const tag = this.rTag[k];
      this.freeSlot(k);
      if (tag >= 0) this.handler.onFailure(tag, Failure.SECURITY, p);
    }
    for (let e = 0; e < this.dN; e++) if (this.dPeer[e] === p) this.dPending[e] = 0;
  }

  private peerBusy(p: number): boolean {
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] !== Slot.FREE && this.rPeer[k] === p) return true;
    // Answered dedup entries do not hold a peer: under pressure its duplicate detection goes first.
    for (let k = 0; k < this.dN; k++) if (this.dPeer[k] === p && (this.dState[k] === Dd.PROCESSING || this.dPending[k])) return true;
    return this.qCount > 0 && this.queuedFrom(p);
  }

  private queuedFrom(p: number): boolean {
    for (let n = 0; n < this.qCount; n++) if (this.qPeer[(this.qHead + n) % this.qDepth] === p) return true;
    return false;
  }

  /** Drops everything held for a peer: ring messages (without callbacks), dedup entries, queued
   *  requests; frees its table entry. */
  forgetPeer(p: number): void {
    this.flushPeer(p);
    this.setSecurity(p, null, this.plain, 0, 0, this.plain, 0, 0);
    this.peerUsed[p] = 0; this.peerPinned[p] = 0; this.peers[p].clear();
  }

  // ---------------------------------------------------------------- inbound

  receive(buf: Uint8Array, off: number, len: number, from: PeerAddress, now: number): number {
    this.now = now;
    const p = this.peerIndex(from, false);
    if (p < 0) return Rx.NO_PEER;
    this.peerSeen[p] = now;
    if (!this.handler.accept(p)) { this.droppedByFlag++; return Rx.DROPPED; }
    const ch = this.chan[p];
    if (ch !== null) {
      // DTLS: handshake records are consumed; application data comes out in plaintext.
      const n = ch.receive(buf, off, len, now, this.plain, 0);
      if (ch.state === Sec.FAILED) this.channelFailed(p);
      if (n <= 0) return Rx.HANDLED;
      return this.receiveFrom(p, this.plain, 0, n);
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
    const tag = this.rTag[k];
    if (m.type === MsgType.RST) {
      this.freeSlot(k);
      this.handler.onFailure(tag, Failure.RESET, p);
      return Rx.HANDLED;
    }
    // An empty ACK: for a request of ours, wait now for the separate response (§5.2.2); for a ping,
    // a notification or a separate response of ours, it is delivered.
    if (this.rKind[k] === Kind.REQUEST && this.rData[k * this.maxDatagram + 1] !== Code.EMPTY) {
      this.rState[k] = Slot.WAIT_RESPONSE;
      this.rDeadline[k] = this.now + this.lifetime;
      return Rx.HANDLED;
    }
    this.freeSlot(k);
    this.handler.onDelivered(tag, p);
    return Rx.HANDLED;
  }

  private receiveRequest(p: number, m: CoapMessage, r: number, buf: Uint8Array, off: number, len: number): number {
    if (m.type !== MsgType.CON && m.type !== MsgType.NON) { this.droppedMalformed++; return Rx.IGNORED; } // §4.2/4.3: a request in an ACK/RST
    const e = this.dedupFind(p, m);
    if (e >= 0) {
      this.duplicates++;
      // §4.5: a duplicate CON gets the same ACK (and response) again; a duplicate NON is ignored.
      if (m.type === MsgType.CON && this.dState[e] === Dd.ANSWERED) this.dPending[e] = 1;
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
      this.dState[d] = Dd.ANSWERED; this.dLen[d] = 0;
      return Rx.IGNORED;
    }
    if (this.qCount === this.qDepth || len > this.maxDatagram) {
      this.busyRejections++;
      if (m.type === MsgType.CON) { // §5.9.3.4: 5.03 with Max-Age saying when to retry
        this.answerNow(d, p, m, Code.SERVICE_UNAVAILABLE, BUSY_MAX_AGE);
        return Rx.REJECTED;
      }
      this.dState[d] = Dd.ANSWERED; this.dLen[d] = 0;
      return Rx.IGNORED;
    }
    const q = (this.qHead + this.qCount) % this.qDepth;
    this.qCount++;
    this.qPeer[q] = p; this.qLen[q] = len; this.qEntry[q] = d;
    const base = q * this.maxDatagram;
    for (let j = 0; j < len; j++) this.qData[base + j] = buf[off + j];
    return Rx.QUEUED;
  }

  /** Writes a piggybacked (or NON) error response straight into dedup entry d. */
  private answerNow(d: number, p: number, m: CoapMessage, code: number, maxAge: number): void {
    const w = this.w;
    const con = m.type === MsgType.CON;
    w.begin(this.dData, d * this.maxDatagram, this.maxDatagram, con ? MsgType.ACK : MsgType.NON, code,
      con ? m.mid : this.nextMid(), m.token, 0, m.tokenLen);
    if (maxAge > 0) w.optionUint(Opt.MAX_AGE, maxAge);
    const n = w.end();
    this.dLen[d] = n > 0 ? n : 0;
    this.dState[d] = Dd.ANSWERED;
    this.dPending[d] = n > 0 ? 1 : 0;
  }

  private receiveResponse(p: number, m: CoapMessage, r: number): number {
    // A CON response (separate, or a notification) is itself deduplicated and ACKed (§4.5, §5.2.2).
    let d = -1;
    if (m.type === MsgType.CON) {
      const e = this.dedupFind(p, m);
      if (e >= 0) { this.duplicates++; if (this.dState[e] === Dd.ANSWERED) this.dPending[e] = 1; return Rx.DUPLICATE; }
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
      else if (d >= 0) { this.dState[d] = Dd.ANSWERED; this.dLen[d] = 0; }
      this.droppedMalformed++;
      return Rx.IGNORED;
    }
    let k = -1;
    if (m.type === MsgType.ACK) {
      k = this.slotByMid(p, m.mid);
      if (k >= 0 && (this.rKind[k] !== Kind.REQUEST || !this.tokenMatches(k, m))) k = -1;
    } else {
      k = this.slotByToken(p, m);
    }
    if (k < 0) {
      const ok = this.handler.onUnmatchedResponse(m, p);
      // A rejected CON gets RST (§4.2); so does a rejected NON (§4.3: "MAY"), which is how a client
      // cancels an observation it no longer wants (RFC 7641 §3.6).
      if (m.type === MsgType.CON || (!ok && m.type === MsgType.NON)) this.storeEmpty(d, ok ? MsgType.ACK : MsgType.RST, m.mid);
      else if (d >= 0) { this.dState[d] = Dd.ANSWERED; this.dLen[d] = 0; }
      return ok ? Rx.HANDLED : Rx.IGNORED;
    }
    if (m.type === MsgType.CON) this.storeEmpty(d, MsgType.ACK, m.mid);
    else if (d >= 0) { this.dState[d] = Dd.ANSWERED; this.dLen[d] = 0; }
    const tag = this.rTag[k];
    this.freeSlot(k);
    this.handler.onResponse(tag, m, p);
    return Rx.HANDLED;
  }

  private storeEmpty(d: number, type: number, mid: number): void {
    if (d < 0) return;
    const b = this.dData, at = d * this.maxDatagram;
    b[at] = 0x40 | (type << 4); b[at + 1] = 0; b[at + 2] = mid >> 8; b[at + 3] = mid & 0xff;
    this.dLen[d] = 4; this.dState[d] = Dd.ANSWERED; this.dPending[d] = 1;
  }

  private tokenMatches(k: number, m: CoapMessage): boolean {
    return m.tokenEquals(this.rTok, k * 8, this.rTokLen[k]);
  }

  private slotByMid(p: number, mid: number): number {
    for (let k = 0; k < this.rDepth; k++) {
      if (this.rState[k] === Slot.WAIT_ACK && this.rPeer[k] === p && this.rMid[k] === mid) return k;
    }
    return -1;
  }

  private slotByToken(p: number, m: CoapMessage): number {
    for (let k = 0; k < this.rDepth; k++) {
      const s = this.rState[k];
      if ((s === Slot.WAIT_ACK || s === Slot.WAIT_RESPONSE) && this.rKind[k] === Kind.REQUEST &&
          this.rPeer[k] === p && this.tokenMatches(k, m)) return k;
    }
    return -1;
  }

  // ---------------------------------------------------------------- dedup cache

  private dedupFind(p: number, m: CoapMessage): number {
    const mid = m.mid;
    for (let e = 0; e < this.dN; e++) {
      if (this.dState[e] !== Dd.FREE && this.dPeer[e] === p && this.dMid[e] === mid) {
        if (this.dExpiry[e] <= this.now || this.dCode[e] !== m.code || !m.tokenEquals(this.dTok, e * 8, this.dTokLen[e])) {
          // Expired, or the MID reused for another message: the old entry goes.
          this.dState[e] = Dd.FREE; this.dPending[e] = 0; this.dExpiry[e] = Infinity;
          return -1;
        }
        return e;
      }
    }
    return -1;
  }

  /** A free entry, else the answered one closest to expiry (never one still being processed). */
  private dedupAlloc(p: number, m: CoapMessage, life: number): number {
    const mid = m.mid;
    let best = -1, bestExp = Infinity;
    for (let e = 0; e < this.dN; e++) {
      const s = this.dState[e];
      if (s === Dd.FREE) { best = e; break; }
      if (s === Dd.ANSWERED && !this.dPending[e] && this.dExpiry[e] < bestExp) { bestExp = this.dExpiry[e]; best = e; }
    }
    if (best < 0) return -1;
    this.dState[best] = Dd.PROCESSING; this.dPeer[best] = p; this.dMid[best] = mid;
    this.dExpiry[best] = this.now + life; this.dLen[best] = 0; this.dPending[best] = 0;
    this.dCode[best] = m.code; this.dTokLen[best] = m.tokenLen;
    for (let j = 0; j < m.tokenLen; j++) this.dTok[best * 8 + j] = m.token[j];
    return best;
  }

  // ---------------------------------------------------------------- dispatch and timers

  /** Dispatches queued requests and runs the timers. Returns the next deadline (ms), or Infinity. */
  poll(now: number): number {
    this.now = now;
    while (this.qCount > 0) this.dispatchOne();
    let next = Infinity;
    for (let k = 0; k < this.rDepth; k++) {
      const s = this.rState[k];
      if (s === Slot.WAIT_ACK || s === Slot.WAIT_RESPONSE) {
        if (this.rDeadline[k] <= now) this.expire(k);
        if (this.rState[k] !== Slot.FREE && this.rState[k] !== Slot.QUEUED && this.rDeadline[k] < next) next = this.rDeadline[k];
      }
    }
    for (let e = 0; e < this.dN; e++) {
      if (this.dState[e] === Dd.ANSWERED) {
        if (this.dExpiry[e] <= now && !this.dPending[e]) { this.dState[e] = Dd.FREE; this.dExpiry[e] = Infinity; }
        else if (this.dExpiry[e] < next) next = this.dExpiry[e];
      }
    }
    for (let p = 0; p < this.chan.length; p++) {
      const ch = this.chan[p];
      if (ch === null) continue;
      if (ch.state === Sec.IDLE && this.hasPendingFor(p)) this.ensureHandshake(p);
      const d = ch.poll(now);
      if (ch.state === Sec.FAILED) { this.channelFailed(p); continue; }
      if (d < next) next = d;
    }
    if (this.hasOutput()) next = now;
    return next;
  }

  /** Something waits to be sent to peer p. */
  private hasPendingFor(p: number): boolean {
    for (let e = 0; e < this.dN; e++) if (this.dPending[e] && this.dPeer[e] === p) return true;
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] === Slot.QUEUED && this.rPeer[k] === p) return true;
    return false;
  }

  /** Messages to p can go out now (plain, or DTLS connected). */
  private ready(p: number): boolean {
    const ch = this.chan[p];
    return ch === null || ch.state === Sec.CONNECTED;
  }

  private expire(k: number): void {
    if (this.rState[k] === Slot.WAIT_ACK && this.rRetries[k] < this.config.maxRetransmit) {
      this.rState[k] = Slot.QUEUED; // retransmitted by transmit(), with the doubled timeout
      this.rRetries[k]++;
      this.retransmissions++;
      return;
    }
    const tag = this.rTag[k], p = this.rPeer[k];
    this.freeSlot(k);
    this.handler.onFailure(tag, Failure.TIMEOUT, p);
  }

  private dispatchOne(): void {
    const q = this.qHead;
    this.qHead = (this.qHead + 1) % this.qDepth;
    this.qCount--;
    const p = this.qPeer[q], d = this.qEntry[q];
    if (d < 0 || this.dState[d] !== Dd.PROCESSING || this.dPeer[d] !== p) return; // flushed meanwhile
    const m = this.msg;
    parseMessage(this.qData, q * this.maxDatagram, this.qLen[q], m);
    const con = m.type === MsgType.CON;
    const w = this.w;
    const at = d * this.maxDatagram;
    w.begin(this.dData, at, this.maxDatagram, con ? MsgType.ACK : MsgType.NON, Code.CONTENT,
      con ? m.mid : this.nextMid(), m.token, 0, m.tokenLen);
    const reply = this.handler.onRequest(m, p, w);
    if (this.dState[d] !== Dd.PROCESSING || this.dPeer[d] !== p) return; // the handler flushed this peer
    if (reply === Reply.RESPOND) {
      let n = w.end();
      if (n < 0) { // did not fit: 5.00 rather than a truncated message
        w.begin(this.dData, at, this.maxDatagram, con ? MsgType.ACK : MsgType.NON, Code.INTERNAL_SERVER_ERROR,
          con ? m.mid : this.nextMid(), m.token, 0, m.tokenLen);
        n = w.end();
      }
      this.dLen[d] = n; this.dState[d] = Dd.ANSWERED; this.dPending[d] = 1;
    } else if (con) {
      this.storeEmpty(d, MsgType.ACK, m.mid);
    } else {
      this.dState[d] = Dd.ANSWERED; this.dLen[d] = 0;
    }
  }

  // ---------------------------------------------------------------- outbound

  hasOutput(): boolean {
    for (let e = 0; e < this.dN; e++) if (this.dPending[e] && this.ready(this.dPeer[e])) return true;
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] === Slot.QUEUED && this.sendable(k)) return true;
    return false;
  }

  /** NSTART (§4.7): a CON request waits while another request to the same peer is outstanding. */
  private sendable(k: number): boolean {
    if (!this.ready(this.rPeer[k])) return false;
    if (this.rKind[k] !== Kind.REQUEST || this.rRetries[k] > 0) return true;
    const p = this.rPeer[k];
    let outstanding = 0;
    for (let j = 0; j < this.rDepth; j++) {
      if (j !== k && this.rPeer[j] === p && this.rKind[j] === Kind.REQUEST &&
          (this.rState[j] === Slot.WAIT_ACK || this.rState[j] === Slot.WAIT_RESPONSE)) outstanding++;
    }
    if (outstanding >= this.config.nstart) return false;
    // FIFO among queued requests to this peer.
    for (let j = 0; j < this.rDepth; j++) {
      if (j !== k && this.rState[j] === Slot.QUEUED && this.rPeer[j] === p && this.rKind[j] === Kind.REQUEST &&
          this.rRetries[j] === 0 && this.rSeq[j] < this.rSeq[k]) return false;
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
    for (let e = 0; e < this.dN; e++) {
      if (!this.dPending[e] || !this.ready(this.dPeer[e])) continue;
      this.dPending[e] = 0;
      const n = this.dLen[e];
      if (n === 0) continue;
      const sealed = this.emit(this.dPeer[e], this.dData, e * this.maxDatagram, n, out, at);
      if (sealed <= 0) continue;
      this.setTx(this.dPeer[e]);
      return sealed;
    }
    let best = -1;
    for (let k = 0; k < this.rDepth; k++) {
      if (this.rState[k] === Slot.QUEUED && (best < 0 || this.rSeq[k] < this.rSeq[best]) && this.sendable(k)) best = k;
    }
    if (best < 0) return 0;
    const k = best, base = k * this.maxDatagram;
    const n = this.emit(this.rPeer[k], this.rData, base, this.rLen[k], out, at);
    if (n <= 0) { this.freeSlot(k); return 0; } // cannot be sealed (too large for a record): dropped
    this.setTx(this.rPeer[k]);
    if (this.rType[k] === MsgType.CON) {
      // §4.2: initial timeout random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubled each time.
      if (this.rRetries[k] === 0) {
        this.rInterval[k] = this.config.ackTimeout * (1 + this.prng.float() * (this.config.ackRandomFactor - 1));
      } else {
        this.rInterval[k] *= 2;
      }
      this.rState[k] = Slot.WAIT_ACK;
      this.rDeadline[k] = this.now + this.rInterval[k];
    } else if (this.rKind[k] === Kind.REQUEST) {
      this.rState[k] = Slot.WAIT_RESPONSE; // a NON request: wait for a response for NON_LIFETIME
      this.rDeadline[k] = this.now + this.nonLife;
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
    for (let j = 0; j < n; j++) this.plain[j] = src[off + j];
    return ch.seal(this.plain, 0, n, out, at);
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
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] === Slot.FREE) return k;
    return -1;
  }

  private freeSlot(k: number): void {
    this.rState[k] = Slot.FREE; this.rDeadline[k] = Infinity; this.rRetries[k] = 0; this.rLen[k] = 0;
  }

  private control(p: number, type: number, mid: number): void {
    const k = this.allocSlot();
    if (k < 0) return; // no room for an RST: dropping it is harmless, the peer retransmits or gives up
    const b = this.rData, at = k * this.maxDatagram;
    b[at] = 0x40 | (type << 4); b[at + 1] = 0; b[at + 2] = mid >> 8; b[at + 3] = mid & 0xff;
    this.rKind[k] = Kind.CONTROL; this.rType[k] = type; this.rPeer[k] = p; this.rMid[k] = mid;
    this.rTokLen[k] = 0; this.rLen[k] = 4; this.rTag[k] = -1; this.rRetries[k] = 0;
    this.rSeq[k] = this.seq++; this.rState[k] = Slot.QUEUED;
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
    this.rKind[k] = kind; this.rType[k] = type; this.rPeer[k] = p; this.rMid[k] = mid; this.rTag[k] = tag;
    this.rTokLen[k] = tokLen;
    for (let j = 0; j < tokLen; j++) this.rTok[k * 8 + j] = tok[tokOff + j];
    this.rRetries[k] = 0;
    this.w.begin(this.rData, k * this.maxDatagram, this.maxDatagram, type, code, mid, tok, tokOff, tokLen);
    return k;
  }

  /** Queues the message begun in slot k. Returns 0, or -Code.REQUEST_ENTITY_TOO_LARGE when it did not
   *  fit (the slot is freed). */
  commit(k: number): number {
    const n = this.w.end();
    if (n < 0) { this.freeSlot(k); return -Code.REQUEST_ENTITY_TOO_LARGE; }
    this.rLen[k] = n;
    this.rSeq[k] = this.seq++;
    this.rState[k] = Slot.QUEUED;
    return 0;
  }

  /** The message ID of the message in slot k. */
  slotMid(k: number): number { return this.rMid[k]; }

  /** The token of the message in slot k (for matching later notifications). */
  slotToken(k: number, out: Uint8Array, at: number): number {
    const n = this.rTokLen[k];
    for (let j = 0; j < n; j++) out[at + j] = this.rTok[k * 8 + j];
    return n;
  }

  /** Abandons slot k without a callback. */
  cancel(k: number): void { if (k >= 0 && k < this.rDepth) this.freeSlot(k); }

  // ---------------------------------------------------------------- flushing

  /** Drops every pending message to or from peer p: queued requests, unsent and unacknowledged
   *  outbound messages, and its dedup entries (no callbacks). */
  flushPeer(p: number): void {
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] !== Slot.FREE && this.rPeer[k] === p) this.freeSlot(k);
    for (let e = 0; e < this.dN; e++) {
      if (this.dState[e] !== Dd.FREE && this.dPeer[e] === p) { this.dState[e] = Dd.FREE; this.dPending[e] = 0; this.dExpiry[e] = Infinity; }
    }
    for (let n = 0; n < this.qCount; n++) {
      const q = (this.qHead + n) % this.qDepth;
      if (this.qPeer[q] === p) this.qEntry[q] = -1;
    }
  }

  /** Flushes every peer except `keep` (the bootstrap flag: ARCHITECTURE.md §3). Returns how many
   *  messages were dropped. */
  flushAllExcept(keep: number): number {
    let dropped = 0;
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] !== Slot.FREE && this.rPeer[k] !== keep) { this.freeSlot(k); dropped++; }
    for (let e = 0; e < this.dN; e++) {
      if (this.dState[e] !== Dd.FREE && this.dPeer[e] !== keep) {
        if (this.dPending[e]) dropped++; // (one still processing is counted with its queued request)
        this.dState[e] = Dd.FREE; this.dPending[e] = 0; this.dExpiry[e] = Infinity;
      }
    }
    for (let n = 0; n < this.qCount; n++) {
      const q = (this.qHead + n) % this.qDepth;
      if (this.qPeer[q] !== keep && this.qEntry[q] >= 0) { this.qEntry[q] = -1; dropped++; }
    }
    return dropped;
  }

  // ---------------------------------------------------------------- introspection (tests, benches)

  /** Slots of the response ring in use. */
  ringInUse(): number {
    let n = 0;
    for (let k = 0; k < this.rDepth; k++) if (this.rState[k] !== Slot.FREE) n++;
    return n;
  }

  /** Dedup entries still being processed (a leak if non-zero when idle). */
  dedupProcessing(): number {
    let n = 0;
    for (let e = 0; e < this.dN; e++) if (this.dState[e] === Dd.PROCESSING) n++;
    return n;
  }

  queuedRequests(): number { return this.qCount; }

  /** Outstanding CON messages to peer p awaiting ACK or response. */
  outstanding(p: number): number {
    let n = 0;
    for (let k = 0; k < this.rDepth; k++) {
      if (this.rPeer[k] === p && (this.rState[k] === Slot.WAIT_ACK || this.rState[k] === Slot.WAIT_RESPONSE || this.rState[k] === Slot.QUEUED)) n++;
    }
    return n;
  }

  /** The time the endpoint last saw (from receive or poll). */
  time(): number { return this.now; }
}
