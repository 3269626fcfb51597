// Deep sleep that restarts the program, on Node, end to end over real UDP on loopback: the CLI client
// (`--queue-mode --queue-time 2 --state FILE`) against the host LwM2M server over coaps:// PSK goes
// offline (its sleep state saved in the state file), is killed (SIGKILL: no De-register, nothing more
// written), and started again from the same state file: the server sees an Update from the new
// process, not a Register, and no second full handshake (the session resumed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { repoRoot } from '../vectors.js';
import { Lwm2mServer } from '../../host/server.js';

const cli = join(repoRoot(), 'build', 'host', 'cli.js');

function waitFor(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const iv = setInterval(() => { if (cond()) { clearInterval(iv); clearTimeout(t); resolve(); } }, 50);
    const t = setTimeout(() => { clearInterval(iv); reject(new Error('timed out: ' + what())); }, ms);
  });
}

const KEY = '00112233445566778899aabbccddeeff';

/** The CLI client `endpoint` (its PSK identity too) of the coaps:// server on `port`, in Queue Mode
 *  (2 s) with the state file `state`; its output is appended to o.out. */
function cliClient(endpoint: string, port: number, state: string, o: { out: string }): ChildProcess {
  const c = spawn(process.execPath, [cli, 'client', '--endpoint', endpoint, '--server', `coaps://127.0.0.1:${port}`, '--lifetime', '600', '--state', state,
    '--psk-identity', endpoint, '--psk-key', KEY, '--queue-mode', '--queue-time', '2']);
  c.stdout!.on('data', (d) => (o.out += d)); c.stderr!.on('data', (d) => (o.out += d));
  return c;
}

test('CLI --queue-mode --state over coaps://: offline, SIGKILL, restart → an Update (no Register), the session resumed (one full handshake in all)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-sleep-'));
  const state = join(dir, 'state.json');
  const serverLog: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk: { pskIdentity: 'sleepy-cli', pskKey: KEY } });
  let registered = 0, updated = 0;
  server.on('registered', () => registered++);
  server.on('updated', () => updated++);
  const o = { out: '' };
  const run = () => cliClient('sleepy-cli', server.port, state, o);
  const all = () => o.out + '\n--- server ---\n' + serverLog.join('\n');
  let c = run();
  try {
    await waitFor(() => registered === 1, 30_000, all);
    await waitFor(() => /queue mode: offline \(socket closed\)/.test(o.out), 30_000, all);
    await waitFor(() => { try { return 'lwm2m.sleep' in JSON.parse(readFileSync(state, 'utf8')); } catch { return false; } }, 15_000, all);
    assert.is(serverLog.filter((l) => /session established/.test(l)).length, 1, 'one full handshake');
    const closed = new Promise((r) => c.on('close', r));
    c.kill('SIGKILL');
    await closed;
    const mark = o.out.length;
    c = run();
    await waitFor(() => updated >= 1, 30_000, all);
    assert.is(registered, 1, 'no second Register: ' + all());
    assert.match(o.out.slice(mark), /resumed from the persisted sleep state \(1 registration/);
    assert.not.match(o.out.slice(mark), /registered with server/);
    assert.is(serverLog.filter((l) => /session established/.test(l)).length, 1, 'no second full handshake: ' + all());
    assert.ok(serverLog.some((l) => /session resumed/.test(l)), 'an abbreviated handshake: ' + all());
    // Stopping de-registers and forgets the state.
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    const closed2 = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
    c.kill('SIGINT');
    await dereg;
    assert.is(await closed2, 0);
    assert.not.ok('lwm2m.sleep' in JSON.parse(readFileSync(state, 'utf8')), 'the state is erased at stop');
  } finally {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: the server restarted meanwhile (registration and DTLS session cache gone): the resumed session is refused → a full handshake; the Update → 4.04 → Register', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-sleep-'));
  const state = join(dir, 'state.json');
  const serverLog: string[] = [];
  const psk = { pskIdentity: 'sleepy-cli2', pskKey: KEY };
  let server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk });
  const port = server.port;
  const o = { out: '' };
  const run = () => cliClient('sleepy-cli2', port, state, o);
  const all = () => o.out + '\n--- server ---\n' + serverLog.join('\n');
  let c = run();
  try {
    await waitFor(() => server.registrations.has('sleepy-cli2'), 30_000, all);
    await waitFor(() => /queue mode: offline \(socket closed\)/.test(o.out), 30_000, all);
    const closed = new Promise((r) => c.on('close', r));
    c.kill('SIGKILL');
    await closed;
    // A new server on the same port: it knows neither the registration nor the session.
    await server.stop();
    server = await Lwm2mServer.start({ port, address: '127.0.0.1', log: (l) => serverLog.push('2: ' + l), psk });
    let registered = 0;
    server.on('registered', () => registered++);
    const mark = o.out.length;
    c = run();
    await waitFor(() => registered === 1, 30_000, all);
    const after = o.out.slice(mark);
    assert.match(after, /resumed from the persisted sleep state/);
    assert.match(after, /4\.04/, 'the Update answered 4.04: ' + after);
    assert.ok(serverLog.some((l) => /^2: .*session established/.test(l)), 'a full handshake with the new server: ' + all());
    assert.not.ok(serverLog.some((l) => /^2: .*session resumed/.test(l)), all());
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    c.kill('SIGINT');
    await dereg;
  } finally {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
