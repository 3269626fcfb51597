// SHA-256 (FIPS 180-4), streaming, allocation-free after construction.
import type { Slab } from '../slab.js';

const K = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2);

export const SHA256_LEN = 32;
export const SHA256_BLOCK = 64;

/**
 * The whole state is one Int32Array (XS charges each typed array 4-7 heap slots on top of its bytes):
 * the chaining value at 0, then at BLK the 64-byte block being filled, as 16 big-endian words, which
 * compress() also uses as its rolling 16-word message schedule. So there is no module-level scratch:
 * on the device modules are preloaded into flash, where a typed array cannot be written.
 */
const BLK = 8;
const STATE_WORDS = BLK + 16;

export class Sha256 {
  private readonly s: Int32Array;
  /** Bytes in the block (0…63); the bytes after them in their word are zero. */
  private fill = 0;
  /** Total bytes hashed (a double: exact far beyond any message we see). */
  private total = 0;

  constructor(slab?: Slab) {
    this.s = slab !== undefined ? slab.i32(STATE_WORDS) : new Int32Array(STATE_WORDS);
    this.init();
  }

  init(): this {
    const h = this.s;
    h[0] = 0x6a09e667; h[1] = 0xbb67ae85; h[2] = 0x3c6ef372; h[3] = 0xa54ff53a;
    h[4] = 0x510e527f; h[5] = 0x9b05688c; h[6] = 0x1f83d9ab; h[7] = 0x5be0cd19;
    this.fill = 0;
    this.total = 0;
    return this;
  }

  /** Make this hash a copy of `other`'s running state (to take a transcript hash mid-stream). */
  copyFrom(other: Sha256): this {
    // Word by word: set() between views of one buffer (a shared slab page) would copy via a new buffer.
    const s = this.s, o = other.s;
    for (let i = 0; i < STATE_WORDS; i++) s[i] = o[i];
    this.fill = other.fill;
    this.total = other.total;
    return this;
  }

  /** Copy the chaining value to dst[off…off+8] (meaningful at a block boundary: after whole 64-byte blocks). */
  saveState(dst: Int32Array, off: number): void {
    const h = this.s;
    for (let i = 0; i < 8; i++) dst[off + i] = h[i];
  }

  /** Resume from a chaining value saved by saveState() after `total` bytes (a multiple of 64). */
  loadState(src: Int32Array, off: number, total: number): this {
    const h = this.s;
    for (let i = 0; i < 8; i++) h[i] = src[off + i];
    this.fill = 0;
    this.total = total;
    return this;
  }

  update(data: Uint8Array, off: number, len: number): this {
    this.total += len;
    let i = 0;
    if (this.fill > 0) {
      i = len < 64 - this.fill ? len : 64 - this.fill;
      this.absorb(data, off, i);
      if (this.fill < 64) return this;
      this.compress();
    }
    for (; len - i >= 64; i += 64) { this.absorb(data, off + i, 64); this.compress(); }
    if (i < len) this.absorb(data, off + i, len - i);
    return this;
  }

  /** Write the 32-byte digest to out[outOff…]; the hash must be init()ed before reuse. */
  final(out: Uint8Array, outOff: number): void {
    const s = this.s;
    const bits = this.total * 8;
    const f = this.fill;
    const b = 0x80 << (24 - ((f & 3) << 3));
    s[BLK + (f >>> 2)] = (f & 3) === 0 ? b : s[BLK + (f >>> 2)] | b;
    let j = (f >>> 2) + 1; // the first word after the 0x80 byte's
    if (f + 1 > 56) {
      for (; j < 16; j++) s[BLK + j] = 0;
      this.compress();
      j = 0;
    }
    for (; j < 14; j++) s[BLK + j] = 0;
    s[BLK + 14] = Math.floor(bits / 4294967296);
    s[BLK + 15] = bits >>> 0;
    this.compress();
    for (let i = 0; i < 8; i++) {
      const v = s[i];
      out[outOff + 4 * i] = v >>> 24; out[outOff + 4 * i + 1] = v >>> 16;
      out[outOff + 4 * i + 2] = v >>> 8; out[outOff + 4 * i + 3] = v;
    }
  }

  /** Append data[off…off+n] to the block (n <= 64 - fill), packing the bytes big-endian into its words. */
  private absorb(data: Uint8Array, off: number, n: number): void {
    const s = this.s;
    let f = this.fill;
    for (let i = 0; i < n; i++, f++) {
      const k = BLK + (f >>> 2), b = data[off + i] << (24 - ((f & 3) << 3));
      s[k] = (f & 3) === 0 ? b : s[k] | b;
    }
    this.fill = f;
  }

  /** One block (the 16 words at BLK, which it overwrites with the message schedule); empties the block. */
  private compress(): void {
    const s = this.s;
    let A = s[0], B = s[1], C = s[2], D = s[3], E = s[4], F = s[5], G = s[6], H = s[7];
    for (let i = 0; i < 64; i++) {
      let w: number;
      if (i < 16) w = s[BLK + i];
      else {
        const a = s[BLK + ((i - 15) & 15)], b = s[BLK + ((i - 2) & 15)];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w = (s[BLK + (i & 15)] + s0 + s[BLK + ((i - 7) & 15)] + s1) | 0;
        s[BLK + (i & 15)] = w;
      }
      const S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
      const ch = (E & F) ^ (~E & G);
      const t1 = (H + S1 + ch + K[i] + w) | 0;
      const S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
      const maj = (A & B) ^ (A & C) ^ (B & C);
      const t2 = (S0 + maj) | 0;
      H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
    }
    s[0] = (s[0] + A) | 0; s[1] = (s[1] + B) | 0; s[2] = (s[2] + C) | 0; s[3] = (s[3] + D) | 0;
    s[4] = (s[4] + E) | 0; s[5] = (s[5] + F) | 0; s[6] = (s[6] + G) | 0; s[7] = (s[7] + H) | 0;
    this.fill = 0;
  }
}
