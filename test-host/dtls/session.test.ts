// The DTLS client against the in-process server on a virtual clock: clean and lossy handshakes,
// fragmentation both ways, replay and tampering, resumption, alerts, timers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CipherSuite, DtlsError, DtlsResult, DtlsSession, DtlsState, DtlsWorkspace } from '../../src/dtls/session.js';
import { TestDtlsServer, type ServerOptions } from './server.js';
import { Sim, seededRandom, xorshift } from './sim.js';

const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const ID = Buffer.from('urn:imei:490154203237518');

function setup(opts: Partial<ServerOptions> = {}, chan: ConstructorParameters<typeof Sim>[2] = {}, maxDatagram = 1152, seed = 7) {
  const client = new DtlsSession(maxDatagram, seededRandom(seed));
  const server = new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: 'CoAP', cookie: true, ...opts });
  const sim = new Sim(client, server, chan);
  return { client, server, sim };
}

function startAndRun(client: DtlsSession, sim: Sim, resume = false, id = ID, psk: Uint8Array = PSK): boolean {
  client.start(id, id.length, psk, psk.length, sim.now, resume);
  return sim.run(() => client.state !== DtlsState.Handshaking);
}

const out = new Uint8Array(2048);

function echo(client: DtlsSession, sim: Sim, text: string): string {
  const msg = Buffer.from(text);
  const before = sim.app.length;
  for (let i = 0; i < 20 && sim.app.length === before; i++) {
    const n = client.seal(msg, 0, msg.length, out, 0);
    assert.ok(n > 0);
    sim.server.receive(out.subarray(0, n), sim.now);
    for (const d of sim.server.transmit()) sim.deliverToClient(d);
  }
  return sim.app.length > before ? sim.app[sim.app.length - 1].toString() : '';
}

test('full handshake with HelloVerifyRequest and hint "CoAP"; data both ways', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  assert.is(client.state, DtlsState.Connected);
  assert.is(client.cipherSuite, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
  assert.is(Buffer.from(client.pskHint.subarray(0, client.pskHintLen)).toString(), 'CoAP');
  assert.is(server.state, 'connected');
  assert.is(echo(client, sim, 'ping'), 'ping');
  assert.is(server.appReceived[0].toString(), 'ping');
  // ClientHello, ClientHello+cookie, CKE+CCS+Finished in one datagram: 3 datagrams out; HVR, flight 4, flight 6 in.
  assert.is(client.hsSentDatagrams, 3);
  assert.is(client.hsRecvDatagrams, 3);
  assert.is(client.droppedAuth + client.droppedReplay + client.droppedMalformed, 0);
});

test('server without hint and without cookie exchange', () => {
  const { client, sim } = setup({ hint: null, cookie: false });
  assert.ok(startAndRun(client, sim));
  assert.is(client.state, DtlsState.Connected);
  assert.is(client.pskHintLen, -1);
  assert.is(client.hsSentDatagrams, 2);
});

test('handshake completes under 30% loss, reordering and duplication (20 seeds)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { client, server, sim } = setup({ recordPerDatagram: true }, { loss: 0.3, maxDelay: 400, dup: 0.1, seed }, 1152, seed);
    client.maxRetransmissions = 10;
    assert.ok(startAndRun(client, sim), `seed ${seed}`);
    assert.is(client.state, DtlsState.Connected, `seed ${seed}: error ${client.error}`);
    // The server may still wait for a repeat of our Finished flight: let the channel settle.
    sim.run(() => server.state === 'connected');
    assert.is(server.state, 'connected', `seed ${seed} server`);
    assert.is(client.droppedAuth, 0);
  }
});

test('a large, fragmented server flight arriving shuffled with duplicates is reassembled', () => {
  const hint = 'h'.repeat(100);
  const r = xorshift(99);
  const { client, sim } = setup({ fragment: 16, serverHelloPadding: 300, hint, recordPerDatagram: true, shuffle: (n) => Math.floor(r() * n) });
  assert.ok(startAndRun(client, sim));
  assert.is(client.state, DtlsState.Connected, `error ${client.error}`);
  assert.is(client.pskHintLen, 100);
  assert.is(Buffer.from(client.pskHint.subarray(0, 100)).toString(), hint);
  assert.ok(client.hsRecvDatagrams > 25, `${client.hsRecvDatagrams} datagrams`);
  assert.is(echo(client, sim, 'after fragments'), 'after fragments');
});

test('a server flight larger than the reassembly buffer, shuffled, still completes through retransmissions', () => {
  const hint = 'h'.repeat(128);
  for (let seed = 1; seed <= 5; seed++) {
    const r = xorshift(seed);
    // ServerHello 70 + 2 + 404 + 5 = 481 bytes, ServerKeyExchange 130: 611 > 512.
    const { client, sim } = setup({ fragment: 64, serverHelloPadding: 400, hint, recordPerDatagram: true, shuffle: (n) => Math.floor(r() * n) });
    client.maxRetransmissions = 10;
    assert.ok(startAndRun(client, sim));
    assert.is(client.state, DtlsState.Connected, `seed ${seed}: error ${client.error}`);
    assert.is(Buffer.from(client.pskHint.subarray(0, client.pskHintLen)).toString(), hint);
  }
});

test('a server message longer than the reassembly buffer fails the handshake with an internal_error alert', () => {
  for (const fragment of [0, 100]) {
    const { client, sim } = setup({ serverHelloPadding: 600, fragment, cookie: false });
    assert.ok(startAndRun(client, sim));
    assert.is(client.state, DtlsState.Failed, `fragment ${fragment}`);
    assert.is(client.error, DtlsError.BadHandshake);
    const last = sim.clientSent[sim.clientSent.length - 1];
    assert.is(Buffer.from(last).toString('hex').slice(-4), '0250', 'fatal internal_error');
  }
});

test('a small maxDatagram fragments our ClientHello (long identity, cookie) and it still completes', () => {
  const id = Buffer.alloc(128, 0x41);
  const client = new DtlsSession(128, seededRandom(3));
  const server = new TestDtlsServer({ psk: new Map([[id.toString(), PSK]]), hint: 'CoAP', cookie: true });
  const sim = new Sim(client, server);
  assert.ok(startAndRun(client, sim, false, id));
  assert.is(client.state, DtlsState.Connected, `error ${client.error}`);
  assert.ok(client.hsSentDatagrams > 3);
});

test('replayed records are dropped and counted; old ones beyond the 64-record window too', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  const recs: Buffer[] = [];
  for (let i = 0; i < 70; i++) recs.push(server.appRecord(Buffer.from('m' + i)));
  assert.is(sim.deliverToClient(recs[0]), 2);
  assert.is(sim.deliverToClient(recs[0]), DtlsResult.Dropped);
  assert.is(client.droppedReplay, 1);
  assert.is(sim.deliverToClient(recs[69]), 3);
  // recs[i] has sequence i + 1 (the server's Finished was 0): recs[5] is 64 behind recs[69].
  assert.is(sim.deliverToClient(recs[5]), DtlsResult.Dropped, 'outside the window');
  assert.is(client.droppedReplay, 2);
  assert.is(sim.app.length, 2);
});

test('anti-replay window edge: 63 behind is accepted once, 64 behind is dropped', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  const recs: Buffer[] = [];
  for (let i = 0; i < 80; i++) recs.push(server.appRecord(Buffer.from('m' + i)));
  // The server's epoch-1 Finished was sequence 0, so app record i has sequence i + 1.
  assert.ok(sim.deliverToClient(recs[70]) > 0);
  const before = client.droppedReplay;
  assert.ok(sim.deliverToClient(recs[7]) > 0, 'seq 8 = 71 - 63 accepted');
  assert.is(sim.deliverToClient(recs[7]), DtlsResult.Dropped, 'duplicate');
  assert.is(sim.deliverToClient(recs[6]), DtlsResult.Dropped, 'seq 7 = 71 - 64: too old');
  assert.is(client.droppedReplay, before + 2);
  assert.ok(sim.deliverToClient(recs[69]) > 0, 'reordered inside the window');
});

test('tampered and malformed records are dropped and counted', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  const good = server.appRecord(Buffer.from('hello'));
  for (const at of [13, 21, good.length - 1, 5]) { // explicit nonce, ciphertext, tag, header sequence
    const bad = Buffer.from(good); bad[at] ^= 0x10;
    assert.is(sim.deliverToClient(bad), DtlsResult.Dropped);
  }
  assert.is(client.droppedAuth, 4);
  assert.is(sim.deliverToClient(good.subarray(0, 10)), DtlsResult.Dropped);
  assert.is(sim.deliverToClient(good.subarray(0, good.length - 3)), DtlsResult.Dropped);
  assert.is(client.droppedMalformed, 2);
  assert.is(sim.deliverToClient(good), 5, 'the untampered record still opens');
  assert.is(client.state, DtlsState.Connected);
});

test('session resumption: abbreviated handshake, then fallback to full when the server forgot', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  const fullSent = client.hsSentBytes + client.hsRecvBytes;
  assert.ok(client.resumable);
  client.reset(true);
  assert.is(client.state, DtlsState.Idle);
  const server2 = new TestDtlsServer({ ...server.opt });
  server2.sessions = server.sessions;
  const sim2 = new Sim(client, server2);
  assert.ok(startAndRun(client, sim2, true));
  assert.is(client.state, DtlsState.Connected);
  assert.ok(client.resumed);
  assert.ok(server2.resumedLast);
  assert.ok(client.hsSentBytes + client.hsRecvBytes < fullSent);
  sim2.run(() => server2.state === 'connected');
  assert.is(server2.state, 'connected');
  assert.is(echo(client, sim2, 'resumed'), 'resumed');
  // Fallback.
  client.reset(true);
  const server3 = new TestDtlsServer({ ...server.opt });
  const sim3 = new Sim(client, server3);
  assert.ok(startAndRun(client, sim3, true));
  assert.is(client.state, DtlsState.Connected);
  assert.not.ok(client.resumed);
  assert.is(echo(client, sim3, 'full again'), 'full again');
  // reset(false) forgets.
  client.reset(false);
  assert.not.ok(client.resumable);
});

test('a resumed session whose server Finished fails is not offered again', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  client.reset(true);
  const bad = new TestDtlsServer({ ...server.opt, corruptFinished: true });
  bad.sessions = server.sessions;
  const sim2 = new Sim(client, bad);
  startAndRun(client, sim2, true);
  assert.is(client.state, DtlsState.Failed);
  assert.is(client.error, DtlsError.BadFinished);
  assert.not.ok(client.resumable);
});

test('resumption under loss: lost final flights are repeated (seeded)', () => {
  for (let seed = 1; seed <= 10; seed++) {
    const { client, server, sim } = setup({}, {}, 1152, seed);
    assert.ok(startAndRun(client, sim));
    client.reset(true);
    const s2 = new TestDtlsServer({ ...server.opt, recordPerDatagram: true });
    s2.sessions = server.sessions;
    const sim2 = new Sim(client, s2, { loss: 0.3, maxDelay: 300, seed });
    client.maxRetransmissions = 10;
    assert.ok(startAndRun(client, sim2, true), `seed ${seed}`);
    assert.is(client.state, DtlsState.Connected, `seed ${seed} error ${client.error}`);
    assert.ok(client.resumed);
    sim2.run(() => s2.state === 'connected');
    assert.is(s2.state, 'connected', `seed ${seed}`);
  }
});

test('a fatal alert from the server fails the session with its code', () => {
  const { client, sim } = setup({ alertOnClientKeyExchange: 115 });
  assert.ok(startAndRun(client, sim));
  assert.is(client.state, DtlsState.Failed);
  assert.is(client.error, DtlsError.AlertUnknownPskIdentity);
});

test('a wrong key: the server silently drops our Finished → FinishedTimeout', () => {
  const { client, sim } = setup();
  const wrong = Buffer.from(PSK); wrong[3] ^= 1;
  assert.ok(startAndRun(client, sim, false, ID, wrong));
  assert.is(client.state, DtlsState.Failed);
  assert.is(client.error, DtlsError.FinishedTimeout);
});

test('a server Finished that does not verify → BadFinished and an encrypted decrypt_error alert', () => {
  const { client, sim } = setup({ corruptFinished: true });
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  sim.run(() => client.state !== DtlsState.Handshaking);
  assert.is(client.state, DtlsState.Failed);
  assert.is(client.error, DtlsError.BadFinished);
  const last = sim.clientSent[sim.clientSent.length - 1];
  assert.is(last[0], 21, 'alert');
  assert.is(last.readUInt16BE(3), 1, 'at epoch 1 (after our ChangeCipherSpec)');
  assert.is(last.length, 13 + 8 + 2 + 8, 'CCM_8 protected');
  assert.is(client.transmit(out, 0), 0);
});

test('a ServerHello with a suite we did not offer → BadServerHello and a handshake_failure alert', () => {
  const { client, server } = setup({ suite: 0x00ae, cookie: false });
  client.offerSuites = 1; // CCM_8 only
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  const n = client.transmit(out, 0);
  server.receive(out.subarray(0, n), 0);
  for (const d of server.transmit()) client.receive(d, 0, d.length, 0, out, 0);
  assert.is(client.state, DtlsState.Failed);
  assert.is(client.error, DtlsError.BadServerHello);
  const a = client.transmit(out, 0);
  assert.is(Buffer.from(out.subarray(0, a)).toString('hex'), '15fefd000000000000000100020228');
});

test('close_notify both ways', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  client.close();
  assert.is(client.state, DtlsState.Closed);
  const n = client.transmit(out, 0);
  assert.ok(n > 0);
  server.receive(out.subarray(0, n), sim.now);
  assert.ok(server.closeNotified);
  assert.is(client.seal(out, 0, 1, out, 100), DtlsResult.NotConnected);
  // Server-initiated close.
  const b = setup();
  assert.ok(startAndRun(b.client, b.sim));
  b.server.sendAlert(1, 0);
  for (const d of b.server.transmit()) b.sim.deliverToClient(d);
  assert.is(b.client.state, DtlsState.Closed);
  assert.is(b.client.error, DtlsError.None);
});

test('retransmission timer: 1 s doubling to 60 s, then Timeout (RFC 6347 §4.2.4.1)', () => {
  const client = new DtlsSession(1152, seededRandom(1));
  client.maxRetransmissions = 8;
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  const first = Buffer.from(out.subarray(0, client.transmit(out, 0)));
  assert.is(client.transmit(out, 0), 0);
  const deadlines: number[] = [];
  let now = 0, sent = 1;
  for (;;) {
    const d = client.poll(now);
    if (d === Infinity) break;
    deadlines.push(d - now);
    now = d;
    client.poll(now);
    const n = client.transmit(out, 0);
    if (n > 0) {
      sent++;
      // A retransmission repeats the message with a new record sequence number (RFC 6347 §4.2.4).
      assert.is(Buffer.from(out.subarray(13, n)).toString('hex'), first.subarray(13).toString('hex'));
      assert.is.not(Buffer.from(out.subarray(0, 13)).toString('hex'), first.subarray(0, 13).toString('hex'));
    }
  }
  assert.equal(deadlines, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  assert.is(sent, 9);
  assert.is(client.state, DtlsState.Failed);
  assert.is(client.error, DtlsError.Timeout);
});

test('misuse throws at the API edge; seal before Connected is refused', () => {
  assert.throws(() => new DtlsSession(64, seededRandom(1)));
  const c = new DtlsSession(1152, seededRandom(1));
  assert.throws(() => c.start(ID, 200, PSK, 16, 0, false));
  assert.is(c.seal(out, 0, 4, out, 100), DtlsResult.NotConnected);
  assert.is(c.transmit(out, 0), 0);
  assert.is(c.poll(0), Infinity);
});

test('receive() can decrypt in place (out = the datagram buffer, offset 0); seal() refuses what does not fit', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  const rec = server.appRecord(Buffer.from('in place please'));
  const buf = new Uint8Array(rec);
  assert.is(client.receive(buf, 0, buf.length, sim.now, buf, 0), 15);
  assert.is(Buffer.from(buf.subarray(0, 15)).toString(), 'in place please');
  const big = new Uint8Array(1152 - 29 + 1);
  assert.is(client.seal(big, 0, big.length, new Uint8Array(2048), 0), DtlsResult.TooLarge, 'over maxDatagram');
  assert.is(client.seal(big, 0, 1152 - 29, new Uint8Array(2048), 0), 1152, 'exactly maxDatagram');
  assert.is(client.seal(big, 0, 10, new Uint8Array(30), 0), DtlsResult.TooLarge, 'over the out buffer');
});

test('one datagram with two application records delivers the first and counts the second', () => {
  const { client, server, sim } = setup();
  assert.ok(startAndRun(client, sim));
  const d = Buffer.concat([server.appRecord(Buffer.from('first')), server.appRecord(Buffer.from('second'))]);
  assert.is(sim.deliverToClient(d), 5);
  assert.is(sim.app.at(-1)!.toString(), 'first');
  assert.is(client.droppedExtra, 1);
  assert.is(client.droppedMalformed + client.droppedAuth + client.droppedReplay, 0);
});

test('receive() before start() or after close is dropped; poll() is idle once Connected', () => {
  const c = new DtlsSession(1152, seededRandom(1));
  assert.is(c.receive(new Uint8Array(20), 0, 20, 0, out, 0), DtlsResult.Dropped);
  const { client, sim } = setup();
  assert.ok(startAndRun(client, sim));
  assert.is(client.poll(1e9), Infinity);
  client.close();
  assert.is(client.receive(new Uint8Array(20), 0, 20, 0, out, 0), DtlsResult.Dropped);
});

test('RFC 9146 connection ID: offered, granted, carried by every epoch-1 record we send', () => {
  const cid = Buffer.from('c1d2e3f4', 'hex');
  const { client, server, sim } = setup({ cid });
  client.offerConnectionId = true;
  assert.ok(startAndRun(client, sim));
  assert.is(client.state, DtlsState.Connected, `error ${client.error}`);
  assert.is(client.peerCidLen, 4);
  assert.is(server.cidRecords, 1, 'our Finished came as a tls12_cid record');
  const msg = Buffer.from('with cid');
  const n = client.seal(msg, 0, msg.length, out, 0);
  const rec = Buffer.from(out.subarray(0, n));
  assert.is(rec[0], 25, 'tls12_cid');
  assert.is(rec.subarray(11, 15).toString('hex'), 'c1d2e3f4');
  assert.is(rec.readUInt16BE(15), n - 17);
  assert.is(n, 13 + 4 + 8 + msg.length + 1 + 8, 'header + CID + explicit nonce + inner plaintext (content + type) + tag');
  server.receive(rec, sim.now);
  assert.is(server.appReceived.at(-1)!.toString(), 'with cid');
  for (const d of server.transmit()) sim.deliverToClient(d);
  assert.is(sim.app.at(-1)!.toString(), 'with cid', 'the server answers with plain records (our CID is empty)');
  // The CID is authenticated: change it in a copy and the server cannot open it.
  const before = server.appReceived.length;
  const bad = Buffer.from(rec); bad[14] ^= 1;
  server.cidIn = bad.subarray(11, 15);
  server.receive(bad, sim.now);
  assert.is(server.appReceived.length, before);
});

test('connection ID: not offered → not used; offered but the server has none → plain records', () => {
  const a = setup({ cid: Buffer.from('01', 'hex') });
  assert.ok(startAndRun(a.client, a.sim));
  assert.is(a.client.peerCidLen, 0);
  assert.is(a.server.cidIn, null);
  const b = setup({});
  b.client.offerConnectionId = true;
  assert.ok(startAndRun(b.client, b.sim));
  assert.is(b.client.state, DtlsState.Connected);
  assert.is(b.client.peerCidLen, 0);
  assert.is(echo(b.client, b.sim, 'plain'), 'plain');
});

// ---------------------------------------------------------------- a workspace shared by two sessions

function sharedPair(seedA = 11, seedB = 12) {
  const ws = new DtlsWorkspace(1152);
  const a = new DtlsSession(1152, seededRandom(seedA), undefined, undefined, ws);
  const b = new DtlsSession(1152, seededRandom(seedB), undefined, undefined, ws);
  const opt = { psk: new Map([[ID.toString(), PSK]]), hint: 'CoAP', cookie: true };
  const sa = new TestDtlsServer(opt), sb = new TestDtlsServer({ ...opt, hint: 'other' });
  return { ws, a, b, sa, sb, simA: new Sim(a, sa), simB: new Sim(b, sb) };
}

test('two sessions sharing one workspace: the second waits (Idle) while the first handshakes, then both connect', () => {
  const { ws, a, b, sa, sb, simA, simB } = sharedPair();
  assert.is(a.workspace, ws);
  assert.is(b.workspace, ws);
  a.start(ID, ID.length, PSK, PSK.length, 0, true);
  assert.is(a.state, DtlsState.Handshaking);
  assert.ok(ws.busy);
  // b cannot start: it stays Idle, sends nothing, and poll() wakes it at a's retransmission deadline.
  b.start(ID, ID.length, PSK, PSK.length, 0, true);
  assert.is(b.state, DtlsState.Idle);
  assert.ok(b.waitingForWorkspace);
  assert.is(b.transmit(out, 0), 0);
  assert.is(b.poll(0), 1000);
  assert.is(b.receive(out, 0, 20, 0, out, 100), DtlsResult.Dropped);
  assert.ok(simA.run(() => a.state !== DtlsState.Handshaking));
  assert.is(a.state, DtlsState.Connected);
  assert.not.ok(ws.busy, 'released when connected');
  assert.is(b.poll(simA.now), Infinity);
  // Now b gets it (the caller simply calls start() again).
  b.start(ID, ID.length, PSK, PSK.length, simB.now, true);
  assert.is(b.state, DtlsState.Handshaking);
  assert.not.ok(b.waitingForWorkspace);
  // a keeps working (decrypt and seal use the shared scratch) while b holds the workspace.
  assert.is(echo(a, simA, 'a during b'), 'a during b');
  a.start(ID, ID.length, PSK, PSK.length, simA.now, true); // a re-handshake must wait for b now
  assert.is(a.state, DtlsState.Connected, 'start() on a busy workspace leaves the session as it was');
  assert.ok(a.waitingForWorkspace);
  assert.ok(simB.run(() => b.state !== DtlsState.Handshaking));
  assert.is(b.state, DtlsState.Connected);
  assert.is(Buffer.from(b.pskHint.subarray(0, b.pskHintLen)).toString(), 'other');
  assert.not.ok(ws.busy);
  assert.is(echo(a, simA, 'hello a'), 'hello a');
  assert.is(echo(b, simB, 'hello b'), 'hello b');
  assert.is(sa.appReceived[sa.appReceived.length - 1].toString(), 'hello a');
  assert.is(sb.appReceived[sb.appReceived.length - 1].toString(), 'hello b');
  // Both resume, one after the other, through the same workspace.
  for (const [s, srv, old] of [[a, sa, simA], [b, sb, simB]] as const) {
    assert.ok(s.resumable);
    s.reset(true);
    const again = new TestDtlsServer({ ...srv.opt });
    again.sessions = srv.sessions;
    const sim = new Sim(s, again);
    sim.now = old.now;
    assert.ok(startAndRun(s, sim, true));
    assert.is(s.state, DtlsState.Connected);
    assert.ok(s.resumed);
    assert.is(echo(s, sim, 'resumed'), 'resumed');
  }
});

test('shared workspace: a failed or closed handshake releases it; a session still answers a repeated server flight after release', () => {
  // a fails (wrong key → FinishedTimeout) while b waits; then b connects.
  const { ws, a, b, simA, simB } = sharedPair(21, 22);
  const wrong = Buffer.from(PSK); wrong[0] ^= 1;
  a.start(ID, ID.length, wrong, wrong.length, 0, false);
  b.start(ID, ID.length, PSK, PSK.length, 0, false);
  assert.is(b.state, DtlsState.Idle);
  simA.run(() => a.state !== DtlsState.Handshaking);
  assert.is(a.state, DtlsState.Failed);
  assert.not.ok(ws.busy);
  assert.ok(startAndRun(b, simB));
  assert.is(b.state, DtlsState.Connected);
  // close() during a handshake releases it; reset() too.
  a.reset(false);
  a.start(ID, ID.length, PSK, PSK.length, simA.now, false);
  assert.ok(ws.busy);
  a.close();
  assert.not.ok(ws.busy);
  a.reset(false);
  a.start(ID, ID.length, PSK, PSK.length, simA.now, false);
  a.reset(false);
  assert.not.ok(ws.busy);
  // Abbreviated handshake through the shared workspace with our final flight lost: the server repeats
  // its flight after we released the workspace, and we answer from what the session kept.
  const c = sharedPair(31, 32);
  assert.ok(startAndRun(c.a, c.simA));
  c.a.reset(true);
  const s2 = new TestDtlsServer({ ...c.sa.opt });
  s2.sessions = c.sa.sessions;
  const sim2 = new Sim(c.a, s2);
  let dropped = 0;
  c.a.start(ID, ID.length, PSK, PSK.length, 0, true);
  // Hand-drive: ClientHello → server flight (ServerHello, CCS, Finished) → our CCS + Finished, dropped once.
  for (let round = 0; round < 50 && s2.state !== 'connected'; round++) {
    let n;
    while ((n = c.a.transmit(out, 0)) > 0) {
      if (c.a.state === DtlsState.Connected && dropped === 0) { dropped++; continue; }
      s2.receive(Buffer.from(out.subarray(0, n)), sim2.now);
    }
    if (c.a.state === DtlsState.Connected) {
      assert.ok(c.ws.owner !== c.a, 'a released the workspace');
      // Let b take the workspace meanwhile: a must not need it to retransmit.
      if (c.b.state === DtlsState.Idle) c.b.start(ID, ID.length, PSK, PSK.length, sim2.now, false);
    }
    sim2.now += 1000;
    s2.poll(sim2.now);
    for (const d of s2.transmit()) sim2.deliverToClient(d);
  }
  assert.is(dropped, 1);
  assert.ok(c.a.resumed);
  assert.is(s2.state, 'connected');
  assert.is(echo(c.a, sim2, 'after repeat'), 'after repeat');
  assert.ok(startAndRun(c.b, c.simB));
  assert.is(c.b.state, DtlsState.Connected);
});

test.run();
