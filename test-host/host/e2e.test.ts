// End to end over real UDP on 127.0.0.1: the project's client (src/client, on the Node HAL) is
// bootstrapped by host/bootstrap-server.ts, registers with host/server.ts, and answers its requests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lwm2mServer, Registration } from '../../host/server.js';
import { BootstrapServer } from '../../host/bootstrap-server.js';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient } from '../../src/client/setup.js';
import { sleep } from '../peers.js';

function once<T extends unknown[]>(em: NodeJS.EventEmitter, ev: string, ms = 8000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no "${ev}" within ${ms} ms`)), ms);
    em.once(ev, (...a: unknown[]) => { clearTimeout(t); resolve(a as T); });
  });
}

test('client bootstraps from our bootstrap server, registers with our server, answers read/write/execute/observe', async () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log });
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log, config: {
    // deleteFirst false: a Bootstrap-Delete of "/" removes /3303/0 and /4/0 too (TS Core §5.2.7.5 keeps
    // only the bootstrap account and the Device object), and this test observes the temperature.
    'e2e-node': { deleteFirst: false, servers: [{ ssid: 9, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec', lifetime: 120, binding: 'U' }] },
  } });
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const seed = new Uint8Array(16); hal.random(seed, 0, 16);
  const board = createBoardClient({ endpoint: 'e2e-node', seed, bootstrap: { uri: `coap://127.0.0.1:${bs.port}` } });
  const drv = new Driver(board.client, hal, 1400);
  try {
    const finished = once<[string]>(bs, 'finished');
    const registered = once<[Registration]>(server, 'registered');
    board.client.start(hal.now());
    drv.pump();
    assert.is((await finished)[0], 'e2e-node');
    const [reg] = await registered;
    assert.is(reg.endpoint, 'e2e-node');
    assert.is(reg.lifetime, 120);
    assert.ok(reg.objects.some((l) => l.path === '/3/0'), reg.objects.map((l) => l.path).join(','));

    const man = await server.read('e2e-node', '/3/0/0');
    assert.is(man.codeText, '2.05', lines.join('\n'));
    assert.is(man.value, 'lwm2m-mcu');
    const dev = await server.read('e2e-node', '/3/0', 'senml-json');
    assert.is(dev.codeText, '2.05');
    assert.is((dev.value as Record<string, unknown>)['/3/0/0'], 'lwm2m-mcu');
    const w = await server.write('e2e-node', '/1/0/1', 600);
    assert.is(w.codeText, '2.04', lines.join('\n'));
    const lt = await server.read('e2e-node', '/1/0/1', 'tlv');
    assert.is(lt.value, 600);
    const disc = await server.discover('e2e-node', '/3303/0');
    assert.is(disc.codeText, '2.05', lines.join('\n'));
    assert.ok(disc.links!.some((l) => l.path === '/3303/0/5700'));

    const notes: unknown[] = [];
    const h = await server.observe('e2e-node', '/3303/0/5700', 'text', (r) => notes.push(r.value));
    assert.ok(h.active, lines.join('\n'));
    assert.is(h.response.value, 21.5);
    board.temperature.set(25.25);
    drv.pump();
    for (let k = 0; k < 200 && notes.length === 0; k++) await sleep(10);
    assert.equal(notes, [25.25], lines.join('\n'));
    const c = await h.cancel();
    assert.ok(c === null || c.ok);

    // De-register when the client stops.
    const gone = once<[Registration, string]>(server, 'deregistered');
    board.client.stop(hal.now());
    drv.pump();
    const [, why] = await gone;
    assert.ok(why === 'deregister' || why === 'replaced', why);
  } finally {
    drv.stop(); hal.close();
    await bs.stop(); await server.stop();
  }
});

test.run();
