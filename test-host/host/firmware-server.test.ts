// The host LwM2M server's firmware commands against the real client over UDP: fw-push (Block1),
// fw-serve + fw-pull over coap://, and over coaps:// — from the LwM2M server itself (the pull shares
// the registration's DTLS session) and from a second coaps file server on the same host (a DTLS
// session of its own, with the PSK of the server account on that host). State and Update Result
// notifications are printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lwm2mServer } from '../../host/server.js';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { NodeFirmwareStore } from '../../hal/node/firmware.js';
import { createBoardClient, Board } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { sleep } from '../peers.js';

const tmp = mkdtempSync(join(tmpdir(), 'lwm2m-fwsrv-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const KEY = '000102030405060708090a0b0c0d0e0f';

let n = 0;
async function client(serverUri: string, psk: boolean): Promise<{ board: Board; fw: NodeFirmwareStore; close: () => void }> {
  const dir = join(tmp, 'd' + n++);
  mkdirSync(dir);
  const fw = new NodeFirmwareStore({ dir, maxSize: 1 << 20 });
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const board = createBoardClient({ endpoint: 'fw-host-' + n, seed: Uint8Array.of(n, 7, 7, 7), firmware: fw,
    server: { uri: serverUri, lifetime: 60, ...(psk ? { pskIdentity: 'fwdev', pskKey: Buffer.from(KEY, 'hex') } : {}) } });
  const c = board.client;
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => { const d = c.poll(now); while (c.nextEvent() !== Ev.NONE) { /* drained */ } return d; },
  };
  const drv = new Driver(core, hal, c.config.maxDatagram);
  c.start(hal.now());
  drv.pump();
  return { board, fw, close: () => { drv.stop(); hal.close(); } };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await sleep(20);
}

test('fw-push, fw-serve and fw-pull over coap://; State and Update Result changes are printed', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const cl = await client(`coap://127.0.0.1:${server.port}`, false);
  const out: string[] = [];
  try {
    await until(() => server.registrations.size === 1);
    const ep = [...server.registrations.keys()][0];
    const img = randomBytes(10_000), f = join(tmp, 'a.bin');
    writeFileSync(f, img);
    await server.command(`fw-push ${ep} ${f} 256`, (l) => out.push(l));
    assert.match(out.join('\n'), /10000 bytes in 40 block\(s\) of 256/);
    assert.is(cl.board.firmware!.state, 2);
    assert.is(sha(readFileSync(cl.fw.staged)), sha(img));
    await until(() => out.some((l) => /State: 2 \(Downloaded\)/.test(l)));
    assert.ok(out.some((l) => /State: 1 \(Downloading\)/.test(l)), out.join('\n'));
    await server.command(`write ${ep} /5/0/1 ""`, (l) => out.push(l)); // cancel
    await until(() => cl.board.firmware!.state === 0);
    const img2 = randomBytes(5000), f2 = join(tmp, 'b.bin');
    writeFileSync(f2, img2);
    const lines: string[] = [];
    await server.command(`fw-serve ${f2}`, (l) => lines.push(l));
    assert.is(lines[0], `coap://127.0.0.1:${server.port}/fw/b.bin`);
    await server.command(`fw-pull ${ep} ${lines[0]}`, (l) => out.push(l));
    await until(() => cl.board.firmware!.state === 2);
    assert.is(sha(readFileSync(cl.fw.staged)), sha(img2));
    await until(() => out.filter((l) => /State: 2 \(Downloaded\)/.test(l)).length >= 2);
  } finally { cl.close(); await server.stop(); }
});

test('coaps:// pull from the LwM2M server (its DTLS session) and from another coaps server on that host (a session of its own, the account\'s PSK)', async () => {
  const psk = { fwdev: KEY };
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk });
  const files = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk });
  const cl = await client(`coaps://127.0.0.1:${server.port}`, true);
  try {
    await until(() => server.registrations.size === 1);
    const ep = [...server.registrations.keys()][0];
    const img = randomBytes(300_000), f = join(tmp, 'c.bin');
    writeFileSync(f, img);
    const uri = server.firmwareUri(server.firmwareFiles.add(f));
    assert.match(uri, /^coaps:\/\//);
    await server.command(`fw-pull ${ep} ${uri}`, () => {});
    await until(() => cl.board.firmware!.state !== 1, 60_000);
    assert.is(cl.board.firmware!.state, 2, 'result ' + cl.board.firmware!.result);
    assert.is(sha(readFileSync(cl.fw.staged)), sha(img));
    assert.is(server.dtls!.handshakes, 1, 'the registration\'s session');
    await server.command(`write ${ep} /5/0/1 ""`, () => {});
    await until(() => cl.board.firmware!.state === 0);
    const img2 = randomBytes(40_000), f2 = join(tmp, 'd.bin');
    writeFileSync(f2, img2);
    const uri2 = files.firmwareUri(files.firmwareFiles.add(f2));
    await server.command(`fw-pull ${ep} ${uri2}`, () => {});
    await until(() => cl.board.firmware!.state !== 1, 60_000);
    assert.is(cl.board.firmware!.state, 2, 'result ' + cl.board.firmware!.result);
    assert.is(sha(readFileSync(cl.fw.staged)), sha(img2));
    assert.is(files.dtls!.handshakes, 1);
  } finally { cl.close(); await server.stop(); await files.stop(); }
});

test.run();
