// The TLS 1.2 PRF with P_SHA256 (RFC 5246 §5): PRF(secret, label, seed) = P_SHA256(secret, label + seed).
// Allocation-free after construction; label and seed are passed separately (no concatenation).
// On the portable SHA-256 by default, or on a native one-shot one (OneShotHmacSha256).
import type { Slab } from '../slab.js';
import { HmacSha256, HMAC_SHA256_LEN } from './hmac.js';
import { OneShotHmacSha256 } from './oneshot.js';
import type { Sha256Provider } from './provider.js';
import type { Sha256 } from './sha256.js';
import { copyRange } from '../dtls/bytes.js';

/** The longest label + seed a PRF on a one-shot SHA-256 takes by default: TLS 1.2's labels (at most
 *  22 bytes, "extended master secret") with two 32-byte randoms, rounded up. */
export const PRF_LABEL_SEED_MAX = 96;

export class TlsPrf {
  private readonly hmac: HmacSha256 | OneShotHmacSha256;
  /** A(i) at 0, the output block at HMAC_SHA256_LEN. */
  private readonly ab: Uint8Array;
  private readonly oneShot: boolean;

  /** @param sha256 a native one-shot SHA-256 to run on (default: the portable one).
   *  @param maxLabelSeed with `sha256`: the longest label + seed1 + seed2 prf() will be given. */
  constructor(slab?: Slab, sha256?: Sha256Provider, maxLabelSeed = PRF_LABEL_SEED_MAX) {
    this.oneShot = sha256 !== undefined;
    this.hmac = sha256 !== undefined ? new OneShotHmacSha256(sha256, HMAC_SHA256_LEN + maxLabelSeed, slab) : new HmacSha256(slab);
    this.ab = slab !== undefined ? slab.u8(2 * HMAC_SHA256_LEN) : new Uint8Array(2 * HMAC_SHA256_LEN);
  }

  /** The digest of a hash's running state (which stays as it is), computed in this PRF's own hash,
   *  which is free between prf() calls (TLS verify_data hashes the transcript so far, then runs the
   *  PRF). Portable PRF only (a PRF on a native SHA-256 has no running state to lend). */
  digestOf(h: Sha256, out: Uint8Array, outOff: number): void {
    (this.hmac as HmacSha256).digestOf(h, out, outOff);
  }

  /**
   * Fill out[outOff…outOff+outLen] with PRF(secret, label, seed1 + seed2). seed2Len may be 0.
   * `sameKey`: the secret is the one the previous prf() was given, unchanged since. On a one-shot
   * SHA-256 the padded key blocks are then still in place and are not made again (an interpreted loop
   * over the key: a handshake's three PRFs on the master secret key it once); the portable HMAC, whose
   * hash digestOf() lends out, is keyed every time.
   */
  prf(secret: Uint8Array, sOff: number, sLen: number,
      label: Uint8Array, lOff: number, lLen: number,
      seed1: Uint8Array, s1Off: number, s1Len: number,
      seed2: Uint8Array, s2Off: number, s2Len: number,
      out: Uint8Array, outOff: number, outLen: number, sameKey = false): void {
    const h = this.hmac, a = this.ab, block = this.ab;
    const B = HMAC_SHA256_LEN;
    if (sameKey && this.oneShot) h.init(); else h.setKey(secret, sOff, sLen);
    // A(1) = HMAC(secret, label + seed)
    h.update(label, lOff, lLen).update(seed1, s1Off, s1Len).update(seed2, s2Off, s2Len).final(a, 0);
    let done = 0;
    while (done < outLen) {
      h.update(a, 0, HMAC_SHA256_LEN).update(label, lOff, lLen).update(seed1, s1Off, s1Len).update(seed2, s2Off, s2Len)
        .final(block, B);
      const n = outLen - done < HMAC_SHA256_LEN ? outLen - done : HMAC_SHA256_LEN;
      copyRange(block, B, out, outOff + done, n); // (handshake only: native under Espruino)
      done += n;
      if (done < outLen) h.update(a, 0, HMAC_SHA256_LEN).final(a, 0); // A(i+1) = HMAC(secret, A(i))
    }
    block.fill(0, B, 2 * B);
  }
}
