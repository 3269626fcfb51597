// Every benchmark in bench/ run once in its short mode (BENCH_SHORT=1: small counts, the same code
// paths), so that a benchmark can never silently break again (issue 20 #10): each must exit 0 and
// print no `WRONG:` line (a wrong result: an image that differs, a count of answers, a checksum)
// and no `FAILED`. Timings and GC counts are not judged here (`make bench` does, in full).
// A benchmark that needs $ESPRUINO counts as skipped without it; the firmware one needs libcoap's
// coap-client-notls / coap-server-notls, which `make setup` installs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
const NEEDS: Record<string, string> = { 'espruino.bench.js': 'ESPRUINO', 'espruino-offline.bench.js': 'ESPRUINO' };

function run(file: string): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, ['--expose-gc', join(BENCH, file)], { env: { ...process.env, BENCH_SHORT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => { out += '\n[short.test] killed after 120 s'; p.kill('SIGKILL'); }, 120_000);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, out, ms: Date.now() - t0 }); });
  });
}

const files = readdirSync(BENCH).filter((n) => n.endsWith('.bench.js')).sort();
test('bench/ has its benchmarks', () => {
  for (const name of ['coap', 'dtls', 'espruino', 'firmware', 'formats', 'lwm2m', 'xs']) assert.ok(files.includes(name + '.bench.js'), name);
});
for (const f of files) {
  const need = NEEDS[f];
  const t = need && !process.env[need] ? test.skip : test;
  t(`${f} in short mode: completes, every result correct`, async () => {
    const r = await run(f);
    const bad = r.out.split('\n').filter((l) => /^WRONG:|FAILED|killed after/.test(l));
    assert.equal(bad, [], r.out.slice(-3000));
    assert.is(r.code, 0, `exit ${r.code}\n` + r.out.slice(-3000));
    console.log(`  ${f}: ${(r.ms / 1000).toFixed(1)} s`);
  });
}

test.run();
