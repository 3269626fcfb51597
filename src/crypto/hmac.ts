// HMAC-SHA256 (RFC 2104), allocation-free after construction. setKey() precomputes the inner and
// outer padded states once, so a MAC per record costs two hash starts by copy, not two key blocks.
import type { Slab } from '../slab.js';
import { Sha256, SHA256_BLOCK, SHA256_LEN } from './sha256.js';

export const HMAC_SHA256_LEN = SHA256_LEN;

export class HmacSha256 {
  /** One hash for both passes: the inner one runs from init() to final(), which then runs the outer
   *  one on it (from the saved outer state) and restarts the inner. */
  private readonly sha: Sha256;
  /** The keyed chaining values: inner (ipad block hashed) at 0, outer (opad block hashed) at 8. */
  private readonly keyed: Int32Array;
  /** The padded key (64 bytes) in setKey(); the inner digest (32 bytes) at 0 in final(). */
  private readonly pad: Uint8Array;

  constructor(slab?: Slab) {
    this.sha = new Sha256(slab);
    this.keyed = slab !== undefined ? slab.i32(16) : new Int32Array(16);
    this.pad = slab !== undefined ? slab.u8(SHA256_BLOCK) : new Uint8Array(SHA256_BLOCK);
  }

  /** Load a key of any length (longer than 64 bytes is hashed first, RFC 2104 §2). Starts a MAC. */
  setKey(key: Uint8Array, off: number, len: number): this {
    const pad = this.pad, h = this.sha;
    pad.fill(0);
    if (len > SHA256_BLOCK) {
      h.init().update(key, off, len).final(pad, 0);
    } else {
      for (let i = 0; i < len; i++) pad[i] = key[off + i];
    }
    for (let i = 0; i < SHA256_BLOCK; i++) pad[i] ^= 0x36;
    h.init().update(pad, 0, SHA256_BLOCK).saveState(this.keyed, 0);
    for (let i = 0; i < SHA256_BLOCK; i++) pad[i] ^= 0x36 ^ 0x5c;
    h.init().update(pad, 0, SHA256_BLOCK).saveState(this.keyed, 8);
    pad.fill(0);
    return this.init();
  }

  /** Save the keyed state (16 words) to dst[off…], to restore it later with loadKey() instead of setKey(). */
  saveKey(dst: Int32Array, off: number): void {
    const k = this.keyed;
    for (let i = 0; i < 16; i++) dst[off + i] = k[i];
  }

  /** Restore a keyed state saved by saveKey(); starts a MAC under that key. */
  loadKey(src: Int32Array, off: number): this {
    const k = this.keyed;
    for (let i = 0; i < 16; i++) k[i] = src[off + i];
    return this.init();
  }

  /** Start a new MAC under the current key. */
  init(): this {
    this.sha.loadState(this.keyed, 0, SHA256_BLOCK);
    return this;
  }

  update(data: Uint8Array, off: number, len: number): this {
    this.sha.update(data, off, len);
    return this;
  }

  /** The digest of another hash's running state (which stays as it is), computed in this HMAC's own
   *  hash: spares a caller a hash of its own, but loses the MAC in progress (init() or setKey() after). */
  digestOf(h: Sha256, out: Uint8Array, outOff: number): void {
    this.sha.copyFrom(h).final(out, outOff);
  }

  /** Write the 32-byte MAC to out[outOff…] and start a new MAC under the same key. */
  final(out: Uint8Array, outOff: number): void {
    const tmp = this.pad;
    this.sha.final(tmp, 0);
    this.sha.loadState(this.keyed, 8, SHA256_BLOCK).update(tmp, 0, SHA256_LEN).final(out, outOff);
    this.init();
  }
}
