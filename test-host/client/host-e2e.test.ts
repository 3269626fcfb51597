// End to end over real UDP on loopback, the client core on the Node HAL against the host bootstrap
// server and LwM2M server: Bootstrap-Pack (GET /bspack), and a server-side Bootstrap-Request
// Trigger (Execute /1/0/9) that makes a registered client bootstrap again and register anew.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient, BoardOptions } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { Lwm2mServer } from '../../host/server.js';
import { BootstrapServer, type BsStep } from '../../host/bootstrap-server.js';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { Aes128 } from '../../src/crypto/aes.js';

async function start(opts: Omit<BoardOptions, 'seed'>) {
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const board = createBoardClient({ seed: Uint8Array.of(4, 4, 4, 4), ...opts });
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

test('Bootstrap-Pack: GET /bspack answered by the host bootstrap server, then registration', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const lines: string[] = [];
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: (l) => lines.push(l),
    config: { '*': { servers: [{ ssid: 21, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec', lifetime: 120 }] } } });
  const registered = new Promise<any>((r) => server.once('registered', r));
  const cl = await start({ endpoint: 'pack-node', bootstrap: { uri: `coap://127.0.0.1:${bs.port}` }, bootstrapPack: true });
  try {
    const reg = await within(registered, 8000, 'registration');
    assert.is(reg.endpoint, 'pack-node');
    assert.ok(lines.some((l) => /Bootstrap-Pack-Request ep=pack-node .*→ 2\.05/.test(l)), lines.join('\n'));
    assert.ok(cl.events.includes(Ev.BOOTSTRAP_FINISHED));
    assert.is(cl.board.client.serverSsid(0), 21);
  } finally { cl.close(); await server.stop(); await bs.stop(); }
});

test('Execute /1/0/9 from the server: 2.04, the client bootstraps again and registers anew', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {},
    config: { '*': { servers: [{ ssid: 1, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec', lifetime: 120 }] } } });
  let regs = 0;
  server.on('registered', () => regs++);
  const first = new Promise<any>((r) => server.once('registered', r));
  const cl = await start({ endpoint: 'trigger-node', bootstrap: { uri: `coap://127.0.0.1:${bs.port}` } });
  try {
    await within(first, 8000, 'first registration');
    assert.ok(cl.board.client.table.hasInstance(0, 0), 'the bootstrap account survived the first bootstrap');
    const again = new Promise<void>((r) => bs.once('finished', () => r()));
    const second = new Promise<any>((r) => server.once('registered', r));
    const res = await server.execute('trigger-node', '/1/0/9');
    assert.is(res.codeText, '2.04');
    await within(again, 8000, 'second bootstrap');
    await within(second, 8000, 'second registration');
    assert.is(regs, 2, 'a new Register, not an Update');
    assert.is(cl.events.filter((e) => e === Ev.BOOTSTRAP_FINISHED).length, 2);
  } finally { cl.close(); await server.stop(); await bs.stop(); }
});

test('coaps:// throughout with a native AES factory: one provider per DTLS session and direction, each keyed once; one handshake with each server', async () => {
  const psk = { pskIdentity: 'aes-node', pskKey: '00112233445566778899aabbccddeeff' };
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk });
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk,
    config: { '*': { servers: [{ ssid: 3, uri: `coaps://127.0.0.1:${server.port}`, securityMode: 'psk', ...psk, lifetime: 120 }] } } });
  // A stand-in native provider: the portable AES behind the BlockCipherProvider interface, counting
  // the keys it is given. Two sessions (bootstrap server, LwM2M server) get two providers each, one per
  // direction, so none is re-keyed per record (a native re-key creates a cipher object).
  const providers: { keys: number }[] = [];
  const aes = () => {
    const inner = new Aes128(), p = { keys: 0 };
    providers.push(p);
    return {
      setKey: (k: Uint8Array, o: number) => { p.keys++; inner.setKey(k, o); },
      encryptBlock: (i: Uint8Array, io: number, out: Uint8Array, oo: number) => inner.encryptBlock(i, io, out, oo),
      decryptBlock: (i: Uint8Array, io: number, out: Uint8Array, oo: number) => inner.decryptBlock(i, io, out, oo),
    };
  };
  const registered = new Promise<any>((r) => server.once('registered', r));
  const key = Uint8Array.from(Buffer.from(psk.pskKey, 'hex'));
  const cl = await start({ endpoint: 'aes-node', bootstrap: { uri: `coaps://127.0.0.1:${bs.port}`, pskIdentity: psk.pskIdentity, pskKey: key },
    config: { dtlsSessions: 2 }, aes });
  try {
    const reg = await within(registered, 8000, 'registration over coaps://');
    assert.is(reg.endpoint, 'aes-node');
    assert.is(providers.length, 4, 'two providers per DTLS session');
    assert.equal(providers.map((p) => p.keys), [1, 1, 1, 1], 'each keyed once: one handshake per session, no re-key per record');
    // The Finish's 2.04 goes over the bootstrap session the client already has (start fresh re-reads
    // the same account: no new handshake for that one response).
    assert.is(bs.dtls!.handshakes, 1, 'one handshake with the bootstrap server');
    assert.is(server.dtls!.handshakes, 1, 'one handshake with the LwM2M server');
  } finally { cl.close(); await server.stop(); await bs.stop(); }
});

test('the host bootstrap server writes a PSK account with a coap:// URI: Finish 4.06 with the cause, nothing reaches the server in clear (issue 20.1)', async () => {
  // The "server": a bare UDP socket that records whatever arrives (a Register in clear would).
  const sock = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = (sock.address() as AddressInfo).port;
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {},
    config: { '*': { servers: [{ ssid: 1, uri: `coap://127.0.0.1:${port}`, securityMode: 'psk', pskIdentity: 'plain-node', pskKey: '000102030405060708090a0b0c0d0e0f', lifetime: 60 }] } } });
  const finish = new Promise<BsStep>((r) => bs.on('step', (s: BsStep) => { if (s.step === 'finish') r(s); }));
  const cl = await start({ endpoint: 'plain-node', bootstrap: { uri: `coap://127.0.0.1:${bs.port}` } });
  try {
    const f = await within(finish, 8000, 'Bootstrap-Finish');
    assert.is(f.codeText, '4.06');
    assert.match(Buffer.from(f.payload ?? []).toString(), /coap:\/\/.*Security Mode not 3 NoSec/);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(cl.events.includes(Ev.BOOTSTRAP_FAILED));
    assert.not.ok(cl.events.includes(Ev.REGISTER_SENT), 'no Register');
    assert.is(got.length, 0, 'not one datagram reached the server');
  } finally { cl.close(); await bs.stop(); sock.close(); }
});

test.run();
