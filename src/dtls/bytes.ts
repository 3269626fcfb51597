// Small byte helpers for the DTLS layers (big-endian fields, overlapping copies, 48-bit numbers).

export function copyBytes(src: Uint8Array, sOff: number, dst: Uint8Array, dOff: number, len: number): void {
  // The offsets first: Espruino (2v29) compares two typed arrays with === by their contents, as text
  // (~0.2 ms for 64 bytes; equal contents compare equal), so that test runs only when the offsets
  // overlap (a false "same" then copies backwards, which is right for two arrays too).
  if (dOff > sOff && dOff < sOff + len && src === dst) {
    for (let i = len - 1; i >= 0; i--) dst[dOff + i] = src[sOff + i];
  } else {
    for (let i = 0; i < len; i++) dst[dOff + i] = src[sOff + i];
  }
}

/** Whether copyRange copies through a view (see useViewCopy). */
let viewCopy = false;

/**
 * Let copyRange copy by the native TypedArray.set on a view (subarray) — for an engine that collects
 * such a view at no lasting cost and interprets a byte loop slowly: Espruino (~10 µs a byte; its HAL,
 * hal/espruino/aes.ts, turns this on). Off (the default), a byte loop: XS's heap keeps the slots of
 * views made per handshake, V8 runs the loop as fast.
 */
export function useViewCopy(on: boolean): void { viewCopy = on; }

/** copyBytes for the handshake and construction, never a steady-state path (with useViewCopy it makes
 *  a view). The two ranges must not overlap. */
export function copyRange(src: Uint8Array, sOff: number, dst: Uint8Array, dOff: number, len: number): void {
  if (viewCopy) dst.set(src.subarray(sOff, sOff + len), dOff);
  else copyBytes(src, sOff, dst, dOff, len);
}

export function put16(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 8; b[o + 1] = v; }
export function put24(b: Uint8Array, o: number, v: number): void { b[o] = v >>> 16; b[o + 1] = v >>> 8; b[o + 2] = v; }
export function get16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
export function get24(b: Uint8Array, o: number): number { return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2]; }

/** Write a 48-bit sequence number (a double < 2^48). */
export function put48(b: Uint8Array, o: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  const lo = v - hi * 4294967296;
  b[o] = hi >>> 8; b[o + 1] = hi;
  b[o + 2] = lo >>> 24; b[o + 3] = lo >>> 16; b[o + 4] = lo >>> 8; b[o + 5] = lo;
}
export function get48(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 4294967296 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0);
}

/** Equality of two byte ranges of the same length, without an early exit. */
export function equalBytes(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  let d = 0;
  for (let i = 0; i < len; i++) d |= a[aOff + i] ^ b[bOff + i];
  return d === 0;
}

/** ASCII string to bytes (construction/module load only). */
export function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
