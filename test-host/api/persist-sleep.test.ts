// The public API's persistSleep (default on with queueMode and storage): a client that went offline
// and was closed without de-registering (the program ended) is followed by a new one on the same
// state file, which takes the registration back: onRegistered is called for it, the server gets an
// Update and no second Register. persistSleep: false keeps nothing: the new client registers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lwm2mClient, TemperatureSensor, nodePlatform } from '../../hal/node/index.js';
import { Lwm2mServer } from '../../host/server.js';
import { LogLevel } from '../../hal/hal.js';

function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const iv = setInterval(() => { if (cond()) { clearInterval(iv); clearTimeout(t); resolve(); } }, 20);
    const t = setTimeout(() => { clearInterval(iv); reject(new Error('timed out: ' + what)); }, ms);
  });
}

for (const persist of [true, false]) {
  test(`persistSleep ${persist ? 'default (on)' : 'false'}: closed while offline, a new client on the same state file ${persist ? 'resumes (onRegistered, an Update)' : 'registers'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lwm2m-api-sleep-'));
    const stateFile = join(dir, 'state.json');
    const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
    let registers = 0, updates = 0;
    server.on('registered', () => registers++);
    server.on('updated', () => updates++);
    const logs: string[] = [];
    const platform = nodePlatform({ stateFile, logLevel: LogLevel.INFO, logger: (_l, m) => logs.push(m) });
    const make = () => {
      let registered = 0, offline = 0;
      const c = new Lwm2mClient({
        endpoint: 'api-sleep', server: { uri: `coap://127.0.0.1:${server.port}`, lifetime: 600 }, objects: [new TemperatureSensor()],
        platform, queueMode: true, sizes: { queueTime: 500 }, address: '127.0.0.1',
        ...(persist ? {} : { persistSleep: false }),
        onRegistered: () => { registered++; },
        onEvent: (e) => { if (e === 50) offline++; },
      });
      return { c, get registered() { return registered; }, get offline() { return offline; } };
    };
    const a = make();
    try {
      await a.c.start();
      await waitFor(() => a.offline > 0, 10_000, 'offline');
      assert.is(a.registered, 1);
      assert.is('lwm2m.sleep' in JSON.parse(readFileSync(stateFile, 'utf8')), persist, 'the state in the state file');
      a.c.close(); // the program ends: no De-register
      const b = make();
      await b.c.start();
      await waitFor(() => (persist ? updates : registers - 1) > 0, 10_000, persist ? 'an Update' : 'a Register');
      assert.is(registers, persist ? 1 : 2);
      assert.is(b.registered, 1, 'onRegistered');
      await b.c.stop();
    } finally {
      a.c.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
