// Native crypto for DTLS on Espruino's require('crypto') (src/crypto/provider.ts): AES-128 in ECB mode
// as the record layer's block cipher (~30× the portable AES; its CCM mode passes no additional data,
// so it cannot seal a DTLS record: the core's CCM runs on top of this block cipher), and SHA-256,
// which the DTLS handshake's transcript hash and PRF run on (src/crypto/oneshot.ts: Espruino's SHA256
// hashes one whole message per call, 110–940× the portable SHA-256 under Espruino).
// Allocation: AES.encrypt and SHA256 return a new ArrayBuffer per call — a HAL edge that cannot avoid
// it (no variant writes into a given buffer); Espruino frees it as soon as it is copied out. Nothing
// else per block: the input block is a view made once (EspruinoAes128.encryptor), and the result is
// copied out by the native TypedArray.set. (The wrapper with two copy loops and a new array per
// block cost 15× the raw native call; a method with kept views 2.4–2.6×; the bound native call 1.4×.)
/// <reference path="./espruino-e.d.ts" />
import type { BlockCipherProvider, Sha256Provider } from '../../src/crypto/provider.js';
import { useViewCopy } from '../../src/dtls/bytes.js';

// The handshake's copies (src/dtls/bytes.ts copyRange) by the native TypedArray.set on a view: an
// interpreted byte loop costs ~10 µs a byte here, and Espruino frees the view at once.
useViewCopy(true);

const ECB = { mode: 'ECB' };
/** E.getAddressOf, looked up once (a method of a built-in is looked up by name at every call). */
const addressOf = E.getAddressOf;

/**
 * AesCcm (the CCM_8 suite every LwM2M server offers) calls the encryptors: the native AES.encrypt
 * bound to a view of its block, this key (setKey writes into it) and ECB, so that no interpreted
 * wrapper runs per block — under Espruino a method call costs about what the native AES does (the
 * bound call and the copy-out: ~1.4× the raw call; a method: ≥ 2×). The methods serve the CBC suites:
 * the 16 input bytes go to the native call as a view kept for the first (array, offset) seen (the
 * record layer's decryption block), any other block is copied into #block. An array is known by its
 * address (E.getAddressOf): Espruino's === compares two typed arrays by their contents, as text.
 */
export class EspruinoAes128 implements BlockCipherProvider {
  readonly #aes = require('crypto').AES;
  readonly #key = new Uint8Array(16);
  readonly #block = new Uint8Array(16);
  #p = 0;
  #o = -1;
  #v: Uint8Array | null = null;
  /** The array of the kept view (held so that its address stays its own). */
  #held: Uint8Array | null = null;
  readonly sha256: Sha256Provider | undefined;

  /** @param sha256 the native SHA-256 the DTLS session given this provider hashes its handshake on. */
  constructor(sha256?: Sha256Provider) {
    this.sha256 = sha256;
  }

  setKey(key: Uint8Array, off: number): void {
    for (let j = 0; j < 16; j++) this.#key[j] = key[off + j];
  }

  encryptor(block: Uint8Array, off: number): () => Uint8Array {
    const a = this.#aes;
    return a.encrypt.bind(a, new Uint8Array(block.buffer, block.byteOffset + off, 16), this.#key, ECB) as () => Uint8Array;
  }

  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    out.set(this.#aes.encrypt(this.#input(inp, inOff), this.#key, ECB), outOff);
  }

  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    out.set(this.#aes.decrypt(this.#input(inp, inOff), this.#key, ECB), outOff);
  }

  /** The input block: the kept view, the first time a view kept, else a copy. */
  #input(inp: Uint8Array, inOff: number): Uint8Array {
    const p = addressOf(inp);
    if (p === this.#p && inOff === this.#o) return this.#v!;
    if (this.#held === null) {
      this.#held = inp;
      this.#p = p;
      this.#o = inOff;
      return (this.#v = new Uint8Array(inp.buffer, inp.byteOffset + inOff, 16));
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
