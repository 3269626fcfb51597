// Issue 12's registration defects end to end over real UDP on loopback: the client core on the Node
// HAL against the host LwM2M server (which expires a registration when its lifetime passes without
// an Update). Waits are bounded; nothing asserts how long a step took.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient, type AccountOptions } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { Lwm2mServer } from '../../host/server.js';

async function start(endpoint: string, server: AccountOptions) {
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const board = createBoardClient({ seed: Uint8Array.of(5, 5, 5, 5), endpoint, server });
  const c = board.client, events: number[] = [];
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push(e); return d; },
  };
  const drv = new Driver(core, hal, 2048);
  c.start(hal.now()); drv.pump();
  return { board, events, close: () => { drv.stop(); hal.close(); } };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a 5 s lifetime written by the host server: the next Update carries lt=5 at once, and the registration never expires', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const gone: string[] = [];
  server.on('deregistered', (_r: unknown, reason: string) => gone.push(reason));
  const registered = new Promise<any>((r) => server.once('registered', r));
  const cl = await start('short-lt', { uri: `coap://127.0.0.1:${server.port}`, lifetime: 300 });
  try {
    await within(registered, 8000, 'registration');
    // Out of range: refused by the client, nothing changes.
    assert.is((await server.write('short-lt', '/1/0/1', -5)).codeText, '4.00');
    assert.is((await server.write('short-lt', '/1/0/1', 4294967296)).codeText, '4.00');
    assert.is((await server.read('short-lt', '/1/0/1')).value, 300);
    const updated = new Promise<any>((r) => server.on('updated', (reg: any) => { if (reg.lifetime === 5) r(reg); }));
    assert.is((await server.write('short-lt', '/1/0/1', 5)).codeText, '2.04');
    // The old client sent it at the next scheduled Update, 207 s later: the server expired it first.
    await within(updated, 3000, 'an Update with lt=5 right after the write');
    let n = 0;
    server.on('updated', () => n++);
    await sleep(8000); // more than one lifetime
    assert.ok(n >= 2, `${n} Updates in 8 s`);
    assert.equal(gone, [], 'the registration never expired');
  } finally { cl.close(); await server.stop(); }
});

test('lifetime 0 written by the host server: one Update with lt=0 (accepted: infinite), then no periodic Update', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const registered = new Promise<any>((r) => server.once('registered', r));
  const cl = await start('zero-lt', { uri: `coap://127.0.0.1:${server.port}`, lifetime: 300 });
  try {
    await within(registered, 8000, 'registration');
    let regs = 0, updates = 0;
    server.on('registered', () => regs++);
    const updated = new Promise<any>((r) => server.once('updated', r));
    server.on('updated', () => updates++);
    assert.is((await server.write('zero-lt', '/1/0/1', 0)).codeText, '2.04');
    const reg = await within(updated, 3000, 'an Update with lt=0 right after the write');
    assert.is(reg.lifetime, 0);
    await sleep(3500); // the old client sent an Update every second from then on
    assert.is(updates, 1, `${updates} Updates`);
    assert.is(regs, 0, 'no new Register: the server took lt=0');
    assert.ok(!cl.events.includes(Ev.REGISTRATION_FAILED));
  } finally { cl.close(); await server.stop(); }
});

test('Execute Disable (/1/0/4) from the host server: 2.04, De-register, then Register again after the Disable Timeout', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const registered = new Promise<any>((r) => server.once('registered', r));
  const cl = await start('disable-node', { uri: `coap://127.0.0.1:${server.port}`, lifetime: 300, disableTimeout: 2 });
  try {
    await within(registered, 8000, 'registration');
    const deregistered = new Promise<string>((r) => server.once('deregistered', (_reg: unknown, reason: string) => r(reason)));
    const again = new Promise<any>((r) => server.once('registered', r));
    assert.is((await server.execute('disable-node', '/1/0/4')).codeText, '2.04');
    assert.is(await within(deregistered, 5000, 'De-register'), 'deregister');
    await within(again, 8000, 'Register after the Disable Timeout');
    assert.ok(cl.events.includes(Ev.DEREGISTERED));
  } finally { cl.close(); await server.stop(); }
});

test.run();
