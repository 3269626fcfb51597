// The whole-client scenario of test-host/xs/suites/scenario.ts under V8 (a plain uvu test; xs.test.ts
// runs the same code inside XS and compares its transcript with V8's, so this file and that
// comparison together are "the same scenario passes under V8 and under XS"). Sized by
// boards/esp32/config.json: it also shows that the esp32 budget holds a full bootstrap
// configuration, a Read /3/0 in one datagram, and an observation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { injectVectorsHere } from './host.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';

injectVectorsHere();
const { runScenario, decode, readLoop, notifyLoop, TLV } = await import('./suites/scenario.js');

const r = runScenario(23.25);
const hex = (s: string) => Buffer.from(s, 'hex');
const lines = () => r.wire.map((l) => l.replace(/^[\d.]+ /, ''));

test('bootstrap: POST /bs?ep&pct → 2.04, Delete / → 2.02, Write /0/1, /1/0 (TLV) → 2.04, Finish → 2.04', () => {
  const l = lines();
  assert.match(l[0], /^client>bs CON 0\.02 .* \/bs\?ep=xs-esp32&pct=112/);
  assert.ok(l.some((x) => /^bs>client ACK 2\.04 /.test(x)), 'Bootstrap-Request answered');
  assert.equal(r.bootstrap, { delete: Code.DELETED, writeSecurity: Code.CHANGED, writeServer: Code.CHANGED, finish: Code.CHANGED });
  const writes = l.filter((x) => /^bs>client CON 0\.03 /.test(x));
  assert.is(writes.length, 2);
  assert.match(writes[0], / \/0\/1 cf=11542 payload=/);
  assert.match(writes[1], / \/1\/0 cf=11542 payload=/);
  assert.ok(r.events.indexOf(Ev.BOOTSTRAP_FINISHED) >= 0 && r.events.indexOf(Ev.BOOTSTRAP_FINISHED) < r.events.indexOf(Ev.REGISTERED));
});

test('register with the provisioned server → 2.01 rd/r1', () => {
  assert.match(r.register, /^2 \/rd\?ep=xs-esp32&lt=300&lwm2m=1\.1/);
  assert.ok(lines().some((x) => /^server>client ACK 2\.01 .* loc=\/rd\/r1/.test(x)));
});

test('Read /3/0 in TLV: 2.05, one datagram, the Device resources', () => {
  assert.is(r.read30.code, Code.CONTENT);
  assert.is(r.read30.cf, TLV);
  const p = hex(r.read30.payload);
  assert.ok(p.includes(Buffer.from('lwm2m-mcu')) && p.includes(Buffer.from('esp32')) && p.includes(Buffer.from('0042')));
  const resp = lines().filter((x) => /^client>server ACK 2\.05 .* cf=11542 /.test(x));
  assert.is(resp.length, 1, 'no Block2: the whole instance in one datagram');
});

test('Read /3303/0/5700, observe it, one notification with the new value', () => {
  assert.is(r.read5700.code, Code.CONTENT);
  assert.is(r.observe.code, Code.CONTENT);
  assert.ok(r.observe.observe >= 0);
  assert.is(r.notifications.length, 1);
  const n = r.notifications[0];
  assert.is(n.code, Code.CONTENT);
  assert.ok(n.observe > r.observe.observe);
  assert.is(n.cf, r.observe.cf);
  // The payload carries 23.25 in the observation's format (text: "23.25"; TLV/CBOR: the float).
  const before = hex(r.observe.payload), after = hex(n.payload);
  assert.ok(!before.equals(after));
  if (n.cf === 0) assert.is(after.toString(), '23.25');
  else assert.ok(after.includes(Buffer.from([0x41, 0xba, 0x00, 0x00])) || after.includes(Buffer.from([0x40, 0x37, 0x40, 0, 0, 0, 0, 0])), after.toString('hex'));
});

test('the transcript is deterministic (the same string twice) and every datagram decodes', () => {
  const again = runScenario(23.25);
  assert.equal(again.hex, r.hex);
  for (const h of r.hex) assert.not.match(decode(hex(h)), /^unparsable/);
});

test('the hot loops answer under V8 too (Read /3/0 TLV, notification of /3303/0/5700)', () => {
  const a = readLoop(10), b = notifyLoop(10);
  assert.ok(a >= 10 * 40, String(a));
  assert.ok(b > 10 * 10, String(b));
});

test.run();
