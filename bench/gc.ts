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

/** Runs fn for at least `ms` (20 ms at most in short mode) and returns operations per second (fn returns how many ops it did). */
export function opsPerSec(fn: () => number, ms = 1000): number {
  if (SHORT) ms = Math.min(ms, 20);
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) { ops += fn(); t = performance.now(); }
  return ops / ((t - t0) / 1000);
}

/** Short mode (`BENCH_SHORT=1`, or `node build/bench/run.js --short`): every benchmark runs its
 *  same code paths once with small counts, for CI (test-host/bench/short.test.ts). It asserts that
 *  each completes and that its results are correct, never a timing — and not the zero-GC counts
 *  either, which need the full warm-up and run (they are printed, not judged). */
export const SHORT = process.env.BENCH_SHORT === '1' || process.argv.includes('--short');

/** `full` in a normal run, `short` in short mode. */
export function size(full: number, short: number): number { return SHORT ? short : full; }

/** A wrong result: prints `WRONG: what` (the short pass fails on such a line) and fails the run. */
export function wrong(what: string): void {
  console.log('WRONG: ' + what);
  process.exitCode = 1;
}

/** A zero-GC proof's verdict: a GC fails the full run; in short mode the count is only printed. */
export function expectNoGc(count: number): void {
  if (count !== 0 && !SHORT) process.exitCode = 1;
}
