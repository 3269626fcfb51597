// The network simulator: sans-IO cores joined by a virtual clock and a seeded lossy network with
// delay, loss, duplication and reordering. Deterministic: the same seed gives the same run. Every
// datagram that crosses the wire is recorded, so tests assert on what a peer would see.
// A run has a step limit: one that never goes idle fails instead of hanging.

import type { SansIoCore } from '../hal/hal.js';
import { PeerAddress, parseAddress, formatAddress } from '../src/coap/peer.js';

export interface LinkOptions {
  /** Probability a datagram is lost (0…1). */
  loss?: number;
  /** Probability a datagram is delivered twice. */
  duplicate?: number;
  /** Base one-way delay, ms. */
  delay?: number;
  /** Extra uniformly random delay up to this many ms (reorders datagrams). */
  jitter?: number;
}

export interface WireRecord { t: number; from: string; to: string; bytes: Uint8Array; dropped: boolean }

interface Node { name: string; addr: PeerAddress; core: SansIoCore; deadline: number }
interface Flight { at: number; seq: number; to: Node | null; toAddr: PeerAddress; from: PeerAddress; bytes: Uint8Array }

/** A small seeded PRNG (mulberry32) for the network's decisions. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimNetwork {
  now = 0;
  readonly wire: WireRecord[] = [];
  private readonly nodes: Node[] = [];
  private flights: Flight[] = [];
  private seq = 0;
  private readonly rand: () => number;
  private readonly out = new Uint8Array(65536);
  opts: Required<LinkOptions>;
  /** Optional per-datagram filter: return false to drop it (targeted loss in a test). */
  filter: ((from: string, to: string, bytes: Uint8Array, t: number) => boolean) | null = null;
  /** Datagrams addressed to nobody in the simulation. */
  undeliverable = 0;

  constructor(seed: number, opts: LinkOptions = {}) {
    this.rand = rng(seed);
    this.opts = { loss: 0, duplicate: 0, delay: 1, jitter: 0, ...opts };
  }

  /** Adds a core at "host:port" (IPv4 or [IPv6]). */
  add(name: string, host: string, port: number, core: SansIoCore): PeerAddress {
    const addr = new PeerAddress();
    if (!parseAddress(host, port, addr)) throw new Error('bad address ' + host);
    this.nodes.push({ name, addr, core, deadline: 0 });
    return addr;
  }

  nameOf(a: PeerAddress): string {
    for (const n of this.nodes) if (n.addr.equals(a)) return n.name;
    return formatAddress(a) + ':' + a.port;
  }

  /** Injects a datagram as if `from` had sent it to `to` (for scripted peers). */
  inject(from: PeerAddress, to: PeerAddress, bytes: Uint8Array, delay = 0): void {
    const node = this.nodes.find((n) => n.addr.equals(to)) || null;
    const f = new PeerAddress(); f.set(from);
    const t = new PeerAddress(); t.set(to);
    this.flights.push({ at: this.now + delay, seq: this.seq++, to: node, toAddr: t, from: f, bytes: bytes.slice() });
  }

  private send(from: Node, to: PeerAddress, bytes: Uint8Array): void {
    const rec: WireRecord = { t: this.now, from: from.name, to: this.nameOf(to), bytes: bytes.slice(), dropped: false };
    this.wire.push(rec);
    if (this.filter && !this.filter(rec.from, rec.to, rec.bytes, this.now)) { rec.dropped = true; return; }
    if (this.rand() < this.opts.loss) { rec.dropped = true; return; }
    const copies = this.rand() < this.opts.duplicate ? 2 : 1;
    const node = this.nodes.find((n) => n.addr.equals(to)) || null;
    if (!node) this.undeliverable++;
    for (let c = 0; c < copies; c++) {
      const at = this.now + this.opts.delay + this.rand() * this.opts.jitter;
      const t = new PeerAddress(); t.set(to);
      this.flights.push({ at, seq: this.seq++, to: node, toAddr: t, from: from.addr, bytes: rec.bytes });
    }
  }

  /** Polls a node and sends everything it has queued. */
  private service(n: Node): void {
    n.deadline = n.core.poll(this.now);
    for (let guard = 0; guard < 1000; guard++) {
      const len = n.core.transmit(this.out, 0);
      if (len <= 0) return;
      this.send(n, n.core.txPeer, this.out.subarray(0, len));
      n.deadline = n.core.poll(this.now);
    }
    throw new Error('sim: a core transmitted 1000 datagrams in one step');
  }

  /** Wakes every node now (after the test changed something in a core directly). */
  kick(): void { for (const n of this.nodes) this.service(n); }

  /** Advances to the next event and processes it; false when nothing is left to do before `until`. */
  step(until: number): boolean {
    let next = Infinity;
    for (const f of this.flights) if (f.at < next) next = f.at;
    for (const n of this.nodes) if (n.deadline < next) next = n.deadline;
    if (next === Infinity || next > until) { if (until !== Infinity) this.now = Math.max(this.now, until); return false; }
    this.now = Math.max(this.now, next);
    const due = this.flights.filter((f) => f.at <= this.now).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.flights = this.flights.filter((f) => f.at > this.now);
    for (const f of due) {
      if (!f.to) continue;
      f.to.core.receive(f.bytes, 0, f.bytes.length, f.from, this.now);
      this.service(f.to);
    }
    for (const n of this.nodes) if (n.deadline <= this.now) this.service(n);
    return true;
  }

  /** Runs until `done()` holds (checked after every step) or until `until` ms; throws after maxSteps. */
  run(opts: { until?: number; done?: () => boolean; maxSteps?: number } = {}): number {
    const until = opts.until ?? Infinity;
    const maxSteps = opts.maxSteps ?? 100_000;
    this.kick();
    for (let s = 0; s < maxSteps; s++) {
      if (opts.done && opts.done()) return s;
      if (!this.step(until)) return s;
    }
    throw new Error(`sim: no idle after ${maxSteps} steps (t=${this.now})`);
  }

  /** Runs for `ms` of virtual time. */
  advance(ms: number): void { this.run({ until: this.now + ms }); }
}
