// Bad input under Espruino (needs $ESPRUINO; the same suite also runs here under V8, so CI checks it
// without Espruino): fuzz-suite.ts inside Espruino through the XS harness.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildEspruino } from '../../host/espruino-build.js';
import { vectorStore, injectVectorsHere } from '../xs/host.js';
import { ESPRUINO, TEST_PROLOGUE, runEspruino, suiteRunner, tagged } from './espruino.js';

injectVectorsHere();
await import('./fuzz-entry.js');
const handle = (globalThis as unknown as { handleCommand: (m: ArrayBuffer) => ArrayBuffer }).handleCommand;
const cmd = (s: string): any => JSON.parse(new TextDecoder().decode(new Uint8Array(handle(new TextEncoder().encode(s).buffer as ArrayBuffer))));
const names = cmd('list') as string[];

names.forEach((n, i) => {
  test(`V8: ${n}`, () => { const r = cmd('run ' + i); if (!r.ok) assert.unreachable(r.error); });
});

if (!ESPRUINO) {
  for (const n of names) test.skip(`espruino: ${n}`, () => {});
} else {
  const b = await buildEspruino({ entry: 'test-host/espruino/fuzz-entry.ts', prologue: TEST_PROLOGUE, epilogue: suiteRunner(), globals: { __lwm2mVectors: vectorStore() } });
  const run = await runEspruino(ESPRUINO, [['fuzz.js', b.code]], { timeoutMs: 200_000 });
  const results = new Map(tagged(run.out, 'test').map((l) => { const [n, ok, err] = JSON.parse(l); return [n as string, { ok: ok as boolean, err: err as string }]; }));
  for (const n of names) {
    test(`espruino: ${n}`, () => {
      const r = results.get(n);
      if (!r) return assert.unreachable('not run under Espruino; output:\n' + run.out.replace(/ {20,}/g, ' ').slice(-2000));
      if (!r.ok) assert.unreachable(r.err);
    });
  }
}

test.run();
