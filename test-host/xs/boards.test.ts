// The board folders and the Moddable manifest: every boards/<board>/config.json is a valid client
// Config (src/config.ts makeConfig), its memory total is the one it states, the board manifest's
// mc/config copy (`lwm2mConfig`) is the same, the top-level manifest selects every board, and
// scripts/flash.sh says what is missing and fails when the Moddable SDK / ESP-IDF are absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeConfig, memoryTable } from '../../src/config.js';
import { STANDARD_DEFS } from '../../src/objects/standard.js';
import { repoRoot } from '../vectors.js';

const root = repoRoot();
const boards = readdirSync(join(root, 'boards')).filter((b) => existsSync(join(root, 'boards', b, 'manifest.json')));
const json = (...p: string[]) => JSON.parse(readFileSync(join(root, ...p), 'utf8'));

test('there are at least two ESP32 boards', () => {
  assert.ok(boards.includes('esp32'), boards.join(','));
  assert.ok(boards.length >= 2, boards.join(','));
});

for (const b of boards) {
  test(`boards/${b}: config.json is a valid Config and its memory total is right`, () => {
    const c = json('boards', b, 'config.json');
    const cfg = makeConfig(c.config);
    let total = 0;
    for (const r of memoryTable(cfg)) total += r.total;
    assert.is(total, c.memoryTableBytes);
    assert.ok(Array.isArray(c.objects) && c.objects.includes(0) && c.objects.includes(1) && c.objects.includes(3));
    // DTLS sessions (~2.7 KB each under XS, plus the shared workspace) are stated, not left to
    // src/config.ts's default; makeConfig has checked 0 ≤ dtlsSessions ≤ maxServers + 1.
    assert.type(c.config.dtlsSessions, 'number', 'config.dtlsSessions is stated');
  });

  test(`boards/${b}: the creation sizes cover the client's footprint measured under XS (when recorded)`, () => {
    const c = json('boards', b, 'config.json');
    const m = json('boards', b, 'manifest.json');
    if (!c.xsFootprint) return;
    assert.ok(m.creation.heap.initial >= c.xsFootprint.slots, `heap.initial ${m.creation.heap.initial} < ${c.xsFootprint.slots} slots`);
    assert.ok(m.creation.chunk.initial >= c.xsFootprint.chunkBytes, `chunk.initial ${m.creation.chunk.initial} < ${c.xsFootprint.chunkBytes} bytes`);
    assert.is(c.xsFootprint.esp32Bytes, c.xsFootprint.slots * 16 + c.xsFootprint.chunkBytes);
  });

  test(`boards/${b}: manifest has creation sizes and mc/config keys matching config.json`, () => {
    const m = json('boards', b, 'manifest.json');
    const c = json('boards', b, 'config.json');
    assert.equal(m.config.lwm2mConfig, c.config);
    assert.equal(m.config.lwm2mObjects, c.objects);
    for (const k of ['lwm2mEndpoint', 'lwm2mServer', 'lwm2mBootstrap', 'lwm2mPskIdentity', 'lwm2mPskKey']) {
      assert.type(m.config[k], 'string', k);
    }
    // The XS heap the manifest creates (slots of 16 bytes on a 32-bit MCU, plus chunks) covers the budget.
    assert.ok(m.creation.heap.initial >= 2048 && m.creation.heap.initial * 16 + m.creation.chunk.initial >= c.memoryTableBytes, 'creation covers the budget');
    assert.is(m.creation.main, 'main');
  });
}

test('boards/esp32: objects 0,1,2,3,4 and 3303 (what createBoardClient builds), one server, DTLS for it and the bootstrap server', () => {
  const c = json('boards', 'esp32', 'config.json');
  assert.equal(c.objects, STANDARD_DEFS.map((d) => d.id));
  assert.equal(c.objects, [0, 1, 2, 3, 4, 3303]);
  assert.is(c.config.maxServers, 1);
  assert.is(c.config.dtlsSessions, 2);
  assert.ok(c.xsFootprint && c.xsFootprint.esp32Bytes > 0, 'the XS-measured footprint is recorded');
});

test('manifest.json: the app on the library manifest (es2022 for tsc, src and hal/moddable modules), a platform section per board, the simulator', () => {
  const m = json('manifest.json');
  const lib = json('manifest_lwm2m.json');
  assert.ok(m.include.includes('./manifest_lwm2m.json'));
  assert.is(lib.typescript.tsconfig.compilerOptions.target, 'es2022');
  assert.equal(lib.typescript.tsconfig.compilerOptions.lib, ['es2022']);
  assert.ok(lib.modules['src/coap/*'] && lib.modules['hal/moddable/*'] && lib.modules['lwm2m-mcu']);
  for (const p of Object.values(lib.platforms) as any[]) {
    for (const f of Object.values(p.modules ?? {}) as string[]) assert.ok(existsSync(join(root, f + '.ts')), f);
  }
  const includes = Object.values(m.platforms).flatMap((p: any) => (p.include === undefined ? [] : [p.include].flat()));
  for (const b of boards) assert.ok(includes.includes(`./boards/${b}/manifest.json`), b);
  assert.ok(m.platforms.lin, 'lin (the simulator)');
  for (const p of Object.values(m.platforms) as any[]) {
    for (const f of Object.values(p.modules ?? {}) as string[]) assert.ok(existsSync(join(root, f + '.ts')), f);
  }
});

test('scripts/sim.sh (make sim): without $MODDABLE, or with a bad setting, one line and exit 1', () => {
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: process.env.HOME || '/tmp' };
  const r = spawnSync('bash', [join(root, 'scripts', 'sim.sh')], { env, encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /^sim: MODDABLE is not set/);
  assert.is(r.stderr.trim().split('\n').length, 1);
  const unbuilt = spawnSync('bash', [join(root, 'scripts', 'sim.sh')], { env: { ...env, MODDABLE: root }, encoding: 'utf8' });
  assert.is(unbuilt.status, 1);
  assert.match(unbuilt.stderr, /is not a Moddable SDK folder/);
  for (const [bad, why] of [['lwm2mServer=http://x', /bad lwm2mServer/], ['lwm2mPskKey=abc', /bad lwm2mPskKey: hex/], ['lwm2mLocalPort=70000', /bad lwm2mLocalPort/], ['lwm2mFirmwareVersion=', /bad lwm2mFirmwareVersion/], ['lwm2mFirmware=yes', /bad lwm2mFirmware 'yes'/], ['lwm2mFresh=yes', /bad lwm2mFresh 'yes'/], ['lwm2mQueueMode=2', /bad lwm2mQueueMode '2'/], ['lwm2mQueueTime=x', /bad lwm2mQueueTime 'x'/], ['color=red', /unknown setting 'color'/], ['lwm2mEndpoint', /key=value/]] as const) {
    const b = spawnSync('bash', [join(root, 'scripts', 'sim.sh'), bad], { env, encoding: 'utf8' });
    assert.is(b.status, 1, bad);
    assert.match(b.stderr, why);
    assert.is(b.stderr.trim().split('\n').length, 1, bad);
  }
  const fresh = spawnSync('bash', [join(root, 'scripts', 'sim.sh')], { env: { ...env, FRESH: 'yes' }, encoding: 'utf8' });
  assert.is(fresh.status, 1);
  assert.match(fresh.stderr, /^sim: bad FRESH 'yes': FRESH=1 starts as a fresh device/);
});

test('scripts/flash.sh: without $MODDABLE and ESP-IDF it says what is missing and exits non-zero', () => {
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: process.env.HOME || '/tmp' };
  const r = spawnSync('bash', [join(root, 'scripts', 'flash.sh'), 'esp32'], { env, encoding: 'utf8' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /MODDABLE is not set/);
  assert.match(r.stderr, /IDF_PATH is not set/);
  const bad = spawnSync('bash', [join(root, 'scripts', 'flash.sh'), 'no-such-board'], { env, encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /no board 'no-such-board'/);
});

test.run();
