// Big-endian IEEE 754 bytes of numbers (TLV Float, CBOR major type 7) and the one-double holder the
// number writers take their argument through (numfmt.ts writeDoubleScratch, CborWriter.floatScratch,
// the TLV Float writer): V8 boxes a non-integral double passed as an argument to a function it does
// not inline, so hot paths store it into the scratch's Float64Array instead (no allocation).
//
// The scratch is created on first use, not while the module loads: on the device the modules are
// preloaded into flash, and "for preloaded instances of TypedArray, integer-indexed assignment
// throws a type error" (Moddable, documentation/xs/XS linker warnings.md). One 8-byte buffer, three
// views; created once, then reused (no allocation per value).

/** Host byte order, read once (a read-only fact, fine to preload). */
const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export class FloatScratch {
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  /** The bits of f32[0] (host order, so the same on either endianness). */
  readonly u32: Uint32Array;
  readonly b: Uint8Array;
  constructor() {
    const buf = new ArrayBuffer(8);
    this.f64 = new Float64Array(buf, 0, 1);
    this.f32 = new Float32Array(buf, 0, 1);
    this.u32 = new Uint32Array(buf, 0, 1);
    this.b = new Uint8Array(buf, 0, 8);
  }
}

let scratch: FloatScratch | null = null;

/** The process's float scratch (single-threaded core: one conversion at a time). */
export function floatScratch(): FloatScratch {
  return scratch ?? (scratch = new FloatScratch());
}

/** The IEEE 754 half-precision bits of v when v is exactly a half, else -1 (halfBitsScratch). */
export function halfBits(v: number): number {
  floatScratch().f64[0] = v;
  const h = halfBitsScratch();
  return h >= 0 ? h : -1;
}

/** For the double in floatScratch().f64[0] (hot paths pass it there, not as an argument: V8 boxes a
 *  non-integral double passed to a function it does not inline, a HeapNumber per call): its
 *  half-precision bits when it is exactly a half (NaN: the canonical quiet NaN 0x7e00, as RFC 8949
 *  §4.2.2's preferred serialization and Wakaama write it; ±0 and ±Infinity keep their sign); else
 *  -1 when it is exactly a single, with f32[0] holding it (putScratch32 writes it); else -2, f64[0]
 *  holding it again (putScratch64). */
export function halfBitsScratch(): number {
  const s = floatScratch();
  const v = s.f64[0];
  if (v !== v) return 0x7e00;
  s.f32[0] = v;
  if (s.f32[0] !== v) { s.f64[0] = v; return -2; }
  const bits = s.u32[0];
  const sign = bits >>> 16 & 0x8000;
  const exp = bits >>> 23 & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00; // ±Infinity (NaN was handled above)
  if (exp === 0) return mant === 0 ? sign : -1; // ±0; a single subnormal is below half's range
  const e = exp - 127;
  if (e >= -14 && e <= 15) return (mant & 0x1fff) === 0 ? sign | (e + 15) << 10 | mant >>> 13 : -1;
  if (e >= -24 && e < -14) {
    // a half subnormal: m × 2^-24 with m = (1.mant) × 2^(e+24), exact when no set bit is shifted out
    const full = mant | 0x800000;
    const shift = -1 - e; // 14 … 23
    return (full & ((1 << shift) - 1)) === 0 ? sign | full >>> shift : -1;
  }
  return -1;
}

/** Writes floatScratch().f32[0] as a big-endian float32 at out[at … at+4). */
export function putScratch32(out: Uint8Array, at: number): void {
  const b = floatScratch().b;
  if (LITTLE) { out[at] = b[3]; out[at + 1] = b[2]; out[at + 2] = b[1]; out[at + 3] = b[0]; }
  else { out[at] = b[0]; out[at + 1] = b[1]; out[at + 2] = b[2]; out[at + 3] = b[3]; }
}

/** Writes floatScratch().f64[0] as a big-endian float64 at out[at … at+8). */
export function putScratch64(out: Uint8Array, at: number): void {
  const b = floatScratch().b;
  if (LITTLE) for (let k = 0; k < 8; k++) out[at + k] = b[7 - k];
  else for (let k = 0; k < 8; k++) out[at + k] = b[k];
}

/** Reads the big-endian float32 at b[off … off+4). */
export function getFloat32(src: Uint8Array, off: number): number {
  const s = floatScratch();
  const b = s.b;
  if (LITTLE) { b[3] = src[off]; b[2] = src[off + 1]; b[1] = src[off + 2]; b[0] = src[off + 3]; }
  else { b[0] = src[off]; b[1] = src[off + 1]; b[2] = src[off + 2]; b[3] = src[off + 3]; }
  return s.f32[0];
}

/** Reads the big-endian float64 at b[off … off+8). */
export function getFloat64(src: Uint8Array, off: number): number {
  const s = floatScratch();
  const b = s.b;
  if (LITTLE) for (let k = 0; k < 8; k++) b[7 - k] = src[off + k];
  else for (let k = 0; k < 8; k++) b[k] = src[off + k];
  return s.f64[0];
}
