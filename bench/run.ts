// `make bench`: runs every benchmark (bench/*.bench.js) as its own process with --expose-gc.
//   node build/bench/run.js [name] [--short]
// --short: each benchmark's short mode (BENCH_SHORT=1: small counts, the same code paths, results
// checked, timings and GC counts not judged), as CI runs it (test-host/bench/short.test.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const short = args.includes('--short');
const only = args.find((a) => a !== '--short');
const env = short ? { ...process.env, BENCH_SHORT: '1' } : process.env;
let failed = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.bench.js')).sort()) {
  if (only && !f.includes(only)) continue;
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, f)], { stdio: 'inherit', env });
  if (r.status !== 0) { failed++; console.log(`=== ${f} FAILED (exit ${r.status ?? r.signal})`); }
}
process.exitCode = failed ? 1 : 0;
