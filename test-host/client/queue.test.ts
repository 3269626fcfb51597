// Queue Mode (TS Core §6.5, src/client/queue.ts) under the simulator: offline after the queue-mode
// time, the HAL's deadline, waking for a notification / an Update / a value change, Notification
// Storing When Disabled or Offline (/1/x/6), and the DTLS session across a sleep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queueWorld } from './queue-world.js';
import { world, SERVER_URI } from './harness.js';
import { Ev } from '../../src/client/events.js';
import { Code } from '../../src/coap/codes.js';
import { Wake, cborRelativeTime, jsonRelativeTime } from '../../src/client/queue.js';

const MTW = 93_000;

function sleepOnce(w: ReturnType<typeof queueWorld>): number {
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 300_000 });
  assert.ok(w.board.client.offline, 'offline');
  return w.events.filter((e) => e.e === Ev.OFFLINE).at(-1)!.a;
}


test('b=UQ registers with Q, stays reachable MAX_TRANSMIT_WAIT after the last exchange, then goes offline until its next deadline (pmax)', () => {
  const w = queueWorld({ pmax: 300 });
  w.register();
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg.query.includes('b=U') && reg.query.includes('Q'), reg.query.join('&'));
  w.observe();
  const t0 = w.net.now;
  w.net.run({ done: () => w.board.client.offline, until: t0 + 200_000 });
  const off = w.events.find((e) => e.e === Ev.OFFLINE)!;
  assert.ok(off, 'went offline');
  // The last exchange was the Observe's response: offline MAX_TRANSMIT_WAIT after it.
  assert.ok(off.t >= t0 - 100 + MTW && off.t <= t0 + MTW + 100, `offline at ${off.t}, observe at ${t0}`);
  // Its deadline: the observation's pmax (300 s after the Observe's response).
  assert.ok(off.a > t0 + 299_000 && off.a <= t0 + 300_100, `deadline ${off.a}`);
  // Nothing happens before it; at it, the notification goes out first (no Update before it).
  const n0 = w.server.notifications.length, r0 = w.server.requests.length;
  w.net.run({ until: off.a - 1 });
  assert.ok(w.board.client.offline);
  assert.is(w.server.notifications.length, n0);
  w.net.run({ until: off.a + 1000 });
  assert.is(w.server.notifications.length, n0 + 1);
  assert.is(w.server.requests.length, r0, 'no Update before the notification (as Anjay Lite)');
  const on = w.events.find((e) => e.e === Ev.ONLINE)!;
  assert.is(on.a, Wake.NOTIFY);
  const k = w.events.indexOf(on);
  assert.is(w.events[k + 1].e, Ev.NOTIFY_SENT, 'ONLINE comes before what woke it');
  // Awake again for the queue-mode time, then offline until the next pmax.
  w.net.run({ until: off.a + MTW + 2000 });
  assert.ok(w.board.client.offline);
});

test('b=UQ without ClientOptions.queueMode: registers with Q but never goes offline, and builds no Queue Mode state', () => {
  const w = world(4, {}, { server: { uri: SERVER_URI, binding: 'UQ', lifetime: 86400, pmax: 300 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  assert.ok(w.server.requests.find((r) => r.path === '/rd')!.query.includes('Q'));
  w.net.run({ until: 1_000_000 });
  assert.not.ok(w.events.some((e) => e.e === Ev.OFFLINE));
  assert.is(w.board.client.queue, undefined);
  assert.not.ok(w.board.client.offline);
});

test('binding U (no Q): never offline', () => {
  const w = queueWorld({ binding: 'U', pmax: 300 });
  w.register();
  w.observe();
  w.net.run({ until: w.net.now + 3_600_000 });
  assert.not.ok(w.events.some((e) => e.e === Ev.OFFLINE));
  assert.ok(w.server.notifications.length >= 11);
});

test('a value change wakes the client early (no pmin); one below st does not', () => {
  const w = queueWorld({ pmax: 3000 });
  w.register();
  w.observe();
  // st = 1 on the resource (Write-Attributes).
  const wa = w.server.call(w.serverPeer, Code.PUT, '/3303/0/5700', { query: ['st=1'] });
  assert.is(wa.code, Code.CHANGED);
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 200_000 });
  assert.ok(w.board.client.offline);
  const n0 = w.server.notifications.length;
  w.net.advance(10_000);
  w.board.temperature.set(21.9); // +0.4: below st
  w.net.kick();
  w.net.advance(5_000);
  assert.ok(w.board.client.offline, 'a change below st does not wake it');
  assert.is(w.server.notifications.length, n0);
  w.board.temperature.set(25); // crosses st
  w.net.kick();
  w.net.advance(5_000);
  assert.is(w.server.notifications.length, n0 + 1);
  const on = w.events.filter((e) => e.e === Ev.ONLINE);
  assert.is(on.length, 1);
  assert.is(on[0].a, Wake.NOTIFY);
});

test('the Update before the lifetime ends wakes the client; answered 4.04 → Register', () => {
  const w = queueWorld({ lifetime: 600 });
  w.register();
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 200_000 });
  const off = w.events.find((e) => e.e === Ev.OFFLINE)!;
  assert.ok(off.a > 0 && off.a < 600_000, `deadline ${off.a}: the Update`);
  w.server.updateCode = Code.NOT_FOUND;
  w.net.run({ done: () => w.server.regCount === 2, until: off.a + 60_000 });
  assert.is(w.server.regCount, 2, 're-registered');
  const on = w.events.find((e) => e.e === Ev.ONLINE)!;
  assert.is(on.a, Wake.DEADLINE);
  assert.ok(w.events.some((e) => e.e === Ev.REGISTRATION_FAILED && e.b === Code.NOT_FOUND));
});

test('a server request while offline is lost (the socket of the client is closed)', () => {
  const w = queueWorld({ pmax: 300 });
  w.register();
  w.observe();
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 200_000 });
  w.server.request(w.serverPeer, Code.GET, '/3/0/0');
  w.net.advance(60_000);
  assert.ok(w.lostOffline > 0);
  assert.ok(w.board.client.offline);
});

test('stop() while offline: the client wakes for the De-register (over a resumed DTLS session)', () => {
  const w = queueWorld({ secure: true, pmax: 3000 });
  w.register();
  sleepOnce(w);
  w.board.client.stop(w.net.now);
  w.net.run({ until: w.net.now + 30_000 });
  assert.ok(w.server.requests.some((r) => r.code === Code.DELETE && r.path.startsWith('/rd/')), 'De-register arrived');
  assert.ok(w.events.some((e) => e.e === Ev.ONLINE && e.a === Wake.OTHER));
  assert.is(w.abbreviatedHandshakes, 1);
});

test('SenML relative time: CBOR and JSON one-record payloads get t = −age; others stay', () => {
  const b = new Uint8Array(64);
  b.set([0x81, 0xa2, 0x00, 0x61, 0x78, 0x02, 0x05]); // [{0:"x", 2:5}]
  const n = cborRelativeTime(b, 7, 300);
  // [{0:"x", 2:5, 6:-300}]: map of 3, label 6, negative integer −1−299 (0x39 0x012b)
  assert.equal([...b.subarray(0, n)], [0x81, 0xa3, 0x00, 0x61, 0x78, 0x02, 0x05, 0x06, 0x39, 0x01, 0x2b]);
  const j = new Uint8Array(64);
  const txt = Buffer.from('[{"n":"x","v":5}]');
  j.set(txt);
  const m = jsonRelativeTime(j, txt.length, 42);
  assert.equal(JSON.parse(Buffer.from(j.subarray(0, m)).toString()), [{ n: 'x', v: 5, t: -42 }]);
  const two = Buffer.from('[{"n":"x","v":5},{"n":"y","v":6}]');
  j.set(two);
  assert.is(jsonRelativeTime(j, two.length, 42), two.length);
});


test('coaps, queueDtls "resume" (default): close_notify at going offline, an abbreviated handshake at the wake', () => {
  const w = queueWorld({ secure: true, pmax: 300 });
  w.register();
  w.observe();
  assert.is(w.fullHandshakes, 1);
  const until = sleepOnce(w);
  // The last datagram the client sent is the close_notify alert (content type 21, epoch 1).
  const last = w.net.wire.filter((r) => r.from === 'client').at(-1)!;
  assert.is(last.bytes[0], 21);
  const n0 = w.server.notifications.length;
  w.net.run({ until: until + 5_000 });
  assert.is(w.server.notifications.length, n0 + 1, 'the pmax notification arrived');
  assert.is(w.fullHandshakes, 1);
  assert.is(w.abbreviatedHandshakes, 1);
  assert.is(w.dtls!.resumptions, 1);
  sleepOnce(w);
  w.net.run({ until: w.net.now + 310_000 });
  assert.is(w.abbreviatedHandshakes, 2);
  assert.is(w.fullHandshakes, 1);
});

test('coaps, a server that does not resume the session: a full handshake at the wake, the notification still goes', () => {
  const w = queueWorld({ secure: true, pmax: 300, serverResumption: false });
  w.register();
  w.observe();
  const until = sleepOnce(w);
  const n0 = w.server.notifications.length;
  w.net.run({ until: until + 5_000 });
  assert.is(w.server.notifications.length, n0 + 1);
  assert.is(w.fullHandshakes, 2);
  assert.is(w.abbreviatedHandshakes, 0);
});

test('coaps, queueDtls "full": a full handshake per wake; "keep": none (same port, the server kept the session)', () => {
  for (const mode of ['full', 'keep'] as const) {
    const w = queueWorld({ secure: true, pmax: 300, queueDtls: mode });
    w.register();
    w.observe();
    const until = sleepOnce(w);
    const n0 = w.server.notifications.length;
    w.net.run({ until: until + 5_000 });
    assert.is(w.server.notifications.length, n0 + 1, mode);
    assert.is(w.fullHandshakes, mode === 'full' ? 2 : 1, mode);
    assert.is(w.abbreviatedHandshakes, 0, mode);
  }
});

/** The SenML CBOR "t" (label 6) of a one-record payload, or NaN. */
function senmlT(p: Buffer): number {
  const k = p.lastIndexOf(0x06);
  if (k < 0 || p[1] !== 0xa3) return NaN;
  const h = p[k + 1];
  if ((h & 0xe0) !== 0x20) return NaN;
  const ai = h & 0x1f;
  const n = ai < 24 ? ai : ai === 24 ? p[k + 2] : ai === 25 ? p.readUInt16BE(k + 2) : p.readUInt32BE(k + 2);
  return -1 - n;
}

test('/1/x/6 true, server unreachable across wakes: notifications stored (ring of 3), the oldest dropped and counted once, the rest sent in order with their age', () => {
  const w = queueWorld({ secure: true, pmax: 300, config: { storedNotifications: 3 } });
  w.register();
  w.observe();
  sleepOnce(w);
  const n0 = w.server.notifications.length;
  // The server goes away: nothing reaches it.
  w.net.filter = (from, to) => from !== 'server' && to !== 'server';
  w.net.run({ until: w.net.now + 5 * 300_000 });
  assert.is(w.server.notifications.length, n0);
  const st = w.board.client.queue!;
  assert.is(st.count, 3);
  assert.ok(st.dropped >= 1, `dropped ${st.dropped}`);
  const drops = w.events.filter((e) => e.e === Ev.QUEUE_DROPPED);
  assert.ok(drops.length >= 1 && drops.length <= st.dropped);
  assert.ok(w.board.client.ep.securityFailures >= 2, 'the handshakes failed');
  // Back: the next wake sends the stored ones, oldest first, each with its age.
  w.net.filter = null;
  w.net.run({ until: w.net.now + 400_000 });
  const got = w.server.notifications.slice(n0);
  assert.ok(got.length >= 3, `got ${got.length}`);
  const ts = got.slice(0, 3).map((n) => senmlT(n.payload)).map((t) => (Number.isNaN(t) ? 0 : t)); // no t: now
  assert.ok(ts[0] < ts[1] && ts[1] < ts[2] && ts[2] <= 0, `t ${ts.join(', ')}`);
  const seqs = got.map((n) => n.observe);
  for (let j = 1; j < seqs.length; j++) assert.ok(seqs[j] > seqs[j - 1], 'Observe numbers rise');
  assert.is(st.count, 0);
});

test('/1/x/6 false: nothing stored, the client wakes and sends the current value', () => {
  const w = queueWorld({ secure: true, pmax: 300 });
  w.register();
  const r = w.server.call(w.serverPeer, Code.PUT, '/1/0/6', { cf: 0, payload: Buffer.from('0') });
  assert.is(r.code, Code.CHANGED);
  w.observe();
  sleepOnce(w);
  w.net.filter = (from, to) => from !== 'server' && to !== 'server';
  w.net.run({ until: w.net.now + 2 * 300_000 });
  assert.is(w.board.client.queue!.count, 0);
  assert.ok(w.events.filter((e) => e.e === Ev.ONLINE && e.a === Wake.NOTIFY).length >= 2, 'woken by each notification');
  w.net.filter = null;
  const n0 = w.server.notifications.length;
  w.net.run({ until: w.net.now + 300_000 });
  assert.ok(w.server.notifications.length > n0, 'notifications flow again');
});

test.run();
