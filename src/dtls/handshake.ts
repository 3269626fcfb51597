// Handshake messages (RFC 6347 §4.2, RFC 5246 §7.4, RFC 4279 §2): the 12-byte header, the client's
// messages (ClientHello, ClientKeyExchange, Finished), the server's (parsed into reused records),
// and reassembly of incoming fragments — in any order, with duplicates and overlaps — into slots.
import {
  CipherSuite, DTLS12_MAJOR, DTLS12_MINOR, DTLS10_MINOR, ExtensionType, HANDSHAKE_HEADER_LEN, MAX_CID, MAX_COOKIE,
  MAX_SESSION_ID, RANDOM_LEN,
} from './constants.js';
import { copyBytes, get16, get24, put16, put24 } from './bytes.js';

/** Write a handshake header for an unfragmented message. */
export function writeHandshakeHeader(b: Uint8Array, o: number, type: number, len: number, seq: number): void {
  b[o] = type; put24(b, o + 1, len); put16(b, o + 4, seq); put24(b, o + 6, 0); put24(b, o + 9, len);
}

export function isOffered(suite: number): boolean {
  return suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8 || suite === CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256;
}

/** ClientHello body (RFC 6347 §4.2.1) at b[o…]; returns its length. `suites` limits the offer (bit 0 CCM_8, bit 1 CBC). */
export function writeClientHello(b: Uint8Array, o: number, random: Uint8Array,
                                 sid: Uint8Array, sidLen: number, cookie: Uint8Array, cookieLen: number, suites: number,
                                 offerCid: boolean): number {
  let p = o;
  b[p++] = DTLS12_MAJOR; b[p++] = DTLS12_MINOR;
  copyBytes(random, 0, b, p, RANDOM_LEN); p += RANDOM_LEN;
  b[p++] = sidLen; copyBytes(sid, 0, b, p, sidLen); p += sidLen;
  b[p++] = cookieLen; copyBytes(cookie, 0, b, p, cookieLen); p += cookieLen;
  const lenAt = p; p += 2;
  if ((suites & 1) !== 0) { put16(b, p, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8); p += 2; }
  if ((suites & 2) !== 0) { put16(b, p, CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256); p += 2; }
  put16(b, p, CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV); p += 2;
  put16(b, lenAt, p - lenAt - 2);
  b[p++] = 1; b[p++] = 0; // compression_methods: null
  if (offerCid) {
    // extensions: connection_id (RFC 9146 §3) with our zero-length CID.
    put16(b, p, 5); put16(b, p + 2, ExtensionType.ConnectionId); put16(b, p + 4, 1); b[p + 6] = 0;
    p += 7;
  }
  return p - o;
}

/** ClientKeyExchange for PSK: psk_identity<0..2^16-1> (RFC 4279 §2). */
export function writeClientKeyExchange(b: Uint8Array, o: number, identity: Uint8Array, len: number): number {
  put16(b, o, len);
  copyBytes(identity, 0, b, o + 2, len);
  return 2 + len;
}

/** HelloVerifyRequest (RFC 6347 §4.2.1): returns the cookie length copied into `cookie`, or -1. */
export function parseHelloVerifyRequest(b: Uint8Array, o: number, len: number, cookie: Uint8Array): number {
  if (len < 3) return -1;
  if (b[o] !== DTLS12_MAJOR || (b[o + 1] !== DTLS12_MINOR && b[o + 1] !== DTLS10_MINOR)) return -1;
  const n = b[o + 2];
  if (n > MAX_COOKIE || 3 + n !== len) return -1;
  copyBytes(b, o + 3, cookie, 0, n);
  return n;
}

/** A parsed ServerHello (reused). */
export class ServerHelloRecord {
  readonly random = new Uint8Array(RANDOM_LEN);
  readonly sessionId = new Uint8Array(MAX_SESSION_ID);
  sessionIdLen = 0;
  suite = 0;
  /** RFC 5746 renegotiation_info present. */
  secureRenegotiation = false;
  /** RFC 9146 connection_id: the CID the server wants in our records; -1 when absent. */
  cidLen = -1;
  readonly cid = new Uint8Array(MAX_CID);
}

/** Parse a ServerHello body. Returns 0, or -1 if malformed, -2 if it picks something not offered. */
export function parseServerHello(b: Uint8Array, o: number, len: number, rec: ServerHelloRecord): number {
  const end = o + len;
  if (len < 2 + RANDOM_LEN + 1 + 2 + 1) return -1;
  if (b[o] !== DTLS12_MAJOR || b[o + 1] !== DTLS12_MINOR) return -2;
  let p = o + 2;
  copyBytes(b, p, rec.random, 0, RANDOM_LEN); p += RANDOM_LEN;
  const sl = b[p++];
  if (sl > MAX_SESSION_ID || p + sl + 3 > end) return -1;
  copyBytes(b, p, rec.sessionId, 0, sl); rec.sessionIdLen = sl; p += sl;
  rec.suite = get16(b, p); p += 2;
  const comp = b[p++];
  rec.secureRenegotiation = false;
  rec.cidLen = -1;
  if (p < end) {
    if (p + 2 > end) return -1;
    const el = get16(b, p); p += 2;
    if (p + el !== end) return -1;
    while (p < end) {
      if (p + 4 > end) return -1;
      const t = get16(b, p), l = get16(b, p + 2);
      p += 4;
      if (p + l > end) return -1;
      if (t === ExtensionType.RenegotiationInfo) rec.secureRenegotiation = true;
      else if (t === ExtensionType.ConnectionId) {
        if (l < 1 || b[p] + 1 !== l) return -1;
        rec.cidLen = b[p];
        copyBytes(b, p + 1, rec.cid, 0, rec.cidLen);
      }
      p += l;
    }
  }
  if (!isOffered(rec.suite) || comp !== 0) return -2;
  return 0;
}

/** ServerKeyExchange for PSK: psk_identity_hint<0..2^16-1>. Returns the hint length (kept up to
 *  hint.length bytes), or -1 if malformed. */
export function parsePskServerKeyExchange(b: Uint8Array, o: number, len: number, hint: Uint8Array): number {
  if (len < 2) return -1;
  const n = get16(b, o);
  if (2 + n !== len) return -1;
  copyBytes(b, o + 2, hint, 0, n < hint.length ? n : hint.length);
  return n;
}

/**
 * Reassembles incoming handshake messages. Slots hold messages message_seq next…next+slots-1; each
 * keeps a bitmap of the bytes received, so fragments may come in any order, overlap, or repeat.
 */
export class Reassembler {
  readonly buf: Uint8Array;
  private readonly mask: Uint8Array;
  private readonly seq: Float64Array;
  private readonly type: Uint8Array;
  private readonly len: Int32Array;
  private readonly got: Int32Array;
  private readonly epoch: Int32Array;
  /** The next message_seq to deliver. */
  next = 0;

  constructor(readonly slots: number, readonly slotCap: number) {
    this.buf = new Uint8Array(slots * slotCap);
    this.mask = new Uint8Array(slots * (slotCap >>> 3));
    this.seq = new Float64Array(slots).fill(-1);
    this.type = new Uint8Array(slots);
    this.len = new Int32Array(slots);
    this.got = new Int32Array(slots);
    this.epoch = new Int32Array(slots);
  }

  reset(next: number): void {
    this.next = next;
    this.seq.fill(-1);
  }

  /**
   * Add one fragment (the handshake header at b[o], its fragment bytes after it).
   * Returns 1 if added (or a duplicate of a pending message), 0 if old (seq < next), -1 if it does
   * not fit (too far ahead, too large, inconsistent with earlier fragments).
   */
  add(b: Uint8Array, o: number, epoch: number): number {
    const type = b[o], len = get24(b, o + 1), seq = get16(b, o + 4), fo = get24(b, o + 6), fl = get24(b, o + 9);
    if (seq < this.next) return 0;
    if (seq >= this.next + this.slots || len > this.slotCap || fo + fl > len) return -1;
    const s = seq % this.slots;
    if (this.seq[s] !== seq) {
      this.seq[s] = seq; this.type[s] = type; this.len[s] = len; this.got[s] = 0; this.epoch[s] = epoch;
      this.mask.fill(0, s * (this.slotCap >>> 3), (s + 1) * (this.slotCap >>> 3));
    } else if (this.type[s] !== type || this.len[s] !== len || this.epoch[s] !== epoch) {
      return -1;
    }
    const base = s * this.slotCap, mbase = s * (this.slotCap >>> 3);
    const mask = this.mask, buf = this.buf;
    for (let i = 0; i < fl; i++) {
      const at = fo + i;
      const bit = 1 << (at & 7);
      if ((mask[mbase + (at >>> 3)] & bit) === 0) {
        mask[mbase + (at >>> 3)] |= bit;
        buf[base + at] = b[o + HANDSHAKE_HEADER_LEN + i];
        this.got[s]++;
      }
    }
    return 1;
  }

  /** The slot of message `next` if it is complete, else -1. */
  ready(): number {
    const s = this.next % this.slots;
    return this.seq[s] === this.next && this.got[s] === this.len[s] ? s : -1;
  }

  slotType(s: number): number { return this.type[s]; }
  slotLen(s: number): number { return this.len[s]; }
  slotEpoch(s: number): number { return this.epoch[s]; }
  slotOffset(s: number): number { return s * this.slotCap; }

  /** Release the delivered message and move on. */
  advance(): void {
    this.seq[this.next % this.slots] = -1;
    this.next++;
  }
}
