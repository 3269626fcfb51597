// Issue 12: the client core against hostile or careless peers, on the simulator's virtual clock and
// against libcoap's coap-client-notls — critical options not defined for the method (RFC 7252
// §5.4.1), oversize requests (RFC 7252 §5.9.2.9, RFC 7959 §2.9.3), oversize Block1 transfers and
// reads, observation slots, and the bootstrap flag against a duplicate answered from the dedup cache.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { world, World, SimServer, SERVER_URI, BS_URI, SERVER_PORT, serverAccountTlv } from './harness.js';
import { writeAccount } from '../../src/client/setup.js';
import { createAclFor } from '../../src/model/access.js';
import { setNumber } from '../../src/objects/values.js';
import { ValueType } from '../../src/model/record.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';
import { CoapMessage, MessageWriter, MsgType, parseMessage } from '../../src/coap/message.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { Ev } from '../../src/client/events.js';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient } from '../../src/client/setup.js';
import { freePort, run } from '../peers.js';
import { rng } from '../sim.js';

const TEXT = 0;
const parse = (b: Uint8Array) => { const m = new CoapMessage(); parseMessage(b, 0, b.length, m); return m; };

function up(seed: number, extra: Parameters<typeof world>[2] = {}): World {
  const w = world(seed, {}, { server: { uri: SERVER_URI, lifetime: 300 }, ...extra });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  assert.ok(w.events.some((e) => e.e === Ev.REGISTERED));
  return w;
}

const serverAddr = () => { const a = new PeerAddress(); parseAddress('127.0.0.1', SERVER_PORT, a); return a; };

interface Raw { type?: number; code: number; mid: number; token?: number[]; path?: string; opts?: [number, Uint8Array | number][]; payload?: Uint8Array }
/** One request datagram, written by the project's writer (options in ascending order). */
function datagram(r: Raw, cap = 4096): Uint8Array {
  const buf = new Uint8Array(cap), w = new MessageWriter();
  const tok = Uint8Array.from(r.token ?? [1, 2, 3, 4]);
  w.begin(buf, 0, cap, r.type ?? MsgType.CON, r.code, r.mid, tok, 0, tok.length);
  const opts: [number, Uint8Array | number][] = [...(r.opts ?? [])];
  for (const seg of (r.path ?? '').split('/').filter((x) => x)) opts.push([Opt.URI_PATH, Buffer.from(seg)]);
  opts.sort((a, b) => a[0] - b[0]);
  for (const [n, v] of opts) { if (typeof v === 'number') w.optionUint(n, v); else w.option(n, v, 0, v.length); }
  if (r.payload) w.payload(r.payload, 0, r.payload.length);
  const n = w.end();
  if (n < 0) throw new Error('does not fit');
  return buf.slice(0, n);
}

/** Injects a datagram from `from` (default: the registered server's address) and returns what the
 *  client sent back to that address. */
function exchange(w: World, bytes: Uint8Array, from = serverAddr(), to = 'server'): CoapMessage[] {
  const before = w.net.wire.length;
  w.net.inject(from, w.clientAddr, bytes);
  w.net.run({ until: w.net.now + 1000 });
  return w.net.wire.slice(before).filter((x) => x.from === 'client' && x.to === to).map((x) => parse(x.bytes));
}

// ------------------------------------------------------------------ point 1: only configured peers

test('only account peers are heard: the bootstrap server\'s own address starts a server-initiated bootstrap, its host on another port does not', () => {
  const w = up(11, { bootstrap: { uri: BS_URI } });
  const c = w.board.client;
  const otherPort = new PeerAddress(); parseAddress('127.0.0.1', 5784, otherPort);
  const before = c.unknownDropped;
  let r = exchange(w, datagram({ code: Code.DELETE, mid: 0x0101, path: '/' }), otherPort, '127.0.0.1:5784');
  assert.is(r.length, 0, 'no answer, no RST');
  assert.not.ok(c.bsFlag, 'no bootstrap from a peer with no account');
  r = exchange(w, datagram({ code: Code.GET, mid: 0x0102, path: '/3/0/0' }), otherPort, '127.0.0.1:5784');
  assert.is(r.length, 0);
  assert.is(c.unknownDropped - before, 2, 'counted');
  assert.ok(c.table.hasInstance(1, 0), 'the configuration is untouched');
  assert.is(c.ep.findPeer(otherPort), -1, 'and it took no peer entry');
  // The registered server and the bootstrap server are heard.
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3/0/0').code, Code.CONTENT);
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/1').code, Code.DELETED);
  assert.ok(c.bsFlag, 'the bootstrap server\'s own account starts a server-initiated bootstrap');
});

// ------------------------------------------------------------------ point 16: RFC 7252 §5.4.1

test('a GET with If-None-Match (or a PUT with If-Match) gets 4.02, not 2.05 / 2.04', () => {
  const w = up(161);
  let r = exchange(w, datagram({ code: Code.GET, mid: 0x1601, path: '/3/0/0', opts: [[Opt.IF_NONE_MATCH, new Uint8Array(0)]] }));
  assert.is(r.length, 1); assert.is(r[0].code, Code.BAD_OPTION); assert.is(r[0].payloadLen, 0);
  r = exchange(w, datagram({ code: Code.PUT, mid: 0x1602, path: '/1/0/1', opts: [[Opt.IF_MATCH, Uint8Array.of(1)], [Opt.CONTENT_FORMAT, TEXT]], payload: Buffer.from('77') }));
  assert.is(r[0].code, Code.BAD_OPTION);
  const c = w.board.client;
  assert.is(c.table.getValue(1, 0, 1, -1, c.rec2), 0); assert.is(c.rec2.num, 300, 'the conditional Write was not applied');
  r = exchange(w, datagram({ type: MsgType.NON, code: Code.GET, mid: 0x1604, path: '/3/0/0', opts: [[Opt.IF_NONE_MATCH, new Uint8Array(0)]] }));
  assert.is(r.length, 0, 'a NON is not answered');
  // The same GET without the option is served.
  r = exchange(w, datagram({ code: Code.GET, mid: 0x1605, path: '/3/0/0' }));
  assert.is(r[0].code, Code.CONTENT);
});

// ------------------------------------------------------------------ point 20: oversize datagram

test('a request datagram larger than the request buffer gets 4.13 with Block1 and Size1 advice, not 5.03', () => {
  const w = up(201);
  const c = w.board.client, cfg = c.config;
  const big = new Uint8Array(cfg.maxDatagram + 200).fill(0x41);
  const r = exchange(w, datagram({ code: Code.PUT, mid: 0x2001, path: '/3303/0/5750', opts: [[Opt.CONTENT_FORMAT, TEXT]], payload: big }));
  assert.is(r.length, 1);
  assert.is(r[0].code, Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(r[0].type, MsgType.ACK);
  assert.is(r[0].find(Opt.MAX_AGE, 0), -1, 'no Max-Age: not a "retry later"');
  assert.is(r[0].block1 >> 4, 0); assert.is(16 << (r[0].block1 & 7), cfg.blockSize, 'Block1: the block size to use');
  assert.is(r[0].size1, cfg.maxPayload, 'Size1: the largest body the client takes');
  assert.is(c.ep.busyRejections, 0);
});

// ------------------------------------------------------------------ point 9: oversize Block1, big reads

test('Block1 announcing Size1 over the reassembly buffer: 4.13 with Size1 at the first block', () => {
  const w = up(91);
  const c = w.board.client, cap = c.block1.length;
  const block = new Uint8Array(64).fill(0x42);
  const opts = (num: number): [number, number][] => [[Opt.CONTENT_FORMAT, TEXT], [Opt.BLOCK1, num * 16 + 8 + 2], [Opt.SIZE1, cap + 904]];
  const r = exchange(w, datagram({ code: Code.PUT, mid: 0x0901, path: '/3303/0/5750', opts: opts(0), payload: block }));
  assert.is(r[0].code, Code.REQUEST_ENTITY_TOO_LARGE, 'refused at block 0');
  assert.is(r[0].size1, cap);
  // The following blocks are not collected either.
  const r2 = exchange(w, datagram({ code: Code.PUT, mid: 0x0902, path: '/3303/0/5750', opts: opts(1), payload: block }));
  assert.ok(r2[0].code !== Code.CONTINUE);
  assert.is(c.block1Peer, -1);
});

test('Block1 without Size1 that overflows the buffer: its 4.13 carries Size1', () => {
  const w = up(92);
  const c = w.board.client, cap = c.block1.length;
  const block = new Uint8Array(512).fill(0x43);
  let last: CoapMessage | null = null;
  for (let num = 0; num * 512 <= cap; num++) {
    const r = exchange(w, datagram({ code: Code.PUT, mid: 0x0910 + num, path: '/3303/0/5750', opts: [[Opt.CONTENT_FORMAT, TEXT], [Opt.BLOCK1, num * 16 + 8 + 5]], payload: block }));
    last = r[0];
    if (last.code !== Code.CONTINUE) break;
  }
  assert.is(last!.code, Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(last!.size1, cap);
});

test('a Block2 read larger than maxPayload gets 4.13, not a bare 5.00', () => {
  const w = up(93, { config: { maxPayload: 24, blockSize: 16 } });
  const r = exchange(w, datagram({ code: Code.GET, mid: 0x0930, path: '/3/0', opts: [[Opt.BLOCK2, 0x02]] }));
  assert.is(r[0].code, Code.REQUEST_ENTITY_TOO_LARGE);
  const r2 = exchange(w, datagram({ code: Code.GET, mid: 0x0931, path: '/3/0' }));
  assert.is(r2[0].code, Code.REQUEST_ENTITY_TOO_LARGE);
  // What fits the scratch is still served block by block.
  const r3 = exchange(w, datagram({ code: Code.GET, mid: 0x0932, path: '/3/0/0', opts: [[Opt.BLOCK2, 0x00]] }));
  assert.is(r3[0].code, Code.CONTENT);
});

test('a Bootstrap-Read larger than maxPayload gets 4.13 too, not 5.00', () => {
  const w = world(94, {}, { bootstrap: { uri: BS_URI }, server: { uri: SERVER_URI, lifetime: 300, pmin: 10, pmax: 60 }, config: { maxPayload: 16, blockSize: 16 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  const r = w.bs.call(w.bsPeer, Code.GET, '/1');
  assert.is(r.code, Code.REQUEST_ENTITY_TOO_LARGE);
  assert.ok(w.board.client.bsFlag, 'a server-initiated bootstrap is running');
});

// ------------------------------------------------------------------ point 18: observation slots

const stranger = (port = 40001) => { const a = new PeerAddress(); parseAddress('127.0.0.1', port, a); return a; };

test('unknown peers (development switch) holding every observation slot yield one to the registered server', () => {
  const w = up(181, { acceptUnknownPeers: true });
  const c = w.board.client, n = c.config.maxObservations;
  for (let k = 0; k < n; k++) {
    const r = exchange(w, datagram({ code: Code.GET, mid: 0x1800 + k, token: [0x18, k], path: '/3303/0/5700', opts: [[Opt.OBSERVE, 0]] }), stranger(), '127.0.0.1:40001');
    assert.ok(r[0].observe >= 0, `stranger's observation ${k} registered`);
  }
  assert.is(c.obs.count(), n);
  const o = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  assert.is(o.code, Code.CONTENT);
  assert.ok(o.observe >= 0, 'the server\'s Observe is registered (the response carries Observe)');
  assert.is(c.obs.count(), n);
  w.board.temperature.set(33);
  w.net.run({ done: () => w.server.notifications.length > 0, until: w.net.now + 10_000 });
  assert.is(w.server.notifications.length, 1, 'and notified');
});

test('a server holding every slot yields one to a second server below its share', () => {
  const w = world(182, {}, { server: { uri: SERVER_URI, ssid: 1, lifetime: 300 } });
  const server2 = new SimServer(w.net, 'server2', 13);
  w.net.add('server2', '127.0.0.1', 5684, server2.ep);
  const c = w.board.client;
  assert.is(writeAccount(c.table, 5, { uri: 'coap://127.0.0.1:5684', ssid: 2, lifetime: 300 }, false), 0);
  c.start(0);
  w.net.run({ done: () => w.events.filter((e) => e.e === Ev.REGISTERED).length === 2, until: 60_000 });
  // Two servers: access control applies (TS Core §7.3); server 1 owns /3303/0, server 2 may read it.
  const a = createAclFor(c.table, 3303, 0, 1);
  assert.is(setNumber(c.table, 2, a, 2, 2, ValueType.Integer, 1), 0);
  const n = c.config.maxObservations;
  for (let k = 0; k < n; k++) assert.ok(w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 }).observe >= 0);
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 }).observe, -1, 'over the table: no Observe');
  const o = server2.call(server2.ep.peerIndex(w.clientAddr, true), Code.GET, '/3303/0/5700', { observe: 0 });
  assert.ok(o.observe >= 0, 'server 2 is not starved by server 1');
  assert.is(c.obs.count(), n);
});

test('a stranger\'s observation (development switch) ends on RST to a notification, and when CON notifications go unanswered', () => {
  for (const con of [false, true]) {
    const w = up(183 + (con ? 1 : 0), { acceptUnknownPeers: true, confirmableNotifications: con });
    const c = w.board.client;
    const r = exchange(w, datagram({ code: Code.GET, mid: 0x1830, token: [0x18, 0x30], path: '/3303/0/5700', opts: [[Opt.OBSERVE, 0]] }), stranger(40002), '127.0.0.1:40002');
    assert.ok(r[0].observe >= 0);
    assert.is(c.obs.count(), 1);
    const before = w.net.wire.length;
    w.board.temperature.set(40);
    w.net.run({ until: w.net.now + 2000 });
    const notes = w.net.wire.slice(before).filter((x) => x.from === 'client' && x.to === '127.0.0.1:40002').map((x) => parse(x.bytes));
    assert.ok(notes.length >= 1 && notes[0].observe >= 0, 'notified');
    if (!con) {
      w.net.inject(stranger(40002), w.clientAddr, Uint8Array.of(0x70, 0, notes[0].mid >> 8, notes[0].mid & 0xff)); // RST
      w.net.run({ until: w.net.now + 1000 });
    } else {
      w.net.run({ until: w.net.now + 300_000 }); // every retransmission unanswered
    }
    assert.is(c.obs.count(), 0, con ? 'unanswered CON notifications end it' : 'an RST ends it');
    assert.ok(w.events.some((e) => e.e === Ev.OBSERVE_CANCELLED));
  }
});

// ------------------------------------------------------------------ point 21: the old exchange's reply

/** Registered with the server, with a bootstrap account; the server sends Execute /1/0/9, the
 *  client's 2.04 (its ACK) is lost, so the server retransmits the Execute, and the bootstrap server
 *  provisions at once — the retransmissions arrive during the bootstrap and after the Finish. */
function reBootstrapWithLostAck(seed: number, link: Parameters<typeof world>[1], sameServer: boolean) {
  const w = world(seed, link, { server: { uri: SERVER_URI, lifetime: 300 }, bootstrap: { uri: BS_URI } });
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  assert.ok(w.events.some((e) => e.e === Ev.REGISTERED));
  const leaks: string[] = [];
  let execMid = -1, lostAck = false;
  w.net.filter = (from, to, bytes) => {
    const m = parse(bytes);
    if (from === 'server' && to === 'client' && m.code === Code.POST && execMid < 0) execMid = m.mid;
    if (from !== 'client' || to !== 'server') return true;
    if (c.bsFlag) leaks.push(`type ${m.type} code ${m.code} mid ${m.mid}`);
    if (m.type === MsgType.ACK && m.mid === execMid && !lostAck) { lostAck = true; return false; }
    return true;
  };
  const tag = w.server.request(w.serverPeer, Code.POST, '/1/0/9');
  w.net.run({ done: () => w.bs.requests.some((q) => q.path === '/bs'), until: w.net.now + 10_000 });
  assert.ok(lostAck, 'the 2.04 to the Execute was lost');
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/').code, Code.DELETED);
  const acc = serverAccountTlv(1, 0, sameServer ? SERVER_URI : 'coap://127.0.0.1:5699', 7, 300);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: 11542, payload: acc.sec }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: 11542, payload: acc.srv }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED);
  assert.ok(!c.bsFlag);
  w.net.run({ until: w.net.now + 300_000 }); // every retransmission of the Execute has arrived
  const execAnswers = w.net.wire.filter((x) => x.from === 'client' && x.to === 'server' && !x.dropped)
    .map((x) => parse(x.bytes)).filter((m) => m.type === MsgType.ACK && m.mid === execMid);
  return { w, leaks, execAnswers, tag };
}

test('a retransmitted Execute /1/0/9 whose 2.04 was lost: nothing reaches the server while the flag is up, nor is it executed again after the Finish', () => {
  for (const sameServer of [true, false]) {
    const { w, leaks, execAnswers } = reBootstrapWithLostAck(211, { delay: 5 }, sameServer);
    assert.equal(leaks, [], 'nothing to the server while bootstrapping');
    assert.is(execAnswers.length, 0, `no later answer to the old Execute (same server: ${sameServer})`);
    assert.is(w.events.filter((e) => e.e === Ev.BOOTSTRAP_STARTED).length, 1, 'one bootstrap, not a second one from the old Execute');
    if (sameServer) assert.ok(w.events.filter((e) => e.e === Ev.REGISTERED).length >= 2, 'registered anew');
  }
});

test('the same under reordering and duplication, seeds 1…40', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { w, leaks, execAnswers } = reBootstrapWithLostAck(2100 + seed, { delay: 5, jitter: 400, duplicate: 0.3 }, seed % 2 === 0);
    assert.equal(leaks, [], `seed ${seed}: nothing to the server while bootstrapping`);
    assert.is(execAnswers.length, 0, `seed ${seed}: no later answer to the old Execute`);
    assert.is(w.events.filter((e) => e.e === Ev.BOOTSTRAP_STARTED).length, 1, `seed ${seed}: one bootstrap`);
  }
});

// A randomized search on the virtual clock (loss, duplication, reordering; CON or NON notifications
// with pmax; Writes, Reads, Update Triggers and repeated Bootstrap-Request Triggers from the server
// before and during the bootstrap): nothing reaches the server while the flag is up, and the client
// never busy-loops (the simulator's step limit). It found a CON notification in flight past pmax,
// and a pmax deadline lost by rounding (now - last < period at last + period), making every poll
// return "now".
test('randomized re-bootstraps: no datagram to the server while the flag is up; the client always goes idle', () => {
  for (let seed = 1; seed <= 120; seed++) {
    const r = rng(seed * 7);
    const w = world(seed, { jitter: r() * 4000, duplicate: r() * 0.5, loss: r() * 0.3, delay: 5 },
      { server: { uri: SERVER_URI, lifetime: 20 + Math.floor(r() * 100), pmin: 0, pmax: 5 }, bootstrap: { uri: BS_URI, holdOff: Math.floor(r() * 3) }, confirmableNotifications: r() < 0.5 });
    const c = w.board.client;
    c.start(0);
    w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 200_000 });
    if (!w.events.some((e) => e.e === Ev.REGISTERED)) continue;
    const leaks: string[] = [];
    w.net.filter = (from, to, bytes, t) => { if (from === 'client' && to === 'server' && c.bsFlag) { const m = parse(bytes); leaks.push(`${t}: type ${m.type} code ${m.code} mid ${m.mid}`); } return true; };
    w.server.request(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
    for (let k = 0; k < 5; k++) {
      const pick = Math.floor(r() * 4);
      if (pick === 0) w.server.request(w.serverPeer, Code.PUT, '/1/0/1', { cf: TEXT, payload: Buffer.from('60') });
      else if (pick === 1) w.server.request(w.serverPeer, Code.GET, '/3/0');
      else if (pick === 2) w.server.request(w.serverPeer, Code.POST, '/1/0/8');
      else w.board.temperature.set(r() * 50);
      w.net.run({ until: w.net.now + r() * 3000 });
    }
    w.server.request(w.serverPeer, Code.POST, '/1/0/9');
    for (let k = 0; k < 6; k++) {
      w.net.run({ until: w.net.now + r() * 2000 });
      if (r() < 0.5) w.server.request(w.serverPeer, r() < 0.5 ? Code.GET : Code.POST, r() < 0.5 ? '/3/0' : '/1/0/9');
      w.board.temperature.set(r() * 50);
    }
    w.net.run({ done: () => w.bs.requests.some((q) => q.path === '/bs'), until: w.net.now + 60_000 });
    if (w.bs.requests.some((q) => q.path === '/bs')) {
      w.bs.request(w.bsPeer, Code.DELETE, '/');
      w.net.run({ until: w.net.now + r() * 3000 });
      const acc = serverAccountTlv(1, 0, SERVER_URI, 7, 300);
      w.bs.request(w.bsPeer, Code.PUT, '/0/1', { cf: 11542, payload: acc.sec });
      w.bs.request(w.bsPeer, Code.PUT, '/1/0', { cf: 11542, payload: acc.srv });
      w.net.run({ until: w.net.now + r() * 3000 });
    }
    w.net.run({ until: w.net.now + 100_000 });
    assert.equal(leaks, [], `seed ${seed}`);
  }
});

test('a CON notification unacknowledged past pmax: the client waits for the endpoint\'s retransmission timer, it does not spin', () => {
  const w = up(212, { server: { uri: SERVER_URI, lifetime: 300, pmin: 0, pmax: 1 }, confirmableNotifications: true });
  w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  w.net.filter = (from, to) => !(from === 'server' && to === 'client'); // no more ACKs
  w.board.temperature.set(30);
  const steps = w.net.run({ until: w.net.now + 120_000, maxSteps: 2000 }); // a busy loop exceeds the step limit
  assert.ok(steps < 2000);
  assert.is(w.board.client.obs.count(), 0, 'the unanswered CON notification ended the observation');
});

test.run();
