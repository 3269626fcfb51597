// The `lwm2m-mcu` bin (build/host/cli.js) as a process: help, exit codes, and the two servers started
// from the command line and answering on loopback.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../peers.js';

const CLI = fileURLToPath(new URL('../../host/cli.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const node = (args: string[], input?: string) => run(process.execPath, [CLI, ...args], 20_000, input);

const OPTIONS = ['--endpoint', '--server', '--bootstrap', '--lifetime', '--local-port', '--state', '--provisioning',
  '--psk-identity', '--psk-key', '--log-level', '--port', '--address', '--config', '--help'];

test('--help exits 0 and documents every option', async () => {
  const r = await node(['--help']);
  assert.is(r.code, 0, r.stderr);
  for (const o of OPTIONS) assert.ok(r.stdout.includes(o), `--help mentions ${o}`);
  for (const sub of ['server', 'bootstrap-server', 'client']) assert.match(r.stdout, new RegExp(`lwm2m-mcu ${sub}`));
  const c = await node(['client', '--help']);
  assert.is(c.code, 0);
  for (const o of ['--endpoint', '--server', '--bootstrap', '--lifetime', '--local-port', '--state', '--provisioning', '--psk-identity', '--psk-key', '--log-level']) assert.ok(c.stdout.includes(o), o);
  const b = await node(['bootstrap-server', '--help']);
  assert.is(b.code, 0);
  assert.match(b.stdout, /--config FILE/);
});

test('npx lwm2m-mcu --help works from the checkout', async () => {
  // The bin must be executable; tsc does not set the mode (the build step must: chmod +x build/host/cli.js).
  chmodSync(CLI, 0o755);
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const c = spawn('npx', ['--no-install', 'lwm2m-mcu', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
    c.on('close', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /lwm2m-mcu client --endpoint NAME/);
});

test('malformed command lines exit 2 with a message that says what is wrong', async () => {
  const cases: [string[], RegExp][] = [
    [['client', '--endpoint', 'x', '--server', 'coap://1.2.3:5683'], /--server "coap:\/\/1\.2\.3:5683": "1\.2\.3" is not an IPv4 address/],
    [['client', '--endpoint', 'x', '--server', 'coap://h', '--nope'], /unknown option --nope/],
    [['client', '--server', 'coap://h', '--endpoint'], /--endpoint needs a value/],
    [['client', '--endpoint', 'x', '--server', 'coap://h', '--lifetime', 'ten'], /--lifetime "ten": not a whole number/],
    [['client', '--endpoint', 'x', '--server', 'coap://h:0'], /port 0 is out of range/],
    [['server', '--port', '99999'], /--port 99999: out of range/],
    [['bootstrap-server'], /needs --config FILE/],
    [['bootstrap-server', '--config', '/nonexistent/bs.json'], /cannot read \/nonexistent\/bs\.json/],
    [['launch'], /unknown command "launch"/],
  ];
  for (const [args, re] of cases) {
    const r = await node(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
});

test('a bad bootstrap config file exits 2 naming the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-cli-'));
  try {
    const f = join(dir, 'bs.json');
    writeFileSync(f, JSON.stringify({ node: { servers: [{ ssid: 1, uri: 'coap://h', securityMode: 'tls' }] } }));
    const r = await node(['bootstrap-server', '--config', f, '--port', '0']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /node\.servers\[0\]: "securityMode"/);
    writeFileSync(f, '{ not json');
    const r2 = await node(['bootstrap-server', '--config', f, '--port', '0']);
    assert.is(r2.code, 2);
    assert.match(r2.stderr, /is not valid JSON/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

/** Starts the CLI, waits for its "listening on A:P" line; returns the port and a stop function. */
function startCli(args: string[]): Promise<{ port: number; out: () => string; write: (s: string) => void; exited: () => Promise<number | null>; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
    const t = setTimeout(() => { c.kill('SIGKILL'); reject(new Error('no listening line: ' + out)); }, 10_000);
    c.stdout.on('data', (d) => {
      out += d;
      const m = /listening on [^\s]+:(\d+)/.exec(out);
      if (m && t) {
        clearTimeout(t);
        resolve({ port: +m[1], out: () => out, write: (s) => c.stdin.write(s), exited: () => closed,
          stop: async () => { if (c.exitCode !== null) return c.exitCode; c.kill('SIGTERM'); const k = setTimeout(() => c.kill('SIGKILL'), 3000); const code = await closed; clearTimeout(k); return code; } });
      }
    });
    c.stderr.on('data', (d) => (out += d));
  });
}

test('bootstrap-server from the command line answers coap-client-notls with 2.04', async () => {
  const s = await startCli(['bootstrap-server', '--config', join(ROOT, 'host/bs-config.example.json'), '--port', '0']);
  try {
    const r = await run('coap-client-notls', ['-m', 'post', '-B', '3', '-v', '7', `coap://127.0.0.1:${s.port}/bs?ep=test`]);
    assert.match(r.stdout + r.stderr, /2\.04/);
  } finally { assert.is(await s.stop(), 0); }
});

test('server from the command line takes console commands on stdin', async () => {
  const s = await startCli(['server', '--port', '0']);
  try {
    s.write('list\n');
    s.write('help\n');
    for (let k = 0; k < 100 && !/observe <ep>/.test(s.out()); k++) await new Promise((r) => setTimeout(r, 20));
    assert.match(s.out(), /no registrations/);
    assert.match(s.out(), /observe <ep> <path>/);
    const r = await run('coap-client-notls', ['-m', 'post', '-B', '3', '-v', '7', '-t', '40', '-e', '</3/0>', `coap://127.0.0.1:${s.port}/rd?ep=cli-node&lt=60`]);
    assert.match(r.stdout + r.stderr, /2\.01/);
    s.write('list\n');
    for (let k = 0; k < 100 && !/cli-node \/rd/.test(s.out()); k++) await new Promise((r) => setTimeout(r, 20));
    assert.match(s.out(), /cli-node \/rd\/\d+ 127\.0\.0\.1:\d+ lt=60/);
    s.write('quit\n');
    assert.is(await s.exited(), 0, 'quit ends the process');
  } finally { await s.stop(); }
});

test('server console: a result is printed once, with its content format, and not logged as well', async () => {
  // Found driving `lwm2m-mcu server` by hand: each result came twice (a timestamped log line and the
  // bare answer), and neither said which content format the client answered in.
  const s = await startCli(['server', '--port', '0']);
  const c = spawn(process.execPath, [CLI, 'client', '--endpoint', 'cli-once', '--server', `coap://127.0.0.1:${s.port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  const until = async (re: RegExp) => { for (let k = 0; k < 250 && !re.test(s.out()); k++) await new Promise((r) => setTimeout(r, 20)); assert.match(s.out(), re); };
  try {
    await until(/server: register cli-once /);
    s.write('read cli-once /3/0/0\n');
    await until(/^read cli-once \/3\/0\/0 → 2\.05 /m);
    s.write('composite cli-once /3/0/0 /3/0/1\n');
    await until(/^read-composite cli-once \/3\/0\/0,\/3\/0\/1 → 2\.05 /m);
    const lines = s.out().split('\n');
    // The client announces ct=112 on its root link (issue 20.5), so the server reads in SenML CBOR.
    assert.equal(lines.filter((l) => /read cli-once \/3\/0\/0/.test(l)), ['read cli-once /3/0/0 → 2.05 SenML CBOR "lwm2m-mcu"']);
    assert.is(lines.filter((l) => /"lwm2m-mcu"/.test(l)).length, 2, 'the value once for each of the two commands: ' + s.out());
    assert.match(s.out(), /^read-composite cli-once \/3\/0\/0,\/3\/0\/1 → 2\.05 SenML (JSON|CBOR) \{"\/3\/0\/0":"lwm2m-mcu","\/3\/0\/1":/m);
  } finally {
    c.kill('SIGTERM');
    await closed;
    assert.is(await s.stop(), 0);
  }
});

test.run();
