// The 64-entry sliding anti-replay window (RFC 6347 §4.1.2.6, the RFC 4303 §3.4.3 algorithm).
// Sequence numbers are 48-bit and held as doubles (exact); the bitmap is two 32-bit halves:
// bit d of (hi:lo) says whether `top - d` has been received.

export const REPLAY_WINDOW = 64;

export class ReplayWindow {
  top = -1;
  private lo = 0;
  private hi = 0;

  reset(): void { this.top = -1; this.lo = 0; this.hi = 0; }

  /** True if `seq` is new and inside the window (check before authentication, mark after). */
  check(seq: number): boolean {
    if (this.top < 0 || seq > this.top) return true;
    const d = this.top - seq;
    if (d >= REPLAY_WINDOW) return false;
    const bit = d < 32 ? (this.lo >>> d) & 1 : (this.hi >>> (d - 32)) & 1;
    return bit === 0;
  }

  /** Record `seq` as received (only for records that authenticated). */
  mark(seq: number): void {
    if (this.top < 0) { this.top = seq; this.lo = 1; this.hi = 0; return; }
    if (seq > this.top) {
      const s = seq - this.top;
      if (s >= REPLAY_WINDOW) { this.lo = 0; this.hi = 0; }
      else if (s >= 32) { this.hi = s === 32 ? this.lo : this.lo << (s - 32); this.lo = 0; }
      else { this.hi = (this.hi << s) | (this.lo >>> (32 - s)); this.lo = this.lo << s; }
      this.lo |= 1;
      this.top = seq;
      return;
    }
    const d = this.top - seq;
    if (d < 32) this.lo |= 1 << d;
    else if (d < REPLAY_WINDOW) this.hi |= 1 << (d - 32);
  }
}
