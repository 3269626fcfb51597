// A sans-IO DTLS 1.2 client (RFC 6347) for PSK: TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655; mandatory for
// LwM2M) and TLS_PSK_WITH_AES_128_CBC_SHA256 (RFC 5487). All mutable state lives in this one session
// record, sized at construction; nothing allocates afterwards.
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
// Flights (RFC 6347 §4.2.4): 1 ClientHello → [HelloVerifyRequest → ClientHello + cookie] →
// ServerHello, ServerKeyExchange (optional PSK identity hint), ServerHelloDone → ClientKeyExchange,
// ChangeCipherSpec, Finished → ChangeCipherSpec, Finished. Abbreviated (§4.2.4 / RFC 5246 §7.3):
// ClientHello(session id) → ServerHello(same id), ChangeCipherSpec, Finished → ChangeCipherSpec, Finished.
import type { BlockCipherProvider } from '../crypto/provider.js';
import { Aes128 } from '../crypto/aes.js';
import {
  AlertDescription, AlertLevel, CipherSuite, ContentType, DTLS12_MAJOR, DtlsError, DtlsResult, DtlsState,
  HANDSHAKE_HEADER_LEN, HandshakeType, MASTER_SECRET_LEN, MAX_CID, MAX_COOKIE, MAX_PSK, MAX_PSK_IDENTITY, MAX_SESSION_ID,
  RANDOM_LEN, RECORD_HEADER_LEN, RETRANSMIT_INITIAL_MS, RETRANSMIT_MAX_MS, VERIFY_DATA_LEN,
} from './constants.js';
import { copyBytes, equalBytes, get16, get24, get48, put16, put24 } from './bytes.js';
import { CipherState, KeyTag, recordOverhead, writeRecordHeader } from './record.js';
import { ReplayWindow } from './replay.js';
import { KeySchedule } from './keys.js';
import { alertError, writeAlert } from './alert.js';
import {
  Reassembler, ServerHelloRecord, parseHelloVerifyRequest, parsePskServerKeyExchange, parseServerHello,
  writeClientHello, writeClientKeyExchange, writeHandshakeHeader,
} from './handshake.js';

export { DtlsState, DtlsError, DtlsResult, CipherSuite } from './constants.js';

/** Where the handshake is (internal). */
const enum Hs { None = 0, WaitHello = 1, WaitServerFlight = 2, WaitCcs = 3, WaitFinished = 4, Done = 5 }

/** Kinds of entries in our current flight. */
const enum Fl { Handshake0 = 0, Ccs = 1, Handshake1 = 2 }

const FLIGHT_CAP = 768;
const REASSEMBLY_SLOTS = 4;
const REASSEMBLY_SLOT_CAP = 512;
const HINT_CAP = 128;
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
  /** Give up after this many retransmissions of one flight (RFC 6347 §4.2.4). */
  maxRetransmissions = 6;
  /** Suites to offer: bit 0 CCM_8, bit 1 CBC_SHA256. */
  offerSuites = 3;
  /**
   * Offer RFC 9146 Connection IDs (a zero-length CID of our own: the server keeps sending plain records
   * to us; if it answers with a CID, every record we send at epoch 1 carries it). Off by default.
   */
  offerConnectionId = false;
  /** The connection ID the server asked for (what our epoch-1 records carry); its length, 0 for none. */
  peerCidLen = 0;
  readonly peerCid = new Uint8Array(MAX_CID);
  /** True when the last handshake was abbreviated (resumed). */
  resumed = false;
  /** The server's PSK identity hint (RFC 4279 §2): its length, -1 when the server sent none. */
  pskHintLen = -1;
  readonly pskHint = new Uint8Array(HINT_CAP);
  /** Handshake statistics for the current/last handshake: datagrams and bytes each way. */
  hsSentDatagrams = 0;
  hsSentBytes = 0;
  hsRecvDatagrams = 0;
  hsRecvBytes = 0;

  private hs = Hs.None;
  private readonly identity = new Uint8Array(MAX_PSK_IDENTITY);
  private identityLen = 0;
  private readonly psk = new Uint8Array(MAX_PSK);
  private pskLen = 0;
  private readonly cookie = new Uint8Array(MAX_COOKIE);
  private cookieLen = 0;
  /** Offered session id, then the server's. */
  private readonly sid = new Uint8Array(MAX_SESSION_ID);
  private sidLen = 0;
  private readonly resSid = new Uint8Array(MAX_SESSION_ID);
  private resSidLen = 0;
  private readonly resMaster = new Uint8Array(MASTER_SECRET_LEN);
  private resSuite = 0;
  private hasResumption = false;

  private readonly keys = new KeySchedule(MAX_PSK);
  private readonly sh = new ServerHelloRecord();
  private readonly reasm = new Reassembler(REASSEMBLY_SLOTS, REASSEMBLY_SLOT_CAP);
  private readonly write: CipherState;
  private readonly read: CipherState;
  private readEpoch = 0;
  private readonly sendSeq = new Float64Array(2);
  private readonly window = new ReplayWindow();
  private ccsSent = false;

  private readonly flight = new Uint8Array(FLIGHT_CAP);
  private readonly flightOff = new Int32Array(4);
  private readonly flightLen = new Int32Array(4);
  private readonly flightKind = new Uint8Array(4);
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

  private readonly scratch: Uint8Array;
  private readonly frag: Uint8Array;
  private readonly hdr = new Uint8Array(HANDSHAKE_HEADER_LEN);
  private readonly vd = new Uint8Array(VERIFY_DATA_LEN);

  /**
   * @param maxDatagram the largest datagram to send (and the size of the decrypt scratch buffer).
   * @param random fills buf[off…off+len] with random bytes (the HAL's RNG).
   * @param aes a native AES-128 for the write side (and the read side when `aesRead` is not given,
   *            re-keyed as the direction changes); the portable AES is the default.
   * @param aesRead a second native AES instance for the read side.
   */
  constructor(readonly maxDatagram: number, private readonly random: (buf: Uint8Array, off: number, len: number) => void,
              aes?: BlockCipherProvider, aesRead?: BlockCipherProvider) {
    if (!(maxDatagram >= 128)) throw new RangeError('DtlsSession: maxDatagram must be at least 128 bytes');
    const w = aes !== undefined ? aes : new Aes128();
    const r = aesRead !== undefined ? aesRead : aes !== undefined ? aes : new Aes128();
    const wTag = new KeyTag();
    this.write = new CipherState(w, wTag, 1);
    this.read = new CipherState(r, r === w ? wTag : new KeyTag(), 2);
    this.scratch = new Uint8Array(maxDatagram > 2048 ? maxDatagram : 2048);
    this.frag = new Uint8Array(maxDatagram);
  }

  // ---------------------------------------------------------------- public API

  /** Begin a handshake (full, or abbreviated if resumable and `resume`). Identity/key bytes are copied. */
  start(identity: Uint8Array, identityLen: number, psk: Uint8Array, pskLen: number, now: number, resume: boolean): void {
    if (identityLen < 0 || identityLen > MAX_PSK_IDENTITY) throw new RangeError('DtlsSession: PSK identity must be 0..128 bytes');
    if (pskLen < 1 || pskLen > MAX_PSK) throw new RangeError('DtlsSession: PSK must be 1..64 bytes');
    this.clearConnection();
    copyBytes(identity, 0, this.identity, 0, identityLen); this.identityLen = identityLen;
    copyBytes(psk, 0, this.psk, 0, pskLen); this.pskLen = pskLen;
    this.error = DtlsError.None;
    this.hsSentDatagrams = 0; this.hsSentBytes = 0; this.hsRecvDatagrams = 0; this.hsRecvBytes = 0;
    this.random(this.keys.clientRandom, 0, RANDOM_LEN);
    if (resume && this.hasResumption) { copyBytes(this.resSid, 0, this.sid, 0, this.resSidLen); this.sidLen = this.resSidLen; }
    else this.sidLen = 0;
    this.state = DtlsState.Handshaking;
    this.hs = Hs.WaitHello;
    this.sendClientHello(now);
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
    const seq = this.sendSeq[1]++;
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
    if (this.state !== DtlsState.Handshaking) return Infinity;
    if (now >= this.retxDeadline) {
      if (this.retxCount >= this.maxRetransmissions) {
        this.fail(this.hs >= Hs.WaitCcs && !this.resumed ? DtlsError.FinishedTimeout : DtlsError.Timeout, -1);
        return Infinity;
      }
      this.retxCount++;
      this.retxTimeout = this.retxTimeout * 2 > RETRANSMIT_MAX_MS ? RETRANSMIT_MAX_MS : this.retxTimeout * 2;
      this.retxDeadline = now + this.retxTimeout;
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
  }

  /** Forget the session (for "start fresh"); `keepResumption` keeps id+master secret. */
  reset(keepResumption: boolean): void {
    this.clearConnection();
    this.alertPending = false;
    this.psk.fill(0); this.pskLen = 0;
    this.state = DtlsState.Idle;
    this.error = DtlsError.None;
    if (!keepResumption) { this.hasResumption = false; this.resMaster.fill(0); this.resSidLen = 0; }
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
          if (rlen > this.scratch.length) { this.droppedMalformed++; return DtlsResult.Dropped; }
          data = this.scratch; d = 0;
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
    if (seq === this.peerFlightLast && fragOff === 0 && this.flightCount > 0 && seq < this.reasm.next) {
      this.txNext = 0; this.txFragOff = 0;
    }
  }

  // ---------------------------------------------------------------- handshake

  private handshake(b: Uint8Array, o: number, len: number, epoch: number, now: number): void {
    const end = o + len;
    while (o < end) {
      if (end - o < HANDSHAKE_HEADER_LEN) { this.droppedMalformed++; return; }
      const fl = get24(b, o + 9);
      if (o + HANDSHAKE_HEADER_LEN + fl > end) { this.droppedMalformed++; return; }
      const r = this.reasm.add(b, o, epoch);
      if (r === 0) this.maybeRetransmit(get16(b, o + 4), get24(b, o + 6));
      else if (r < 0) this.droppedMalformed++;
      o += HANDSHAKE_HEADER_LEN + fl;
    }
    let s: number;
    while ((this.state === DtlsState.Handshaking || this.state === DtlsState.Connected) && (s = this.reasm.ready()) >= 0) {
      this.message(s, now);
    }
  }

  /** Process the complete message in reassembly slot s (message_seq reasm.next). */
  private message(s: number, now: number): void {
    const ra = this.reasm;
    const type = ra.slotType(s), len = ra.slotLen(s), o = ra.slotOffset(s), b = ra.buf, seq = ra.next;
    switch (this.hs) {
      case Hs.WaitHello:
        if (type === HandshakeType.HelloVerifyRequest) {
          const n = parseHelloVerifyRequest(b, o, len, this.cookie);
          ra.advance();
          if (n < 0) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
          this.cookieLen = n;
          // The HelloVerifyRequest echoed our record sequence number (RFC 6347 §4.2.1); the server's
          // next records count on their own, so start the epoch-0 window afresh.
          this.window.reset();
          this.sendClientHello(now);
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
          const n = parsePskServerKeyExchange(b, o, len, this.pskHint);
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
    const sh = this.sh;
    const r = parseServerHello(b, o, len, sh);
    if (r === -1) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
    if (r < 0 || (sh.suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8 ? (this.offerSuites & 1) === 0 : (this.offerSuites & 2) === 0)) {
      this.fail(DtlsError.BadServerHello, AlertDescription.HandshakeFailure); return;
    }
    copyBytes(sh.random, 0, this.keys.serverRandom, 0, RANDOM_LEN);
    this.cipherSuite = sh.suite;
    // RFC 9146 §3: a CID is used only if we offered the extension and the server sent a non-empty one.
    this.peerCidLen = this.offerConnectionId && sh.cidLen > 0 ? sh.cidLen : 0;
    copyBytes(sh.cid, 0, this.peerCid, 0, this.peerCidLen);
    if (this.sidLen > 0 && sh.sessionIdLen === this.sidLen && equalBytes(sh.sessionId, 0, this.sid, 0, this.sidLen) &&
        sh.suite === this.resSuite) {
      // Abbreviated handshake: the server resumed our session.
      this.resumed = true;
      copyBytes(this.resMaster, 0, this.keys.master, 0, MASTER_SECRET_LEN);
      this.installKeys();
      this.hs = Hs.WaitCcs;
      this.progress(now);
      return;
    }
    this.resumed = false;
    copyBytes(sh.sessionId, 0, this.sid, 0, sh.sessionIdLen); this.sidLen = sh.sessionIdLen;
    this.hs = Hs.WaitServerFlight;
    this.progress(now);
  }

  private installKeys(): void {
    this.keys.deriveKeyBlock(this.cipherSuite);
    this.write.install(this.cipherSuite, this.keys.keyBlock, 0, true);
    this.read.install(this.cipherSuite, this.keys.keyBlock, 0, false);
    this.keys.keyBlock.fill(0);
  }

  /** After ServerHelloDone: ClientKeyExchange, ChangeCipherSpec, Finished (flight 5). */
  private clientFinishedFlight(now: number): void {
    this.keys.deriveMaster(this.psk, this.pskLen);
    this.psk.fill(0); // not needed again: start() is given the key for every handshake
    this.installKeys();
    this.flightReset();
    let at = this.beginMessage();
    const n = writeClientKeyExchange(this.flight, at + HANDSHAKE_HEADER_LEN, this.identity, this.identityLen);
    this.endMessage(HandshakeType.ClientKeyExchange, at, n, Fl.Handshake0);
    this.addCcs();
    at = this.beginMessage();
    this.keys.verifyData(true, this.flight, at + HANDSHAKE_HEADER_LEN);
    this.endMessage(HandshakeType.Finished, at, VERIFY_DATA_LEN, Fl.Handshake1);
    this.hs = Hs.WaitCcs;
    this.armTimer(now);
  }

  private serverFinished(b: Uint8Array, o: number, len: number, seq: number): void {
    if (len !== VERIFY_DATA_LEN) { this.fail(DtlsError.BadHandshake, AlertDescription.DecodeError); return; }
    this.keys.verifyData(false, this.vd, 0);
    if (!equalBytes(this.vd, 0, b, o, VERIFY_DATA_LEN)) { this.fail(DtlsError.BadFinished, AlertDescription.DecryptError); return; }
    this.addTranscript(HandshakeType.Finished, len, seq, b, o);
    this.peerFlightLast = seq;
    if (this.resumed) {
      // Our final flight: ChangeCipherSpec, Finished. Kept to answer a repeat of the server's flight.
      this.flightReset();
      this.addCcs();
      const at = this.beginMessage();
      this.keys.verifyData(true, this.flight, at + HANDSHAKE_HEADER_LEN);
      this.endMessage(HandshakeType.Finished, at, VERIFY_DATA_LEN, Fl.Handshake1);
    } else {
      this.flightCount = 0; // the server's flight was the last; nothing of ours to repeat
    }
    if (this.sidLen > 0) {
      copyBytes(this.sid, 0, this.resSid, 0, this.sidLen); this.resSidLen = this.sidLen;
      copyBytes(this.keys.master, 0, this.resMaster, 0, MASTER_SECRET_LEN);
      this.resSuite = this.cipherSuite;
      this.hasResumption = true;
    }
    this.hs = Hs.Done;
    this.state = DtlsState.Connected;
    this.retxDeadline = Infinity;
  }

  private sendClientHello(now: number): void {
    this.keys.transcript.init(); // RFC 6347 §4.2.6: the first ClientHello and the HelloVerifyRequest are not hashed
    this.flightReset();
    const at = this.beginMessage();
    const n = writeClientHello(this.flight, at + HANDSHAKE_HEADER_LEN, this.keys.clientRandom, this.sid, this.sidLen,
      this.cookie, this.cookieLen, this.offerSuites, this.offerConnectionId);
    this.endMessage(HandshakeType.ClientHello, at, n, Fl.Handshake0);
    this.armTimer(now);
  }

  // ---------------------------------------------------------------- flights

  private flightReset(): void { this.flightCount = 0; this.flightEnd = 0; this.txNext = 0; this.txFragOff = 0; }

  private beginMessage(): number { return this.flightEnd; }

  private endMessage(type: number, at: number, bodyLen: number, kind: number): void {
    writeHandshakeHeader(this.flight, at, type, bodyLen, this.msgSeq++);
    const i = this.flightCount++;
    this.flightOff[i] = at; this.flightLen[i] = HANDSHAKE_HEADER_LEN + bodyLen; this.flightKind[i] = kind;
    this.flightEnd = at + HANDSHAKE_HEADER_LEN + bodyLen;
    this.keys.transcript.update(this.flight, at, HANDSHAKE_HEADER_LEN + bodyLen);
  }

  private addCcs(): void {
    const i = this.flightCount++;
    this.flightOff[i] = 0; this.flightLen[i] = 1; this.flightKind[i] = Fl.Ccs;
  }

  private addTranscript(type: number, len: number, seq: number, b: Uint8Array, o: number): void {
    const h = this.hdr;
    h[0] = type; put24(h, 1, len); put16(h, 4, seq); put24(h, 6, 0); put24(h, 9, len);
    this.keys.transcript.update(h, 0, HANDSHAKE_HEADER_LEN).update(b, o, len);
  }

  /** Pack as much of the flight as fits into one datagram, fragmenting a message that does not. */
  private packFlight(out: Uint8Array, outOff: number): number {
    const limit = outOff + (out.length - outOff < this.maxDatagram ? out.length - outOff : this.maxDatagram);
    let p = outOff;
    while (this.txNext < this.flightCount) {
      const i = this.txNext;
      const kind = this.flightKind[i];
      if (kind === Fl.Ccs) {
        if (p + RECORD_HEADER_LEN + 1 > limit) break;
        writeRecordHeader(out, p, ContentType.ChangeCipherSpec, 0, this.sendSeq[0]++, 1);
        out[p + RECORD_HEADER_LEN] = 1;
        p += RECORD_HEADER_LEN + 1;
        this.ccsSent = true;
        this.txNext++;
        continue;
      }
      const mo = this.flightOff[i], bodyLen = this.flightLen[i] - HANDSHAKE_HEADER_LEN;
      const overhead = kind === Fl.Handshake1 ? MAX_OVERHEAD : RECORD_HEADER_LEN;
      const room = limit - p - overhead - HANDSHAKE_HEADER_LEN;
      const remaining = bodyLen - this.txFragOff;
      if (room < (remaining < 16 ? remaining : 16)) {
        if (p > outOff) break;
        if (room < 1) return 0; // cannot happen with maxDatagram >= 128
      }
      const n = remaining < room ? remaining : room;
      // Fragment header + bytes.
      const fb = kind === Fl.Handshake1 ? this.frag : out;
      const fo = kind === Fl.Handshake1 ? 0 : p + RECORD_HEADER_LEN;
      const fl = this.flight;
      fb[fo] = fl[mo]; fb[fo + 1] = fl[mo + 1]; fb[fo + 2] = fl[mo + 2]; fb[fo + 3] = fl[mo + 3];
      fb[fo + 4] = fl[mo + 4]; fb[fo + 5] = fl[mo + 5];
      put24(fb, fo + 6, this.txFragOff); put24(fb, fo + 9, n);
      copyBytes(fl, mo + HANDSHAKE_HEADER_LEN + this.txFragOff, fb, fo + HANDSHAKE_HEADER_LEN, n);
      if (kind === Fl.Handshake1) {
        p += this.write.protect(ContentType.Handshake, 1, this.sendSeq[1]++, fb, 0, HANDSHAKE_HEADER_LEN + n, out, p, this.random, this.peerCid, this.peerCidLen);
      } else {
        writeRecordHeader(out, p, ContentType.Handshake, 0, this.sendSeq[0]++, HANDSHAKE_HEADER_LEN + n);
        p += RECORD_HEADER_LEN + HANDSHAKE_HEADER_LEN + n;
      }
      this.txFragOff += n;
      if (this.txFragOff >= bodyLen) { this.txNext++; this.txFragOff = 0; } else break;
    }
    return p - outOff;
  }

  private emitAlert(out: Uint8Array, outOff: number): number {
    const f = this.frag;
    writeAlert(f, 0, this.alertLevel, this.alertDesc);
    if (this.ccsSent && this.write.suite !== 0) {
      return this.write.protect(ContentType.Alert, 1, this.sendSeq[1]++, f, 0, 2, out, outOff, this.random, this.peerCid, this.peerCidLen);
    }
    writeRecordHeader(out, outOff, ContentType.Alert, 0, this.sendSeq[0]++, 2);
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
    if (this.resumed) { this.hasResumption = false; this.resMaster.fill(0); } // do not offer a session that failed
  }

  /** Clear everything of the current connection (keeps resumption data and counters). */
  private clearConnection(): void {
    this.hs = Hs.None;
    this.write.clear(); this.read.clear();
    this.keys.wipe();
    this.keys.transcript.init();
    this.readEpoch = 0;
    this.sendSeq[0] = 0; this.sendSeq[1] = 0;
    this.window.reset();
    this.ccsSent = false;
    this.reasm.reset(0);
    this.flightReset();
    this.msgSeq = 0;
    this.peerFlightLast = -1;
    this.cookieLen = 0;
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
