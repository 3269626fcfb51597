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

/** Runs fn for `ms` of this process's CPU time (at most 4 × ms of wall time); [ops, CPU ms]. CPU
 *  time, not wall time: on a shared machine the wall clock also counts the time the process waits
 *  for a core, which falls on whichever measurement happens to be descheduled; the CPU time of the
 *  process (all its threads, the GC's included) is what the operations cost. */
function slice(fn: () => number, ms: number): [number, number] {
  let ops = 0, cpu = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (;;) {
    for (let k = 0; k < 20; k++) ops += fn();
    const c = process.cpuUsage(c0);
    cpu = (c.user + c.system) / 1000;
    if (cpu >= ms || performance.now() - t0 >= 4 * ms) return [ops, Math.max(cpu, 0.001)];
  }
}

/** Operations per CPU second of fn, run for `ms` of CPU time (20 ms in short mode). */
export function opsPerSec(fn: () => number, ms = 1000): number {
  const [ops, cpu] = slice(fn, SHORT ? Math.min(ms, 20) : ms);
  return ops / (cpu / 1000);
}

/** Operations per CPU second of each of fns, measured interleaved: `rounds` rounds, each running
 *  every fn for `ms` of CPU time in turn, ops and CPU time summed over the rounds (a load that
 *  changes during the run touches all of them alike). Short mode: one round of 20 ms. */
export function interleaved(fns: (() => number)[], rounds: number, ms: number): number[] {
  const ops = fns.map(() => 0), cpu = fns.map(() => 0);
  if (SHORT) { rounds = 1; ms = Math.min(ms, 20); }
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < fns.length; k++) {
      const [n, c] = slice(fns[k], ms);
      ops[k] += n; cpu[k] += c;
    }
  }
  return ops.map((n, k) => n / (cpu[k] / 1000));
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
