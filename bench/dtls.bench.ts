// DTLS record and handshake benchmark.
//   node --expose-gc build/bench/dtls.bench.js
// 1. Record seal/open throughput: the portable AES-128-CCM_8 (src/crypto) against node:crypto
//    aes-128-ccm (OpenSSL, native) in the same run, as a ratio.
// 2. Datagrams and bytes per full and per abbreviated handshake against the in-process test server.
// 3. Zero GCs over 100,000 seal+open records through a connected DtlsSession, and over 2,000 full
//    handshakes through a DtlsWorkspace shared with a second session that asks for it (and waits).
import { performance } from 'node:perf_hooks';
import { GcCounter, expectNoGc, size, wrong } from './gc.js';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Aes128 } from '../src/crypto/aes.js';
import { AesCcm } from '../src/crypto/ccm.js';
import { DtlsSession, DtlsState, DtlsWorkspace } from '../src/dtls/session.js';
import { TestDtlsServer } from '../test-host/dtls/server.js';
import { Sim, seededRandom } from '../test-host/dtls/sim.js';

const gc = (globalThis as { gc?: () => void }).gc;

function time(fn: () => void, minMs = size(400, 10)): { ops: number; ms: number } {
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) { for (let i = 0; i < 200; i++) fn(); ops += 200; t = performance.now(); }
  return { ops, ms: t - t0 };
}

function recordThroughput(size: number, print: boolean): void {
  const key = randomBytes(16), nonce = randomBytes(12), aad = randomBytes(13);
  const pt = randomBytes(size);
  const aes = new Aes128(); aes.setKey(key, 0);
  const ccm = new AesCcm(aes);
  const buf = new Uint8Array(size + 8), back = new Uint8Array(size);
  const ours = time(() => {
    ccm.seal(nonce, 0, 12, aad, 0, 13, pt, 0, size, buf, 0, 8);
    if (ccm.open(nonce, 0, 12, aad, 0, 13, buf, 0, size + 8, back, 0, 8) !== size) throw new Error('open');
  });
  const node = time(() => {
    const c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
    c.setAAD(aad, { plaintextLength: size });
    const ct = c.update(pt); c.final();
    const tag = c.getAuthTag();
    const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
    d.setAuthTag(tag);
    d.setAAD(aad, { plaintextLength: size });
    d.update(ct); d.final();
  });
  // the same record both ways: ours opens what node:crypto sealed (the results are right, not only fast)
  {
    const c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
    c.setAAD(aad, { plaintextLength: size });
    const sealed = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
    ccm.seal(nonce, 0, 12, aad, 0, 13, pt, 0, size, buf, 0, 8);
    if (!Buffer.from(buf).equals(sealed)) wrong(`AES-128-CCM_8 of ${size} B: our record differs from node:crypto's`);
    if (ccm.open(nonce, 0, 12, aad, 0, 13, sealed, 0, sealed.length, back, 0, 8) !== size || !Buffer.from(back).equals(pt)) wrong(`AES-128-CCM_8 of ${size} B: ours does not open node:crypto's record`);
  }
  if (!print) return; // warm-up pass
  const oursRate = ours.ops / (ours.ms / 1000), nodeRate = node.ops / (node.ms / 1000);
  console.log(`  ${String(size).padStart(4)} B payload: portable ${oursRate.toFixed(0).padStart(7)} seal+open/s (${(oursRate * size * 2 / 1e6).toFixed(2)} MB/s)` +
    `   node:crypto ${nodeRate.toFixed(0).padStart(7)} /s (${(nodeRate * size * 2 / 1e6).toFixed(2)} MB/s)   ratio portable/node ${(oursRate / nodeRate).toFixed(2)}`);
}

const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const ID = Buffer.from('urn:imei:490154203237518');

function handshakeFigures(): { client: DtlsSession; server: TestDtlsServer; sim: Sim } {
  const client = new DtlsSession(1152, seededRandom(1));
  const server = new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: 'CoAP', cookie: true });
  let sim = new Sim(client, server);
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  sim.run(() => client.state === DtlsState.Connected);
  const line = (name: string, s: Sim) =>
    console.log(`  ${name}: client→server ${s.toServer} datagrams / ${s.bytesToServer} B, server→client ${s.toClient} datagrams / ${s.bytesToClient} B` +
      `, total ${s.toServer + s.toClient} datagrams / ${s.bytesToServer + s.bytesToClient} B`);
  line('full handshake (with HelloVerifyRequest, hint "CoAP")', sim);
  client.reset(true);
  const server2 = new TestDtlsServer({ ...server.opt });
  server2.sessions = server.sessions;
  sim = new Sim(client, server2);
  client.start(ID, ID.length, PSK, PSK.length, 0, true);
  sim.run(() => client.state === DtlsState.Connected && server2.state === 'connected');
  if (!client.resumed) throw new Error('not resumed');
  line('abbreviated handshake (resumption, with HelloVerifyRequest)', sim);
  return { client, server: server2, sim };
}

async function zeroGc(): Promise<void> {
  const { client, server } = handshakeFigures();
  const N = size(100_000, 2_000);
  const app = Buffer.alloc(64, 0x42);
  // Server records, made before measuring (node:crypto allocates; our side must not).
  const W = size(1000, 200);
  const recs: Buffer[] = [];
  for (let i = 0; i < N + W; i++) recs.push(server.appRecord(app));
  const out = new Uint8Array(1152), plain = new Uint8Array(1152);
  for (let i = 0; i < W; i++) { // warm-up
    client.seal(app, 0, app.length, out, 0);
    client.receive(recs[i], 0, recs[i].length, 0, plain, 0);
  }
  const gcs = new GcCounter();
  await gcs.start();
  const t0 = performance.now();
  let bad = 0;
  for (let i = W; i < N + W; i++) {
    if (client.seal(app, 0, app.length, out, 0) <= 0) bad++;
    const r = recs[i];
    if (client.receive(r, 0, r.length, 0, plain, 0) !== 64) bad++;
  }
  const ms = performance.now() - t0;
  const n = await gcs.stop();
  console.log(`Zero-GC: ${N} seal + ${N} open (64 B CoAP-sized records) through a connected DtlsSession in ${ms.toFixed(0)} ms ` +
    `(${(2 * N / (ms / 1000)).toFixed(0)} records/s): ${n} GCs, ${bad} failures` + (gc ? '' : '  (run with --expose-gc)'));
  if (bad !== 0) wrong(`${bad} records not sealed or not opened`);
  expectNoGc(n);
}

/**
 * The handshake path allocates nothing either: record the server's datagrams of one full handshake
 * (client and server seeded), then replay them to the same client, reseeded, many times.
 */
async function handshakeZeroGc(): Promise<void> {
  let state = 1;
  const rnd = (b: Uint8Array, o: number, l: number): void => {
    for (let i = 0; i < l; i++) { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; b[o + i] = state & 255; }
  };
  let sstate = 7;
  const srnd = (n: number): Buffer => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) { sstate = (sstate * 1103515245 + 12345) >>> 0; b[i] = sstate >>> 24; } return b; };
  const ws = new DtlsWorkspace(1152);
  const client = new DtlsSession(1152, rnd, undefined, undefined, ws);
  /** Shares the workspace: its start() during the client's handshake must wait (and allocate nothing). */
  const waiter = new DtlsSession(1152, rnd, undefined, undefined, ws);
  const server = new TestDtlsServer({ psk: new Map([[ID.toString(), PSK]]), hint: 'CoAP', cookie: true, random: srnd, resumption: false });
  const out = new Uint8Array(1152), app = new Uint8Array(1152);
  const recorded: Buffer[] = [];
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  for (let step = 0; step < 20 && client.state === DtlsState.Handshaking; step++) {
    let n;
    while ((n = client.transmit(out, 0)) > 0) server.receive(out.subarray(0, n), 0);
    for (const d of server.transmit()) { recorded.push(d); client.receive(d, 0, d.length, 0, app, 0); }
  }
  if (client.state !== DtlsState.Connected) throw new Error('recording handshake failed');
  const once = (): boolean => {
    state = 1;
    client.reset(false);
    client.start(ID, ID.length, PSK, PSK.length, 0, false);
    waiter.start(ID, ID.length, PSK, PSK.length, 0, false);
    if (waiter.state !== DtlsState.Idle || !waiter.waitingForWorkspace || waiter.poll(0) !== 1000) return false;
    for (let i = 0; i < recorded.length; i++) {
      while (client.transmit(out, 0) > 0) { /* what the server already saw */ }
      const d = recorded[i];
      client.receive(d, 0, d.length, 0, app, 0);
    }
    while (client.transmit(out, 0) > 0) { /* drain */ }
    waiter.reset(false);
    return client.state === DtlsState.Connected && !ws.busy;
  };
  for (let i = 0; i < size(50, 5); i++) if (!once()) throw new Error('replayed handshake failed');
  const H = size(2000, 20);
  const gcs = new GcCounter();
  await gcs.start();
  const t0 = performance.now();
  let bad = 0;
  for (let i = 0; i < H; i++) if (!once()) bad++;
  const ms = performance.now() - t0;
  const n = await gcs.stop();
  console.log(`Zero-GC: ${H} full client handshakes (server flights replayed, HelloVerifyRequest + hint; the workspace shared with a waiting session) in ${ms.toFixed(0)} ms ` +
    `(${(ms / H).toFixed(3)} ms each): ${n} GCs, ${bad} failures`);
  if (bad !== 0) wrong(`${bad} replayed handshakes did not connect`);
  expectNoGc(n);
}

console.log('DTLS record protection, AES-128-CCM_8 (seal + open one record):');
for (const size of [16, 64, 256, 1024]) recordThroughput(size, false);
for (const size of [16, 64, 256, 1024]) recordThroughput(size, true);
console.log('Handshakes (in-process server, virtual clock, no loss):');
await zeroGc();
await handshakeZeroGc();
