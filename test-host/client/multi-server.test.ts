// Review tests (memory refactor): the server accounts, observations and attributes are rows of
// strided arrays. With two servers (two rows each), every exchange must use its own row: its own
// Location-Path, lifetime, observations, attributes and De-register.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, World, SimServer, SERVER_URI } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';
import { writeAccount } from '../../src/client/setup.js';
import { createAclFor } from '../../src/model/access.js';
import { setNumber } from '../../src/objects/values.js';
import { ValueType } from '../../src/model/record.js';

const TEXT = 0;
const SERVER2_PORT = 5684;

function twoServers(seed: number): World & { server2: SimServer; peer2: number } {
  const w = world(seed, {}, { server: { uri: SERVER_URI, ssid: 1, lifetime: 60 } });
  const server2 = new SimServer(w.net, 'server2', 13);
  w.net.add('server2', '127.0.0.1', SERVER2_PORT, server2.ep);
  server2.regCount = 40; // its Location-Path is /rd/r41, server 1's /rd/r1
  const c = w.board.client;
  // The second account, written before start(): the factory adds the first.
  assert.is(writeAccount(c.table, 5, { uri: `coap://127.0.0.1:${SERVER2_PORT}`, ssid: 2, lifetime: 200 }, false), 0);
  c.start(0);
  w.net.run({ done: () => w.events.filter((e) => e.e === Ev.REGISTERED).length === 2, until: 60_000 });
  assert.is(w.events.filter((e) => e.e === Ev.REGISTERED).length, 2);
  return { ...w, server2, peer2: server2.ep.peerIndex(w.clientAddr, true) };
}

test('two servers: each Update goes to its own location at its own lifetime, each De-register too', () => {
  const w = twoServers(71);
  w.net.run({ until: 450_000 });
  const u1 = w.server.requests.filter((r) => r.code === Code.POST && r.path.startsWith('/rd/'));
  const u2 = w.server2.requests.filter((r) => r.code === Code.POST && r.path.startsWith('/rd/'));
  assert.ok(u1.length >= 6, 'server 1 (lifetime 60) updates: ' + u1.length);
  assert.ok(u2.length >= 2 && u2.length <= 4, 'server 2 (lifetime 200) updates: ' + u2.length);
  assert.ok(u1.every((r) => r.path === '/rd/r1'), u1.map((r) => r.path).join());
  assert.ok(u2.every((r) => r.path === '/rd/r41'), u2.map((r) => r.path).join());
  const reg2 = w.server2.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg2.query.includes('lt=200'), reg2.query.join('&'));
  const reg1 = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg1.query.includes('lt=60'), reg1.query.join('&'));
  w.board.client.stop(w.net.now);
  w.net.kick();
  w.net.run({ until: w.net.now + 10_000 });
  assert.ok(w.server.requests.some((r) => r.code === Code.DELETE && r.path === '/rd/r1'));
  assert.ok(w.server2.requests.some((r) => r.code === Code.DELETE && r.path === '/rd/r41'));
  const dereg = w.events.filter((e) => e.e === Ev.DEREGISTERED).map((e) => e.a).sort();
  assert.equal(dereg, [1, 2]);
});

test('two servers: observations and Write-Attributes stay with the server that made them', () => {
  const w = twoServers(72);
  const c = w.board.client;
  // Access control applies with two accounts: /3303/0 is owned by server 1, server 2 gets every right.
  const a = createAclFor(c.table, 3303, 0, 1);
  assert.ok(a >= 0);
  assert.is(setNumber(c.table, 2, a, 2, 2, ValueType.Integer, 31), 0);
  // Server 2: pmin 30 s on the temperature; server 1: none.
  assert.is(w.server2.call(w.peer2, Code.PUT, '/3303/0/5700', { query: ['pmin=30'] }).code, Code.CHANGED);
  const o1 = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { observe: 0, accept: TEXT });
  const o2 = w.server2.call(w.peer2, Code.GET, '/3303/0/5700', { observe: 0, accept: TEXT });
  assert.is(o1.code, Code.CONTENT); assert.is(o2.code, Code.CONTENT);
  const started = w.events.filter((e) => e.e === Ev.OBSERVE_STARTED).map((e) => e.a);
  assert.equal(started, [1, 2]);
  const t0 = w.net.now;
  const temp = w.board.temperature;
  temp.input[0] = 30.5; temp.update(0);
  w.net.kick();
  w.net.run({ until: t0 + 5_000 });
  assert.is(w.server.notifications.length, 1, 'server 1 is notified at once');
  assert.is(w.server2.notifications.length, 0, 'server 2 waits for its pmin');
  assert.is(w.server.notifications[0].payload.toString(), '30.5');
  w.net.run({ until: t0 + 40_000 });
  assert.is(w.server2.notifications.length, 1, 'server 2 after pmin');
  assert.is(w.server2.notifications[0].payload.toString(), '30.5');
  const sent = w.events.filter((e) => e.e === Ev.NOTIFY_SENT).map((e) => e.a);
  assert.equal(sent, [1, 2]);
  // Discover on server 1 shows none of server 2's attributes.
  const d1 = w.server.call(w.serverPeer, Code.GET, '/3303/0/5700', { accept: 40 });
  assert.not.ok(d1.payload.toString().includes('pmin'), d1.payload.toString());
  const d2 = w.server2.call(w.peer2, Code.GET, '/3303/0/5700', { accept: 40 });
  assert.ok(d2.payload.toString().includes('pmin=30'), d2.payload.toString());
  void c;
});

test.run();
