// HMAC-SHA256 (RFC 2104), allocation-free after construction. setKey() precomputes the inner and
// outer padded states once, so a MAC per record costs two hash starts by copy, not two key blocks.
import { Sha256, SHA256_BLOCK, SHA256_LEN } from './sha256.js';

export const HMAC_SHA256_LEN = SHA256_LEN;

export class HmacSha256 {
  private readonly inner = new Sha256();
  private readonly outer = new Sha256();
  private readonly innerKeyed = new Sha256();
  private readonly outerKeyed = new Sha256();
  private readonly pad = new Uint8Array(SHA256_BLOCK);
  private readonly tmp = new Uint8Array(SHA256_LEN);

  /** Load a key of any length (longer than 64 bytes is hashed first, RFC 2104 §2). Starts a MAC. */
  setKey(key: Uint8Array, off: number, len: number): this {
    const pad = this.pad;
    pad.fill(0);
    if (len > SHA256_BLOCK) {
      this.inner.init().update(key, off, len).final(pad, 0);
    } else {
      for (let i = 0; i < len; i++) pad[i] = key[off + i];
    }
    for (let i = 0; i < SHA256_BLOCK; i++) pad[i] ^= 0x36;
    this.innerKeyed.init().update(pad, 0, SHA256_BLOCK);
    for (let i = 0; i < SHA256_BLOCK; i++) pad[i] ^= 0x36 ^ 0x5c;
    this.outerKeyed.init().update(pad, 0, SHA256_BLOCK);
    pad.fill(0);
    return this.init();
  }

  /** Start a new MAC under the current key. */
  init(): this {
    this.inner.copyFrom(this.innerKeyed);
    return this;
  }

  update(data: Uint8Array, off: number, len: number): this {
    this.inner.update(data, off, len);
    return this;
  }

  /** Write the 32-byte MAC to out[outOff…] and start a new MAC under the same key. */
  final(out: Uint8Array, outOff: number): void {
    const tmp = this.tmp;
    this.inner.final(tmp, 0);
    this.outer.copyFrom(this.outerKeyed).update(tmp, 0, SHA256_LEN).final(out, outOff);
    this.init();
  }
}
