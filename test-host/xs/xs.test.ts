// The core under the real XS engine (Moddable's, through @agoric/xsnap): every test the XS suites
// register (test-host/xs/entry.ts lists them) runs inside XS and is reported here as a uvu test; then
// the heap meter shows that the codec's hot path allocates nothing under XS. This file is a process
// of its own (the suite runner spawns each test file), which @endo/init's lockdown needs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs, injectVectorsHere, XsWorker } from './host.js';
import { clientFootprint, itemRows, xsTableMarkdown, xsTableIn, ESP32_BUDGET } from './memory.js';
import { measureApiMemory, apiMemoryMarkdown, apiTableIn, type ApiMemory } from './api-memory.js';
import { makeConfig, memoryTable, type Config } from '../../src/config.js';
import { repoRoot } from '../vectors.js';

// A bundle that fails to build or to load in XS is reported as one failing test, not a crash.
let worker: XsWorker | null = null;
let names: string[] = [];
let loadError: unknown = null;
try {
  // The application API's suite (suites/api.ts) is bundled for XS only: its Espruino build is the
  // packaging issue's (the Espruino engine test bundles entry.ts alone).
  worker = await XsWorker.load(await bundleForXs(undefined, ['test-host/xs/suites/api.ts']));
  names = await worker.tests();
} catch (e) {
  loadError = e;
}

if (loadError || !worker) {
  test('xs: the bundle builds and loads in XS', () => { throw loadError; });
} else {
  const xs = worker;
  names.forEach((name, i) => {
    test(`xs: ${name}`, async () => {
      const r = await xs.runTest(i);
      if (!r.ok) assert.unreachable(r.error || 'failed');
    });
  });

  // Differential checks: the same suite code, imported here under V8, must compute the same strings.
  injectVectorsHere();
  await import('./entry.js');
  const { differentialChecks } = await import('./harness.js');
  const v8 = differentialChecks();
  const sames = await xs.json<string[]>('sames');
  sames.forEach((name, i) => {
    test(`xs = v8: ${name}`, async () => {
      const r = await xs.json<{ ok: boolean; value?: string; error?: string }>(`same ${i}`);
      if (!r.ok) assert.unreachable(r.error || 'failed under XS');
      const k = v8.names.indexOf(name);
      assert.ok(k >= 0, 'not registered under V8');
      assert.fixture(r.value as string, v8.run(k));
    });
  });

  test('xs: the bundle registers the CoAP suite and its hot loop', async () => {
    assert.ok(names.length >= 20, `${names.length} tests`);
    assert.ok((await xs.loops()).includes('coap.roundtrip'));
  });

  test('xs: the codec loop computes the same checksum under XS as under V8', async () => {
    await xs.loop('coap.roundtrip', 1000);
    const underXs = await xs.result();
    // The same function, bundled for Node from the same source: a differential check of the engines.
    injectVectorsHere();
    const { coapRoundTrip } = await import('./suites/coap-message.js');
    assert.is(underXs, coapRoundTrip(1000));
    assert.ok(underXs > 0);
  });

  // ARCHITECTURE.md §2: under XS, the heap's slot count does not grow with the number of requests.
  // Each 'loop' command runs gc() first, then the loop; the meter reads the slots in use at the end.
  test('xs heap: slot count after 10,000 codec round trips equals that after 100 (warmed up)', async () => {
    for (let k = 0; k < 3; k++) { await xs.loop('coap.roundtrip', 100); await xs.loop('coap.roundtrip', 10_000); }
    const after100 = (await xs.loop('coap.roundtrip', 100)).heapCount;
    const after10k = (await xs.loop('coap.roundtrip', 10_000)).heapCount;
    const again100 = (await xs.loop('coap.roundtrip', 100)).heapCount;
    assert.ok(after100 > 0, `heap count ${after100}`);
    assert.is(after10k, after100, `slots after 10,000 round trips (${after10k}) vs after 100 (${after100})`);
    assert.is(again100, after100);
  });

  test('xs heap: slot count after 2,000 DTLS-record CCM seal+open equals that after 20 (warmed up)', async () => {
    for (let k = 0; k < 2; k++) { await xs.loop('crypto.ccm-record', 20); await xs.loop('crypto.ccm-record', 2_000); }
    const a = (await xs.loop('crypto.ccm-record', 20)).heapCount;
    const b = (await xs.loop('crypto.ccm-record', 2_000)).heapCount;
    assert.ok(await xs.result() !== -1 && await xs.result() !== -2, 'seal/open failed under XS');
    assert.is(b, a, `slots after 2,000 records (${b}) vs after 20 (${a})`);
  });

  test('xs heap: the whole client answers 10,000 Read requests with no growth of the slot count (after 100 = after 10,000)', async () => {
    for (let k = 0; k < 2; k++) { await xs.loop('client.read', 100); await xs.loop('client.read', 2_000); }
    const a = (await xs.loop('client.read', 100)).heapCount;
    const b = (await xs.loop('client.read', 10_000)).heapCount;
    assert.is(await xs.result(), 10_000 * 19, 'every Read answered (19-byte 2.05 responses)');
    const c = (await xs.loop('client.read', 100)).heapCount;
    assert.is(b, a, `slots after 10,000 requests (${b}) vs after 100 (${a})`);
    assert.is(c, a);
  });

  test('xs heap: a firmware push (Block1 Writes of /5/0/0, 512 B each, into the store) does not grow the slot count (after 100 blocks = after 5,000)', async () => {
    for (let k = 0; k < 2; k++) { await xs.loop('firmware.push', 100); await xs.loop('firmware.push', 1_000); }
    const a = (await xs.loop('firmware.push', 100)).heapCount;
    const b = (await xs.loop('firmware.push', 5_000)).heapCount;
    assert.is(await xs.result(), 5_000, 'every block answered 2.31 or 2.04');
    const c = (await xs.loop('firmware.push', 100)).heapCount;
    assert.is(b, a, `slots after 5,000 blocks (${b}) vs after 100 (${a})`);
    assert.is(c, a);
  });

  test('xs heap: the meter does see allocation (control loop allocating one Uint8Array per iteration)', async () => {
    await xs.loop('control.allocate', 100);
    const a = (await xs.loop('control.allocate', 100)).heapCount;
    const b = (await xs.loop('control.allocate', 1_000)).heapCount;
    assert.ok(b > a + 500, `slots after 1,000 allocations (${b}) vs after 100 (${a})`);
  });

  // The whole client sized by boards/esp32/config.json, after the bootstrap scenario (suites/scenario.ts).
  test('xs heap: 10,000 Read /3/0 (TLV) exchanges leave the slot count where 100 left it', async () => {
    for (let k = 0; k < 2; k++) { await xs.loop('client.read-3-0', 100); await xs.loop('client.read-3-0', 2_000); }
    const a = (await xs.loop('client.read-3-0', 100)).heapCount;
    const b = (await xs.loop('client.read-3-0', 10_000)).heapCount;
    assert.ok(await xs.result() > 10_000 * 40, 'every Read /3/0 answered 2.05 in TLV');
    assert.is(b, a, `slots after 10,000 Read /3/0 (${b}) vs after 100 (${a})`);
  });

  test('xs heap: 10,000 notifications of /3303/0/5700 leave the slot count where 100 left it', async () => {
    for (let k = 0; k < 2; k++) { await xs.loop('client.notify', 100); await xs.loop('client.notify', 2_000); }
    const a = (await xs.loop('client.notify', 100)).heapCount;
    const b = (await xs.loop('client.notify', 10_000)).heapCount;
    assert.ok(await xs.result() > 10_000 * 10, 'every set produced a notification');
    assert.is(b, a, `slots after 10,000 notifications (${b}) vs after 100 (${a})`);
  });

  // Issue 18: the application API's set() (TemperatureSensor through the public entry point) with a
  // notification on the wire each time allocates no slot under XS.
  test('xs heap: 10,000 TemperatureSensor.set() (public API) with a notification each leave the slot count where 100 left it', async () => {
    for (let k = 0; k < 2; k++) { await xs.loop('api.set-notify', 100); await xs.loop('api.set-notify', 2_000); }
    const a = (await xs.loop('api.set-notify', 100)).heapCount;
    const b = (await xs.loop('api.set-notify', 10_000)).heapCount;
    assert.is(await xs.result(), 10_000, 'a notification per set()');
    assert.is(b, a, `slots after 10,000 set() (${b}) vs after 100 (${a})`);
  });

  // Issue 18's XS figures for the API (test-host/xs/api-memory.ts; docs/performance.md's xs-api-memtable).
  let apiMem: ApiMemory | null = null;
  const apiMemory = async (): Promise<ApiMemory> => (apiMem ??= await measureApiMemory(xs));

  // Issue 18's target: one esp32 client with four application objects under 48 KB (56,156 B when the XS
  // probes were corrected; docs/xs-memory.md says what brought it under).
  test('xs memory (public API): one esp32 client with four application objects (3303, 3304, 3311, 3347) fits in 48 KB', async () => {
    const m = await apiMemory();
    console.log(`xs: four application objects: ${m.four.esp32Bytes} B (48 KB: ${ESP32_BUDGET} B)`);
    assert.ok(m.four.esp32Bytes < ESP32_BUDGET, `four application objects: ${m.four.slots} slots × 16 + ${m.four.chunkBytes} chunk bytes = ${m.four.esp32Bytes} B ≥ ${ESP32_BUDGET} B`);
  });

  test('xs memory (public API): one more sensor instance costs a few slots; docs/performance.md\'s API table is the one measured now', async () => {
    const m = await apiMemory();
    console.log(`xs: each more TemperatureSensor instance (public API) keeps ${m.perSame.slots} slots + ${m.perSame.bytes} B (table sized the same), ${m.perRoom.slots} slots + ${m.perRoom.bytes} B with its table room`);
    assert.ok(m.perSame.slots > 0 && m.perSame.slots <= 48, `${m.perSame.slots} slots per instance`);
    assert.ok(m.perRoom.bytes > m.perSame.bytes, 'the table room costs bytes');
    assert.ok(m.four.slots > m.none.slots && m.four.chunkBytes > m.none.chunkBytes, JSON.stringify(m));
    assert.is(apiTableIn(readFileSync(join(repoRoot(), 'docs', 'performance.md'), 'utf8')), apiMemoryMarkdown(m),
      'docs/performance.md\'s XS API memory table is stale: run node build/test-host/xs/api-memory.js --write');
  });

  // docs/xs-memory.md: the footprint of one client built with the esp32 board's config, under XS.
  const esp32 = JSON.parse(readFileSync(join(repoRoot(), 'boards', 'esp32', 'config.json'), 'utf8')) as
    { config: Partial<Config>; xsFootprint: { slots: number; chunkBytes: number; esp32Bytes: number } };
  const valid = (c: Partial<Config>) => { try { makeConfig(c); return true; } catch { return false; } };

  test('xs memory: the esp32 client footprint is measured, stable, and within what boards/esp32/config.json records', async () => {
    await clientFootprint(xs, esp32.config); // warm-up: the first construction interns names
    const a = await clientFootprint(xs, esp32.config);
    const b = await clientFootprint(xs, esp32.config);
    assert.equal(b, a, 'the same footprint twice');
    assert.ok(a.slots > 500 && a.chunkBytes > 10_000, JSON.stringify(a));
    assert.ok(a.esp32Bytes <= esp32.xsFootprint.esp32Bytes,
      `esp32 client: ${a.slots} slots × 16 + ${a.chunkBytes} chunk bytes = ${a.esp32Bytes} B, more than the ${esp32.xsFootprint.esp32Bytes} B recorded in boards/esp32/config.json xsFootprint`);
  });

  test('xs memory: per-item figures (each key moved by its step) are sane', async () => {
    const base = await clientFootprint(xs, esp32.config);
    const rows = await itemRows(xs, esp32.config, base, valid);
    const row = (k: string) => rows.find((r) => r.key === k)!;
    assert.is(rows.length, 12);
    // A session keeps only its connection state; the handshake state is one DtlsWorkspace per client
    // (measured at 2,672 B per session; it was ~32 KB when each session had its own handshake state).
    assert.ok(row('dtlsSessions').esp32Bytes > 1000 && row('dtlsSessions').esp32Bytes < 6000,
      `a DTLS session without its handshake state: ${row('dtlsSessions').esp32Bytes} B`);
    assert.ok(row('requestRingDepth').chunkBytes >= (esp32.config.maxDatagram as number));
    assert.ok(row('maxPeers').slots > 0, 'a peer record is an object');
    for (const r of rows) assert.ok(r.esp32Bytes >= 0, r.key);
    // The README shows this table: it must be the one measured now.
    const inReadme = xsTableIn(readFileSync(join(repoRoot(), 'docs', 'performance.md'), 'utf8'));
    assert.is(inReadme, xsTableMarkdown('esp32', makeConfig(esp32.config), rows, base),
      'docs/performance.md\'s XS memory table is stale: run node build/test-host/xs/memory-table.js esp32 --write');
  });

  test('xs memory: the esp32 sizes without DTLS sessions fit in 48 KB (slots × 16 + chunk bytes)', async () => {
    const fp = await clientFootprint(xs, { ...esp32.config, dtlsSessions: 0 });
    assert.ok(fp.esp32Bytes < ESP32_BUDGET, `${fp.esp32Bytes} B`);
  });

  // Issue 6's target for the default board, DTLS buffers included: 48 KB (49,152 B) on the ESP32.
  test('xs memory: the esp32 client (objects 0,1,2,3,4,3303, one server, 2 DTLS sessions) fits in 48 KB', async () => {
    const fp = await clientFootprint(xs, esp32.config);
    assert.ok(fp.esp32Bytes < ESP32_BUDGET, `esp32 client: ${fp.slots} slots × 16 + ${fp.chunkBytes} chunk bytes = ${fp.esp32Bytes} B ≥ ${ESP32_BUDGET} B`);
  });

  // The codecs and the float scratch are module state created at run time (on the device the modules
  // are preloaded into read-only flash). Measured in fresh workers, with every format's codecs built:
  // the client and all of it together still fit (52,032 B when the XS probes were corrected).
  test('xs memory: the esp32 client plus the module state (all six formats\' codecs, float scratch) fits in 48 KB', async () => {
    const bundle = await bundleForXs();
    const a = await XsWorker.load(bundle), b = await XsWorker.load(bundle);
    try {
      const slots = (await a.footprint<null>('module-state', '')).slots;
      const chunks = (await b.footprint<{ chunkBytes32: number }>('module-state', 'chunks')).report.chunkBytes32;
      const client = await clientFootprint(xs, esp32.config);
      const total = client.esp32Bytes + slots * 16 + chunks;
      assert.ok(slots > 100 && chunks > 0, `module state: ${slots} slots, ${chunks} chunk bytes`);
      console.log(`xs: the esp32 client and every codec: ${total} B (48 KB: ${ESP32_BUDGET} B)`);
      assert.ok(total < ESP32_BUDGET, `client ${client.esp32Bytes} B + module state ${slots} × 16 + ${chunks} = ${total} B ≥ ${ESP32_BUDGET} B`);
    } finally { await a.close(); await b.close(); }
  });

  // The README's memory table (src/config.ts memoryTable: per-unit costs measured here, plus a fixed
  // row) must stay an honest estimate: within 10% of what XS measures, for both boards' sizes.
  test('xs memory: the README memory model is within 10% of the XS measurement (esp32 and esp32s3 sizes)', async () => {
    for (const b of ['esp32', 'esp32s3']) {
      const c = JSON.parse(readFileSync(join(repoRoot(), 'boards', b, 'config.json'), 'utf8')) as { config: Partial<Config> };
      const model = memoryTable(makeConfig(c.config)).reduce((a, r) => a + r.total, 0);
      const fp = await clientFootprint(xs, c.config);
      assert.ok(Math.abs(model - fp.esp32Bytes) <= fp.esp32Bytes * 0.1, `${b}: model ${model} B, measured ${fp.esp32Bytes} B`);
    }
  });

  test('xs: every registered scenario succeeds', async () => {
    for (const s of await xs.scenarios()) {
      const r = await xs.scenario(s);
      if (!r.ok) assert.unreachable(`${s}: ${r.error}`);
    }
  });

  // Registered last: after every suite, scenario and loop above has run. On the device the manifest
  // preloads src/ into flash, where a typed array is read-only (Moddable's XS linker notes: "for
  // preloaded instances of TypedArray, integer-indexed assignment throws a type error"): a module
  // scratch written at run time works here and throws there (preload-begin.ts).
  test('xs preload: no typed array that src/ creates while its modules load is written afterwards', async () => {
    const r = await xs.json<{ count: number; violations: string[] | null }>('preload');
    assert.ok(r.violations !== null && r.count > 0, `recorded ${r.count} arrays`);
    assert.equal(r.violations, []);
  });

  test('xs preload: the check sees a write (control: one byte of the first non-empty recorded array changed, then restored)', async () => {
    const before = await xs.json<{ violations: string[] }>('preload');
    await xs.evaluate('{ const a = globalThis.__lwm2mPreload.arrays.find((x) => x.view.byteLength > 0).view; const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); b[0] ^= 1; }');
    const r = await xs.json<{ violations: string[] }>('preload');
    await xs.evaluate('{ const a = globalThis.__lwm2mPreload.arrays.find((x) => x.view.byteLength > 0).view; const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); b[0] ^= 1; }');
    // (that array may share its buffer with the next one, e.g. a byte view of a Uint16Array: both show)
    const added = r.violations.filter((v) => !before.violations.includes(v));
    assert.ok(added.length >= 1 && added.length <= 2, JSON.stringify(added));
    assert.equal((await xs.json<{ violations: string[] }>('preload')).violations, before.violations);
  });

}

test.after(async () => { await worker?.close(); });

test.run();
