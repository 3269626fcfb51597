// Queue Mode end to end over real UDP on loopback: the CLI client (`--queue-mode --queue-time 2`,
// the Node HAL closing its socket while offline and binding it again at the wake) against the host
// LwM2M server over coaps:// (its DTLS layer resumes sessions): offline after 2 s, woken by the
// Update before the 20 s lifetime ends, an abbreviated handshake rather than a full one, and a
// De-register at SIGINT while offline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { Lwm2mServer } from '../../host/server.js';

const cli = join(repoRoot(), 'build', 'host', 'cli.js');

function waitFor(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const iv = setInterval(() => { if (cond()) { clearInterval(iv); clearTimeout(t); resolve(); } }, 50);
    const t = setTimeout(() => { clearInterval(iv); reject(new Error('timed out: ' + what())); }, ms);
  });
}

test('CLI --queue-mode over coaps://: offline (socket closed), woken by the Update, session resumed, De-register from offline at SIGINT', async () => {
  const serverLog: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk: { pskIdentity: 'qcli', pskKey: '00112233445566778899aabbccddeeff' } });
  let updated = 0;
  server.on('updated', () => updated++);
  const c = spawn(process.execPath, [cli, 'client', '--endpoint', 'queue-cli', '--server', `coaps://127.0.0.1:${server.port}`, '--lifetime', '20',
    '--psk-identity', 'qcli', '--psk-key', '00112233445566778899aabbccddeeff', '--queue-mode', '--queue-time', '2']);
  let out = '';
  c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  const all = () => out + '\n--- server ---\n' + serverLog.join('\n');
  try {
    await waitFor(() => server.registrations.has('queue-cli'), 10_000, all);
    assert.ok(server.registrations.get('queue-cli')!.queueMode, 'registered with Q');
    await waitFor(() => /queue mode: offline \(socket closed\) until/.test(out), 8_000, all);
    await waitFor(() => updated >= 1, 20_000, all);
    assert.match(out, /queue mode: woken by a deadline \(Update\)/);
    assert.ok(serverLog.some((l) => /session resumed/.test(l)), all());
    assert.is(serverLog.filter((l) => /session established/.test(l)).length, 1, 'one full handshake');
    await waitFor(() => (out.match(/queue mode: offline/g) ?? []).length >= 2, 8_000, all);
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    c.kill('SIGINT');
    await dereg;
    assert.is(await closed, 0);
    assert.match(out, /woken by the application/);
  } finally { if (c.exitCode === null) c.kill('SIGKILL'); await server.stop(); }
});

test.run();
