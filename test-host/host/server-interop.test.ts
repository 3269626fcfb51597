// The host server and bootstrap server with clients that are not ours (issue 13, points 4–10 and
// 15): a SenML-JSON-only client (as Wakaama's can be built) announcing ct=110, LwM2M CBOR answers,
// lt=0, a bootstrap account at /0/1 (as Anjay keeps it), server-initiated bootstrap from the console
// and the command line, composite requests nobody answers, timestamps, and many clients.
// Wakaama's and Anjay's own clients are not available here: the scripted client plays their part,
// libcoap's coap-client the raw one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lwm2mServer, Registration, stampedLine, announcedFormats, parseLinks } from '../../host/server.js';
import { BootstrapServer, BsResult, configWrites, instancesOf } from '../../host/bootstrap-server.js';
import { ScriptedClient, Seen } from './scripted-client.js';
import { Code } from '../../src/coap/codes.js';
import { ContentFormat } from '../../src/formats/content-format.js';
import { Lwm2mCborEncoder } from '../../src/formats/lwm2m-cbor.js';
import { DataRecord, ValueType } from '../../src/model/record.js';
import { makeConfig, maxTransmitWait } from '../../src/config.js';
import { Reply } from '../../src/coap/endpoint.js';
import { run, sleep } from '../peers.js';

const te = new TextEncoder();
const CLI = fileURLToPath(new URL('../../host/cli.js', import.meta.url));

function once<T extends unknown[]>(em: NodeJS.EventEmitter, ev: string): Promise<T> {
  return new Promise((r) => em.once(ev, (...a: unknown[]) => r(a as T)));
}

/** A client built with SenML JSON only: anything else is refused as Wakaama's build refuses it. */
function senmlJsonOnly(s: Seen) {
  const json = ContentFormat.SENML_JSON;
  if (s.code === Code.GET) {
    if (s.accept !== json) return { code: Code.INTERNAL_SERVER_ERROR }; // its default (TLV) is not built
    return { code: Code.CONTENT, contentFormat: json, observe: s.observe === 0 ? 1 : undefined, payload: '[{"bn":"/3303/0/","n":"5700","v":21.5}]' };
  }
  if (s.code === Code.PUT || s.code === Code.POST) {
    if (s.payload.length && s.contentFormat !== json) return { code: s.code === Code.PUT ? Code.NOT_ACCEPTABLE : Code.BAD_REQUEST };
    return s.code === Code.PUT ? { code: Code.CHANGED } : { code: s.path.split('/').length === 2 ? Code.CREATED : Code.CHANGED };
  }
  return { code: Code.NOT_FOUND };
}

async function setupServer(lines: string[] = [], o: { requestTimeoutMs?: number; maxPeers?: number } = {}) {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => lines.push(l), ...o });
  const client = await ScriptedClient.open();
  return { server, client, close: async () => { await client.stop(); await server.stop(); } };
}

function register(client: ScriptedClient, port: number, ep: string, links: string, lt = 300, lwm2m = '1.1') {
  return client.send(port, { code: Code.POST, path: ['rd'], query: [`ep=${ep}`, `lt=${lt}`, `lwm2m=${lwm2m}`, 'b=U'], contentFormat: ContentFormat.LINK_FORMAT, payload: te.encode(links) });
}

test('ct= announced formats: parsed as one number or a quoted list', () => {
  assert.equal(announcedFormats(parseLinks('</>;rt="oma.lwm2m";ct=110,</3/0>')), [110]);
  assert.equal(announcedFormats(parseLinks('</>;rt="oma.lwm2m";ct="60 110 112 11543",</3/0>')), [60, 110, 112, 11543]);
  assert.equal(announcedFormats(parseLinks('</3/0>')), []);
});

test('a SenML-JSON-only client (ct=110): read, write, create, observe work with no format argument; every command can name one', async () => {
  const { server, client, close } = await setupServer();
  try {
    client.responder = senmlJsonOnly;
    const r = await register(client, server.port, 'wakaama', '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303/0>');
    assert.is(r.code, Code.CREATED);
    assert.equal(server.registrations.get('wakaama')!.formats, [110]);
    const rd = await server.read('wakaama', '/3303/0/5700');
    assert.is(rd.codeText, '2.05');
    assert.is(rd.value, 21.5);
    assert.is(client.seen.at(-1)!.accept, ContentFormat.SENML_JSON);
    const w = await server.write('wakaama', '/1/0/1', 600);
    assert.is(w.codeText, '2.04');
    assert.is(client.seen.at(-1)!.contentFormat, ContentFormat.SENML_JSON);
    const c = await server.create('wakaama', '/3303', { '/3303/1/5700': 20 });
    assert.is(c.codeText, '2.01');
    assert.is(client.seen.at(-1)!.contentFormat, ContentFormat.SENML_JSON);
    const h = await server.observe('wakaama', '/3303/0/5700', undefined);
    assert.is(h.response.codeText, '2.05');
    assert.is(client.seen.at(-1)!.accept, ContentFormat.SENML_JSON);
    // The console: create and composite take a format too.
    const out: string[] = [];
    await server.command('create wakaama /3303 {"/3303/2/5700": 19} senml-cbor', (l) => out.push(l));
    assert.is(client.seen.at(-1)!.contentFormat, ContentFormat.SENML_CBOR, 'the named format wins');
    await server.command('create wakaama /3303 {"/3303/3/5700": 18}', (l) => out.push(l));
    assert.is(client.seen.at(-1)!.contentFormat, ContentFormat.SENML_JSON);
    await server.command('composite wakaama /3/0/0 /3303/0/5700 senml-cbor', (l) => out.push(l));
    assert.is(client.seen.at(-1)!.code, Code.FETCH);
    assert.is(client.seen.at(-1)!.accept, ContentFormat.SENML_CBOR);
    await server.command('read wakaama /3303/0 lwm2m-cbor', (l) => out.push(l));
    assert.is(client.seen.at(-1)!.accept, ContentFormat.LWM2M_CBOR);
  } finally { await close(); }
});

test('LwM2M CBOR (11544) answers are decoded', async () => {
  const { server, client, close } = await setupServer();
  try {
    const enc = new Lwm2mCborEncoder();
    const buf = new Uint8Array(64);
    enc.begin(buf, 0, buf.length, 3303, 0, -1, -1);
    const rec = new DataRecord();
    rec.clear(); rec.o = 3303; rec.i = 0; rec.r = 5700; rec.ri = -1; rec.type = ValueType.Float; rec.num = 22.25;
    enc.add(rec);
    const n = enc.end();
    client.responder = () => ({ code: Code.CONTENT, contentFormat: ContentFormat.LWM2M_CBOR, payload: buf.slice(0, n) });
    await register(client, server.port, 'cbor', '</>;rt="oma.lwm2m",</3303/0>');
    const r = await server.read('cbor', '/3303/0', 'lwm2m-cbor');
    assert.is(r.decodeError, undefined);
    assert.equal(r.value, { '/3303/0/5700': 22.25 });
  } finally { await close(); }
});

test('lt=0 (no expiry) is accepted from coap-client', async () => {
  const lines: string[] = [];
  const { server, close } = await setupServer(lines);
  try {
    const r = await run('coap-client-notls', ['-m', 'post', '-B', '3', '-t', '40', '-e', '</3/0>', `coap://127.0.0.1:${server.port}/rd?ep=forever&lt=0`]);
    assert.not.match(r.stdout + r.stderr, /4\.00/);
    const reg = server.registrations.get('forever');
    assert.ok(reg, lines.join('\n'));
    assert.is(reg!.lifetime, 0);
    assert.is(reg!.expiresAt, Infinity);
    const u = await run('coap-client-notls', ['-m', 'post', '-B', '3', `coap://127.0.0.1:${server.port}/rd/${reg!.id}?lt=0`]);
    assert.match(u.stdout + u.stderr, /2\.04|^$/);
    assert.is(server.registrations.get('forever')!.expiresAt, Infinity);
  } finally { await close(); }
});

test('a rejected Update is logged', async () => {
  const lines: string[] = [];
  const { server, client, close } = await setupServer(lines);
  try {
    await register(client, server.port, 'forever', '</3/0>', 60);
    const reg = server.registrations.get('forever');
    const u = await run('coap-client-notls', ['-m', 'post', '-B', '3', `coap://127.0.0.1:${server.port}/rd/${reg!.id}?lt=-5`]);
    assert.match(u.stdout + u.stderr, /4\.00/);
    assert.ok(lines.some((l) => /update forever \(\/rd\/\d+\) from .*: bad lifetime lt=-5 → 4\.00/.test(l)), lines.join('\n'));
    assert.is(server.registrations.get('forever')!.lifetime, 60, 'unchanged');
  } finally { await close(); }
});

test('composite: bounded like every request (MAX_TRANSMIT_WAIT) even after an empty ACK; unsupported said so', async () => {
  assert.is(Math.round(maxTransmitWait(makeConfig()) / 1000), 93);
  const lines: string[] = [];
  const d = await setupServer();
  assert.is(d.server.requestTimeoutMs, maxTransmitWait(makeConfig()), 'the default bound is MAX_TRANSMIT_WAIT');
  await d.close();
  const { server, client, close } = await setupServer(lines, { requestTimeoutMs: 1500 });
  try {
    await register(client, server.port, 'silent', '</>;rt="oma.lwm2m",</3/0>');
    // The client ACKs the FETCH (an empty ACK: a separate response promised) and never answers.
    (client as unknown as { handleRequest: () => number }).handleRequest = () => Reply.SILENT;
    const t0 = Date.now();
    const r = await server.readComposite('silent', ['/3/0/0', '/3/0/1']);
    assert.is(r.failed, 'timeout');
    assert.ok(Date.now() - t0 < 10_000, 'not EXCHANGE_LIFETIME');
    assert.ok(lines.some((l) => /silent: no answer to Read-Composite within 2 s/.test(l)), lines.join('\n'));
  } finally { await close(); }
  const b = await setupServer(lines);
  try {
    b.client.responder = () => ({ code: Code.METHOD_NOT_ALLOWED });
    await register(b.client, b.server.port, 'old', '</3/0>', 300, '1.0');
    const r = await b.server.readComposite('old', ['/3/0/0']);
    assert.is(r.codeText, '4.05');
    assert.ok(lines.some((l) => /old registered as LwM2M 1\.0, which has no composite operations/.test(l)));
    assert.ok(lines.some((l) => /old does not support Read-Composite \(4\.05\)/.test(l)));
  } finally { await b.close(); }
});

test('the default log lines carry an ISO timestamp', () => {
  const orig = process.stdout.write.bind(process.stdout);
  let got = '';
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => { got += s; return true; };
  try { stampedLine('server: hello'); } finally { (process.stdout as unknown as { write: typeof orig }).write = orig; }
  assert.match(got, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z server: hello\n$/);
});

// ------------------------------------------------------------------ the bootstrap server

/** Answers like Anjay: its bootstrap account at /0/1 (no ssid=), an old server 9 at /0/5 and /1/3. */
function anjayLike(s: Seen) {
  if (s.code === Code.GET && s.path === '/' && s.accept === ContentFormat.LINK_FORMAT) {
    return { code: Code.CONTENT, contentFormat: 40, payload: '</>;lwm2m=1.1,</0/1>;uri="coap://127.0.0.1:5699",</0/5>;ssid=9;uri="coap://127.0.0.1:9",</1/3>;ssid=9,</3/0>' };
  }
  if (s.code === Code.DELETE) return { code: Code.DELETED };
  if (s.code === Code.PUT) return { code: Code.CHANGED };
  if (s.code === Code.POST && s.path === '/bs') return { code: Code.CHANGED };
  return { code: Code.NOT_FOUND };
}

const ONE = { '*': { servers: [{ ssid: 1, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec' as const }] } };

test('a bootstrap account at /0/1 (Anjay) is not overwritten: Discover first, the server goes to a free id', async () => {
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', config: ONE, log: () => {} });
  const client = await ScriptedClient.open();
  client.responder = anjayLike;
  try {
    const fin = once<[string, number, BsResult]>(bs, 'finished');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=anjay'] });
    const [, , res] = await fin;
    assert.ok(res.ok);
    assert.equal(client.seen.map((s) => `${s.code} ${s.path}`), [`${Code.GET} /`, `${Code.DELETE} /0`, `${Code.DELETE} /1`, `${Code.PUT} /0/0`, `${Code.PUT} /1/0`, `${Code.POST} /bs`]);
    assert.not.ok(client.seen.some((s) => s.code === Code.PUT && s.path === '/0/1'), 'the bootstrap account stays');
    // Server-initiated the same way.
    client.seen = [];
    const r2 = await bs.bootstrapClient('127.0.0.1', client.port, 'anjay');
    assert.ok(r2.ok);
    assert.ok(client.seen.some((s) => s.path === '/0/0') && !client.seen.some((s) => s.code === Code.PUT && s.path === '/0/1'));
  } finally { await client.stop(); await bs.stop(); }
  // The id choice itself: a bootstrap entry goes to the client's account; kept instances are avoided.
  const have = instancesOf(parseLinks('</0/1>;uri="coap://bs",</0/0>;ssid=9,</1/0>;ssid=9'));
  assert.is(have.bootstrap, 1);
  const w = configWrites({ deleteFirst: false, servers: [{ ssid: 2, uri: 'coap://h:1', securityMode: 'nosec' }, { uri: 'coap://bs:2', securityMode: 'nosec', bootstrapServer: true }, { ssid: 9, uri: 'coap://h:3', securityMode: 'nosec' }] }, have);
  assert.equal(w.map((x) => '/' + x.path.join('/')), ['/0/2', '/0/1', '/0/0', '/1/1', '/1/0']);
  // A client without Bootstrap-Discover (4.04): the conventional ids.
  assert.equal(configWrites(ONE['*']).map((x) => '/' + x.path.join('/')), ['/0/1', '/1/0']);
});

test('a SenML-JSON-only client that named no pct=: a TLV Write answered 4.15 is tried in SenML JSON, which the rest then uses', async () => {
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', config: ONE, log: () => {} });
  const client = await ScriptedClient.open();
  client.responder = (s) => s.code === Code.PUT && s.contentFormat !== ContentFormat.SENML_JSON ? { code: Code.UNSUPPORTED_CONTENT_FORMAT } : anjayLike(s);
  try {
    const fin = once<[string, number, BsResult]>(bs, 'finished');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=senml'] });
    const [, , res] = await fin;
    assert.ok(res.ok);
    const puts = client.seen.filter((s) => s.code === Code.PUT).map((s) => `${s.path} ${s.contentFormat}`);
    assert.equal(puts, ['/0/0 11542', '/0/0 110', '/1/0 110']);
  } finally { await client.stop(); await bs.stop(); }
});

test('bootstrap-server console: help, list, bootstrap EP (server-initiated); and the one-shot command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-bs-'));
  const client = await ScriptedClient.open();
  client.responder = anjayLike;
  try {
    const cfg = join(dir, 'bs.json');
    writeFileSync(cfg, JSON.stringify(ONE));
    const c = spawn(process.execPath, [CLI, 'bootstrap-server', '--config', cfg, '--port', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
    const until = async (re: RegExp) => { for (let k = 0; k < 500 && !re.test(out); k++) await sleep(20); assert.match(out, re); };
    await until(/listening on [^\s]+:(\d+)/);
    const port = +/listening on [^\s]+:(\d+)/.exec(out)![1];
    c.stdin.write('help\n');
    await until(/bootstrap <ep> \[addr:port\]/);
    c.stdin.write('list\n');
    await until(/no Bootstrap-Request seen yet/);
    await client.send(port, { code: Code.POST, path: ['bs'], query: ['ep=anjay'] });
    await until(/anjay: bootstrap finished/);
    c.stdin.write('list\n');
    await until(/anjay 127\.0\.0\.1:\d+/);
    client.seen = [];
    c.stdin.write('bootstrap anjay\n');
    // The console prints each step and the outcome once, as its answer (not in the timestamped log
    // as well, and no summary repeating the steps after them).
    await until(/^anjay: bootstrap finished$/m);
    assert.match(out, /^anjay: discover \/ → 2\.05 \(bootstrap account/m);
    assert.match(out, /^anjay: delete \/0 → 2\.02$/m);
    const lines = (re: RegExp) => out.split('\n').filter((l) => re.test(l)).length;
    assert.is(lines(/anjay: delete \/0 → 2\.02/), 2, 'once for the client-initiated bootstrap (the log), once for the console\'s: ' + out);
    assert.is(lines(/anjay: bootstrap finished/), 2, out);
    assert.is(client.seen[0].path, '/');
    c.stdin.write(`bootstrap anjay 127.0.0.1:${client.port}\n`);
    for (let k = 0; k < 500 && lines(/^anjay: bootstrap finished$/) < 2; k++) await sleep(20);
    assert.is(lines(/^anjay: bootstrap finished$/), 2, out);
    assert.is(lines(/bootstrap finished \(/), 0, out);
    c.stdin.write('quit\n');
    assert.is(await closed, 0);
    // One shot: exit 0 when the bootstrap finished, 1 when it did not.
    client.seen = [];
    const ok = await run(process.execPath, [CLI, 'bootstrap-server', '--config', cfg, '--port', '0', '--client', `127.0.0.1:${client.port}`, '--endpoint', 'anjay']);
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /anjay: finish → 2\.04/);
    assert.is(client.seen.at(-1)!.path, '/bs');
    client.responder = (s) => s.code === Code.POST && s.path === '/bs' ? { code: Code.NOT_ACCEPTABLE } : anjayLike(s);
    const bad = await run(process.execPath, [CLI, 'bootstrap-server', '--config', cfg, '--port', '0', '--client', `127.0.0.1:${client.port}`, '--endpoint', 'anjay']);
    assert.is(bad.code, 1);
  } finally { await client.stop(); rmSync(dir, { recursive: true, force: true }); }
});

test('our CLI client: bootstrapped client-initiated, then server-initiated from the console; read, write, create, observe with no format', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {}, config: {
    'cli-e2e': { deleteFirst: false, servers: [{ ssid: 1, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec', lifetime: 120 }] } } });
  const c = spawn(process.execPath, [CLI, 'client', '--endpoint', 'cli-e2e', '--bootstrap', `coap://127.0.0.1:${bs.port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  c.stdout.on('data', (d) => (out += d)); c.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((r) => c.on('close', (code) => r(code)));
  try {
    await new Promise<void>((resolve, reject) => { server.once('registered', () => resolve()); setTimeout(() => reject(new Error(out)), 15_000); });
    const again = new Promise<void>((resolve, reject) => { server.once('registered', () => resolve()); setTimeout(() => reject(new Error(out)), 15_000); });
    const said: string[] = [];
    await bs.command('bootstrap cli-e2e', (l) => said.push(l));
    assert.match(said.join('\n'), /cli-e2e: bootstrap finished/);
    await again;
    assert.match(out, /bootstrap started \(server-initiated\)/);
    assert.is((await server.read('cli-e2e', '/3/0')).codeText, '2.05');
    assert.is((await server.write('cli-e2e', '/1/0/1', 300)).codeText, '2.04');
    assert.is((await server.create('cli-e2e', '/3303', { '/3303/7/5700': 1.5 })).codeText, '2.01');
    const h = await server.observe('cli-e2e', '/3303/0/5700', undefined);
    assert.is(h.response.codeText, '2.05');
  } finally { c.kill('SIGTERM'); await closed; await bs.stop(); await server.stop(); }
});

// ------------------------------------------------------------------ many clients

function coapPost(mid: number, path: string, queries: string[], payload?: string): Buffer {
  const opts: number[] = [];
  let last = 0;
  const opt = (num: number, v: Buffer) => { const d = num - last; last = num; opts.push((d << 4) | v.length, ...v); };
  opt(11, Buffer.from(path));
  if (payload) opt(12, Buffer.from([40]));
  for (const q of queries) opt(15, Buffer.from(q));
  return Buffer.from([0x40, 0x02, mid >> 8, mid & 255, ...opts, ...(payload ? [0xff, ...Buffer.from(payload)] : [])]);
}

async function sockets(n: number): Promise<dgram.Socket[]> {
  const out: dgram.Socket[] = [];
  for (let k = 0; k < n; k++) { const s = dgram.createSocket('udp4'); await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r())); out.push(s); }
  return out;
}

/** Sends one CON from each socket, resolves with the response codes (0: none within 3 s). */
function ask(socks: dgram.Socket[], port: number, msg: (k: number) => Buffer): Promise<number[]> {
  return Promise.all(socks.map((s, k) => new Promise<number>((resolve) => {
    const t = setTimeout(() => resolve(0), 3000);
    s.on('message', (m) => { if (m[1] >= 0x40 && ((m[0] >> 4) & 3) === 2) { clearTimeout(t); resolve(m[1]); } });
    s.send(msg(k), port, '127.0.0.1');
  })));
}

test('the bootstrap server hears more than 64 client addresses; a full table is logged, not silent', async () => {
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', config: ONE, log: () => {} });
  const socks = await sockets(100);
  try {
    const codes = await ask(socks, bs.port, (k) => coapPost(k + 1, 'bs', [`ep=many${k}`]));
    assert.equal(codes.filter((c) => c !== Code.CHANGED).length, 0, `answered: ${codes.filter((c) => c === Code.CHANGED).length} of 100`);
  } finally { for (const s of socks) s.close(); await bs.stop(); }
  const lines: string[] = [];
  const small = await BootstrapServer.start({ port: 0, address: '127.0.0.1', config: ONE, log: (l) => lines.push(l), maxPeers: 4 });
  const few = await sockets(6);
  try {
    await ask(few, small.port, (k) => coapPost(k + 1, 'bs', [`ep=few${k}`]));
    assert.ok(lines.some((l) => /bootstrap-server: peer table full \(4 clients in use\): datagram from 127\.0\.0\.1:\d+ dropped/.test(l)), lines.join('\n'));
    assert.ok(small.refused > 0);
  } finally { for (const s of few) s.close(); await small.stop(); }
});

test('the server registers more than 64 clients', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const socks = await sockets(80);
  try {
    const codes = await ask(socks, server.port, (k) => coapPost(k + 1, 'rd', [`ep=reg${k}`, 'lt=60'], '</3/0>'));
    assert.is(codes.filter((c) => c === Code.CREATED).length, 80);
    assert.is(server.registrations.size, 80);
    const regs: Registration[] = [...server.registrations.values()];
    assert.ok(regs.every((r) => r.lifetime === 60));
  } finally { for (const s of socks) s.close(); await server.stop(); }
});

test.run();
