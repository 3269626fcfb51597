// SHA-256 uses of the DTLS handshake on a one-shot native SHA-256 (provider.ts Sha256Provider, e.g.
// Espruino's require("crypto").SHA256, which hashes one whole message per call): the handshake
// transcript buffered and hashed whole, and HMAC-SHA256 (RFC 2104) over preallocated buffers. Both
// give the bytes of the streaming portable classes (sha256.ts, hmac.ts) and allocate nothing after
// construction; what they hash must fit the capacity they were built with.
import type { Slab } from '../slab.js';
import type { Sha256Provider } from './provider.js';
import { SHA256_BLOCK, SHA256_LEN } from './sha256.js';
import { copyRange } from '../dtls/bytes.js';

/** A running hash of a bounded message: the bytes are kept, and digest() hashes them all at once. */
export class BufferedSha256 {
  private readonly buf: Uint8Array;
  /** Bytes kept; -1 once more than the capacity was given (digest() then writes zeros). */
  private n = 0;

  constructor(private readonly h: Sha256Provider, readonly capacity: number, slab?: Slab) {
    this.buf = slab !== undefined ? slab.u8(capacity) : new Uint8Array(capacity);
  }

  init(): this {
    this.n = 0;
    return this;
  }

  update(data: Uint8Array, off: number, len: number): this {
    const n = this.n, b = this.buf;
    if (n < 0) return this;
    // More than the capacity (sized for every message sequence its user accepts, so never in use):
    // the digest is then wrong on purpose (zeros), which fails the handshake's Finished check.
    if (n + len > this.capacity) { this.n = -1; return this; }
    copyRange(data, off, b, n, len); // (native under Espruino: the byte loop was most of its handshake)
    this.n = n + len;
    return this;
  }

  /** Write the digest of the bytes so far to out[outOff…] (the hash keeps running). */
  digest(out: Uint8Array, outOff: number): void {
    if (this.n < 0) { out.fill(0, outOff, outOff + SHA256_LEN); return; }
    this.h.hash(this.buf, 0, this.n, out, outOff);
  }
}

/**
 * HMAC-SHA256 on a one-shot hash: the inner pass hashes ipad-key ‖ message from one buffer, the outer
 * pass opad-key ‖ inner digest from another. setKey() writes the two padded key blocks once; a MAC
 * then costs the message copy and two native calls. The API of HmacSha256 (setKey/update/final).
 */
export class OneShotHmacSha256 {
  /** The ipad-key block, then the message (capacity bytes at most). */
  private readonly inner: Uint8Array;
  /** The opad-key block, then the inner digest. */
  private readonly outer: Uint8Array;
  /** Message bytes in inner (after the key block). */
  private n = 0;

  constructor(private readonly h: Sha256Provider, readonly capacity: number, slab?: Slab) {
    this.inner = slab !== undefined ? slab.u8(SHA256_BLOCK + capacity) : new Uint8Array(SHA256_BLOCK + capacity);
    this.outer = slab !== undefined ? slab.u8(SHA256_BLOCK + SHA256_LEN) : new Uint8Array(SHA256_BLOCK + SHA256_LEN);
  }

  /** Load a key of any length (longer than 64 bytes is hashed first, RFC 2104 §2). Starts a MAC. */
  setKey(key: Uint8Array, off: number, len: number): this {
    const I = this.inner, O = this.outer;
    if (len > SHA256_BLOCK) { this.h.hash(key, off, len, O, 0); key = O; off = 0; len = SHA256_LEN; }
    for (let i = 0; i < len; i++) {
      const k = key[off + i]; // (read before O[i] is written: key may be O)
      I[i] = k ^ 0x36;
      O[i] = k ^ 0x5c;
    }
    I.fill(0x36, len, SHA256_BLOCK); // (the zero padding, natively)
    O.fill(0x5c, len, SHA256_BLOCK);
    this.n = 0;
    return this;
  }

  /** Start a new MAC under the current key. */
  init(): this {
    this.n = 0;
    return this;
  }

  update(data: Uint8Array, off: number, len: number): this {
    const n = this.n, I = this.inner;
    if (n + len > this.capacity) throw new RangeError('OneShotHmacSha256: a message longer than its capacity (' + this.capacity + ' bytes): construct it larger');
    I.set(data.subarray(off, off + len), SHA256_BLOCK + n); // (handshake only: a view per call is fine)
    this.n = n + len;
    return this;
  }

  /** Write the 32-byte MAC to out[outOff…] and start a new MAC under the same key. */
  final(out: Uint8Array, outOff: number): void {
    const O = this.outer;
    this.h.hash(this.inner, 0, SHA256_BLOCK + this.n, O, SHA256_BLOCK);
    this.h.hash(O, 0, SHA256_BLOCK + SHA256_LEN, out, outOff);
    this.n = 0;
  }
}
