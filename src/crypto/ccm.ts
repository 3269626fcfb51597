// AES-CCM (RFC 3610, NIST SP 800-38C) with 4…16-byte tags and 7…13-byte nonces, allocation-free.
// seal/open work in place (out === data at the same offset) or into another buffer.
// AAD shorter than 0xFF00 bytes only (the 2-byte length form, RFC 3610 §2.2) — DTLS uses 13.
import type { BlockCipherProvider } from './provider.js';

export class AesCcm {
  private readonly x = new Uint8Array(16); // CBC-MAC state
  private readonly a = new Uint8Array(16); // counter block
  private readonly s = new Uint8Array(16); // key-stream block
  private readonly t = new Uint8Array(16); // tag (S0 ^ MAC)

  constructor(public cipher: BlockCipherProvider) {}

  /**
   * Encrypt data[dOff…dOff+dLen] into out[outOff…] and append the tagLen-byte tag after it.
   * Returns dLen + tagLen.
   */
  seal(nonce: Uint8Array, nOff: number, nLen: number, aad: Uint8Array, aOff: number, aLen: number,
       data: Uint8Array, dOff: number, dLen: number, out: Uint8Array, outOff: number, tagLen: number): number {
    this.macStart(nonce, nOff, nLen, aad, aOff, aLen, dLen, tagLen);
    this.ctrStart(nonce, nOff, nLen);
    const c = this.cipher, x = this.x, a = this.a, s = this.s;
    for (let i = 0; i < dLen; i += 16) {
      const n = dLen - i < 16 ? dLen - i : 16;
      for (let j = 0; j < n; j++) x[j] ^= data[dOff + i + j];
      c.encryptBlock(x, 0, x, 0);
      this.incr();
      c.encryptBlock(a, 0, s, 0);
      for (let j = 0; j < n; j++) out[outOff + i + j] = data[dOff + i + j] ^ s[j];
    }
    this.tagFinish(nLen);
    const t = this.t;
    for (let j = 0; j < tagLen; j++) out[outOff + dLen + j] = t[j];
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
    this.ctrStart(nonce, nOff, nLen);
    const c = this.cipher, x = this.x, a = this.a, s = this.s;
    for (let i = 0; i < pLen; i += 16) {
      const n = pLen - i < 16 ? pLen - i : 16;
      this.incr();
      c.encryptBlock(a, 0, s, 0);
      for (let j = 0; j < n; j++) {
        const p = data[dOff + i + j] ^ s[j];
        out[outOff + i + j] = p;
        x[j] ^= p;
      }
      c.encryptBlock(x, 0, x, 0);
    }
    this.tagFinish(nLen);
    const t = this.t;
    let diff = 0;
    for (let j = 0; j < tagLen; j++) diff |= t[j] ^ data[dOff + pLen + j];
    return diff === 0 ? pLen : -1;
  }

  private macStart(nonce: Uint8Array, nOff: number, nLen: number, aad: Uint8Array, aOff: number, aLen: number,
                   mLen: number, tagLen: number): void {
    const x = this.x, c = this.cipher;
    const L = 15 - nLen;
    x[0] = (aLen > 0 ? 0x40 : 0) | (((tagLen - 2) >> 1) << 3) | (L - 1);
    for (let i = 0; i < nLen; i++) x[1 + i] = nonce[nOff + i];
    let m = mLen;
    for (let i = 15; i > nLen; i--) { x[i] = m & 0xff; m = Math.floor(m / 256); }
    c.encryptBlock(x, 0, x, 0);
    if (aLen > 0) {
      x[0] ^= aLen >>> 8;
      x[1] ^= aLen & 0xff;
      let k = 2;
      for (let i = 0; i < aLen; i++) {
        x[k++] ^= aad[aOff + i];
        if (k === 16) { c.encryptBlock(x, 0, x, 0); k = 0; }
      }
      if (k !== 0) c.encryptBlock(x, 0, x, 0);
    }
  }

  private ctrStart(nonce: Uint8Array, nOff: number, nLen: number): void {
    const a = this.a;
    a[0] = 14 - nLen; // L - 1
    for (let i = 0; i < nLen; i++) a[1 + i] = nonce[nOff + i];
    for (let i = nLen + 1; i < 16; i++) a[i] = 0;
  }

  private incr(): void {
    const a = this.a;
    for (let i = 15; i > 0; i--) { a[i] = (a[i] + 1) & 0xff; if (a[i] !== 0) break; }
  }

  /** t = E(A_0) ^ X. */
  private tagFinish(nLen: number): void {
    const a = this.a, t = this.t, x = this.x;
    for (let i = nLen + 1; i < 16; i++) a[i] = 0;
    this.cipher.encryptBlock(a, 0, t, 0);
    for (let i = 0; i < 16; i++) t[i] ^= x[i];
  }
}
