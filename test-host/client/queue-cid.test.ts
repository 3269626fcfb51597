// Queue Mode over DTLS with RFC 9146 Connection IDs (queueDtls "cid", src/client/queue.ts) against
// the host server's DTLS layer (host/server.ts DtlsPskLayer: grants CIDs, finds a tls12_cid record's
// session by its CID and moves the session to the record's address, RFC 9146 §6), on the simulated
// network with the client's port changing at every wake. Against Californium's Scandium:
// scandium-cid.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queueWorld } from './queue-world.js';
import { Ev } from '../../src/client/events.js';
import { Reg } from '../../src/client/client.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';

function sleepOnce(w: ReturnType<typeof queueWorld>): number {
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 300_000 });
  assert.ok(w.board.client.offline, 'offline');
  return w.events.filter((e) => e.e === Ev.OFFLINE).at(-1)!.a;
}

/** Client datagrams sent after t whose first record is a handshake (content type 22). */
function handshakeDatagrams(w: ReturnType<typeof queueWorld>, t: number): number {
  return w.net.wire.filter((r) => r.from === 'client' && r.t > t && r.bytes[0] === 22).length;
}

test('"cid", a server that grants one: kept across the sleep, the Update after the wake goes from a new port with no handshake and is accepted', () => {
  const w = queueWorld({ secure: true, queueDtls: 'cid', newPortAtWake: true, lifetime: 300 });
  w.register();
  const ch = w.board.client.dtls[0];
  assert.is(ch.peerCidLen, 6, 'the server granted a 6-byte CID');
  const until = sleepOnce(w);
  assert.is(ch.state, 2, 'the session stays up while offline (no close_notify)');
  const offlineAt = w.net.now;
  assert.ok(!w.net.wire.some((r) => r.from === 'client' && r.t >= offlineAt - 1 && r.bytes[0] === 21), 'no alert at going offline');
  const updates0 = w.events.filter((e) => e.e === Ev.UPDATED).length;
  w.net.run({ until: until + 5_000 });
  assert.is(w.events.filter((e) => e.e === Ev.UPDATED).length, updates0 + 1, 'the Update was answered');
  assert.is(w.ports.length, 2, 'one wake, one new port');
  const upd = w.server.requests.filter((r) => r.path.startsWith('/rd/')).at(-1)!;
  assert.ok(upd.t > offlineAt);
  assert.is(handshakeDatagrams(w, offlineAt), 0, 'no handshake');
  // One datagram each way for the Update: a tls12_cid record out (content type 25), the answer in.
  const out = w.net.wire.filter((r) => r.from === 'client' && r.t > offlineAt);
  assert.is(out.length, 1);
  assert.is(out[0].bytes[0], 25);
  assert.is(w.dtls!.moves, 1, 'the server moved the session to the new port');
  assert.is(w.fullHandshakes, 1);
  assert.is(w.abbreviatedHandshakes, 0);
  // And again: a third port.
  const until2 = sleepOnce(w);
  w.net.run({ until: until2 + 5_000 });
  assert.is(w.events.filter((e) => e.e === Ev.UPDATED).length, updates0 + 2);
  assert.is(w.ports.length, 3);
  assert.is(w.dtls!.moves, 2);
  assert.is(w.fullHandshakes, 1);
});

test('"cid", notifications: the pmax notification after each wake goes from a new port with no handshake, one datagram', () => {
  const w = queueWorld({ secure: true, queueDtls: 'cid', newPortAtWake: true, pmax: 300 });
  w.register();
  w.observe();
  for (let k = 0; k < 3; k++) {
    const until = sleepOnce(w);
    const n0 = w.server.notifications.length, t0 = w.net.now;
    w.net.run({ until: until + 5_000 });
    assert.is(w.server.notifications.length, n0 + 1, 'notification ' + k);
    assert.is(w.net.wire.filter((r) => r.from === 'client' && r.t > t0).length, 1, 'one datagram');
  }
  assert.is(w.ports.length, 4);
  assert.is(w.fullHandshakes, 1);
  assert.is(w.abbreviatedHandshakes, 0);
  assert.is(w.events.filter((e) => e.e === Ev.OBSERVE_CANCELLED).length, 0);
});

test('host DTLS layer, RFC 9146 §6: a CID record moves the session only when it authenticates and is newer than any before it', () => {
  const w = queueWorld({ secure: true, queueDtls: 'cid', newPortAtWake: true, lifetime: 300 });
  w.register();
  for (let k = 0; k < 2; k++) { const until = sleepOnce(w); w.net.run({ until: until + 5_000 }); }
  assert.is(w.dtls!.moves, 2);
  const cidOut = w.net.wire.filter((r) => r.from === 'client' && r.bytes[0] === 25);
  const older = cidOut[0].bytes, newest = cidOut.at(-1)!.bytes;
  const server = new PeerAddress(); parseAddress('127.0.0.1', 5684, server);
  const elsewhere = new PeerAddress(); parseAddress('127.0.0.1', 40000, elsewhere);
  const records0 = w.dtls!.cidRecords;
  // An older record (a replay of the first Update) from elsewhere: it authenticates, but is older.
  w.net.inject(elsewhere, server, older);
  w.net.run({ until: w.net.now + 1000 });
  assert.is(w.dtls!.moves, 2, 'not moved by an older record');
  assert.is(w.dtls!.cidRecords, records0 + 1);
  // The newest record with one bit flipped, and with its sequence number raised: they do not authenticate.
  const bad = Uint8Array.from(newest); bad[bad.length - 1] ^= 1;
  const later = Uint8Array.from(newest); later[10] += 9;
  w.net.inject(elsewhere, server, bad);
  w.net.inject(elsewhere, server, later);
  w.net.run({ until: w.net.now + 1000 });
  assert.is(w.dtls!.moves, 2, 'not moved by a record that does not authenticate');
  assert.is(w.dtls!.cidRecords, records0 + 1);
  // The client still talks from where it is.
  const until = sleepOnce(w);
  w.net.run({ until: until + 5_000 });
  assert.is(w.dtls!.moves, 3);
  assert.is(w.events.filter((e) => e.e === Ev.UPDATED).length, 3);
});

test('"cid", a server that grants none: the session is closed at the sleep and resumed at the wake (from the new port)', () => {
  const w = queueWorld({ secure: true, queueDtls: 'cid', newPortAtWake: true, lifetime: 300, serverCid: 0 });
  w.register();
  assert.is(w.board.client.dtls[0].peerCidLen, 0);
  const until = sleepOnce(w);
  const last = w.net.wire.filter((r) => r.from === 'client').at(-1)!;
  assert.is(last.bytes[0], 21, 'close_notify at going offline');
  const updates0 = w.events.filter((e) => e.e === Ev.UPDATED).length;
  w.net.run({ until: until + 5_000 });
  assert.is(w.events.filter((e) => e.e === Ev.UPDATED).length, updates0 + 1);
  assert.is(w.fullHandshakes, 1);
  assert.is(w.abbreviatedHandshakes, 1);
  assert.is(w.dtls!.resumptions, 1);
  assert.is(w.dtls!.cidRecords, 0);
});

test('"cid", a server that lost the session (restarted: the CID record is dropped): the Update times out, then a full handshake and the client is registered again', () => {
  const w = queueWorld({ secure: true, queueDtls: 'cid', newPortAtWake: true, lifetime: 300 });
  w.register();
  const until = sleepOnce(w);
  w.dtls!.forgetAll();
  const regs0 = w.server.regCount, t0 = w.net.now;
  w.net.run({ until: until + 400_000, maxSteps: 1_000_000 });
  assert.ok(w.events.some((e) => e.e === Ev.REGISTRATION_FAILED && e.t > t0), 'the Update failed (timeout)');
  assert.is(w.fullHandshakes, 2, 'a full handshake after the timeout');
  assert.is(w.abbreviatedHandshakes, 0);
  assert.ok(w.server.regCount > regs0 || w.events.some((e) => e.e === Ev.UPDATED && e.t > t0), 'registered again');
  assert.is(w.board.client.serverState(0), Reg.REGISTERED);
  assert.is(w.board.client.dtls[0].peerCidLen, 6, 'the new session has a CID again');
});

test('"cid" on a plain coap:// server changes nothing; "resume" offers no CID', () => {
  const w = queueWorld({ secure: true, queueDtls: 'resume', lifetime: 300 });
  w.register();
  assert.is(w.board.client.dtls[0].offerConnectionId, false);
  assert.is(w.board.client.dtls[0].peerCidLen, 0);
  const p = queueWorld({ queueDtls: 'cid', newPortAtWake: true, lifetime: 300 });
  p.register();
  const until = sleepOnce(p);
  p.net.run({ until: until + 5_000 });
  assert.is(p.events.filter((e) => e.e === Ev.UPDATED).length, 1);
});

test.run();
