// The host tools' DTLS 1.2 PSK server side (host/server.ts DtlsPskLayer) against libcoap's clients
// built on OpenSSL and GnuTLS: handshake (with HelloVerifyRequest), CoAP over it, wrong keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lwm2mServer, Registration, prf12 } from '../../host/server.js';
import { BootstrapServer } from '../../host/bootstrap-server.js';
import { run, sleep } from '../peers.js';
import dgram from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';
import { MessageWriter, MsgType, CoapMessage, parseMessage } from '../../src/coap/message.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';

const KEY = Buffer.from('secretPSK').toString('hex');

test('TLS 1.2 PRF (SHA-256) matches the published test vector', () => {
  // The widely used TLS 1.2 PRF-SHA256 vector (IETF TLS mailing list, "test vectors for TLS 1.2 PRF").
  const secret = Buffer.from('9bbe436ba940f017b17652849a71db35', 'hex');
  const seed = Buffer.from('a0ba9f936cda311827a6f796ffd5198c', 'hex');
  const out = prf12(secret, 'test label', seed, 100);
  assert.is(out.toString('hex').slice(0, 64), 'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a');
  assert.is(out.length, 100);
});

for (const client of ['coap-client-openssl', 'coap-client-gnutls']) {
  test(`${client}: register over coaps:// with PSK → 2.01`, async () => {
    const lines: string[] = [];
    const server = await Lwm2mServer.start({ port: 0, log: (l) => lines.push(l), psk: { pskIdentity: 'id1', pskKey: KEY } });
    try {
      const got = new Promise<Registration>((r) => server.once('registered', r));
      const r = await run(client, ['-m', 'post', '-B', '5', '-v', '6', '-u', 'id1', '-k', 'secretPSK', '-e', '</3/0>,</1/0>',
        `coaps://127.0.0.1:${server.port}/rd?ep=dtls-node&lt=60`]);
      assert.match(r.stdout + r.stderr, /2\.01/, r.stdout + r.stderr + lines.join('\n'));
      const reg = await got;
      assert.is(reg.endpoint, 'dtls-node');
      assert.equal(reg.objects.map((l) => l.path), ['/3/0', '/1/0']);
      assert.is(server.dtls!.handshakes, 1);
      assert.ok(lines.some((l) => /session established \(identity "id1"\)/.test(l)));
    } finally { await server.stop(); }
  });
}

test('the project\'s own DTLS client (src/dtls/session.ts) handshakes and registers', async () => {
  const server = await Lwm2mServer.start({ port: 0, log: () => {}, psk: { pskIdentity: 'own', pskKey: KEY } });
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const s = new DtlsSession(1400, (b, o, l) => { randomFillSync(b, o, l); });
  const out = new Uint8Array(1500), app = new Uint8Array(1500);
  const apps: Uint8Array[] = [];
  const drain = () => { for (let n = s.transmit(out, 0); n > 0; n = s.transmit(out, 0)) sock.send(out.subarray(0, n), server.port, '127.0.0.1'); };
  sock.on('message', (m) => {
    const r = s.receive(new Uint8Array(m), 0, m.length, performance.now(), app, 0);
    if (r > 0) apps.push(app.slice(0, r));
    drain();
  });
  try {
    const id = new TextEncoder().encode('own'), key = Buffer.from(KEY, 'hex');
    s.start(id, id.length, key, key.length, performance.now(), false);
    drain();
    for (let k = 0; k < 200 && s.state !== DtlsState.Connected; k++) { await sleep(10); s.poll(performance.now()); drain(); }
    assert.is(s.state, DtlsState.Connected);
    const w = new MessageWriter();
    const buf = new Uint8Array(200), tok = Uint8Array.of(1, 2, 3, 4);
    w.begin(buf, 0, 200, MsgType.CON, Code.POST, 0x1234, tok, 0, 4);
    w.option(Opt.URI_PATH, new TextEncoder().encode('rd'), 0, 2);
    const q = new TextEncoder().encode('ep=own-client');
    w.option(Opt.URI_QUERY, q, 0, q.length);
    const pl = new TextEncoder().encode('</3/0>');
    w.payload(pl, 0, pl.length);
    const n = w.end();
    const rec = s.seal(buf, 0, n, out, 0);
    assert.ok(rec > 0);
    sock.send(out.subarray(0, rec), server.port, '127.0.0.1');
    for (let k = 0; k < 200 && apps.length === 0; k++) await sleep(10);
    const m = new CoapMessage();
    assert.is(parseMessage(apps[0], 0, apps[0].length, m), 0);
    assert.is(m.code, Code.CREATED);
    assert.is(m.type, MsgType.ACK);
    assert.ok(server.registrations.has('own-client'));
  } finally { sock.close(); await server.stop(); }
});

test('a wrong key or an unknown identity gets no session and no registration', async () => {
  const lines: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, log: (l) => lines.push(l), psk: { 'id1': KEY, 'id2': '00112233' } });
  try {
    const r = await run('coap-client-openssl', ['-m', 'post', '-B', '3', '-u', 'id1', '-k', 'wrongPSK', `coaps://127.0.0.1:${server.port}/rd?ep=bad`]);
    assert.not.match(r.stdout, /2\.01/);
    const r2 = await run('coap-client-openssl', ['-m', 'post', '-B', '3', '-u', 'nobody', '-k', 'secretPSK', `coaps://127.0.0.1:${server.port}/rd?ep=bad`]);
    assert.not.match(r2.stdout, /2\.01/);
    assert.is(server.registrations.size, 0);
    assert.is(server.dtls!.handshakes, 0);
    assert.ok(lines.some((l) => /wrong PSK/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /unknown PSK identity "nobody"/.test(l)), lines.join('\n'));
    // still serving: a good client afterwards
    const ok = await run('coap-client-openssl', ['-m', 'post', '-B', '5', '-u', 'id1', '-k', 'secretPSK', `coaps://127.0.0.1:${server.port}/rd?ep=good`]);
    assert.is(ok.code, 0);
    assert.ok(server.registrations.has('good'), lines.join('\n'));
  } finally { await server.stop(); }
});

test('plain CoAP to a DTLS server is ignored; the bootstrap server over DTLS answers 2.04', async () => {
  const bs = await BootstrapServer.start({ port: 0, log: () => {}, psk: { pskIdentity: 'bs-id', pskKey: KEY },
    config: { '*': { servers: [{ ssid: 1, uri: 'coaps://127.0.0.1:5684', securityMode: 'psk', pskIdentity: 'id1', pskKey: KEY }] } } });
  try {
    const plain = await run('coap-client-notls', ['-m', 'post', '-B', '2', `coap://127.0.0.1:${bs.port}/bs?ep=test`]);
    assert.not.match(plain.stdout, /2\.04/);
    const r = await run('coap-client-openssl', ['-m', 'post', '-B', '3', '-v', '6', '-u', 'bs-id', '-k', 'secretPSK', `coaps://127.0.0.1:${bs.port}/bs?ep=test`]);
    assert.match(r.stdout + r.stderr, /2\.04/, r.stdout + r.stderr);
  } finally { await bs.stop(); }
});

test.run();
