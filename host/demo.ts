// `make demo`: the main job, on loopback. Starts the host bootstrap server and the host LwM2M
// server, runs the real CLI client (`lwm2m-mcu client`) with only a bootstrap-server account, and
// shows each step in order: the client bootstraps, registers, is read, observed and notified,
// written, then de-registers on SIGINT. Exits 0 when every step happened, 1 otherwise (60 s limit).
//
//   DEMO_SECURE=1 make demo   — the same over coaps:// (DTLS 1.2 PSK) for both servers.
//   DEMO_FOTA=1 make demo     — adds a firmware update (object 5): the server serves an image, the
//                               client pulls it (Block2), Execute Update applies it, the client restarts
//                               and reports Update Result 1 and the new /3/0/3; then a push (Block1).

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import dgram from 'node:dgram';
import { Lwm2mServer } from './server.js';
import { BootstrapServer } from './bootstrap-server.js';
import { fwPush, fwPull } from './firmware-server.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
const stamp = () => ((Date.now() - t0) / 1000).toFixed(2).padStart(6);
const say = (who: string, line: string) => process.stdout.write(`${stamp()} ${who.padEnd(8)} ${line}\n`);

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function main(): Promise<number> {
  const secure = process.env.DEMO_SECURE === '1';
  const scheme = secure ? 'coaps' : 'coap';
  const psk = { pskIdentity: 'demo-device', pskKey: '00112233445566778899aabbccddeeff' };
  const serverPort = await freePort(), bsPort = await freePort();
  const server = await Lwm2mServer.start({ port: serverPort, address: '127.0.0.1', log: (l) => say('server', l), ...(secure ? { psk } as object : {}) });
  const bs = await BootstrapServer.start({
    port: bsPort, address: '127.0.0.1', log: (l) => say('bs', l), ...(secure ? { psk } as object : {}),
    config: { '*': { deleteFirst: true, servers: [
      secure
        ? { ssid: 1, uri: `coaps://127.0.0.1:${serverPort}`, securityMode: 'psk', pskIdentity: psk.pskIdentity, pskKey: psk.pskKey, lifetime: 60 }
        : { ssid: 1, uri: `coap://127.0.0.1:${serverPort}`, securityMode: 'nosec', lifetime: 60 },
    ] } },
  });
  say('demo', `bootstrap server on ${scheme}://127.0.0.1:${bsPort}, LwM2M server on ${scheme}://127.0.0.1:${serverPort}`);
  const args = [join(here, 'cli.js'), 'client', '--endpoint', 'demo-device', '--bootstrap', `${scheme}://127.0.0.1:${bsPort}`];
  if (secure) args.push('--psk-identity', psk.pskIdentity, '--psk-key', psk.pskKey);
  const fota = process.env.DEMO_FOTA === '1';
  const fwDir = fota ? mkdtempSync(join(tmpdir(), 'lwm2m-demo-fw-')) : '';
  if (fota) args.push('--firmware-dir', join(fwDir, 'device'));
  say('demo', `starting: lwm2m-mcu ${args.slice(1).join(' ')}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d;
    for (let k = buf.indexOf('\n'); k >= 0; k = buf.indexOf('\n')) { say('client', buf.slice(0, k).replace(/^\[\s*[\d.]+\]\s*/, '')); buf = buf.slice(k + 1); }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? 1)));

  const steps: string[] = [];
  const step = (s: string) => { steps.push(s); say('demo', `✓ ${s}`); };
  const timeout = setTimeout(() => { say('demo', 'timed out after 60 s'); child.kill('SIGKILL'); }, fota ? 120_000 : 60_000);
  try {
    await new Promise<void>((resolve, reject) => {
      bs.once('finished', (ep: string, code: number) => { if (code === 0x44) step(`bootstrap of ${ep} finished (2.04)`); });
      bs.once('failed', (ep: string) => reject(new Error('bootstrap failed for ' + ep)));
      server.once('registered', () => { step('client registered with the LwM2M server'); resolve(); });
      child.once('close', () => reject(new Error('client exited early')));
    });
    const dev = await server.read('demo-device', '/3/0');
    if (!dev.ok) throw new Error('read /3/0 failed: ' + dev.codeText);
    step(`read /3/0 → ${dev.codeText}, ${JSON.stringify(dev.value).slice(0, 100)}…`);
    const lt = await server.write('demo-device', '/1/0/1', 120, 'text');
    step(`write /1/0/1 (lifetime) = 120 → ${lt.codeText}`);
    const attrs = await server.writeAttributes('demo-device', '/3303/0/5700', { pmin: 0, pmax: 2 });
    step(`write-attributes /3303/0/5700 pmax=2 → ${attrs.codeText}`);
    let notes = 0;
    const h = await server.observe('demo-device', '/3303/0/5700', undefined, () => { notes++; });
    step(`observe /3303/0/5700 → ${h.response.codeText}, value ${JSON.stringify(h.response.value)}`);
    await new Promise<void>((r) => { const iv = setInterval(() => { if (notes >= 2) { clearInterval(iv); r(); } }, 50); });
    step(`received ${notes} notifications`);
    if (fota) await firmwareSteps(server, fwDir, step);
    const ex = await server.execute('demo-device', '/3/0/4');
    step(`execute /3/0/4 (reboot) → ${ex.codeText}`);
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    child.kill('SIGINT');
    await dereg;
    step('client de-registered on SIGINT');
    const code = await exited;
    say('demo', `client exited with code ${code}`);
  } catch (e) {
    say('demo', `FAILED: ${(e as Error).message}`);
  } finally {
    clearTimeout(timeout);
    if (child.exitCode === null) child.kill('SIGKILL');
    await server.stop();
    await bs.stop();
    if (fota) rmSync(fwDir, { recursive: true, force: true });
  }
  const want = fota ? 14 : 9;
  const ok = steps.length === want;
  say('demo', ok ? `done: all ${steps.length} steps` : `incomplete: ${steps.length} of ${want} steps`);
  return ok ? 0 : 1;
}

/** DEMO_FOTA=1: pull, update, restart with the new version, push. */
async function firmwareSteps(server: Lwm2mServer, dir: string, step: (s: string) => void): Promise<void> {
  const print = (l: string) => say('server', l);
  const waitFor = async (path: string, want: number, ms = 30_000) => {
    const t = Date.now();
    for (;;) {
      const r = await server.read('demo-device', path, 'text');
      if (r.ok && Number(r.value) === want) return;
      if (Date.now() - t > ms) throw new Error(`${path} never became ${want} (last ${r.codeText} ${String(r.value)})`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  const v2 = join(dir, 'app-2.0.0.bin');
  writeFileSync(v2, Buffer.concat([Buffer.from('version=2.0.0\n'), randomBytes(48 * 1024)]));
  const uri = server.firmwareUri(server.firmwareFiles.add(v2));
  step(`fw-serve ${v2} → ${uri}`);
  print(await fwPull(server, 'demo-device', uri, print));
  await waitFor('/5/0/3', 2);
  step('the client pulled the image with Block2 GETs: State 2 (Downloaded)');
  const reregistered = new Promise<void>((r) => server.once('registered', () => r()));
  const up = await server.execute('demo-device', '/5/0/2');
  step(`execute /5/0/2 (Update) → ${up.codeText}`);
  await reregistered;
  await waitFor('/5/0/5', 1);
  const ver = await server.read('demo-device', '/3/0/3', 'text');
  step(`the client restarted into the new image: Update Result 1, /3/0/3 = ${String(ver.value)}`);
  const v3 = join(dir, 'app-2.0.1.bin');
  writeFileSync(v3, Buffer.concat([Buffer.from('version=2.0.1\n'), randomBytes(32 * 1024)]));
  print(await fwPush(server, 'demo-device', v3, 1024, print));
  await waitFor('/5/0/3', 2);
  step('fw-push (Block1, 1024-byte blocks): State 2 (Downloaded)');
}

main().then((code) => { process.exitCode = code; });
