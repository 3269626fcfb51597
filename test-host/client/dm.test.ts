// Device management, service enablement and reporting (TS Core §5.4, §5.5) under the simulator:
// every operation, every format, and each error code produced by a request that deserves it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import { world, World, SERVER_URI, tlvInst, tlvStr, tlvRes } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';
import { TlvDecoder } from '../../src/formats/tlv.js';
import { DataRecord } from '../../src/model/record.js';
import { lwm2mNumbers, senmlNumbers, typedDecode } from '../formats/cbor-typed.js';

const TLV = 11542, SENML_JSON = 110, SENML_CBOR = 112, LWM2M_CBOR = 11544, LINK = 40, TEXT = 0;
// cborg as the CBOR library: maps decode as Map (SenML CBOR and LwM2M CBOR keys are integers or
// arrays); Maps encode as plain CBOR maps, entries in insertion order, non-integers as 64-bit floats.
const cborDecode = (b: Uint8Array): unknown => cborgDecode(b, { useMaps: true });
const cbor = { encode: (v: unknown): Uint8Array => cborgEncode(v, { float64: true, mapSorter: () => 0 }) };

let reboots = 0;
function up(seed = 1, extra: any = {}): World {
  const w = world(seed, {}, { server: { uri: SERVER_URI, lifetime: 300, ...extra }, hooks: { reboot: () => { reboots++; return 0; } } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  return w;
}

function tlvRecords(payload: Uint8Array, o: number, i: number): DataRecord[] {
  const d = new TlvDecoder(), out: DataRecord[] = [];
  assert.is(d.begin(payload, 0, payload.length, o, i, -1, -1), 0);
  for (;;) { const r = new DataRecord(); const k = d.next(r); if (k <= 0) { assert.is(k, 0); break; } out.push(r); }
  return out;
}

test('Read /3/0 in TLV (default), SenML JSON, SenML CBOR and LwM2M CBOR', () => {
  const w = up(1);
  const tlv = w.server.call(w.serverPeer, Code.GET, '/3/0');
  assert.is(tlv.code, Code.CONTENT); assert.is(tlv.cf, TLV);
  const recs = tlvRecords(tlv.payload, 3, 0);
  const man = recs.find((r) => r.r === 0)!;
  assert.is(Buffer.from(man.buf.subarray(man.off, man.off + man.len)).toString(), 'lwm2m-mcu');
  const js = w.server.call(w.serverPeer, Code.GET, '/3/0', { accept: SENML_JSON });
  assert.is(js.cf, SENML_JSON);
  const arr = JSON.parse(js.payload.toString());
  assert.is(arr[0].bn, '/3/0/');
  assert.ok(arr.some((r: any) => r.n === '0' && r.vs === 'lwm2m-mcu'));
  const cb = w.server.call(w.serverPeer, Code.GET, '/3/0', { accept: SENML_CBOR });
  assert.is(cb.cf, SENML_CBOR);
  const carr = cborDecode(cb.payload) as any[];
  const first = carr[0] instanceof Map ? Object.fromEntries(carr[0]) : carr[0];
  assert.is(first[-2], '/3/0/');
  const lc = w.server.call(w.serverPeer, Code.GET, '/3/0', { accept: LWM2M_CBOR });
  assert.is(lc.code, Code.CONTENT); assert.is(lc.cf, LWM2M_CBOR);
  const tree = cborDecode(lc.payload);
  assert.ok(tree, 'LwM2M CBOR decodes with cborg');
  const one = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700');
  assert.is(one.cf, TEXT); assert.is(one.payload.toString(), '21.5');
});

test('Write (replace a resource, partial update of an instance), then read back; Update carries a new lifetime', () => {
  const w = up(2);
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/1/0/1', { cf: TEXT, payload: Buffer.from('600') }).code, Code.CHANGED);
  assert.is(w.server.call(w.serverPeer, Code.GET, '/1/0/1').payload.toString(), '600');
  assert.is(w.board.client.triggerUpdate(1), 0);
  w.net.run({ done: () => w.server.requests.some((r) => r.path === '/rd/r1'), until: w.net.now + 10_000 });
  assert.ok(w.server.requests.find((r) => r.path === '/rd/r1')!.query.includes('lt=600'));
  const body = tlvRes(5750, Buffer.from('porch'));
  assert.is(w.server.call(w.serverPeer, Code.POST, '/3303/0', { cf: TLV, payload: body }).code, Code.CHANGED);
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/0/5750').payload.toString(), 'porch');
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/0/5701').payload.toString(), 'Cel', 'partial update kept the rest');
});

test('Execute (with arguments) runs the bound handler; Create and Delete', () => {
  const w = up(3);
  reboots = 0;
  assert.is(w.server.call(w.serverPeer, Code.POST, '/3/0/4', { payload: Buffer.from("0='now'") }).code, Code.CHANGED);
  assert.is(reboots, 1);
  const cr = w.server.call(w.serverPeer, Code.POST, '/3303', { cf: TLV, payload: tlvInst(4, Buffer.concat([tlvStr(5701, 'K'), tlvRes(5700, Buffer.from([0x42, 0x28, 0, 0]))])) });
  assert.is(cr.code, Code.CREATED);
  assert.ok(w.board.client.table.hasInstance(3303, 4));
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/4/5700').payload.toString(), '42');
  assert.is(w.server.call(w.serverPeer, Code.DELETE, '/3303/4').code, Code.DELETED);
  assert.ok(!w.board.client.table.hasInstance(3303, 4));
  // The object list changed: the client tells the server in its next Update.
  w.board.client.triggerUpdate(1);
  w.net.run({ done: () => w.server.requests.some((r) => r.path === '/rd/r1'), until: w.net.now + 10_000 });
  assert.is(w.server.requests.find((r) => r.path === '/rd/r1')!.cf, 40);
});

test('a Create refused with 4.00 (a mandatory resource missing) sends no Update: the object list did not change (issue 20.4)', () => {
  const w = up(31);
  const t0 = w.net.now;
  // /3303 without its mandatory Sensor Value (5700): the instance is made, checked, deleted again.
  const cr = w.server.call(w.serverPeer, Code.POST, '/3303', { cf: TLV, payload: tlvInst(5, tlvStr(5701, 'K')) });
  assert.is(cr.code, Code.BAD_REQUEST);
  assert.ok(!w.board.client.table.hasInstance(3303, 5));
  w.net.run({ until: w.net.now + 60_000 });
  assert.is(w.server.requests.filter((r) => r.path === '/rd/r1' && r.t >= t0).length, 0, 'no Update');
  // A Registration Update Trigger still sends one, without an object list (nothing changed).
  w.board.client.triggerUpdate(1);
  w.net.run({ done: () => w.server.requests.some((r) => r.path === '/rd/r1'), until: w.net.now + 10_000 });
  const upd = w.server.requests.find((r) => r.path === '/rd/r1')!;
  assert.ok(upd, 'the triggered Update');
  assert.is(upd.payload.length, 0, 'no object list: it did not change');
  // A Create that succeeds changes the list: an Update with the links, at once.
  const n = w.server.requests.length;
  assert.is(w.server.call(w.serverPeer, Code.POST, '/3303', { cf: TLV, payload: tlvInst(6, Buffer.concat([tlvStr(5701, 'K'), tlvRes(5700, Buffer.from([0x42, 0x28, 0, 0]))])) }).code, Code.CREATED);
  w.net.run({ done: () => w.server.requests.slice(n).some((r) => r.path === '/rd/r1'), until: w.net.now + 10_000 });
  const upd2 = w.server.requests.slice(n).find((r) => r.path === '/rd/r1')!;
  assert.ok(upd2, 'an Update after the successful Create');
  assert.is(upd2.cf, 40);
  assert.match(upd2.payload.toString(), /<\/3303\/6>/);
});

test('Create needs every mandatory resource, read-only ones too (TS Core 1.1 §8.2.3; Leshan asks only the writable ones) (issue 20.6)', () => {
  const w = up(32);
  // 3303: Sensor Value 5700 is mandatory and read-only; Units 5701 (R) and Application Type 5750 (RW) are optional.
  // Every mandatory writable resource is there (there is none): Leshan's client would create it.
  const without = w.server.call(w.serverPeer, Code.POST, '/3303', { cf: TLV, payload: tlvInst(7, Buffer.concat([tlvStr(5701, 'K'), tlvStr(5750, 'porch')])) });
  assert.is(without.code, Code.BAD_REQUEST, 'the mandatory read-only Sensor Value is missing');
  assert.ok(!w.board.client.table.hasInstance(3303, 7));
  // With it (and nothing optional): created.
  const withIt = w.server.call(w.serverPeer, Code.POST, '/3303', { cf: TLV, payload: tlvInst(7, tlvRes(5700, Buffer.from([0x41, 0xb0, 0, 0]))) });
  assert.is(withIt.code, Code.CREATED);
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/7/5700').payload.toString(), '22');
});

test('Discover /3 and /3303/0/5700 with attributes', () => {
  const w = up(4);
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['pmin=2', 'pmax=60'] }).code, Code.CHANGED);
  const d = w.server.call(w.serverPeer, Code.GET, '/3303/0', { accept: LINK });
  assert.is(d.cf, LINK);
  const s = d.payload.toString();
  assert.match(s, /^<\/3303\/0>,/);
  assert.match(s, /<\/3303\/0\/5700>;pmin=2;pmax=60/);
  const o = w.server.call(w.serverPeer, Code.GET, '/3', { accept: LINK }).payload.toString();
  assert.match(o, /^<\/3>;ver=1\.2,<\/3\/0>,<\/3\/0\/0>/);
});

test('error codes: 4.00, 4.01, 4.04, 4.05, 4.06, 4.15 — each from the request that deserves it', () => {
  const w = up(5);
  const call = (code: number, path: string, o: any = {}) => w.server.call(w.serverPeer, code, path, o).code;
  assert.is(call(Code.GET, '/3/0/0/0/0'), Code.BAD_REQUEST, 'a path with five segments');
  assert.is(call(Code.PUT, '/3303/0', { cf: TLV, payload: Buffer.from([0xc8]) }), Code.BAD_REQUEST, 'a truncated TLV');
  assert.is(call(Code.PUT, '/3303/0/5700', { query: ['pmin=abc'] }), Code.BAD_REQUEST, 'a malformed attribute');
  assert.is(call(Code.GET, '/0/0'), Code.UNAUTHORIZED, 'the Security object');
  assert.is(call(Code.GET, '/99'), Code.NOT_FOUND);
  assert.is(call(Code.GET, '/3303/9'), Code.NOT_FOUND);
  assert.is(call(Code.PUT, '/3/0/0', { cf: TEXT, payload: Buffer.from('x') }), Code.METHOD_NOT_ALLOWED, 'a read-only resource');
  assert.is(call(Code.POST, '/3/0/0'), Code.METHOD_NOT_ALLOWED, 'execute of a non-executable resource');
  assert.is(call(Code.DELETE, '/3/0'), Code.METHOD_NOT_ALLOWED);
  assert.is(call(Code.GET, '/3/0', { accept: 9999 }), Code.NOT_ACCEPTABLE);
  assert.is(call(Code.PUT, '/3303/0/5750', { cf: 9999, payload: Buffer.from('x') }), Code.UNSUPPORTED_CONTENT_FORMAT);
});

test('Block2: a Read in 16-byte blocks reassembles to the whole payload', () => {
  const w = up(6);
  const whole = w.server.call(w.serverPeer, Code.GET, '/3/0', { accept: SENML_JSON }).payload;
  const parts: Buffer[] = [];
  for (let num = 0; num < 200; num++) {
    const r = w.server.call(w.serverPeer, Code.GET, '/3/0', { accept: SENML_JSON, block2: (num << 4) | 0 });
    assert.is(r.code, Code.CONTENT);
    parts.push(r.payload);
    if (r.payload.length < 16) break;
    if (Buffer.concat(parts).length >= whole.length) break;
  }
  assert.equal(Buffer.concat(parts).toString(), whole.toString());
});

test('Block1: a Write in 16-byte blocks (2.31 Continue, then 2.04)', () => {
  const w = up(7);
  const value = Buffer.from('a long application type string for block1');
  const body = tlvRes(5750, value);
  for (let off = 0, num = 0; off < body.length; off += 16, num++) {
    const more = off + 16 < body.length ? 1 : 0;
    const r = w.server.call(w.serverPeer, Code.PUT, '/3303/0', { cf: TLV, payload: body.subarray(off, off + 16), block1: (num << 4) | (more << 3) | 0 });
    assert.is(r.code, more ? Code.CONTINUE : Code.CHANGED);
  }
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/0/5750').payload.toString(), value.toString());
});

test('Observe: the server\'s default pmax (/1/0/3) applies, and a change of it takes effect at once', () => {
  const w = up(9);
  const o = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  assert.is(o.code, Code.CONTENT);
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/1/0/3', { cf: TEXT, payload: Buffer.from('20') }).code, Code.CHANGED);
  const t0 = w.net.now;
  w.net.run({ until: t0 + 15_000 });
  assert.is(w.server.notifications.length, 0, 'not before the default pmax');
  w.net.run({ until: t0 + 21_000 });
  assert.is(w.server.notifications.length, 1, 'at the default pmax (20 s)');
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/1/0/3', { cf: TEXT, payload: Buffer.from('60') }).code, Code.CHANGED);
  const t1 = w.net.now;
  w.net.run({ until: t1 + 30_000 });
  assert.is(w.server.notifications.length, 1, 'the new default pmax (60 s), not the old one');
  w.net.run({ until: t1 + 61_000 });
  assert.is(w.server.notifications.length, 2, 'at the new default pmax');
});

test('Observe: notifications honour pmin and pmax; gt/lt crossings; cancel by GET Observe=1 and by RST', () => {
  const w = up(8);
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['pmin=10', 'pmax=30'] }).code, Code.CHANGED);
  const o = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  assert.is(o.code, Code.CONTENT);
  const t0 = w.net.now;
  w.board.temperature.set(22);
  w.net.run({ until: t0 + 5000 });
  assert.is(w.server.notifications.length, 0, 'not before pmin');
  w.net.run({ until: t0 + 10_500 });
  assert.is(w.server.notifications.length, 1, 'at pmin');
  assert.is(w.server.notifications[0].payload.toString(), '22');
  w.net.run({ until: t0 + 10_000 + 31_000 });
  assert.is(w.server.notifications.length, 2, 'pmax without a change');
  assert.ok(w.server.notifications[1].observe > w.server.notifications[0].observe, 'Observe numbers grow');
  // gt: only crossings of 25 notify.
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['pmin=0', 'pmax', 'gt=25'] }).code, Code.CHANGED);
  const n0 = w.server.notifications.length;
  w.board.temperature.set(23); w.net.run({ until: w.net.now + 1000 });
  assert.is(w.server.notifications.length, n0, '23: no crossing');
  w.board.temperature.set(26); w.net.run({ until: w.net.now + 1000 });
  assert.is(w.server.notifications.length, n0 + 1, '26: crossed 25');
  assert.is(w.server.notifications[n0].payload.toString(), '26');
  // Cancel with Observe=1.
  const tok = w.server.notifications[0].token;
  const before = w.board.client.obs.count();
  const cancelTag = w.server.request(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 1 });
  void cancelTag; void tok;
  w.net.run({ until: w.net.now + 1000 });
  // (a new token: the cancel matches by token, so this one does not cancel the first)
  assert.is(w.board.client.obs.count(), before);
  // Cancel by RST: the server rejects the next notification.
  w.server.observeTokens.clear();
  w.board.temperature.set(10); w.net.run({ until: w.net.now + 3000 });
  assert.is(w.board.client.obs.count(), 0, 'an RST to a notification cancels it (RFC 7641 §3.6)');
  assert.ok(w.events.some((e) => e.e === Ev.OBSERVE_CANCELLED));
});

test('a Float resource with an integral value is a CBOR float in Read, Read-Composite and Observe-Composite; an Integer one an integer (issue 20 #2)', () => {
  const w = up(11);
  w.board.temperature.set(22);
  const sc = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { accept: SENML_CBOR });
  assert.is(sc.code, Code.CONTENT); assert.is(sc.cf, SENML_CBOR);
  assert.equal(senmlNumbers(typedDecode(sc.payload)), { '/3303/0/5700': { major: 7, value: 22 } });
  assert.ok(sc.payload.toString('hex').endsWith('02f94d80'), sc.payload.toString('hex'));
  const lc = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { accept: LWM2M_CBOR });
  assert.is(lc.code, Code.CONTENT); assert.is(lc.cf, LWM2M_CBOR);
  assert.equal(lwm2mNumbers(typedDecode(lc.payload)), { '/3303/0/5700': { major: 7, value: 22 } });
  const inst = w.server.call(w.serverPeer, Code.GET, '/3303/0', { accept: LWM2M_CBOR });
  const instNums = lwm2mNumbers(typedDecode(inst.payload));
  assert.equal(instNums['/3303/0/5700'], { major: 7, value: 22 });
  const body = cbor.encode([new Map<number, unknown>([[0, '/3303/0/5700']]), new Map<number, unknown>([[0, '/1/0/1']])]);
  const rc = w.server.call(w.serverPeer, Code.FETCH, '/', { cf: SENML_CBOR, accept: SENML_CBOR, payload: body });
  assert.is(rc.code, Code.CONTENT);
  const rcNums = senmlNumbers(typedDecode(rc.payload));
  assert.equal(rcNums['/3303/0/5700'], { major: 7, value: 22 });
  assert.equal(rcNums['/1/0/1'], { major: 0, value: 300 }, 'the lifetime (Integer) stays an integer');
  const oc = w.server.call(w.serverPeer, Code.FETCH, '/', { cf: SENML_CBOR, accept: SENML_CBOR, payload: body, observe: 0 });
  assert.is(oc.code, Code.CONTENT); assert.ok(oc.observe >= 0);
  assert.equal(senmlNumbers(typedDecode(oc.payload))['/3303/0/5700'], { major: 7, value: 22 });
  w.board.temperature.set(23);
  w.net.run({ until: w.net.now + 2000 });
  assert.is(w.server.notifications.length, 1);
  const nNums = senmlNumbers(typedDecode(w.server.notifications[0].payload));
  assert.equal(nNums['/3303/0/5700'], { major: 7, value: 23 });
  assert.equal(nNums['/1/0/1'], { major: 0, value: 300 });
});

test('Read-Composite, Observe-Composite and Write-Composite (SenML JSON and CBOR)', () => {
  const w = up(9);
  const req = Buffer.from(JSON.stringify([{ n: '/3/0/0' }, { n: '/3303/0/5700' }]));
  const r = w.server.call(w.serverPeer, Code.FETCH, '/', { cf: SENML_JSON, accept: SENML_JSON, payload: req });
  assert.is(r.code, Code.CONTENT);
  const recs = JSON.parse(r.payload.toString());
  const names: string[] = []; let bn = '';
  for (const x of recs) { if (x.bn !== undefined) bn = x.bn; names.push(bn + (x.n ?? '')); }
  assert.ok(names.includes('/3/0/0') && names.includes('/3303/0/5700'), names.join());
  const wc = cbor.encode([new Map<number, any>([[0, '/3303/0/5750'], [3, 'kitchen']]), new Map<number, any>([[0, '/1/0/1'], [2, 900]])]);
  assert.is(w.server.call(w.serverPeer, Code.IPATCH, '/', { cf: SENML_CBOR, payload: wc }).code, Code.CHANGED);
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/0/5750').payload.toString(), 'kitchen');
  assert.is(w.server.call(w.serverPeer, Code.GET, '/1/0/1').payload.toString(), '900');
  const oc = w.server.call(w.serverPeer, Code.FETCH, '/', { cf: SENML_JSON, accept: SENML_JSON, payload: Buffer.from(JSON.stringify([{ n: '/3303/0/5700' }])), observe: 0 });
  assert.is(oc.code, Code.CONTENT);
  assert.ok(oc.observe >= 0);
  w.board.temperature.set(33);
  w.net.run({ until: w.net.now + 2000 });
  assert.is(w.server.notifications.length, 1);
  assert.match(w.server.notifications[0].payload.toString(), /33/);
});

test('Observe-Composite of two paths: each notification carries both (the observation\'s own paths)', () => {
  const w = up(10);
  const body = Buffer.from(JSON.stringify([{ n: '/3303/0/5700' }, { n: '/3/0/0' }]));
  const oc = w.server.call(w.serverPeer, Code.FETCH, '/', { cf: SENML_JSON, accept: SENML_JSON, payload: body, observe: 0 });
  assert.is(oc.code, Code.CONTENT);
  assert.ok(oc.observe >= 0);
  // A Read-Composite of another path in between reuses the request scratch, not the observation's paths.
  assert.is(w.server.call(w.serverPeer, Code.FETCH, '/', { cf: SENML_JSON, accept: SENML_JSON, payload: Buffer.from(JSON.stringify([{ n: '/3/0/1' }])) }).code, Code.CONTENT);
  w.board.temperature.set(34);
  w.net.run({ until: w.net.now + 2000 });
  assert.is(w.server.notifications.length, 1);
  const recs = JSON.parse(w.server.notifications[0].payload.toString());
  const names: string[] = []; let bn = '';
  for (const x of recs) { if (x.bn !== undefined) bn = x.bn; names.push(bn + (x.n ?? '')); }
  assert.equal(names.sort(), ['/3/0/0', '/3303/0/5700']);
  assert.match(w.server.notifications[0].payload.toString(), /34/);
});

test('Send (1.1): POST /dp with SenML CBOR values', () => {
  const w = up(10);
  assert.is(w.board.client.send(1, Int32Array.of(3303, 0, 5700, -1), 1), 0);
  w.net.run({ done: () => w.server.requests.some((r) => r.path === '/dp'), until: w.net.now + 10_000 });
  const dp = w.server.requests.find((r) => r.path === '/dp')!;
  assert.is(dp.cf, SENML_CBOR);
  const arr = cborDecode(dp.payload) as any[];
  const m = arr[0] instanceof Map ? Object.fromEntries(arr[0]) : arr[0];
  assert.is((m[-2] ?? '') + (m[0] ?? ''), '/3303/0/5700');
  assert.is(m[2], 21.5);
});

test('access control: with two servers, each sees only what its ACL grants; unknown peers get 4.01', () => {
  const w = up(11);
  const c = w.board.client;
  // A second server account makes access control apply (TS Core §7.3).
  assert.ok(c.table.createInstance(1, 5) === 0);
  const rec = c.rec; rec.clear(); rec.o = 1; rec.i = 5; rec.r = 0; rec.type = 2; rec.num = 2; c.table.setValue(rec);
  // No ACL instance for /3303/0: server 1 may not read it.
  assert.is(w.server.call(w.serverPeer, Code.GET, '/3303/0/5700').code, Code.UNAUTHORIZED);
});

test('epmin spaces evaluations out; epmax re-evaluates a value that changed without telling (/3/0/13)', () => {
  let clock = 1_700_000_000;
  const w = world(12, {}, { server: { uri: SERVER_URI, lifetime: 300 }, hooks: { now: () => clock } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  // /3/0/13 Current Time is a bound reader: it changes with the clock, nobody marks it changed.
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3/0/13', { query: ['epmax=5'] }).code, Code.CHANGED);
  const o = w.server.call(w.serverPeer, Code.GET, '/3/0/13', { observe: 0 });
  assert.is(o.payload.toString(), String(clock));
  const t0 = w.net.now;
  for (let s = 1; s <= 12; s++) { clock++; w.net.run({ until: t0 + s * 1000 }); }
  assert.is(w.server.notifications.length, 2, 'one notification per epmax (5 s) as the clock moves');
  assert.is(w.server.notifications[0].payload.toString(), String(1_700_000_000 + 5));
  // epmin: changes every second, evaluated at most every 10 s.
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['epmin=10'] }).code, Code.CHANGED);
  w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  const n0 = w.server.notifications.filter((x) => x.token !== w.server.notifications[0].token).length;
  const t1 = w.net.now;
  for (let s = 1; s <= 25; s++) { w.board.temperature.set(20 + s); w.net.run({ until: t1 + s * 1000 }); }
  const temps = w.server.notifications.filter((x) => x.token !== w.server.notifications[0].token);
  assert.ok(temps.length - n0 >= 2 && temps.length - n0 <= 3, `notifications with epmin=10 over 25 s: ${temps.length - n0}`);
});

// The Observe response reads the value: that is the first evaluation, and epmin counts from it (as
// Anjay samples at observe creation), for a new observation row and for a row a cancelled one freed.
test('epmin counts from the Observe itself: a change 1 s later is notified at epmin, not at once', () => {
  const w = world(13, {}, { server: { uri: SERVER_URI, lifetime: 300 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  w.net.run({ until: w.net.now + 60_000 }); // well past epmin since the clock started
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['epmin=10'] }).code, Code.CHANGED);
  w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  const t0 = w.net.now;
  w.net.run({ until: t0 + 1000 });
  w.board.temperature.set(30.5);
  w.net.run({ until: t0 + 9000 });
  assert.is(w.server.notifications.length, 0, 'nothing before epmin (10 s) has passed since the Observe');
  w.net.run({ until: t0 + 11_000 });
  assert.is(w.server.notifications.length, 1, 'the change, at epmin');
  assert.is(w.server.notifications[0].payload.toString(), '30.5');
});

test.run();
