// The message layer under the simulator's virtual clock (RFC 7252 §4: retransmission, dedup,
// piggybacked and separate responses, RST, ping, NSTART) and the rings' full behaviour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimNetwork } from '../sim.js';
import { ResourceApp } from './app.js';
import { makeConfig } from '../../src/config.js';
import { Code } from '../../src/coap/codes.js';
import { CoapMessage, MessageWriter, MsgType, parseMessage } from '../../src/coap/message.js';
import { Failure, Rx } from '../../src/coap/endpoint.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { Opt } from '../../src/coap/option.js';
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';
import { TestDtlsServer } from '../dtls/server.js';
import { seededRandom } from '../dtls/sim.js';
import { Slab } from '../../src/slab.js';

function pair(seed: number, link: ConstructorParameters<typeof SimNetwork>[1], cfg = makeConfig()) {
  const net = new SimNetwork(seed, link);
  const client = new ResourceApp(cfg, seed * 3 + 1);
  const server = new ResourceApp(cfg, seed * 7 + 2);
  net.add('client', '127.0.0.1', 5000, client.ep);
  const sAddr = net.add('server', '127.0.0.1', 5683, server.ep);
  const p = client.ep.peerIndex(sAddr, true);
  return { net, client, server, p };
}

function parse(bytes: Uint8Array): CoapMessage {
  const m = new CoapMessage();
  parseMessage(bytes, 0, bytes.length, m);
  return m;
}

test('a CON request survives 30% loss, with the RFC 7252 §4.2 back-off on the virtual clock', () => {
  let sawRetransmission = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const { net, client, server, p } = pair(seed, { loss: 0.3, delay: 5 });
    assert.is(client.request(p, Code.GET, '/hello', 42), 0);
    net.run({ done: () => client.responses.length + client.failures.length > 0, until: 200_000 });
    const sends = net.wire.filter((w) => w.from === 'client' && parse(w.bytes).code === Code.GET);
    const mid = parse(sends[0].bytes).mid;
    for (const s of sends) assert.is(parse(s.bytes).mid, mid, 'a retransmission keeps its message ID');
    // Intervals: the first in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], then doubling (§4.2).
    const gaps = sends.slice(1).map((s, k) => s.t - sends[k].t);
    if (gaps.length) {
      sawRetransmission++;
      assert.ok(gaps[0] >= 2000 && gaps[0] <= 3000, `first timeout ${gaps[0]}`);
      for (let k = 1; k < gaps.length; k++) assert.ok(Math.abs(gaps[k] - 2 * gaps[k - 1]) < 1e-6, `gap ${k} doubles`);
    }
    assert.ok(sends.length <= 5, 'at most MAX_RETRANSMIT retransmissions');
    if (client.responses.length) {
      assert.is(client.responses[0].payload, 'world');
      assert.is(client.responses[0].tag, 42);
      assert.is(server.executions, 1, 'executed once despite retransmissions');
    } else {
      assert.is(client.failures[0].reason, Failure.TIMEOUT);
    }
    assert.is(client.ep.ringInUse(), 0, 'no ring slot leaks');
    assert.is(server.ep.dedupProcessing(), 0);
  }
  assert.ok(sawRetransmission > 5);
});

test('no ACK at all: 4 retransmissions at 1x, 2x, 4x, 8x the initial timeout, then a timeout failure', () => {
  const { net, client, p } = pair(3, { loss: 1 });
  client.request(p, Code.GET, '/hello', 7);
  net.run({ until: 1_000_000 });
  const sends = net.wire.filter((w) => w.from === 'client');
  assert.is(sends.length, 5);
  const t0 = sends[0].t, first = sends[1].t - t0;
  assert.equal(sends.map((s) => Math.round((s.t - t0) / first * 1000) / 1000), [0, 1, 3, 7, 15]);
  assert.equal(client.failures, [{ tag: 7, reason: Failure.TIMEOUT }]);
  assert.ok(Math.abs(client.failureTimes[0] - (t0 + first * 31)) < 1e-6, 'fails at 31 x the initial timeout');
  assert.is(client.ep.ringInUse(), 0);
});

test('duplicated datagrams: a duplicate CON is answered from the dedup cache and executed once', () => {
  const { net, client, server, p } = pair(5, { duplicate: 1, delay: 3 });
  for (let n = 0; n < 5; n++) {
    client.request(p, Code.POST, '/count', n);
    net.run({ done: () => client.responses.length > n });
  }
  net.run({ until: net.now + 10_000 });
  assert.is(server.countPosts, 5);
  assert.equal(client.responses.map((r) => r.payload), ['1', '2', '3', '4', '5']);
  assert.ok(server.ep.duplicates >= 5);
  // each duplicate got byte-identical responses
  const acks = net.wire.filter((w) => w.from === 'server').map((w) => Buffer.from(w.bytes).toString('hex'));
  const byMid = new Map<string, Set<string>>();
  for (const a of acks) { const k = a.slice(4, 8); if (!byMid.has(k)) byMid.set(k, new Set()); byMid.get(k)!.add(a); }
  for (const set of byMid.values()) assert.is(set.size, 1);
});

test('reordered responses are matched by token (NSTART 4, heavy jitter)', () => {
  const { net, client, server, p } = pair(11, { delay: 1, jitter: 400 }, makeConfig({ nstart: 4 }));
  server.store = new Uint8Array(Buffer.from('stored'));
  client.request(p, Code.GET, '/hello', 1);
  client.request(p, Code.GET, '/store', 2);
  client.request(p, Code.GET, '/nothing', 3);
  client.request(p, Code.POST, '/count', 4);
  net.run({ done: () => client.responses.length === 4 });
  const byTag = Object.fromEntries(client.responses.map((r) => [r.tag, r]));
  assert.is(byTag[1].payload, 'world');
  assert.is(byTag[2].payload, 'stored');
  assert.is(byTag[3].code, Code.NOT_FOUND);
  assert.is(byTag[4].payload, '1');
  assert.not.equal(client.responses.map((r) => r.tag), [1, 2, 3, 4], 'arrived out of order');
});

test('NSTART 1: a second request to the same peer waits for the first', () => {
  const { net, client, p } = pair(2, { delay: 10 });
  client.request(p, Code.GET, '/hello', 1);
  client.request(p, Code.GET, '/hello', 2);
  net.run({ done: () => client.responses.length === 2 });
  const sends = net.wire.filter((w) => w.from === 'client');
  const resp = net.wire.filter((w) => w.from === 'server');
  assert.ok(sends[1].t >= resp[0].t + 10, 'second sent after the first response arrived');
});

test('NSTART 1: once the empty ACK of a separate response came, the next request to that peer goes (§4.7)', () => {
  // Found with Wakaama's client, which ACKs a FETCH it does not implement and never answers it: the
  // host server's next requests to it waited the whole MAX_TRANSMIT_WAIT behind it.
  const { net, client, server, p } = pair(5, { delay: 2 });
  client.request(p, Code.GET, '/slow', 1);
  client.request(p, Code.GET, '/hello', 2);
  net.run({ done: () => client.responses.length === 1, until: 5_000 });
  assert.equal(client.responses.map((r) => r.tag), [2], 'the second request was answered while the first waits');
  assert.is(server.slow.length, 1);
  // A CON not yet acknowledged still holds the next one back.
  assert.is(server.answerSlow('late'), 0);
  net.run({ done: () => client.responses.length === 2 });
  assert.equal(client.responses.map((r) => [r.tag, r.payload]), [[2, 'world'], [1, 'late']]);
  assert.is(client.ep.ringInUse(), 0);
});

test('separate response: empty ACK first, then a CON response that the client ACKs', () => {
  const { net, client, server, p } = pair(4, { delay: 2 });
  client.request(p, Code.GET, '/slow', 9);
  net.run({ done: () => server.slow.length === 1 });
  net.advance(50);
  const ack = net.wire.find((w) => w.from === 'server')!;
  const m = parse(ack.bytes);
  assert.is(m.type, MsgType.ACK); assert.is(m.code, 0);
  net.advance(10_000); // longer than the retransmission timeout: the empty ACK stopped it
  assert.is(net.wire.filter((w) => w.from === 'client').length, 1);
  assert.is(server.answerSlow('late'), 0);
  net.run({ done: () => client.responses.length === 1 });
  net.advance(100);
  assert.is(client.responses[0].payload, 'late');
  const last = parse(net.wire[net.wire.length - 1].bytes);
  assert.is(last.type, MsgType.ACK);
  assert.equal(server.delivered, [99]);
  assert.is(server.ep.ringInUse(), 0); assert.is(client.ep.ringInUse(), 0);
});

test('CoAP ping (empty CON) is answered with RST (§4.3); our ping completes on the RST', () => {
  const { net, client, server, p } = pair(6, { delay: 1 });
  const k = client.ep.beginPing(p, 77);
  assert.ok(k >= 0);
  client.ep.commit(k);
  net.run({ until: 1000 });
  assert.equal(client.failures, [{ tag: 77, reason: Failure.RESET }]);
  const rst = parse(net.wire.find((w) => w.from === 'server')!.bytes);
  assert.is(rst.type, MsgType.RST);
  assert.is(server.executions, 0);
});

// Direct drive: no network, exact outputs.
function direct(cfg = makeConfig()) {
  const app = new ResourceApp(cfg, 1);
  const peer = new PeerAddress(); parseAddress('127.0.0.1', 9999, peer);
  const out = new Uint8Array(2048);
  const drain = (): CoapMessage[] => {
    app.ep.poll(0);
    const got: CoapMessage[] = [];
    for (let n = app.ep.transmit(out, 0); n > 0; n = app.ep.transmit(out, 0)) got.push(parse(out.slice(0, n)));
    return got;
  };
  return { app, peer, drain };
}

function con(mid: number, code: number, opts: (w: MessageWriter) => void = () => {}, type = MsgType.CON): Uint8Array {
  const b = new Uint8Array(256), w = new MessageWriter();
  w.begin(b, 0, 256, type, code, mid, Uint8Array.of(1, 2), 0, 2);
  opts(w);
  return b.slice(0, w.end());
}

test('request ring full: an inbound CON gets 5.03 with Max-Age; a NON is dropped', () => {
  const { app, peer, drain } = direct(makeConfig({ requestRingDepth: 1 }));
  const path = (w: MessageWriter) => w.option(Opt.URI_PATH, Buffer.from('hello'), 0, 5);
  const c1 = con(1, Code.GET, path);
  assert.is(app.ep.receive(c1, 0, c1.length, peer, 0), Rx.QUEUED);
  const c2 = con(2, Code.GET, path);
  assert.is(app.ep.receive(c2, 0, c2.length, peer, 0), Rx.REJECTED);
  const n3 = con(3, Code.GET, path, MsgType.NON);
  assert.is(app.ep.receive(n3, 0, n3.length, peer, 0), Rx.IGNORED);
  const got = drain();
  const busy = got.find((m) => m.mid === 2)!;
  assert.is(busy.code, Code.SERVICE_UNAVAILABLE);
  assert.is(busy.uint(busy.find(Opt.MAX_AGE, 0)), 2);
  assert.is(got.find((m) => m.mid === 1)!.code, Code.CONTENT);
  assert.is(got.length, 2);
  assert.is(app.executions, 1);
});

test('response ring full: beginRequest returns -5.03 and nothing grows', () => {
  const { app } = direct(makeConfig({ responseRingDepth: 2 }));
  const p = app.ep.peerIndex(Object.assign(new PeerAddress(), {}), true);
  assert.is(app.request(p, Code.GET, '/a', 1), 0);
  assert.is(app.request(p, Code.GET, '/b', 2), 0);
  assert.is(app.request(p, Code.GET, '/c', 3), -Code.SERVICE_UNAVAILABLE);
  assert.is(app.ep.ringInUse(), 2);
});

test('bad input: unknown critical option in CON → 4.02; format error in CON → RST; in NON → nothing', () => {
  const { app, peer, drain } = direct();
  const bad = con(10, Code.GET, (w) => w.optionEmpty(2049));
  app.ep.receive(bad, 0, bad.length, peer, 0);
  let got = drain();
  assert.is(got.length, 1); assert.is(got[0].code, Code.BAD_OPTION); assert.is(got[0].mid, 10); assert.is(got[0].type, MsgType.ACK);
  const broken = Uint8Array.of(0x42, 1, 0, 11, 1, 2, 0xf0); // CON, delta 15
  app.ep.receive(broken, 0, broken.length, peer, 0);
  got = drain();
  assert.is(got.length, 1); assert.is(got[0].type, MsgType.RST); assert.is(got[0].mid, 11);
  const brokenNon = Uint8Array.of(0x52, 1, 0, 12, 1, 2, 0xf0);
  app.ep.receive(brokenNon, 0, brokenNon.length, peer, 0);
  assert.is(drain().length, 0);
  // an unexpected CON response → RST (§5.3.2); unexpected ACK → ignored
  const resp = con(13, Code.CONTENT);
  app.ep.receive(resp, 0, resp.length, peer, 0);
  got = drain();
  assert.is(got.length, 1); assert.is(got[0].type, MsgType.RST);
  assert.is(app.executions, 0);
});

test('flushAllExcept drops queued requests, pending responses and outbound messages of other peers', () => {
  const { app, peer, drain } = direct();
  const other = new PeerAddress(); parseAddress('127.0.0.1', 7777, other);
  const path = (w: MessageWriter) => w.option(Opt.URI_PATH, Buffer.from('hello'), 0, 5);
  const a = con(20, Code.GET, path), b = con(21, Code.GET, path);
  app.ep.receive(a, 0, a.length, peer, 0);
  app.ep.receive(b, 0, b.length, other, 0);
  const keep = app.ep.findPeer(other);
  app.request(app.ep.findPeer(peer), Code.GET, '/x', 5);
  const dropped = app.ep.flushAllExcept(keep);
  assert.is(dropped, 2);
  const got = drain();
  assert.is(got.length, 1);
  assert.is(got[0].mid, 21);
  assert.is(app.executions, 1);
});

test('flushAllExcept drops a pending separate response (and its retransmissions) to another peer', () => {
  const { net, client, server, p } = pair(14, { delay: 2 });
  client.request(p, Code.GET, '/slow', 9);
  net.run({ done: () => server.slow.length === 1 });
  net.advance(50);
  // The server's separate CON response is queued, then its peers are flushed (the bootstrap flag).
  assert.is(server.answerSlow('late'), 0);
  const before = net.wire.length;
  const dropped = server.ep.flushAllExcept(-1);
  assert.is(dropped, 1);
  net.advance(120_000);
  assert.is(net.wire.slice(before).filter((x) => x.from === 'server').length, 0, 'never sent, never retransmitted');
  assert.is(client.responses.length, 0);
  assert.is(server.ep.ringInUse(), 0);
});

test('a full peer table evicts the least recently seen peer whose exchanges are all answered', () => {
  const { app, drain } = direct(makeConfig({ maxPeers: 2, maxServers: 1 }));
  const path = (w: MessageWriter) => w.option(Opt.URI_PATH, Buffer.from('hello'), 0, 5);
  for (let n = 0; n < 20; n++) { // twenty one-shot clients, each from a new port
    const peer = new PeerAddress(); parseAddress('127.0.0.1', 20000 + n, peer);
    const m = con(100 + n, Code.GET, path);
    assert.is(app.ep.receive(m, 0, m.length, peer, n), Rx.QUEUED, `client ${n} is heard`);
    const got = drain();
    assert.is(got.length, 1);
    assert.is(got[0].code, Code.CONTENT);
  }
});

test('over DTLS: a response and a request come in decrypted, our answer goes out sealed (the plaintext scratch)', () => {
  const cfg = makeConfig({ maxDatagram: 576, requestRingDepth: 1, responseRingDepth: 2, dedupEntries: 2 });
  const app = new ResourceApp(cfg, 5);
  const session = new DtlsSession(cfg.maxDatagram, seededRandom(50));
  const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'), ID = Buffer.from('dtls-endpoint');
  const server = new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: null, cookie: true, echo: false });
  const addr = new PeerAddress(); parseAddress('127.0.0.1', 5684, addr);
  const p = app.ep.peerIndex(addr, true);
  assert.is(app.ep.setSecurity(p, session, ID, 0, ID.length, PSK, 0, PSK.length), 0);
  assert.is(app.request(p, Code.GET, '/a', 7), 0);
  const out = new Uint8Array(cfg.maxDatagram);
  let now = 0;
  const step = () => {
    app.ep.poll(now);
    for (let n = app.ep.transmit(out, 0); n > 0; n = app.ep.transmit(out, 0)) server.receive(Buffer.from(out.subarray(0, n)), now);
    server.poll(now);
    for (const d of server.transmit()) app.ep.receive(d, 0, d.length, addr, now);
    now += 10;
  };
  for (let k = 0; k < 100 && server.appReceived.length === 0; k++) step();
  assert.is(session.state, DtlsState.Connected);
  const req = parse(server.appReceived[0]);
  assert.is(req.code, Code.GET);
  // The server answers (piggybacked) and then asks GET /hello of us.
  const b = new Uint8Array(64), w = new MessageWriter();
  w.begin(b, 0, 64, MsgType.ACK, Code.CONTENT, req.mid, req.token, 0, req.tokenLen);
  w.payload(Buffer.from('ok'), 0, 2);
  server.sendApp(Buffer.from(b.subarray(0, w.end())));
  w.begin(b, 0, 64, MsgType.CON, Code.GET, 0x1234, Uint8Array.of(9, 8), 0, 2);
  w.option(Opt.URI_PATH, Buffer.from('hello'), 0, 5);
  server.sendApp(Buffer.from(b.subarray(0, w.end())));
  for (let k = 0; k < 10 && server.appReceived.length < 2; k++) step();
  assert.equal(app.responses.map((r) => [r.tag, r.code, r.payload]), [[7, Code.CONTENT, 'ok']]);
  assert.is(server.appReceived.length, 2);
  const res = parse(server.appReceived[1]);
  assert.equal([res.type, res.code, res.mid, Buffer.from(res.buf.subarray(res.payloadOff, res.payloadOff + res.payloadLen)).toString()],
    [MsgType.ACK, Code.CONTENT, 0x1234, 'world']);
  assert.is(app.failures.length, 0);
});



test('option offsets past 64 KB of the endpoint\'s datagram array: a queued request and a DTLS plaintext still parse', () => {
  // The rings, dedup entries and plaintext scratch are one array: with 64 response slots of 1280 bytes
  // the request ring starts at 81,920, with 16 + 4 + 32 slots the plaintext scratch at 66,560.
  const { app, peer, drain } = direct(makeConfig({ responseRingDepth: 64 }));
  const c1 = con(1, Code.GET, (w) => w.option(Opt.URI_PATH, Buffer.from('hello'), 0, 5));
  assert.is(app.ep.receive(c1, 0, c1.length, peer, 0), Rx.QUEUED);
  const got = drain();
  assert.is(got.length, 1);
  assert.is(got[0].code, Code.CONTENT, 'GET /hello found from the request ring');

  const cfg = makeConfig({ maxPeers: 8, responseRingDepth: 16, dedupEntries: 32 });
  const dapp = new ResourceApp(cfg, 5);
  const session = new DtlsSession(cfg.maxDatagram, seededRandom(51));
  const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'), ID = Buffer.from('dtls-endpoint');
  const server = new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: null, cookie: false, echo: false });
  const addr = new PeerAddress(); parseAddress('127.0.0.1', 5684, addr);
  const p = dapp.ep.peerIndex(addr, true);
  assert.is(dapp.ep.setSecurity(p, session, ID, 0, ID.length, PSK, 0, PSK.length), 0);
  assert.is(dapp.request(p, Code.GET, '/a', 7), 0);
  const out = new Uint8Array(cfg.maxDatagram);
  let now = 0;
  const step = () => {
    dapp.ep.poll(now);
    for (let n = dapp.ep.transmit(out, 0); n > 0; n = dapp.ep.transmit(out, 0)) server.receive(Buffer.from(out.subarray(0, n)), now);
    server.poll(now);
    for (const d of server.transmit()) dapp.ep.receive(d, 0, d.length, addr, now);
    now += 10;
  };
  for (let k = 0; k < 100 && server.appReceived.length === 0; k++) step();
  assert.is(session.state, DtlsState.Connected);
  // The response to our GET /a is parsed from the plaintext scratch: its options are decoded there.
  const req = parse(server.appReceived[0]);
  const formats: number[] = [];
  const onResponse = dapp.onResponse.bind(dapp);
  dapp.onResponse = (tag, res, peer) => { formats.push(res.contentFormat); onResponse(tag, res, peer); };
  const b = new Uint8Array(64), w = new MessageWriter();
  w.begin(b, 0, 64, MsgType.ACK, Code.CONTENT, req.mid, req.token, 0, req.tokenLen);
  w.optionUint(Opt.CONTENT_FORMAT, 60);
  w.payload(Buffer.from('ok'), 0, 2);
  server.sendApp(Buffer.from(b.subarray(0, w.end())));
  for (let k = 0; k < 10 && dapp.responses.length === 0; k++) step();
  assert.equal(dapp.responses.map((r) => [r.tag, r.code, r.payload]), [[7, Code.CONTENT, 'ok']]);
  assert.equal(formats, [60], 'Content-Format read from the plaintext scratch');
});

test('two endpoints carved from one shared slab keep their state apart', () => {
  const cfg = makeConfig({ maxDatagram: 576, requestRingDepth: 1, responseRingDepth: 3, dedupEntries: 2, maxPeers: 2, maxServers: 1 });
  const slab = new Slab();
  const net = new SimNetwork(3, { loss: 0, delay: 5 });
  const client = new ResourceApp(cfg, 11, slab), server = new ResourceApp(cfg, 12, slab);
  // Each endpoint's tables (state rows, the parsed message, peer addresses, scratches) are slab views.
  assert.ok(slab.views >= 2 * 19 && slab.pages <= 2, `${slab.views} views in ${slab.pages} pages`);
  net.add('client', '127.0.0.1', 5000, client.ep);
  const p = client.ep.peerIndex(net.add('server', '127.0.0.1', 5683, server.ep), true);
  assert.is(client.request(p, Code.PUT, '/store', 1, Buffer.from('abc')), 0);
  assert.is(client.request(p, Code.GET, '/store', 2), 0);
  assert.is(client.request(p, Code.GET, '/hello', 3), 0);
  net.run({ done: () => client.responses.length === 3, until: 60_000 });
  assert.equal(client.responses.map((r) => [r.tag, r.code, r.payload]),
    [[1, Code.CHANGED, ''], [2, Code.CONTENT, 'abc'], [3, Code.CONTENT, 'world']]);
  assert.is(client.ep.ringInUse(), 0);
  assert.is(server.ep.dedupProcessing(), 0);
});

test.run();
