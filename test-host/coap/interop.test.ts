// Interop over real UDP on loopback with Debian's libcoap3-bin (4.3.x): coap-client-notls against an
// endpoint built on our message layer, and our requests answered by coap-server-notls.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { ResourceApp } from './app.js';
import { Code } from '../../src/coap/codes.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { freePort, run, start, sleep } from '../peers.js';
import { makeConfig } from '../../src/config.js';

async function ourServer(address = '127.0.0.1') {
  const hal = await NodeHal.open({ address, port: 0, logLevel: 0 });
  const app = new ResourceApp(makeConfig(), 77);
  const drv = new Driver(app.ep, hal, 2048);
  drv.pump();
  const host = address.includes(':') ? `[${address}]` : address;
  return { hal, app, drv, url: `coap://${host}:${hal.port}`, close: () => { drv.stop(); hal.close(); } };
}

test('coap-client-notls GET /hello → 2.05 "world"', async () => {
  const s = await ourServer();
  try {
    const r = await run('coap-client-notls', ['-m', 'get', '-B', '5', `${s.url}/hello`]);
    assert.is(r.stdout.trim(), 'world', r.stderr);
    assert.is(s.app.executions, 1);
  } finally { s.close(); }
});

test('IPv6: coap-client-notls GET coap://[::1]:port/hello over the Node HAL bound to ::1', async () => {
  const s = await ourServer('::1');
  try {
    const r = await run('coap-client-notls', ['-m', 'get', '-B', '5', `${s.url}/hello`]);
    assert.is(r.stdout.trim(), 'world', r.stderr);
  } finally { s.close(); }
});

test('coap-client-notls PUT with payload, then GET it back', async () => {
  const s = await ourServer();
  try {
    const r = await run('coap-client-notls', ['-m', 'put', '-e', 'payload-from-libcoap', '-B', '5', `${s.url}/store`]);
    assert.is(r.code, 0, r.stderr);
    assert.is(Buffer.from(s.app.store).toString(), 'payload-from-libcoap');
    const g = await run('coap-client-notls', ['-m', 'get', '-B', '5', `${s.url}/store`]);
    assert.is(g.stdout.trim(), 'payload-from-libcoap');
  } finally { s.close(); }
});

test('coap-client-notls GET of an unknown path → 4.04', async () => {
  const s = await ourServer();
  try {
    const r = await run('coap-client-notls', ['-m', 'get', '-B', '5', `${s.url}/no/such/thing`]);
    assert.match(r.stdout + r.stderr, /4\.04/);
  } finally { s.close(); }
});

test('duplicate CON from coap-client-notls (through a duplicating relay) → executed once, both answered', async () => {
  const s = await ourServer();
  const relay = dgram.createSocket('udp4');
  await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
  let clientAddr: { address: string; port: number } | null = null;
  let toServer = 0, toClient = 0;
  relay.on('message', (msg, rinfo) => {
    if (rinfo.port === s.hal.port) { toClient++; if (clientAddr) relay.send(msg, clientAddr.port, clientAddr.address); return; }
    clientAddr = { address: rinfo.address, port: rinfo.port };
    toServer += 2;
    relay.send(msg, s.hal.port, '127.0.0.1');
    relay.send(msg, s.hal.port, '127.0.0.1'); // the same datagram again: a duplicate CON
  });
  try {
    const r = await run('coap-client-notls', ['-m', 'post', '-B', '5', `coap://127.0.0.1:${relay.address().port}/count`]);
    await sleep(100);
    assert.is(r.stdout.trim(), '1', r.stderr);
    assert.is(s.app.countPosts, 1, 'executed once');
    assert.is(s.app.ep.duplicates, 1);
    assert.is(toClient, 2, 'the duplicate got the stored response too');
  } finally { relay.close(); s.close(); }
});

test('our requests are answered by coap-server-notls', async () => {
  const port = await freePort();
  const srv = start('coap-server-notls', ['-A', '127.0.0.1', '-p', String(port)]);
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const app = new ResourceApp(makeConfig(), 5);
  const drv = new Driver(app.ep, hal, 2048);
  try {
    const addr = new PeerAddress(); parseAddress('127.0.0.1', port, addr);
    const p = app.ep.peerIndex(addr, true);
    let got = false;
    for (let attempt = 0; attempt < 40 && !got; attempt++) { // wait for the server to be up
      app.responses.length = 0; app.failures.length = 0;
      app.request(p, Code.GET, '/', 1);
      drv.pump();
      for (let k = 0; k < 10 && !app.responses.length; k++) await sleep(20);
      got = app.responses.length > 0;
      if (!got) { app.ep.flushPeer(p); }
    }
    assert.ok(got, 'coap-server-notls answered');
    assert.is(app.responses[0].code, Code.CONTENT);
    assert.match(app.responses[0].payload, /libcoap/);
    // Discovery and an unknown resource.
    app.responses.length = 0;
    app.request(p, Code.GET, '/.well-known/core', 2);
    app.request(p, Code.GET, '/does-not-exist', 3);
    drv.pump();
    for (let k = 0; k < 100 && app.responses.length < 2; k++) await sleep(20);
    const byTag = Object.fromEntries(app.responses.map((r) => [r.tag, r]));
    assert.match(byTag[2].payload, /<\/time>/);
    assert.is(byTag[3].code, Code.NOT_FOUND);
    // PUT then GET /example_data
    app.responses.length = 0;
    app.request(p, Code.PUT, '/example_data', 4, new Uint8Array(Buffer.from('hello libcoap')));
    app.request(p, Code.GET, '/example_data', 5);
    drv.pump();
    for (let k = 0; k < 100 && app.responses.length < 2; k++) await sleep(20);
    const t2 = Object.fromEntries(app.responses.map((r) => [r.tag, r]));
    assert.ok(t2[4].code === Code.CHANGED || t2[4].code === Code.CREATED, `PUT answered ${t2[4].code}`);
    assert.is(t2[5].payload, 'hello libcoap');
    assert.is(app.ep.ringInUse(), 0);
  } finally {
    drv.stop(); hal.close(); await srv.stop();
  }
});

test.run();
