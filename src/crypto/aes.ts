// AES-128 (FIPS 197), portable and allocation-free after construction. One 1 KB round table per
// direction (the other three are rotations of it), built once at module load (on Espruino, whose HAL
// supplies a native AES, the build loads this module only if something constructs an Aes128:
// host/espruino-build.ts `lazy`).
import type { Slab } from '../slab.js';
import type { BlockCipherProvider } from './provider.js';

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
const TE0 = new Int32Array(256); // (2s, s, s, 3s)
const TD0 = new Int32Array(256); // (14si, 9si, 13si, 11si)
const RCON = new Uint8Array(10);
/** The tables, for the tests (test-host/crypto/aes.test.ts compares them with FIPS 197's). */
export { SBOX as AES_SBOX, INV_SBOX as AES_INV_SBOX, TE0 as AES_TE0, TD0 as AES_TD0 };

function xtime(b: number): number { return ((b << 1) ^ ((b & 0x80) !== 0 ? 0x1b : 0)) & 0xff; }

(function build(): void {
  // GF(2^8) by log/antilog tables over the generator 3 (x + 1): 255 steps instead of finding each
  // inverse by trial (~a million multiplications: 7.4 s at load under Espruino). The two tables are
  // load-time temporaries.
  const exp = new Uint8Array(256), log = new Uint8Array(256);
  for (let i = 0, v = 1; i < 255; i++) { exp[i] = v; log[v] = i; v ^= xtime(v); }
  const mul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : exp[(log[a] + log[b]) % 255]);
  // S-box from the multiplicative inverse and the affine map (FIPS 197 §5.1.1).
  for (let x = 0; x < 256; x++) {
    const inv = x === 0 ? 0 : exp[(255 - log[x]) % 255];
    let s = inv;
    let r = inv;
    for (let i = 0; i < 4; i++) { r = ((r << 1) | (r >>> 7)) & 0xff; s ^= r; }
    s ^= 0x63;
    SBOX[x] = s;
    INV_SBOX[s] = x;
  }
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x];
    TE0[x] = ((xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s)) >>> 0;
    const si = INV_SBOX[x];
    TD0[x] = ((mul(si, 14) << 24) | (mul(si, 9) << 16) | (mul(si, 13) << 8) | mul(si, 11)) >>> 0;
  }
  let rc = 1;
  for (let i = 0; i < 10; i++) { RCON[i] = rc; rc = xtime(rc); }
})();

function ror8(w: number): number { return (w >>> 8) | (w << 24); }
function ror16(w: number): number { return (w >>> 16) | (w << 16); }
function ror24(w: number): number { return (w >>> 24) | (w << 8); }

export class Aes128 implements BlockCipherProvider {
  /** Encryption round keys (44 big-endian words) at 0, then the decryption round keys for the
   *  equivalent inverse cipher at 44 (one array: XS charges each typed array on top of its bytes). */
  private readonly rk: Int32Array;
  /** The decryption round keys are derived on the first decryptBlock() after setKey(): a provider
   *  re-keyed as the direction changes (DTLS CipherState) then pays only for what it uses. */
  private decReady = false;

  constructor(slab?: Slab) {
    this.rk = slab !== undefined ? slab.i32(88) : new Int32Array(88);
  }

  setKey(key: Uint8Array, off: number): void {
    const rk = this.rk;
    for (let i = 0; i < 4; i++) {
      const o = off + 4 * i;
      rk[i] = (key[o] << 24) | (key[o + 1] << 16) | (key[o + 2] << 8) | key[o + 3];
    }
    for (let i = 4; i < 44; i++) {
      let t = rk[i - 1];
      if ((i & 3) === 0) {
        t = ((SBOX[(t >>> 16) & 255] << 24) | (SBOX[(t >>> 8) & 255] << 16) | (SBOX[t & 255] << 8) | SBOX[t >>> 24]) ^
          (RCON[(i >>> 2) - 1] << 24);
      }
      rk[i] = rk[i - 4] ^ t;
    }
    this.decReady = false;
  }

  /** Equivalent inverse cipher (FIPS 197 §5.3.5): round keys reversed, InvMixColumns on 1..9. */
  private expandDecrypt(): void {
    const rk = this.rk;
    for (let r = 0; r <= 10; r++) {
      for (let c = 0; c < 4; c++) {
        const w = rk[4 * (10 - r) + c];
        rk[44 + 4 * r + c] = r === 0 || r === 10 ? w
          : TD0[SBOX[w >>> 24]] ^ ror8(TD0[SBOX[(w >>> 16) & 255]]) ^ ror16(TD0[SBOX[(w >>> 8) & 255]]) ^ ror24(TD0[SBOX[w & 255]]);
      }
    }
    this.decReady = true;
  }

  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const rk = this.rk;
    let s0 = ((inp[inOff] << 24) | (inp[inOff + 1] << 16) | (inp[inOff + 2] << 8) | inp[inOff + 3]) ^ rk[0];
    let s1 = ((inp[inOff + 4] << 24) | (inp[inOff + 5] << 16) | (inp[inOff + 6] << 8) | inp[inOff + 7]) ^ rk[1];
    let s2 = ((inp[inOff + 8] << 24) | (inp[inOff + 9] << 16) | (inp[inOff + 10] << 8) | inp[inOff + 11]) ^ rk[2];
    let s3 = ((inp[inOff + 12] << 24) | (inp[inOff + 13] << 16) | (inp[inOff + 14] << 8) | inp[inOff + 15]) ^ rk[3];
    for (let r = 1; r < 10; r++) {
      const k = 4 * r;
      const t0 = TE0[s0 >>> 24] ^ ror8(TE0[(s1 >>> 16) & 255]) ^ ror16(TE0[(s2 >>> 8) & 255]) ^ ror24(TE0[s3 & 255]) ^ rk[k];
      const t1 = TE0[s1 >>> 24] ^ ror8(TE0[(s2 >>> 16) & 255]) ^ ror16(TE0[(s3 >>> 8) & 255]) ^ ror24(TE0[s0 & 255]) ^ rk[k + 1];
      const t2 = TE0[s2 >>> 24] ^ ror8(TE0[(s3 >>> 16) & 255]) ^ ror16(TE0[(s0 >>> 8) & 255]) ^ ror24(TE0[s1 & 255]) ^ rk[k + 2];
      const t3 = TE0[s3 >>> 24] ^ ror8(TE0[(s0 >>> 16) & 255]) ^ ror16(TE0[(s1 >>> 8) & 255]) ^ ror24(TE0[s2 & 255]) ^ rk[k + 3];
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    const S = SBOX;
    const w0 = ((S[s0 >>> 24] << 24) | (S[(s1 >>> 16) & 255] << 16) | (S[(s2 >>> 8) & 255] << 8) | S[s3 & 255]) ^ rk[40];
    const w1 = ((S[s1 >>> 24] << 24) | (S[(s2 >>> 16) & 255] << 16) | (S[(s3 >>> 8) & 255] << 8) | S[s0 & 255]) ^ rk[41];
    const w2 = ((S[s2 >>> 24] << 24) | (S[(s3 >>> 16) & 255] << 16) | (S[(s0 >>> 8) & 255] << 8) | S[s1 & 255]) ^ rk[42];
    const w3 = ((S[s3 >>> 24] << 24) | (S[(s0 >>> 16) & 255] << 16) | (S[(s1 >>> 8) & 255] << 8) | S[s2 & 255]) ^ rk[43];
    store(out, outOff, w0); store(out, outOff + 4, w1); store(out, outOff + 8, w2); store(out, outOff + 12, w3);
  }

  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    if (!this.decReady) this.expandDecrypt();
    const dk = this.rk;
    let s0 = ((inp[inOff] << 24) | (inp[inOff + 1] << 16) | (inp[inOff + 2] << 8) | inp[inOff + 3]) ^ dk[44];
    let s1 = ((inp[inOff + 4] << 24) | (inp[inOff + 5] << 16) | (inp[inOff + 6] << 8) | inp[inOff + 7]) ^ dk[45];
    let s2 = ((inp[inOff + 8] << 24) | (inp[inOff + 9] << 16) | (inp[inOff + 10] << 8) | inp[inOff + 11]) ^ dk[46];
    let s3 = ((inp[inOff + 12] << 24) | (inp[inOff + 13] << 16) | (inp[inOff + 14] << 8) | inp[inOff + 15]) ^ dk[47];
    for (let r = 1; r < 10; r++) {
      const k = 4 * r;
      const t0 = TD0[s0 >>> 24] ^ ror8(TD0[(s3 >>> 16) & 255]) ^ ror16(TD0[(s2 >>> 8) & 255]) ^ ror24(TD0[s1 & 255]) ^ dk[44 + k];
      const t1 = TD0[s1 >>> 24] ^ ror8(TD0[(s0 >>> 16) & 255]) ^ ror16(TD0[(s3 >>> 8) & 255]) ^ ror24(TD0[s2 & 255]) ^ dk[45 + k];
      const t2 = TD0[s2 >>> 24] ^ ror8(TD0[(s1 >>> 16) & 255]) ^ ror16(TD0[(s0 >>> 8) & 255]) ^ ror24(TD0[s3 & 255]) ^ dk[46 + k];
      const t3 = TD0[s3 >>> 24] ^ ror8(TD0[(s2 >>> 16) & 255]) ^ ror16(TD0[(s1 >>> 8) & 255]) ^ ror24(TD0[s0 & 255]) ^ dk[47 + k];
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    const S = INV_SBOX;
    const w0 = ((S[s0 >>> 24] << 24) | (S[(s3 >>> 16) & 255] << 16) | (S[(s2 >>> 8) & 255] << 8) | S[s1 & 255]) ^ dk[84];
    const w1 = ((S[s1 >>> 24] << 24) | (S[(s0 >>> 16) & 255] << 16) | (S[(s3 >>> 8) & 255] << 8) | S[s2 & 255]) ^ dk[85];
    const w2 = ((S[s2 >>> 24] << 24) | (S[(s1 >>> 16) & 255] << 16) | (S[(s0 >>> 8) & 255] << 8) | S[s3 & 255]) ^ dk[86];
    const w3 = ((S[s3 >>> 24] << 24) | (S[(s2 >>> 16) & 255] << 16) | (S[(s1 >>> 8) & 255] << 8) | S[s0 & 255]) ^ dk[87];
    store(out, outOff, w0); store(out, outOff + 4, w1); store(out, outOff + 8, w2); store(out, outOff + 12, w3);
  }
}

function store(out: Uint8Array, o: number, w: number): void {
  out[o] = w >>> 24; out[o + 1] = w >>> 16; out[o + 2] = w >>> 8; out[o + 3] = w;
}
