// Deep sleep that restarts the program with an RFC 9146 Connection ID (queueDtls "cid",
// src/client/persist.ts exportConnection/importConnection) under the simulator, against the host
// server's DTLS layer: the new program (a new client object, its clock from 0, a new source port)
// takes the DTLS connection back from the persisted state and its first exchange is one tls12_cid
// record, with no handshake; its write sequence numbers never repeat one sent before, even across a
// second restart before it went offline again; a server that dropped the connection but still knows
// the session gets the resumption, one that knows neither a full handshake, one that refuses the
// record with a fatal alert a full handshake (RFC 5246 §7.2.2). Against Scandium: scandium-cid.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queueWorld, type QueueWorld } from './queue-world.js';
import { Ev } from '../../src/client/events.js';
import { Code } from '../../src/coap/codes.js';
import { Reg } from '../../src/client/client.js';

function offline(w: QueueWorld): number {
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 400_000 });
  assert.ok(w.board.client.offline, 'offline');
  return w.events.filter((e) => e.e === Ev.OFFLINE).at(-1)!.a;
}
const updates = (w: QueueWorld) => w.server.requests.filter((r) => r.code === Code.POST && r.path.startsWith('/rd/')).length;
const registers = (w: QueueWorld) => w.server.requests.filter((r) => r.code === Code.POST && r.path === '/rd').length;
const count = (w: QueueWorld, e: number, since = 0) => w.events.slice(since).filter((x) => x.e === e).length;
/** The client's datagrams sent after t. */
const out = (w: QueueWorld, t: number) => w.net.wire.filter((r) => r.from === 'client' && r.t >= t);
/** The 48-bit sequence number of a record at the start of a datagram. */
const seqOf = (b: Uint8Array) => Buffer.from(b).readUIntBE(5, 6);

function cidWorld() {
  return queueWorld({ secure: true, queueDtls: 'cid', persist: true, newPortAtRestart: true, pmax: 3000, lifetime: 3600 });
}

test('"cid" restart: the connection is taken back, the Update goes from a new port in one tls12_cid record, no handshake, accepted', () => {
  const w = cidWorld();
  w.register();
  w.observe();
  assert.is(w.board.client.dtls[0].peerCidLen, 6);
  offline(w);
  const sizeSaved = w.events.filter((e) => e.e === Ev.SLEEP_SAVED).at(-1)!.a;
  const lastSeq = Math.max(...w.net.wire.filter((r) => r.from === 'client' && r.bytes[0] === 25).map((r) => seqOf(r.bytes)));
  w.net.advance(5_000);
  const t0 = w.net.now, e0 = w.events.length, up0 = updates(w), reg0 = registers(w);
  w.restart();
  assert.is(count(w, Ev.SLEEP_RESUMED, e0), 1);
  assert.is(count(w, Ev.SLEEP_CID, e0), 1, 'the connection taken back');
  assert.is(w.board.client.dtls[0].state, 2, 'Connected at once');
  w.net.run({ done: () => count(w, Ev.UPDATED, e0) > 0, until: w.net.now + 20_000 });
  assert.is(updates(w), up0 + 1, 'an Update');
  assert.is(registers(w), reg0, 'no Register');
  const sent = out(w, t0);
  assert.is(sent.length, 1, 'one datagram out');
  assert.is(sent[0].bytes[0], 25, 'a tls12_cid record');
  assert.is(w.ports.length, 2, 'from a new port');
  assert.is(w.dtls!.moves, 1, 'the server moved the connection to it');
  assert.ok(seqOf(sent[0].bytes) > lastSeq, 'numbered beyond every record sent before');
  assert.is(seqOf(sent[0].bytes), lastSeq + 1 + 16777216, 'the bound: one past the last, plus the skip');
  const back = w.net.wire.filter((r) => r.to === 'client' && r.t >= t0 && !r.dropped);
  assert.is(back.length, 1, 'one datagram in');
  assert.is(w.fullHandshakes, 1, 'one full handshake in all (the first)');
  assert.is(w.abbreviatedHandshakes, 0, 'no resumption');
  assert.is(w.dtls!.handshakes, 1, 'the server saw one handshake');
  console.log(`  (cid restart: state ${sizeSaved} bytes; Update ${sent[0].bytes.length} bytes out, its answer ${back[0].bytes.length} bytes in)`);
  // The observation carries on over the same connection: a change is notified, one record.
  const n0 = w.server.notifications.length, t1 = w.net.now;
  w.board.temperature.set(40);
  w.net.run({ done: () => w.server.notifications.length > n0, until: w.net.now + 10_000 });
  assert.is(w.server.notifications.at(-1)!.token, w.server.notifications[0].token);
  assert.is(out(w, t1).filter((r) => r.bytes[0] === 22).length, 0, 'no handshake');
  // And it goes offline again, written again with the connection.
  offline(w);
  assert.is(count(w, Ev.SLEEP_SAVED, e0), 1);
});

test('"cid" restart twice without going offline in between (a crash): no write sequence number is used twice', () => {
  const w = cidWorld();
  w.register();
  w.observe();
  offline(w);
  w.net.advance(5_000);
  const e0 = w.events.length;
  w.restart();
  w.net.run({ done: () => count(w, Ev.UPDATED, e0) > 0, until: w.net.now + 20_000 });
  // Awake (not offline yet): a few more records in the session.
  for (let k = 0; k < 3; k++) {
    const n0 = w.server.notifications.length;
    w.board.temperature.set(30 + k);
    w.net.run({ done: () => w.server.notifications.length > n0, until: w.net.now + 10_000 });
    assert.ok(w.server.notifications.length > n0);
  }
  assert.not.ok(w.board.client.offline);
  const before = w.net.wire.filter((r) => r.from === 'client' && r.bytes[0] === 25).map((r) => seqOf(r.bytes));
  // Stopped again, before it went offline: the state is the one taken back, its bound moved on.
  const t1 = w.net.now, e1 = w.events.length;
  w.restart();
  assert.is(count(w, Ev.SLEEP_CID, e1), 1);
  w.net.run({ done: () => count(w, Ev.UPDATED, e1) > 0, until: w.net.now + 20_000 });
  const after = out(w, t1).filter((r) => r.bytes[0] === 25).map((r) => seqOf(r.bytes));
  assert.ok(after.length >= 1);
  assert.ok(Math.min(...after) > Math.max(...before), `after ${after} > before ${before}`);
  assert.is(new Set([...before, ...after]).size, before.length + after.length, 'all distinct');
  assert.is(w.fullHandshakes, 1);
  assert.is(w.abbreviatedHandshakes, 0);
});

test('"cid" restart, the server dropped the connection but knows the session: the Update times out, then an abbreviated handshake (no full one)', () => {
  const w = cidWorld();
  w.register();
  offline(w);
  w.dtls!.forgetConnections();
  const t0 = w.net.now;
  w.restart();
  w.net.run({ done: () => w.abbreviatedHandshakes > 0 && w.board.client.serverState(0) === Reg.REGISTERED && !w.board.client.offline, until: w.net.now + 400_000, maxSteps: 1_000_000 });
  assert.ok(w.events.some((e) => e.e === Ev.REGISTRATION_FAILED && e.t > t0), 'the CID record unanswered: the Update timed out');
  assert.is(w.abbreviatedHandshakes, 1, 'resumed');
  assert.is(w.fullHandshakes, 1, 'no second full handshake');
  assert.is(w.dtls!.resumptions, 1);
  assert.is(w.board.client.serverState(0), Reg.REGISTERED);
});

test('"cid" restart, the server restarted (knows neither the connection nor the session): the Update times out, the resumption is refused, a full handshake', () => {
  const w = cidWorld();
  w.register();
  offline(w);
  w.dtls!.forgetAll();
  const t0 = w.net.now;
  w.restart();
  w.net.run({ done: () => w.fullHandshakes > 1 && w.board.client.serverState(0) === Reg.REGISTERED, until: w.net.now + 400_000, maxSteps: 1_000_000 });
  assert.ok(w.events.some((e) => e.e === Ev.REGISTRATION_FAILED && e.t > t0), 'the Update timed out');
  assert.is(w.fullHandshakes, 2, 'a second full handshake');
  assert.is(w.abbreviatedHandshakes, 0);
  assert.is(w.dtls!.resumptions, 0);
  // A ClientHello that offered the session (a session id) went out before it.
  const hellos = out(w, t0).filter((r) => r.bytes[0] === 22 && r.bytes[13] === 1);
  assert.ok(hellos.length >= 1);
  const h = Buffer.from(hellos[0].bytes), sidLen = h[13 + 12 + 2 + 32];
  assert.ok(sidLen > 0, 'the first ClientHello offered the session');
  assert.is(w.board.client.serverState(0), Reg.REGISTERED);
  assert.is(w.board.client.dtls[0].peerCidLen, 6, 'a new CID');
});

test('"cid" restart, the server refuses the record with a fatal alert: no waiting for a timeout, a full handshake (the failed session is not resumed)', () => {
  const w = cidWorld();
  w.register();
  offline(w);
  w.dtls!.refuseCid = true;
  const t0 = w.net.now;
  w.restart();
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTRATION_FAILED && e.t >= t0), until: w.net.now + 60_000 });
  const failedAt = w.events.find((e) => e.e === Ev.REGISTRATION_FAILED && e.t >= t0)!.t;
  assert.ok(failedAt - t0 < 1_000, `the Update failed at once (${failedAt - t0} ms), not after the exchange timeout`);
  w.dtls!.refuseCid = false; // (a new connection is accepted)
  w.net.run({ done: () => w.fullHandshakes > 1, until: w.net.now + 200_000, maxSteps: 1_000_000 });
  assert.is(w.fullHandshakes, 2, 'a full handshake (after the Communication Retry Timer)');
  w.net.run({ done: () => w.board.client.serverState(0) === Reg.REGISTERED && count(w, Ev.UPDATED) + count(w, Ev.REGISTERED) > 1, until: w.net.now + 300_000, maxSteps: 1_000_000 });
  assert.is(w.abbreviatedHandshakes, 0);
  assert.is(w.board.client.serverState(0), Reg.REGISTERED);
  const hellos = out(w, t0).filter((r) => r.bytes[0] === 22 && r.bytes[13] === 1);
  assert.is(Buffer.from(hellos[0].bytes)[13 + 12 + 2 + 32], 0, 'no session offered');
});

test('"resume" persists no connection: the restart resumes the session', () => {
  const w = queueWorld({ secure: true, queueDtls: 'resume', persist: true, pmax: 3000 });
  w.register();
  offline(w);
  const e0 = w.events.length;
  w.restart();
  assert.is(count(w, Ev.SLEEP_CID, e0), 0);
  w.net.run({ done: () => count(w, Ev.UPDATED, e0) > 0, until: w.net.now + 20_000 });
  assert.is(w.abbreviatedHandshakes, 1);
});

test.run();
