// Counts garbage collections with a perf_hooks observer (entries arrive asynchronously).
import { PerformanceObserver } from 'node:perf_hooks';

export class GcCounter {
  private count = 0;
  private armed = false;
  /** GC kinds seen (perf_hooks: 1 minor/scavenge, 2 major, 4 incremental, 8 weak callbacks). */
  readonly kinds: number[] = [];
  private readonly obs = new PerformanceObserver((list) => {
    if (!this.armed) return;
    for (const e of list.getEntries()) { this.count++; this.kinds.push((e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0); }
  });
  constructor() { this.obs.observe({ entryTypes: ['gc'] }); }
  /** Forces a GC (needs --expose-gc), then starts counting. */
  async start(): Promise<void> {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) g();
    await new Promise((r) => setTimeout(r, 20));
    this.count = 0;
    this.armed = true;
  }
  /** Stops counting and returns the number of collections seen since start(). */
  async stop(): Promise<number> {
    await new Promise((r) => setTimeout(r, 50));
    this.armed = false;
    this.obs.disconnect();
    return this.count;
  }
}

/** Runs fn for at least `ms` and returns operations per second (fn returns how many ops it did). */
export function opsPerSec(fn: () => number, ms = 1000): number {
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) { ops += fn(); t = performance.now(); }
  return ops / ((t - t0) / 1000);
}
