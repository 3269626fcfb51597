// The CLI client (`lwm2m-mcu client`) as a new user meets it (issue 13, points 1–3 and 11–14): a name
// that does not resolve, damaged or odd state files, saves that fail, the file's mode, a closed
// stdout, and log levels that mean something. Each runs the real bin against loopback peers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../peers.js';
import { Lwm2mServer } from '../../host/server.js';
import { BootstrapServer } from '../../host/bootstrap-server.js';
import { createBoardClient } from '../../src/client/setup.js';

const CLI = fileURLToPath(new URL('../../host/cli.js', import.meta.url));
const node = (args: string[], ms = 20_000) => run(process.execPath, [CLI, ...args], ms);

interface Proc { out: () => string; waitFor: (re: RegExp, ms?: number) => Promise<void>; stop: (sig?: NodeJS.Signals) => Promise<number | null>; closed: Promise<number | null>; proc: ReturnType<typeof spawn> }

function startClient(args: string[]): Proc {
  const c = spawn(process.execPath, [CLI, 'client', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  c.stdout!.on('data', (d) => (out += d));
  c.stderr!.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  const kill = setTimeout(() => c.kill('SIGKILL'), 60_000);
  void closed.then(() => clearTimeout(kill));
  return {
    proc: c, out: () => out, closed,
    waitFor: async (re, ms = 10_000) => {
      for (let t = 0; t < ms && !re.test(out); t += 20) await new Promise((r) => setTimeout(r, 20));
      if (!re.test(out)) throw new Error(`no ${re} in:\n${out}`);
    },
    stop: async (sig = 'SIGTERM') => { if (c.exitCode === null && c.signalCode === null) c.kill(sig); return closed; },
  };
}

function tmp(): string { return mkdtempSync(join(tmpdir(), 'lwm2m-cli-client-')); }

test('a server name that does not resolve: exit 1 with one line, no hang', async () => {
  const r = await node(['client', '--endpoint', 'x', '--server', 'coap://nosuchhost.invalid:5683']);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /--server coap:\/\/nosuchhost\.invalid:5683: cannot resolve "nosuchhost\.invalid"/);
});

test('unusable state files: one clear line each, a copy kept, exit 1 with what to do when nothing else is configured', async () => {
  const dir = tmp();
  try {
    const cases: [string, RegExp][] = [
      ['{ not json', /not valid JSON/],
      ['null', /expected a JSON object, found null/],
      ['"str"', /expected a JSON object, found a string/],
      ['123', /expected a JSON object, found a number/],
      ['[]', /expected a JSON object, found a list/],
      ['{"lwm2m.config":5}', /"lwm2m\.config" is not a base64 string/],
      ['{"lwm2m.config":"AAECAwQF"}', /the stored configuration does not decode/],
    ];
    for (const [text, re] of cases) {
      const f = join(dir, 'state.json');
      rmSync(f, { force: true }); rmSync(f + '.corrupt', { force: true });
      writeFileSync(f, text);
      const r = await node(['client', '--endpoint', 'x', '--state', f]);
      const all = r.stdout + r.stderr;
      assert.is(r.code, 1, `${text}: ${all}`);
      assert.match(all, re, text);
      assert.match(all, new RegExp(`a copy is kept at ${f.replace(/[.]/g, '\\.')}\\.corrupt`), text);
      assert.not.match(all, /TypeError|at .*\.js:\d+/, `${text}: no raw JavaScript error`);
      assert.match(all, /ERROR no usable configuration.*: give --server URI or --bootstrap URI/, text);
      assert.is(readFileSync(f + '.corrupt', 'utf8'), text, 'the copy is the file as it was');
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a damaged state file with --server: reported, copied, then replaced by a saved configuration (also for [])', async () => {
  const dir = tmp();
  const server = await Lwm2mServer.start({ port: 0, log: () => {} });
  try {
    for (const text of ['[]', '{ not json']) {
      const f = join(dir, 'state.json');
      rmSync(f, { force: true }); rmSync(f + '.corrupt', { force: true });
      writeFileSync(f, text);
      const c = startClient(['--endpoint', 'damaged', '--server', `coap://127.0.0.1:${server.port}`, '--state', f]);
      await c.waitFor(/registered with server 1/);
      assert.match(c.out(), /ERROR state file .*: (expected a JSON object, found a list|not valid JSON)/);
      assert.is(await c.stop(), 0);
      const saved = JSON.parse(readFileSync(f, 'utf8'));
      assert.type(saved['lwm2m.config'], 'string', 'the new configuration was saved');
      assert.is(readFileSync(f + '.corrupt', 'utf8'), text);
    }
  } finally { await server.stop(); rmSync(dir, { recursive: true, force: true }); }
});

test('a state file in a missing folder, alone: exit 1 naming the folder', async () => {
  const r = await node(['client', '--endpoint', 'x', '--state', '/nonexistent-lwm2m/dir/state.json']);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /no usable configuration \(the folder of the state file, \/nonexistent-lwm2m\/dir, does not exist\): give --server/);
});

test('a FIFO or a directory as the state file: exit 1 at once with one line', async () => {
  const dir = tmp();
  try {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await node(['client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:9', '--state', fifo], 10_000);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /state file .*fifo is not a regular file/);
    const r2 = await node(['client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:9', '--state', dir], 10_000);
    assert.is(r2.code, 1);
    assert.match(r2.stderr, /is a directory/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('save failures: an error line, a Write to /1 answered 5.00, and the next save retried once the folder exists', async () => {
  const dir = tmp();
  const server = await Lwm2mServer.start({ port: 0, log: () => {} });
  const f = join(dir, 'later', 'state.json');
  const c = startClient(['--endpoint', 'nosave', '--server', `coap://127.0.0.1:${server.port}`, '--state', f]);
  try {
    await c.waitFor(/registered with server 1/);
    assert.match(c.out(), /ERROR cannot save the state file .*: folder .*later does not exist/);
    assert.not.match(c.out(), /configuration committed/);
    const w = await server.write('nosave', '/1/0/1', 600, 'text');
    assert.is(w.codeText, '5.00', 'a Write that cannot be made durable is not a success');
    await c.waitFor(/ERROR a Write to the Security, Server or Access Control object could not be saved: answered 5\.00/);
    mkdirSync(join(dir, 'later'));
    const w2 = await server.write('nosave', '/1/0/1', 700, 'text');
    assert.is(w2.codeText, '2.04');
    assert.ok(existsSync(f), 'the next save went through');
    assert.is(statSync(f).mode & 0o777, 0o600, 'the state file is the owner\'s only (it holds the PSK)');
  } finally { await c.stop(); await server.stop(); rmSync(dir, { recursive: true, force: true }); }
});

test('a Bootstrap-Finish whose configuration cannot be saved is refused (5.00), not committed', async () => {
  const dir = tmp();
  const logs: string[] = [];
  const bs = await BootstrapServer.start({ port: 0, log: (l) => logs.push(l), config: { '*': { servers: [{ ssid: 1, uri: 'coap://127.0.0.1:9', securityMode: 'nosec' }] } } });
  const c = startClient(['--endpoint', 'nofinish', '--bootstrap', `coap://127.0.0.1:${bs.port}`, '--state', join(dir, 'missing', 'state.json')]);
  try {
    await c.waitFor(/Bootstrap-Finish refused \(5\.00\): the new configuration could not be saved/);
    // The client logs its refusal as it sends it: the bootstrap server logs the 5.00 when it arrives.
    for (let t = 0; t < 5000 && !logs.some((l) => /finish → 5\.00/.test(l)); t += 20) await new Promise((r) => setTimeout(r, 20));
    assert.ok(logs.some((l) => /finish → 5\.00/.test(l)), logs.join('\n'));
    assert.not.match(c.out(), /Bootstrap-Finish accepted/);
    assert.not.match(c.out(), /Register sent/);
  } finally { await c.stop(); await bs.stop(); rmSync(dir, { recursive: true, force: true }); }
});

test('the state file and the copy of a damaged one are created 0600', async () => {
  const dir = tmp();
  const server = await Lwm2mServer.start({ port: 0, log: () => {} });
  try {
    const f = join(dir, 'state.json');
    writeFileSync(f, 'null', { mode: 0o644 });
    const c = startClient(['--endpoint', 'modes', '--server', `coap://127.0.0.1:${server.port}`, '--state', f]);
    await c.waitFor(/registered with server 1/);
    await c.stop();
    assert.is(statSync(f).mode & 0o777, 0o600);
    assert.is(statSync(f + '.corrupt').mode & 0o777, 0o600);
  } finally { await server.stop(); rmSync(dir, { recursive: true, force: true }); }
});

test('a closed stdout (| head) does not kill the client: it still de-registers on SIGTERM', async () => {
  const server = await Lwm2mServer.start({ port: 0, log: () => {} });
  const gone: string[] = [];
  server.on('deregistered', (r, why) => gone.push(`${r.endpoint} ${why}`));
  const c = spawn(process.execPath, [CLI, 'client', '--endpoint', 'epipe', '--server', `coap://127.0.0.1:${server.port}`, '--log-level', 'debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  c.stderr!.on('data', (d) => (err += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  try {
    await new Promise<void>((resolve) => server.once('registered', () => resolve()));
    c.stdout!.destroy(); // the reader goes away, as `head` does after its lines
    // More lines are written: a read logs a request line, the sensor drifts.
    for (let k = 0; k < 3; k++) { const r = await server.read('epipe', '/3/0/0'); assert.is(r.codeText, '2.05', 'still running'); }
    c.kill('SIGTERM');
    assert.is(await closed, 0, err);
    assert.not.match(err, /EPIPE|Error/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(gone, ['epipe deregister']);
  } finally { if (c.exitCode === null) c.kill('SIGKILL'); await server.stop(); }
});

test('logging: the first retransmission at info, the next at debug; duplicates and dropped datagrams at debug with why', async () => {
  // A "server" that never answers Register at first: the client retransmits.
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let registers = 0;
  let clientPort = 0;
  sock.on('message', (m, ri) => {
    clientPort = ri.port;
    const type = (m[0] >> 4) & 3, code = m[1];
    if (code === 2 && type === 0 && ++registers >= 3) { // the third Register: 2.01 piggybacked, Location /rd/1
      const ack = Buffer.from([0x60 | (m[0] & 0x0f), 0x41, m[2], m[3], ...m.subarray(4, 4 + (m[0] & 0x0f)), 0x82, 0x72, 0x64, 0x01, 0x31]);
      sock.send(ack, ri.port, ri.address);
    }
  });
  const c = startClient(['--endpoint', 'logs', '--server', `coap://127.0.0.1:${(sock.address()).port}`, '--log-level', 'debug']);
  try {
    await c.waitFor(/registered with server 1/, 30_000);
    const rt = c.out().split('\n').filter((l) => /retransmitting/.test(l));
    assert.ok(rt.length >= 2, c.out());
    assert.match(rt[0], /INFO  no answer yet: retransmitting/);
    assert.match(rt[1], /DEBUG no answer yet: retransmitting/);
    // A CON GET /3/0/0 from the server, twice with the same MID: the second is a dedup hit.
    const get = Buffer.from([0x41, 0x01, 0x12, 0x34, 0xaa, 0xb1, 0x33, 0x01, 0x30, 0x01, 0x30]);
    sock.send(get, clientPort, '127.0.0.1');
    await c.waitFor(/GET from server 1 → 2\.05/);
    sock.send(get, clientPort, '127.0.0.1');
    await c.waitFor(/DEBUG datagram from 127\.0\.0\.1:\d+ \(11 B\): duplicate/);
    sock.send(Buffer.from([0x40, 0x45, 0x99, 0x99]), clientPort, '127.0.0.1'); // a 2.05 nobody asked for
    await c.waitFor(/DEBUG datagram from 127\.0\.0\.1:\d+ \(4 B\): dropped: malformed or unexpected/);
  } finally { await c.stop(); sock.close(); }
});

test('logging: a wrong PSK is a warning (seen at --log-level warn), named as a DTLS failure, not a timeout; DTLS records at debug', async () => {
  const server = await Lwm2mServer.start({ port: 0, log: () => {}, psk: { pskIdentity: 'dev', pskKey: '00112233' } });
  try {
    const c = startClient(['--endpoint', 'wrongpsk', '--server', `coaps://127.0.0.1:${server.port}`, '--psk-identity', 'dev', '--psk-key', 'ffffffff', '--log-level', 'warn']);
    await c.waitFor(/registration with server 1 failed/, 20_000);
    await c.stop();
    assert.match(c.out(), /WARN  DTLS handshake with server 1 failed: /);
    assert.match(c.out(), /WARN  registration with server 1 failed \(DTLS: /);
    assert.not.match(c.out(), /failed \(timeout\)/);
    assert.not.match(c.out(), /INFO /, 'warn shows no info lines');
    const d = startClient(['--endpoint', 'wrongpsk', '--server', `coaps://127.0.0.1:${server.port}`, '--psk-identity', 'dev', '--psk-key', 'ffffffff', '--log-level', 'debug']);
    await d.waitFor(/DTLS handshake with server 1 failed/, 20_000);
    await d.stop();
    assert.match(d.out(), /DEBUG DTLS out to 127\.0\.0\.1:\d+: handshake epoch 0/);
    assert.match(d.out(), /DEBUG DTLS in from 127\.0\.0\.1:\d+: handshake epoch 0/);
  } finally { await server.stop(); }
});

test('stopping during bootstrap does not claim to de-register', async () => {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const c = startClient(['--endpoint', 'bsstop', '--bootstrap', `coap://127.0.0.1:${sock.address().port}`]);
  try {
    await c.waitFor(/Bootstrap-Request sent/);
    assert.is(await c.stop('SIGINT'), 0);
    assert.match(c.out(), /stopping \(during bootstrap: no registration to end\)/);
    assert.not.match(c.out(), /de-registering/);
    // Nor while a Register is still unanswered.
    const d = startClient(['--endpoint', 'regstop', '--server', `coap://127.0.0.1:${sock.address().port}`]);
    await d.waitFor(/Register sent/);
    assert.is(await d.stop('SIGINT'), 0);
    assert.match(d.out(), /stopping \(not registered: nothing to de-register\)/);
  } finally { sock.close(); }
});

// Issue 20.3: one unusable server account (coap://256.0.0.1, a name that does not resolve) is a
// failed registration for that server, not "no usable configuration": the client keeps running,
// goes through /1/x/17-20 and /1/x/16, and a SIGTERM still de-registers from the good server.
const UNUSABLE = { ssid: 2, uri: 'coap://256.0.0.1:5683', securityMode: 'nosec' as const, lifetime: 60, retryCount: 1, retryTimer: 1, sequenceRetry: 1 };
const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, 'g')) ?? []).length;

test('one good and one unusable server: the good one registers, the client keeps running, SIGTERM de-registers (issue 20.3)', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {}, config: { '*': { servers: [
    { ssid: 1, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec', lifetime: 60 },
    { ...UNUSABLE, bootstrapOnFailure: false }] } } });
  const c = startClient(['--endpoint', 'two-servers', '--bootstrap', `coap://127.0.0.1:${bs.port}`]);
  try {
    await c.waitFor(/registered with server 1/, 15_000);
    await c.waitFor(/server 2: its URI cannot be used/, 15_000);
    await c.waitFor(/registration with server 2: the retry sequence is exhausted/, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.is(c.proc.exitCode, null, 'still running:\n' + c.out());
    assert.not.match(c.out(), /no usable configuration/);
    const gone = new Promise<void>((r) => server.once('deregistered', () => r()));
    assert.is(await c.stop('SIGTERM'), 0, c.out());
    await Promise.race([gone, new Promise((_, rej) => setTimeout(() => rej(new Error('no De-register at the server')), 3000))]);
    assert.match(c.out(), /stopping: de-registering/);
    assert.match(c.out(), /de-registered from server 1/);
  } finally { await c.stop('SIGKILL'); await server.stop(); await bs.stop(); }
});

test('the unusable server alone, /1/x/16 true: after /1/x/17-20, back to the bootstrap server; the client keeps running (issue 20.3)', async () => {
  let requests = 0;
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {}, config: { '*': { servers: [{ ...UNUSABLE, bootstrapOnFailure: true }] } } });
  bs.on('request', () => requests++);
  const c = startClient(['--endpoint', 'bad-alone-bs', '--bootstrap', `coap://127.0.0.1:${bs.port}`]);
  try {
    await c.waitFor(/server 2: its URI cannot be used/, 15_000);
    for (let t = 0; t < 15_000 && requests < 2; t += 50) await new Promise((r) => setTimeout(r, 50));
    assert.ok(requests >= 2, `a new Bootstrap-Request after the failed registration (${requests}):\n${c.out()}`);
    assert.is(c.proc.exitCode, null, 'still running');
    assert.not.match(c.out(), /no usable configuration/);
    assert.is(await c.stop('SIGTERM'), 0, c.out());
  } finally { await c.stop('SIGKILL'); await bs.stop(); }
});

test('the unusable server alone, /1/x/16 false: the registration keeps being retried per /1/x/17-20, no new bootstrap (issue 20.3)', async () => {
  let requests = 0;
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {}, config: { '*': { servers: [{ ...UNUSABLE, bootstrapOnFailure: false }] } } });
  bs.on('request', () => requests++);
  const c = startClient(['--endpoint', 'bad-alone', '--bootstrap', `coap://127.0.0.1:${bs.port}`]);
  try {
    await c.waitFor(/registration with server 2: the retry sequence is exhausted; trying again every 1 s/, 15_000);
    for (let t = 0; t < 15_000 && count(c.out(), /server 2: its URI cannot be used/) < 3; t += 50) await new Promise((r) => setTimeout(r, 50));
    assert.ok(count(c.out(), /server 2: its URI cannot be used/) >= 3, 'tried again and again:\n' + c.out());
    assert.is(requests, 1, 'one bootstrap only');
    assert.is(c.proc.exitCode, null, 'still running');
    assert.is(await c.stop('SIGTERM'), 0, c.out());
  } finally { await c.stop('SIGKILL'); await bs.stop(); }
});

test('a stored account whose coap:// URI contradicts its PSK Security Mode: refused at start, one clear line, exit 1, nothing sent (issue 20.1)', async () => {
  const dir = tmp();
  const sock = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  try {
    // A configuration as an older build (or another tool) could have stored it: PSK identity and key, coap:// URI.
    const port = (sock.address() as import('node:net').AddressInfo).port;
    let saved: Uint8Array | null = null;
    const b = createBoardClient({ endpoint: 'x', seed: Uint8Array.of(1), server: { uri: `coap://127.0.0.1:${port}`, pskIdentity: 'id', pskKey: Uint8Array.of(1, 2, 3, 4) },
      store: { load: () => -1, save: (buf, off, len) => { saved = buf.slice(off, off + len); return true; } } });
    b.client.start(0);
    assert.ok(saved, 'the factory configuration was stored');
    const f = join(dir, 'state.json');
    writeFileSync(f, JSON.stringify({ 'lwm2m.config': Buffer.from(saved!).toString('base64') }));
    const r = await node(['client', '--endpoint', 'x', '--state', f]);
    const all = r.stdout + r.stderr;
    assert.is(r.code, 1, all);
    const errors = all.split('\n').filter((l) => / ERROR /.test(l));
    assert.is(errors.length, 1, all);
    assert.match(errors[0], new RegExp(`no usable configuration: Security instance /0/0 refused: its URI coap://127\\.0\\.0\\.1:${port} contradicts Security Mode 0 \\(PSK\\)`));
    await new Promise((res) => setTimeout(res, 200));
    assert.is(got.length, 0, 'nothing sent to the server');
  } finally { sock.close(); rmSync(dir, { recursive: true, force: true }); }
});

test.run();
