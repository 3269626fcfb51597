// A small deterministic generator (xorshift32) for retransmission jitter, message IDs and tokens.
// Seeded from the HAL's random source at construction, so tests with a seeded HAL are repeatable.
// RFC 7252 §5.3.1 asks for tokens that are hard to guess on unsecured links: reseed it from real
// randomness (the HAL does) and use DTLS where that matters.

export class Prng {
  private s = 0x9e3779b9;

  seed(bytes: Uint8Array, off: number, len: number): void {
    let s = 0x9e3779b9;
    for (let j = 0; j < len; j++) s = Math.imul(s ^ bytes[off + j], 0x01000193) >>> 0;
    this.s = s === 0 ? 1 : s;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }

  /** A float in [0, 1). */
  float(): number { return this.next() / 4294967296; }
}
