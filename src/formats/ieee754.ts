// Big-endian IEEE 754 bytes of numbers (TLV Float, CBOR major type 7) and the one-double holder the
// number writers take their argument through (numfmt.ts writeDoubleScratch).
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
  readonly b: Uint8Array;
  constructor() {
    const buf = new ArrayBuffer(8);
    this.f64 = new Float64Array(buf, 0, 1);
    this.f32 = new Float32Array(buf, 0, 1);
    this.b = new Uint8Array(buf, 0, 8);
  }
}

let scratch: FloatScratch | null = null;

/** The process's float scratch (single-threaded core: one conversion at a time). */
export function floatScratch(): FloatScratch {
  return scratch ?? (scratch = new FloatScratch());
}

/** Whether v survives a round trip through a 32-bit float (NaN counts as exact). */
export function fitsFloat32(v: number): boolean {
  const f = floatScratch().f32;
  f[0] = v;
  return f[0] === v || v !== v;
}

/** Writes v as a big-endian float32 at out[at … at+4). */
export function putFloat32(v: number, out: Uint8Array, at: number): void {
  const s = floatScratch();
  s.f32[0] = v;
  const b = s.b;
  if (LITTLE) { out[at] = b[3]; out[at + 1] = b[2]; out[at + 2] = b[1]; out[at + 3] = b[0]; }
  else { out[at] = b[0]; out[at + 1] = b[1]; out[at + 2] = b[2]; out[at + 3] = b[3]; }
}

/** Writes v as a big-endian float64 at out[at … at+8). */
export function putFloat64(v: number, out: Uint8Array, at: number): void {
  const s = floatScratch();
  s.f64[0] = v;
  const b = s.b;
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
