// The npm package as a user gets it: `npm pack` of this checkout (dist/ from `make build`), the
// tarball installed into an empty folder with no dev dependencies and nothing downloaded
// (`npm install --omit=dev --offline`), then in that folder: a Node app imports the client from
// 'lwm2m-mcu' and registers with the host server, a TypeScript app type-checks against the
// package's declarations (its `exports` types), and `npx lwm2m-mcu --help` runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lwm2mServer } from '../../host/server.js';
import { repoRoot } from '../vectors.js';

const root = repoRoot();
const tmp = mkdtempSync(join(tmpdir(), 'lwm2m-pack-'));
const app = join(tmp, 'app');
let tarball = '';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}

test.after(() => { rmSync(tmp, { recursive: true, force: true }); });

test('npm pack ships dist/ with declarations, the sources the engines build from, registry data, README and LICENSE; no tests', () => {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
  const info = JSON.parse(out)[0];
  tarball = join(tmp, info.filename);
  const files: string[] = info.files.map((f: { path: string }) => f.path);
  for (const f of ['dist/hal/node/index.js', 'dist/hal/node/index.d.ts', 'dist/src/index.d.ts', 'dist/host/cli.js', 'registry/3303.xml',
    'registry/LICENSE', 'README.md', 'LICENSE', 'package.json', 'src/index.ts', 'hal/espruino/prelude.js']) {
    assert.ok(files.includes(f), f + ' is in the tarball');
  }
  for (const f of files) assert.not.match(f, /^(test-host|bench|build|node_modules|scripts)\/|xs-test|\.test\./, f + ' is not shipped');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.is(pkg.private, undefined);
  assert.equal(pkg.dependencies ?? {}, {}, 'no runtime dependencies');
});

test('the tarball installs offline into an empty folder without dev dependencies', () => {
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-gateway', version: '1.0.0', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', tarball], { cwd: app, encoding: 'utf8' });
  assert.equal(readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.')), ['lwm2m-mcu'], 'nothing but the package itself');
  assert.ok(existsSync(join(app, 'node_modules', '.bin', 'lwm2m-mcu')));
});

test('a Node app in that folder imports the client and registers with the host server', async () => {
  writeFileSync(join(app, 'main.js'), `import { Lwm2mClient, TemperatureSensor } from 'lwm2m-mcu';
const temperature = new TemperatureSensor({ initial: 19.5 });
const client = new Lwm2mClient({
  endpoint: 'pkg-app', server: { uri: process.env.SERVER, lifetime: 60 }, storage: false, address: '127.0.0.1',
  objects: [temperature],
  onRegistered: () => { console.log('registered'); temperature.set(20.25); },
});
await client.start();
process.stdin.on('data', async () => { await client.stop(); console.log('stopped'); process.exit(0); });
`);
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const child = spawn(process.execPath, ['main.js'], { cwd: app, env: { ...process.env, SERVER: `coap://127.0.0.1:${server.port}` }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d)); child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  try {
    const reg = await within(new Promise<any>((r) => server.once('registered', r)), 15_000, 'Register');
    assert.is(reg.endpoint, 'pkg-app');
    const deadline = Date.now() + 5000;
    let v: unknown;
    while (Date.now() < deadline) { v = (await server.read('pkg-app', '/3303/0/5700', 'text')).value; if (v === 20.25) break; await new Promise((r) => setTimeout(r, 50)); }
    assert.is(v, 20.25);
    const dereg = new Promise<any>((r) => server.once('deregistered', r));
    child.stdin.write('stop\n');
    await within(dereg, 10_000, 'De-register');
    assert.is(await within(exited, 10_000, 'exit'), 0);
    assert.match(out, /registered[\s\S]*stopped/);
  } catch (e) {
    (e as Error).message += '\n--- app output ---\n' + out;
    throw e;
  } finally {
    child.kill('SIGKILL');
    await server.stop();
  }
});

test('a TypeScript app type-checks against the package declarations (exports "types")', () => {
  writeFileSync(join(app, 'typed.ts'), `import { Lwm2mClient, TemperatureSensor, LightControl, type ClientOptions } from 'lwm2m-mcu';
const t = new TemperatureSensor({ initial: 1 });
const sw = new LightControl({ onSwitch: (on: boolean) => { console.log(on); } });
const opts: ClientOptions = { endpoint: 'x', server: { uri: 'coap://127.0.0.1:5683' }, objects: [t, sw] };
const c: Lwm2mClient = new Lwm2mClient(opts);
t.set(2);
// @ts-expect-error: the internals are not exported
import type { Core } from 'lwm2m-mcu/dist/src/api/client.js';
void c;
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: [], skipLibCheck: false, typeRoots: [join(root, 'node_modules', '@types')] }, files: ['typed.ts'] }));
  let out = '';
  try { out = execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--types', 'node'], { cwd: app, encoding: 'utf8' }); } catch (e) {
    assert.unreachable('tsc: ' + ((e as { stdout?: string }).stdout ?? '') + ((e as { stderr?: string }).stderr ?? ''));
  }
  assert.is(out, '');
});

test('npx lwm2m-mcu --help runs in that folder', () => {
  const out = execFileSync('npx', ['--offline', '--no-install', 'lwm2m-mcu', '--help'], { cwd: app, encoding: 'utf8' });
  assert.match(out, /lwm2m-mcu <command>/);
  assert.match(out, /server/);
});

test.run();
