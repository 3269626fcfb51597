// End to end over real UDP on loopback with the real CLI: `make demo` (plain and DTLS), and the CLI
// client against the host LwM2M server: register, updates before the lifetime ends, de-register
// on SIGINT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { run } from '../peers.js';
import { Lwm2mServer } from '../../host/server.js';

const root = repoRoot();
const demo = join(root, 'build', 'host', 'demo.js');
const cli = join(root, 'build', 'host', 'cli.js');

function stepsOf(out: string): string[] {
  return out.split('\n').filter((l) => l.includes(' ✓ ')).map((l) => l.replace(/^.*✓ /, ''));
}

for (const secure of [false, true]) {
  test(`make demo${secure ? ' (DTLS: DEMO_SECURE=1)' : ''}: bootstrap, register, read, write, observe, notify, execute, de-register — in order`, async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [demo], { env: { ...process.env, DEMO_SECURE: secure ? '1' : '0' } });
      let out = '';
      c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
      const t = setTimeout(() => c.kill('SIGKILL'), 70_000);
      c.on('close', (code) => { clearTimeout(t); resolve({ code, out }); });
    });
    assert.is(r.code, 0, r.out);
    const s = stepsOf(r.out);
    const order = [/bootstrap of demo-device finished/, /registered/, /read \/3\/0 → 2\.05/, /write \/1\/0\/1.*2\.04/, /write-attributes.*2\.04/,
      /observe .*2\.05/, /received \d+ notifications/, /execute \/3\/0\/4.*2\.04/, /de-registered on SIGINT/];
    assert.is(s.length, order.length, r.out);
    order.forEach((re, k) => assert.match(s[k], re));
    // The client's own lines show the bootstrap flag and the fresh start.
    assert.match(r.out, /bootstrap flag set/);
    assert.match(r.out, /Bootstrap-Finish accepted: configuration committed, starting fresh/);
    if (secure) assert.match(r.out, /session established/);
    assert.not.match(r.out, /00112233445566778899aabbccddeeff.*(client|INFO)/, 'the key never appears in the client log');
  });
}

test('CLI client: registers with the host server, updates before its lifetime ends, de-registers on SIGINT', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const updates: number[] = [];
  server.on('updated', () => updates.push(Date.now()));
  const c = spawn(process.execPath, [cli, 'client', '--endpoint', 'cli-e2e', '--server', `coap://127.0.0.1:${server.port}`, '--lifetime', '4']);
  let out = '';
  c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  try {
    const reg = await new Promise<any>((resolve, reject) => { server.once('registered', resolve); setTimeout(() => reject(new Error('no registration: ' + out)), 8000); });
    assert.is(reg.endpoint, 'cli-e2e');
    assert.is(reg.lifetime, 4);
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => { const iv = setInterval(() => { if (updates.length >= 2) { clearInterval(iv); resolve(); } }, 50); setTimeout(() => reject(new Error('no updates')), 9000); });
    assert.ok(updates[0] - t0 < 4000, 'the first Update before the 4 s lifetime ends');
    assert.ok(server.registrations.has('cli-e2e'), 'never expired');
    const rd = await server.read('cli-e2e', '/3303/0/5700');
    assert.is(rd.codeText, '2.05');
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    c.kill('SIGINT');
    await dereg;
    assert.is(await closed, 0);
    assert.match(out, /de-registered from server 1/);
  } finally { if (c.exitCode === null) c.kill('SIGKILL'); await server.stop(); }
});

test('CLI: --help documents the options; malformed input exits 2 with a message', async () => {
  const h = await run(process.execPath, [cli, 'client', '--help']);
  assert.is(h.code, 0);
  for (const o of ['--endpoint', '--server', '--bootstrap', '--lifetime', '--local-port', '--state', '--provisioning', '--psk-identity', '--psk-key']) assert.match(h.stdout, o);
  const bad = await run(process.execPath, [cli, 'client', '--endpoint', 'x', '--server', 'http://nowhere']);
  assert.is(bad.code, 2);
  assert.ok(bad.stderr.length > 10);
});

test.run();
