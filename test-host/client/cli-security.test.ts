// Issue 12 point 1, through the real CLI client and libcoap's coap-client-notls: the client serves
// only its configured servers; the development switch --insecure-serve-any-peer (named insecure in
// --help) lets coap-client in; --address binds the socket to one local address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { run, freePort, sleep } from '../peers.js';
import { parseCommandLine } from '../../host/args.js';

const cli = join(repoRoot(), 'build', 'host', 'cli.js');

async function cliClient(args: string[]): Promise<{ out: () => string; stop: () => Promise<void> }> {
  const c = spawn(process.execPath, [cli, 'client', ...args]);
  let out = '';
  c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
  const closed = new Promise<void>((r) => c.on('close', () => r()));
  for (let k = 0; k < 100 && !/on UDP port/.test(out); k++) await sleep(50);
  assert.match(out, /on UDP port/, out);
  return { out: () => out, stop: async () => { if (c.exitCode === null) c.kill('SIGKILL'); await closed; } };
}

test('--address and --insecure-serve-any-peer are parsed; --help names the switch insecure', () => {
  const cmd = parseCommandLine(['client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:5683', '--address', '127.0.0.1', '--insecure-serve-any-peer']);
  assert.is(cmd.cmd, 'client');
  if (cmd.cmd !== 'client') return;
  assert.is(cmd.opts.address, '127.0.0.1');
  assert.is(cmd.opts.serveAnyPeer, true);
  const plain = parseCommandLine(['client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:5683']);
  if (plain.cmd === 'client') { assert.is(plain.opts.serveAnyPeer, undefined); assert.is(plain.opts.address, undefined); }
  const help = parseCommandLine(['client', '--help']);
  assert.ok(help.cmd === 'help' && /--insecure-serve-any-peer\s+INSECURE/.test(help.text));
  assert.ok(help.cmd === 'help' && /--address A/.test(help.text));
});

test('CLI client: coap-client gets nothing by default; with the switch it reads, and only on --address', async () => {
  const srvPort = await freePort();
  const port = await freePort();
  let c = await cliClient(['--endpoint', 'sec1', '--server', `coap://127.0.0.1:${srvPort}`, '--local-port', String(port)]);
  try {
    const r = await run('coap-client-notls', ['-m', 'get', '-B', '3', `coap://127.0.0.1:${port}/3/0/0`]);
    assert.not.match(r.stdout, /lwm2m-mcu/, 'an unknown peer is not served by default');
  } finally { await c.stop(); }
  c = await cliClient(['--endpoint', 'sec2', '--server', `coap://127.0.0.1:${srvPort}`, '--local-port', String(port), '--address', '127.0.0.1', '--insecure-serve-any-peer']);
  try {
    assert.match(c.out(), /INSECURE/);
    const r = await run('coap-client-notls', ['-m', 'get', '-B', '5', `coap://127.0.0.1:${port}/3/0/0`]);
    assert.match(r.stdout, /lwm2m-mcu/, r.stderr);
    const v6 = await run('coap-client-notls', ['-m', 'get', '-B', '3', `coap://[::1]:${port}/3/0/0`]);
    assert.not.match(v6.stdout, /lwm2m-mcu/, 'not bound on ::1');
  } finally { await c.stop(); }
});

test.run();
