// A Security instance whose URI scheme contradicts its Security Mode (issue 20.1): coap:// with PSK
// (mode 0, an identity and a key) would register in plain UDP; coaps:// with NoSec (mode 3) has no
// key for DTLS. Bootstrap-Finish answers 4.06 with the cause (TS Core §6.1.7: an inconsistent
// configuration); a factory configuration like it is refused at start (CONFIG_ERROR a = 3 names the
// Security instance) and never used: nothing goes out in clear for an account that names a key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, SERVER_URI, BS_URI, tlvInst, tlvStr, tlvBool, tlvInt, tlvRes, serverAccountTlv } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';
import { ConfigProblem } from '../../src/objects/consistency.js';

const KEY = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const toServer = (w: ReturnType<typeof world>) => w.net.wire.filter((r) => r.to === 'server');

test('factory: coap:// with a PSK identity and key is refused at start; nothing is sent to the server', () => {
  const w = world(1, {}, { server: { uri: SERVER_URI, lifetime: 60, pskIdentity: 'id', pskKey: KEY } });
  w.board.client.start(0);
  w.net.run({ until: 120_000 });
  const refused = w.events.find((e) => e.e === Ev.CONFIG_ERROR && e.a === 3);
  assert.ok(refused, 'CONFIG_ERROR a = 3');
  assert.is(refused!.b, 0, 'it names Security instance /0/0');
  assert.ok(w.events.some((e) => e.e === Ev.CONFIG_ERROR && e.a === 1), 'nothing usable is left: no account at all');
  assert.is(toServer(w).length, 0, 'not one datagram to the server');
  assert.not.ok(w.events.some((e) => e.e === Ev.REGISTER_SENT));
});

test('factory: coaps:// with NoSec is refused at start (not "mode 3 is not supported")', () => {
  const w = world(2, {}, { server: { uri: SERVER_URI.replace('coap:', 'coaps:'), lifetime: 60 } });
  w.board.client.start(0);
  w.net.run({ until: 120_000 });
  assert.ok(w.events.some((e) => e.e === Ev.CONFIG_ERROR && e.a === 3 && e.b === 0));
  assert.not.ok(w.events.some((e) => e.e === Ev.SECURITY_UNSUPPORTED), 'the cause is the contradiction, not the mode');
  assert.is(toServer(w).length, 0);
});

test('factory: a contradicting server account is not used; the bootstrap account still is', () => {
  const w = world(3, {}, { server: { uri: SERVER_URI, lifetime: 60, pskIdentity: 'id', pskKey: KEY }, bootstrap: { uri: BS_URI } });
  w.bs.bootstrapRequestCode = null; // we only look at the attempt
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.length > 0, until: 120_000 });
  assert.ok(w.events.some((e) => e.e === Ev.CONFIG_ERROR && e.a === 3 && e.b === 1), 'the server account /0/1 named');
  assert.is(w.bs.requests[0].path, '/bs', 'a client-initiated bootstrap instead');
  assert.is(toServer(w).length, 0);
});

/** A bootstrap server writes one server account whose scheme contradicts its mode, then finishes. */
function bootstrapWith(seed: number, uri: string, mode: number, identity: string, key: Uint8Array) {
  const w = world(seed, {}, { bootstrap: { uri: BS_URI } });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 100_000 });
  w.net.run({ until: w.net.now + 1_000 });
  assert.is(w.bs.call(w.bsPeer, Code.DELETE, '/').code, Code.DELETED);
  const sec = tlvInst(1, Buffer.concat([tlvStr(0, uri), tlvBool(1, false), tlvInt(2, mode), tlvRes(3, Buffer.from(identity)), tlvRes(4, new Uint8Array(0)), tlvRes(5, key), tlvInt(10, 1)]));
  const { srv } = serverAccountTlv(1, 0, uri, 1, 60);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: 11542, payload: sec }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: 11542, payload: srv }).code, Code.CHANGED);
  const f = w.bs.call(w.bsPeer, Code.POST, '/bs');
  return { w, finish: { code: f.code, payload: f.payload } };
}

test('Bootstrap-Finish after a coap:// account with PSK: 4.06 naming the cause; no Register in clear', () => {
  const { w, finish } = bootstrapWith(4, SERVER_URI, 0, 'id', KEY);
  assert.is(finish.code, Code.NOT_ACCEPTABLE);
  assert.match(finish.payload.toString(), /coap:\/\/.*Security Mode not 3 NoSec/);
  assert.ok(w.events.some((e) => e.e === Ev.BOOTSTRAP_FAILED && e.a === 3 && e.b === ConfigProblem.CoapWithSecurity));
  w.net.run({ until: w.net.now + 120_000 });
  assert.is(toServer(w).length, 0, 'nothing to the server, in clear or otherwise');
});

test('Bootstrap-Finish after a coaps:// account with NoSec: 4.06', () => {
  const { w, finish } = bootstrapWith(5, SERVER_URI.replace('coap:', 'coaps:'), 3, '', new Uint8Array(0));
  assert.is(finish.code, Code.NOT_ACCEPTABLE);
  assert.match(finish.payload.toString(), /coaps:\/\/.*Security Mode 3 NoSec/);
  assert.ok(w.events.some((e) => e.e === Ev.BOOTSTRAP_FAILED && e.a === 3 && e.b === ConfigProblem.CoapsWithNoSec));
  assert.is(toServer(w).length, 0);
});

test.run();
