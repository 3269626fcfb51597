// Native crypto for DTLS on Espruino's require('crypto') (src/crypto/provider.ts): AES-128 in ECB mode
// as the record layer's block cipher (~30× the portable AES; its CCM mode passes no additional data,
// so it cannot seal a DTLS record: the core's CCM runs on top of this block cipher), and SHA-256,
// which the DTLS handshake's transcript hash and PRF run on (src/crypto/oneshot.ts: Espruino's SHA256
// hashes one whole message per call, 110–940× the portable SHA-256 under Espruino).
// Allocation: AES.encrypt and SHA256 return a new ArrayBuffer per call — a HAL edge that cannot avoid
// it (no variant writes into a given buffer); Espruino frees it as soon as it is copied out. Nothing
// else per block: the 16 input bytes go to the native call as a view made once per (array, offset)
// the caller uses (AesCcm uses two), and the result is copied out by the native TypedArray.set.
import type { BlockCipherProvider, Sha256Provider } from '../../src/crypto/provider.js';

const ECB = { mode: 'ECB' };
/** Input views kept per provider: AesCcm's two blocks, and two more (a CBC record's first blocks). */
const VIEWS = 4;

export class EspruinoAes128 implements BlockCipherProvider {
  readonly sha256: Sha256Provider | undefined;
  readonly #aes = require('crypto').AES;
  readonly #key = new Uint8Array(16);
  /** Input views: of #arr[k] at #at[k] (16 bytes); a pair not among them is copied into #block. */
  readonly #arr: (Uint8Array | null)[] = [];
  readonly #at: number[] = [];
  readonly #view: Uint8Array[] = [];
  readonly #block = new Uint8Array(16);

  /** @param sha256 the native SHA-256 the DTLS session given this provider hashes its handshake on. */
  constructor(sha256?: Sha256Provider) {
    this.sha256 = sha256;
  }

  setKey(key: Uint8Array, off: number): void {
    for (let j = 0; j < 16; j++) this.#key[j] = key[off + j];
  }

  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    out.set(this.#aes.encrypt(this.#input(inp, inOff), this.#key, ECB), outOff);
  }

  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    out.set(this.#aes.decrypt(this.#input(inp, inOff), this.#key, ECB), outOff);
  }

  /** The 16 bytes inp[inOff…] as an array of their own, without allocating after the first calls. */
  #input(inp: Uint8Array, inOff: number): Uint8Array {
    const arr = this.#arr, at = this.#at;
    for (let k = 0; k < arr.length; k++) if (arr[k] === inp && at[k] === inOff) return this.#view[k];
    if (arr.length < VIEWS) {
      const v = new Uint8Array(inp.buffer, inp.byteOffset + inOff, 16);
      arr.push(inp); at.push(inOff); this.#view.push(v);
      return v;
    }
    const b = this.#block;
    for (let j = 0; j < 16; j++) b[j] = inp[inOff + j];
    return b;
  }
}

/** Espruino's one-shot SHA-256 (in its Linux and ESP32 builds). */
export class EspruinoSha256 implements Sha256Provider {
  readonly #sha = require('crypto').SHA256;

  hash(data: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): void {
    // The view is an allocation per call, like the result: a handshake makes about 30 of them.
    out.set(this.#sha(new Uint8Array(data.buffer, data.byteOffset + off, len)), outOff);
  }
}
