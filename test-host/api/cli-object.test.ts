// `lwm2m-mcu client --object ID[:N]`: ready objects with simulated values, no code written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../peers.js';
import { Lwm2mServer } from '../../host/server.js';

const CLI = fileURLToPath(new URL('../../host/cli.js', import.meta.url));

test('--object 3304 --object 3311:2 --object 3313 --object 3347: registered, read, written, the write reaches the object', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const reg = new Promise<any>((r) => server.once('registered', r));
  const c = spawn(process.execPath, [CLI, 'client', '--endpoint', 'objs', '--server', `coap://127.0.0.1:${server.port}`, '--address', '127.0.0.1',
    '--object', '3304', '--object', '3311:2', '--object', '3313', '--object', '3347'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  c.stdout!.on('data', (d) => (out += d)); c.stderr!.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  const kill = setTimeout(() => c.kill('SIGKILL'), 30_000);
  try {
    const r = await Promise.race([reg, new Promise((_, rej) => setTimeout(() => rej(new Error('no registration:\n' + out)), 10_000))]) as { objects: { path: string }[] };
    const paths = r.objects.map((l) => l.path);
    for (const p of ['/3304/0', '/3311/0', '/3311/1', '/3313/0', '/3347/0']) assert.ok(paths.includes(p), p + ' in ' + paths.join(' '));
    assert.not.ok(paths.includes('/3303/0'), 'with --object, no default temperature sensor');
    const h = await server.read('objs', '/3304/0/5700', 'text');
    assert.is(h.codeText, '2.05');
    assert.type(h.value, 'number');
    assert.is((await server.read('objs', '/3313/0/5703', 'text')).codeText, '2.05');
    assert.is((await server.write('objs', '/3311/1/5850', true, 'text')).codeText, '2.04');
    for (let t = 0; t < 3000 && !/\/3311\/1 switched on by the server/.test(out); t += 20) await new Promise((res) => setTimeout(res, 20));
    assert.match(out, /INFO  \/3311\/1 switched on by the server/);
  } finally {
    c.kill('SIGTERM');
    await closed;
    clearTimeout(kill);
    await server.stop();
  }
});

test('--object with an id that is not a ready object, or a bad form: the fix named', async () => {
  const bad = await run(process.execPath, [CLI, 'client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:9', '--object', '9999'], 20_000);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /--object 9999: not a ready object; these are: 6, 7, 3200, 3201, .*3347 \(for another object, write an application with `lwm2m-mcu gen-object`\)/);
  const form = await run(process.execPath, [CLI, 'client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:9', '--object', '3303:x'], 20_000);
  assert.is(form.code, 2);
  assert.match(form.stderr, /--object "3303:x": expected ID or ID:INSTANCES/);
});

test.run();
