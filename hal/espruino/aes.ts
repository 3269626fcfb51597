// Native crypto for DTLS on Espruino's require('crypto') (src/crypto/provider.ts): AES-128 in ECB mode
// as the record layer's block cipher (~30× the portable AES; its CCM mode passes no additional data,
// so it cannot seal a DTLS record: the core's CCM runs on top of this block cipher), and SHA-256,
// which the DTLS handshake's transcript hash and PRF run on (src/crypto/oneshot.ts: Espruino's SHA256
// hashes one whole message per call, 110–940× the portable SHA-256 under Espruino).
// Allocation: AES.encrypt and SHA256 return a new ArrayBuffer per call — a HAL edge that cannot avoid
// it (no variant writes into a given buffer); Espruino frees it as soon as it is copied out. Nothing
// else per block: the 16 input bytes go to the native call as a view made once per (array, offset)
// the caller uses (AesCcm uses two), and the result is copied out by the native TypedArray.set.
// (The wrapper with two copy loops and a new array per block cost 15× the raw native call.)
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
 * The 16 input bytes go to the native call as a view made on first sight of an (array, offset)
 * pair: two kept in fields, tested inline (AesCcm's two input blocks: the CBC-MAC state and the
 * counter), two more in #input (a CBC record's first blocks); any other pair is copied into #block.
 * An array is known by its address (E.getAddressOf): Espruino's === compares two typed arrays by
 * their contents, as text (slow, and true for two arrays holding the same bytes). A kept pair keeps
 * its array alive, so its address stays its own. The hot fields come first: Espruino looks a
 * property up along the object's list of them.
 */
export class EspruinoAes128 implements BlockCipherProvider {
  #p0 = 0;
  #o0 = -1;
  #v0: Uint8Array | null = null;
  #p1 = 0;
  #o1 = -1;
  #v1: Uint8Array | null = null;
  readonly #aes = require('crypto').AES;
  readonly #key = new Uint8Array(16);
  #p2 = 0;
  #o2 = -1;
  #v2: Uint8Array | null = null;
  #p3 = 0;
  #o3 = -1;
  #v3: Uint8Array | null = null;
  /** The arrays of the kept pairs (held so that their addresses are not reused). */
  readonly #held: Uint8Array[] = [];
  readonly #block = new Uint8Array(16);
  readonly sha256: Sha256Provider | undefined;

  /** @param sha256 the native SHA-256 the DTLS session given this provider hashes its handshake on. */
  constructor(sha256?: Sha256Provider) {
    this.sha256 = sha256;
  }

  setKey(key: Uint8Array, off: number): void {
    for (let j = 0; j < 16; j++) this.#key[j] = key[off + j];
  }

  // (No local variable: under Espruino each one is an allocation per call. The offset is tested
  // first: a number comparison, before the native call, whose second argument is left to its
  // default, false: a token less to interpret.)
  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    out.set(this.#aes.encrypt(inOff === this.#o0 && addressOf(inp) === this.#p0 ? this.#v0!
      : inOff === this.#o1 && addressOf(inp) === this.#p1 ? this.#v1! : this.#input(inp, inOff), this.#key, ECB), outOff);
  }

  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    out.set(this.#aes.decrypt(inOff === this.#o0 && addressOf(inp) === this.#p0 ? this.#v0!
      : inOff === this.#o1 && addressOf(inp) === this.#p1 ? this.#v1! : this.#input(inp, inOff), this.#key, ECB), outOff);
  }

  /** The input block of a pair not in the first two fields: a kept view, a new one while there is
   *  room, else a copy. */
  #input(inp: Uint8Array, inOff: number): Uint8Array {
    const p = addressOf(inp);
    if (p === this.#p2 && inOff === this.#o2) return this.#v2!;
    if (p === this.#p3 && inOff === this.#o3) return this.#v3!;
    const n = this.#held.length;
    if (n < 4) {
      const v = new Uint8Array(inp.buffer, inp.byteOffset + inOff, 16);
      this.#held.push(inp);
      if (n === 0) { this.#p0 = p; this.#o0 = inOff; this.#v0 = v; }
      else if (n === 1) { this.#p1 = p; this.#o1 = inOff; this.#v1 = v; }
      else if (n === 2) { this.#p2 = p; this.#o2 = inOff; this.#v2 = v; }
      else { this.#p3 = p; this.#o3 = inOff; this.#v3 = v; }
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
