// The real device app on the real runtime: built by the Moddable SDK's mcconfig for the Linux
// simulator and run headless under mcsim (scripts/sim.sh, what `make sim` runs) against the host
// bootstrap server and LwM2M server on loopback. Runs when $MODDABLE has its Linux tools built
// (`make test-device`; inside `make test` then); otherwise counted as skipped (CI has no SDK).
//
// The flow, plain and over coaps:// (DTLS PSK, with crypt's AES): client-initiated bootstrap →
// Register → Read /3/0 → Write /1/0/1 → Write-Attributes and Observe /3303/0/5700 (two
// notifications) → Execute /3/0/4 → a server-initiated re-bootstrap (Execute /1/0/9) during which a
// request from the old server gets nothing (no ACK, RST or reply), then a fresh Register → the
// simulator restarted: it keeps the committed configuration and registers without bootstrapping →
// de-register on SIGTERM. Then, plain, 20,000 malformed datagrams at the running app: it stays up
// and still answers Read /3/0; and Firmware Update on the lin store (hal/moddable/firmware.ts): a
// Block1 push, Execute /5/0/2, the simulator restarted as the new version (Update Result 1, /3/0/3),
// then a Block2 pull. Each flow keeps the simulator's files in a folder of its own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { fwPush, fwPull } from '../../host/firmware-server.js';
import { Lwm2mServer } from '../../host/server.js';
import { BootstrapServer } from '../../host/bootstrap-server.js';
import { freePort, sleep } from '../peers.js';
import { moddableMissing, removeBuild, startSim, testManifest, type Sim } from './sdk.js';

const missing = moddableMissing();
const BUILD_MS = 600_000; // the first mcconfig build of the app (2–3 min on a busy 2-core machine)

let current: Sim | null = null;
/** p, or a rejection after ms or as soon as the simulator exits. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const sim = current;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error('timed out: ' + what + (sim ? '\n' + sim.lines.join('\n') : ''))), ms); }),
    ...(sim ? [sim.exited.then((c) => { throw new Error(`the simulator exited (${c}) before: ${what}\n${sim.lines.join('\n')}\nstderr (end):\n${sim.errTail()}`); })] : []),
  ]).finally(() => clearTimeout(t));
}

/** A slot on the simulator (64-bit): hooks-sim.ts's line gives the slot heap in bytes, slots × 32. */
const SLOT_BYTES = 32;

/** [slots, chunk bytes] of a memory line of hooks-sim.ts ("slot heap N bytes, chunk heap M bytes in use"). */
function memoryOf(l: string | undefined): [number, number] | null {
  const m = l ? /memory(?: \([^)]*\))?: slot heap (\d+) bytes, chunk heap (\d+) bytes in use/.exec(l) : null;
  if (!m) return null;
  const slotBytes = Number(m[1]);
  assert.is(slotBytes % SLOT_BYTES, 0, `the slot heap is a whole number of ${SLOT_BYTES}-byte slots: ${l}`);
  return [slotBytes / SLOT_BYTES, Number(m[2])];
}

/** The next memory line the app logs after now (hooks-sim.ts): [slots, chunk bytes]. */
async function memoryNow(sim: Sim): Promise<[number, number]> {
  const n = sim.lines.length;
  const l = await within(new Promise<string>((resolve) => {
    const iv = setInterval(() => { const hit = sim.lines.slice(n).find((x) => /memory: slot heap \d+ bytes/.test(x)); if (hit) { clearInterval(iv); resolve(hit); } }, 50);
  }), 10_000, 'a memory line');
  return memoryOf(l)!;
}

/** n Reads of /3/0, `wide` at a time (the simulator's UDP is polled every 20 ms). */
async function reads(server: Lwm2mServer, ep: string, n: number, wide = 8): Promise<void> {
  for (let k = 0; k < n; k += wide) {
    const rs = await Promise.all(Array.from({ length: Math.min(wide, n - k) }, () => server.read(ep, '/3/0')));
    for (const r of rs) if (r.codeText !== '2.05') throw new Error('read /3/0 → ' + r.codeText);
  }
}

export const memoryFigures: { when: string; slots: number; chunkBytes: number }[] = [];

const psk = { pskIdentity: 'sim-psk', pskKey: '000102030405060708090a0b0c0d0e0f' };

async function flow(secure: boolean): Promise<void> {
  const scheme = secure ? 'coaps' : 'coap';
  const ep = secure ? 'sim-dtls' : 'sim-plain';
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, ...(secure ? { psk } : {}) });
  const bsPort = await freePort();
  const bsOptions = {
    port: bsPort, address: '127.0.0.1', log: () => {}, ...(secure ? { psk } : {}),
    config: { '*': { servers: [secure
      ? { ssid: 1, uri: `coaps://127.0.0.1:${server.port}`, securityMode: 'psk' as const, ...psk, lifetime: 300 }
      : { ssid: 1, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec' as const, lifetime: 300 }] } },
  };
  let bs = await BootstrapServer.start(bsOptions);
  let bootstraps = 0;
  const countBs = (b: BootstrapServer) => b.on('finished', (_e: string, code: number) => { if (code === 0x44) bootstraps++; });
  countBs(bs);
  const { manifest, dir } = testManifest(`lwm2m-sim-${secure ? 'dtls' : 'plain'}-`);
  const localPort = await freePort();
  const settings = [`lwm2mEndpoint=${ep}`, `lwm2mBootstrap=${scheme}://127.0.0.1:${bsPort}`, `lwm2mLocalPort=${localPort}`,
    ...(secure ? [`lwm2mPskIdentity=${psk.pskIdentity}`, `lwm2mPskKey=${psk.pskKey}`] : ['lwm2mMemoryLog=1000'])];
  let sim: Sim | null = null;
  try {
    // 1. client-initiated bootstrap, then Register
    let registered = new Promise<any>((r) => server.once('registered', r));
    sim = current = startSim(manifest, settings);
    const reg = await within(registered, BUILD_MS, 'bootstrap and registration (build included)');
    assert.is(reg.endpoint, ep);
    assert.is(bootstraps, 1, 'bootstrapped once');
    await sim.line(/lwm2m-mcu: registered/, 5000);
    // 2. Read /3/0
    const dev = await server.read(ep, '/3/0');
    assert.is(dev.codeText, '2.05');
    assert.match(JSON.stringify(dev.value), /lwm2m-mcu/);
    // 3. Write /1/0/1 (lifetime)
    assert.is((await server.write(ep, '/1/0/1', 120, 'text')).codeText, '2.04');
    // 4. Write-Attributes and Observe /3303/0/5700: two notifications
    assert.is((await server.writeAttributes(ep, '/3303/0/5700', { pmin: 0, pmax: 1 })).codeText, '2.04');
    let notes = 0;
    const h = await server.observe(ep, '/3303/0/5700', undefined, () => { notes++; });
    assert.is(h.response.codeText, '2.05');
    await within(new Promise<void>((r) => { const iv = setInterval(() => { if (notes >= 2) { clearInterval(iv); r(); } }, 50); }), 15_000, 'two notifications');
    h.cancel();
    // 5. Execute /3/0/4 (reboot: the simulator logs it and keeps running)
    assert.is((await server.execute(ep, '/3/0/4')).codeText, '2.04');
    await sim.line(/device: reboot requested/, 5000);
    // 6. server-initiated re-bootstrap; the bootstrap server is down at first, so the client stays in
    //    bootstrap (retransmitting its Bootstrap-Request) while the old server asks it something.
    const oldReg = server.registrations.get(ep)!;
    if (!secure) {
      // The bootstrap server is down at first, so the client stays in bootstrap (retransmitting its
      // Bootstrap-Request) while the old server asks it something (CON): no ACK, RST or reply.
      await bs.stop();
      assert.is((await server.execute(ep, '/1/0/9')).codeText, '2.04');
      await sleep(800);
      const probe = server.request(oldReg.peer, { code: 1 /* GET */, path: ['3', '0', '0'] });
      const answer = await Promise.race([probe, sleep(2500).then(() => null)]);
      assert.is(answer, null, `the old server's request during the bootstrap got ${answer ? answer.codeText : ''}`);
      registered = new Promise<any>((r) => server.once('registered', r));
      bs = await BootstrapServer.start(bsOptions);
      countBs(bs);
    } else {
      // Over DTLS the bootstrap server keeps its session: the old server asks (NON, so that nothing
      // is retransmitted once the client is registered again) the moment the Bootstrap-Request arrives.
      let probed: Promise<unknown> | null = null;
      bs.once('request', () => { probed = Promise.race([server.request(oldReg.peer, { code: 1, type: 1 /* NON */, path: ['3', '0', '0'] }), sleep(2500).then(() => null)]); });
      registered = new Promise<any>((r) => server.once('registered', r));
      assert.is((await server.execute(ep, '/1/0/9')).codeText, '2.04');
      await within(new Promise<void>((r) => { const iv = setInterval(() => { if (probed) { clearInterval(iv); r(); } }, 20); }), 30_000, 'the Bootstrap-Request');
      // null: nothing within 2.5 s; cancelled: the client registered anew first and the host server
      // ended the old registration's request (as Leshan does). Either way the client never answered.
      const answer = await probed as { failed?: string; codeText?: string } | null;
      assert.ok(answer === null || answer.failed === 'cancelled', `the old server's request during the bootstrap got ${answer?.codeText}`);
    }
    const again = await within(registered, 60_000, 'a fresh Register after the re-bootstrap');
    assert.is(again.endpoint, ep);
    assert.is(bootstraps, 2, 'bootstrapped again');
    // 7. the simulator restarted: the committed configuration, no bootstrap
    let deregistered = new Promise<void>((r) => server.once('deregistered', () => r()));
    assert.is(await sim.stop(), 0, 'sim.sh exits 0 on SIGTERM');
    await within(deregistered, 5000, 'de-registered on SIGTERM');
    assert.ok(existsSync(dir + '/modpreferences.json'), 'preference wrote its file');
    registered = new Promise<any>((r) => server.once('registered', r));
    sim = current = startSim(manifest, settings);
    await within(registered, BUILD_MS, 'registration after the restart');
    assert.is(bootstraps, 2, 'no bootstrap after the restart');
    assert.is((await server.read(ep, '/3/0/0')).codeText, '2.05');
    if (!secure) {
      // Memory on the real runtime: Moddable's instrumentation after a full GC (hooks-sim.ts).
      const mark = (label: string): [number, number] => {
        const m = memoryOf(sim!.lines.find((x) => x.includes(`memory (${label})`)));
        if (!m) throw new Error('no memory line ' + label);
        return m;
      };
      const [sb, cb] = mark('before the client'), [sc, cc] = mark('client constructed');
      memoryFigures.push({ when: 'before the client', slots: sb, chunkBytes: cb }, { when: 'client constructed', slots: sc, chunkBytes: cc });
      await memoryNow(sim); // the first after registration, a second to be settled
      const [s0, c0] = await memoryNow(sim);
      await reads(server, ep, 100);
      const [s1, c1] = await memoryNow(sim);
      await reads(server, ep, 10_000);
      const [s2, c2] = await memoryNow(sim);
      memoryFigures.push({ when: 'registered', slots: s0, chunkBytes: c0 }, { when: 'after 100 Reads', slots: s1, chunkBytes: c1 }, { when: 'after 10,000 Reads', slots: s2, chunkBytes: c2 });
      // Printed with VERBOSE=1 (test-host/run.ts shows a passing file's output only then).
      console.log(`mcsim memory (slots of ${SLOT_BYTES} bytes, chunk bytes): ` + memoryFigures.map((f) => `${f.when} ${f.slots}, ${f.chunkBytes}`).join('; ') +
        `; the client: ${sc - sb} slots, ${cc - cb} chunk bytes`);
      assert.ok(s2 <= s1 && c2 <= c1, `no growth from 100 to 10,000 Reads: slots ${s1} → ${s2}, chunk bytes ${c1} → ${c2}`);
      await malformed(server, ep, localPort);
      // 9. Firmware Update through the lin store: the image files under mc/config file.root (dir).
      const imgA = image('0.2.0', 5000), imgB = image('0.3.0', 3000);
      const fa = join(dir, 'push.bin'), fb = join(dir, 'pull.bin');
      writeFileSync(fa, imgA); writeFileSync(fb, imgB);
      assert.match(await fwPush(server, ep, fa, 512, () => {}), /5000 bytes in 10 block\(s\) of 512/);
      assert.is(Number((await server.read(ep, '/5/0/3')).value), 2, 'State 2 (Downloaded) after the push');
      assert.is(sha(readFileSync(join(dir, 'firmware.new'))), sha(imgA), 'the staged file is the pushed image');
      const n = sim.lines.length;
      assert.is((await server.execute(ep, '/5/0/2')).codeText, '2.04', 'Execute /5/0/2 (Update)');
      await until(() => sim!.lines.slice(n).some((l) => /device: reboot requested/.test(l)), 10_000, 'the restart after the Update');
      assert.is(sha(readFileSync(join(dir, 'firmware.bin'))), sha(imgA), 'apply() swapped the image in');
      deregistered = new Promise<void>((r) => server.once('deregistered', () => r()));
      assert.is(await sim.stop(), 0);
      await within(deregistered, 5000, 'de-registered before the restart into the new image');
      registered = new Promise<any>((r) => server.once('registered', r));
      sim = current = startSim(manifest, [...settings, 'lwm2mFirmwareVersion=0.2.0']);
      await within(registered, BUILD_MS, 'registration as the new firmware');
      assert.is(Number((await server.read(ep, '/5/0/5')).value), 1, 'Update Result 1 (success) after the restart');
      assert.is(Number((await server.read(ep, '/5/0/3')).value), 0, 'State 0 (Idle)');
      assert.is((await server.read(ep, '/3/0/3')).value, '0.2.0', '/3/0/3 is the new version');
      // A pull: the client's own Block2 GETs to the host server's fw-serve.
      const uri = server.firmwareUri(server.firmwareFiles.add(fb));
      assert.match(await fwPull(server, ep, uri, () => {}), /→ 2\.04/);
      await until(async () => Number((await server.read(ep, '/5/0/3')).value) === 2, 60_000, 'State 2 after the pull');
      assert.is(sha(readFileSync(join(dir, 'firmware.new'))), sha(imgB), 'the pulled image is staged');
    }
    // 8. de-register
    deregistered = new Promise<void>((r) => server.once('deregistered', () => r()));
    assert.is(await sim.stop(), 0);
    await within(deregistered, 5000, 'de-registered on SIGTERM');
    await sim.line(/lwm2m-mcu: stopped/, 1000);
    sim = null;
  } finally {
    if (sim) await sim.stop();
    await server.stop(); await bs.stop();
    rmSync(dir, { recursive: true, force: true });
    removeBuild(dir);
  }
}

/** An image whose ESP-IDF app descriptor (bytes 48…80) announces `version`, pseudo-random elsewhere. */
function image(version: string, n: number): Buffer {
  const b = Buffer.alloc(n);
  let seed = n;
  for (let j = 0; j < n; j++) b[j] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  b.fill(0, 48, 80);
  b.write(version, 48, 'latin1');
  return b;
}

function sha(b: Buffer): string { return createHash('sha256').update(b).digest('hex'); }

/** Polls cond every 200 ms; rejects after ms. */
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out: ' + what);
    await sleep(200);
  }
}

/** 20,000 malformed datagrams at the app's port (bounded, paced in bursts), then Read /3/0. */
async function malformed(server: Lwm2mServer, ep: string, port: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  for (let k = 0; k < 20_000; k++) {
    const n = 1 + (k % 60);
    const b = Buffer.alloc(n);
    for (let j = 0; j < n; j++) b[j] = rnd();
    if (k % 3 === 0) b[0] = 0x40 | (b[0] & 0x0f); // CoAP version 1, then garbage: the parser's paths
    s.send(b, port, '127.0.0.1');
    if (k % 200 === 199) await sleep(20);
  }
  await sleep(500);
  s.close();
  const r = await server.read(ep, '/3/0');
  assert.is(r.codeText, '2.05', 'still answers Read /3/0 after 20,000 malformed datagrams');
}

if (missing) {
  test.skip(`device: the app under mcsim (skipped: ${missing})`, () => {});
} else {
  test('device (mcsim, coap://): bootstrap, register, read, write, observe, execute, re-bootstrap, restart, 20,000 malformed datagrams, firmware push/update/pull, de-register', async () => { await flow(false); });
  test('device (mcsim, coaps:// PSK, crypt AES): bootstrap, register, read, write, observe, execute, re-bootstrap, restart, de-register', async () => { await flow(true); });
}

test.run();
