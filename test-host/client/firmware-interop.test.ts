// Firmware Update with real peers over UDP on loopback: libcoap's coap-client-notls pushes images
// with Block1 (-b 64, 512, 1024) into the client's file store (hal/node/firmware.ts); the client pulls
// an image from libcoap's coap-server-notls (which took it by a PUT, -d) with its own Block2 GETs.
// Sizes: 1 byte, exactly one block, 1 MB, and one byte over the slot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { NodeFirmwareStore } from '../../hal/node/firmware.js';
import { createBoardClient, Board } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { freePort, run, start, sleep } from '../peers.js';

const tmp = mkdtempSync(join(tmpdir(), 'lwm2m-fw-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Live { board: Board; hal: NodeHal; drv: Driver; url: string; fw: NodeFirmwareStore; close: () => void }

let n = 0;
/** The configuration store a "rebooted" client finds again. */
class MemConfig { data: Uint8Array | null = null; load(out: Uint8Array) { if (!this.data) return -1; out.set(this.data); return this.data.length; } save(b: Uint8Array, o: number, l: number) { this.data = b.slice(o, o + l); return true; } }

async function liveClient(maxSize: number, again?: { dir: string; store: MemConfig; srvPort: number }): Promise<Live & { dir: string; store: MemConfig; srvPort: number }> {
  const dir = again?.dir ?? join(tmp, 'dev' + n++);
  if (!again) mkdirSync(dir);
  const store = again?.store ?? new MemConfig();
  const fw = new NodeFirmwareStore({ dir, maxSize });
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const srvPort = again?.srvPort ?? await freePort(); // a server account nobody answers: the client keeps serving requests
  const board = createBoardClient({ endpoint: 'fw-interop', seed: Uint8Array.of(n++, 2, 3, 4), server: { uri: `coap://127.0.0.1:${srvPort}` },
    // libcoap's coap-client plays the LwM2M server from ports of its own: the development switch.
    firmware: fw, store, config: { maxPayload: 1024, blockSize: 1024, maxDatagram: 1280 }, acceptUnknownPeers: true });
  const c = board.client;
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => { const d = c.poll(now); while (c.nextEvent() !== Ev.NONE) { /* drained */ } return d; },
  };
  const drv = new Driver(core, hal, 1280);
  c.start(hal.now());
  drv.pump();
  return { board, hal, drv, fw, dir, store, srvPort, url: `coap://127.0.0.1:${hal.port}`, close: () => { drv.stop(); hal.close(); } };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await sleep(20);
}

test('coap-client-notls pushes 1 byte, exactly one block, several blocks and 1 MB with -b 64 / 512 / 1024: the stored file matches', async () => {
  const live = await liveClient(1 << 20);
  try {
    for (const [b, size] of [[64, 1], [512, 512], [64, 1000], [1024, 1024], [1024, 1 << 20]] as const) {
      const img = randomBytes(size), f = join(tmp, `img-${b}-${size}.bin`);
      writeFileSync(f, img);
      if (live.board.firmware!.state !== 0) {
        const c = await run('coap-client-notls', ['-m', 'put', '-t', '42', '-e', '', `${live.url}/5/0/0`]); // empty Package: back to Idle
        assert.is(c.code, 0, c.stderr);
      }
      const r = await run('coap-client-notls', ['-m', 'put', '-b', String(b), '-f', f, '-B', '60', `${live.url}/5/0/0`], 90_000);
      assert.is(r.code, 0, r.stderr);
      assert.is(live.board.firmware!.state, 2, `-b ${b}, ${size} bytes: ${r.stdout} ${r.stderr}`);
      assert.is(sha(readFileSync(live.fw.staged)), sha(img), `-b ${b}, ${size} bytes`);
      const st = await run('coap-client-notls', ['-m', 'get', '-B', '5', `${live.url}/5/0/3`]);
      assert.is(st.stdout.trim(), '2');
    }
  } finally { live.close(); }
});

test('coap-client-notls pushes one byte over the slot: 4.13, Update Result 2, the running firmware untouched', async () => {
  const live = await liveClient(4096);
  try {
    writeFileSync(live.fw.active, 'version=1.0.0\nold');
    const f = join(tmp, 'over.bin');
    writeFileSync(f, randomBytes(4097));
    const r = await run('coap-client-notls', ['-m', 'put', '-b', '512', '-f', f, '-B', '10', `${live.url}/5/0/0`]);
    assert.match(r.stdout + r.stderr, /4\.13/);
    assert.is(live.board.firmware!.state, 0);
    assert.is(live.board.firmware!.result, 2);
    assert.is(readFileSync(live.fw.active, 'latin1'), 'version=1.0.0\nold');
    assert.ok(!existsSync(live.fw.staged), 'the partial image is discarded');
  } finally { live.close(); }
});

test('pull from coap-server-notls (image PUT there first, -d): Block2 GETs by the client; the image matches; Update applies it', async () => {
  const port = await freePort();
  const srv = start('coap-server-notls', ['-A', '127.0.0.1', '-p', String(port), '-d', '4']);
  const live = await liveClient(1 << 20);
  try {
    await sleep(300);
    for (const size of [1, 1024, 1 << 20]) {
      const img = Buffer.concat([Buffer.from('version=3.' + size + '\n'), randomBytes(Math.max(0, size - 16))]).subarray(0, size);
      const f = join(tmp, `pull-${size}.bin`);
      writeFileSync(f, img);
      let r = await run('coap-client-notls', ['-m', 'put', '-b', '1024', '-f', f, '-B', '60', `coap://127.0.0.1:${port}/fw${size}`], 90_000);
      assert.is(r.code, 0, r.stderr);
      if (live.board.firmware!.state !== 0) await run('coap-client-notls', ['-m', 'put', '-t', '0', '-e', '', `${live.url}/5/0/1`]);
      r = await run('coap-client-notls', ['-m', 'put', '-t', '0', '-e', `coap://127.0.0.1:${port}/fw${size}`, `${live.url}/5/0/1`]);
      assert.is(r.code, 0, r.stderr);
      await until(() => live.board.firmware!.state !== 1, 60_000);
      assert.is(live.board.firmware!.state, 2, `${size} bytes, result ${live.board.firmware!.result}; server: ${srv.log().slice(-500)}`);
      assert.is(sha(readFileSync(live.fw.staged)), sha(img));
    }
    // Update: the host store swaps the file in; the outcome is read at the next start.
    const r = await run('coap-client-notls', ['-m', 'post', `${live.url}/5/0/2`]);
    assert.is(r.code, 0, r.stderr);
    await until(() => existsSync(live.fw.active), 5000);
    assert.ok(existsSync(live.fw.active));
    assert.is(live.fw.applied(), 1);
  } finally { live.close(); await srv.stop(); }
});

for (const peer of ['coap-server-notls', 'the host server (fw-serve)'] as const) {
  test(`a reboot in the middle of a pull from ${peer}: the new client goes on from the stored blocks when the ETag is the same, from 0 when not; the image matches`, async () => {
    const img = randomBytes(1 << 20), f = join(tmp, 'resume.bin');
    writeFileSync(f, img);
    let uri = '', stop = async () => {};
    if (peer === 'coap-server-notls') {
      const port = await freePort();
      const srv = start('coap-server-notls', ['-A', '127.0.0.1', '-p', String(port), '-d', '4']);
      stop = () => srv.stop();
      await sleep(300);
      const r = await run('coap-client-notls', ['-m', 'put', '-b', '1024', '-f', f, '-B', '60', `coap://127.0.0.1:${port}/resume`], 90_000);
      assert.is(r.code, 0, r.stderr);
      uri = `coap://127.0.0.1:${port}/resume`;
    } else {
      const { Lwm2mServer } = await import('../../host/server.js');
      const srv = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
      stop = () => srv.stop();
      uri = srv.firmwareUri(srv.firmwareFiles.add(f));
    }
    const live = await liveClient(1 << 21);
    let second: Live | null = null;
    try {
      const r = await run('coap-client-notls', ['-m', 'put', '-t', '0', '-e', uri, `${live.url}/5/0/1`]);
      assert.is(r.code, 0, r.stderr);
      await until(() => live.fw.stored() >= 300 * 1024 || live.board.firmware!.state !== 1, 30_000);
      live.close(); // power loss
      const cut = live.fw.stored();
      assert.ok(cut > 0 && cut < img.length, 'cut at ' + cut);
      second = await liveClient(1 << 21, live);
      assert.is(second.board.firmware!.state, 1, 'still Downloading after the reboot');
      await until(() => second!.board.firmware!.state !== 1, 60_000);
      assert.is(second.board.firmware!.state, 2, 'result ' + second.board.firmware!.result);
      assert.ok(readFileSync(second.fw.staged).equals(img));
      const after = second.board.firmware!.blocks, stored = Math.floor(cut / 1024);
      // libcoap's coap-server gives each client session a new ETag: the resumed client cannot tell the
      // image is the same and starts over; the host server's ETag is the image's hash: it resumes.
      if (peer === 'coap-server-notls') assert.is(after, 1024, `${after} blocks after the reboot`);
      else assert.is(after, 1024 - stored, `resumed: ${after} blocks after the reboot, ${stored} were stored`);
    } finally { second?.close(); await stop(); }
  });
}

test.run();
