// CoAP message codec (RFC 7252 §3): a stateless parser that reads a datagram in place into a reused
// `CoapMessage` record, and a `MessageWriter` that serialises a message into a caller's buffer.
// Nothing here allocates after construction.

import { Opt, isCritical, isKnownOption, maxOptionLength } from './option.js';
import type { Slab } from '../slab.js';

export const enum MsgType { CON = 0, NON = 1, ACK = 2, RST = 3 }

/** The most options one message may carry in our fixed tables. */
export const MAX_OPTIONS = 40;

export const enum Parse {
  OK = 0,
  /** Shorter than the 4-byte header, or not version 1: silently ignored (RFC 7252 §3). */
  IGNORE = -1,
  /** Header readable, rest malformed: a CON is answered with RST, a NON ignored (RFC 7252 §4.2, §4.3). */
  FORMAT = -2,
  /** An unrecognised or malformed critical option (RFC 7252 §5.4.1): a CON request gets 4.02, a CON
   *  response RST, a NON is ignored. */
  BAD_OPTION = -3,
  /** More options than MAX_OPTIONS: answered 4.13 (our table is full; RFC 7252 names no code). */
  TOO_MANY_OPTIONS = -4,
}

/** The placeholder `buf` of a CoapMessage or MessageWriter before its first parse or begin(): shared,
 *  and never written (everything is read or written at offsets into the caller's buffer). */
const NO_BUFFER = new Uint8Array(0);

export class CoapMessage {
  type: MsgType = MsgType.CON;
  code = 0;
  mid = 0;
  token: Uint8Array;
  tokenLen = 0;
  /** The datagram the options and payload are read from (not owned). */
  buf: Uint8Array = NO_BUFFER;
  optCount = 0;
  readonly optNum: Uint16Array;
  /** Offsets into `buf`: 32-bit, as the endpoint's datagram array (rings, dedup entries, plaintext
   *  scratch back to back) is often longer than 64 KB. */
  readonly optOff: Uint32Array;
  readonly optLen: Uint16Array;
  payloadOff = 0;
  payloadLen = 0;
  // Frequently used options, decoded once (-1 when absent).
  contentFormat = -1;
  accept = -1;
  observe = -1;
  block1 = -1;
  block2 = -1;
  size1 = -1;
  size2 = -1;
  /** Index of the first Uri-Path option and how many there are. */
  uriPathFirst = -1;
  uriPathCount = 0;
  uriQueryCount = 0;
  /** The first unrecognised critical option (for logs), 0 when none. */
  badOption = 0;

  /** With a slab (the endpoint's), the tables are views into its pages; without, arrays of their own. */
  constructor(slab?: Slab) {
    this.token = slab ? slab.u8(8) : new Uint8Array(8);
    this.optNum = slab ? slab.u16(MAX_OPTIONS) : new Uint16Array(MAX_OPTIONS);
    this.optOff = slab ? slab.u32(MAX_OPTIONS) : new Uint32Array(MAX_OPTIONS);
    this.optLen = slab ? slab.u16(MAX_OPTIONS) : new Uint16Array(MAX_OPTIONS);
  }

  isRequest(): boolean { return this.code >= 1 && this.code <= 31; }
  isResponse(): boolean { return this.code >= 64; }
  isEmpty(): boolean { return this.code === 0; }

  /** Index of the first option with this number at or after `from`, or -1. */
  find(num: number, from: number): number {
    for (let k = from; k < this.optCount; k++) if (this.optNum[k] === num) return k;
    return -1;
  }

  /** The value of option k as an unsigned integer (RFC 7252 §3.2 uint). */
  uint(k: number): number {
    let v = 0;
    const b = this.buf, o = this.optOff[k], n = this.optLen[k];
    for (let j = 0; j < n; j++) v = v * 256 + b[o + j];
    return v;
  }

  /** True when option k's bytes equal the ASCII constant `lit`. */
  optionEquals(k: number, lit: Uint8Array): boolean {
    const n = this.optLen[k];
    if (n !== lit.length) return false;
    const b = this.buf, o = this.optOff[k];
    for (let j = 0; j < n; j++) if (b[o + j] !== lit[j]) return false;
    return true;
  }

  tokenEquals(t: Uint8Array, tOff: number, tLen: number): boolean {
    if (tLen !== this.tokenLen) return false;
    for (let j = 0; j < tLen; j++) if (this.token[j] !== t[tOff + j]) return false;
    return true;
  }
}

function isRepeatable(num: number): boolean {
  return num === Opt.IF_MATCH || num === Opt.ETAG || num === Opt.LOCATION_PATH || num === Opt.URI_PATH ||
    num === Opt.URI_QUERY || num === Opt.LOCATION_QUERY;
}

/**
 * Parses buf[off … off+len) into `m`. Returns a `Parse` code. On FORMAT/BAD_OPTION the header fields
 * (type, code, mid, token when readable) are filled in so the caller can answer.
 */
export function parseMessage(buf: Uint8Array, off: number, len: number, m: CoapMessage): number {
  m.optCount = 0; m.payloadOff = off + len; m.payloadLen = 0; m.tokenLen = 0;
  m.contentFormat = -1; m.accept = -1; m.observe = -1; m.block1 = -1; m.block2 = -1;
  m.size1 = -1; m.size2 = -1; m.uriPathFirst = -1; m.uriPathCount = 0; m.uriQueryCount = 0; m.badOption = 0;
  m.buf = buf;
  if (len < 4) return Parse.IGNORE;
  const b0 = buf[off];
  if ((b0 >> 6) !== 1) return Parse.IGNORE;
  m.type = (b0 >> 4) & 3;
  const tkl = b0 & 15;
  m.code = buf[off + 1];
  m.mid = (buf[off + 2] << 8) | buf[off + 3];
  if (tkl > 8) return Parse.FORMAT;
  const end = off + len;
  let p = off + 4;
  if (p + tkl > end) return Parse.FORMAT;
  for (let j = 0; j < tkl; j++) m.token[j] = buf[p + j];
  m.tokenLen = tkl;
  p += tkl;
  // RFC 7252 §4.1: an Empty message has a zero-length token and nothing after the header.
  if (m.code === 0) return (tkl !== 0 || p !== end) ? Parse.FORMAT : Parse.OK;
  // Codes of class 1, 6 and 7 are reserved (§12.1): a message format error.
  const cls = m.code >> 5;
  if (cls === 1 || cls === 6 || cls === 7) return Parse.FORMAT;
  let num = 0;
  let result: number = Parse.OK;
  while (p < end) {
    const h = buf[p++];
    if (h === 0xff) {
      if (p === end) return Parse.FORMAT; // §3: a marker followed by a zero-length payload is an error
      m.payloadOff = p; m.payloadLen = end - p;
      break;
    }
    let delta = h >> 4, olen = h & 15;
    if (delta === 13) { if (p >= end) return Parse.FORMAT; delta = buf[p++] + 13; }
    else if (delta === 14) { if (p + 1 >= end) return Parse.FORMAT; delta = ((buf[p] << 8) | buf[p + 1]) + 269; p += 2; }
    else if (delta === 15) return Parse.FORMAT;
    if (olen === 13) { if (p >= end) return Parse.FORMAT; olen = buf[p++] + 13; }
    else if (olen === 14) { if (p + 1 >= end) return Parse.FORMAT; olen = ((buf[p] << 8) | buf[p + 1]) + 269; p += 2; }
    else if (olen === 15) return Parse.FORMAT;
    if (p + olen > end) return Parse.FORMAT;
    num += delta;
    if (num > 65535) return Parse.FORMAT;
    const k = m.optCount;
    if (k === MAX_OPTIONS) { result = Parse.TOO_MANY_OPTIONS; p += olen; continue; }
    m.optNum[k] = num; m.optOff[k] = p; m.optLen[k] = olen;
    m.optCount = k + 1;
    p += olen;
    // §5.4.1/§5.4.3/§5.4.5: unknown, wrongly sized or wrongly repeated options: critical ones are
    // errors, elective ones are ignored (left in the table, but not decoded below).
    const known = isKnownOption(num);
    const bad = !known || olen > maxOptionLength(num) ||
      (delta === 0 && k > 0 && !isRepeatable(num)) ||
      (num === Opt.ETAG && olen === 0);
    if (bad) {
      if (isCritical(num) && result === Parse.OK) { result = Parse.BAD_OPTION; m.badOption = num; }
      continue;
    }
    switch (num) {
      case Opt.CONTENT_FORMAT: m.contentFormat = m.uint(k); break;
      case Opt.ACCEPT: m.accept = m.uint(k); break;
      case Opt.OBSERVE: m.observe = m.uint(k); break;
      case Opt.BLOCK1: m.block1 = m.uint(k); break;
      case Opt.BLOCK2: m.block2 = m.uint(k); break;
      case Opt.SIZE1: m.size1 = m.uint(k); break;
      case Opt.SIZE2: m.size2 = m.uint(k); break;
      case Opt.URI_PATH: if (m.uriPathFirst < 0) m.uriPathFirst = k; m.uriPathCount++; break;
      case Opt.URI_QUERY: m.uriQueryCount++; break;
    }
  }
  return result;
}

/** Bytes needed for an unsigned integer option value (RFC 7252 §3.2: no leading zero bytes). */
export function uintLength(v: number): number {
  return v === 0 ? 0 : v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x1000000 ? 3 : 4;
}

/**
 * Writes one message into a caller's buffer. Options must be added in ascending number order.
 * Any overflow or misuse makes `end()` return -1 instead of a length.
 */
export class MessageWriter {
  buf: Uint8Array = NO_BUFFER;
  start = 0;
  pos = 0;
  limit = 0;
  lastOpt = 0;
  ok = true;
  payloadStarted = false;

  begin(buf: Uint8Array, at: number, cap: number, type: number, code: number, mid: number,
        token: Uint8Array, tokOff: number, tokLen: number): void {
    this.buf = buf; this.start = at; this.limit = at + cap; this.lastOpt = 0; this.payloadStarted = false;
    this.ok = cap >= 4 + tokLen && tokLen <= 8;
    if (!this.ok) { this.pos = at; return; }
    buf[at] = 0x40 | ((type & 3) << 4) | tokLen;
    buf[at + 1] = code;
    buf[at + 2] = (mid >> 8) & 0xff;
    buf[at + 3] = mid & 0xff;
    for (let j = 0; j < tokLen; j++) buf[at + 4 + j] = token[tokOff + j];
    this.pos = at + 4 + tokLen;
  }

  /** Changes the code byte of the message being written. */
  setCode(code: number): void { this.buf[this.start + 1] = code; }

  private header(num: number, len: number): boolean {
    if (!this.ok || this.payloadStarted || num < this.lastOpt) { this.ok = false; return false; }
    const delta = num - this.lastOpt;
    const need = 1 + (delta >= 269 ? 2 : delta >= 13 ? 1 : 0) + (len >= 269 ? 2 : len >= 13 ? 1 : 0) + len;
    if (this.pos + need > this.limit) { this.ok = false; return false; }
    const b = this.buf;
    let p = this.pos;
    const hp = p++;
    let h = 0;
    if (delta >= 269) { h = 14 << 4; b[p++] = (delta - 269) >> 8; b[p++] = (delta - 269) & 0xff; }
    else if (delta >= 13) { h = 13 << 4; b[p++] = delta - 13; }
    else h = delta << 4;
    if (len >= 269) { h |= 14; b[p++] = (len - 269) >> 8; b[p++] = (len - 269) & 0xff; }
    else if (len >= 13) { h |= 13; b[p++] = len - 13; }
    else h |= len;
    b[hp] = h;
    this.pos = p;
    this.lastOpt = num;
    return true;
  }

  option(num: number, src: Uint8Array, off: number, len: number): void {
    if (!this.header(num, len)) return;
    const b = this.buf;
    for (let j = 0; j < len; j++) b[this.pos + j] = src[off + j];
    this.pos += len;
  }

  optionEmpty(num: number): void { this.header(num, 0); }

  optionUint(num: number, v: number): void {
    const n = uintLength(v);
    if (!this.header(num, n)) return;
    const b = this.buf;
    for (let j = n - 1; j >= 0; j--) { b[this.pos + j] = v & 0xff; v = Math.floor(v / 256); }
    this.pos += n;
  }

  /** An option whose value is the decimal text of a non-negative integer (e.g. a path segment). */
  optionDecimal(num: number, v: number): void {
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    if (!this.header(num, digits)) return;
    const b = this.buf;
    for (let j = digits - 1; j >= 0; j--) { b[this.pos + j] = 48 + (v % 10); v = Math.floor(v / 10); }
    this.pos += digits;
  }

  /** An option made of a constant prefix followed by decimal digits, e.g. Uri-Query "lt=300". */
  optionPrefixDecimal(num: number, prefix: Uint8Array, v: number): void {
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    const pl = prefix.length;
    if (!this.header(num, pl + digits)) return;
    const b = this.buf;
    for (let j = 0; j < pl; j++) b[this.pos + j] = prefix[j];
    for (let j = digits - 1; j >= 0; j--) { b[this.pos + pl + j] = 48 + (v % 10); v = Math.floor(v / 10); }
    this.pos += pl + digits;
  }

  /** An option made of a constant prefix followed by bytes, e.g. Uri-Query "ep=" + name. */
  optionPrefixBytes(num: number, prefix: Uint8Array, src: Uint8Array, off: number, len: number): void {
    const pl = prefix.length;
    if (!this.header(num, pl + len)) return;
    const b = this.buf;
    for (let j = 0; j < pl; j++) b[this.pos + j] = prefix[j];
    for (let j = 0; j < len; j++) b[this.pos + pl + j] = src[off + j];
    this.pos += pl + len;
  }

  /** Writes the payload marker; returns the offset where payload bytes go, or -1 when full. The
   *  caller writes up to `room()` bytes there and calls `payloadWritten(n)`. */
  beginPayload(): number {
    if (!this.ok || this.payloadStarted) { this.ok = false; return -1; }
    if (this.pos + 2 > this.limit) { this.ok = false; return -1; }
    this.buf[this.pos++] = 0xff;
    this.payloadStarted = true;
    return this.pos;
  }

  room(): number { return this.limit - this.pos; }

  payloadWritten(n: number): void {
    if (n <= 0) { // an empty payload: take the marker back (RFC 7252 §3)
      if (this.payloadStarted && n === 0) { this.pos--; this.payloadStarted = false; this.lastOpt = 65536; }
      else this.ok = false;
      return;
    }
    if (this.pos + n > this.limit) { this.ok = false; return; }
    this.pos += n;
  }

  payload(src: Uint8Array, off: number, len: number): void {
    if (len === 0) return;
    const at = this.beginPayload();
    if (at < 0) return;
    if (len > this.limit - at) { this.ok = false; return; }
    const b = this.buf;
    for (let j = 0; j < len; j++) b[at + j] = src[off + j];
    this.pos += len;
  }

  /** The message length, or -1 when it did not fit or was misused. */
  end(): number { return this.ok ? this.pos - this.start : -1; }
}

/** ASCII bytes of a string: for constants built at module load or construction, never per message. */
export function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let j = 0; j < s.length; j++) b[j] = s.charCodeAt(j) & 0xff;
  return b;
}
