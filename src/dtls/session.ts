// A sans-IO DTLS 1.2 client (RFC 6347) for PSK: TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655; mandatory for
// LwM2M) and TLS_PSK_WITH_AES_128_CBC_SHA256 (RFC 5487). Sized at construction; nothing allocates
// afterwards. The session keeps what a connection needs (record keys and cipher state both ways,
// epochs, sequence numbers, the replay window, the resumption state, the peer's CID); the handshake's
// working state lives in a DtlsWorkspace (src/dtls/workspace.ts) that several sessions may share.
//
// Call order (the CoAP engine / HAL):
//   s.start(identity, idLen, psk, pskLen, now, resume)      — begin a handshake
//   loop:
//     while ((n = s.transmit(buf, 0)) > 0) send(buf, n)     — drain handshake/alert datagrams
//     on datagram: r = s.receive(d, 0, len, now, app, 0)   — r > 0: app[0…r] is application data
//     at deadline: s.poll(now)                              — retransmission timer; returns next deadline
//   when s.state === DtlsState.Connected: n = s.seal(app, 0, len, buf, 0); send(buf, n)
//   s.close() then drain transmit(); s.reset(keepResumption) to start fresh.
//
// Sessions sharing a workspace handshake one at a time: start() acquires the workspace, and the end
// of the handshake (Connected, Failed, Closed, reset) releases it. When another session holds it,
// start() does nothing (the session stays Idle, `waitingForWorkspace` is true) and the caller calls
// start() again later; meanwhile poll() returns the holder's next deadline, the time at which the
// workspace may come free.
//
// Flights (RFC 6347 §4.2.4): 1 ClientHello → [HelloVerifyRequest → ClientHello + cookie] →
// ServerHello, ServerKeyExchange (optional PSK identity hint), ServerHelloDone → ClientKeyExchange,
// ChangeCipherSpec, Finished → ChangeCipherSpec, Finished. Abbreviated (§4.2.4 / RFC 5246 §7.3):
// ClientHello(session id) → ServerHello(same id), ChangeCipherSpec, Finished → ChangeCipherSpec, Finished.
import type { BlockCipherProvider } from '../crypto/provider.js';
import { Aes128 } from '../crypto/aes.js';
import {
  AlertDescription, AlertLevel, CipherSuite, ContentType, DTLS12_MAJOR, DtlsError, DtlsResult, DtlsState,
  HANDSHAKE_HEADER_LEN, HandshakeType, KS_MASTER, KS_SERVER_RANDOM, KS_WORK, MASTER_SECRET_LEN, MAX_CID, MAX_PSK, MAX_PSK_IDENTITY, MAX_SESSION_ID,
  RANDOM_LEN, RECORD_HEADER_LEN, RETRANSMIT_INITIAL_MS, RETRANSMIT_MAX_MS, VERIFY_DATA_LEN,
} from './constants.js';
import { copyBytes, copyRange, equalBytes, get16, get24, get48, put16, put24 } from './bytes.js';
import { CIPHER_KEY_BYTES, CIPHER_MAC_WORDS, CipherState, KeyTag, recordOverhead, writeRecordHeader } from './record.js';
import { ReplayWindow } from './replay.js';
import { alertError, writeAlert } from './alert.js';
import {
  parseHelloVerifyRequest, parsePskServerKeyExchange, parseServerHello,
  writeClientHello, writeClientKeyExchange, writeHandshakeHeader,
} from './handshake.js';
import { DtlsWorkspace, WS_HV, WS_IDENTITY, WS_PSK, WS_SID } from './workspace.js';
import { Slab } from '../slab.js';

export { DtlsState, DtlsError, DtlsResult, CipherSuite } from './constants.js';
export { DtlsWorkspace } from './workspace.js';

/** Where the handshake is (internal). */
const enum Hs { None = 0, WaitHello = 1, WaitServerFlight = 2, WaitCcs = 3, WaitFinished = 4, Done = 5 }

/** Kinds of entries in our current flight. */
const enum Fl { Handshake0 = 0, Ccs = 1, Handshake1 = 2 }

/** Offsets in `keep`: the resumable session id, its master secret, our last Finished (resumed handshake),
 *  then the record keys of the write and the read side (CipherState's key and salt). src/client/persist.ts
 *  reads and writes the id and the master secret at these offsets, and resSidLen, resSuite, hasResumption
 *  (a Queue Mode restart): the class itself carries no code for it in builds without Queue Mode. */
const K_SID = 0;
const K_MASTER = K_SID + MAX_SESSION_ID;
const K_FIN = K_MASTER + MASTER_SECRET_LEN;
const K_WRITE_KEY = K_FIN + HANDSHAKE_HEADER_LEN + VERIFY_DATA_LEN;
const K_READ_KEY = K_WRITE_KEY + CIPHER_KEY_BYTES;
const KEEP_LEN = K_READ_KEY + CIPHER_KEY_BYTES;
/** Flight entries (at most 3: ClientKeyExchange, ChangeCipherSpec, Finished). */
const FLIGHT_ENTRIES = 4;
/** Offsets in `fmeta` after the flight entries (3 words each): the HMAC keys of the write and the read side. */
const W_WRITE_MAC = 3 * FLIGHT_ENTRIES;
const W_READ_MAC = W_WRITE_MAC + CIPHER_MAC_WORDS;
const FMETA_LEN = W_READ_MAC + CIPHER_MAC_WORDS;
/** Worst-case protection overhead of an epoch-1 record (CBC: header, IV, MAC, a full pad block). */
const MAX_OVERHEAD = RECORD_HEADER_LEN + 16 + 32 + 16;

export class DtlsSession {
  state: DtlsState = DtlsState.Idle;
  /** A DtlsError code when Failed. */
  error: number = DtlsError.None;
  droppedAuth = 0;
  droppedReplay = 0;
  droppedMalformed = 0;
  /** Application records beyond the first in one datagram (only one is delivered per receive()). */
  droppedExtra = 0;
  /** The negotiated suite (CipherSuite), 0 before the ServerHello. */
  cipherSuite = 0;
  /** Give up after this many retransmissions of one flight (RFC 6347 §4.2.4 sets the timer, 1 s
   *  doubling to at most 60 s, not the count). 5 gives up 63 s after the first send (1+2+4+8+16+32),
   *  as Anjay's mbedTLS does with its 1 s/60 s handshake timeouts and close to GnuTLS's 60 s total:
   *  a wrong PSK (the server silently drops our Finished) is reported after about a minute. */
  maxRetransmissions = 5;
  /** Suites to offer: bit 0 CCM_8, bit 1 CBC_SHA256. */
  offerSuites = 3;
  /**
   * Offer RFC 9146 Connection IDs (a zero-length CID of our own: the server keeps sending plain records
   * to us; if it answers with a CID, every record we send at epoch 1 carries it). Off by default.
   */
  offerConnectionId = false;
  /** The connection ID the server asked for (what our epoch-1 records carry); its length, 0 for none. */
  peerCidLen = 0;
  readonly peerCid: Uint8Array;
  /** True when the last handshake was abbreviated (resumed). */
  resumed = false;
  /** The server's PSK identity hint (RFC 4279 §2): its length, -1 when the server sent none. */
  pskHintLen = -1;
  /** True when start() found the workspace held by another session's handshake (call start() again). */
  waitingForWorkspace = false;
  /** The handshake working state (shared when given to the constructor). */
  readonly workspace: DtlsWorkspace;
  /** Handshake statistics for the current/last handshake: datagrams and bytes each way. */
  hsSentDatagrams = 0;
  hsSentBytes = 0;
  hsRecvDatagrams = 0;
  hsRecvBytes = 0;

  private hs = Hs.None;
  /** Lengths of the identity, key and offered/server session id held in the workspace. */
  private identityLen = 0;
  private pskLen = 0;
  private sidLen = 0;
  /** The resumable session id (at K_SID), its master secret (K_MASTER), our last Finished (K_FIN), and
   *  the record keys (K_WRITE_KEY, K_READ_KEY). One array for all: XS charges each on top of its bytes. */
  private readonly keep: Uint8Array;
  private resSidLen = 0;
  private resSuite = 0;
  private hasResumption = false;

  private readonly write: CipherState;
  private readonly read: CipherState;
  private readEpoch = 0;
  private sendSeq0 = 0;
  private sendSeq1 = 0;
  private readonly window = new ReplayWindow();
  private ccsSent = false;
  /** The peer's next message_seq once the handshake is over (the workspace's reassembler has it before). */
  private rxNext = 0;

  /** The bytes of our flight: the workspace's flight buffer, or `keep` for a kept final Finished. */
  private fl: Uint8Array;
  /** Per flight entry i: offset at 3i, length at 3i+1, kind (Fl) at 3i+2; then the HMAC keys (W_WRITE_MAC, W_READ_MAC). */
  private readonly fmeta: Int32Array;
  private flightCount = 0;
  private flightEnd = 0;
  private txNext = 0;
  private txFragOff = 0;
  private msgSeq = 0;
  /** message_seq of the last message of the peer's last complete flight; a repeat of it means ours was lost. */
  private peerFlightLast = -1;

  private alertPending = false;
  private alertLevel = 0;
  private alertDesc = 0;

  private retxDeadline = Infinity;
  private retxTimeout = RETRANSMIT_INITIAL_MS;
  private retxCount = 0;


  /**
   * @param maxDatagram the largest datagram to send (and the size of the decrypt scratch buffer).
   * @param random fills buf[off…off+len] with random bytes (the HAL's RNG).
   * @param aes a native AES-128 for the write side (and the read side when `aesRead` is not given,
   *            re-keyed as the direction changes). Default: one portable AES, shared the same way
   *            (a key expansion per change of direction, ~0.1 AES block for CCM, saves an AES of
   *            ~0.5 KB per session). Its `sha256`, if any, runs the handshake hashing of the
   *            workspace this session makes (not of a given one).
   * @param aesRead a second native AES instance for the read side.
   * @param workspace the handshake working state, shared with other sessions (their handshakes then run
   *                  one at a time); its maxDatagram must be at least this session's. Default: its own.
   * @param slab where the session's arrays (and its own workspace's) come from. Default: the given
   *             workspace's slab, else a new one.
   */
  constructor(readonly maxDatagram: number, private readonly random: (buf: Uint8Array, off: number, len: number) => void,
              aes?: BlockCipherProvider, aesRead?: BlockCipherProvider, workspace?: DtlsWorkspace, slab?: Slab) {
    if (!(maxDatagram >= 128)) throw new RangeError('DtlsSession: maxDatagram must be at least 128 bytes');
    const sl = slab !== undefined ? slab : workspace !== undefined ? workspace.slab : new Slab();
    const ws = workspace !== undefined ? workspace : new DtlsWorkspace(maxDatagram, sl, aes !== undefined ? aes.sha256 : undefined);
    if (ws.maxDatagram < maxDatagram) throw new RangeError('DtlsSession: the workspace is sized for smaller datagrams');
    this.workspace = ws;
    this.peerCid = sl.u8(MAX_CID);
    this.keep = sl.u8(KEEP_LEN);
    this.fmeta = sl.i32(FMETA_LEN);
    const w = aes !== undefined ? aes : new Aes128(sl);
    const r = aesRead !== undefined ? aesRead : w;
    const wTag = new KeyTag();
    this.write = new CipherState(w, wTag, 1, ws.record, sl, { bytes: this.keep, bytesAt: K_WRITE_KEY, words: this.fmeta, wordsAt: W_WRITE_MAC });
    this.read = new CipherState(r, r === w ? wTag : new KeyTag(), 2, ws.record, sl,
      { bytes: this.keep, bytesAt: K_READ_KEY, words: this.fmeta, wordsAt: W_READ_MAC });
    this.fl = this.keep; // (no flight yet: start() points it at the workspace's)
  }

  /** The server's PSK identity hint bytes (pskHintLen of them): kept in the workspace, so valid until
   *  another session's handshake runs in a shared workspace. */
  get pskHint(): Uint8Array { return this.workspace.hint; }

  // ---------------------------------------------------------------- public API

  /** Begin a handshake (full, or abbreviated if resumable and `resume`). Identity/key bytes are copied. */
  start(identity: Uint8Array, identityLen: number, psk: Uint8Array, pskLen: number, now: number, resume: boolean): void {
    if (identityLen < 0 || identityLen > MAX_PSK_IDENTITY) throw new RangeError('DtlsSession: PSK identity must be 0..128 bytes');
    if (pskLen < 1 || pskLen > MAX_PSK) throw new RangeError('DtlsSession: PSK must be 1..64 bytes');
    const ws = this.workspace;
    if (ws.owner !== null && ws.owner !== this) { this.waitingForWorkspace = true; return; }
    this.waitingForWorkspace = false;
    const hs = ws.acquire(this);
    this.clearConnection();
    copyBytes(identity, 0, hs.b, WS_IDENTITY, identityLen); this.identityLen = identityLen;
    copyBytes(psk, 0, hs.b, WS_PSK, pskLen); this.pskLen = pskLen;
    this.error = DtlsError.None;
    this.hsSentDatagrams = 0; this.hsSentBytes = 0; this.hsRecvDatagrams = 0; this.hsRecvBytes = 0;
    this.random(hs.keys.clientRandom, 0, RANDOM_LEN);
    if (resume && this.hasResumption) { copyBytes(this.keep, K_SID, hs.b, WS_SID, this.resSidLen); this.sidLen = this.resSidLen; }
    else this.sidLen = 0;
    this.state = DtlsState.Handshaking;
    this.hs = Hs.WaitHello;
    this.sendClientHello(now, hs.flight, 0, 0); // no cookie yet
  }

  /** Feed one datagram from the peer (may hold several records). Returns the length of application data
   *  decrypted into out[outOff…] (>0), 0 if nothing for the application, <0 if dropped/failed.
   *  `out` may be `buf` itself with outOff <= off (decryption in place runs front to back). Only the first
   *  application record of a datagram is delivered (further ones are counted in droppedExtra). */
  receive(buf: Uint8Array, off: number, len: number, now: number, out: Uint8Array, outOff: number): number {
    if (this.state !== DtlsState.Handshaking && this.state !== DtlsState.Connected) return DtlsResult.Dropped;
    if (this.state === DtlsState.Handshaking) { this.hsRecvDatagrams++; this.hsRecvBytes += len; }
    const end = off + len;
    let p = off;
    let app = 0;
    let accepted = false;
    while (p < end) {
      if (end - p < RECORD_HEADER_LEN) { this.droppedMalformed++; break; }
      const rlen = get16(buf, p + 11);
      if (p + RECORD_HEADER_LEN + rlen > end) { this.droppedMalformed++; break; }
      const r = this.record(buf, p, rlen, now, out, outOff, app > 0);
      if (r > 0 && app === 0) app = r;
      if (r >= 0) accepted = true;
      if ((this.state as DtlsState) === DtlsState.Failed) return DtlsResult.Failed;
      p += RECORD_HEADER_LEN + rlen;
    }
    return app > 0 ? app : accepted ? DtlsResult.Nothing : DtlsResult.Dropped;
  }

  /** Encrypt application data into one record at out[outOff…]; returns its length, <0 if not Connected
   *  (DtlsResult.NotConnected) or if the record would not fit in `out` or in maxDatagram (DtlsResult.TooLarge). */
  seal(app: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): number {
    if (this.state !== DtlsState.Connected) return DtlsResult.NotConnected;
    const inner = this.peerCidLen > 0 ? len + 1 : len;
    const need = recordOverhead(this.cipherSuite, inner) + inner + this.peerCidLen;
    if (need > this.maxDatagram || need > out.length - outOff) return DtlsResult.TooLarge;
    const seq = this.sendSeq1++;
    return this.write.protect(ContentType.ApplicationData, 1, seq, app, off, len, out, outOff, this.random, this.peerCid, this.peerCidLen);
  }

  /** Next handshake/alert datagram to send (its length), 0 when none. */
  transmit(out: Uint8Array, outOff: number): number {
    if (this.alertPending) {
      this.alertPending = false;
      const n = this.emitAlert(out, outOff);
      if (this.state === DtlsState.Handshaking) { this.hsSentDatagrams++; this.hsSentBytes += n; }
      return n;
    }
    if (this.txNext >= this.flightCount || this.state === DtlsState.Failed || this.state === DtlsState.Closed) return 0;
    const n = this.packFlight(out, outOff);
    if (n > 0) { this.hsSentDatagrams++; this.hsSentBytes += n; }
    return n;
  }

  /** Runs retransmission timers; returns the next deadline (ms) or Infinity. */
  poll(now: number): number {
    if (this.state !== DtlsState.Handshaking) {
      if (this.state !== DtlsState.Idle || !this.waitingForWorkspace) return Infinity;
      // Waiting for the workspace: wake when its holder may give it up.
      return this.workspace.ownerDeadline;
    }
    if (now >= this.retxDeadline) {
      if (this.retxCount >= this.maxRetransmissions) {
        this.fail(this.hs >= Hs.WaitCcs && !this.resumed ? DtlsError.FinishedTimeout : DtlsError.Timeout, -1);
        return Infinity;
      }
      this.retxCount++;
      this.retxTimeout = this.retxTimeout * 2 > RETRANSMIT_MAX_MS ? RETRANSMIT_MAX_MS : this.retxTimeout * 2;
      this.retxDeadline = now + this.retxTimeout;
      this.workspace.ownerDeadline = this.retxDeadline;
      this.txNext = 0; this.txFragOff = 0;
    }
    return this.retxDeadline;
  }

  /** Queue close_notify. */
  close(): void {
    if (this.state === DtlsState.Connected) this.queueAlert(AlertLevel.Warning, AlertDescription.CloseNotify);
    if (this.state === DtlsState.Connected || this.state === DtlsState.Handshaking) this.state = DtlsState.Closed;
    this.retxDeadline = Infinity;
    this.flightCount = 0;
    this.waitingForWorkspace = false;
    this.release();
  }

  /** Forget the session (for "start fresh"); `keepResumption` keeps id+master secret. */
  reset(keepResumption: boolean): void {
    this.clearConnection();
    this.alertPending = false;
    this.pskLen = 0;
    this.state = DtlsState.Idle;
    this.error = DtlsError.None;
    this.waitingForWorkspace = false;
    this.release();
    if (!keepResumption) { this.hasResumption = false; this.keep.fill(0, K_MASTER, K_MASTER + MASTER_SECRET_LEN); this.resSidLen = 0; }
  }

  /** True when a session id and master secret are kept for an abbreviated handshake. */
  get resumable(): boolean { return this.hasResumption; }

  /** The retransmission timeout now in force (ms), for tests and logs. */
  get retransmitTimeout(): number { return this.retxTimeout; }

  // ---------------------------------------------------------------- records

  private record(buf: Uint8Array, p: number, rlen: number, now: number, out: Uint8Array, outOff: number, haveApp: boolean): number {
    const type = buf[p];
    const epoch = get16(buf, p + 3);
    const seq = get48(buf, p + 5);
    const f = p + RECORD_HEADER_LEN;
    if (buf[p + 1] !== DTLS12_MAJOR) { this.droppedMalformed++; return DtlsResult.Dropped; }
    let data = buf, d = f, dLen = rlen;
    if (epoch === this.readEpoch) {
      if (!this.window.check(seq)) { this.droppedReplay++; return DtlsResult.Dropped; }
      if (epoch !== 0) {
        if (type === ContentType.ApplicationData && !haveApp) {
          if (out.length - outOff < rlen) { this.droppedMalformed++; return DtlsResult.Dropped; }
          data = out; d = outOff;
        } else {
          const scratch = this.workspace.scratch;
          if (rlen > scratch.length) { this.droppedMalformed++; return DtlsResult.Dropped; }
          data = scratch; d = 0;
        }
        dLen = this.read.unprotect(type, epoch, seq, buf, f, rlen, data, d);
        if (dLen < 0) { this.droppedAuth++; return DtlsResult.Dropped; }
      }
      this.window.mark(seq);
    } else if (epoch + 1 === this.readEpoch && type === ContentType.Handshake) {
      // A retransmission of the peer's epoch-0 flight: it may mean our last flight was lost.
      this.oldHandshake(buf, f, rlen);
      return DtlsResult.Nothing;
    } else {
      return DtlsResult.Dropped;
    }
    switch (type) {
      case ContentType.ChangeCipherSpec:
        if (dLen !== 1 || data[d] !== 1) { this.droppedMalformed++; return DtlsResult.Dropped; }
        if (this.hs === Hs.WaitCcs && epoch === 0) {
          this.readEpoch = 1;
          this.window.reset();
          this.hs = Hs.WaitFinished;
        }
        return DtlsResult.Nothing;
      case ContentType.Alert:
        if (dLen !== 2) { this.droppedMalformed++; return DtlsResult.Dropped; }
        if (data[d + 1] === AlertDescription.CloseNotify) {
          if (this.state === DtlsState.Connected) this.queueAlert(AlertLevel.Warning, AlertDescription.CloseNotify);
          this.state = DtlsState.Closed;
          this.retxDeadline = Infinity;
          this.release();
          return DtlsResult.Nothing;
        }
        if (data[d] === AlertLevel.Fatal) this.fail(alertError(data[d + 1]), -1);
        return DtlsResult.Nothing;
      case ContentType.Handshake:
        this.handshake(data, d, dLen, epoch, now);
        return DtlsResult.Nothing;
      case ContentType.ApplicationData:
        if (epoch === 0 || this.state !== DtlsState.Connected) { this.droppedMalformed++; return DtlsResult.Dropped; }
        if (haveApp) { this.droppedExtra++; return DtlsResult.Nothing; }
        return dLen;
      default:
        this.droppedMalformed++;
        return DtlsResult.Dropped;
    }
  }

  private oldHandshake(b: Uint8Array, o: number, len: number): void {
    const end = o + len;
    while (end - o >= HANDSHAKE_HEADER_LEN) {
      const fl = get24(b, o + 9);
      if (o + HANDSHAKE_HEADER_LEN + fl > end) return;
      this.maybeRetransmit(get16(b, o + 4), get24(b, o + 6));
      o += HANDSHAKE_HEADER_LEN + fl;
    }
  }

  /** RFC 6347 §4.2.4: a repeat of the peer's last flight means ours was lost — send it again now. */
  private maybeRetransmit(seq: number, fragOff: number): void {
    const next = this.workspace.owner === this ? this.workspace.hs!.reasm.next : this.rxNext;
    if (seq === this.peerFlightLast && fragOff === 0 && this.flightCount > 0 && seq < next) {
      this.txNext = 0; this.txFragOff = 0;
    }
  }

  // ---------------------------------------------------------------- handshake

  private handshake(b: Uint8Array, o: number, len: number, epoch: number, now: number): void {
    const end = o + len;
    if (this.workspace.owner !== this) { this.lateHandshake(b, o, end); return; }
    const reasm = this.workspace.hs!.reasm;
    while (o < end) {
      if (end - o < HANDSHAKE_HEADER_LEN) { this.droppedMalformed++; return; }
      const fl = get24(b, o + 9);
      if (o + HANDSHAKE_HEADER_LEN + fl > end) { this.droppedMalformed++; return; }
      const r = reasm.add(b, o, epoch);
      if (r === 0) this.maybeRetransmit(get16(b, o + 4), get24(b, o + 6));
      else if (r === -2) { this.fail(DtlsError.BadHandshake, AlertDescription.InternalError); return; } // can never fit
      else if (r < 0) this.droppedMalformed++;
      o += HANDSHAKE_HEADER_LEN + fl;
    }
    let s: number;
    while (this.workspace.owner === this && (this.state === DtlsState.Handshaking || this.state === DtlsState.Connected) &&
           (s = reasm.ready()) >= 0) {
      this.message(s, now);
    }
  }

  /**
   * Handshake messages after the handshake (the workspace is released): a repeat of the server's last
   * flight asks for ours again; new messages (a HelloRequest: renegotiation is not supported, RFC 5246
   * §7.4.1.1) are ignored, as the reassembler would have done.
   */
  private lateHandshake(b: Uint8Array, o: number, end: number): void {
    while (o < end) {
      if (end - o < HANDSHAKE_HEADER_LEN) { this.droppedMalformed++; return; }
      const fl = get24(b, o + 9);
      if (o + HANDSHAKE_HEADER_LEN + fl > end) { this.droppedMalformed++; return; }
      const seq = get16(b, o + 4);
      if (seq < this.rxNext) this.maybeRetransmit(seq, get24(b, o + 6));
      else if (get24(b, o + 1) === fl && get24(b, o + 6) === 0 && seq === this.rxNext) this.rxNext++;
      o += HANDSHAKE_HEADER_LEN + fl;
    }
  }

  /** Process the complete message in reassembly slot s (message_seq reasm.next). */
  private message(s: number, now: number): void {
    const ra = this.workspace.hs!.reasm;
    const type = ra.slotType(s), len = ra.slotLen(s), o = ra.slotOffset(s), b = ra.buf, seq = ra.next;
    switch (this.hs) {
      case Hs.WaitHello:
        if (type === HandshakeType.HelloVerifyRequest) {
          const n = parseHelloVerifyRequest(b, o, len);
          ra.advance();
          if (n < 0) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
          // The HelloVerifyRequest echoed our record sequence number (RFC 6347 §4.2.1); the server's
          // next records count on their own, so start the epoch-0 window afresh.
          this.window.reset();
          // The cookie goes from the reassembly buffer (still intact) straight into the new ClientHello.
          this.sendClientHello(now, b, o + 3, n);
          return;
        }
        if (type === HandshakeType.ServerHello) {
          this.addTranscript(type, len, seq, b, o);
          ra.advance();
          this.serverHello(b, o, len, now);
          return;
        }
        break;
      case Hs.WaitServerFlight:
        if (type === HandshakeType.ServerKeyExchange && this.pskHintLen < 0) {
          this.addTranscript(type, len, seq, b, o);
          ra.advance();
          const n = parsePskServerKeyExchange(b, o, len, this.workspace.hint);
          if (n < 0) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
          this.pskHintLen = n;
          return;
        }
        if (type === HandshakeType.ServerHelloDone) {
          this.addTranscript(type, len, seq, b, o);
          ra.advance();
          if (len !== 0) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
          this.peerFlightLast = seq;
          this.clientFinishedFlight(now);
          return;
        }
        break;
      case Hs.WaitFinished:
        if (type === HandshakeType.Finished && ra.slotEpoch(s) === 1) {
          ra.advance();
          this.serverFinished(b, o, len, seq);
          return;
        }
        break;
      case Hs.Done:
        ra.advance(); // e.g. a HelloRequest: renegotiation is not supported, ignore it (RFC 5246 §7.4.1.1)
        return;
      default:
        break;
    }
    ra.advance();
    this.fail(DtlsError.BadHandshake, AlertDescription.UnexpectedMessage);
  }

  private serverHello(b: Uint8Array, o: number, len: number, now: number): void {
    const st = this.workspace.hs!;
    const sh = st.sh;
    const r = parseServerHello(b, o, len, sh);
    if (r === -1) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
    if (r < 0 || (sh.suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8 ? (this.offerSuites & 1) === 0 : (this.offerSuites & 2) === 0)) {
      this.fail(DtlsError.BadServerHello, AlertDescription.HandshakeFailure); return;
    }
    copyRange(b, sh.randomAt, st.keys.b, KS_SERVER_RANDOM, RANDOM_LEN);
    this.cipherSuite = sh.suite;
    // RFC 9146 §3: a CID is used only if we offered the extension and the server sent a non-empty one.
    this.peerCidLen = this.offerConnectionId && sh.cidLen > 0 ? sh.cidLen : 0;
    copyBytes(b, sh.cidAt, this.peerCid, 0, this.peerCidLen);
    if (this.sidLen > 0 && sh.sessionIdLen === this.sidLen && equalBytes(b, sh.sessionIdAt, st.b, WS_SID, this.sidLen) &&
        sh.suite === this.resSuite) {
      // Abbreviated handshake: the server resumed our session.
      this.resumed = true;
      copyRange(this.keep, K_MASTER, st.keys.b, KS_MASTER, MASTER_SECRET_LEN);
      this.installKeys();
      this.hs = Hs.WaitCcs;
      this.progress(now);
      return;
    }
    this.resumed = false;
    copyBytes(b, sh.sessionIdAt, st.b, WS_SID, sh.sessionIdLen); this.sidLen = sh.sessionIdLen;
    this.hs = Hs.WaitServerFlight;
    this.progress(now);
  }

  private installKeys(): void {
    const keys = this.workspace.hs!.keys;
    keys.deriveKeyBlock(this.cipherSuite);
    this.write.install(this.cipherSuite, keys.b, KS_WORK, true);
    this.read.install(this.cipherSuite, keys.b, KS_WORK, false);
    keys.wipeWork();
  }

  /** After ServerHelloDone: ClientKeyExchange, ChangeCipherSpec, Finished (flight 5). */
  private clientFinishedFlight(now: number): void {
    const st = this.workspace.hs!;
    st.keys.deriveMaster(st.b, WS_PSK, this.pskLen);
    st.b.fill(0, WS_PSK, WS_PSK + MAX_PSK); // not needed again: start() is given the key for every handshake
    this.installKeys();
    this.flightReset();
    let at = this.beginMessage();
    const n = writeClientKeyExchange(st.flight, at + HANDSHAKE_HEADER_LEN, st.b, WS_IDENTITY, this.identityLen);
    this.endMessage(HandshakeType.ClientKeyExchange, at, n, Fl.Handshake0);
    this.addCcs();
    at = this.beginMessage();
    st.keys.verifyData(true, st.flight, at + HANDSHAKE_HEADER_LEN);
    this.endMessage(HandshakeType.Finished, at, VERIFY_DATA_LEN, Fl.Handshake1);
    this.hs = Hs.WaitCcs;
    this.armTimer(now);
  }

  private serverFinished(b: Uint8Array, o: number, len: number, seq: number): void {
    if (len !== VERIFY_DATA_LEN) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
    const st = this.workspace.hs!;
    st.keys.verifyData(false, st.b, WS_HV + HANDSHAKE_HEADER_LEN);
    if (!equalBytes(st.b, WS_HV + HANDSHAKE_HEADER_LEN, b, o, VERIFY_DATA_LEN)) { this.fail(DtlsError.BadFinished, AlertDescription.DecryptError); return; }
    this.addTranscript(HandshakeType.Finished, len, seq, b, o);
    this.peerFlightLast = seq;
    if (this.resumed) {
      // Our final flight: ChangeCipherSpec, Finished. Kept to answer a repeat of the server's flight.
      this.flightReset();
      this.addCcs();
      const at = this.beginMessage();
      st.keys.verifyData(true, st.flight, at + HANDSHAKE_HEADER_LEN);
      this.endMessage(HandshakeType.Finished, at, VERIFY_DATA_LEN, Fl.Handshake1);
    } else {
      this.flightCount = 0; // the server's flight was the last; nothing of ours to repeat
    }
    if (this.sidLen > 0) {
      copyBytes(st.b, WS_SID, this.keep, K_SID, this.sidLen); this.resSidLen = this.sidLen;
      copyRange(st.keys.b, KS_MASTER, this.keep, K_MASTER, MASTER_SECRET_LEN);
      this.resSuite = this.cipherSuite;
      this.hasResumption = true;
    }
    this.hs = Hs.Done;
    this.state = DtlsState.Connected;
    this.retxDeadline = Infinity;
    this.release();
  }

  private sendClientHello(now: number, cookie: Uint8Array, cookieOff: number, cookieLen: number): void {
    const st = this.workspace.hs!;
    st.keys.transcript.init(); // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not hashed
    this.flightReset();
    const at = this.beginMessage();
    const n = writeClientHello(st.flight, at + HANDSHAKE_HEADER_LEN, st.keys.clientRandom, st.b, this.sidLen,
      cookie, cookieOff, cookieLen, this.offerSuites, this.offerConnectionId);
    this.endMessage(HandshakeType.ClientHello, at, n, Fl.Handshake0);
    this.armTimer(now);
  }

  // ---------------------------------------------------------------- flights

  private flightReset(): void { this.flightCount = 0; this.flightEnd = 0; this.txNext = 0; this.txFragOff = 0; }

  private beginMessage(): number { return this.flightEnd; }

  private endMessage(type: number, at: number, bodyLen: number, kind: number): void {
    const st = this.workspace.hs!;
    writeHandshakeHeader(st.flight, at, type, bodyLen, this.msgSeq++);
    const m = this.fmeta, i = 3 * this.flightCount++;
    m[i] = at; m[i + 1] = HANDSHAKE_HEADER_LEN + bodyLen; m[i + 2] = kind;
    this.flightEnd = at + HANDSHAKE_HEADER_LEN + bodyLen;
    st.keys.transcript.update(st.flight, at, HANDSHAKE_HEADER_LEN + bodyLen);
  }

  private addCcs(): void {
    const m = this.fmeta, i = 3 * this.flightCount++;
    m[i] = 0; m[i + 1] = 1; m[i + 2] = Fl.Ccs;
  }

  private addTranscript(type: number, len: number, seq: number, b: Uint8Array, o: number): void {
    const st = this.workspace.hs!, h = st.b, at = WS_HV;
    h[at] = type; put24(h, at + 1, len); put16(h, at + 4, seq); put24(h, at + 6, 0); put24(h, at + 9, len);
    st.keys.transcript.update(h, at, HANDSHAKE_HEADER_LEN).update(b, o, len);
  }

  /** Pack as much of the flight as fits into one datagram, fragmenting a message that does not. */
  private packFlight(out: Uint8Array, outOff: number): number {
    const limit = outOff + (out.length - outOff < this.maxDatagram ? out.length - outOff : this.maxDatagram);
    let p = outOff;
    while (this.txNext < this.flightCount) {
      const i = 3 * this.txNext;
      const kind = this.fmeta[i + 2];
      if (kind === Fl.Ccs) {
        if (p + RECORD_HEADER_LEN + 1 > limit) break;
        writeRecordHeader(out, p, ContentType.ChangeCipherSpec, 0, this.sendSeq0++, 1);
        out[p + RECORD_HEADER_LEN] = 1;
        p += RECORD_HEADER_LEN + 1;
        this.ccsSent = true;
        this.txNext++;
        continue;
      }
      const mo = this.fmeta[i], bodyLen = this.fmeta[i + 1] - HANDSHAKE_HEADER_LEN;
      const overhead = kind === Fl.Handshake1 ? MAX_OVERHEAD : RECORD_HEADER_LEN;
      const room = limit - p - overhead - HANDSHAKE_HEADER_LEN;
      const remaining = bodyLen - this.txFragOff;
      if (room < (remaining < 16 ? remaining : 16)) {
        if (p > outOff) break;
        if (room < 1) return 0; // cannot happen with maxDatagram >= 128
      }
      const n = remaining < room ? remaining : room;
      // Fragment header + bytes.
      const fb = kind === Fl.Handshake1 ? this.workspace.scratch : out;
      const fo = kind === Fl.Handshake1 ? 0 : p + RECORD_HEADER_LEN;
      const fl = this.fl;
      fb[fo] = fl[mo]; fb[fo + 1] = fl[mo + 1]; fb[fo + 2] = fl[mo + 2]; fb[fo + 3] = fl[mo + 3];
      fb[fo + 4] = fl[mo + 4]; fb[fo + 5] = fl[mo + 5];
      put24(fb, fo + 6, this.txFragOff); put24(fb, fo + 9, n);
      copyRange(fl, mo + HANDSHAKE_HEADER_LEN + this.txFragOff, fb, fo + HANDSHAKE_HEADER_LEN, n);
      if (kind === Fl.Handshake1) {
        p += this.write.protect(ContentType.Handshake, 1, this.sendSeq1++, fb, 0, HANDSHAKE_HEADER_LEN + n, out, p, this.random, this.peerCid, this.peerCidLen);
      } else {
        writeRecordHeader(out, p, ContentType.Handshake, 0, this.sendSeq0++, HANDSHAKE_HEADER_LEN + n);
        p += RECORD_HEADER_LEN + HANDSHAKE_HEADER_LEN + n;
      }
      this.txFragOff += n;
      if (this.txFragOff >= bodyLen) { this.txNext++; this.txFragOff = 0; } else break;
    }
    return p - outOff;
  }

  private emitAlert(out: Uint8Array, outOff: number): number {
    const f = this.workspace.scratch;
    writeAlert(f, 0, this.alertLevel, this.alertDesc);
    if (this.ccsSent && this.write.suite !== 0) {
      return this.write.protect(ContentType.Alert, 1, this.sendSeq1++, f, 0, 2, out, outOff, this.random, this.peerCid, this.peerCidLen);
    }
    writeRecordHeader(out, outOff, ContentType.Alert, 0, this.sendSeq0++, 2);
    out[outOff + RECORD_HEADER_LEN] = f[0]; out[outOff + RECORD_HEADER_LEN + 1] = f[1];
    return RECORD_HEADER_LEN + 2;
  }

  private queueAlert(level: number, desc: number): void {
    this.alertPending = true; this.alertLevel = level; this.alertDesc = desc;
  }

  // ---------------------------------------------------------------- state

  private armTimer(now: number): void {
    this.retxTimeout = RETRANSMIT_INITIAL_MS;
    this.retxCount = 0;
    this.retxDeadline = now + RETRANSMIT_INITIAL_MS;
    this.workspace.ownerDeadline = this.retxDeadline;
  }

  /** The peer answered our flight: restart the timer budget for the flight we are waiting on. */
  private progress(now: number): void {
    this.armTimer(now);
  }

  private fail(err: number, alertDesc: number): void {
    this.state = DtlsState.Failed;
    this.error = err;
    this.hs = Hs.None;
    this.flightCount = 0;
    this.retxDeadline = Infinity;
    if (alertDesc >= 0) this.queueAlert(AlertLevel.Fatal, alertDesc);
    if (this.resumed) { this.hasResumption = false; this.keep.fill(0, K_MASTER, K_MASTER + MASTER_SECRET_LEN); } // do not offer a session that failed
    this.release();
  }

  /**
   * The handshake is over (Connected, Failed, Closed, reset): give the workspace up. A kept final
   * flight (our CCS + Finished of an abbreviated handshake, to answer a repeat of the server's flight)
   * moves into `keep`; the workspace's secrets are wiped.
   */
  private release(): void {
    const ws = this.workspace, st = ws.hs!;
    if (ws.owner !== this) return;
    this.rxNext = st.reasm.next;
    if (this.flightCount > 0 && this.state === DtlsState.Connected) {
      // The only flight that outlives the handshake: [CCS, Finished] (resumed).
      const m = this.fmeta;
      for (let i = 0; i < this.flightCount; i++) {
        if (m[3 * i + 2] !== Fl.Ccs) {
          copyBytes(st.flight, m[3 * i], this.keep, K_FIN, m[3 * i + 1]);
          m[3 * i] = K_FIN;
        }
      }
    } else {
      this.flightCount = 0;
    }
    // (Nothing of the workspace's handshake state stays referenced: a transient one is dropped.)
    this.fl = this.keep;
    st.keys.wipe();
    st.b.fill(0, WS_PSK, WS_PSK + MAX_PSK);
    ws.release();
  }

  /** Clear everything of the current connection (keeps resumption data and counters). */
  private clearConnection(): void {
    this.hs = Hs.None;
    this.write.clear(); this.read.clear();
    const ws = this.workspace;
    if (ws.owner === this) {
      const st = ws.hs!;
      st.keys.wipe();
      st.keys.transcript.init();
      st.reasm.reset(0);
      this.fl = st.flight;
    }
    this.readEpoch = 0;
    this.sendSeq0 = 0; this.sendSeq1 = 0;
    this.window.reset();
    this.ccsSent = false;
    this.rxNext = 0;
    this.flightReset();
    this.msgSeq = 0;
    this.peerFlightLast = -1;
    this.sidLen = 0;
    this.pskHintLen = -1;
    this.cipherSuite = 0;
    this.peerCidLen = 0;
    this.resumed = false;
    this.retxDeadline = Infinity;
    this.retxTimeout = RETRANSMIT_INITIAL_MS;
    this.retxCount = 0;
  }
}
