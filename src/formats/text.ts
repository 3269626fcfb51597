// text/plain (Content-Format 0; LwM2M TS Core §7.4.1): one resource (instance) value as text.
// Integers in decimal, floats in the shortest decimal that reads back exactly, booleans "0"/"1",
// object links "o:i", opaque values base64 (§7.4.1 note), strings and core links as they are.
// The decoder does not know the resource's type: it yields ValueType.Raw with rawFormat TEXT,
// and coerceRecord() in coerce.ts converts it.
import { Code } from '../coap/codes.js';
import { ContentFormat } from '../formats/content-format.js';
import { DataRecord, ValueType, EMPTY_BYTES } from '../model/record.js';
import type { PayloadEncoder } from './codec.js';
import { isUnder, pathDepth, SingleValueDecoder } from './codec.js';
import { writeDoubleScratch, writeInt } from './numfmt.js';
import { floatScratch } from './ieee754.js';
import { base64Encode } from './base64.js';

/** Writes one value as text into out[at … at+cap); the byte count, -Code.NOT_ACCEPTABLE when the
 *  value has no text form here, or -Code.REQUEST_ENTITY_TOO_LARGE. Shared with SenML/link users. */
export function writeTextValue(rec: DataRecord, out: Uint8Array, at: number, cap: number): number {
  let n: number;
  switch (rec.type) {
    case ValueType.String: case ValueType.CoreLnk:
      if (rec.len > cap) return -Code.REQUEST_ENTITY_TOO_LARGE;
      for (let k = 0; k < rec.len; k++) out[at + k] = rec.buf[rec.off + k];
      return rec.len;
    case ValueType.Raw:
      if (rec.rawFormat !== ContentFormat.TEXT) return -Code.NOT_ACCEPTABLE;
      if (rec.len > cap) return -Code.REQUEST_ENTITY_TOO_LARGE;
      for (let k = 0; k < rec.len; k++) out[at + k] = rec.buf[rec.off + k];
      return rec.len;
    case ValueType.Integer: case ValueType.UnsignedInteger: case ValueType.Time:
      if (!Number.isInteger(rec.num)) return -Code.NOT_ACCEPTABLE;
      n = writeInt(out, at, cap, rec.num);
      break;
    case ValueType.Float:
      if (rec.num !== rec.num || rec.num === Infinity || rec.num === -Infinity) return -Code.NOT_ACCEPTABLE;
      floatScratch().f64[0] = rec.num;
      n = writeDoubleScratch(out, at, cap);
      break;
    case ValueType.Boolean:
      if (cap < 1) return -Code.REQUEST_ENTITY_TOO_LARGE;
      out[at] = rec.num !== 0 ? 0x31 : 0x30;
      return 1;
    case ValueType.ObjLnk: {
      n = writeInt(out, at, cap, rec.lnkO);
      if (n < 0 || n >= cap) return -Code.REQUEST_ENTITY_TOO_LARGE;
      out[at + n] = 0x3a;
      const m = writeInt(out, at + n + 1, cap - n - 1, rec.lnkI);
      if (m < 0) return -Code.REQUEST_ENTITY_TOO_LARGE;
      return n + 1 + m;
    }
    case ValueType.Opaque:
      n = base64Encode(rec.buf, rec.off, rec.len, out, at, cap, false, true);
      break;
    default:
      return -Code.NOT_ACCEPTABLE;
  }
  return n < 0 ? -Code.REQUEST_ENTITY_TOO_LARGE : n;
}

export class PlainTextEncoder implements PayloadEncoder {
  private out: Uint8Array = EMPTY_BYTES;
  private at = 0;
  private cap = 0;
  private len = 0;
  private depth = 0;
  private o = -1; private i = -1; private r = -1; private ri = -1;
  private count = 0;
  private err = 0;

  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void {
    this.out = out; this.at = at; this.cap = cap; this.len = 0;
    this.depth = pathDepth(o, i, r, ri);
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.count = 0;
    this.err = this.depth < 3 ? -Code.NOT_ACCEPTABLE : 0;
  }

  add(rec: DataRecord): number {
    if (this.err !== 0) return this.err;
    // one value only, and only at the request's own depth (a multiple resource read as text → 4.06)
    if (this.count !== 0 || rec.depth() !== this.depth || !isUnder(rec, this.depth, this.o, this.i, this.r, this.ri)) { this.err = -Code.NOT_ACCEPTABLE; return this.err; }
    const n = writeTextValue(rec, this.out, this.at, this.cap);
    if (n < 0) { this.err = n; return n; }
    this.count = 1;
    this.len = n;
    return 0;
  }

  end(): number {
    return this.err !== 0 ? this.err : this.len;
  }
}

export class PlainTextDecoder extends SingleValueDecoder {
  constructor() { super(ValueType.Raw, ContentFormat.TEXT); }
}
