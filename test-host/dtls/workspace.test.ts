// DtlsWorkspace shared by the DTLS channels of one CoAP endpoint: the endpoint starts a channel's
// handshake from poll() while messages wait for it (src/coap/endpoint.ts ensureHandshake); a channel
// whose start() finds the workspace busy stays Idle and is started by a later poll().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeConfig } from '../../src/config.js';
import { Code } from '../../src/coap/codes.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { DtlsSession, DtlsState, DtlsWorkspace } from '../../src/dtls/session.js';
import { ResourceApp } from '../coap/app.js';
import { TestDtlsServer } from './server.js';
import { seededRandom } from './sim.js';

const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const ID = Buffer.from('urn:imei:490154203237518');

test('endpoint with two DTLS peers on one workspace: the second handshake waits for the first, both requests arrive', () => {
  const cfg = makeConfig({ maxDatagram: 576 });
  const app = new ResourceApp(cfg, 3);
  const ws = new DtlsWorkspace(cfg.maxDatagram);
  const sessions = [0, 1].map((k) => new DtlsSession(cfg.maxDatagram, seededRandom(40 + k), undefined, undefined, ws));
  const servers = [0, 1].map(() => new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: null, cookie: true, echo: false }));
  const addrs = [5684, 5784].map((port) => { const a = new PeerAddress(); parseAddress('127.0.0.1', port, a); return a; });
  const peers = addrs.map((a) => app.ep.peerIndex(a, true));
  for (let k = 0; k < 2; k++) assert.is(app.ep.setSecurity(peers[k], sessions[k], ID, 0, ID.length, PSK, 0, PSK.length), 0);
  // A request to each: both channels want a handshake at the first poll.
  assert.ok(app.request(peers[0], Code.GET, '/a', 1) >= 0);
  assert.ok(app.request(peers[1], Code.GET, '/b', 2) >= 0);
  const out = new Uint8Array(cfg.maxDatagram);
  let now = 0;
  let overlap = 0, waited = 0;
  const order: number[] = [];
  for (let step = 0; step < 400 && servers.some((s) => s.appReceived.length === 0); step++) {
    app.ep.poll(now);
    const hs = sessions.filter((s) => s.state === DtlsState.Handshaking).length;
    if (hs > 1) overlap++;
    if (sessions.some((s) => s.state === DtlsState.Idle && s.waitingForWorkspace)) waited++;
    for (let k = 0; k < 2; k++) if (sessions[k].state === DtlsState.Handshaking && !order.includes(k)) order.push(k);
    let n;
    while ((n = app.ep.transmit(out, 0)) > 0) {
      const k = app.ep.txPeerIndex === peers[0] ? 0 : 1;
      servers[k].receive(Buffer.from(out.subarray(0, n)), now);
    }
    for (let k = 0; k < 2; k++) {
      servers[k].poll(now);
      for (const d of servers[k].transmit()) app.ep.receive(d, 0, d.length, addrs[k], now);
    }
    now += 10;
  }
  assert.is(overlap, 0, 'never two handshakes at once');
  assert.ok(waited > 0, 'one channel waited for the workspace');
  assert.equal(order.length, 2);
  for (let k = 0; k < 2; k++) {
    assert.is(sessions[k].state, DtlsState.Connected, `session ${k}`);
    assert.is(servers[k].appReceived.length, 1, `request ${k} reached its server`);
  }
  assert.not.ok(ws.busy);
  assert.is(app.failures.length, 0);
});

test('endpoint, timers only: when the holder times out, the waiting channel is woken by the deadline poll() returned', () => {
  const cfg = makeConfig({ maxDatagram: 576 });
  const app = new ResourceApp(cfg, 5);
  const ws = new DtlsWorkspace(cfg.maxDatagram);
  const sessions = [0, 1].map((k) => new DtlsSession(cfg.maxDatagram, seededRandom(50 + k), undefined, undefined, ws));
  const server = new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: null, cookie: true, echo: false });
  const addrs = [5684, 5784].map((port) => { const a = new PeerAddress(); parseAddress('127.0.0.1', port, a); return a; });
  const peers = addrs.map((a) => app.ep.peerIndex(a, true));
  for (let k = 0; k < 2; k++) assert.is(app.ep.setSecurity(peers[k], sessions[k], ID, 0, ID.length, PSK, 0, PSK.length), 0);
  // Peer 1 (polled after peer 0) takes the workspace first and never gets an answer; peer 0 waits.
  const out = new Uint8Array(cfg.maxDatagram);
  let now = 0;
  assert.ok(app.request(peers[1], Code.GET, '/silent', 2) >= 0);
  app.ep.poll(now);
  assert.is(sessions[1].state, DtlsState.Handshaking);
  assert.ok(app.request(peers[0], Code.GET, '/a', 1) >= 0);
  let polls = 0;
  for (let step = 0; step < 200 && server.appReceived.length === 0; step++) {
    const next = app.ep.poll(now);
    polls++;
    let moved = false, n;
    while ((n = app.ep.transmit(out, 0)) > 0) {
      if (app.ep.txPeerIndex === peers[0]) { server.receive(Buffer.from(out.subarray(0, n)), now); moved = true; }
    }
    for (const d of server.transmit()) { app.ep.receive(d, 0, d.length, addrs[0], now); moved = true; }
    if (!moved) {
      if (next === Infinity) break; // stalled
      if (next > now) now = next;
    }
  }
  assert.is(sessions[1].state, DtlsState.Idle, 'the silent channel failed and was reset');
  assert.ok(app.failures.some((f) => f.tag === 2), 'its request failed');
  assert.is(sessions[0].state, DtlsState.Connected, 'the waiting channel was started after the timeout');
  assert.is(server.appReceived.length, 1);
  assert.ok(now > 60_000, 'after the holder\'s retransmission budget');
  assert.ok(polls < 100);
});

test.run();
