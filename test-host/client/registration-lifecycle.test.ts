// Registration lifecycle defects found black-box (issue 12): lifetime 0 and out-of-range lifetimes,
// an Update at once when what Register said changes, Disable (/1/x/4), the Initial Registration
// Delay Timer (/1/x/14), the lifetime counted from the request, a new Register ending the old
// registration's observations, an unusable account failing like any other, no Bootstrap-Request
// once the bootstrap server has begun, and never giving up after the retry sequence. All on the
// simulator's virtual clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, World, SERVER_URI, BS_URI, serverAccountTlv, tlvInst, tlvInt, tlvStr, tlvBool, tlvRes } from './harness.js';
import type { AccountOptions } from '../../src/client/setup.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';
import { REGISTRY_EDITIONS } from '../../src/objects/defs.generated.js';

const TEXT = 0, TLV = 11542;
const registered = (w: World, ssid = 1) => w.events.some((e) => e.e === Ev.REGISTERED && e.a === ssid);

function registeredWorld(seed: number, server: Partial<AccountOptions>): World {
  const w = world(seed, {}, { server: { uri: SERVER_URI, ...server } });
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  assert.ok(registered(w), 'registered');
  return w;
}
const write = (w: World, path: string, v: string | number) => w.server.call(w.serverPeer, Code.PUT, path, { cf: TEXT, payload: Buffer.from(String(v)) });
const updates = (w: World, from = 0) => w.server.requests.filter((r) => r.code === Code.POST && r.path.startsWith('/rd/') && r.t >= from);
const registers = (w: World, from = 0) => w.server.requests.filter((r) => r.code === Code.POST && r.path === '/rd' && r.t >= from);

test('lifetime 0 is infinite (/1/x/1): the Update carries lt=0, then no periodic Update', () => {
  const w = registeredWorld(21, { lifetime: 300 });
  const t0 = w.net.now;
  assert.is(write(w, '/1/0/1', 0).code, Code.CHANGED);
  w.net.run({ until: t0 + 1_000_000 });
  const u = updates(w, t0);
  assert.is(u.length, 1, `${u.length} Updates in 1,000 s`);
  assert.ok(u[0].query.includes('lt=0'), u[0].query.join('&'));
});

test('a lifetime out of range (negative, over 2^31 - 1) is refused with 4.00 at the Write and never goes on the wire', () => {
  const w = registeredWorld(22, { lifetime: 300 });
  for (const bad of ['-5', '4294967296', '2147483648', '1e12']) assert.is(write(w, '/1/0/1', bad).code, Code.BAD_REQUEST, bad);
  // In a TLV instance write too: nothing of that request is applied.
  const inst = tlvInst(0, Buffer.concat([tlvInt(1, -5), tlvInt(3, 77)]));
  assert.is(w.server.call(w.serverPeer, Code.POST, '/1/0', { cf: TLV, payload: inst }).code, Code.BAD_REQUEST);
  assert.is(w.server.call(w.serverPeer, Code.GET, '/1/0/1').payload.toString(), '300');
  assert.is(w.server.call(w.serverPeer, Code.GET, '/1/0/3').code, Code.NOT_FOUND, 'pmax of the refused write not applied');
  assert.is(write(w, '/1/0/1', 2147483647).code, Code.CHANGED, 'the largest lifetime');
  assert.is(write(w, '/1/0/1', 60).code, Code.CHANGED);
  w.net.run({ until: w.net.now + 5_000 });
  const lts = w.server.requests.flatMap((r) => r.query.filter((q) => q.startsWith('lt=')));
  assert.ok(lts.includes('lt=60'), lts.join(' '));
  assert.ok(lts.every((q) => /^lt=\d+$/.test(q) && Number(q.slice(3)) <= 2147483647), lts.join(' '));
  // Other Server periods: negative refused.
  assert.is(write(w, '/1/0/2', -1).code, Code.BAD_REQUEST);
  assert.is(write(w, '/1/0/5', -1).code, Code.BAD_REQUEST);
});

test('Bootstrap-Write: a Server object lifetime out of range gets 4.00; elsewhere the registry ranges stay lenient for bootstrap servers', () => {
  const w = world(33, {}, { bootstrap: { uri: BS_URI } });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
  const bad = tlvInst(0, Buffer.concat([tlvInt(0, 1), tlvInt(1, -5), tlvBool(6, true), tlvStr(7, 'U')]));
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: bad }).code, Code.BAD_REQUEST);
  // Short Server ID 0 on the bootstrap account's Security instance (outside 1…65534): accepted, as before.
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/0/10', { cf: TEXT, payload: Buffer.from('0') }).code, Code.CHANGED);
  const acc = serverAccountTlv(1, 0, SERVER_URI, 1, 300);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED);
  w.net.run({ done: () => registered(w), until: w.net.now + 10_000 });
  assert.ok(registers(w)[0].query.includes('lt=300'));
});

test('a written binding, lifetime or a created instance goes to the server in an Update at once (as Anjay does)', () => {
  const w = registeredWorld(23, { lifetime: 300 });
  let t0 = w.net.now;
  assert.is(write(w, '/1/0/7', 'UQ').code, Code.CHANGED);
  w.net.run({ until: t0 + 2_000 });
  let u = updates(w, t0);
  assert.is(u.length, 1, 'one Update after the binding write');
  assert.ok(u[0].query.includes('b=U') && u[0].query.includes('Q'), u[0].query.join('&'));
  assert.ok(!u[0].query.some((q) => q.startsWith('lt=')), 'the lifetime did not change');

  t0 = w.net.now;
  const inst = tlvInst(1, Buffer.concat([tlvStr(5701, 'K'), tlvRes(5700, Buffer.from([0x42, 0x28, 0, 0]))]));
  assert.is(w.server.call(w.serverPeer, Code.POST, '/3303', { cf: TLV, payload: inst }).code, Code.CREATED);
  w.net.run({ until: t0 + 2_000 });
  u = updates(w, t0);
  assert.is(u.length, 1, 'one Update after the Create');
  assert.match(u[0].payload.toString(), /<\/3303\/1>/);
  assert.ok(!u[0].query.some((q) => q.startsWith('b=')), 'the binding went already');

  t0 = w.net.now;
  assert.is(write(w, '/1/0/1', 120).code, Code.CHANGED);
  w.net.run({ until: t0 + 2_000 });
  u = updates(w, t0);
  assert.is(u.length, 1, 'one Update after the lifetime write');
  assert.ok(u[0].query.includes('lt=120'), u[0].query.join('&'));
  assert.is(u[0].payload.length, 0, 'no object list: it did not change');
  // Writing the lifetime it already has is no change.
  t0 = w.net.now;
  assert.is(write(w, '/1/0/1', 120).code, Code.CHANGED);
  w.net.run({ until: t0 + 2_000 });
  assert.is(updates(w, t0).length, 0);
});

test('end to end, a short lifetime written (5 s): an Update at once, then one before every expiry', () => {
  const w = registeredWorld(24, { lifetime: 300 });
  const t0 = w.net.now;
  assert.is(write(w, '/1/0/1', 5).code, Code.CHANGED);
  w.net.run({ until: t0 + 60_000 });
  const u = updates(w, t0);
  assert.ok(u.length > 0 && u[0].t - t0 < 1_000, `first Update ${u[0]?.t - t0} ms after the write`);
  assert.ok(u[0].query.includes('lt=5'));
  // The server's view: never 5 s without a Register or Update (it would expire the registration).
  let last = u[0].t;
  for (const x of u.slice(1)) { assert.ok(x.t - last < 5_000, `gap ${x.t - last} ms`); last = x.t; }
  assert.ok(t0 + 60_000 - last < 5_000);
  assert.ok(u.length <= 30, `not a storm: ${u.length} Updates in 60 s`);
  assert.is(registers(w).length, 1, 'never had to register again');
});

test('the lifetime counts from the Register sent, not from its answer (three 2.01 lost, lifetime 20)', () => {
  const w = world(30, {}, { server: { uri: SERVER_URI, lifetime: 20 } }); // seed 30: registered at 18.4 s
  let lost = 0;
  w.net.filter = (from, _to, b) => { if (from === 'server' && b[1] === 0x41 /* 2.01 */ && lost < 3) { lost++; return false; } return true; };
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  const regAt = w.events.find((e) => e.e === Ev.REGISTERED)!.t;
  const regT = registers(w)[0].t; // the server registered the first copy: its lifetime runs from here
  assert.is(lost, 3);
  assert.ok(regAt > 10_000, `registered at ${regAt} ms, after three retransmissions`);
  w.net.run({ done: () => updates(w).length > 0, until: 100_000 });
  const upd = updates(w)[0];
  assert.ok(upd.t < regT + 20_000, `Update at ${upd.t} ms, the registration expires at ${regT + 20_000} ms`);
  assert.ok(upd.t <= Math.max(regT + 10_000, regAt) + 100, `Update at ${upd.t} ms, due at ${Math.max(regT + 10_000, regAt)} ms`);
});

test('a new Register ends every observation of the old registration (Update answered 4.03)', () => {
  const w = registeredWorld(26, { lifetime: 300 });
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['pmax=1'] }).code, Code.CHANGED);
  w.server.request(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  w.net.run({ until: w.net.now + 5_000 });
  assert.ok(w.server.notifications.length >= 3, `notifying: ${w.server.notifications.length}`);
  w.server.updateCode = Code.FORBIDDEN;
  assert.is(w.server.call(w.serverPeer, Code.POST, '/1/0/8').code, Code.CHANGED);
  w.net.run({ done: () => registers(w).length === 2, until: w.net.now + 10_000 });
  assert.is(registers(w).length, 2, 'registered anew');
  w.server.updateCode = Code.CHANGED;
  const t = registers(w)[1].t;
  w.net.run({ until: w.net.now + 10_000 });
  assert.is(w.server.notifications.filter((n) => n.t > t + 50).length, 0, 'no notification of the old observation');
  assert.ok(w.events.some((e) => e.e === Ev.OBSERVE_CANCELLED && e.a === 1));
});

test('Initial Registration Delay Timer (/1/x/14): the first Register waits for it', () => {
  const w = world(27, {}, { server: { uri: SERVER_URI, lifetime: 60, initialDelay: 10 } });
  w.board.client.start(0);
  w.net.run({ done: () => registered(w), until: 60_000 });
  const r = registers(w)[0];
  assert.ok(r && r.t >= 10_000 && r.t < 11_000, `Register at ${r?.t} ms`);
});

test('Disable (/1/x/4): 2.04, De-register, silent and deaf for the Disable Timeout (/1/x/5), then Register', () => {
  const w = registeredWorld(28, { lifetime: 60, disableTimeout: 30 });
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['pmax=1'] }).code, Code.CHANGED);
  w.server.request(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  w.net.run({ until: w.net.now + 3_000 });
  assert.ok(w.server.notifications.length > 0);
  const t0 = w.net.now;
  const ex = w.server.call(w.serverPeer, Code.POST, '/1/0/4');
  assert.is(ex.code, Code.CHANGED);
  w.net.run({ done: () => w.server.requests.some((r) => r.code === Code.DELETE), until: t0 + 5_000 });
  const del = w.server.requests.find((r) => r.code === Code.DELETE)!;
  assert.ok(del && del.path === '/rd/r1', 'de-registered');
  assert.ok(del.t >= ex.t, 'the 2.04 first, then the De-register');
  w.net.run({ until: del.t + 1_000 });
  const quietFrom = w.net.now;
  // The server's requests are ignored (not even an ACK) while the account is disabled.
  const tag = w.server.request(w.serverPeer, Code.GET, '/3/0/0');
  w.net.run({ until: del.t + 25_000 });
  assert.not.ok(w.server.response(tag), 'no answer while disabled');
  const fromClient = w.net.wire.filter((x) => x.from === 'client' && x.to === 'server' && x.t >= quietFrom && x.t < del.t + 25_000);
  assert.is(fromClient.length, 0, 'nothing sent to the server while disabled');
  w.net.run({ done: () => registers(w).length === 2, until: del.t + 40_000 });
  const again = registers(w)[1];
  assert.ok(again && again.t >= del.t + 29_000 && again.t <= del.t + 31_000, `registered again at ${again?.t - del.t} ms after the De-register`);
  assert.is(w.server.notifications.filter((n) => n.t > del.t).length, 0, 'the observation ended with the Disable');
});

test('no Bootstrap-Request once the bootstrap server has begun during the hold-off', () => {
  const w = world(29, {}, { bootstrap: { uri: BS_URI, holdOff: 3 } });
  w.board.client.start(0);
  w.net.run({ until: 500 });
  const acc = serverAccountTlv(1, 0, SERVER_URI, 1, 300);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv }).code, Code.CHANGED);
  w.net.run({ until: 6_000 }); // past the hold-off, the sequence still open
  assert.is(w.bs.requests.filter((r) => r.path === '/bs').length, 0, 'no POST /bs');
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED);
  w.net.run({ done: () => registered(w), until: 20_000 });
  assert.ok(registered(w));
  assert.is(w.bs.requests.filter((r) => r.path === '/bs').length, 0);
});

test('an unusable server account (coap://256.0.0.1) fails registration like any other: /1/x/17-20, then /1/x/16 bootstraps', () => {
  const w = world(30, {}, { bootstrap: { uri: BS_URI } });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
  w.net.run({ until: w.net.now + 100 });
  const good = serverAccountTlv(1, 0, SERVER_URI, 1, 300);
  const badSec = tlvInst(2, Buffer.concat([tlvStr(0, 'coap://256.0.0.1:5683'), tlvBool(1, false), tlvInt(2, 3), tlvRes(3, new Uint8Array(0)), tlvRes(4, new Uint8Array(0)), tlvRes(5, new Uint8Array(0)), tlvInt(10, 2)]));
  const badSrv = tlvInst(1, Buffer.concat([tlvInt(0, 2), tlvInt(1, 300), tlvBool(6, true), tlvStr(7, 'U'), tlvBool(16, true), tlvInt(17, 2), tlvInt(18, 1), tlvInt(20, 1)]));
  for (const [path, payload] of [['/0/1', good.sec], ['/1/0', good.srv], ['/0/2', badSec], ['/1/1', badSrv]] as const) {
    assert.is(w.bs.call(w.bsPeer, Code.PUT, path, { cf: TLV, payload }).code, Code.CHANGED, path);
  }
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED, 'Finish accepted: one account is usable');
  const tFin = w.net.now;
  w.net.run({ done: () => w.bs.requests.filter((r) => r.path === '/bs').length === 2, until: tFin + 60_000 });
  assert.ok(registered(w, 1), 'registered with the good server');
  const fails = w.events.filter((e) => e.e === Ev.REGISTRATION_FAILED && e.a === 2);
  assert.is(fails.length, 2, 'two failed registrations of ssid 2 (/1/1/17 = 2)');
  assert.ok(fails[1].t - fails[0].t >= 1_000 && fails[1].t - fails[0].t < 1_500, 'after the retry timer (/1/1/18 = 1 s)');
  assert.is(w.bs.requests.filter((r) => r.path === '/bs').length, 2, 'Bootstrap on Registration Failure: a new Bootstrap-Request');
  // The same account alone: Finish accepted too (consistent), and the same procedure.
  const w2 = world(34, {}, { bootstrap: { uri: BS_URI } });
  w2.board.client.start(0);
  w2.net.run({ done: () => w2.bs.requests.some((r) => r.path === '/bs'), until: 10_000 });
  w2.net.run({ until: w2.net.now + 100 });
  for (const [path, payload] of [['/0/2', badSec], ['/1/1', badSrv]] as const) assert.is(w2.bs.call(w2.bsPeer, Code.PUT, path, { cf: TLV, payload }).code, Code.CHANGED, path);
  assert.is(w2.bs.call(w2.bsPeer, Code.POST, '/bs').code, Code.CHANGED, 'Finish accepted with the unusable account alone');
  w2.net.run({ done: () => w2.bs.requests.filter((r) => r.path === '/bs').length === 2, until: w2.net.now + 60_000 });
  assert.is(w2.events.filter((e) => e.e === Ev.REGISTRATION_FAILED && e.a === 2).length, 2);
  assert.is(w2.bs.requests.filter((r) => r.path === '/bs').length, 2);
});

test('the retry sequence exhausted with no bootstrap to fall back on: logged, then Register at the longest back-off until the server is back', () => {
  const w = world(31, {}, { server: { uri: SERVER_URI, lifetime: 60, retryCount: 3, retryTimer: 5, sequenceRetry: 1 } });
  w.server.registerCode = Code.SERVICE_UNAVAILABLE;
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTRATION_EXHAUSTED), until: 1_000_000 });
  const ex = w.events.find((e) => e.e === Ev.REGISTRATION_EXHAUSTED);
  assert.ok(ex, 'REGISTRATION_EXHAUSTED');
  assert.is(ex!.a, 1);
  assert.is(ex!.b, 10, 'every 10 s: the longest back-off of the sequence (5 s, then 10 s)');
  const before = registers(w).length;
  assert.is(before, 3);
  w.net.run({ until: ex!.t + 35_000 });
  const later = registers(w, ex!.t);
  assert.ok(later.length >= 3 && later.length <= 4, `still trying: ${later.length} Registers in 35 s`);
  assert.is(w.events.filter((e) => e.e === Ev.REGISTRATION_EXHAUSTED).length, 1, 'logged once');
  w.server.registerCode = Code.CREATED;
  w.net.run({ done: () => registered(w), until: w.net.now + 20_000 });
  assert.ok(registered(w), 'registered once the server is back');
});

test('Bootstrap on Registration Failure false (/1/x/16) with a bootstrap account: no bootstrap; exhausted, logged, still registering', () => {
  const w = world(35, {}, { server: { uri: SERVER_URI, lifetime: 60, retryCount: 2, retryTimer: 3, sequenceRetry: 1, bootstrapOnFailure: false }, bootstrap: { uri: BS_URI } });
  w.server.registerCode = Code.FORBIDDEN;
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTRATION_EXHAUSTED), until: 100_000 });
  const ex = w.events.find((e) => e.e === Ev.REGISTRATION_EXHAUSTED);
  assert.ok(ex && ex.b === 3, `every ${ex?.b} s`);
  w.net.run({ until: ex!.t + 10_000 });
  assert.is(w.bs.requests.filter((r) => r.path === '/bs').length, 0, 'no Bootstrap-Request');
  assert.ok(registers(w, ex!.t + 1).length >= 3, 'Registers go on');
});

test('object versions are those of the LwM2M version registered: lwm2m=1.1 announces </1>;ver=1.1, 1.0 the 1.0 editions, 1.2 the newest', () => {
  const num = (v: string) => Number(v.split('.')[0]) * 1000 + Number(v.split('.')[1]);
  const expected: Record<string, Record<number, string>> = {
    '1.0': { 1: '1.0', 2: '1.1', 3: '1.0', 4: '1.3', 3303: '1.1' },
    '1.1': { 1: '1.1', 2: '1.1', 3: '1.2', 4: '1.3', 3303: '1.1' },
    '1.2': { 1: '1.2', 2: '1.1', 3: '1.2', 4: '1.3', 3303: '1.1' },
  };
  for (const version of ['1.0', '1.1', '1.2']) {
    const w = world(32, {}, { version, server: { uri: SERVER_URI, lifetime: 120 } });
    w.board.client.start(0);
    w.net.run({ done: () => registered(w), until: 60_000 });
    const reg = registers(w)[0];
    assert.ok(reg.query.includes('lwm2m=' + version));
    const links = reg.payload.toString().split(',');
    const announced: Record<number, string> = {};
    for (const l of links) {
      const m = /^<\/(\d+)(?:\/\d+)?>(?:;ver=([\d.]+))?$/.exec(l);
      if (!m) continue;
      const o = Number(m[1]);
      if (m[2] !== undefined) announced[o] = m[2];
      else if (announced[o] === undefined) announced[o] = '1.0';
    }
    for (const [o, ver] of Object.entries(expected[version])) assert.is(announced[Number(o)], ver, `lwm2m=${version}: </${o}>;ver=${announced[Number(o)]}`);
    // Every announced edition is one the registry gives for this LwM2M version or older (object 4
    // has no LwM2M 1.0 edition: the one exception, in the README).
    for (const [o, ver] of Object.entries(announced)) {
      const e = REGISTRY_EDITIONS.find((x) => x.def.id === Number(o) && x.def.version === ver);
      assert.ok(e, `an edition ${o} v${ver}`);
      if (!(version === '1.0' && o === '4')) assert.ok(num(e!.lwm2m) <= num(version), `</${o}>;ver=${ver} is LwM2M ${e!.lwm2m}, registered as ${version}`);
    }
    // Discover says the same as Register.
    const disc = w.server.call(w.serverPeer, Code.GET, '/1', { accept: 40 }).payload.toString();
    if (expected[version][1] === '1.0') assert.not.match(disc, /ver=/);
    else assert.match(disc, new RegExp('^</1>;ver=' + expected[version][1].replace('.', '\\.')));
  }
});

test.run();
