// The two interfaces every LwM2M payload codec implements (text, opaque, TLV, SenML JSON/CBOR,
// LwM2M CBOR). Codecs are preallocated singletons (see registry.ts) that write into and read from
// caller buffers; values travel in the caller's reused DataRecord.
// Decoders never copy: values are windows into the payload buffer. Two places rewrite that buffer
// in place, always within the value's own bytes (the decoded form is never longer): SenML JSON
// unescapes "\u…" strings and base64-decodes `vd`, and coerceRecord() base64-decodes a text/plain
// Opaque value. So decode from a buffer you own until the request is handled.
import { Code } from '../coap/codes.js';
import { EMPTY_BYTES, type DataRecord, type ValueType } from '../model/record.js';

export interface PayloadEncoder {
  /** Start a payload in out[at … at+cap) for a request whose URI path is o/i/r/ri (-1 = absent). */
  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void;
  /** Append one value; records come in path order (sorted by o, i, r, ri). 0 or a negative error:
   *  -Code.REQUEST_ENTITY_TOO_LARGE when out of space, -Code.NOT_ACCEPTABLE when this format cannot carry it. */
  add(rec: DataRecord): number;
  /** Finish; the payload length, or a negative error. */
  end(): number;
}

export interface PayloadDecoder {
  /** Start decoding buf[off … off+len) for the URI path o/i/r/ri. 0 or a negative error. */
  begin(buf: Uint8Array, off: number, len: number, o: number, i: number, r: number, ri: number): number;
  /** The next value into rec (full absolute path filled in): 1 when one was produced, 0 at the end,
   *  -Code.BAD_REQUEST when malformed. String/opaque values are windows into buf (no copy). */
  next(rec: DataRecord): number;
}

/** Depth of a path given as numbers: 0 for "/", 1 for /o … 4 for /o/i/r/ri. */
export function pathDepth(o: number, i: number, r: number, ri: number): number {
  return o < 0 ? 0 : i < 0 ? 1 : r < 0 ? 2 : ri < 0 ? 3 : 4;
}

/** Whether the record's path lies under (or at) the path o/i/r/ri of depth d. */
export function isUnder(rec: DataRecord, d: number, o: number, i: number, r: number, ri: number): boolean {
  if (d >= 1 && rec.o !== o) return false;
  if (d >= 2 && rec.i !== i) return false;
  if (d >= 3 && rec.r !== r) return false;
  if (d >= 4 && rec.ri !== ri) return false;
  return rec.depth() >= d;
}

/** A decoder for a body that is one value of the resource named by the path (text/plain, opaque):
 *  the whole body as one record of the given type, no copy. */
export class SingleValueDecoder implements PayloadDecoder {
  private buf: Uint8Array = EMPTY_BYTES;
  private off = 0;
  private len = 0;
  private o = -1; private i = -1; private r = -1; private ri = -1;
  private done = true;

  /** @param rawFormat for ValueType.Raw, the Content-Format the bytes are in (coerceRecord converts). */
  constructor(private readonly type: ValueType, private readonly rawFormat: number) {}

  begin(buf: Uint8Array, off: number, len: number, o: number, i: number, r: number, ri: number): number {
    this.buf = buf; this.off = off; this.len = len;
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.done = false;
    if (pathDepth(o, i, r, ri) < 3) { this.done = true; return -Code.BAD_REQUEST; }
    return 0;
  }

  next(rec: DataRecord): number {
    if (this.done) return 0;
    this.done = true;
    rec.o = this.o; rec.i = this.i; rec.r = this.r; rec.ri = this.ri;
    rec.type = this.type; rec.rawFormat = this.rawFormat;
    rec.buf = this.buf; rec.off = this.off; rec.len = this.len;
    rec.num = 0; rec.lnkO = 0; rec.lnkI = 0; rec.time = NaN;
    return 1;
  }
}
