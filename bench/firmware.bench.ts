// Firmware Update (object 5) benchmarks:
// 1. zero-GC: a 1 MB push (1,024 Block1 Writes of /5/0/0, 1 KB each) and a 1 MB pull (the client's
//    own 1,024 Block2 GETs) through the whole sans-IO client into a RAM store, after warm-up: no
//    garbage collection; the heap after a 64 KB and after a 1 MB transfer (no growth with size).
// 2. throughput on loopback through the whole client (Node HAL, UDP): libcoap's coap-client-notls
//    pushing 1 MB into the client vs into libcoap's coap-server-notls; the client pulling 1 MB from
//    coap-server-notls vs coap-client-notls GETting it — the same transfers, in the same run.
// Every request comes from the client's configured LwM2M server (address and port): the client
// serves no other peer (README, "Requests from an unknown peer"). The sans-IO peer answers the
// Register and then sends from the server's address; on loopback a small UDP server on the
// account's port answers the Register, then coap-client-notls sends from that port (`-p`).
// Short mode (BENCH_SHORT=1): 64 KB instead of 1 MB, one warm-up round; the images are still
// checked byte for byte, the GC counts only printed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createBoardClient } from '../src/client/setup.js';
import { MessageWriter, CoapMessage, parseMessage } from '../src/coap/message.js';
import { Code } from '../src/coap/codes.js';
import { Opt } from '../src/coap/option.js';
import { PeerAddress, parseAddress } from '../src/coap/peer.js';
import { MemoryFirmwareStore, NodeFirmwareStore } from '../hal/node/firmware.js';
import { NodeHal } from '../hal/node/hal.js';
import { Driver } from '../hal/node/driver.js';
import { Ev } from '../src/client/events.js';
import { GcCounter, SHORT, expectNoGc, size, wrong } from './gc.js';
import { getHeapStatistics } from 'node:v8';

const MB = 1 << 20, BLOCK = 1024;
/** The transfer: 1 MB (64 KB in short mode). */
const SIZE = size(MB, 64 * 1024);
const KB = SIZE / 1024;
const label = SHORT ? '64 KB' : '1 MB';
const img = new Uint8Array(randomBytes(SIZE));
const HOST = '127.0.0.1';
const LIFETIME = 86400; // no Update during the run

/** The 2.01 a server answers a Register (CON POST /rd) with: Location-Path rd/1; 0 when not one. */
function registerAnswer(buf: Uint8Array, off: number, len: number, m: CoapMessage, w: MessageWriter, out: Uint8Array): number {
  if (parseMessage(buf, off, len, m) !== 0 || m.code !== Code.POST || m.type !== 0 || m.uriPathCount !== 1) return 0;
  w.begin(out, 0, out.length, 2 /* ACK */, Code.CREATED, m.mid, m.token, 0, m.tokenLen);
  const rd = Uint8Array.of(0x72, 0x64), one = Uint8Array.of(0x31);
  w.option(Opt.LOCATION_PATH, rd, 0, 2); w.option(Opt.LOCATION_PATH, one, 0, 1);
  return w.end();
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// ------------------------------------------------------------------ 1. sans-IO, zero-GC
{
  const fw = new MemoryFirmwareStore(MB);
  const board = createBoardClient({ endpoint: 'bench-fw', seed: Uint8Array.of(1, 2, 3, 4), server: { uri: `coap://${HOST}:5683`, lifetime: LIFETIME },
    firmware: fw, config: { maxPayload: 1024, blockSize: 1024, maxDatagram: 1280 } });
  const c = board.client, f = board.firmware!;
  c.start(0);
  // The configured server: it answers the Register, then sends the pushes and the pull's URI.
  const peer = new PeerAddress(); parseAddress(HOST, 5683, peer);
  const out = new Uint8Array(2048), req = new Uint8Array(1400), tok = Uint8Array.of(9, 9, 9, 9);
  const w = new MessageWriter(), m = new CoapMessage();
  const etag = Uint8Array.of(0xe7, 0x01);
  let now = 1, mid = 1;
  {
    let registered = false;
    for (let guard = 0; guard < 100 && !registered; guard++) {
      c.poll(now);
      for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) {
        const n = registerAnswer(out, 0, len, m, w, req);
        if (n > 0 && c.txPeer.equals(peer)) c.receive(req, 0, n, peer, now);
      }
      for (let e = c.nextEvent(); e !== 0; e = c.nextEvent()) if (e === Ev.REGISTERED) registered = true;
      now += 100;
    }
    if (!registered) wrong('the sans-IO client did not register');
  }
  const drain = () => { for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) { /* sent */ } while (c.nextEvent() !== 0) { /* drain */ } };
  const send = (n: number) => { c.receive(req, 0, n, peer, now); c.poll(now); now++; };
  /** Pushes the first `size` bytes of img; returns the blocks sent. */
  const push = (size: number): number => {
    const n = Math.ceil(size / BLOCK);
    for (let k = 0; k < n; k++) {
      mid = (mid + 1) & 0xffff;
      w.begin(req, 0, req.length, 0, Code.PUT, mid, tok, 0, 4);
      w.optionDecimal(Opt.URI_PATH, 5); w.optionDecimal(Opt.URI_PATH, 0); w.optionDecimal(Opt.URI_PATH, 0);
      w.optionUint(Opt.CONTENT_FORMAT, 42);
      w.optionUint(Opt.BLOCK1, k * 16 + ((k + 1) * BLOCK < size ? 8 : 0) + 6);
      w.payload(img, k * BLOCK, Math.min(BLOCK, size - k * BLOCK));
      send(w.end());
      drain();
    }
    return n;
  };
  const cancel = () => {
    mid = (mid + 1) & 0xffff;
    w.begin(req, 0, req.length, 0, Code.PUT, mid, tok, 0, 4);
    w.optionDecimal(Opt.URI_PATH, 5); w.optionDecimal(Opt.URI_PATH, 0); w.optionDecimal(Opt.URI_PATH, 1);
    w.optionUint(Opt.CONTENT_FORMAT, 0);
    send(w.end()); drain();
  };
  const uri = new TextEncoder().encode(`coap://${HOST}:5690/fw`);
  const fwPeer = new PeerAddress(); parseAddress(HOST, 5690, fwPeer);
  /** The client pulls the first `size` bytes of img from us (we answer each GET with its block). */
  const pull = (size: number): number => {
    mid = (mid + 1) & 0xffff;
    w.begin(req, 0, req.length, 0, Code.PUT, mid, tok, 0, 4);
    w.optionDecimal(Opt.URI_PATH, 5); w.optionDecimal(Opt.URI_PATH, 0); w.optionDecimal(Opt.URI_PATH, 1);
    w.optionUint(Opt.CONTENT_FORMAT, 0);
    w.payload(uri, 0, uri.length);
    send(w.end());
    let blocks = 0;
    for (let guard = 0; guard < 10_000 && f.state === 1; guard++) {
      c.poll(now);
      let got = false;
      for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) {
        if (!c.txPeer.equals(fwPeer) || parseMessage(out, 0, len, m) !== 0 || m.code !== Code.GET) continue;
        const num = m.block2 >>> 4, off = num * BLOCK, more = off + BLOCK < size ? 1 : 0;
        w.begin(req, 0, req.length, 2 /* ACK */, Code.CONTENT, m.mid, m.token, 0, m.tokenLen);
        w.option(Opt.ETAG, etag, 0, etag.length);
        w.optionUint(Opt.CONTENT_FORMAT, 42);
        w.optionUint(Opt.BLOCK2, num * 16 + more * 8 + 6);
        if (num === 0) w.optionUint(Opt.SIZE2, size);
        w.payload(img, off, Math.min(BLOCK, size - off));
        const n = w.end();
        c.receive(req, 0, n, fwPeer, now); now++;
        blocks++; got = true;
      }
      while (c.nextEvent() !== 0) { /* drain */ }
      if (!got) now += 10;
    }
    return blocks;
  };
  // Warm-up: pushes and pulls, cancelled (until V8 has optimised the block path: its baseline tiers
  // box numbers).
  for (let r = 0; r < size(20, 1); r++) { push(SIZE); cancel(); pull(SIZE); cancel(); }
  const heap = () => { (globalThis as { gc?: () => void }).gc?.(); return process.memoryUsage().heapUsed; };
  const gc = new GcCounter();
  await gc.start();
  let t0 = performance.now();
  const pushed = push(SIZE);
  let dt = performance.now() - t0;
  const pushGcs = await gc.stop();
  const pushOk = f.state === 2 && sha(fw.image()) === sha(img);
  console.log(`zero-GC: ${label} push, ${pushed} Block1 Writes of 1 KB through the sans-IO client into the store in ${dt.toFixed(0)} ms (${(KB / (dt / 1000)).toFixed(0)} KB/s, ${(pushed / (dt / 1000)).toFixed(0)} blocks/s), ${pushGcs} garbage collections`);
  if (!pushOk) wrong(`the sans-IO push: state ${f.state}, the stored image ${fw.image().length} B, not the image pushed`);
  cancel();
  const gc2 = new GcCounter();
  await gc2.start();
  t0 = performance.now();
  const pulled = pull(SIZE);
  dt = performance.now() - t0;
  const pullGcs = await gc2.stop();
  const pullOk = f.state === 2 && sha(fw.image()) === sha(img);
  console.log(`zero-GC: ${label} pull, ${pulled} Block2 GETs of 1 KB by the sans-IO client into the store in ${dt.toFixed(0)} ms (${(KB / (dt / 1000)).toFixed(0)} KB/s, ${(pulled / (dt / 1000)).toFixed(0)} blocks/s), ${pullGcs} garbage collections`);
  if (!pullOk) wrong(`the sans-IO pull: state ${f.state}, the stored image ${fw.image().length} B, not the image served`);
  cancel();
  // Bytes allocated by a transfer: V8's used heap after minus before, with no collection in between
  // (checked) — what a 64 KB and a 1 MB transfer allocate, block loop and all.
  const allocated = (fn: () => void): number => {
    heap();
    const g = new GcCounter();
    const before = getHeapStatistics().used_heap_size;
    fn();
    const d = getHeapStatistics().used_heap_size - before;
    void g;
    return d;
  };
  if (!SHORT) {
    const a64 = allocated(() => push(64 * 1024)); cancel();
    const a1m = allocated(() => push(MB)); cancel();
    const p64 = allocated(() => pull(64 * 1024)); cancel();
    const p1m = allocated(() => pull(MB)); cancel();
    console.log(`memory: bytes the V8 heap grew by during a transfer (no GC in between): push 64 KB ${a64} B, 1 MB ${a1m} B; pull 64 KB ${p64} B, 1 MB ${p1m} B — no growth with the image's size`);
  }
  expectNoGc(pushGcs + pullGcs);
}

// ------------------------------------------------------------------ 2. loopback, with libcoap beside
function runTimed(cmd: string, args: string[]): Promise<{ code: number | null; ms: number; err: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => resolve({ code, ms: performance.now() - t0, err }));
    p.on('error', () => resolve({ code: -1, ms: 0, err: 'cannot run ' + cmd }));
  });
}
async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}
/** How long libcoap waits for an answer (-B), in seconds; a pull gets twice that. */
const WAIT_S = String(size(60, 10));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rate = (ms: number) => `${(KB / (ms / 1000)).toFixed(0)} KB/s, ${(KB / (ms / 1000)).toFixed(0)} blocks/s`;
{
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-fwbench-'));
  const file = join(dir, 'img.bin');
  writeFileSync(file, img);
  const fw = new NodeFirmwareStore({ dir, maxSize: 2 * MB });
  const hal = await NodeHal.open({ address: HOST, port: 0, logLevel: 0 });
  // The client's LwM2M server account: this port. A UDP socket there answers the Register, then
  // closes, and every coap-client-notls run against the client binds it (-p): the pushes and the
  // writes of /5/0/1 come from the configured server, as they would in the field.
  const lwm2mSrv = createSocket('udp4');
  await new Promise<void>((r) => lwm2mSrv.bind(0, HOST, () => r()));
  const serverPort = lwm2mSrv.address().port;
  {
    const m = new CoapMessage(), w = new MessageWriter(), ans = new Uint8Array(64);
    lwm2mSrv.on('message', (b, rinfo) => {
      const n = registerAnswer(b, 0, b.length, m, w, ans);
      if (n > 0) lwm2mSrv.send(ans.subarray(0, n), rinfo.port, rinfo.address);
    });
  }
  const board = createBoardClient({ endpoint: 'bench-fw-udp', seed: Uint8Array.of(5, 6, 7, 8), server: { uri: `coap://${HOST}:${serverPort}`, lifetime: LIFETIME },
    firmware: fw, config: { maxPayload: 1024, blockSize: 1024, maxDatagram: 1280 } });
  const c = board.client, f = board.firmware!;
  let registered = false;
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => {
      const d = c.poll(now);
      for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) if (e === Ev.REGISTERED) registered = true;
      return d;
    },
  };
  const drv = new Driver(core, hal, 1280);
  c.start(hal.now()); drv.pump();
  for (const t0 = performance.now(); !registered && performance.now() - t0 < 10_000;) await sleep(5);
  await new Promise<void>((r) => lwm2mSrv.close(() => r()));
  if (!registered) wrong('the client did not register on loopback');
  const asServer = ['-a', HOST, '-p', String(serverPort)];
  const srvPort = await freePort();
  const srv = spawn('coap-server-notls', ['-A', '127.0.0.1', '-p', String(srvPort), '-d', '4'], { stdio: 'ignore' });
  await sleep(300);
  try {
    // Each transfer RUNS times (once in short mode), the fastest of each kept: one wall-clock
    // transfer on a loaded machine measures mostly when each process got a core.
    const RUNS = size(3, 1);
    const idle = () => runTimed('coap-client-notls', [...asServer, '-m', 'put', '-t', '0', '-e', '', `coap://${HOST}:${hal.port}/5/0/1`]);
    let pushMs = Infinity, peerMs = Infinity, pullMs = Infinity, getMs = Infinity;
    for (let run = 0; run < RUNS; run++) {
      await idle();
      const ours = await runTimed('coap-client-notls', [...asServer, '-m', 'put', '-b', '1024', '-f', file, '-B', WAIT_S, `coap://${HOST}:${hal.port}/5/0/0`]);
      const okPush = ours.code === 0 && f.state === 2 && sha(readFileSync(fw.staged)) === sha(img);
      if (!okPush) wrong(`the push into the client on loopback (coap-client-notls exit ${ours.code}, state ${f.state}) ${ours.err.trim().slice(-300)}`);
      const peer = await runTimed('coap-client-notls', ['-m', 'put', '-b', '1024', '-f', file, '-B', WAIT_S, `coap://${HOST}:${srvPort}/img`]);
      if (peer.code !== 0) wrong(`the push into coap-server-notls (exit ${peer.code}) ${peer.err.trim().slice(-300)}`);
      pushMs = Math.min(pushMs, ours.ms); peerMs = Math.min(peerMs, peer.ms);
    }
    console.log(`push ${label} (coap-client-notls -b 1024, from the server's port) on loopback, fastest of ${RUNS}: into the client ${pushMs.toFixed(0)} ms (${rate(pushMs)}); into coap-server-notls ${peerMs.toFixed(0)} ms (${rate(peerMs)}); ratio ${(peerMs / pushMs).toFixed(2)}×`);
    // Pull: back to Idle, then the client GETs coap-server-notls's copy.
    const uri = `coap://${HOST}:${srvPort}/img`;
    const got = join(dir, 'got.bin');
    for (let run = 0; run < RUNS; run++) {
      await idle();
      const trigger = await runTimed('coap-client-notls', [...asServer, '-m', 'put', '-t', '0', '-e', uri, `coap://${HOST}:${hal.port}/5/0/1`]);
      const t0 = performance.now();
      while (f.state === 1 && performance.now() - t0 < Number(WAIT_S) * 2000) await sleep(2);
      const ms = performance.now() - t0;
      const okPull = trigger.code === 0 && f.state === 2 && sha(readFileSync(fw.staged)) === sha(img);
      if (!okPull) wrong(`the pull by the client on loopback (state ${f.state}, result ${f.result})`);
      rmSync(got, { force: true });
      const get = await runTimed('coap-client-notls', ['-m', 'get', '-b', '1024', '-B', WAIT_S, '-o', got, uri]);
      if (get.code !== 0 || !existsSync(got) || sha(readFileSync(got)) !== sha(img)) wrong(`the GET by coap-client-notls (exit ${get.code})`);
      pullMs = Math.min(pullMs, ms); getMs = Math.min(getMs, get.ms);
    }
    console.log(`pull ${label} from coap-server-notls (Block2, 1 KB) on loopback, fastest of ${RUNS}: by the client ${pullMs.toFixed(0)} ms (${rate(pullMs)}); by coap-client-notls ${getMs.toFixed(0)} ms (${rate(getMs)}); ratio ${(getMs / pullMs).toFixed(2)}×`);
  } finally {
    srv.kill();
    drv.stop(); hal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
