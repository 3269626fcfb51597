// `DEMO_FOTA=1 make demo` end to end (the real CLI client with --firmware-dir, the host servers): the
// server serves an image, the client pulls it, Execute Update applies it, the client restarts into
// it and reports Update Result 1 and the new /3/0/3, then a push — plain and over DTLS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';

const demo = join(repoRoot(), 'build', 'host', 'demo.js');

for (const secure of [false, true]) {
  test(`DEMO_FOTA=1${secure ? ' DEMO_SECURE=1' : ''} make demo: pull, update, restart with Update Result 1 and /3/0/3 = 2.0.0, push`, async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [demo], { env: { ...process.env, DEMO_FOTA: '1', DEMO_SECURE: secure ? '1' : '0' } });
      let out = '';
      c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
      const t = setTimeout(() => c.kill('SIGKILL'), 130_000);
      c.on('close', (code) => { clearTimeout(t); resolve({ code, out }); });
    });
    assert.is(r.code, 0, r.out.slice(-3000));
    const steps = r.out.split('\n').filter((l) => l.includes(' ✓ ')).map((l) => l.replace(/^.*✓ /, ''));
    const fw = steps.slice(7, 12);
    const order = [new RegExp(`fw-serve .* → ${secure ? 'coaps' : 'coap'}://127\\.0\\.0\\.1:\\d+/fw/app-2\\.0\\.0\\.bin`), /pulled the image with Block2 GETs: State 2/,
      /execute \/5\/0\/2 \(Update\) → 2\.04/, /restarted into the new image: Update Result 1, \/3\/0\/3 = 2\.0\.0/, /fw-push \(Block1, 1024-byte blocks\): State 2/];
    order.forEach((re, k) => assert.match(fw[k] ?? '', re, steps.join('\n')));
    assert.match(r.out, /firmware: applied .* \(version 2\.0\.0\); rebooting into it/);
    assert.match(r.out, /demo-device firmware State: 1 \(Downloading\)/);
    assert.match(r.out, /done: all 14 steps/);
  });
}

test.run();
