// Queue Mode with an RFC 9146 Connection ID against a real peer: Eclipse Californium's Scandium (the
// DTLS stack of Eclipse Leshan), in test-host/peers/ScandiumCidRelay.java — a Scandium DTLS 1.2 PSK
// server granting 6-byte CIDs that relays the decrypted datagrams to the host LwM2M server over plain
// UDP on loopback. The CLI client registers over coaps:// through it, goes offline (socket closed),
// its port is taken meanwhile so the Node HAL's wake binds a new one, and its Update goes from there
// inside the old session: accepted, one full handshake in all on Scandium's side, no resumption, and
// Scandium moves the connection to the new address.
//
// Runs when $SCANDIUM_CLASSPATH is set (and `javac` is on the PATH) — Scandium and its two jars are
// not in this repository (docs/cli.md says how to build them) —, skipped otherwise, e.g.
//   SCANDIUM_CLASSPATH=…/californium-dtls.jar:/usr/share/java/slf4j-api.jar
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { start } from '../peers.js';
import { Lwm2mServer } from '../../host/server.js';

const CP = process.env.SCANDIUM_CLASSPATH ?? '';
const SRC = join(repoRoot(), 'test-host', 'peers', 'ScandiumCidRelay.java');
const cli = join(repoRoot(), 'build', 'host', 'cli.js');
const KEY = '000102030405060708090a0b0c0d0e0f';

function waitFor(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const iv = setInterval(() => { if (cond()) { clearInterval(iv); clearTimeout(t); resolve(); } }, 50);
    const t = setTimeout(() => { clearInterval(iv); reject(new Error('timed out: ' + what())); }, ms);
  });
}

async function occupy(port: number): Promise<dgram.Socket> {
  for (let k = 0; k < 40; k++) {
    const s = dgram.createSocket('udp4');
    try {
      await new Promise<void>((res, rej) => { s.once('error', rej); s.bind(port, '127.0.0.1', () => res()); });
      return s;
    } catch { s.close(); await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error('could not bind port ' + port);
}

const t = CP ? test : test.skip;

t('Scandium (Californium) with CIDs: register over coaps://, sleep, wake on a new port, the Update goes with no handshake and is accepted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scandium-'));
  const serverLog: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l) });
  let relay: ReturnType<typeof start> | null = null;
  let blocker: dgram.Socket | null = null;
  const c0 = spawnSync('javac', ['-cp', CP, '-d', dir, SRC], { encoding: 'utf8' });
  assert.is(c0.status, 0, 'javac: ' + c0.stderr);
  relay = start('java', ['-cp', CP + ':' + dir, 'ScandiumCidRelay', '0', String(server.port), 'scandium-q', KEY, '6']);
  const rlog = relay.log;
  await waitFor(() => /^listening \d+$/m.test(rlog()), 30_000, rlog);
  const relayPort = Number(/^listening (\d+)$/m.exec(rlog())![1]);
  let updated = 0;
  server.on('updated', () => updated++);
  const c = spawn(process.execPath, [cli, 'client', '--endpoint', 'scandium-q', '--server', `coaps://127.0.0.1:${relayPort}`, '--lifetime', '20',
    '--address', '127.0.0.1', '--psk-identity', 'scandium-q', '--psk-key', KEY, '--queue-mode', '--queue-time', '2', '--queue-dtls', 'cid']);
  let out = '';
  c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  const all = () => out + '\n--- Scandium relay ---\n' + rlog() + '\n--- server ---\n' + serverLog.join('\n');
  try {
    await waitFor(() => server.registrations.has('scandium-q'), 20_000, all);
    const first = /^datagram ([0-9A-Fa-f]+) \/127\.0\.0\.1:(\d+) \d+$/m.exec(rlog());
    assert.ok(first, 'the client\'s records carried a CID: ' + all());
    const cid = first![1], oldPort = Number(first![2]);
    assert.is(cid.length, 12, 'a 6-byte CID');
    await waitFor(() => /queue mode: offline \(socket closed\) until/.test(out), 10_000, all);
    blocker = await occupy(oldPort);
    await waitFor(() => updated >= 1, 25_000, all);
    assert.match(out, /queue mode: woken by a deadline \(Update\)/);
    assert.not.match(out, /retransmitting/, 'one datagram out for the Update');
    const moved = new RegExp(`^moved ${cid} /127\\.0\\.0\\.1:${oldPort} -> /127\\.0\\.0\\.1:(\\d+)$`, 'm').exec(rlog());
    assert.ok(moved && Number(moved[1]) !== oldPort, 'Scandium moved the connection to the new port: ' + all());
    assert.is((rlog().match(/^handshake full /gm) ?? []).length, 1, 'one full handshake on Scandium\'s side');
    assert.is((rlog().match(/^handshake resumed /gm) ?? []).length, 0, 'no resumption');
    await waitFor(() => (out.match(/queue mode: offline/g) ?? []).length >= 2, 10_000, all);
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    c.kill('SIGINT');
    await dereg;
    assert.is(await closed, 0);
  } finally {
    if (c.exitCode === null) c.kill('SIGKILL');
    blocker?.close();
    await relay.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

t('Scandium with CIDs, deep sleep: the CLI (--state) goes offline, is killed, a new process (a new port) takes the connection back from the state file: its Update goes with no handshake and is accepted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scandium-'));
  const state = join(dir, 'state.json');
  const serverLog: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l) });
  const c0 = spawnSync('javac', ['-cp', CP, '-d', dir, SRC], { encoding: 'utf8' });
  assert.is(c0.status, 0, 'javac: ' + c0.stderr);
  const relay = start('java', ['-cp', CP + ':' + dir, 'ScandiumCidRelay', '0', String(server.port), 'scandium-r', KEY, '6']);
  const rlog = relay.log;
  await waitFor(() => /^listening \d+$/m.test(rlog()), 30_000, rlog);
  const relayPort = Number(/^listening (\d+)$/m.exec(rlog())![1]);
  let registered = 0, updated = 0;
  server.on('registered', () => registered++);
  server.on('updated', () => updated++);
  let out = '';
  const run = () => {
    const p = spawn(process.execPath, [cli, 'client', '--endpoint', 'scandium-r', '--server', `coaps://127.0.0.1:${relayPort}`, '--lifetime', '600',
      '--address', '127.0.0.1', '--psk-identity', 'scandium-r', '--psk-key', KEY, '--queue-mode', '--queue-time', '2', '--queue-dtls', 'cid', '--state', state]);
    p.stdout.on('data', (d) => (out += d)); p.stderr.on('data', (d) => (out += d));
    return p;
  };
  const all = () => out + '\n--- Scandium relay ---\n' + rlog() + '\n--- server ---\n' + serverLog.join('\n');
  let c = run();
  try {
    await waitFor(() => registered === 1, 20_000, all);
    await waitFor(() => /queue mode: offline \(socket closed\)/.test(out), 15_000, all);
    await waitFor(() => { try { return 'lwm2m.sleep' in JSON.parse(readFileSync(state, 'utf8')); } catch { return false; } }, 15_000, all);
    const first = /^datagram ([0-9A-Fa-f]+) \/127\.0\.0\.1:(\d+) \d+$/m.exec(rlog());
    assert.ok(first, 'CID records: ' + all());
    const cid = first![1], oldPort = Number(first![2]);
    const closed = new Promise((r) => c.on('close', r));
    c.kill('SIGKILL');
    await closed;
    const mark = out.length;
    c = run();
    await waitFor(() => updated >= 1, 20_000, all);
    const after = out.slice(mark);
    assert.match(after, /resumed from the persisted sleep state \(1 registration/);
    assert.match(after, /DTLS session taken back with the server's Connection ID/);
    assert.is(registered, 1, 'no second Register');
    assert.not.match(after, /retransmitting/, 'one datagram out for the Update');
    const moved = new RegExp(`^moved ${cid} /127\\.0\\.0\\.1:${oldPort} -> /127\\.0\\.0\\.1:(\\d+)$`, 'm').exec(rlog());
    assert.ok(moved && Number(moved[1]) !== oldPort, 'Scandium moved the connection to the new process\'s port: ' + all());
    assert.is((rlog().match(/^handshake full /gm) ?? []).length, 1, 'one full handshake on Scandium\'s side: ' + all());
    assert.is((rlog().match(/^handshake resumed /gm) ?? []).length, 0, 'no resumption');
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    const closed2 = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
    c.kill('SIGINT');
    await dereg;
    assert.is(await closed2, 0);
  } finally {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await relay.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
