// Native AES-128 for the DTLS record layer (src/crypto/provider.ts `BlockCipherProvider`), on
// Espruino's require('crypto').AES in ECB mode: ~10 µs a block in C, about 30× the portable AES under
// Espruino. (Its CCM mode passes no additional data, so it cannot seal a DTLS record: the core's
// CCM runs on top of this block cipher.)
// Allocation: AES.encrypt returns a new ArrayBuffer per call — a HAL edge that cannot avoid it (no
// variant writes into a given buffer); Espruino's garbage collector takes it back, nothing grows.
const ECB = { mode: 'ECB' };

export class EspruinoAes128 {
  readonly #key = new Uint8Array(16);
  readonly #block = new Uint8Array(16);
  readonly #aes = require('crypto').AES;

  setKey(key: Uint8Array, off: number): void {
    for (let j = 0; j < 16; j++) this.#key[j] = key[off + j];
  }

  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const b = this.#block;
    for (let j = 0; j < 16; j++) b[j] = inp[inOff + j];
    const r = new Uint8Array(this.#aes.encrypt(b, this.#key, ECB));
    for (let j = 0; j < 16; j++) out[outOff + j] = r[j];
  }

  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const b = this.#block;
    for (let j = 0; j < 16; j++) b[j] = inp[inOff + j];
    const r = new Uint8Array(this.#aes.decrypt(b, this.#key, ECB));
    for (let j = 0; j < 16; j++) out[outOff + j] = r[j];
  }
}
