// AES-CCM (RFC 3610, NIST SP 800-38C) with 4…16-byte tags and 7…13-byte nonces, allocation-free.
// seal/open work in place (out === data at the same offset) or into another buffer.
// AAD shorter than 0xFF00 bytes only (the 2-byte length form, RFC 3610 §2.2) — DTLS uses 13.
import type { Slab } from '../slab.js';
import type { BlockCipherProvider } from './provider.js';

const X = 0, A = 16, S = 32, T = 48;

export class AesCcm {
  /** One array (XS charges each typed array on top of its bytes): the CBC-MAC state at X, the counter
   *  block at A, the key-stream block at S, the tag (S0 ^ MAC) at T. */
  private readonly b: Uint8Array;
  /** The cipher's encryptors of the blocks at X and at A (BlockCipherProvider.encryptor), or null. */
  private ex: (() => Uint8Array) | null = null;
  private ea: (() => Uint8Array) | null = null;
  cipher!: BlockCipherProvider;

  constructor(cipher: BlockCipherProvider, slab?: Slab) {
    this.b = slab !== undefined ? slab.u8(64) : new Uint8Array(64);
    this.use(cipher, this.encryptors(cipher));
  }

  /** c's encryptors of this CCM's two blocks, or null if it has none (construction time: allocates). */
  encryptors(c: BlockCipherProvider): (() => Uint8Array)[] | null {
    return c.encryptor !== undefined ? [c.encryptor(this.b, X), c.encryptor(this.b, A)] : null;
  }

  /** Seal and open with c from now on, through e = encryptors(c) (a DTLS record layer switches per
   *  direction: no allocation here). */
  use(c: BlockCipherProvider, e: (() => Uint8Array)[] | null): void {
    this.cipher = c;
    this.ex = e !== null ? e[0] : null;
    this.ea = e !== null ? e[1] : null;
  }

  /**
   * Encrypt data[dOff…dOff+dLen] into out[outOff…] and append the tagLen-byte tag after it.
   * Returns dLen + tagLen.
   */
  seal(nonce: Uint8Array, nOff: number, nLen: number, aad: Uint8Array, aOff: number, aLen: number,
       data: Uint8Array, dOff: number, dLen: number, out: Uint8Array, outOff: number, tagLen: number): number {
    this.macStart(nonce, nOff, nLen, aad, aOff, aLen, dLen, tagLen);
    this.ctrStart(nLen);
    const c = this.cipher, b = this.b, ex = this.ex, ea = this.ea;
    for (let i = 0; i < dLen; i += 16) {
      const n = dLen - i < 16 ? dLen - i : 16;
      for (let j = 0; j < n; j++) b[X + j] ^= data[dOff + i + j];
      if (ex !== null) b.set(ex(), X); else c.encryptBlock(b, X, b, X);
      this.incr();
      if (ea !== null) b.set(ea(), S); else c.encryptBlock(b, A, b, S);
      for (let j = 0; j < n; j++) out[outOff + i + j] = data[dOff + i + j] ^ b[S + j];
    }
    this.tagFinish(nLen, tagLen);
    for (let j = 0; j < tagLen; j++) out[outOff + dLen + j] = b[T + j];
    return dLen + tagLen;
  }

  /**
   * Decrypt and verify data[dOff…dOff+dLen] (ciphertext followed by the tag) into out[outOff…].
   * Returns the plaintext length, or -1 if the tag does not match (out then holds garbage).
   */
  open(nonce: Uint8Array, nOff: number, nLen: number, aad: Uint8Array, aOff: number, aLen: number,
       data: Uint8Array, dOff: number, dLen: number, out: Uint8Array, outOff: number, tagLen: number): number {
    const pLen = dLen - tagLen;
    if (pLen < 0) return -1;
    // In place is safe: plaintext lands where the ciphertext was, the tag after it is only read.
    this.macStart(nonce, nOff, nLen, aad, aOff, aLen, pLen, tagLen);
    this.ctrStart(nLen);
    const c = this.cipher, b = this.b, ex = this.ex, ea = this.ea;
    for (let i = 0; i < pLen; i += 16) {
      const n = pLen - i < 16 ? pLen - i : 16;
      this.incr();
      if (ea !== null) b.set(ea(), S); else c.encryptBlock(b, A, b, S);
      for (let j = 0; j < n; j++) {
        const p = data[dOff + i + j] ^ b[S + j];
        out[outOff + i + j] = p;
        b[X + j] ^= p;
      }
      if (ex !== null) b.set(ex(), X); else c.encryptBlock(b, X, b, X);
    }
    this.tagFinish(nLen, tagLen);
    let diff = 0;
    for (let j = 0; j < tagLen; j++) diff |= b[T + j] ^ data[dOff + pLen + j];
    return diff === 0 ? pLen : -1;
  }

  private macStart(nonce: Uint8Array, nOff: number, nLen: number, aad: Uint8Array, aOff: number, aLen: number,
                   mLen: number, tagLen: number): void {
    const b = this.b, c = this.cipher, ex = this.ex;
    const L = 15 - nLen;
    b[X] = (aLen > 0 ? 0x40 : 0) | (((tagLen - 2) >> 1) << 3) | (L - 1);
    // The counter block's nonce too (ctrStart), in the same loop: under Espruino each interpreted
    // iteration counts (and Espruino's typed arrays have no copyWithin).
    for (let i = 0; i < nLen; i++) b[X + 1 + i] = b[A + 1 + i] = nonce[nOff + i];
    let m = mLen; // (< 2^32: a shift, not Math.floor, a call per byte under Espruino)
    for (let i = 15; i > nLen; i--) { b[X + i] = m & 0xff; m = m >>> 8; }
    if (ex !== null) b.set(ex(), X); else c.encryptBlock(b, X, b, X);
    if (aLen > 0) {
      b[X] ^= aLen >>> 8;
      b[X + 1] ^= aLen & 0xff;
      let k = 2;
      for (let i = 0; i < aLen; i++) {
        b[X + k++] ^= aad[aOff + i];
        if (k === 16) { if (ex !== null) b.set(ex(), X); else c.encryptBlock(b, X, b, X); k = 0; }
      }
      if (k !== 0) { if (ex !== null) b.set(ex(), X); else c.encryptBlock(b, X, b, X); }
    }
  }

  /** The counter block A_0: its nonce is already there (macStart, which always runs first). */
  private ctrStart(nLen: number): void {
    const b = this.b;
    b[A] = 14 - nLen; // L - 1
    b.fill(0, A + nLen + 1, A + 16); // (native fills: each interpreted byte counts under Espruino)
  }

  private incr(): void {
    const b = this.b;
    for (let i = 15; i > 0; i--) { b[A + i] = (b[A + i] + 1) & 0xff; if (b[A + i] !== 0) break; }
  }

  /** t = E(A_0) ^ X (its first tagLen bytes: the rest are never read). */
  private tagFinish(nLen: number, tagLen: number): void {
    const b = this.b;
    b.fill(0, A + nLen + 1, A + 16);
    if (this.ea !== null) b.set(this.ea(), T); else this.cipher.encryptBlock(b, A, b, T);
    for (let i = 0; i < tagLen; i++) b[T + i] ^= b[X + i];
  }
}
