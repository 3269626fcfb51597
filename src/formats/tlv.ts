// OMA LwM2M TLV (Content-Format 11542; LwM2M TS Core §7.4.3).
//
// Header: one type byte — bits 7-6 the identifier kind (00 Object Instance, 01 Resource Instance,
// 10 Multiple Resource, 11 Resource with Value), bit 5 the identifier width (0: 8 bits, 1: 16),
// bits 4-3 the length width (00: the length is in bits 2-0; 01/10/11: 8/16/24-bit length follows)
// — then the identifier, then the length, then the value.
// Values: integers in the shortest of 1/2/4/8 bytes (two's complement, big-endian), floats in 4
// or 8 bytes, booleans 1 byte, object links 4 bytes (object id, instance id), time as an integer,
// strings/opaque as bytes. TLV carries no types: the decoder yields ValueType.Raw (rawFormat TLV).
//
// The encoder writes containers (Object Instance, Multiple Resource) with a 6-byte reserved
// header and, when the container closes, writes the real header and moves the content down
// (copyWithin: no allocation).
import { Code } from '../coap/codes.js';
import { ContentFormat } from '../formats/content-format.js';
import { DataRecord, EMPTY_BYTES, ValueType } from '../model/record.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { pathDepth } from './codec.js';
import { floatScratch, getFloat32, getFloat64, putScratch32, putScratch64 } from './ieee754.js';

export const enum TlvKind { OBJECT_INSTANCE = 0, RESOURCE_INSTANCE = 1, MULTIPLE_RESOURCE = 2, RESOURCE = 3 }

const RESERVE = 6; // 1 type + 2 id + 3 length: the largest header


/** Header size for an identifier and a value length. */
export function tlvHeaderSize(id: number, len: number): number {
  return 1 + (id > 255 ? 2 : 1) + (len < 8 ? 0 : len < 0x100 ? 1 : len < 0x10000 ? 2 : 3);
}

/** Writes a TLV header at `at` (room already checked); its size. */
export function writeTlvHeader(out: Uint8Array, at: number, kind: number, id: number, len: number): number {
  let p = at + 1;
  let t = kind << 6;
  if (id > 255) { t |= 0x20; out[p++] = id >> 8; out[p++] = id & 255; } else out[p++] = id;
  if (len < 8) t |= len;
  else if (len < 0x100) { t |= 0x08; out[p++] = len; }
  else if (len < 0x10000) { t |= 0x10; out[p++] = len >> 8; out[p++] = len & 255; }
  else { t |= 0x18; out[p++] = len >> 16; out[p++] = len >> 8 & 255; out[p++] = len & 255; }
  out[at] = t;
  return p - at;
}

/** Byte size of a TLV integer (shortest of 1/2/4/8, two's complement). */
function intSize(v: number): number {
  if (v >= -128 && v <= 127) return 1;
  if (v >= -32768 && v <= 32767) return 2;
  if (v >= -2147483648 && v <= 2147483647) return 4;
  return 8;
}

/** Byte size of a TLV unsigned integer (shortest of 1/2/4/8). */
function uintSize(v: number): number {
  return v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;
}

/** Writes an integer v (|v| ≤ 2^53) big-endian two's complement in n bytes. */
function writeIntBytes(out: Uint8Array, at: number, v: number, n: number): void {
  if (n <= 4) {
    let x = v | 0;
    if (n === 4 && v > 2147483647) x = v >>> 0; // unsigned 32-bit
    for (let k = n - 1; k >= 0; k--) { out[at + k] = x & 255; x >>= 8; }
    return;
  }
  let hi = Math.floor(v / 0x100000000);
  let lo = v - hi * 0x100000000; // 0 … 2^32-1
  hi = hi | 0;
  lo = lo >>> 0;
  out[at] = hi >>> 24 & 255; out[at + 1] = hi >>> 16 & 255; out[at + 2] = hi >>> 8 & 255; out[at + 3] = hi & 255;
  out[at + 4] = lo >>> 24; out[at + 5] = lo >>> 16 & 255; out[at + 6] = lo >>> 8 & 255; out[at + 7] = lo & 255;
}

/** Reads a big-endian two's complement integer of 1/2/4/8 bytes; NaN for other sizes. */
export function readTlvInt(b: Uint8Array, off: number, len: number): number {
  switch (len) {
    case 1: return b[off] << 24 >> 24;
    case 2: return (b[off] << 8 | b[off + 1]) << 16 >> 16;
    case 4: return b[off] << 24 | b[off + 1] << 16 | b[off + 2] << 8 | b[off + 3];
    case 8: {
      const hi = b[off] << 24 | b[off + 1] << 16 | b[off + 2] << 8 | b[off + 3];
      const lo = (b[off + 4] << 24 >>> 0) + (b[off + 5] << 16 | b[off + 6] << 8 | b[off + 7]);
      return hi * 0x100000000 + lo;
    }
    default: return NaN;
  }
}

/** Reads a big-endian unsigned integer of 1/2/4/8 bytes (beyond 2^53: nearest double). */
export function readTlvUint(b: Uint8Array, off: number, len: number): number {
  switch (len) {
    case 1: return b[off];
    case 2: return b[off] << 8 | b[off + 1];
    case 4: return (b[off] << 24 >>> 0) + (b[off + 1] << 16 | b[off + 2] << 8 | b[off + 3]);
    case 8: {
      const hi = (b[off] << 24 >>> 0) + (b[off + 1] << 16 | b[off + 2] << 8 | b[off + 3]);
      const lo = (b[off + 4] << 24 >>> 0) + (b[off + 5] << 16 | b[off + 6] << 8 | b[off + 7]);
      return hi * 0x100000000 + lo;
    }
    default: return NaN;
  }
}

/** Reads a big-endian IEEE float of 4 or 8 bytes; NaN for other sizes. */
export function readTlvFloat(b: Uint8Array, off: number, len: number): number {
  if (len === 4) return getFloat32(b, off);
  if (len === 8) return getFloat64(b, off);
  return NaN;
}

/** The TLV value length of a typed record, or -Code.NOT_ACCEPTABLE when TLV cannot carry it. */
function valueSize(rec: DataRecord): number {
  switch (rec.type) {
    case ValueType.Integer: case ValueType.Time:
      return Number.isInteger(rec.num) ? intSize(rec.num) : -Code.NOT_ACCEPTABLE;
    case ValueType.UnsignedInteger:
      return Number.isInteger(rec.num) && rec.num >= 0 ? uintSize(rec.num) : -Code.NOT_ACCEPTABLE;
    case ValueType.Float: { // 4 bytes when exact as a single (inline: no double passed as an argument)
      const v = rec.num; const f = floatScratch().f32;
      f[0] = v;
      return f[0] === v || v !== v ? 4 : 8;
    }
    case ValueType.Boolean: return 1;
    case ValueType.ObjLnk: return 4;
    case ValueType.String: case ValueType.Opaque: case ValueType.CoreLnk: return rec.len;
    case ValueType.Raw: return rec.rawFormat === ContentFormat.TLV || rec.rawFormat === ContentFormat.OPAQUE ? rec.len : -Code.NOT_ACCEPTABLE;
    default: return -Code.NOT_ACCEPTABLE;
  }
}

function writeValue(rec: DataRecord, out: Uint8Array, at: number, n: number): void {
  switch (rec.type) {
    case ValueType.Integer: case ValueType.Time: case ValueType.UnsignedInteger:
      writeIntBytes(out, at, rec.num, n); return;
    case ValueType.Float: {
      // through the scratch, not as an argument (V8 would box a non-integral double per call)
      const s = floatScratch();
      if (n === 4) { s.f32[0] = rec.num; putScratch32(out, at); } else { s.f64[0] = rec.num; putScratch64(out, at); }
      return;
    }
    case ValueType.Boolean: out[at] = rec.num !== 0 ? 1 : 0; return;
    case ValueType.ObjLnk:
      out[at] = rec.lnkO >> 8 & 255; out[at + 1] = rec.lnkO & 255;
      out[at + 2] = rec.lnkI >> 8 & 255; out[at + 3] = rec.lnkI & 255;
      return;
    default: {
      const src = rec.buf; const s = rec.off;
      for (let k = 0; k < n; k++) out[at + k] = src[s + k];
    }
  }
}

export class TlvEncoder implements PayloadEncoder {
  private out: Uint8Array = EMPTY_BYTES;
  private start = 0;
  private pos = 0;
  private end_ = 0;
  private depth = 0;
  private o = -1; private i = -1; private r = -1; private ri = -1;
  private err = 0;
  /** Open Object Instance container: its id (-1 none) and reserved header position. */
  private instId = -1;
  private instAt = 0;
  /** Open Multiple Resource container. */
  private resId = -1;
  private resAt = 0;

  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void {
    this.out = out; this.start = at; this.pos = at; this.end_ = at + cap;
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.depth = pathDepth(o, i, r, ri);
    // TLV cannot carry several objects: a Read on "/" in TLV is 4.06
    this.err = this.depth === 0 ? -Code.NOT_ACCEPTABLE : 0;
    this.instId = -1; this.resId = -1;
  }

  private closeContainer(at: number, kind: number, id: number): void {
    const len = this.pos - at - RESERVE;
    const h = tlvHeaderSize(id, len);
    writeTlvHeader(this.out, at, kind, id, len);
    if (h < RESERVE) {
      this.out.copyWithin(at + h, at + RESERVE, this.pos);
      this.pos -= RESERVE - h;
    }
  }

  private closeRes(): void {
    if (this.resId >= 0) { this.closeContainer(this.resAt, TlvKind.MULTIPLE_RESOURCE, this.resId); this.resId = -1; }
  }

  private closeInst(): void {
    this.closeRes();
    if (this.instId >= 0) { this.closeContainer(this.instAt, TlvKind.OBJECT_INSTANCE, this.instId); this.instId = -1; }
  }

  private fail(code: number): number { this.err = -code; return this.err; }

  add(rec: DataRecord): number {
    if (this.err !== 0) return this.err;
    const d = this.depth;
    const rd = rec.depth();
    // isUnder(rec, d, …) inlined with rec's depth computed once (XS pays per call: this runs per value).
    if (rd === 0 || rd < d || (d >= 1 && rec.o !== this.o) || (d >= 2 && rec.i !== this.i) ||
        (d >= 3 && rec.r !== this.r) || (d >= 4 && rec.ri !== this.ri)) return this.fail(Code.NOT_ACCEPTABLE);
    if (rd === 1) return rec.type === ValueType.None ? 0 : this.fail(Code.NOT_ACCEPTABLE);
    // Object Instance level (request on /o)
    if (d === 1 && rec.i !== this.instId) {
      this.closeInst();
      if (this.pos + RESERVE > this.end_) return this.fail(Code.REQUEST_ENTITY_TOO_LARGE);
      this.instAt = this.pos; this.instId = rec.i; this.pos += RESERVE;
    }
    if (rd < 3) {
      if (rec.type !== ValueType.None) return this.fail(Code.NOT_ACCEPTABLE);
      return 0; // an (empty) object instance
    }
    // Multiple Resource level (request on /o, /o/i or /o/i/r and a resource instance)
    if (d <= 3 && rd === 4) {
      if (this.resId !== rec.r) {
        this.closeRes();
        if (this.pos + RESERVE > this.end_) return this.fail(Code.REQUEST_ENTITY_TOO_LARGE);
        this.resAt = this.pos; this.resId = rec.r; this.pos += RESERVE;
      }
    } else if (rd === 3) {
      if (this.resId >= 0) this.closeRes(); // (tested here: a call per single resource otherwise)
      if (rec.type === ValueType.None) {
        // an empty multiple resource
        if (this.pos + 2 > this.end_) return this.fail(Code.REQUEST_ENTITY_TOO_LARGE);
        this.pos += writeTlvHeader(this.out, this.pos, TlvKind.MULTIPLE_RESOURCE, rec.r, 0);
        return 0;
      }
    }
    if (rec.type === ValueType.None) return 0;
    const n = valueSize(rec);
    if (n < 0) return this.fail(-n);
    const kind = rd === 4 ? TlvKind.RESOURCE_INSTANCE : TlvKind.RESOURCE;
    const id = rd === 4 ? rec.ri : rec.r;
    const h = tlvHeaderSize(id, n);
    if (n > 0xffffff || this.pos + h + n > this.end_) return this.fail(Code.REQUEST_ENTITY_TOO_LARGE);
    this.pos += writeTlvHeader(this.out, this.pos, kind, id, n);
    writeValue(rec, this.out, this.pos, n);
    this.pos += n;
    return 0;
  }

  end(): number {
    if (this.err !== 0) return this.err;
    this.closeInst();
    return this.pos - this.start;
  }
}

/** A parsed TLV header (wire view summary), reused. */
export class TlvHeader {
  kind = 0;
  id = 0;
  /** Value start and length. */
  valueOff = 0;
  valueLen = 0;
}

/** Parses the TLV header at buf[off], the element lying within buf[off … end). 0 or -1. */
export function parseTlvHeader(buf: Uint8Array, off: number, end: number, out: TlvHeader): number {
  if (off >= end) return -1;
  const t = buf[off];
  let p = off + 1;
  out.kind = t >> 6;
  if ((t & 0x20) !== 0) {
    if (p + 2 > end) return -1;
    out.id = buf[p] << 8 | buf[p + 1]; p += 2;
  } else {
    if (p + 1 > end) return -1;
    out.id = buf[p++];
  }
  const lt = t >> 3 & 3;
  let len: number;
  if (lt === 0) len = t & 7;
  else {
    if (p + lt > end) return -1;
    len = 0;
    for (let k = 0; k < lt; k++) len = len << 8 | buf[p++];
  }
  if (len > end - p) return -1;
  out.valueOff = p; out.valueLen = len;
  return 0;
}

export class TlvDecoder implements PayloadDecoder {
  private buf: Uint8Array = EMPTY_BYTES;
  private pos = 0;
  private end_ = 0;
  private o = -1; private i = -1; private r = -1; private ri = -1;
  private depth = 0;
  private instEnd = -1; // end of the open Object Instance TLV (-1 none)
  private instId = -1;
  private resEnd = -1;  // end of the open Multiple Resource TLV (-1 none)
  private resId = -1;
  private failed = false;
  private readonly h = new TlvHeader();

  begin(buf: Uint8Array, off: number, len: number, o: number, i: number, r: number, ri: number): number {
    this.buf = buf; this.pos = off; this.end_ = off + len;
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.depth = pathDepth(o, i, r, ri);
    this.instEnd = -1; this.resEnd = -1; this.instId = -1; this.resId = -1;
    this.failed = this.depth === 0;
    return this.failed ? -Code.BAD_REQUEST : 0;
  }

  private bad(): number { this.failed = true; return -Code.BAD_REQUEST; }

  next(rec: DataRecord): number {
    if (this.failed) return -Code.BAD_REQUEST;
    const h = this.h;
    for (;;) {
      if (this.resEnd >= 0 && this.pos === this.resEnd) { this.resEnd = -1; continue; }
      if (this.instEnd >= 0 && this.pos === this.instEnd) { this.instEnd = -1; continue; }
      if (this.pos === this.end_) return 0;
      const limit = this.resEnd >= 0 ? this.resEnd : this.instEnd >= 0 ? this.instEnd : this.end_;
      if (parseTlvHeader(this.buf, this.pos, limit, h) < 0) return this.bad();
      const d = this.depth;
      rec.o = this.o; rec.i = -1; rec.r = -1; rec.ri = -1;
      switch (h.kind) {
        case TlvKind.OBJECT_INSTANCE: {
          if (this.instEnd >= 0 || this.resEnd >= 0 || d >= 3) return this.bad();
          if (d === 2 && h.id !== this.i) return this.bad();
          this.instId = h.id; this.instEnd = h.valueOff + h.valueLen;
          this.pos = h.valueOff;
          if (h.valueLen === 0) { rec.i = h.id; setNone(rec); return 1; }
          continue;
        }
        case TlvKind.MULTIPLE_RESOURCE: {
          if (this.resEnd >= 0 || d === 4) return this.bad();
          if (d === 1 && this.instEnd < 0) return this.bad();
          if (d === 3 && h.id !== this.r) return this.bad();
          this.resId = h.id; this.resEnd = h.valueOff + h.valueLen;
          this.pos = h.valueOff;
          if (h.valueLen === 0) { rec.i = this.curI(); rec.r = h.id; setNone(rec); return 1; }
          continue;
        }
        case TlvKind.RESOURCE_INSTANCE: {
          if (this.resEnd >= 0) { rec.r = this.resId; }
          else if (d >= 3) { rec.r = this.r; if (d === 4 && h.id !== this.ri) return this.bad(); }
          else return this.bad();
          rec.i = this.curI(); rec.ri = h.id;
          break;
        }
        default: { // RESOURCE with value
          if (this.resEnd >= 0 || d === 4) return this.bad();
          if (d === 1 && this.instEnd < 0) return this.bad();
          if (d === 3 && h.id !== this.r) return this.bad();
          rec.i = this.curI(); rec.r = h.id;
          break;
        }
      }
      rec.type = ValueType.Raw; rec.rawFormat = ContentFormat.TLV;
      rec.buf = this.buf; rec.off = h.valueOff; rec.len = h.valueLen;
      rec.num = 0; rec.lnkO = 0; rec.lnkI = 0; rec.time = NaN;
      this.pos = h.valueOff + h.valueLen;
      return 1;
    }
  }

  private curI(): number { return this.instEnd >= 0 ? this.instId : this.i; }
}

function setNone(rec: DataRecord): void {
  rec.type = ValueType.None; rec.rawFormat = 0; rec.num = 0; rec.lnkO = 0; rec.lnkI = 0;
  rec.buf = EMPTY_BYTES; rec.len = 0; rec.off = 0; rec.time = NaN;
}
