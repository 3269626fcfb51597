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


// A transient workspace (ClientOptions.transientHandshake, the Espruino platforms): the handshake
// state exists only while a handshake holds the workspace; at its end (Connected or failed) it is
// dropped and the callback runs (Espruino then gives the handshake's code back).
function transientRun(keys: Buffer[], done?: (r: { sessions: DtlsSession[]; released: number }) => boolean): { ws: DtlsWorkspace; sessions: DtlsSession[]; servers: TestDtlsServer[]; released: number; heldState: number; failures: number } {
  const cfg = makeConfig({ maxDatagram: 576 });
  const app = new ResourceApp(cfg, 7);
  const run = { ws: null as unknown as DtlsWorkspace, sessions: [] as DtlsSession[], servers: [] as TestDtlsServer[], released: 0, heldState: 0 };
  const ws = new DtlsWorkspace(cfg.maxDatagram, undefined, undefined, () => { run.released++; });
  run.ws = ws;
  assert.is(ws.hs, null, 'no handshake state before a handshake');
  const addrs = keys.map((_, k) => { const a = new PeerAddress(); parseAddress('127.0.0.1', 5884 + k, a); return a; });
  keys.forEach((key, k) => {
    run.sessions.push(new DtlsSession(cfg.maxDatagram, seededRandom(70 + k), undefined, undefined, ws));
    run.servers.push(new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: null, cookie: true, echo: false }));
    const peer = app.ep.peerIndex(addrs[k], true);
    assert.is(app.ep.setSecurity(peer, run.sessions[k], ID, 0, ID.length, key, 0, key.length), 0);
    assert.ok(app.request(peer, Code.GET, '/t' + k, k + 1) >= 0);
  });
  const out = new Uint8Array(cfg.maxDatagram);
  const over = () => (done ? done(run) : run.sessions.every((s) => s.state === DtlsState.Connected));
  for (let step = 0, now = 0; step < 6000 && !over(); step++, now += 50) { // (a failure: after the retransmissions, ~63 s)
    app.ep.poll(now);
    if (ws.hs !== null) { run.heldState++; assert.ok(ws.busy, 'a state only while a session holds the workspace'); }
    let n;
    while ((n = app.ep.transmit(out, 0)) > 0) run.servers[addrs.findIndex((a) => a.port === app.ep.txPeer.port)].receive(Buffer.from(out.subarray(0, n)), now);
    run.servers.forEach((srv, k) => { srv.poll(now); for (const d of srv.transmit()) app.ep.receive(d, 0, d.length, addrs[k], now); });
  }
  return { ...run, failures: app.failures.length };
}

test('transient workspace: the handshake state is made for each handshake and dropped when it ends (two sessions in turn); the callback runs each time', () => {
  const r = transientRun([PSK, PSK]);
  for (const s of r.sessions) assert.is(s.state, DtlsState.Connected);
  assert.ok(r.heldState > 0, 'the state existed during the handshakes');
  assert.is(r.ws.hs, null, 'dropped once both are connected');
  assert.is(r.released, 2, 'once per handshake');
  assert.not.ok(r.ws.busy);
});

test('transient workspace: a failed handshake (a key the server does not know) drops the state too', () => {
  // (The endpoint gives a failed session up: it is no longer handshaking, its error kept.)
  const r = transientRun([Buffer.from('ffffffffffffffffffffffffffffffff', 'hex')], (x) => x.released > 0 && x.sessions[0].state !== DtlsState.Handshaking);
  assert.not.equal(r.sessions[0].state, DtlsState.Connected);
  assert.ok(r.failures > 0, 'the endpoint saw the handshake fail');
  assert.is(r.ws.hs, null);
  assert.is(r.released, 1);
});

test('kept workspace (the default): one handshake state, made with the workspace, kept after the handshake', () => {
  const ws = new DtlsWorkspace(576);
  const hs = ws.hs;
  assert.ok(hs !== null);
  assert.is(ws.acquire({}), hs, 'the same state for every handshake');
  ws.release();
  assert.is(ws.hs, hs, 'kept');
  assert.not.ok(ws.busy);
});

test.run();
