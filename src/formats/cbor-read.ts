// The CBOR (RFC 8949) pull reader of cbor.ts, in a module of its own: it walks a caller buffer one
// data item head at a time (`head()`), exposing the major type and argument in fields, with
// `skip()` for whole items; byte/text strings are windows; half-, single- and double-precision
// floats are decoded; integers beyond 2^53 are read as the nearest double. Allocation-free after
// construction.
import { EMPTY_BYTES } from '../model/record.js';
import { getFloat32, getFloat64 } from './ieee754.js';

export const enum Major { UINT = 0, NEGINT = 1, BYTES = 2, TEXT = 3, ARRAY = 4, MAP = 5, TAG = 6, SIMPLE = 7 }

/** What `head()` found, beyond the major types (major 7 split up). */
export const enum CborKind {
  UINT = 0, NEGINT = 1, BYTES = 2, TEXT = 3, ARRAY = 4, MAP = 5, TAG = 6,
  FALSE = 7, TRUE = 8, NULL = 9, UNDEFINED = 10, FLOAT = 11, BREAK = 12, SIMPLE = 13,
}

/** Indefinite length marker in `CborReader.arg` for arrays and maps. */
export const INDEFINITE = -1;

const MAX_DEPTH = 16;

export class CborReader {
  buf: Uint8Array = EMPTY_BYTES;
  pos = 0;
  end = 0;
  /** From the last head(): its kind, its argument (count/length/value/tag; INDEFINITE for
   *  indefinite arrays and maps), and for FLOAT the value. */
  kind: CborKind = CborKind.UINT;
  arg = 0;
  value = 0;

  begin(buf: Uint8Array, off: number, len: number): void {
    this.buf = buf; this.pos = off; this.end = off + len;
  }

  atEnd(): boolean { return this.pos >= this.end; }

  /** Reads one head; for strings it also checks the content is in bounds (the content starts at
   *  pos; skip it by moving pos). The CborKind found, or -1 when malformed. */
  head(): number {
    const b = this.buf;
    if (this.pos >= this.end) return -1;
    const ib = b[this.pos++];
    const major = ib >> 5;
    const ai = ib & 31;
    let arg = 0;
    if (ai < 24) arg = ai;
    else if (ai === 24) { if (this.pos + 1 > this.end) return -1; arg = b[this.pos++]; }
    else if (ai === 25) { if (this.pos + 2 > this.end) return -1; arg = b[this.pos] << 8 | b[this.pos + 1]; this.pos += 2; }
    else if (ai === 26) {
      if (this.pos + 4 > this.end) return -1;
      arg = (b[this.pos] << 24 >>> 0) + (b[this.pos + 1] << 16 | b[this.pos + 2] << 8 | b[this.pos + 3]);
      this.pos += 4;
    } else if (ai === 27) {
      if (this.pos + 8 > this.end) return -1;
      const hi = (b[this.pos] << 24 >>> 0) + (b[this.pos + 1] << 16 | b[this.pos + 2] << 8 | b[this.pos + 3]);
      const lo = (b[this.pos + 4] << 24 >>> 0) + (b[this.pos + 5] << 16 | b[this.pos + 6] << 8 | b[this.pos + 7]);
      arg = hi * 0x100000000 + lo;
      this.pos += 8;
    } else if (ai === 31) {
      if (major === Major.ARRAY || major === Major.MAP) arg = INDEFINITE;
      else if (major === Major.SIMPLE) { this.kind = CborKind.BREAK; return this.kind; }
      else return -1; // indefinite strings are not supported
    } else return -1;
    this.arg = arg;
    switch (major) {
      case Major.UINT: this.kind = CborKind.UINT; this.value = arg; return this.kind;
      case Major.NEGINT: this.kind = CborKind.NEGINT; this.value = -1 - arg; return this.kind;
      case Major.BYTES: case Major.TEXT:
        if (arg > this.end - this.pos) return -1;
        this.kind = major === Major.BYTES ? CborKind.BYTES : CborKind.TEXT;
        return this.kind;
      case Major.ARRAY: this.kind = CborKind.ARRAY; return this.kind;
      case Major.MAP: this.kind = CborKind.MAP; return this.kind;
      case Major.TAG: this.kind = CborKind.TAG; return this.kind;
      default: break;
    }
    // major 7
    if (ai === 20) { this.kind = CborKind.FALSE; return this.kind; }
    if (ai === 21) { this.kind = CborKind.TRUE; return this.kind; }
    if (ai === 22) { this.kind = CborKind.NULL; return this.kind; }
    if (ai === 23) { this.kind = CborKind.UNDEFINED; return this.kind; }
    if (ai === 25) { this.kind = CborKind.FLOAT; this.value = halfToDouble(arg); return this.kind; }
    if (ai === 26) {
      this.kind = CborKind.FLOAT;
      this.value = getFloat32(b, this.pos - 4);
      return this.kind;
    }
    if (ai === 27) {
      this.kind = CborKind.FLOAT;
      this.value = getFloat64(b, this.pos - 8);
      return this.kind;
    }
    if (ai < 20 || ai === 24) { this.kind = CborKind.SIMPLE; return this.kind; }
    return -1;
  }

  /** Skips one whole data item (head included). 0 or -1 when malformed. */
  skip(): number { return this.skipItem(0); }

  private skipItem(depth: number): number {
    if (depth > MAX_DEPTH) return -1;
    if (this.head() < 0) return -1;
    return this.skipRest(depth);
  }

  /** After head(): skips the content of the item whose head was just read. */
  skipRest(depth: number): number {
    switch (this.kind) {
      case CborKind.BYTES: case CborKind.TEXT: this.pos += this.arg; return 0;
      case CborKind.ARRAY: case CborKind.MAP: {
        const mul = this.kind === CborKind.MAP ? 2 : 1;
        if (this.arg === INDEFINITE) {
          for (;;) {
            if (this.pos >= this.end) return -1;
            if (this.buf[this.pos] === 0xff) { this.pos++; return 0; }
            for (let k = 0; k < mul; k++) if (this.skipItem(depth + 1) < 0) return -1;
          }
        }
        const n = this.arg * mul;
        if (n > this.end - this.pos) return -1; // every item takes at least one byte
        for (let k = 0; k < n; k++) if (this.skipItem(depth + 1) < 0) return -1;
        return 0;
      }
      case CborKind.TAG: return this.skipItem(depth + 1);
      case CborKind.BREAK: return -1;
      default: return 0;
    }
  }
}

/** IEEE 754 half precision to double (RFC 8949 Appendix D). */
export function halfToDouble(h: number): number {
  const e = h >> 10 & 31;
  const m = h & 1023;
  let v: number;
  if (e === 0) v = m * 5.960464477539063e-8; // 2^-24
  else if (e !== 31) v = (m + 1024) * Math.pow(2, e - 25);
  else v = m === 0 ? Infinity : NaN;
  return (h & 0x8000) !== 0 ? -v : v;
}
