// A native AES-128 block cipher for the core (src/crypto/provider.ts `BlockCipherProvider`), on
// Moddable's `crypt` BlockCipher: ESP32 runs it in C (with the chip's AES where the port uses it)
// instead of the portable table AES of src/crypto/aes.ts.
//
// Allocation: setKey() creates the native cipher object (once per key: a DTLS handshake, not a
// record — the client gives each session one provider per direction, hal/moddable/main.ts `aes`).
// encryptBlock() allocates nothing: the native call reads from and writes into two preallocated
// 16-byte ArrayBuffers. crypt's BlockCipher takes ArrayBuffers only (modules/crypt/digest/modCrypt.c
// xsmcToArrayBuffer: a Uint8Array throws "TypeError: not an ArrayBuffer instance"), the key too, and
// a view at an offset would be an allocation per block anyway.
/// <reference path="./moddable-extra.d.ts" />
import { BlockCipher } from "crypt";
import type { BlockCipherProvider } from "../../src/crypto/provider.js";

export class CryptAes128 implements BlockCipherProvider {
  readonly #keyBuf = new ArrayBuffer(16);
  readonly #inBuf = new ArrayBuffer(16);
  readonly #outBuf = new ArrayBuffer(16);
  readonly #key = new Uint8Array(this.#keyBuf);
  readonly #inBlock = new Uint8Array(this.#inBuf);
  readonly #outBlock = new Uint8Array(this.#outBuf);
  #cipher: BlockCipher | null = null;

  setKey(key: Uint8Array, off: number): void {
    const k = this.#key;
    for (let j = 0; j < 16; j++) k[j] = key[off + j];
    this.#cipher = new BlockCipher("AES", this.#keyBuf);
  }

  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const c = this.#cipher;
    if (!c) throw new Error("CryptAes128: setKey() first");
    const a = this.#inBlock, b = this.#outBlock;
    for (let j = 0; j < 16; j++) a[j] = inp[inOff + j];
    c.encrypt(this.#inBuf, this.#outBuf);
    for (let j = 0; j < 16; j++) out[outOff + j] = b[j];
  }

  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const c = this.#cipher;
    if (!c) throw new Error("CryptAes128: setKey() first");
    const a = this.#inBlock, b = this.#outBlock;
    for (let j = 0; j < 16; j++) a[j] = inp[inOff + j];
    c.decrypt(this.#inBuf, this.#outBuf);
    for (let j = 0; j < 16; j++) out[outOff + j] = b[j];
  }
}
