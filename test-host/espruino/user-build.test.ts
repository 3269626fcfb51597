// `lwm2m-mcu espruino-build APP` (host/espruino-build.ts espruinoBuildCommand): an application that
// does not compile, that imports a Node module, or that does not fit the board's variables → one
// line naming the cause and exit 1; an app that builds → its Storage file, boot code and the pieces
// that write it into Storage. The fit is measured under $ESPRUINO_ESP32 (16,383 variables) when
// set: examples/espruino-sensor (the public API, three ready objects) does not fit today.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { ESPRUINO_ESP32 } from './espruino.js';

const root = repoRoot();
const cli = join(root, 'build', 'host', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'lwm2m-espbuild-'));
const build = (app: string, ...more: string[]) => spawnSync(process.execPath, [cli, 'espruino-build', app, '--out', join(dir, 'out'), ...more], { cwd: dir, encoding: 'utf8' });
test.after(() => rmSync(dir, { recursive: true, force: true }));

const oneLine = (r: { status: number | null; stderr: string }, re: RegExp) => {
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
};

test('an app that does not compile: one line with the file, line and error; exit 1', () => {
  writeFileSync(join(dir, 'bad.ts'), "import { TemperatureSensor } from 'lwm2m-mcu';\nconst t = new TemperatureSensor();\nt.set('warm');\n");
  oneLine(build('bad.ts'), /^lwm2m-mcu: bad\.ts:3:\d+: does not compile: Argument of type 'string'/);
});

test('an app that imports a Node module: one line naming it; exit 1', () => {
  writeFileSync(join(dir, 'node.js'), "import { readFileSync } from 'node:fs';\nimport { Lwm2mClient } from 'lwm2m-mcu';\nprint(readFileSync, Lwm2mClient);\n");
  oneLine(build('node.js'), /^lwm2m-mcu: .*node\.js: imports the Node module "node:fs", which Espruino does not have/);
});

test('a missing app, or no app: exit 1 / 2 with one line', () => {
  oneLine(build('none.ts'), /^lwm2m-mcu: none\.ts: no such file/);
  const r = spawnSync(process.execPath, [cli, 'espruino-build'], { encoding: 'utf8' });
  assert.is(r.status, 2);
});

test('a small app builds: the Storage file (ES5), boot code and Storage pieces of at most 12 KB of code each', () => {
  writeFileSync(join(dir, 'small.js'), "import { Lwm2mClient, GenericSensor, boardSizes } from 'lwm2m-mcu';\nvar g = new GenericSensor();\nvar c = new Lwm2mClient({ endpoint: 'small', server: { uri: 'coap://127.0.0.1:5683' }, objects: [g], sizes: boardSizes() });\nc.start();\n");
  const r = build('small.js', '--settings', 'lwm2mEndpoint=small');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /espruino-build: .*lwm2m-mcu\.js \(\d+ bytes, \d+ modules; needs \d+ variables/);
  const out = join(dir, 'out');
  const code = readFileSync(join(out, 'lwm2m-mcu.js'), 'utf8');
  assert.match(code, /^\/\/ lwm2m-mcu app /);
  assert.ok(existsSync(join(out, 'boot0.js')));
  const pieces = readdirSync(out).filter((f) => /^store\d+\.js$/.test(f));
  assert.is(pieces.length, Math.ceil(Buffer.byteLength(code) / 12288));
  for (const p of pieces) assert.ok(readFileSync(join(out, p), 'utf8').length < 17_000, p);
});

if (!ESPRUINO_ESP32) test.skip('examples/espruino-sensor measured under $ESPRUINO_ESP32 (not set)', () => {});
else test('examples/espruino-sensor does not fit 16,383 variables: measured under $ESPRUINO_ESP32, one line with the cause, exit 1', () => {
  const r = build(join(root, 'examples', 'espruino-sensor', 'app.ts'), '--measure', ESPRUINO_ESP32);
  oneLine(r, /^lwm2m-mcu: .*app\.ts: does not fit the board: out of memory while loading/);
});

test.run();
