// A small CBOR (RFC 8949) writer and pull reader, allocation-free after construction.
// The writer appends to a caller buffer and latches an overflow flag instead of throwing; the
// reader walks a caller buffer one data item head at a time (`head()`), exposing the major type
// and argument in fields, with `skip()` for whole items. Byte/text strings are windows.
// Half-, single- and double-precision floats are decoded; floats are written in the shortest of
// half, single and double that holds the value exactly (RFC 8949 §4.2.2 preferred serialization;
// Wakaama's encoder does the same, Anjay's stops at single). Integers beyond 2^53 are read as the
// nearest double.

import { EMPTY_BYTES } from '../model/record.js';
import { floatScratch, halfBitsScratch, putScratch32, putScratch64 } from './ieee754.js';

// The reader is a module of its own (cbor-read.ts): a decoder loads no writer (Espruino loads each
// module on first use, and a bootstrap server's SenML CBOR needs only the reader).
export { CborReader, CborKind, halfToDouble, INDEFINITE, Major } from './cbor-read.js';
import { Major } from './cbor-read.js';

export class CborWriter {
  buf: Uint8Array = EMPTY_BYTES;
  pos = 0;
  end = 0;
  /** Set when anything did not fit; the rest of the writes are then dropped. */
  overflow = false;

  begin(out: Uint8Array, at: number, cap: number): void {
    this.buf = out; this.pos = at; this.end = at + cap; this.overflow = false;
  }

  private room(n: number): boolean {
    if (this.overflow || this.pos + n > this.end) { this.overflow = true; return false; }
    return true;
  }

  /** A head: major type and a non-negative argument (≤ 2^53). */
  head(major: number, arg: number): void {
    const m = major << 5;
    const b = this.buf;
    if (arg < 24) { if (this.room(1)) b[this.pos++] = m | arg; }
    else if (arg < 0x100) { if (this.room(2)) { b[this.pos++] = m | 24; b[this.pos++] = arg; } }
    else if (arg < 0x10000) { if (this.room(3)) { b[this.pos++] = m | 25; b[this.pos++] = arg >>> 8; b[this.pos++] = arg & 255; } }
    else if (arg < 0x100000000) {
      if (this.room(5)) {
        b[this.pos++] = m | 26;
        b[this.pos++] = arg >>> 24; b[this.pos++] = arg >>> 16 & 255; b[this.pos++] = arg >>> 8 & 255; b[this.pos++] = arg & 255;
      }
    } else if (this.room(9)) {
      const hi = Math.floor(arg / 0x100000000);
      const lo = arg - hi * 0x100000000;
      b[this.pos++] = m | 27;
      b[this.pos++] = hi >>> 24; b[this.pos++] = hi >>> 16 & 255; b[this.pos++] = hi >>> 8 & 255; b[this.pos++] = hi & 255;
      b[this.pos++] = lo >>> 24; b[this.pos++] = lo >>> 16 & 255; b[this.pos++] = lo >>> 8 & 255; b[this.pos++] = lo & 255;
    }
  }

  /** An integer (|v| ≤ 2^53). */
  int(v: number): void {
    if (v >= 0) this.head(Major.UINT, v); else this.head(Major.NEGINT, -1 - v);
  }

  /** A number whose type is not known: an integer when integral and exact, else a float. A value
   *  of a typed resource goes through int() or float() by its type instead: a strict decoder
   *  (Leshan's SenML CBOR) refuses an integer for a Float resource. */
  number(v: number): void {
    if (Number.isInteger(v) && v <= 9007199254740992 && v >= -9007199254740992 && !(v === 0 && 1 / v < 0)) this.int(v);
    else this.float(v);
  }

  /** A float (major type 7) even when v is integral: half, single or double, the shortest that is
   *  exact (22 → f9 4d80). */
  float(v: number): void {
    floatScratch().f64[0] = v;
    this.floatScratch();
  }

  /** float() of floatScratch().f64[0]: the allocation-free form for hot paths (a double passed as
   *  an argument is boxed by V8 unless the call is inlined). */
  floatScratch(): void {
    const h = halfBitsScratch();
    const b = this.buf;
    if (h >= 0) {
      if (!this.room(3)) return;
      b[this.pos++] = 0xf9; b[this.pos++] = h >>> 8; b[this.pos++] = h & 255;
    } else if (h === -1) {
      if (!this.room(5)) return;
      b[this.pos++] = 0xfa;
      putScratch32(b, this.pos);
      this.pos += 4;
    } else {
      if (!this.room(9)) return;
      b[this.pos++] = 0xfb;
      putScratch64(b, this.pos);
      this.pos += 8;
    }
  }

  bool(v: boolean): void { if (this.room(1)) this.buf[this.pos++] = v ? 0xf5 : 0xf4; }
  nil(): void { if (this.room(1)) this.buf[this.pos++] = 0xf6; }

  /** A byte (major 2) or text (major 3) string copied from src[off … off+len). */
  str(major: number, src: Uint8Array, off: number, len: number): void {
    this.head(major, len);
    if (!this.room(len)) return;
    const b = this.buf;
    for (let k = 0; k < len; k++) b[this.pos + k] = src[off + k];
    this.pos += len;
  }

  /** Raw bytes (already encoded). */
  raw(src: Uint8Array, off: number, len: number): void {
    if (!this.room(len)) return;
    const b = this.buf;
    for (let k = 0; k < len; k++) b[this.pos + k] = src[off + k];
    this.pos += len;
  }

  /** Reserves a 3-byte array/map head whose count is patched by `close()`; returns its position. */
  open(): number {
    const at = this.pos;
    if (this.room(3)) this.pos += 3;
    return at;
  }

  /** Writes the head of a container opened at `at` with `count` items, shrinking the reserved
   *  3 bytes to the head's real size (the content moves down; no allocation). */
  close(at: number, major: number, count: number): void {
    if (this.overflow) return;
    const b = this.buf;
    const h = count < 24 ? 1 : count < 256 ? 2 : 3;
    if (count > 0xffff) { this.overflow = true; return; }
    const m = major << 5;
    if (h === 1) b[at] = m | count;
    else if (h === 2) { b[at] = m | 24; b[at + 1] = count; }
    else { b[at] = m | 25; b[at + 1] = count >>> 8; b[at + 2] = count & 255; }
    if (h < 3) {
      b.copyWithin(at + h, at + 3, this.pos);
      this.pos -= 3 - h;
    }
  }
}
