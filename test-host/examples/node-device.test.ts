// examples/node-device end to end: the app (compiled to build/examples/node-device/main.js) registers
// with the host LwM2M server, which reads its load-average sensor (3300), the Device object's memory
// (/3/0/10, /3/0/21) and the vendor object generated from host-info.xml (26250), writes its label,
// and sees it de-register on SIGINT. The generated module is what gen-object writes today.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Lwm2mServer } from '../../host/server.js';
import { repoRoot } from '../vectors.js';

const root = repoRoot();
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);

test('host-info.ts is what gen-object makes of host-info.xml', () => {
  const dir = join(root, 'examples', 'node-device');
  const out = execFileSync(process.execPath, [join(root, 'build', 'host', 'cli.js'), 'gen-object', join(dir, 'host-info.xml'), '--import', '../../hal/node/index.js'], { encoding: 'utf8' });
  assert.is(out, readFileSync(join(dir, 'host-info.ts'), 'utf8'));
});

test('node-device registers; load average, memory, the vendor object read; label written; de-registers on SIGINT', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const app = spawn(process.execPath, [join(root, 'build', 'examples', 'node-device', 'main.js'), `coap://127.0.0.1:${server.port}`, 'node-dev'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  app.stdout.on('data', (d) => (out += d)); app.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => app.on('close', r));
  try {
    await within(new Promise((r) => server.once('registered', r)), 15_000, 'Register');
    const load = (await server.read('node-dev', '/3300/0/5700', 'text')).value as number;
    assert.ok(typeof load === 'number' && load >= 0, String(load));
    assert.ok(((await server.read('node-dev', '/3/0/10', 'text')).value as number) > 0);
    assert.ok(((await server.read('node-dev', '/3/0/21', 'text')).value as number) > 0);
    assert.is((await server.read('node-dev', '/26250/0/0', 'text')).value, hostname());
    assert.ok(((await server.read('node-dev', '/26250/0/1', 'text')).value as number) > 0);
    assert.is((await server.write('node-dev', '/26250/0/2', 'rack 4', 'text')).codeText, '2.04');
    assert.is((await server.read('node-dev', '/26250/0/2', 'text')).value, 'rack 4');
    const dereg = new Promise((r) => server.once('deregistered', r));
    app.kill('SIGINT');
    await within(dereg, 10_000, 'De-register');
    assert.is(await within(exited, 10_000, 'exit'), 0);
    assert.match(out, /registered with[\s\S]*label set to rack 4[\s\S]*stopped/);
  } catch (e) {
    (e as Error).message += '\n--- app ---\n' + out;
    throw e;
  } finally {
    app.kill('SIGKILL');
    await server.stop();
  }
});

test.run();
