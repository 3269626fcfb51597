// Handshake messages (RFC 6347 §4.2, RFC 5246 §7.4, RFC 4279 §2): the 12-byte header, the client's
// messages (ClientHello, ClientKeyExchange, Finished), the server's (parsed into reused records),
// and reassembly of incoming fragments — in any order, with duplicates and overlaps — into slots.
import {
  CipherSuite, DTLS12_MAJOR, DTLS12_MINOR, DTLS10_MINOR, ExtensionType, HANDSHAKE_HEADER_LEN, MAX_COOKIE,
  MAX_SESSION_ID, RANDOM_LEN,
} from './constants.js';
import { copyBytes, copyRange, get16, get24, put16, put24 } from './bytes.js';
import { Slab } from '../slab.js';

export { CLIENT_HELLO_MAX } from './constants.js';

/** Write a handshake header for an unfragmented message. */
export function writeHandshakeHeader(b: Uint8Array, o: number, type: number, len: number, seq: number): void {
  b[o] = type; put24(b, o + 1, len); put16(b, o + 4, seq); put24(b, o + 6, 0); put24(b, o + 9, len);
}

export function isOffered(suite: number): boolean {
  return suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8 || suite === CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256;
}

/** ClientHello body (RFC 6347 §4.2.1) at b[o…]; returns its length. `suites` limits the offer (bit 0 CCM_8, bit 1 CBC). */
export function writeClientHello(b: Uint8Array, o: number, random: Uint8Array,
                                 sid: Uint8Array, sidLen: number, cookie: Uint8Array, cookieOff: number, cookieLen: number,
                                 suites: number, offerCid: boolean): number {
  let p = o;
  b[p++] = DTLS12_MAJOR; b[p++] = DTLS12_MINOR;
  copyRange(random, 0, b, p, RANDOM_LEN); p += RANDOM_LEN;
  b[p++] = sidLen; copyBytes(sid, 0, b, p, sidLen); p += sidLen;
  b[p++] = cookieLen; copyRange(cookie, cookieOff, b, p, cookieLen); p += cookieLen;
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
export function writeClientKeyExchange(b: Uint8Array, o: number, identity: Uint8Array, idOff: number, len: number): number {
  put16(b, o, len);
  copyRange(identity, idOff, b, o + 2, len);
  return 2 + len;
}

/** HelloVerifyRequest (RFC 6347 §4.2.1): returns the cookie length (the cookie is at b[o + 3…]), or -1. */
export function parseHelloVerifyRequest(b: Uint8Array, o: number, len: number): number {
  if (len < 3) return -1;
  if (b[o] !== DTLS12_MAJOR || (b[o + 1] !== DTLS12_MINOR && b[o + 1] !== DTLS10_MINOR)) return -1;
  const n = b[o + 2];
  if (n > MAX_COOKIE || 3 + n !== len) return -1;
  return n;
}

/** A parsed ServerHello (reused). The random, session id and CID are not copied: they are offsets
 *  into the parsed bytes, valid while those are (the reassembler keeps them until its next add()). */
export class ServerHelloRecord {
  randomAt = 0;
  sessionIdAt = 0;
  sessionIdLen = 0;
  suite = 0;
  /** RFC 5746 renegotiation_info present. */
  secureRenegotiation = false;
  /** RFC 9146 connection_id: the CID the server wants in our records (at cidAt); cidLen -1 when absent. */
  cidLen = -1;
  cidAt = 0;
}

/** Parse a ServerHello body. Returns 0, or -1 if malformed, -2 if it picks something not offered. */
export function parseServerHello(b: Uint8Array, o: number, len: number, rec: ServerHelloRecord): number {
  const end = o + len;
  if (len < 2 + RANDOM_LEN + 1 + 2 + 1) return -1;
  if (b[o] !== DTLS12_MAJOR || b[o + 1] !== DTLS12_MINOR) return -2;
  let p = o + 2;
  rec.randomAt = p; p += RANDOM_LEN;
  const sl = b[p++];
  if (sl > MAX_SESSION_ID || p + sl + 3 > end) return -1;
  rec.sessionIdAt = p; rec.sessionIdLen = sl; p += sl;
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
        rec.cidAt = p + 1;
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

/** Per slot, in Reassembler.meta: message_seq (-1: free), type, length, bytes received, epoch, and
 *  where its bytes start in Reassembler.buf. */
const enum Slot { Seq = 0, Type = 1, Len = 2, Got = 3, Epoch = 4, At = 5, Stride = 6 }

/**
 * Reassembles incoming handshake messages. Slots hold messages message_seq next…next+slots-1; each
 * keeps a bitmap of the bytes received, so fragments may come in any order, overlap, or repeat.
 * The messages share one buffer of `capacity` bytes, handed out in arrival order and taken back
 * when no message is pending (after each flight): it bounds the pending messages' total length.
 * Message `next` always gets in (later ones are dropped to make room), so a flight larger than the
 * buffer still completes, message by message, through the peer's retransmissions.
 */
export class Reassembler {
  /** The message bytes (capacity), then the bitmap of the bytes received (a bit per byte). */
  readonly buf: Uint8Array;
  private readonly meta: Int32Array;
  /** Bytes of buf handed out to pending messages. */
  private top = 0;
  /** The next message_seq to deliver. */
  next = 0;

  constructor(readonly slots: number, readonly capacity: number, slab: Slab = new Slab()) {
    this.buf = slab.u8(capacity + ((capacity + 7) >>> 3));
    this.meta = slab.i32(slots * Slot.Stride);
    this.reset(0);
  }

  reset(next: number): void {
    this.next = next;
    for (let s = 0; s < this.slots; s++) this.meta[s * Slot.Stride + Slot.Seq] = -1;
    this.free();
  }

  /**
   * Add one fragment (the handshake header at b[o], its fragment bytes after it).
   * Returns 1 if added (or a duplicate of a pending message), 0 if old (seq < next), -1 if it does
   * not fit now (too far ahead, no room left, inconsistent with earlier fragments), -2 if the message
   * is longer than the whole buffer.
   */
  add(b: Uint8Array, o: number, epoch: number): number {
    const type = b[o], len = get24(b, o + 1), seq = get16(b, o + 4), fo = get24(b, o + 6), fl = get24(b, o + 9);
    if (seq < this.next) return 0;
    if (seq >= this.next + this.slots || fo + fl > len) return -1;
    if (len > this.capacity) return -2;
    const m = this.meta, i = (seq % this.slots) * Slot.Stride;
    if (m[i + Slot.Seq] !== seq) {
      if (len > this.capacity - this.top) {
        // No room. The message to deliver next must not wait behind later ones: drop those (the
        // peer retransmits its whole flight) and give it the whole buffer.
        if (seq !== this.next) return -1;
        this.reset(this.next);
      }
      m[i + Slot.Seq] = seq; m[i + Slot.Type] = type; m[i + Slot.Len] = len; m[i + Slot.Got] = 0;
      m[i + Slot.Epoch] = epoch; m[i + Slot.At] = this.top;
      this.top += len;
    } else if (m[i + Slot.Type] !== type || m[i + Slot.Len] !== len || m[i + Slot.Epoch] !== epoch) {
      return -1;
    }
    const base = m[i + Slot.At], mbase = this.capacity, buf = this.buf;
    if (fo === 0 && fl === len && fl > 0 && m[i + Slot.Got] === 0) {
      // The whole message in one fragment, none of it held yet (the usual case): one copy and its bits
      // set a byte at a time (the loop below, a bit test per byte, was most of a flight's parsing
      // under Espruino).
      copyRange(b, o + HANDSHAKE_HEADER_LEN, buf, base, fl);
      let at = base;
      const end = base + fl;
      for (; at < end && (at & 7) !== 0; at++) buf[mbase + (at >>> 3)] |= 1 << (at & 7);
      const full = (end - at) >>> 3;
      if (full > 0) { buf.fill(0xff, mbase + (at >>> 3), mbase + (at >>> 3) + full); at += full << 3; }
      for (; at < end; at++) buf[mbase + (at >>> 3)] |= 1 << (at & 7);
      m[i + Slot.Got] = fl;
      return 1;
    }
    let got = 0;
    for (let k = 0; k < fl; k++) {
      const at = base + fo + k;
      const bit = 1 << (at & 7);
      if ((buf[mbase + (at >>> 3)] & bit) === 0) {
        buf[mbase + (at >>> 3)] |= bit;
        buf[at] = b[o + HANDSHAKE_HEADER_LEN + k];
        got++;
      }
    }
    m[i + Slot.Got] += got;
    return 1;
  }

  /** The slot of message `next` if it is complete, else -1. */
  ready(): number {
    const s = this.next % this.slots, i = s * Slot.Stride, m = this.meta;
    return m[i + Slot.Seq] === this.next && m[i + Slot.Got] === m[i + Slot.Len] ? s : -1;
  }

  slotType(s: number): number { return this.meta[s * Slot.Stride + Slot.Type]; }
  slotLen(s: number): number { return this.meta[s * Slot.Stride + Slot.Len]; }
  slotEpoch(s: number): number { return this.meta[s * Slot.Stride + Slot.Epoch]; }
  slotOffset(s: number): number { return this.meta[s * Slot.Stride + Slot.At]; }

  /** Release the delivered message and move on; the buffer comes back when nothing is pending. */
  advance(): void {
    const m = this.meta;
    m[(this.next % this.slots) * Slot.Stride + Slot.Seq] = -1;
    this.next++;
    for (let s = 0; s < this.slots; s++) if (m[s * Slot.Stride + Slot.Seq] >= 0) return;
    this.free();
  }

  /** No message pending: the whole buffer is free (the bytes stay until the next add() overwrites them). */
  private free(): void {
    this.top = 0;
    this.buf.fill(0, this.capacity);
  }
}
