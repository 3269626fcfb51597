// A two-peer harness on a virtual clock for the DTLS client and the in-process server: a lossy,
// reordering, duplicating channel driven by a seeded generator, with a step limit so a run that
// never goes idle fails instead of hanging.
import { DtlsSession } from '../../src/dtls/session.js';
import { TestDtlsServer } from './server.js';

export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

/** A deterministic random(buf, off, len) for the client. */
export function seededRandom(seed: number): (b: Uint8Array, o: number, l: number) => void {
  const r = xorshift(seed);
  return (b, o, l) => { for (let i = 0; i < l; i++) b[o + i] = (r() * 256) | 0; };
}

export interface ChannelOptions { loss?: number; maxDelay?: number; dup?: number; seed?: number }

export class Sim {
  now = 0;
  steps = 0;
  toServer = 0; toClient = 0; bytesToServer = 0; bytesToClient = 0;
  app: Buffer[] = [];
  /** Every datagram the client sent, in order. */
  clientSent: Buffer[] = [];
  /** Hook: may replace or drop a datagram going to the client (return null to drop). */
  filterToClient: ((d: Buffer) => Buffer | null) | null = null;
  private q: Array<{ at: number; n: number; to: 'c' | 's'; d: Buffer }> = [];
  private order = 0;
  private rng: () => number;
  private out = new Uint8Array(2048);
  private appBuf = new Uint8Array(2048);

  constructor(readonly client: DtlsSession, readonly server: TestDtlsServer, readonly opt: ChannelOptions = {}) {
    this.rng = xorshift(opt.seed ?? 1);
  }

  private send(to: 'c' | 's', d: Buffer): void {
    if (to === 's') { this.clientSent.push(d); this.toServer++; this.bytesToServer += d.length; } else { this.toClient++; this.bytesToClient += d.length; }
    const copies = this.opt.dup && this.rng() < this.opt.dup ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.opt.loss && this.rng() < this.opt.loss) continue;
      const at = this.now + (this.opt.maxDelay ? Math.floor(this.rng() * this.opt.maxDelay) : 0);
      this.q.push({ at, n: this.order++, to, d });
    }
  }

  /** Deliver a datagram to the client now (for replay/tamper tests); returns receive()'s result. */
  deliverToClient(d: Uint8Array): number {
    const r = this.client.receive(d, 0, d.length, this.now, this.appBuf, 0);
    if (r > 0) this.app.push(Buffer.from(this.appBuf.subarray(0, r)));
    return r;
  }

  private drain(): void {
    let n;
    while ((n = this.client.transmit(this.out, 0)) > 0) this.send('s', Buffer.from(this.out.subarray(0, n)));
    for (const d of this.server.transmit()) this.send('c', d);
  }

  /** Run until `done()` or idle. Returns true if done() became true. */
  run(done: () => boolean, maxSteps = 20000): boolean {
    for (;;) {
      if (++this.steps > maxSteps) throw new Error('simulation did not settle');
      this.drain();
      if (done()) return true;
      let next = Math.min(this.client.poll(this.now), this.server.poll(this.now));
      for (const e of this.q) next = Math.min(next, e.at);
      if (next === Infinity) return done();
      if (next > this.now) this.now = next;
      this.q.sort((a, b) => a.at - b.at || a.n - b.n);
      while (this.q.length && this.q[0].at <= this.now) {
        const e = this.q.shift()!;
        if (e.to === 's') this.server.receive(e.d, this.now);
        else {
          const d = this.filterToClient ? this.filterToClient(e.d) : e.d;
          if (d) this.deliverToClient(d);
        }
        this.drain();
      }
      this.client.poll(this.now);
      this.server.poll(this.now);
    }
  }
}
