// Bad input at the LwM2M layer: 20,000 seeded random and mutated LwM2M requests from the server and
// then from the bootstrap server. No exception escapes, every CON gets exactly one reply (an ACK with
// a response code, or RST), nothing leaks in the rings, and the stored configuration always stays a
// usable one (TS Core: bad input never loses configuration).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBoardClient } from '../../src/client/setup.js';
import { CoapMessage, MessageWriter, MsgType, parseMessage } from '../../src/coap/message.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { ObjectTable } from '../../src/model/table.js';
import { STANDARD_DEFS } from '../../src/objects/standard.js';
import { makeConfig } from '../../src/config.js';
import { checkBootstrapConfig, ConfigDiag } from '../../src/objects/consistency.js';
import { rng } from '../sim.js';
import { serverAccountTlv, MemStore } from './harness.js';

const PATHS = ['', '0', '0/0', '0/1/0', '1', '1/0', '1/0/1', '1/0/9', '1/0/8', '2', '3', '3/0', '3/0/0', '3/0/4', '3/0/11/0',
  '4/0', '3303', '3303/0', '3303/0/5700', '3303/0/5750', '3303/1', 'bs', 'bspack', 'rd', '99', '99/0/0', '3/0/0/0/0', '65535', 'x/y'];
const CFS = [-1, 0, 40, 42, 60, 110, 112, 11542, 11543, 11544, 9999];
const METHODS = [Code.GET, Code.PUT, Code.POST, Code.DELETE, Code.FETCH, Code.IPATCH, 0x08];

function storedConfigUsable(store: MemStore): boolean {
  const t = new ObjectTable(makeConfig(), STANDARD_DEFS);
  if (!store.data || t.deserialize(store.data, 0, store.data.length) !== 0) return false;
  return checkBootstrapConfig(t, new ConfigDiag()) === 0;
}

test('20,000 random and mutated LwM2M requests from the server, then from the bootstrap server', () => {
  const store = new MemStore();
  const board = createBoardClient({ endpoint: 'fuzz', seed: Uint8Array.of(3, 1, 4, 1), store,
    server: { uri: 'coap://127.0.0.1:5683' }, bootstrap: { uri: 'coap://127.0.0.1:5783' }, bootstrapTimeout: 30_000 });
  const c = board.client;
  c.start(0);
  const server = new PeerAddress(); parseAddress('127.0.0.1', 5683, server);
  const bs = new PeerAddress(); parseAddress('127.0.0.1', 5783, bs);
  const r = rng(77);
  const out = new Uint8Array(4096), req = new Uint8Array(2048), w = new MessageWriter(), m = new CoapMessage();
  const acc = serverAccountTlv(1, 0, 'coap://127.0.0.1:5683', 1, 300);
  const payloads = [acc.sec, acc.srv, Buffer.from('[{"n":"/3303/0/5750","vs":"x"}]'), Buffer.from('[{"bn":"/1/0/","n":"1","v":60}]'),
    Buffer.from('42'), Buffer.from([0x81, 0xa2, 0x00, 0x61, 0x30, 0x02, 0x01]), Buffer.alloc(0)];
  let now = 1, mid = 0, cons = 0;
  for (let n = 0; n < 20_000; n++) {
    const fromBs = n >= 12_000;
    const method = METHODS[Math.floor(r() * METHODS.length)];
    const type = r() < 0.8 ? MsgType.CON : MsgType.NON;
    mid = (mid + 1) & 0xffff;
    w.begin(req, 0, req.length, type, method, mid, Uint8Array.of(n & 255, (n >> 8) & 255), 0, 2);
    if (r() < 0.2) w.optionUint(Opt.OBSERVE, Math.floor(r() * 3));
    for (const seg of PATHS[Math.floor(r() * PATHS.length)].split('/').filter(Boolean)) { const b = Buffer.from(seg); w.option(Opt.URI_PATH, b, 0, b.length); }
    const cf = CFS[Math.floor(r() * CFS.length)];
    if (cf >= 0) w.optionUint(Opt.CONTENT_FORMAT, cf);
    if (r() < 0.2) { const q = Buffer.from(['pmin=1', 'pmax=abc', 'gt=5', 'lt', 'ep=x', 'st=-1'][Math.floor(r() * 6)]); w.option(Opt.URI_QUERY, q, 0, q.length); }
    const acceptCf = CFS[Math.floor(r() * CFS.length)];
    if (acceptCf >= 0 && r() < 0.4) w.optionUint(Opt.ACCEPT, acceptCf);
    if (r() < 0.1) w.optionUint(Opt.BLOCK2, Math.floor(r() * 64));
    if (r() < 0.1) w.optionUint(Opt.BLOCK1, Math.floor(r() * 64));
    let p: Uint8Array = payloads[Math.floor(r() * payloads.length)];
    if (r() < 0.5 && p.length) { p = Uint8Array.from(p); for (let k = 0; k < 1 + r() * 4; k++) p[Math.floor(r() * p.length)] ^= 1 << Math.floor(r() * 8); }
    if (r() < 0.2) { p = new Uint8Array(Math.floor(r() * 64)); for (let k = 0; k < p.length; k++) p[k] = Math.floor(r() * 256); }
    w.payload(p, 0, p.length);
    const len = w.end();
    if (len < 0) continue;
    let replies = 0;
    const flagBefore = c.bsFlag;
    try {
      c.receive(req, 0, len, fromBs ? bs : server, now);
      c.poll(now);
      for (let k = c.transmit(out, 0); k > 0; k = c.transmit(out, 0)) {
        parseMessage(out, 0, k, m);
        if (c.txPeer.port === (fromBs ? 5783 : 5683) && m.mid === mid && (m.type === MsgType.ACK || m.type === MsgType.RST)) replies++;
      }
      while (c.nextEvent() !== 0) { /* drain */ }
    } catch (e) {
      assert.unreachable(`threw on request ${n}: ${(e as Error).stack}`);
    }
    // The server is heard unless a bootstrap is running (the flag: no reply at all).
    const ignored = (flagBefore || c.bsFlag) && !fromBs; // the flag was up when it arrived, or came up for it
    if (type === MsgType.CON && !ignored) { cons++; assert.is(replies, 1, `one reply to request ${n} (${Buffer.from(req.subarray(0, len)).toString("hex")}, bsFlag ${c.bsFlag}, fromBs ${fromBs})`); }
    if (flagBefore && !fromBs) assert.is(replies, 0, 'ignored while bootstrapping');
    if (!storedConfigUsable(store)) { const t = new ObjectTable(makeConfig(), STANDARD_DEFS); t.deserialize(store.data!, 0, store.data!.length); const d = new ConfigDiag(); checkBootstrapConfig(t, d); assert.unreachable(`stored configuration unusable after request ${n} (${METHODS.indexOf(method)} ${Buffer.from(req.subarray(0, len)).toString("hex")}): ${d.message} /${d.o}/${d.i}`); }
    now += r() < 0.01 ? 40_000 : 50; // now and then long enough for a bootstrap inactivity timeout
  }
  assert.ok(cons > 10_000);
  assert.is(c.ep.dedupProcessing(), 0);
  assert.is(c.ep.queuedRequests(), 0);
  // Still a working client: a plain Read of /3/0/0 is answered 2.05 once no bootstrap runs.
  // Any bootstrap left running times out (the bootstrap server here never answers); after its
  // retries with back-off the client goes back to its committed server account.
  for (let k = 0; k < 2000 && c.bsFlag; k++) { now += 5_000; c.poll(now); while (c.transmit(out, 0) > 0) { /* drain */ } }
  assert.ok(!c.bsFlag, 'the inactivity timeout ended any bootstrap');
  assert.ok(storedConfigUsable(store));
  w.begin(req, 0, req.length, MsgType.CON, Code.GET, 9, Uint8Array.of(9), 0, 1);
  w.optionDecimal(Opt.URI_PATH, 3); w.optionDecimal(Opt.URI_PATH, 0); w.optionDecimal(Opt.URI_PATH, 0);
  c.receive(req, 0, w.end(), server, now); c.poll(now);
  let ok = false;
  for (let k = c.transmit(out, 0); k > 0; k = c.transmit(out, 0)) { parseMessage(out, 0, k, m); if (m.mid === 9) ok = m.code === Code.CONTENT; }
  assert.ok(ok, 'Read /3/0/0 → 2.05 after the fuzz');
});

test.run();
