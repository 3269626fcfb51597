// The Bootstrap Interface under the simulator's virtual clock, asserting on what crosses the wire
// (issue 4's rows): client- and server-initiated bootstrap, the bootstrap flag (ignore + flush),
// start fresh, reordering, Delete "/", Finish checks, timeout/rollback, restart, smartcard, factory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encode as cborgEncode } from 'cborg';

// Plain CBOR maps with integer keys (SenML CBOR, RFC 8428 §6), which is what cborg writes for a
// Map; entries stay in insertion order (bn first; cborg sorts keys unless given a sorter) and
// non-integers are 64-bit floats.
const cborEncode = (v: unknown) => cborgEncode(v, { float64: true, mapSorter: () => 0 });
import { world, World, SERVER_URI, BS_URI, serverAccountTlv, tlvStr, describe, MemStore } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { CoapMessage, parseMessage, MsgType } from '../../src/coap/message.js';
import { Ev } from '../../src/client/events.js';
import { encoderFor } from '../../src/formats/registry.js';
import { DataRecord, ValueType } from '../../src/model/record.js';

const TLV = 11542;
const registered = (w: World, n = 1) => w.events.filter((e) => e.e === Ev.REGISTERED).length >= n;
const parse = (b: Uint8Array) => { const m = new CoapMessage(); parseMessage(b, 0, b.length, m); return m; };

/** The bootstrap server's standard sequence: Delete "/", Write /0/1 and /1/0, Finish. */
function provision(w: World, finishCode = Code.CHANGED) {
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/').code, Code.DELETED);
  const acc = serverAccountTlv(1, 0, SERVER_URI, 7, 300);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv }).code, Code.CHANGED);
  const fin = w.bs.call(w.bsPeer, Code.POST, '/bs');
  assert.is(fin.code, finishCode, fin.payload.toString());
}

function clientInitiated(seed: number, link = {}) {
  const w = world(seed, link, { bootstrap: { uri: BS_URI } });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 100_000 });
  const req = w.bs.requests.find((r) => r.path === '/bs')!;
  assert.ok(req.query.includes('ep=sim-client'));
  assert.ok(req.query.includes('pct=112'));
  w.net.run({ until: w.net.now + 20_000 });
  provision(w);
  w.net.run({ done: () => registered(w), until: w.net.now + 300_000 });
  assert.ok(registered(w), 'registered with the provisioned server');
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg.query.includes('ep=sim-client'));
  assert.ok(w.board.client.bsFlag === false);
  return w;
}

test('row 1: client-initiated bootstrap, then registration with the provisioned server', () => {
  const w = clientInitiated(21);
  assert.is(w.board.client.serverSsid(0), 7);
  // The bootstrap account is kept, the new server account is there.
  assert.ok(w.board.client.table.hasInstance(0, 0));
  assert.ok(w.board.client.table.hasInstance(0, 1));
});

test('row 1: the same under 30% loss', () => { clientInitiated(7, { loss: 0.3 }); });
test('row 1: the same with every datagram duplicated', () => {
  const w = clientInitiated(8, { duplicate: 1 });
  assert.is(w.server.requests.filter((r) => r.path === '/rd').length, 1, 'the duplicated Register is deduplicated by the server');
  assert.is(w.events.filter((e) => e.e === Ev.REGISTERED).length, 1);
  assert.is(w.events.filter((e) => e.e === Ev.BOOTSTRAP_FINISHED).length, 1, 'Finish executed once');
});

/** A registered client (factory server + bootstrap account) with an observation of /3303/0/5700. */
function registeredWithObservation(seed: number) {
  const w = world(seed, {}, { server: { uri: SERVER_URI, lifetime: 300, pmin: 0, pmax: 0 }, bootstrap: { uri: BS_URI } });
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  const obs = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  assert.is(obs.code, Code.CONTENT);
  assert.ok(obs.observe >= 0);
  w.board.temperature.set(30);
  w.net.run({ done: () => w.server.notifications.length > 0, until: w.net.now + 10_000 });
  assert.is(w.server.notifications.length, 1, 'observation works before the bootstrap');
  return w;
}

/** Checks the flag: the server's CON GET gets nothing, a due notification is not sent. */
function assertIgnoredDuringBootstrap(w: World) {
  const c = w.board.client;
  assert.ok(c.bsFlag, 'bootstrapping');
  const before = w.net.wire.length;
  const notifBefore = w.server.notifications.length;
  w.board.temperature.set(99); // a notification would be due
  const tag = w.server.request(w.serverPeer, Code.GET, '/3/0');
  w.net.run({ until: w.net.now + 120_000 }); // long enough for all its retransmissions
  const toServer = w.net.wire.slice(before).filter((x) => x.from === 'client' && x.to === 'server');
  assert.is(toServer.length, 0, 'no ACK, no RST, no response, no notification, no Update to the server');
  const fromServer = w.net.wire.slice(before).filter((x) => x.from === 'server' && x.to === 'client');
  assert.is(fromServer.length, 5, 'the server retransmitted its CON GET 4 times, all ignored');
  assert.ok(w.server.failures.some((f) => f.tag === tag), 'the server timed out');
  assert.is(w.server.notifications.length, notifBefore);
  assert.ok(c.bsFlushed >= 5, 'the flag counted what it dropped');
}

test('row 2: Execute /1/0/9 — the server is ignored while bootstrapping; after Finish a new Register, no old observation', () => {
  const w = registeredWithObservation(31);
  const exec = w.server.call(w.serverPeer, Code.POST, '/1/0/9');
  assert.is(exec.code, Code.CHANGED, 'the trigger is answered first');
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: w.net.now + 10_000 });
  assert.ok(w.bs.requests.some((r) => r.path === '/bs'), 'Bootstrap-Request sent');
  assertIgnoredDuringBootstrap(w);
  const regsBefore = w.server.requests.filter((r) => r.path === '/rd').length;
  provision(w);
  w.net.run({ done: () => w.server.requests.filter((r) => r.path === '/rd').length > regsBefore, until: w.net.now + 60_000 });
  const after = w.server.requests.filter((r) => r.path === '/rd');
  assert.is(after.length, regsBefore + 1, 'registers anew (a Register, not an Update)');
  w.net.run({ done: () => registered(w, 2), until: w.net.now + 60_000 });
  const n = w.server.notifications.length;
  w.board.temperature.set(-5);
  w.net.run({ until: w.net.now + 60_000 });
  assert.is(w.server.notifications.length, n, 'the old observation is gone');
  assert.is(w.board.client.obs.count(), 0);
});

test('row 2: a CON notification awaiting its ACK is not retransmitted once the bootstrap starts', () => {
  const w = world(33, {}, { server: { uri: SERVER_URI, lifetime: 300 }, bootstrap: { uri: BS_URI }, confirmableNotifications: true });
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  // The server stops acknowledging: the CON notification stays in the ring, retransmitting.
  let dropAcks = true;
  w.net.filter = (from, to) => !(dropAcks && from === 'server' && to === 'client');
  w.board.temperature.set(40);
  w.net.run({ until: w.net.now + 1000 });
  const notifs = () => w.net.wire.filter((x) => x.from === 'client' && x.to === 'server' && parse(x.bytes).observe >= 0 && parse(x.bytes).type !== MsgType.ACK).length;
  assert.is(notifs(), 1);
  // Server-initiated bootstrap begins (a Bootstrap-Delete from the bootstrap server).
  dropAcks = false;
  w.net.filter = null;
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/1').code, Code.DELETED);
  w.net.run({ until: w.net.now + 120_000 });
  assert.is(notifs(), 1, 'no retransmission of the flushed notification');
  assert.ok(w.board.client.bsFlag);
});

test('row 3: server-initiated bootstrap into a running client — the same ignoring, then start fresh', () => {
  const w = registeredWithObservation(41);
  // No Bootstrap-Request: the bootstrap server just writes.
  const acc = serverAccountTlv(2, 1, SERVER_URI, 9, 300);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/2', { cf: TLV, payload: acc.sec }).code, Code.CHANGED);
  assert.ok(w.events.some((e) => e.e === Ev.BOOTSTRAP_STARTED && e.a === 1), 'server-initiated');
  assert.ok(!w.bs.requests.some((r) => r.path === '/bs'), 'no Bootstrap-Request was sent');
  assertIgnoredDuringBootstrap(w);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/1', { cf: TLV, payload: acc.srv }).code, Code.CHANGED);
  const regsBefore = w.server.requests.filter((r) => r.path === '/rd').length;
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED);
  w.net.run({ done: () => w.server.requests.filter((r) => r.path === '/rd').length > regsBefore + 1, until: w.net.now + 60_000 });
  // Two accounts now (ssid 1 from the factory, 9 from the bootstrap server): both register anew.
  assert.is(w.server.requests.filter((r) => r.path === '/rd').length, regsBefore + 2);
});

test('row 4: Write and Delete that arrive before the ACK of the Bootstrap-Request are accepted', () => {
  const w = world(51, {}, { bootstrap: { uri: BS_URI } });
  // The bootstrap server's ACK/2.04 to POST /bs is held back (lost): only its operations get through.
  w.net.filter = (from, to, bytes) => !(from === 'bs' && parse(bytes).type === MsgType.ACK && parse(bytes).code === Code.CHANGED && w.bs.requests.length < 2);
  w.bs.onReq = () => {};
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
  provision(w);
  w.net.run({ done: () => registered(w), until: w.net.now + 100_000 });
  assert.ok(registered(w));
  const bsReqs = w.net.wire.filter((x) => x.from === 'client' && x.to === 'bs' && describe(parse(x.bytes)).path === '/bs' && parse(x.bytes).type === MsgType.CON);
  assert.ok(bsReqs.length >= 1);
  w.net.run({ until: w.net.now + 200_000 });
  assert.ok(!w.board.client.bsFlag);
});

test('row 5: Delete "/" keeps the bootstrap account; Write creates a missing instance; Write ignores access rights', () => {
  const w = world(61, {}, { server: { uri: SERVER_URI }, bootstrap: { uri: BS_URI } });
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/').code, Code.DELETED);
  assert.ok(c.staging.hasInstance(0, 0), 'bootstrap account kept');
  assert.ok(!c.staging.hasInstance(0, 1) && !c.staging.hasInstance(1, 0), 'server account deleted');
  assert.ok(c.staging.hasInstance(3, 0), 'the Device object keeps its instance');
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/0/0').code, Code.BAD_REQUEST, 'the bootstrap account itself cannot be deleted');
  // Write to a missing instance creates it; /3/0/0 Manufacturer is read-only for servers.
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/3303/7', { cf: TLV, payload: Buffer.concat([tlvStr(5701, 'K')]) }).code, Code.CHANGED);
  assert.ok(c.staging.hasInstance(3303, 7));
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/3/0/0', { cf: 0, payload: Buffer.from('Acme') }).code, Code.CHANGED);
  // Bootstrap-Discover and Bootstrap-Read.
  const disc = w.bs.call(w.bsPeer, Code.GET, '/', { accept: 40 });
  assert.is(disc.code, Code.CONTENT);
  assert.match(disc.payload.toString(), /^<\/>;lwm2m=1\.1,/);
  assert.match(disc.payload.toString(), /<\/0\/0>;uri="coap:\/\/127\.0\.0\.1:5783"/);
  assert.is(w.bs.call(w.bsPeer, Code.GET, '/3/0').code, Code.UNAUTHORIZED, 'Bootstrap-Read only /1 and /2');
  // Finish with no usable server: 4.06 with a diagnostic; the old configuration is intact.
  const fin = w.bs.call(w.bsPeer, Code.POST, '/bs');
  assert.is(fin.code, Code.NOT_ACCEPTABLE);
  assert.ok(fin.payload.length > 10, 'a diagnostic payload: ' + fin.payload.toString());
  assert.ok(c.table.hasInstance(0, 1) && c.table.hasInstance(1, 0), 'live configuration untouched');
  assert.ok(c.bsFlag, 'still bootstrapping: the server may fix it');
  // Fix and finish.
  const acc = serverAccountTlv(1, 0, SERVER_URI, 3, 300);
  w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec });
  w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv });
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED);
  assert.ok(c.table.hasInstance(3303, 7));
  c.table.getValue(3, 0, 0, -1, c.rec);
  assert.is(Buffer.from(c.rec.buf.subarray(c.rec.off, c.rec.off + c.rec.len)).toString(), 'Acme');
});

test('row 6: no Finish — the inactivity timeout rolls back and the client retries with back-off', () => {
  const w = world(71, {}, { bootstrap: { uri: BS_URI }, bootstrapTimeout: 30_000, bootstrapBackoff: 10_000 });
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
  const acc = serverAccountTlv(1, 0, SERVER_URI, 7, 300);
  w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec });
  // ... and then silence: no Finish.
  w.net.run({ done: () => w.bs.requests.filter((r) => r.path === '/bs').length >= 3, until: w.net.now + 600_000 });
  const reqs = w.bs.requests.filter((r) => r.path === '/bs');
  assert.ok(reqs.length >= 3);
  assert.ok(w.events.some((e) => e.e === Ev.BOOTSTRAP_ROLLBACK));
  assert.ok(!c.table.hasInstance(0, 1), 'the staged write was rolled back');
  const g1 = reqs[1].t - reqs[0].t, g2 = reqs[2].t - reqs[1].t;
  assert.ok(g2 > g1, `back-off grows: ${g1} then ${g2}`);
});

test('row 6: a restart in the middle of a bootstrap comes back with the last committed configuration', () => {
  const store = new MemStore();
  const w = world(72, {}, { server: { uri: SERVER_URI }, bootstrap: { uri: BS_URI }, store });
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  const committed = store.data!.slice();
  w.bs.call(w.bsPeer, Code.DELETE, '/');
  const acc = serverAccountTlv(5, 5, 'coap://127.0.0.1:9999', 55, 300);
  w.bs.call(w.bsPeer, Code.PUT, '/0/5', { cf: TLV, payload: acc.sec });
  assert.equal(store.data, committed, 'nothing stored mid-bootstrap');
  // Power cut: a new client on the same storage.
  const w2 = world(73, {}, { server: { uri: 'coap://127.0.0.1:1111' }, bootstrap: { uri: BS_URI }, store });
  w2.board.client.start(0);
  w2.net.run({ done: () => registered(w2), until: 60_000 });
  assert.ok(registered(w2), 'registers with the committed server account');
  assert.is(w2.board.client.serverSsid(0), 1);
  assert.ok(!w2.board.client.table.hasInstance(0, 5));
});

test('row 7: smartcard provisioning (SenML CBOR) and factory configuration start the client', () => {
  const blob = cborEncode([
    { '-2': '/0/1/', 0: '0', 3: SERVER_URI }, { 0: '1', 4: false }, { 0: '2', 2: 3 }, { 0: '3', 8: Buffer.alloc(0) }, { 0: '4', 8: Buffer.alloc(0) }, { 0: '5', 8: Buffer.alloc(0) }, { 0: '10', 2: 4 },
    { '-2': '/1/0/', 0: '0', 2: 4 }, { 0: '1', 2: 300 }, { 0: '6', 4: true }, { 0: '7', 3: 'U' },
  ].map((r) => new Map(Object.entries(r).map(([k, v]) => [Number(k), v]))));
  const w = world(81, {}, { provisioning: new Uint8Array(blob) });
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  assert.ok(w.events.some((e) => e.e === Ev.LOADED && e.a === 2), 'loaded from the smartcard: ' + JSON.stringify(w.events.slice(0, 3)));
  assert.is(w.board.client.serverSsid(0), 4);
  // Factory.
  const f = world(82, {}, { server: { uri: SERVER_URI, ssid: 12 } });
  f.board.client.start(0);
  f.net.run({ done: () => registered(f), until: 60_000 });
  assert.ok(f.events.some((e) => e.e === Ev.LOADED && e.a === 3));
  assert.is(f.board.client.serverSsid(0), 12);
});

test('row 7: malformed provisioning data is refused with a clear error, nothing stored changes', () => {
  const store = new MemStore();
  const w0 = world(91, {}, { server: { uri: SERVER_URI }, store });
  w0.board.client.start(0);
  const before = store.data!.slice();
  for (const bad of [Uint8Array.of(0x9f, 0x01), Uint8Array.of(0x00, 0x00, 0xff, 0xff, 1), new Uint8Array(cborEncode([new Map<number, string | number>([[0, '1'], [2, 1]])]))]) {
    const w = world(92, {}, { server: { uri: SERVER_URI }, store, provisioning: bad });
    w.board.client.start(0);
    w.net.run({ done: () => registered(w), until: 60_000 });
    assert.ok(w.events.some((e) => e.e === Ev.PROVISIONING_FAILED), 'a clear error event');
    assert.ok(w.events.some((e) => e.e === Ev.LOADED && e.a === 1), 'fell back to the stored configuration');
    assert.equal(store.data, before, 'storage unchanged');
    assert.ok(registered(w));
  }
});

test('Client Hold Off Time (/0/x/11) delays the Bootstrap-Request; Bootstrap-Server Account Timeout (/0/x/12) purges the account', () => {
  const w = world(95, {}, { bootstrap: { uri: BS_URI, holdOff: 7 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 60_000 });
  const first = w.bs.requests.find((r) => r.path === '/bs')!;
  assert.ok(first.t >= 7000 && first.t < 7100, `sent at ${first.t} ms`);
  w.net.run({ until: w.net.now + 1000 });
  // The bootstrap server sets a 60 s account timeout on the account, then provisions as usual.
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/0/12', { cf: 0, payload: Buffer.from('60') }).code, Code.CHANGED);
  provision(w);
  const finishedAt = w.net.now;
  w.net.run({ done: () => registered(w), until: w.net.now + 60_000 });
  assert.ok(w.board.client.table.hasInstance(0, 0), 'kept right after Finish');
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.BOOTSTRAP_ACCOUNT_PURGED), until: finishedAt + 120_000 });
  const purged = w.events.find((e) => e.e === Ev.BOOTSTRAP_ACCOUNT_PURGED)!;
  assert.ok(purged, 'purged');
  assert.ok(purged.t - finishedAt >= 59_900 && purged.t - finishedAt < 61_000, `purged ${purged.t - finishedAt} ms after Finish`);
  assert.ok(!w.board.client.table.hasInstance(0, 0), 'the bootstrap account is gone');
  assert.ok(w.board.client.table.hasInstance(0, 1), 'the server account stays');
});

test('Bootstrap-Pack (1.2): GET /bspack, the whole configuration in one SenML CBOR answer, then registration', () => {
  const enc = encoderFor(112)!, rec = new DataRecord(), out = new Uint8Array(1024);
  enc.begin(out, 0, out.length, -1, -1, -1, -1);
  const put = (o: number, i: number, r: number, type: number, v: number | string) => {
    rec.clear(); rec.o = o; rec.i = i; rec.r = r; rec.type = type;
    if (typeof v === 'string') { const b = Buffer.from(v); rec.buf = b; rec.off = 0; rec.len = b.length; } else rec.num = v;
    assert.is(enc.add(rec), 0);
  };
  put(0, 1, 0, ValueType.String, SERVER_URI); put(0, 1, 1, ValueType.Boolean, 0); put(0, 1, 2, ValueType.Integer, 3);
  put(0, 1, 3, ValueType.Opaque, ''); put(0, 1, 4, ValueType.Opaque, ''); put(0, 1, 5, ValueType.Opaque, ''); put(0, 1, 10, ValueType.Integer, 44);
  put(1, 0, 0, ValueType.Integer, 44); put(1, 0, 1, ValueType.Integer, 300); put(1, 0, 6, ValueType.Boolean, 1); put(1, 0, 7, ValueType.String, 'U');
  const n = enc.end();
  assert.ok(n > 0);
  const w = world(96, {}, { bootstrap: { uri: BS_URI }, bootstrapPack: true });
  w.bs.pack = out.slice(0, n);
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  const req = w.bs.requests.find((r) => r.path === '/bspack')!;
  assert.ok(req, 'Bootstrap-Pack-Request sent');
  assert.is(req.code, Code.GET);
  assert.is(req.accept, 112);
  assert.ok(req.query.includes('ep=sim-client'));
  assert.ok(!w.bs.requests.some((r) => r.path === '/bs'));
  assert.ok(registered(w), 'registered with the server from the pack');
  assert.is(w.board.client.serverSsid(0), 44);
  assert.ok(w.board.client.table.hasInstance(0, 0), 'the bootstrap account kept');
  // A pack that is not a usable configuration is refused: rollback and back-off.
  const bad = world(97, {}, { bootstrap: { uri: BS_URI }, bootstrapPack: true, bootstrapBackoff: 5000 });
  bad.bs.pack = Uint8Array.of(0x80); // an empty SenML array
  bad.board.client.start(0);
  bad.net.run({ done: () => bad.bs.requests.filter((r) => r.path === '/bspack').length >= 2, until: 60_000 });
  assert.ok(bad.events.some((e) => e.e === Ev.BOOTSTRAP_ROLLBACK));
  assert.ok(!registered(bad));
});

test('server URIs with host names: localhost, and names the HAL resolves (resolveHost)', () => {
  for (const [uri, resolver] of [['coap://localhost:5683', undefined], ['coap://lwm2m.example.net:5683', (n: string) => (n === 'lwm2m.example.net' ? '127.0.0.1' : null)]] as const) {
    const w = world(98, {}, { bootstrap: { uri: BS_URI }, resolveHost: resolver as any });
    w.board.client.start(0);
    w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
    w.net.run({ until: w.net.now + 100 });
    const acc = serverAccountTlv(1, 0, uri, 8, 300);
    w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec });
    w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv });
    assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED, uri);
    w.net.run({ done: () => registered(w), until: w.net.now + 60_000 });
    assert.ok(registered(w), 'registered via ' + uri);
  }
  // A name nobody can resolve: the URI is well formed, so Finish is accepted (resolving it is the
  // registration's business, as in Anjay's client); each Register fails (CONFIG_ERROR 2 names the
  // account), through /1/x/17…20, and Bootstrap on Registration Failure asks the bootstrap server again.
  const w = world(99, {}, { bootstrap: { uri: BS_URI } });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
  const acc = serverAccountTlv(1, 0, 'coap://nowhere.invalid:5683', 8, 300);
  w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec });
  w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv });
  const fin = w.bs.call(w.bsPeer, Code.POST, '/bs');
  assert.is(fin.code, Code.CHANGED);
  w.net.run({ done: () => w.bs.requests.filter((r) => r.path === '/bs').length === 2, until: w.net.now + 1_100_000 });
  assert.is(w.events.filter((e) => e.e === Ev.REGISTRATION_FAILED && e.a === 8).length, 5, 'five failed registrations (/1/x/17 default)');
  assert.ok(w.events.some((e) => e.e === Ev.CONFIG_ERROR && e.a === 2 && e.b === 8), 'the unusable account named');
  assert.is(w.bs.requests.filter((r) => r.path === '/bs').length, 2, 'then a new Bootstrap-Request');
});

// ClientOptions.lowMemory (the Espruino platforms): the staging table exists only while a bootstrap
// runs, and the configuration is still stored at Finish (a buffer of its own length per save).
test('lowMemory: the staging table is made when the bootstrap begins and dropped at Finish; the configuration is stored and registers', () => {
  const store = new MemStore();
  const w = world(31, {}, { bootstrap: { uri: BS_URI }, lowMemory: true, store });
  const c = w.board.client as unknown as { stagingTable: unknown; persistKept: unknown; bsFlag: boolean };
  assert.is(c.persistKept, null, 'no configuration buffer kept');
  assert.is(c.stagingTable, null, 'no staging table before the bootstrap');
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 100_000 });
  w.net.run({ until: w.net.now + 20_000 });
  assert.ok(c.bsFlag && c.stagingTable !== null, 'a staging table while bootstrapping');
  provision(w);
  assert.is(c.stagingTable, null, 'dropped at Finish');
  w.net.run({ done: () => registered(w), until: w.net.now + 300_000 });
  assert.ok(registered(w));
  // What was stored is the bootstrapped configuration: a client made on the same store loads it.
  const again = world(32, {}, { lowMemory: true, store });
  again.board.client.start(0);
  again.net.run({ done: () => registered(again), until: 300_000 });
  assert.ok(again.events.some((e) => e.e === Ev.LOADED && e.a === 1), 'loaded from the store');
  assert.ok(registered(again), 'registers with the stored server account');
});

test('lowMemory: a bootstrap rolled back (no Finish) drops its staging table', () => {
  const w = world(33, {}, { bootstrap: { uri: BS_URI }, lowMemory: true });
  const c = w.board.client as unknown as { stagingTable: unknown; bsFlag: boolean };
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 100_000 });
  assert.ok(c.bsFlag && c.stagingTable !== null);
  w.board.client.rollback(); // (what the inactivity timeout and a failed attempt call)
  assert.not.ok(c.bsFlag);
  assert.is(c.stagingTable, null);
});

test.run();
