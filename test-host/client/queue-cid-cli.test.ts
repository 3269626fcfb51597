// Queue Mode with an RFC 9146 Connection ID end to end over real UDP on loopback: the CLI client
// (`--queue-mode --queue-dtls cid`) against the host LwM2M server over coaps:// (its DTLS layer grants
// CIDs). While the client is offline its port is taken by another socket, so the Node HAL's wake binds
// a new one (the Update waits for that bind, not lost with the failed one): the Update goes from the new port inside the old session — no handshake, full or
// abbreviated — and the server moves the registration there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
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

/** Binds 127.0.0.1:port (tries for a while: the client's socket may still be closing). */
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

test('CLI --queue-dtls cid: the wake binds a new port, the Update goes from it with no handshake and the server moves the registration', async () => {
  const serverLog: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk: { pskIdentity: 'qcid', pskKey: '00112233445566778899aabbccddeeff' } });
  let updated = 0;
  server.on('updated', () => updated++);
  const c = spawn(process.execPath, [cli, 'client', '--endpoint', 'queue-cid', '--server', `coaps://127.0.0.1:${server.port}`, '--lifetime', '20',
    '--address', '127.0.0.1', '--psk-identity', 'qcid', '--psk-key', '00112233445566778899aabbccddeeff',
    '--queue-mode', '--queue-time', '2', '--queue-dtls', 'cid']);
  let out = '';
  c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  const all = () => out + '\n--- server ---\n' + serverLog.join('\n');
  let blocker: dgram.Socket | null = null;
  try {
    await waitFor(() => server.registrations.has('queue-cid'), 10_000, all);
    const oldPort = server.registrations.get('queue-cid')!.port;
    await waitFor(() => /queue mode: offline \(socket closed\) until/.test(out), 8_000, all);
    blocker = await occupy(oldPort);
    await waitFor(() => updated >= 1, 20_000, all);
    assert.match(out, /queue mode: woken by a deadline \(Update\)/);
    // The Node HAL sends what the client had for it once the new port is bound: nothing is lost.
    assert.not.match(out, /retransmitting/, 'the Update was not lost while the HAL bound a new port');
    const reg = server.registrations.get('queue-cid')!;
    assert.ok(reg.port !== oldPort, `the Update came from a new port (${reg.port}, was ${oldPort})`);
    assert.ok(serverLog.some((l) => /moved to 127\.0\.0\.1:\d+ \(Connection ID [0-9a-f]{12}\)/.test(l)), all());
    assert.is(serverLog.filter((l) => /session established/.test(l)).length, 1, 'one full handshake');
    assert.is(serverLog.filter((l) => /session resumed/.test(l)).length, 0, 'no resumption');
    assert.ok(server.dtls!.cidRecords >= 1);
    await waitFor(() => (out.match(/queue mode: offline/g) ?? []).length >= 2, 8_000, all);
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    c.kill('SIGINT');
    await dereg;
    assert.is(await closed, 0);
  } finally {
    if (c.exitCode === null) c.kill('SIGKILL');
    blocker?.close();
    await server.stop();
  }
});

test.run();
