// The LwM2M client over real UDP on loopback against Debian's coap-client-notls (libcoap 4.3):
// reads of /3/0 in TLV, SenML JSON and SenML CBOR, a write, an observation of /3303/0/5700 with
// notifications — and a bootstrap sequence (Bootstrap-Delete, -Write, -Finish) driven entirely by
// coap-client-notls from the bootstrap server's address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as cborgDecode } from 'cborg';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient, Board } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { TlvDecoder } from '../../src/formats/tlv.js';
import { DataRecord } from '../../src/model/record.js';
import { freePort, run, start, sleep } from '../peers.js';
import { serverAccountTlv } from './harness.js';
import dgram from 'node:dgram';
import { CoapMessage, parseMessage } from '../../src/coap/message.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';

interface Live { board: Board; hal: NodeHal; drv: Driver; events: number[]; url: string; close: () => void }

async function liveClient(opts: Parameters<typeof createBoardClient>[0]): Promise<Live> {
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const board = createBoardClient(opts);
  const c = board.client;
  const events: number[] = [];
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push(e); return d; },
  };
  const drv = new Driver(core, hal, 2048);
  c.start(hal.now());
  drv.pump();
  return { board, hal, drv, events, url: `coap://127.0.0.1:${hal.port}`, close: () => { drv.stop(); hal.close(); } };
}

const tmp = mkdtempSync(join(tmpdir(), 'lwm2m-interop-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('coap-client-notls reads /3/0 as TLV, SenML JSON and SenML CBOR; writes a resource', async () => {
  const srvPort = await freePort(); // a server account nobody answers: the client keeps serving reads
  // coap-client is no configured server: only the development switch lets it in.
  const live = await liveClient({ endpoint: 'interop', seed: Uint8Array.of(1, 2, 3, 4), server: { uri: `coap://127.0.0.1:${srvPort}` }, acceptUnknownPeers: true });
  try {
    const out = join(tmp, 'tlv.bin');
    let r = await run('coap-client-notls', ['-m', 'get', '-A', '11542', '-B', '5', '-o', out, `${live.url}/3/0`]);
    assert.is(r.code, 0, r.stderr);
    const tlv = new Uint8Array(readFileSync(out));
    const d = new TlvDecoder(), rec = new DataRecord();
    assert.is(d.begin(tlv, 0, tlv.length, 3, 0, -1, -1), 0);
    const seen: Record<number, string> = {};
    while (d.next(rec) === 1) if (rec.ri < 0) seen[rec.r] = Buffer.from(rec.buf.subarray(rec.off, rec.off + rec.len)).toString();
    assert.is(seen[0], 'lwm2m-mcu');
    r = await run('coap-client-notls', ['-m', 'get', '-A', '110', '-B', '5', `${live.url}/3/0`]);
    const js = JSON.parse(r.stdout);
    assert.is(js[0].bn, '/3/0/');
    assert.ok(js.some((x: any) => x.n === '0' && x.vs === 'lwm2m-mcu'));
    const outc = join(tmp, 'senml.cbor');
    r = await run('coap-client-notls', ['-m', 'get', '-A', '112', '-B', '5', '-o', outc, `${live.url}/3/0`]);
    const arr = cborgDecode(readFileSync(outc), { useMaps: true }) as any[]; // SenML CBOR: integer keys
    const recs = arr.map((m: any) => (m instanceof Map ? Object.fromEntries(m) : m));
    assert.ok(recs.some((x: any) => x[0] === '0' && x[3] === 'lwm2m-mcu'), JSON.stringify(recs[0]));
    const put = await run('coap-client-notls', ['-m', 'put', '-t', '0', '-e', 'garden', '-B', '5', `${live.url}/3303/0/5750`]);
    assert.is(put.code, 0, put.stderr);
    r = await run('coap-client-notls', ['-m', 'get', '-B', '5', `${live.url}/3303/0/5750`]);
    assert.is(r.stdout.trim(), 'garden', r.stderr + ' / put: ' + put.stdout + put.stderr);
  } finally { live.close(); }
});

test('coap-client-notls observes /3303/0/5700 and receives notifications', async () => {
  const srvPort = await freePort();
  const live = await liveClient({ endpoint: 'interop-obs', seed: Uint8Array.of(5, 6, 7, 8), server: { uri: `coap://127.0.0.1:${srvPort}` }, acceptUnknownPeers: true });
  try {
    const obs = start('coap-client-notls', ['-s', '4', '-B', '6', '-w', `${live.url}/3303/0/5700`]);
    for (let k = 0; k < 20; k++) {
      await sleep(150);
      live.board.temperature.set(30 + k);
      live.drv.pump();
    }
    await sleep(1500);
    await obs.stop();
    const values = obs.log().split('\n').map((l) => l.trim()).filter((l) => /^\d+(\.\d+)?$/.test(l));
    assert.ok(values.length >= 5, `notifications: ${values.join(',')}`);
    assert.ok(values.includes('21.5') || values.includes('30'), 'the first value');
    assert.ok(values.includes('49') || values.includes('48'), 'a late value');
    assert.ok(live.events.includes(Ev.OBSERVE_STARTED));
  } finally { live.close(); }
});

// Issue 12 point 1: a client serves only the peers it holds an account for. coap-client-notls from
// its own (ephemeral) port is nobody's account: Read, Execute, Write and the Registration Update
// Trigger all go unanswered, and are counted; with a coaps:// account, a plain datagram from that
// very address and port is dropped too (it is not a DTLS record).
test('coap-client-notls from an unknown port gets nothing (Read /3/0/2, Execute /3/0/4, Write /1/0/1, Execute /1/0/8), counted', async () => {
  const srvPort = await freePort();
  const live = await liveClient({ endpoint: 'interop-closed', seed: Uint8Array.of(3, 1, 4, 1), server: { uri: `coap://127.0.0.1:${srvPort}` } });
  try {
    const c = live.board.client;
    const rs = await Promise.all([
      run('coap-client-notls', ['-m', 'get', '-B', '3', `${live.url}/3/0/2`]),
      run('coap-client-notls', ['-m', 'post', '-B', '3', `${live.url}/3/0/4`]),
      run('coap-client-notls', ['-m', 'put', '-t', '0', '-e', '5', '-B', '3', `${live.url}/1/0/1`]),
      run('coap-client-notls', ['-m', 'post', '-B', '3', `${live.url}/1/0/8`]),
    ]);
    for (const r of rs) assert.not.match(r.stdout + r.stderr, /2\.0[0-9]|4\.0[0-9]/, r.stdout + r.stderr);
    assert.ok(c.unknownDropped >= 4, `counted: ${c.unknownDropped}`);
    assert.is(c.table.getValue(1, 0, 1, -1, c.rec2), 0);
    assert.is(c.rec2.num, 300, 'the lifetime is unchanged');
    assert.not.ok(live.events.includes(Ev.REQUEST), 'nothing was dispatched');
  } finally { live.close(); }
});

test('coaps:// account: a plain CoAP GET from the account\'s own address and port is dropped', async () => {
  const srvPort = await freePort();
  const live = await liveClient({ endpoint: 'interop-dtls', seed: Uint8Array.of(3, 1, 4, 2),
    server: { uri: `coaps://127.0.0.1:${srvPort}`, pskIdentity: 'id', pskKey: Uint8Array.of(1, 2, 3, 4) } });
  try {
    // coap-client-notls bound to the server account's port (-p), speaking plain CoAP.
    const r = await run('coap-client-notls', ['-m', 'get', '-p', String(srvPort), '-B', '3', `${live.url}/3/0/2`]);
    assert.not.match(r.stdout, /lwm2m|host/, r.stdout);
    assert.not.ok(live.events.includes(Ev.REQUEST), 'nothing was dispatched');
  } finally { live.close(); }
});

// Issue 12 points 16 and 9 with libcoap as the peer (through the development switch).
test('coap-client-notls: a GET with If-None-Match gets 4.02; a 5000-byte Block1 PUT announcing Size1 is refused (4.13) at its first block', async () => {
  const srvPort = await freePort();
  const live = await liveClient({ endpoint: 'interop-opt', seed: Uint8Array.of(1, 6, 0, 9), server: { uri: `coap://127.0.0.1:${srvPort}` }, acceptUnknownPeers: true });
  try {
    let r = await run('coap-client-notls', ['-m', 'get', '-O', '5,', '-B', '5', `${live.url}/3/0/0`]);
    assert.match(r.stdout + r.stderr, /4\.02/, r.stdout + r.stderr);
    assert.not.match(r.stdout, /lwm2m-mcu/);
    const big = join(tmp, 'big.txt');
    writeFileSync(big, 'x'.repeat(5000));
    const before = live.events.filter((e) => e === Ev.REQUEST).length;
    r = await run('coap-client-notls', ['-m', 'put', '-t', '0', '-b', '64', '-f', big, '-B', '5', `${live.url}/3303/0/5750`]);
    assert.match(r.stdout + r.stderr, /4\.13/, r.stdout + r.stderr);
    assert.is(live.events.filter((e) => e === Ev.REQUEST).length - before, 1, 'one block taken, then refused');
  } finally { live.close(); }
});

// Issue 12 point 20 over real UDP through the Node HAL. Neither libcoap's coap-client (it splits a
// body into 1,024-byte Block1 blocks) nor the npm coap package (it refuses to build a packet over
// 1,280 bytes) sends a request datagram this large, so the peer is a raw socket.
test('a 2,000-byte PUT datagram over UDP gets 4.13 with Block1 and Size1 advice, not 5.03', async () => {
  const srvPort = await freePort();
  const live = await liveClient({ endpoint: 'interop-big', seed: Uint8Array.of(2, 0, 2, 0), server: { uri: `coap://127.0.0.1:${srvPort}` }, acceptUnknownPeers: true });
  const sock = dgram.createSocket('udp4');
  try {
    const hdr = Buffer.from([0x44, 0x03, 0x20, 0x20, 1, 2, 3, 4, 0xb4, ...Buffer.from('3303'), 0x01, 0x30, 0x04, ...Buffer.from('5750'), 0x10, 0xff]);
    const got = new Promise<Buffer>((res) => sock.once('message', (m) => res(m)));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    sock.send(Buffer.concat([hdr, Buffer.alloc(2000, 0x61)]), live.hal.port, '127.0.0.1');
    const m = new CoapMessage();
    const reply = await Promise.race([got, sleep(5000).then(() => { throw new Error('no reply'); })]);
    assert.is(parseMessage(reply, 0, reply.length, m), 0);
    assert.is(m.code, Code.REQUEST_ENTITY_TOO_LARGE);
    assert.is(m.mid, 0x2020);
    assert.is(m.find(Opt.MAX_AGE, 0), -1, 'not a "retry later"');
    assert.ok(m.block1 >= 0, 'Block1 advice');
    assert.is(m.size1, live.board.client.config.maxPayload);
  } finally { sock.close(); live.close(); }
});

test('coap-client-notls drives a bootstrap (Delete, Write, Finish) from the bootstrap server port; the client registers', async () => {
  const bsPort = await freePort();
  // A real LwM2M server for the registration: the host one, or just a UDP socket that answers 2.01.
  const { Lwm2mServer } = await import('../../host/server.js');
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const live = await liveClient({ endpoint: 'interop-bs', seed: Uint8Array.of(9, 9, 1, 2), bootstrap: { uri: `coap://127.0.0.1:${bsPort}` }, bootstrapBackoff: 60_000 });
  try {
    const acc = serverAccountTlv(1, 0, `coap://127.0.0.1:${server.port}`, 5, 60);
    writeFileSync(join(tmp, 'sec.tlv'), acc.sec);
    writeFileSync(join(tmp, 'srv.tlv'), acc.srv);
    const from = ['-p', String(bsPort), '-B', '5'];
    let r = await run('coap-client-notls', [...from, '-m', 'delete', `${live.url}/`]);
    assert.is(r.code, 0, r.stderr);
    r = await run('coap-client-notls', [...from, '-m', 'put', '-t', '11542', '-f', join(tmp, 'sec.tlv'), `${live.url}/0/1`]);
    assert.is(r.code, 0, r.stderr);
    r = await run('coap-client-notls', [...from, '-m', 'put', '-t', '11542', '-f', join(tmp, 'srv.tlv'), `${live.url}/1/0`]);
    assert.is(r.code, 0, r.stderr);
    const registered = new Promise<void>((res) => server.once('registered', () => res()));
    r = await run('coap-client-notls', [...from, '-m', 'post', `${live.url}/bs`]);
    assert.is(r.code, 0, r.stderr);
    await Promise.race([registered, sleep(5000).then(() => { throw new Error('no registration after Finish'); })]);
    assert.ok(live.events.includes(Ev.BOOTSTRAP_FINISHED));
    assert.ok(live.board.client.table.hasInstance(0, 0), 'the bootstrap account is kept');
    assert.is(live.board.client.serverSsid(0), 5);
  } finally { live.close(); await server.stop(); }
});

test.run();
