// The core under a real Espruino (needs $ESPRUINO: an Espruino interpreter built for Linux; skipped
// without it): the XS suites — CoAP, crypto and format vectors, the client hook and the whole-client
// scenario sized by boards/esp32 — bundled by host/espruino-build.ts (ES5, the prelude, the module
// loader) and run inside Espruino through the same harness as under XS (its command handler); every
// differential check's string must equal V8's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildEspruino } from '../../host/espruino-build.js';
import { vectorStore, injectVectorsHere } from '../xs/host.js';
import { ESPRUINO, TEST_PROLOGUE, runEspruino, suiteRunner, tagged } from './espruino.js';

// Vectors too long for an interpreter within the runner's time limit (SHA-256 of 1,000,000 bytes:
// minutes under Espruino on Linux); reported as skipped. The same code runs the shorter vectors.
const SLOW = /1,000,000/;

const EPILOGUE = suiteRunner(SLOW);

// The names are known without Espruino (the same suites under V8), so a skip lists them all.
injectVectorsHere();
await import('../xs/entry.js');
const { differentialChecks } = await import('../xs/harness.js');
const v8 = differentialChecks();
const handle = (globalThis as unknown as { handleCommand: (m: ArrayBuffer) => ArrayBuffer }).handleCommand;
const v8Names = JSON.parse(new TextDecoder().decode(new Uint8Array(handle(new TextEncoder().encode('list').buffer as ArrayBuffer)))) as string[];

function digits8(s: string): string {
  return s.replace(/-?\d+\.\d+(e[-+]?\d+)?/g, (t) => String(Number(Number(t).toPrecision(8))));
}

if (!ESPRUINO) {
  for (const n of v8Names) test.skip(`espruino: ${n}`, () => {});
  for (const n of v8.names) test.skip(`espruino = V8: ${n}`, () => {});
} else {
  const bundle = await buildEspruino({
    entry: 'test-host/xs/entry.ts', prologue: TEST_PROLOGUE, epilogue: EPILOGUE,
    globals: { __lwm2mVectors: vectorStore() },
  });
  const run = await runEspruino(ESPRUINO, [['suites.js', bundle.code]], { timeoutMs: 200_000, keep: !!process.env.KEEP });
  if (process.env.KEEP) console.log(run.dir);
  const results = new Map(tagged(run.out, 'test').map((l) => { const [n, ok, err] = JSON.parse(l); return [n as string, { ok: ok as boolean, err: err as string }]; }));
  const sames = new Map(tagged(run.out, 'same').map((l) => { const [n, ok, v] = JSON.parse(l); return [n as string, { ok: ok as boolean, v: v as string }]; }));
  test('espruino: the test bundle loads and runs to the end', () => {
    assert.ok(tagged(run.out, 'done').length === 1, 'no @done line; output:\n' + run.out.slice(-3000));
  });
  for (const n of v8Names) {
    if (SLOW.test(n)) { test.skip(`espruino: ${n}`, () => {}); continue; }
    test(`espruino: ${n}`, () => {
      const r = results.get(n);
      if (!r) return assert.unreachable("not run under Espruino");
      if (!r.ok) assert.unreachable(r.err);
    });
  }
  v8.names.forEach((n, i) => {
    test(`espruino = V8: ${n}`, () => {
      const r = sames.get(n);
      if (!r) return assert.unreachable("not run under Espruino");
      if (!r.ok) assert.unreachable(r.v);
      // Espruino prints numbers with ~12 significant digits (String(22.399999999999658) is "22.4"):
      // the transcripts' decimal numbers are compared to 8 significant digits; the encoded bytes exactly.
      assert.equal(digits8(r.v), digits8(v8.run(i)));
    });
  });
}

test.run();
