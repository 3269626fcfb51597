// The DTLS client under the real XS engine: a full handshake replayed from a transcript recorded here
// against the in-process server must connect in XS, produce the same bytes as under V8 (a checksum of
// everything the client sent and decrypted), and not grow XS's heap across runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Replay } from './xs-replay.js';
import { cidRestore } from './xs-cid-restore.js';
import { recordTranscript } from './replay-record.js';
import { repoRoot } from '../vectors.js';
import type { XsWorker as XsWorkerType } from '../xs/host.js';

// Record the transcript before anything loads @endo/init (its lockdown hardens the process).
const transcript = recordTranscript();
const underV8 = new Replay(transcript).run();
const cidUnderV8 = cidRestore(new Replay(transcript));

const { bundleForXs, XsWorker } = await import('../xs/host.js');
let worker: XsWorkerType | null = null;
let loadError: unknown = null;
try {
  const bundle = await bundleForXs(join(repoRoot(), 'test-host', 'dtls', 'xs-entry.ts'), [], true);
  worker = await XsWorker.start();
  await worker.evaluate('globalThis.__dtlsTranscript = ' + JSON.stringify(transcript) + ';');
  await worker.evaluate(bundle);
} catch (e) { loadError = e; }

test('the transcript replays under V8', () => {
  assert.ok(underV8 > 0, `V8 replay: ${underV8}`);
  assert.ok(transcript.serverDatagrams.length >= 3);
});

test('xs: the DTLS bundle loads', () => { if (loadError) throw loadError; });

test('xs: the replayed handshake connects and gives the same checksum as V8', async () => {
  if (!worker) return;
  const names = await worker.tests();
  for (let i = 0; i < names.length; i++) {
    const r = await worker.runTest(i);
    if (!r.ok) assert.unreachable(`${names[i]}: ${r.error}`);
  }
  const r = await worker.scenario('dtls.checksum');
  assert.ok(r.ok, r.error);
  assert.is(r.result, underV8);
});

test('xs: a CID connection written and taken back (persist.ts) seals the same records as under V8', async () => {
  assert.ok(cidUnderV8 > 0, `V8: ${cidUnderV8}`);
  if (!worker) return;
  const r = await worker.scenario('dtls.cid-restore');
  assert.ok(r.ok, r.error);
  assert.is(r.result, cidUnderV8);
});

test('xs heap: slot count after 50 replayed handshakes equals that after 5 (warmed up)', async () => {
  if (!worker) return;
  for (let k = 0; k < 2; k++) { await worker.loop('dtls.handshake', 5); await worker.loop('dtls.handshake', 50); }
  const a = (await worker.loop('dtls.handshake', 5)).heapCount;
  const b = (await worker.loop('dtls.handshake', 50)).heapCount;
  assert.is(await worker.result(), underV8);
  assert.ok(a > 0);
  assert.is(b, a, `slots after 50 handshakes (${b}) vs after 5 (${a})`);
});

// After the handshakes above: no typed array src/ created while its modules loaded was written (on the
// device they are preloaded into read-only flash; test-host/xs/preload-begin.ts).
test('xs preload: the DTLS handshakes write no array created while src/ loaded', async () => {
  if (!worker) return;
  const r = await worker.json<{ count: number; violations: string[] | null }>('preload');
  assert.ok(r.violations !== null && r.count > 0, `recorded ${r.count} arrays`);
  assert.equal(r.violations, []);
});

test.after(async () => { await worker?.close(); });

test.run();
