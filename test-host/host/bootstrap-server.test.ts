// The host bootstrap server over real UDP on 127.0.0.1: client-initiated and server-initiated
// sequences arriving at a scripted client, unknown endpoints, libcoap's client, garbage.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { BootstrapServer, BsConfig, BsResult, BsStep, validateBsConfig } from '../../host/bootstrap-server.js';
import { decodePayload } from '../../host/server.js';
import { ScriptedClient, Seen } from './scripted-client.js';
import { Code } from '../../src/coap/codes.js';
import { ContentFormat } from '../../src/formats/content-format.js';
import { run, sleep } from '../peers.js';

const CONFIG: BsConfig = {
  node1: {
    servers: [
      { ssid: 1, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec', lifetime: 300, binding: 'U' },
    ],
  },
  psk1: {
    deleteFirst: false,
    servers: [
      { ssid: 7, uri: 'coaps://[::1]:5684', securityMode: 'psk', pskIdentity: 'id1', pskKey: '0102030405060708', lifetime: 60, binding: 'UQ', notificationStoring: false },
      { uri: 'coap://127.0.0.1:5699', securityMode: 'nosec', bootstrapServer: true },
    ],
  },
};

function answer(s: Seen) {
  if (s.code === Code.DELETE) return { code: Code.DELETED };
  if (s.code === Code.PUT) return { code: Code.CHANGED };
  if (s.code === Code.POST && s.path === '/bs') return { code: Code.CHANGED };
  if (s.code === Code.GET && s.path === '/' && s.accept === 40) return { code: Code.CONTENT, contentFormat: 40, payload: '</>;lwm2m=1.1,</0/0>;uri="coap://127.0.0.1:5699",</0/1>;ssid=101;uri="coap://127.0.0.1:5683",</1/0>;ssid=101,</3/0>' };
  if (s.code === Code.GET && s.path === '/1') return { code: Code.CONTENT, contentFormat: ContentFormat.TLV, payload: Uint8Array.from([0x08, 0x00, 0x07, 0xc1, 0x00, 0x65, 0xc2, 0x01, 0x0e, 0x10]) };
  return { code: Code.NOT_FOUND };
}

async function setup(config: unknown = CONFIG, lines: string[] = []) {
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', config, log: (l) => lines.push(l) });
  const client = await ScriptedClient.open();
  client.responder = answer;
  return { bs, client, close: async () => { await client.stop(); await bs.stop(); } };
}

function once<T extends unknown[]>(em: NodeJS.EventEmitter, ev: string): Promise<T> {
  return new Promise((r) => em.once(ev, (...a: unknown[]) => r(a as T)));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('client-initiated: 2.04, then Discover, Delete /0 and /1, Write /0/1 and /1/0 in TLV, Finish (the client\'s /0/0 bootstrap account is left alone)', async () => {
  const lines: string[] = [];
  const { bs, client, close } = await setup(CONFIG, lines);
  try {
    const steps: BsStep[] = [];
    bs.on('step', (s: BsStep) => steps.push(s));
    const fin = once<[string, number, BsResult]>(bs, 'finished');
    const r = await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=node1'] });
    assert.is(r.code, Code.CHANGED);
    const [ep, code, result] = await fin;
    assert.is(ep, 'node1');
    assert.is(code, Code.CHANGED);
    assert.ok(result.ok);
    assert.equal(client.seen.map((s) => `${s.code} ${s.path}`), [`${Code.GET} /`, `${Code.DELETE} /0`, `${Code.DELETE} /1`, `${Code.PUT} /0/1`, `${Code.PUT} /1/0`, `${Code.POST} /bs`]);
    assert.equal(steps.map((s) => `${s.step} ${s.codeText}`), ['discover / 2.05', 'delete /0 2.02', 'delete /1 2.02', 'write /0/1 2.04', 'write /1/0 2.04', 'finish 2.04']);
    const [, , , w0, w1, f] = client.seen;
    assert.is(w0.contentFormat, ContentFormat.TLV);
    // /0/1: uri (c8 00 15 "coap://127.0.0.1:5683"), bootstrap false, mode 3, identity empty, key empty, ssid 1
    assert.is(hex(w0.payload), 'c80015' + Buffer.from('coap://127.0.0.1:5683').toString('hex') + 'c10100' + 'c10203' + 'c003' + 'c005' + 'c10a01');
    assert.equal(decodePayload(ContentFormat.TLV, w0.payload, [0, 1]), [
      { path: '/0/1/0', value: 'coap://127.0.0.1:5683' }, { path: '/0/1/1', value: false }, { path: '/0/1/2', value: 3 },
      { path: '/0/1/3', value: new Uint8Array(0) }, { path: '/0/1/5', value: new Uint8Array(0) }, { path: '/0/1/10', value: 1 }]);
    // /1/0: ssid 1, lifetime 300, notification storing true, binding "U"
    assert.is(hex(w1.payload), 'c10001' + 'c201012c' + 'c10601' + 'c10755');
    assert.is(f.payload.length, 0);
    assert.ok(lines.some((l) => /Bootstrap-Request ep=node1 .*→ 2\.04/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /node1: finish → 2\.04/.test(l)));
  } finally { await close(); }
});

test('PSK account, a bootstrap-server account, deleteFirst false', async () => {
  const { bs, client, close } = await setup();
  try {
    const fin = once<[string]>(bs, 'finished');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=psk1'] });
    await fin;
    // Server accounts go to free ids, a bootstrap-server account to the client's (/0/0); nothing is
    // deleted, so the client's server 101 (/0/1, /1/0) is kept: ssid 7 takes /0/2 and /1/1.
    assert.equal(client.seen.map((s) => s.path), ['/', '/0/2', '/0/0', '/1/1', '/bs']);
    const v0 = Object.fromEntries(decodePayload(ContentFormat.TLV, client.seen[1].payload, [0, 2]).map((x) => [x.path, x.value]));
    assert.equal(v0, { '/0/2/0': 'coaps://[::1]:5684', '/0/2/1': false, '/0/2/2': 0, '/0/2/3': new TextEncoder().encode('id1'),
      '/0/2/5': Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), '/0/2/10': 7 });
    const v1 = Object.fromEntries(decodePayload(ContentFormat.TLV, client.seen[2].payload, [0, 0]).map((x) => [x.path, x.value]));
    assert.is(v1['/0/0/1'], true);
    assert.is(v1['/0/0/10'], undefined);
    const s0 = Object.fromEntries(decodePayload(ContentFormat.TLV, client.seen[3].payload, [1, 1]).map((x) => [x.path, x.value]));
    assert.equal(s0, { '/1/1/0': 7, '/1/1/1': 60, '/1/1/6': false, '/1/1/7': 'UQ' });
  } finally { await close(); }
});

test('pct=110 with no configured format: the writes are SenML JSON', async () => {
  const { bs, client, close } = await setup({ '*': { servers: [{ ssid: 3, uri: 'coap://localhost:5683', securityMode: 'nosec' }] } });
  try {
    const fin = once<[string]>(bs, 'finished');
    const r = await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=anyone', 'pct=110'] });
    assert.is(r.code, Code.CHANGED);
    assert.is((await fin)[0], 'anyone');
    const w = client.seen[3];
    assert.is(w.contentFormat, ContentFormat.SENML_JSON);
    const recs = JSON.parse(Buffer.from(w.payload).toString()) as { n?: string; bn?: string }[];
    assert.ok(Array.isArray(recs));
    const v = Object.fromEntries(decodePayload(ContentFormat.SENML_JSON, w.payload, [0, 1]).map((x) => [x.path, x.value]));
    assert.is(v['/0/1/0'], 'coap://localhost:5683');
    assert.is(v['/0/1/2'], 3);
    assert.is(v['/0/1/10'], 3);
  } finally { await close(); }
});

test('format senml-cbor: the writes are SenML CBOR', async () => {
  const { bs, client, close } = await setup({ '*': { format: 'senml-cbor', servers: [{ ssid: 4, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec', lifetime: 30 }] } });
  try {
    const fin = once<[string]>(bs, 'finished');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=c1'] });
    await fin;
    assert.is(client.seen[3].contentFormat, ContentFormat.SENML_CBOR);
    const v = Object.fromEntries(decodePayload(ContentFormat.SENML_CBOR, client.seen[4].payload, [1, 0]).map((x) => [x.path, x.value]));
    assert.equal(v, { '/1/0/0': 4, '/1/0/1': 30, '/1/0/6': true, '/1/0/7': 'U' });
  } finally { await close(); }
});

test('unknown endpoint with no "*" → 4.00; no ep → 4.00; wrong path → 4.04', async () => {
  const { bs, client, close } = await setup();
  try {
    const r = await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=stranger'] });
    assert.is(r.code, Code.BAD_REQUEST);
    const r2 = await client.send(bs.port, { code: Code.POST, path: ['bs'] });
    assert.is(r2.code, Code.BAD_REQUEST);
    const r3 = await client.send(bs.port, { code: Code.POST, path: ['rd'], query: ['ep=node1'] });
    assert.is(r3.code, Code.NOT_FOUND);
    await sleep(50);
    assert.is(client.seen.length, 0, 'no sequence started');
  } finally { await close(); }
});

test('a failing step stops the sequence and emits failed', async () => {
  const { bs, client, close } = await setup();
  try {
    client.responder = (s) => s.code === Code.PUT && s.path === '/1/0' ? { code: Code.BAD_REQUEST } : answer(s);
    const failed = once<[string, string, number]>(bs, 'failed');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=node1'] });
    const [ep, step, code] = await failed;
    assert.is(ep, 'node1');
    assert.is(step, 'write /1/0');
    assert.is(code, Code.BAD_REQUEST);
    await sleep(50);
    assert.equal(client.seen.map((s) => s.path), ['/', '/0', '/1', '/0/1', '/1/0'], 'no Finish');
  } finally { await close(); }
});

test('server-initiated with Bootstrap-Discover and Bootstrap-Read of /1', async () => {
  const { bs, client, close } = await setup();
  try {
    const res = await bs.bootstrapClient('127.0.0.1', client.port, 'node1', { discover: true, readServers: true });
    assert.ok(res.ok);
    assert.equal(res.steps.map((s) => s.step), ['discover /', 'read /1', 'delete /0', 'delete /1', 'write /0/1', 'write /1/0', 'finish']);
    assert.equal(res.links!.map((l) => l.path), ['/', '/0/0', '/0/1', '/1/0', '/3/0']);
    assert.equal(res.servers, { '/1/0/0': 101, '/1/0/1': 3600 });
    assert.is(client.seen[0].accept, 40);
    assert.is(client.seen[0].path, '/');
    assert.is(client.seen[1].path, '/1');
  } finally { await close(); }
});

test('server-initiated bootstrap of an endpoint seen before', async () => {
  const { bs, client, close } = await setup();
  try {
    const fin = once<[string]>(bs, 'finished');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=node1'] });
    await fin;
    client.seen = [];
    const res = await bs.bootstrapSeen('node1');
    assert.ok(res.ok);
    assert.is(client.seen.length, 6); // Discover, Delete /0, Delete /1, two writes, Finish
  } finally { await close(); }
});

// Found with Wakaama's lwm2mclient built SenML JSON only: it answers a TLV Bootstrap-Write 4.00 (not
// 4.15), and a server-initiated sequence has no Bootstrap-Request naming pct=.
const senmlOnly = (s: Seen) => s.code === Code.PUT && s.contentFormat !== ContentFormat.SENML_JSON ? { code: Code.BAD_REQUEST } : answer(s);

test('server-initiated, no pct= known: a Write answered 4.00 in TLV is tried in SenML JSON, which is kept', async () => {
  const { bs, client, close } = await setup();
  try {
    client.responder = senmlOnly;
    const res = await bs.bootstrapClient('127.0.0.1', client.port, 'node1');
    assert.ok(res.ok, res.steps.map((x) => `${x.step} ${x.codeText}`).join(', '));
    const puts = client.seen.filter((x) => x.code === Code.PUT);
    assert.equal(puts.map((x) => [x.path, x.contentFormat]), [['/0/1', ContentFormat.TLV], ['/0/1', ContentFormat.SENML_JSON], ['/1/0', ContentFormat.SENML_JSON]]);
    // Once a Write was taken, a 4.00 is about the values: no other format is tried.
    client.seen = [];
    client.responder = (s) => s.code === Code.PUT && s.path === '/1/0' ? { code: Code.BAD_REQUEST } : senmlOnly(s);
    const res2 = await bs.bootstrapClient('127.0.0.1', client.port, 'node1');
    assert.not.ok(res2.ok);
    assert.equal(client.seen.filter((x) => x.code === Code.PUT).map((x) => [x.path, x.contentFormat]), [['/0/1', ContentFormat.TLV], ['/0/1', ContentFormat.SENML_JSON], ['/1/0', ContentFormat.SENML_JSON]]);
  } finally { await close(); }
});

test('server-initiated bootstrap of an endpoint seen before uses the pct= of its last Bootstrap-Request', async () => {
  const { bs, client, close } = await setup();
  try {
    client.responder = senmlOnly;
    const fin = once<[string]>(bs, 'finished');
    await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=node1', 'pct=110'] });
    await fin;
    client.seen = [];
    const res = await bs.bootstrapSeen('node1');
    assert.ok(res.ok);
    assert.equal(client.seen.filter((x) => x.code === Code.PUT).map((x) => x.contentFormat), [ContentFormat.SENML_JSON, ContentFormat.SENML_JSON]);
  } finally { await close(); }
});

// Found with Anjay 3.14's demo client: it asks for a Bootstrap-Pack (LwM2M 1.2) and applies it as
// plain writes, with its bootstrap account at /0/1.
const anjayDiscover = (s: Seen) => s.code === Code.GET && s.path === '/' && s.accept === 40
  ? { code: Code.CONTENT, contentFormat: 40, payload: '</>;lwm2m=1.2,</0/1>,</3/0>' } : answer(s);

test('Bootstrap-Pack-Request: Discover first, then the pack as a separate response, its Security instance beside the client\'s /0/1 account', async () => {
  const lines: string[] = [];
  const { bs, client, close } = await setup({ '*': { servers: [{ ssid: 1, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec', lifetime: 60 }] } }, lines);
  try {
    client.responder = anjayDiscover;
    const fin = once<[string, number]>(bs, 'finished');
    const r = await client.send(bs.port, { code: Code.GET, path: ['bspack'], query: ['ep=an1'], accept: ContentFormat.SENML_CBOR });
    assert.is(r.code, Code.CONTENT, lines.join('\n'));
    assert.is(r.contentFormat, ContentFormat.SENML_CBOR);
    assert.equal(client.seen.map((x) => [x.code, x.path, x.accept]), [[Code.GET, '/', 40]], 'a Bootstrap-Discover before the answer');
    const v = Object.fromEntries(decodePayload(ContentFormat.SENML_CBOR, r.payload, []).map((x) => [x.path, x.value]));
    assert.is(v['/0/0/0'], 'coap://127.0.0.1:5683');
    assert.is(v['/0/0/10'], 1);
    assert.ok(!Object.keys(v).some((k) => k.startsWith('/0/1/')), 'nothing written over the bootstrap account /0/1');
    assert.is(v['/1/0/1'], 60);
    assert.is((await fin)[0], 'an1');
    // The sender of a Bootstrap-Pack-Request is remembered: "bootstrap an1" finds it.
    client.seen = [];
    const out: string[] = [];
    await bs.command('bootstrap an1', (l) => out.push(l));
    assert.match(out.join('\n'), /an1: bootstrap finished/);
    assert.equal(client.seen.filter((x) => x.code === Code.PUT).map((x) => x.path), ['/0/0', '/1/0']);
  } finally { await close(); }
});

test('Bootstrap-Pack-Request of a client without Bootstrap-Discover: the conventional ids', async () => {
  const { bs, client, close } = await setup({ '*': { servers: [{ ssid: 1, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec' }] } });
  try {
    client.responder = (s) => s.path === '/' ? { code: Code.METHOD_NOT_ALLOWED } : answer(s);
    const r = await client.send(bs.port, { code: Code.GET, path: ['bspack'], query: ['ep=old'] });
    assert.is(r.code, Code.CONTENT);
    const v = Object.fromEntries(decodePayload(ContentFormat.SENML_CBOR, r.payload, []).map((x) => [x.path, x.value]));
    assert.is(v['/0/1/0'], 'coap://127.0.0.1:5683');
  } finally { await close(); }
});

test('a client that does not answer: stop() ends the pending step as failed, cancelled (not a timeout it never waited for)', async () => {
  const { bs, close } = await setup();
  try {
    // Nobody listens on this port: the first CON is retransmitted; we only check the session is
    // pending and stop() resolves it as failed, without waiting for EXCHANGE_LIFETIME.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    let got = 0;
    sock.on('message', () => got++);
    const p = bs.bootstrapClient('127.0.0.1', port, 'node1');
    for (let k = 0; k < 100 && got === 0; k++) await sleep(10);
    assert.is(got, 1);
    await bs.stop();
    const res = await p;
    sock.close();
    assert.not.ok(res.ok);
    assert.is(res.steps[0].codeText, 'cancelled');
  } finally { await close(); }
});

test('coap-client-notls POST /bs?ep=test → 2.04', async () => {
  const { bs, close } = await setup({ test: { servers: [{ ssid: 1, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec' }] } });
  try {
    const r = await run('coap-client-notls', ['-m', 'post', '-B', '3', '-v', '7', `coap://127.0.0.1:${bs.port}/bs?ep=test`]);
    assert.match(r.stdout + r.stderr, /2\.04/, r.stdout + r.stderr);
  } finally { await close(); }
});

test('garbage datagrams do not crash the bootstrap server', async () => {
  const { bs, client, close } = await setup();
  const sock = dgram.createSocket('udp4');
  try {
    const junk: Buffer[] = [Buffer.alloc(0), Buffer.from([0x40]), Buffer.from('GET /bs'), Buffer.from([0x42, 0x02, 0x00, 0x01, 0xaa])];
    junk.push(Buffer.from([0x40, 0x02, 0x00, 0x02, 0xb2, 0x62, 0x73, 0x4f, 0x65, 0x70, 0x3d, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));
    for (let n = 0; n < 200; n++) junk.push(Buffer.from(Array.from({ length: (n * 5) % 50 }, (_, k) => (n * 13 + k * 29) & 255)));
    for (const j of junk) sock.send(j, bs.port, '127.0.0.1');
    await sleep(200);
    const r = await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=stranger'] });
    assert.is(r.code, Code.BAD_REQUEST);
  } finally { sock.close(); await close(); }
});

test('configuration validation names the wrong field; the example file is valid', () => {
  assert.throws(() => validateBsConfig([]), /top level/);
  assert.throws(() => validateBsConfig({ a: { servers: 3 } }), /a: "servers" must be a list/);
  assert.throws(() => validateBsConfig({ a: { servers: [{ ssid: 1, uri: 'http://x', securityMode: 'nosec' }] } }), /a\.servers\[0\]: "uri"/);
  assert.throws(() => validateBsConfig({ a: { servers: [{ ssid: 1, uri: 'coap://x', securityMode: 'psk' }] } }), /pskIdentity/);
  assert.throws(() => validateBsConfig({ a: { servers: [{ uri: 'coap://x', securityMode: 'nosec' }] } }), /ssid/);
  assert.throws(() => validateBsConfig({ a: { format: 'xml', servers: [] } }), /format/);
  const ex = validateBsConfig(JSON.parse(readFileSync(new URL('../../../host/bs-config.example.json', import.meta.url), 'utf8')));
  assert.ok(ex['*']);
  assert.ok(ex['secure-node']);
});

test.run();
