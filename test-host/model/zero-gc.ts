// Zero-GC measurement for the model/objects tests: warm `pass` up until V8 has optimized it (several
// separate calls, then a pause so background compilation can finish on a loaded machine), force a
// GC, run `pass(n)` and count GC entries. Code that has not been optimized yet (or was deoptimized
// mid-run) boxes doubles in the interpreter, which is V8 tiering, not the code under test, so a
// measurement is tried up to `attempts` times; the smallest GC count is returned.
import { PerformanceObserver } from 'node:perf_hooks';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function gcsDuring(pass: (n: number) => void, n: number, attempts = 3): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let w = 0; w < 5; w++) pass(n / 5);
  let best = Infinity;
  for (let a = 0; a < attempts && best > 0; a++) {
    await sleep(50);
    pass(n / 10);
    if (gc) gc();
    let gcs = 0;
    const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
    obs.observe({ entryTypes: ['gc'] });
    pass(n);
    await sleep(20);
    obs.disconnect();
    if (gcs < best) best = gcs;
  }
  return best;
}
