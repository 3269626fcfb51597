// A JSON (RFC 8259) tokenizer and writer on bytes, allocation-free: no JSON.parse/stringify.
// The reader yields one token per `next()`; strings are windows into the buffer (`sOff`, `sLen`)
// and `unescape()` rewrites an escaped string in place (its decoded form is never longer), so
// callers get plain UTF-8 windows without copies. Numbers are read by numfmt.readNumber.
import { EMPTY_BYTES } from '../model/record.js';
import { readNumber, numInfo, writeDouble, writeDoubleScratch } from './numfmt.js';

export const enum Tok {
  ERROR = -1, END = 0, BEGIN_ARRAY = 1, END_ARRAY = 2, BEGIN_OBJECT = 3, END_OBJECT = 4,
  COLON = 5, COMMA = 6, STRING = 7, NUMBER = 8, TRUE = 9, FALSE = 10, NULL = 11,
}

const enum C {
  QUOTE = 0x22, BACKSLASH = 0x5c, SLASH = 0x2f, COMMA = 0x2c, COLON = 0x3a,
  LBRACKET = 0x5b, RBRACKET = 0x5d, LBRACE = 0x7b, RBRACE = 0x7d,
}

export class JsonReader {
  buf: Uint8Array = EMPTY_BYTES;
  pos = 0;
  end = 0;
  /** STRING: the raw content window (between the quotes) and whether it holds escapes. */
  sOff = 0;
  sLen = 0;
  sEscaped = false;
  /** NUMBER: its value, and whether it was written as an integer. */
  num = 0;
  integral = false;

  begin(buf: Uint8Array, off: number, len: number): void {
    this.buf = buf; this.pos = off; this.end = off + len;
  }

  next(): Tok {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    while (p < end) { // whitespace; any byte above ' ' (every token's first) ends it in one test
      const w = b[p];
      if (w > 0x20 || (w !== 0x20 && w !== 0x0a && w !== 0x0d && w !== 0x09)) break;
      p++;
    }
    if (p >= end) { this.pos = p; return Tok.END; }
    const c = b[p];
    this.pos = p + 1;
    switch (c) {
      case C.LBRACKET: return Tok.BEGIN_ARRAY;
      case C.RBRACKET: return Tok.END_ARRAY;
      case C.LBRACE: return Tok.BEGIN_OBJECT;
      case C.RBRACE: return Tok.END_OBJECT;
      case C.COLON: return Tok.COLON;
      case C.COMMA: return Tok.COMMA;
      case C.QUOTE: {
        let q = p + 1;
        let esc = false;
        for (;;) {
          if (q >= end) return Tok.ERROR;
          const d = b[q];
          if (d === C.QUOTE) break;
          if (d < 0x20) return Tok.ERROR;
          if (d === C.BACKSLASH) { esc = true; q += 2; continue; }
          q++;
        }
        this.sOff = p + 1; this.sLen = q - p - 1; this.sEscaped = esc;
        this.pos = q + 1;
        return Tok.STRING;
      }
      case 0x74: return this.word(p, 0x74, 0x72, 0x75, 0x65, 4) ? Tok.TRUE : Tok.ERROR; // true
      case 0x66: return this.word5(p) ? Tok.FALSE : Tok.ERROR; // false
      case 0x6e: return this.word(p, 0x6e, 0x75, 0x6c, 0x6c, 4) ? Tok.NULL : Tok.ERROR; // null
      default: return this.number(p, c);
    }
  }

  /** A number token starting at p with byte c (out of next(): a smaller next() is inlined). */
  private number(p: number, c: number): Tok {
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) return Tok.ERROR;
    const b = this.buf;
    const end = this.end;
    let q = p + 1;
    while (q < end) {
      const d = b[q];
      if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) q++;
      else break;
    }
    const v = readNumber(b, p, q - p);
    if (v !== v) return Tok.ERROR;
    this.num = v; this.integral = numInfo.integral;
    this.pos = q;
    return Tok.NUMBER;
  }

  private word(p: number, a: number, b1: number, c: number, d: number, n: number): boolean {
    const b = this.buf;
    if (p + n > this.end) return false;
    if (b[p] !== a || b[p + 1] !== b1 || b[p + 2] !== c || b[p + 3] !== d) return false;
    this.pos = p + n;
    return true;
  }

  private word5(p: number): boolean {
    const b = this.buf;
    if (p + 5 > this.end) return false;
    if (b[p + 1] !== 0x61 || b[p + 2] !== 0x6c || b[p + 3] !== 0x73 || b[p + 4] !== 0x65) return false;
    this.pos = p + 5;
    return true;
  }

  /** Decodes the escapes of the last STRING in place; its new length (sLen updated) or -1. */
  unescape(): number {
    if (!this.sEscaped) return this.sLen;
    const b = this.buf;
    let r = this.sOff;
    let w = this.sOff;
    const end = this.sOff + this.sLen;
    while (r < end) {
      const c = b[r++];
      if (c !== C.BACKSLASH) { b[w++] = c; continue; }
      if (r >= end) return -1;
      const e = b[r++];
      switch (e) {
        case 0x22: b[w++] = 0x22; break;
        case 0x5c: b[w++] = 0x5c; break;
        case 0x2f: b[w++] = 0x2f; break;
        case 0x62: b[w++] = 0x08; break;
        case 0x66: b[w++] = 0x0c; break;
        case 0x6e: b[w++] = 0x0a; break;
        case 0x72: b[w++] = 0x0d; break;
        case 0x74: b[w++] = 0x09; break;
        case 0x75: {
          let cp = hex4(b, r, end);
          if (cp < 0) return -1;
          r += 4;
          if (cp >= 0xd800 && cp <= 0xdbff) {
            // surrogate pair
            if (r + 6 > end || b[r] !== C.BACKSLASH || b[r + 1] !== 0x75) return -1;
            const lo = hex4(b, r + 2, end);
            if (lo < 0xdc00 || lo > 0xdfff) return -1;
            r += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp <= 0xdfff) return -1;
          // UTF-8; never longer than the 6 (or 12) escape bytes it replaces
          if (cp < 0x80) b[w++] = cp;
          else if (cp < 0x800) { b[w++] = 0xc0 | cp >> 6; b[w++] = 0x80 | cp & 63; }
          else if (cp < 0x10000) { b[w++] = 0xe0 | cp >> 12; b[w++] = 0x80 | cp >> 6 & 63; b[w++] = 0x80 | cp & 63; }
          else { b[w++] = 0xf0 | cp >> 18; b[w++] = 0x80 | cp >> 12 & 63; b[w++] = 0x80 | cp >> 6 & 63; b[w++] = 0x80 | cp & 63; }
          break;
        }
        default: return -1;
      }
    }
    this.sLen = w - this.sOff;
    this.sEscaped = false;
    return this.sLen;
  }
}

function hex4(b: Uint8Array, p: number, end: number): number {
  if (p + 4 > end) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = b[p + k];
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = v << 4 | d;
  }
  return v;
}

const HEX = new Uint8Array([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);

/** Appends JSON text to a caller buffer; latches `overflow` instead of throwing. */
export class JsonWriter {
  buf: Uint8Array = EMPTY_BYTES;
  pos = 0;
  end = 0;
  overflow = false;

  begin(out: Uint8Array, at: number, cap: number): void {
    this.buf = out; this.pos = at; this.end = at + cap; this.overflow = false;
  }

  byte(c: number): void {
    if (this.overflow || this.pos >= this.end) { this.overflow = true; return; }
    this.buf[this.pos++] = c;
  }

  /** Raw bytes (e.g. a preallocated `"bn":` key). */
  raw(src: Uint8Array, off: number, len: number): void {
    if (this.overflow || this.pos + len > this.end) { this.overflow = true; return; }
    for (let k = 0; k < len; k++) this.buf[this.pos + k] = src[off + k];
    this.pos += len;
  }

  /** A quoted, escaped string from UTF-8 bytes. */
  string(src: Uint8Array, off: number, len: number): void {
    const b = this.buf;
    let p = this.pos;
    if (!this.overflow && p + len + 2 <= this.end) {
      // the usual string needs no escape: copied as it is until a byte that does
      b[p++] = C.QUOTE;
      for (let k = 0; k < len; k++) {
        const c = src[off + k];
        if (c === C.QUOTE || c === C.BACKSLASH || c < 0x20) { this.pos = p; this.escaped(src, off + k, len - k); return; }
        b[p++] = c;
      }
      b[p++] = C.QUOTE;
      this.pos = p;
      return;
    }
    this.byte(C.QUOTE);
    this.escaped(src, off, len);
  }

  /** The rest of a string from src[off … off+len), escaped, and its closing quote. */
  private escaped(src: Uint8Array, off: number, len: number): void {
    for (let k = 0; k < len; k++) {
      const c = src[off + k];
      if (c === C.QUOTE || c === C.BACKSLASH) { this.byte(C.BACKSLASH); this.byte(c); }
      else if (c < 0x20) {
        this.byte(C.BACKSLASH); this.byte(0x75); this.byte(0x30); this.byte(0x30);
        this.byte(HEX[c >> 4]); this.byte(HEX[c & 15]);
      } else this.byte(c);
    }
    this.byte(C.QUOTE);
  }

  number(v: number): void {
    if (this.overflow) return;
    const n = writeDouble(this.buf, this.pos, this.end - this.pos, v);
    if (n < 0) { this.overflow = true; return; }
    this.pos += n;
  }

  /** number() of floatScratch().f64[0] (hot paths: no double passed as an argument, which V8 boxes). */
  numberScratch(): void {
    if (this.overflow) return;
    const n = writeDoubleScratch(this.buf, this.pos, this.end - this.pos);
    if (n < 0) { this.overflow = true; return; }
    this.pos += n;
  }
}
