// The host LwM2M server over real UDP on 127.0.0.1, driven by a scripted client on the same Endpoint.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { Lwm2mServer, Registration, decodePayload, encodePayload, parseLinks, parsePath } from '../../host/server.js';
import { ScriptedClient } from './scripted-client.js';
import { Code } from '../../src/coap/codes.js';
import { MessageWriter, MsgType } from '../../src/coap/message.js';
import { ContentFormat } from '../../src/formats/content-format.js';
import { sleep } from '../peers.js';

const te = new TextEncoder();
const LINKS = '</>;rt="oma.lwm2m";ct=11542,</1/0>,</3/0>,</3303/0>;ver=1.1';

async function setup(lines: string[] = []) {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => lines.push(l) });
  const client = await ScriptedClient.open();
  return { server, client, close: async () => { await client.stop(); await server.stop(); } };
}

async function register(client: ScriptedClient, port: number, ep = 'node1', lt = 300) {
  return client.send(port, { code: Code.POST, path: ['rd'], query: [`ep=${ep}`, `lt=${lt}`, 'lwm2m=1.1', 'b=U'],
    contentFormat: ContentFormat.LINK_FORMAT, payload: te.encode(LINKS) });
}

function once<T extends unknown[]>(em: NodeJS.EventEmitter, ev: string): Promise<T> {
  return new Promise((r) => em.once(ev, (...a: unknown[]) => r(a as T)));
}

test('paths, links and payload helpers', () => {
  assert.equal(parsePath('/3/0/1'), [3, 0, 1]);
  assert.equal(parsePath('/'), []);
  assert.throws(() => parsePath('/3/x'));
  assert.throws(() => parsePath('/70000'));
  const l = parseLinks(LINKS);
  assert.is(l.length, 4);
  assert.is(l[0].attrs.rt, 'oma.lwm2m');
  assert.is(l[3].path, '/3303/0');
  assert.is(l[3].attrs.ver, '1.1');
  // TLV of /1/0/1 = 300: resource header 0xc1? no: 2 bytes → 0xc2 01 01 2c
  const tlv = encodePayload(ContentFormat.TLV, [1, 0, 1], 300);
  assert.is(Buffer.from(tlv).toString('hex'), 'c201012c');
  assert.equal(decodePayload(ContentFormat.TLV, tlv, [1, 0, 1]), [{ path: '/1/0/1', value: 300 }]);
  const sj = encodePayload(ContentFormat.SENML_JSON, [3, 0], { '/3/0/0': 'ACME', '/3/0/9': 87 });
  const back = decodePayload(ContentFormat.SENML_JSON, sj, [3, 0]);
  assert.equal(back, [{ path: '/3/0/0', value: 'ACME' }, { path: '/3/0/9', value: 87 }]);
});

test('register → 2.01 with Location-Path rd/<id>; update → 2.04; deregister → 2.02; unknown → 4.04', async () => {
  const lines: string[] = [];
  const { server, client, close } = await setup(lines);
  try {
    const regd = once<[Registration]>(server, 'registered');
    const r = await register(client, server.port);
    assert.is(r.code, Code.CREATED);
    assert.is(r.locationPath[0], 'rd');
    assert.is(r.locationPath.length, 2);
    const [reg] = await regd;
    assert.is(reg.endpoint, 'node1');
    assert.is(reg.lifetime, 300);
    assert.is(reg.lwm2m, '1.1');
    assert.is(reg.binding, 'U');
    assert.equal(reg.objects.map((o) => o.path), ['/1/0', '/3/0', '/3303/0']);
    assert.is(server.registrations.get('node1')!.id, r.locationPath[1]);
    const upd = once<[Registration]>(server, 'updated');
    const u = await client.send(server.port, { code: Code.POST, path: ['rd', r.locationPath[1]], query: ['lt=600'] });
    assert.is(u.code, Code.CHANGED);
    assert.is((await upd)[0].lifetime, 600);
    const bad = await client.send(server.port, { code: Code.POST, path: ['rd', '999'] });
    assert.is(bad.code, Code.NOT_FOUND);
    const dereg = once<[Registration, string]>(server, 'deregistered');
    const d = await client.send(server.port, { code: Code.DELETE, path: ['rd', r.locationPath[1]] });
    assert.is(d.code, Code.DELETED);
    assert.is((await dereg)[1], 'deregister');
    assert.is(server.registrations.size, 0);
    const d2 = await client.send(server.port, { code: Code.DELETE, path: ['rd', r.locationPath[1]] });
    assert.is(d2.code, Code.NOT_FOUND);
    const noEp = await client.send(server.port, { code: Code.POST, path: ['rd'], query: ['lt=5'] });
    assert.is(noEp.code, Code.BAD_REQUEST);
    assert.ok(lines.some((l) => /register node1 .*→ 2\.01/.test(l)), lines.join('\n'));
  } finally { await close(); }
});

test('a registration expires after its lifetime', async () => {
  const { server, client, close } = await setup();
  try {
    const r = await register(client, server.port, 'shortlived', 1);
    assert.is(r.code, Code.CREATED);
    const [reg, reason] = await once<[Registration, string]>(server, 'deregistered');
    assert.is(reg.endpoint, 'shortlived');
    assert.is(reason, 'expired');
    const u = await client.send(server.port, { code: Code.POST, path: ['rd', r.locationPath[1]] });
    assert.is(u.code, Code.NOT_FOUND);
  } finally { await close(); }
});

test('read, write, execute, discover, write-attributes, delete, create reach the client as the right requests', async () => {
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = (s) => {
      if (s.code === Code.GET && s.path === '/3/0/0') return { code: Code.CONTENT, contentFormat: ContentFormat.TEXT, payload: 'ACME Corp' };
      if (s.code === Code.GET && s.path === '/3/0' && s.accept === ContentFormat.LINK_FORMAT) return { code: Code.CONTENT, contentFormat: 40, payload: '</3/0>,</3/0/0>,</3/0/9>;pmin=10' };
      if (s.code === Code.GET && s.path === '/3/0') {
        // TLV: /3/0/0 "ACME", /3/0/9 87 (resources at instance level)
        return { code: Code.CONTENT, contentFormat: ContentFormat.TLV, payload: Uint8Array.from([0xc4, 0x00, 0x41, 0x43, 0x4d, 0x45, 0xc1, 0x09, 87]) };
      }
      if (s.code === Code.PUT && s.path === '/1/0/1') return { code: Code.CHANGED };
      if (s.code === Code.POST && s.path === '/3/0/4') return { code: Code.CHANGED };
      if (s.code === Code.DELETE) return { code: Code.DELETED };
      if (s.code === Code.POST && s.path === '/3303') return { code: Code.CREATED };
      return { code: Code.NOT_FOUND };
    };
    const r1 = await server.read('node1', '/3/0/0');
    assert.ok(r1.ok);
    assert.is(r1.value, 'ACME Corp');
    const r2 = await server.read('node1', '/3/0', 'tlv');
    assert.equal(r2.value, { '/3/0/0': 'ACME', '/3/0/9': 87 });
    assert.is(client.seen[1].accept, ContentFormat.TLV);
    const w = await server.write('node1', '/1/0/1', 300);
    assert.is(w.code, Code.CHANGED);
    const ws = client.seen[2];
    assert.is(ws.code, Code.PUT);
    assert.is(ws.contentFormat, ContentFormat.TLV);
    assert.is(Buffer.from(ws.payload).toString('hex'), 'c201012c');
    const e = await server.execute('node1', '/3/0/4');
    assert.is(e.code, Code.CHANGED);
    assert.is(client.seen[3].code, Code.POST);
    assert.is(client.seen[3].payload.length, 0);
    const d = await server.discover('node1', '/3/0');
    assert.equal(d.links!.map((l) => l.path), ['/3/0', '/3/0/0', '/3/0/9']);
    const a = await server.writeAttributes('node1', '/3/0/9', { pmin: 10, pmax: 60, gt: 50 });
    assert.is(a.code, Code.NOT_FOUND); // our responder has no attribute handling
    assert.equal([...client.seen[5].query.entries()], [['pmin', '10'], ['pmax', '60'], ['gt', '50']]);
    assert.is(client.seen[5].code, Code.PUT);
    const c = await server.create('node1', '/3303', { '/3303/1/5700': 21.5 });
    assert.is(c.code, Code.CREATED);
    assert.is(client.seen[6].contentFormat, ContentFormat.TLV);
    // object instance 1 (07 01) holding resource 5700 (e4 16 44) = 21.5 as a 4-byte float
    assert.is(Buffer.from(client.seen[6].payload).toString('hex'), '0701e4164441ac0000');
    const del = await server.delete('node1', '/3303/1');
    assert.is(del.code, Code.DELETED);
    const nf = await server.read('node1', '/9/9');
    assert.not.ok(nf.ok);
    assert.is(nf.codeText, '4.04');
    let err = '';
    await server.readComposite('nobody', ['/3/0']).catch((e: Error) => (err = e.message));
    assert.match(err, /no registration for endpoint "nobody"/);
  } finally { await close(); }
});

test('read-composite sends FETCH with a SenML path list', async () => {
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = (s) => s.code === Code.FETCH
      ? { code: Code.CONTENT, contentFormat: ContentFormat.SENML_JSON, payload: '[{"n":"/3/0/0","vs":"ACME"},{"n":"/1/0/1","v":300}]' }
      : { code: Code.NOT_FOUND };
    const r = await server.readComposite('node1', ['/3/0/0', '/1/0/1']);
    assert.is(r.code, Code.CONTENT);
    assert.equal(r.value, { '/3/0/0': 'ACME', '/1/0/1': 300 });
    assert.is(client.seen[0].path, '/');
    assert.equal(JSON.parse(Buffer.from(client.seen[0].payload).toString()), [{ n: '/3/0/0' }, { n: '/1/0/1' }]);
  } finally { await close(); }
});

test('observe: notifications arrive via the token, CON ones are ACKed; cancel sends GET Observe=1 and later ones get RST', async () => {
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = (s) => {
      if (s.code === Code.GET && s.observe === 0) return { code: Code.CONTENT, observe: 1, contentFormat: ContentFormat.TEXT, payload: '20.5' };
      if (s.code === Code.GET && s.observe === 1) return { code: Code.CONTENT, contentFormat: ContentFormat.TEXT, payload: '22' };
      return { code: Code.NOT_FOUND };
    };
    const got: unknown[] = [];
    const h = await server.observe('node1', '/3303/0/5700', undefined, (r) => got.push(r.value));
    assert.ok(h.active);
    assert.is(h.response.value, 20.5);
    const obsReq = client.seen[0];
    assert.is(obsReq.observe, 0);
    assert.is(obsReq.token, h.token);
    const ev = once<[string, string]>(server, 'notification');
    client.notify(server.port, h.token, 2, '21', ContentFormat.TEXT, MsgType.NON);
    const [epName, path] = await ev;
    assert.is(epName, 'node1');
    assert.is(path, '/3303/0/5700');
    client.notify(server.port, h.token, 3, '21.25', ContentFormat.TEXT, MsgType.CON);
    for (let k = 0; k < 100 && client.delivered.length < 1; k++) await sleep(10);
    assert.equal(got, [21, 21.25]);
    assert.is(client.delivered.length, 1, 'CON notification ACKed');
    const c = await h.cancel();
    assert.ok(c && c.ok);
    const cancelReq = client.seen[1];
    assert.is(cancelReq.observe, 1);
    assert.is(cancelReq.token, h.token, 'the cancel reuses the token');
    assert.is(cancelReq.path, '/3303/0/5700');
    assert.not.ok(h.active);
    client.notify(server.port, h.token, 4, '30', ContentFormat.TEXT, MsgType.CON);
    for (let k = 0; k < 100 && client.resets.length < 1; k++) await sleep(10);
    assert.is(client.resets.length, 1, 'a notification after cancel gets RST');
    assert.equal(got, [21, 21.25]);
  } finally { await close(); }
});

test('bootstrapTrigger answered 4.05 (Wakaama\'s client has none) says the client does not support it', async () => {
  const lines: string[] = [];
  const { server, client, close } = await setup(lines);
  try {
    await register(client, server.port);
    client.responder = () => ({ code: Code.METHOD_NOT_ALLOWED });
    const r = await server.bootstrapTrigger('node1');
    assert.is(r.codeText, '4.05');
    assert.ok(lines.some((l) => /node1 does not support the Bootstrap-Request Trigger \(\/1\/0\/9 → 4\.05\)/.test(l)), lines.join('\n'));
  } finally { await close(); }
});

test('bootstrapTrigger executes /1/<i>/9', async () => {
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = () => ({ code: Code.CHANGED });
    const r = await server.bootstrapTrigger('node1');
    assert.ok(r.ok);
    assert.is(client.seen[0].path, '/1/0/9');
    assert.is(client.seen[0].code, Code.POST);
  } finally { await close(); }
});

test('console commands', async () => {
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = (s) => s.path === '/3/0/0' ? { code: Code.CONTENT, contentFormat: 0, payload: 'ACME' } : { code: Code.CHANGED };
    const out: string[] = [];
    await server.command('list', (s) => out.push(s));
    assert.match(out[0], /^node1 \/rd\/\d+ 127\.0\.0\.1:\d+ lt=300/);
    await server.command('read node1 /3/0/0', (s) => out.push(s));
    assert.is(out[1], 'read node1 /3/0/0 → 2.05 text "ACME"');
    await server.command('write node1 /1/0/1 300', (s) => out.push(s));
    assert.is(out[2], 'write node1 /1/0/1 → 2.04');
    assert.is(Buffer.from(client.seen[1].payload).toString('hex'), 'c201012c');
    await server.command('exec node1 /3/0/4', (s) => out.push(s));
    assert.is(out[3], 'execute node1 /3/0/4 → 2.04');
    await server.command('create node1 /3303 { "/3303/1/5700": 21.5 }', (s) => out.push(s));
    assert.is(out[4], 'create node1 /3303 → 2.04');
    assert.is(Buffer.from(client.seen[3].payload).toString('hex'), '0701e4164441ac0000');
    out.pop();
    await server.command('help', (s) => out.push(s));
    assert.match(out[4], /observe <ep> <path>/);
    let err = '';
    await server.command('read nobody /3/0', () => {}).catch((e) => (err = e.message));
    assert.match(err, /no registration/);
    await server.command('frobnicate', () => {}).catch((e) => (err = e.message));
    assert.match(err, /unknown command/);
  } finally { await close(); }
});

test('console write of an instance takes JSON; one value for a non-resource path is refused, not sent', async () => {
  // Found with Wakaama's client: `write wk /31024/11 {...}` went out as one text value for the
  // instance, a replace with no resources, and Wakaama deleted the instance (4.04).
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = () => ({ code: Code.CHANGED });
    const out: string[] = [];
    await server.command('write node1 /1/0 {"/1/0/1": 60, "/1/0/7": "UQ"} senml-json', (s) => out.push(s));
    assert.equal(out, ['write node1 /1/0 → 2.04']);
    assert.is(client.seen[0].code, Code.PUT);
    assert.is(client.seen[0].path, '/1/0');
    assert.is(client.seen[0].contentFormat, ContentFormat.SENML_JSON);
    assert.equal(decodePayload(ContentFormat.SENML_JSON, client.seen[0].payload, [1, 0]), [{ path: '/1/0/1', value: 60 }, { path: '/1/0/7', value: 'UQ' }]);
    let err = '';
    await server.command('write node1 /1/0 5', () => {}).catch((e) => (err = e.message));
    assert.match(err, /one value needs a resource path/);
    await server.command('write node1 /1/0 {"/1/0/1": 6', () => {}).catch((e) => (err = e.message));
    assert.match(err, /is not JSON/);
    assert.is(client.seen.length, 1, 'nothing sent for the refused lines');
  } finally { await close(); }
});

test('console write of a number with a point or an exponent to a resource of unknown type is a TLV float', async () => {
  // Found with Anjay's demo: `write an /33605/5/18 2.5e10` went as an 8-byte TLV integer, which its
  // double resource took as the bits of 1.2e-313.
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = () => ({ code: Code.CHANGED });
    await server.command('write node1 /33605/5/18 2.5e10', () => {});
    await server.command('write node1 /33605/5/18 7', () => {});
    await server.command('write node1 /1/0/1 300.0', () => {}); // a declared Integer stays one
    const hex = client.seen.map((x) => Buffer.from(x.payload).toString('hex'));
    assert.is(hex[0], 'c81208' + Buffer.from(new Float64Array([2.5e10]).buffer).reverse().toString('hex'));
    assert.is(hex[1], 'c11207');
    assert.is(hex[2], 'c201012c');
  } finally { await close(); }
});

test('write with a format and partial update; SenML CBOR composite; Send (POST /dp)', async () => {
  const { server, client, close } = await setup();
  try {
    await register(client, server.port);
    client.responder = (s) => {
      if (s.code === Code.FETCH) {
        const cbor = encodePayload(ContentFormat.SENML_CBOR, [], { '/3/0/0': 'ACME', '/3/0/9': 87 });
        return { code: Code.CONTENT, contentFormat: ContentFormat.SENML_CBOR, payload: cbor };
      }
      return { code: Code.CHANGED };
    };
    const w = await server.write('node1', '/1/0', { '/1/0/1': 60, '/1/0/7': 'UQ' }, { format: 'senml-json', partial: true });
    assert.ok(w.ok);
    assert.is(client.seen[0].code, Code.POST);
    assert.is(client.seen[0].contentFormat, ContentFormat.SENML_JSON);
    assert.equal(decodePayload(ContentFormat.SENML_JSON, client.seen[0].payload, [1, 0]), [{ path: '/1/0/1', value: 60 }, { path: '/1/0/7', value: 'UQ' }]);
    await server.write('node1', '/1/0/1', 90, 'text');
    assert.is(client.seen[1].code, Code.PUT);
    assert.is(client.seen[1].contentFormat, ContentFormat.TEXT);
    assert.is(Buffer.from(client.seen[1].payload).toString(), '90');
    const c = await server.readComposite('node1', ['/3/0/0', '/3/0/9'], 'senml-cbor');
    assert.equal(c.value, { '/3/0/0': 'ACME', '/3/0/9': 87 });
    // request body: [{0: "/3/0/0"}, {0: "/3/0/9"}] in CBOR
    assert.is(Buffer.from(client.seen[2].payload).toString('hex'), '82a1006' + '6' + Buffer.from('/3/0/0').toString('hex') + 'a10066' + Buffer.from('/3/0/9').toString('hex'));
    assert.is(client.seen[2].accept, ContentFormat.SENML_CBOR);
    const sent = once<[string, { path: string; value: unknown }[]]>(server, 'send');
    const r = await client.send(server.port, { code: Code.POST, path: ['dp'], contentFormat: ContentFormat.SENML_JSON, payload: te.encode('[{"n":"/3303/0/5700","v":22.5}]') });
    assert.is(r.code, Code.CHANGED);
    const [ep, recs] = await sent;
    assert.is(ep, 'node1');
    assert.equal(recs, [{ path: '/3303/0/5700', value: 22.5 }]);
    const bad = await client.send(server.port, { code: Code.POST, path: ['dp'], contentFormat: ContentFormat.SENML_JSON, payload: te.encode('[{') });
    assert.is(bad.code, Code.BAD_REQUEST);
  } finally { await close(); }
});

test('queue mode: a request to a sleeping client waits for its Update', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, awakeMs: 100 });
  const client = await ScriptedClient.open();
  try {
    const r = await client.send(server.port, { code: Code.POST, path: ['rd'], query: ['ep=sleepy', 'lt=60', 'b=UQ'], payload: te.encode('</3/0>') });
    assert.is(r.code, Code.CREATED);
    assert.ok(server.registrations.get('sleepy')!.queueMode);
    client.responder = () => ({ code: Code.CONTENT, contentFormat: 0, payload: 'awake' });
    await sleep(150);
    let done = false;
    const p = server.read('sleepy', '/3/0/0').then((x) => { done = true; return x; });
    await sleep(100);
    assert.not.ok(done, 'held while asleep');
    assert.is(client.seen.length, 0);
    const u = await client.send(server.port, { code: Code.POST, path: ['rd', r.locationPath[1]] });
    assert.is(u.code, Code.CHANGED);
    const res = await p;
    assert.is(res.value, 'awake');
    assert.is(client.seen.length, 1);
  } finally { await client.stop(); await server.stop(); }
});

test('a new Register cancels the requests pending to the old registration (as Leshan does): NSTART 1 no longer holds back the new one', async () => {
  const lines: string[] = [];
  const { server, client, close } = await setup(lines);
  try {
    await register(client, server.port);
    client.responder = (s) => s.path === '/3/0/1' ? { code: 0, silent: true } : { code: Code.CONTENT, contentFormat: ContentFormat.TEXT, payload: 'ACME' };
    const old = server.registrations.get('node1')!;
    // A NON request the client never answers: it stays outstanding for NON_LIFETIME (145 s).
    const stuck = server.request(old.peer, { code: Code.GET, type: MsgType.NON, path: ['3', '0', '1'] });
    await client.waitSeen(1);
    await register(client, server.port); // the client restarted: a new Register from the same address
    const r = await Promise.race([stuck, sleep(5000).then(() => null)]);
    assert.is(r?.failed, 'cancelled', 'the old registration\'s request ends when the client registers anew');
    const read = await Promise.race([server.read('node1', '/3/0/0'), sleep(10_000).then(() => null)]);
    assert.is(read?.value, 'ACME', 'the new registration is read at once, not after the old request\'s NON_LIFETIME');
    assert.ok(lines.some((l) => /1 request\(s\) to node1 \(\/rd\/1\) cancelled: the registration was replaced by a new Register/.test(l)), lines.join('\n'));
  } finally { await close(); }
});

test('console: each result is printed once (not in the log too), naming the content format that came back', async () => {
  // Found driving `lwm2m-mcu server` by hand: every result came twice, a log line and the bare answer,
  // and neither said whether the client answered TLV, SenML or text.
  const lines: string[] = [];
  const { server, client, close } = await setup(lines);
  try {
    await register(client, server.port);
    const tlv = encodePayload(ContentFormat.TLV, [3303, 0], { '/3303/0/5700': 21.5, '/3303/0/5701': 'Cel' });
    const cbor = encodePayload(ContentFormat.SENML_CBOR, [3303, 0], { '/3303/0/5700': 21.5 });
    const lcbor = encodePayload(ContentFormat.LWM2M_CBOR, [3303, 0, 5700], 21.5);
    client.responder = (s) =>
      s.path === '/3/0/0' ? { code: Code.CONTENT, contentFormat: ContentFormat.TEXT, payload: 'ACME' }
      : s.path === '/3/0/1' ? { code: Code.CONTENT, payload: 'no option' }
      : s.path === '/3/0/3' ? { code: Code.CONTENT, contentFormat: ContentFormat.OPAQUE, payload: new Uint8Array([1, 2]) }
      : s.path === '/3/0/9' ? { code: Code.CONTENT, contentFormat: 1234, payload: 'x' }
      : s.path === '/3303/0/5700' ? { code: Code.CONTENT, contentFormat: ContentFormat.LWM2M_CBOR, payload: lcbor, observe: s.observe === 0 ? 1 : undefined }
      : s.path === '/3303/0' && s.accept === ContentFormat.SENML_CBOR ? { code: Code.CONTENT, contentFormat: ContentFormat.SENML_CBOR, payload: cbor }
      : s.path === '/3303/0' ? { code: Code.CONTENT, contentFormat: ContentFormat.TLV, payload: tlv }
      : s.path === '/3' ? { code: Code.CONTENT, contentFormat: ContentFormat.LINK_FORMAT, payload: '</3>,</3/0>' }
      : s.path === '/' ? { code: Code.CONTENT, contentFormat: ContentFormat.SENML_JSON, payload: '[{"n":"/3/0/0","vs":"ACME"},{"n":"/3303/0/5700","v":21.5}]' }
      : s.path === '/3303' ? { code: Code.CREATED } : { code: Code.NOT_FOUND };
    const before = lines.length;
    const out: string[] = [];
    const say = (l: string) => out.push(l);
    for (const c of ['read node1 /3/0/0', 'read node1 /3/0/1', 'read node1 /3/0/3', 'read node1 /3/0/9', 'read node1 /3303/0/5700',
      'read node1 /3303/0', 'read node1 /3303/0 senml-cbor', 'discover node1 /3', 'composite node1 /3/0/0 /3303/0/5700', 'delete node1 /3/0/7']) {
      await server.command(c, say);
    }
    assert.equal(out, [
      'read node1 /3/0/0 → 2.05 text "ACME"',
      'read node1 /3/0/1 → 2.05 text (no Content-Format) "no option"',
      'read node1 /3/0/3 → 2.05 opaque "0x0102"',
      'read node1 /3/0/9 → 2.05 Content-Format 1234 (cannot decode content format 1234)',
      'read node1 /3303/0/5700 → 2.05 LwM2M CBOR 21.5',
      'read node1 /3303/0 → 2.05 TLV {"/3303/0/5700":21.5,"/3303/0/5701":"Cel"}',
      'read node1 /3303/0 → 2.05 SenML CBOR {"/3303/0/5700":21.5}',
      'discover node1 /3 → 2.05 link format </3>,</3/0>',
      // the endpoint first, then the paths (it said "read-composite /3/0/0,/3303/0/5700 node1 /")
      'read-composite node1 /3/0/0,/3303/0/5700 → 2.05 SenML JSON {"/3/0/0":"ACME","/3303/0/5700":21.5}',
      'delete node1 /3/0/7 → 4.04',
    ]);
    assert.equal(lines.slice(before), [], 'nothing of it in the log as well');
    // An observation started at the console prints its notifications there, once each.
    await server.command('observe node1 /3303/0/5700', say);
    assert.equal(out.slice(-2), ['observe #1 node1 /3303/0/5700 → 2.05 LwM2M CBOR 21.5', 'observation #1 (cancel 1 to stop)']);
    const tok = client.seen[client.seen.length - 1].token;
    client.notify(server.port, tok, 5, encodePayload(ContentFormat.LWM2M_CBOR, [3303, 0, 5700], 22.5), ContentFormat.LWM2M_CBOR);
    for (let k = 0; k < 100 && out.length < 13; k++) await sleep(10);
    assert.is(out[12], 'notification #1 seq 5 node1 /3303/0/5700 → 2.05 LwM2M CBOR 22.5');
    assert.equal(lines.slice(before), [], 'the notification is not in the log as well');
    // The same operations through the API (no console): one log line each, with the format.
    await server.read('node1', '/3303/0');
    assert.equal(lines.slice(before), ['server: read node1 /3303/0 → 2.05 TLV {"/3303/0/5700":21.5,"/3303/0/5701":"Cel"}']);
  } finally { await close(); }
});

test('a de-registration, an expiry or a new Register says which observations it cancelled', async () => {
  // Found driving the console: after a client de-registered, its observations silently vanished from `list`.
  const lines: string[] = [];
  const { server, client, close } = await setup(lines);
  try {
    const r = await register(client, server.port);
    client.responder = () => ({ code: Code.CONTENT, contentFormat: ContentFormat.TEXT, observe: 1, payload: '21.5' });
    const out: string[] = [];
    await server.command('observe node1 /3303/0/5700', (l) => out.push(l));
    await server.command('observe node1 /3/0/9', (l) => out.push(l));
    out.length = 0;
    await server.command('list', (l) => out.push(l));
    assert.equal(out.slice(1), ['observation #1 node1 /3303/0/5700', 'observation #2 node1 /3/0/9']);
    const d = await client.send(server.port, { code: Code.DELETE, path: ['rd', r.locationPath[1]] });
    assert.is(d.code, Code.DELETED);
    assert.ok(lines.includes('server: observations of node1 cancelled (it de-registered): #1 /3303/0/5700, #2 /3/0/9'), lines.join('\n'));
    out.length = 0;
    await server.command('list', (l) => out.push(l));
    assert.equal(out, ['no registrations']);
    // A new Register of the same endpoint replaces the old registration and its observations.
    await register(client, server.port);
    await server.observe('node1', '/3303/0/5700', undefined);
    await register(client, server.port);
    assert.ok(lines.includes('server: observations of node1 cancelled (it registered anew): #3 /3303/0/5700'), lines.join('\n'));
    // An expiry (lt=1).
    await register(client, server.port, 'node2', 1);
    await server.observe('node2', '/3/0/9', undefined);
    const expired = once(server, 'deregistered');
    await expired;
    assert.ok(lines.includes('server: observations of node2 cancelled (its registration expired): #4 /3/0/9'), lines.join('\n'));
  } finally { await close(); }
});

test('a duplicate of a piggybacked response gets no RST and no log line; only what is sent is logged', async () => {
  // RFC 7252 §4.2: an ACK is never answered, so the server sent nothing for the client's repeated ACK
  // (its answer to our retransmitted request) — yet it logged "… unknown token … → RST" for each
  // (796 such lines in one loss trial).
  const lines: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => lines.push(l) });
  const sock = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const w = new MessageWriter();
  const msg = (type: number, code: number, mid: number, token: Uint8Array, build: (w: MessageWriter) => void = () => {}) => {
    const b = new Uint8Array(256);
    w.begin(b, 0, b.length, type, code, mid, token, 0, token.length);
    build(w);
    return Buffer.from(b.subarray(0, w.end()));
  };
  const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, server.port, '127.0.0.1', () => r()));
  const next = async () => { for (let k = 0; k < 200 && got.length === 0; k++) await sleep(10); return got.shift(); };
  try {
    await send(msg(MsgType.CON, Code.POST, 1, new Uint8Array([1]), (x) => {
      x.option(11, te.encode('rd'), 0, 2); x.option(15, te.encode('ep=raw'), 0, 6);
    }));
    assert.is((await next())?.[1], Code.CREATED);
    const read = server.read('raw', '/3/0/0');
    const get = (await next())!;
    assert.is(get[0] >> 4 & 3, MsgType.CON);
    const mid = get.readUInt16BE(2), token = new Uint8Array(get.subarray(4, 4 + (get[0] & 15)));
    const ack = msg(MsgType.ACK, Code.CONTENT, mid, token, (x) => { x.optionUint(12, 0); x.payload(te.encode('ACME'), 0, 4); });
    await send(ack);
    assert.is((await read).value, 'ACME');
    await send(ack); // the duplicate
    await send(ack);
    await sleep(200);
    assert.is(got.length, 0, 'nothing is sent for a duplicate ACK');
    assert.is(server.duplicateResponses, 2);
    assert.not.ok(lines.some((l) => /unknown token|RST/.test(l)), lines.join('\n'));
    // An ACK nobody asked for: logged, but without "RST", since none is sent.
    await send(msg(MsgType.ACK, Code.CONTENT, 4242, new Uint8Array([9, 9])));
    await sleep(200);
    assert.is(got.length, 0);
    const stray = lines.filter((l) => /unknown token 0909/.test(l));
    assert.equal(stray.length, 1, lines.join('\n'));
    assert.not.match(stray[0], /RST/);
    // A CON response nobody asked for does get RST (§4.2), and the log says so.
    await send(msg(MsgType.CON, Code.CONTENT, 4243, new Uint8Array([8, 8])));
    const rst = await next();
    assert.is(rst && rst[0] >> 4 & 3, MsgType.RST);
    assert.ok(lines.some((l) => /unknown token 0808 → RST/.test(l)), lines.join('\n'));
  } finally { sock.close(); await server.stop(); }
});

test('garbage datagrams do not crash the server', async () => {
  const { server, client, close } = await setup();
  const sock = dgram.createSocket('udp4');
  try {
    const junk = [
      Buffer.alloc(0), Buffer.from([0xff]), Buffer.from([0x40, 0x02, 0x00]), Buffer.from('hello world'),
      Buffer.from([0x48, 0x02, 0x12, 0x34]), // token length 8 but no token
      Buffer.from([0x40, 0x02, 0x12, 0x35, 0xbf, 0x72]), // bad option
      Buffer.from([0x40, 0x02, 0x12, 0x36, 0xb2, 0x72, 0x64, 0x4f, 0xff]), // payload marker without payload
      Buffer.from([0x40, 0x02, 0x12, 0x37, 0xb2, 0x72, 0x64, 0x47, 0x65, 0x70, 0x3d, 0xff, 0xff, 0xfe, 0x3c]), // POST /rd ep= garbage payload
      Buffer.from([0x60, 0x45, 0x12, 0x38]), // unmatched ACK
      Buffer.from([0x50, 0x45, 0x12, 0x39, 0xff, 0x31]), // unmatched NON response
    ];
    for (let n = 0; n < 200; n++) junk.push(Buffer.from(Array.from({ length: (n * 7) % 60 }, (_, k) => (n * 31 + k * 17) & 255)));
    for (const j of junk) sock.send(j, server.port, '127.0.0.1');
    await sleep(200);
    const r = await register(client, server.port, 'after-junk');
    assert.is(r.code, Code.CREATED);
  } finally { sock.close(); await close(); }
});

test.run();
