// Decimal numbers on bytes, without strings: the text forms used by text/plain (LwM2M TS Core
// §7.4.1), SenML JSON (RFC 8428 §5 / RFC 8259 §6) and the link format's attribute values.
//
// Integers are exact up to 2^53. Doubles are written in the shortest form that reads back to the
// same double, found by trying 1…17 significant digits and checking each candidate with an exact
// read-back (Clinger's fast path: a mantissa below 2^53 times or divided by an exact power of ten
// up to 10^22 is correctly rounded). A double that has no such short candidate — more than 15
// significant digits, or an exponent beyond ±22 — falls back to `Number.prototype.toString`,
// which allocates one short string; that is the one documented allocation in this module, and
// values that need it are rare in device data (sensor readings have few digits).
// Reading: the fast path is exact; a longer mantissa or a large exponent is read by the same
// fallback (`Number(string)`) so that every accepted number is correctly rounded.

import { floatScratch } from './ieee754.js';

/** 10^0 … 10^22, exact doubles: filled while the module loads, read-only afterwards (preloadable). */
const POW10 = new Float64Array(23);
{
  let p = 1;
  for (let k = 0; k < 23; k++) { POW10[k] = p; p *= 10; }
}
const TWO53 = 9007199254740992;

const enum Ch { PLUS = 0x2b, MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30, NINE = 0x39, E = 0x65, E_UP = 0x45 }

/** Number of decimal digits of a non-negative integer below 2^53. */
function digitCount(v: number): number {
  let n = 1;
  while (v >= 10 && n < 17) { v = Math.floor(v / 10); n++; }
  // v might be off for exact powers beyond 10^16: Math.floor keeps integers exact below 2^53.
  return n;
}

/** Writes the integer v (|v| ≤ 2^53, integral) in decimal; the byte count, or -1 when it does not fit. */
export function writeInt(out: Uint8Array, at: number, cap: number, v: number): number {
  let p = at;
  if (v < 0) {
    if (cap < 2) return -1;
    out[p++] = Ch.MINUS; v = -v; cap--;
  }
  if (v <= 0x7fffffff) {
    // the common case (ids, counts, sensor integers): small-integer arithmetic, no division of doubles
    let x = v | 0;
    const n = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1000000 ? 6
      : x < 10000000 ? 7 : x < 100000000 ? 8 : x < 1000000000 ? 9 : 10;
    if (n > cap) return -1;
    for (let q = p + n - 1; q >= p; q--) {
      const y = (x / 10) | 0;
      out[q] = Ch.ZERO + x - y * 10;
      x = y;
    }
    return p + n - at;
  }
  const n = digitCount(v);
  if (n > cap) return -1;
  let q = p + n - 1;
  for (let k = 0; k < n; k++) {
    const d = v % 10;
    out[q--] = Ch.ZERO + d;
    v = (v - d) / 10;
  }
  return p + n - at;
}

/** Writes a non-negative integer mantissa m (< 2^53, no trailing zeros) scaled as m × 10^k in the
 *  notation ECMAScript's Number::toString picks (plain when the point position is within
 *  -6 < n ≤ 21, else d.ddde±x). Returns the byte count or -1 when it does not fit. */
function writeScaled(out: Uint8Array, at: number, cap: number, m: number, k: number): number {
  const nd = digitCount(m);
  const n = nd + k; // position of the decimal point relative to the first digit
  if (n > 21 || n <= -6) {
    // exponent form
    const e = n - 1;
    const need = nd + (nd > 1 ? 1 : 0) + 2 + digitCount(e < 0 ? -e : e);
    if (need > cap) return -1;
    writeInt(out, at + 1, nd, m);
    out[at] = out[at + 1];
    let p = at + 1;
    if (nd > 1) { out[p] = Ch.DOT; p = at + nd + 1; } else p = at + 1;
    out[p++] = Ch.E;
    out[p++] = e < 0 ? Ch.MINUS : Ch.PLUS;
    p += writeInt(out, p, cap - (p - at), e < 0 ? -e : e);
    return p - at;
  }
  if (k >= 0) {
    if (nd + k > cap) return -1;
    writeInt(out, at, nd, m);
    for (let j = 0; j < k; j++) out[at + nd + j] = Ch.ZERO;
    return nd + k;
  }
  if (n > 0) {
    // digits with the point inside: intPart.fracPart
    if (nd + 1 > cap) return -1;
    writeInt(out, at, nd, m);
    for (let j = at + nd; j > at + n; j--) out[j] = out[j - 1];
    out[at + n] = Ch.DOT;
    return nd + 1;
  }
  // 0.000ddd
  const zeros = -n;
  const total = 2 + zeros + nd;
  if (total > cap) return -1;
  out[at] = Ch.ZERO; out[at + 1] = Ch.DOT;
  for (let j = 0; j < zeros; j++) out[at + 2 + j] = Ch.ZERO;
  writeInt(out, at + 2 + zeros, nd, m);
  return total;
}

/** Writes a finite double in the shortest decimal form that reads back as the same double.
 *  Returns the byte count, or -1 when it does not fit or the value is not finite. */
export function writeDouble(out: Uint8Array, at: number, cap: number, v: number): number {
  floatScratch().f64[0] = v;
  return writeDoubleScratch(out, at, cap);
}

/** writeDouble of floatScratch().f64[0]: V8 boxes a non-integral double passed as an argument to a
 *  function it does not inline (a HeapNumber per call); hot paths pass it there instead. */
export function writeDoubleScratch(out: Uint8Array, at: number, cap: number): number {
  const v = floatScratch().f64[0];
  if (v !== v || v === Infinity || v === -Infinity) return -1;
  if (Number.isInteger(v) && v <= TWO53 && v >= -TWO53) return writeInt(out, at, cap, v);
  let p = at;
  let c = cap;
  let a = v;
  if (a < 0) {
    if (c < 2) return -1;
    out[p++] = Ch.MINUS; c--; a = -a;
  }
  // e = floor(log10(a)), corrected below
  let e = Math.floor(Math.log10(a));
  let bumped = false;
  for (let prec = 1; prec <= 17; prec++) {
    const k = e - prec + 1; // a ≈ m × 10^k
    let m: number;
    if (k >= 0) {
      if (k > 22) break;
      m = Math.round(a / POW10[k]);
    } else {
      if (-k > 22) break;
      m = Math.round(a * POW10[-k]);
    }
    if (m >= TWO53) break;
    // read back exactly (fast path)
    const back = k >= 0 ? m * POW10[k] : m / POW10[-k];
    if (back === a) {
      // strip trailing zeros of m
      let mm = m; let kk = k;
      while (mm !== 0 && mm % 10 === 0) { mm = mm / 10; kk++; }
      const n = writeScaled(out, p, c, mm, kk);
      return n < 0 ? -1 : p + n - at;
    }
    if (prec === 1 && m >= 10 && !bumped) { e++; prec = 0; bumped = true; } // log10 rounding put e one low
  }
  // Fallback (documented allocation): the engine's shortest round-trip string.
  numStats.writeFallbacks++;
  const s = String(v);
  if (s.length > cap) return -1;
  for (let j = 0; j < s.length; j++) out[at + j] = s.charCodeAt(j);
  return s.length;
}

/** Result slot of the readers below: whether the last number read was written as an integer
 *  (no fraction, no exponent). Reused, never reallocated. */
export const numInfo = { integral: false };

/** How often the allocating fallbacks ran (for tests and the benchmark's allocation checks). */
export const numStats = { writeFallbacks: 0, readFallbacks: 0 };

/** Reads a JSON-grammar number (RFC 8259 §6: -?int frac? exp?) from buf[off … off+len) exactly
 *  filling that window; NaN when malformed. `numInfo.integral` says whether it had no fraction or
 *  exponent. Leading '+' and leading zeros are rejected (JSON). */
export function readNumber(buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let p = off;
  let neg = false;
  if (p < end && buf[p] === Ch.MINUS) { neg = true; p++; }
  if (p >= end) return NaN;
  let m = 0;
  let digits = 0;
  let exact = true;
  let dropExp = 0;
  let c = buf[p];
  if (c === Ch.ZERO) {
    p++;
  } else if (c > Ch.ZERO && c <= Ch.NINE) {
    while (p < end && (c = buf[p]) >= Ch.ZERO && c <= Ch.NINE) {
      if (digits < 19) { m = m * 10 + (c - Ch.ZERO); digits++; if (m > TWO53) exact = false; }
      else { dropExp++; exact = false; }
      p++;
    }
  } else return NaN;
  let integral = true;
  let fracExp = 0;
  if (p < end && buf[p] === Ch.DOT) {
    integral = false;
    p++;
    const s = p;
    while (p < end && (c = buf[p]) >= Ch.ZERO && c <= Ch.NINE) {
      if (m === 0 && c === Ch.ZERO) fracExp--;
      else if (digits < 19) { m = m * 10 + (c - Ch.ZERO); digits++; fracExp--; if (m > TWO53) exact = false; }
      else exact = false;
      p++;
    }
    if (p === s) return NaN;
  }
  let exp = 0;
  if (p < end && (buf[p] === Ch.E || buf[p] === Ch.E_UP)) {
    integral = false;
    p++;
    let eneg = false;
    if (p < end && (buf[p] === Ch.PLUS || buf[p] === Ch.MINUS)) { eneg = buf[p] === Ch.MINUS; p++; }
    const s = p;
    while (p < end && (c = buf[p]) >= Ch.ZERO && c <= Ch.NINE) {
      if (exp < 100000) exp = exp * 10 + (c - Ch.ZERO);
      p++;
    }
    if (p === s) return NaN;
    if (eneg) exp = -exp;
  }
  if (p !== end) return NaN;
  numInfo.integral = integral;
  const k = exp + fracExp + dropExp;
  let v: number;
  if (m === 0) v = 0;
  else if (exact && k >= 0 && k <= 22) v = m * POW10[k];
  else if (exact && k < 0 && k >= -22) v = m / POW10[-k];
  else v = slowRead(buf, off, len);
  return neg ? -v : v;
}

/** Fallback reader (documented allocation): builds the text and lets the engine round it. */
function slowRead(buf: Uint8Array, off: number, len: number): number {
  numStats.readFallbacks++;
  let s = '';
  for (let j = 0; j < len; j++) s += String.fromCharCode(buf[off + j]);
  const v = Number(s);
  return v < 0 ? -v : v;
}

/** Reads an optionally signed decimal integer filling buf[off … off+len); NaN when malformed or
 *  beyond ±2^53. A leading '+' is accepted, as are leading zeros (text/plain bodies). */
export function readInt(buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let p = off;
  let neg = false;
  if (p < end && (buf[p] === Ch.MINUS || buf[p] === Ch.PLUS)) { neg = buf[p] === Ch.MINUS; p++; }
  if (p >= end) return NaN;
  let v = 0;
  while (p < end) {
    const c = buf[p++];
    if (c < Ch.ZERO || c > Ch.NINE) return NaN;
    v = v * 10 + (c - Ch.ZERO);
    if (v > TWO53) return NaN;
  }
  return neg ? -v : v;
}

/** Reads a decimal number (text/plain Float, link attribute): like readNumber, but also accepts a
 *  leading '+', leading zeros and a bare leading/trailing point ("5.", ".5"). NaN when malformed. */
export function readDecimal(buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let p = off;
  let neg = false;
  if (p < end && (buf[p] === Ch.MINUS || buf[p] === Ch.PLUS)) { neg = buf[p] === Ch.MINUS; p++; }
  let m = 0; let digits = 0; let exact = true; let k = 0; let any = false;
  let c = 0;
  while (p < end && (c = buf[p]) >= Ch.ZERO && c <= Ch.NINE) {
    any = true;
    if (m === 0 && c === Ch.ZERO) { p++; continue; }
    if (digits < 19) { m = m * 10 + (c - Ch.ZERO); digits++; if (m > TWO53) exact = false; }
    else { k++; exact = false; }
    p++;
  }
  if (p < end && buf[p] === Ch.DOT) {
    p++;
    while (p < end && (c = buf[p]) >= Ch.ZERO && c <= Ch.NINE) {
      any = true;
      if (digits < 19) { m = m * 10 + (c - Ch.ZERO); if (m !== 0) digits++; k--; if (m > TWO53) exact = false; }
      else exact = false;
      p++;
    }
  }
  if (!any) return NaN;
  if (p < end && (buf[p] === Ch.E || buf[p] === Ch.E_UP)) {
    p++;
    let eneg = false;
    if (p < end && (buf[p] === Ch.PLUS || buf[p] === Ch.MINUS)) { eneg = buf[p] === Ch.MINUS; p++; }
    const s = p; let e = 0;
    while (p < end && (c = buf[p]) >= Ch.ZERO && c <= Ch.NINE) { if (e < 100000) e = e * 10 + (c - Ch.ZERO); p++; }
    if (p === s) return NaN;
    k += eneg ? -e : e;
  }
  if (p !== end) return NaN;
  let v: number;
  if (m === 0) v = 0;
  else if (exact && k >= 0 && k <= 22) v = m * POW10[k];
  else if (exact && k < 0 && k >= -22) v = m / POW10[-k];
  else {
    v = slowRead(buf, off, len);
    if (v !== v) return NaN;
  }
  return neg ? -v : v;
}
