// src/coap/message.ts under XS: the shared CoAP vectors (test-host/vectors/coap_messages.json) parsed
// and re-serialised byte-exactly, the invalid PDUs rejected, and the codec's hot loop for the heap
// and compute meters.
import { CoapMessage, MessageWriter, Parse, parseMessage } from '../../../src/coap/message.js';
import { Opt } from '../../../src/coap/option.js';
import { test, loop, is, ok, bytes, hex, toHex, vectors } from '../harness.js';

const V = vectors('coap_messages.json');
const TYPES: { [k: string]: number } = { CON: 0, NON: 1, ACK: 2, RST: 3 };

for (const v of V.vectors) {
  test('coap parse: ' + v.name, () => {
    const b = hex(v.hex);
    const m = new CoapMessage();
    const r = parseMessage(b, 0, b.length, m);
    const d = v.decoded;
    let hasProxy = false;
    for (const o of d.options) if (o.number === Opt.PROXY_URI) hasProxy = true;
    is(r, hasProxy ? Parse.BAD_OPTION : Parse.OK, 'result');
    is(m.type, TYPES[d.type], 'type');
    is(m.code, parseInt(d.codeByte, 16), 'code');
    is(m.mid, d.messageId, 'message id');
    is(toHex(m.token, 0, m.tokenLen), d.tokenHex, 'token');
    is(m.optCount, d.options.length, 'option count');
    for (let k = 0; k < d.options.length; k++) {
      is(m.optNum[k], d.options[k].number, 'option ' + k + ' number');
      bytes(b, m.optOff[k], m.optLen[k], d.options[k].valueHex, 'option ' + k + ' value');
    }
    bytes(b, m.payloadOff, m.payloadLen, d.payloadHex, 'payload');
  });

  test('coap serialise: ' + v.name, () => {
    const d = v.decoded;
    const out = new Uint8Array(2048);
    const w = new MessageWriter();
    const tok = hex(d.tokenHex);
    w.begin(out, 3, out.length - 3, TYPES[d.type], parseInt(d.codeByte, 16), d.messageId, tok, 0, tok.length);
    for (const o of d.options) { const ob = hex(o.valueHex); w.option(o.number, ob, 0, ob.length); }
    const p = hex(d.payloadHex);
    w.payload(p, 0, p.length);
    const n = w.end();
    ok(n > 0, 'end() = ' + n);
    bytes(out, 3, n, v.hex);
  });
}

for (const v of V.invalid) {
  test('coap invalid: ' + v.name, () => {
    const b = hex(v.hex);
    const r = parseMessage(b, 0, b.length, new CoapMessage());
    ok(r === Parse.FORMAT || r === Parse.IGNORE, 'result ' + r);
  });
}

// ---- the hot loop: parse a Register request, then build its 2.01 reply and an Update, every time
// into the same records and buffers. Everything is allocated here, at module load. ----

function find(name: string): Uint8Array {
  for (const v of V.vectors) if (v.name.indexOf(name) >= 0) return hex(v.hex);
  throw new Error('no vector ' + name);
}
const REGISTER = find('LwM2M Register request');
const NOTIFY = find('Observe notification');
const rxMsg = new CoapMessage();
const writer = new MessageWriter();
const out = new Uint8Array(1280);
const RD = hex('7264');
const LOC = hex('35613366');

/** One round trip: parse a request and a notification, serialise a reply with options and payload. */
export function coapRoundTrip(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (parseMessage(REGISTER, 0, REGISTER.length, rxMsg) !== Parse.OK) return -1;
    writer.begin(out, 0, out.length, 2, 0x41, rxMsg.mid, rxMsg.token, 0, rxMsg.tokenLen);
    writer.option(Opt.LOCATION_PATH, RD, 0, 2);
    writer.option(Opt.LOCATION_PATH, LOC, 0, 4);
    const len = writer.end();
    if (parseMessage(out, 0, len, rxMsg) !== Parse.OK) return -2;
    if (parseMessage(NOTIFY, 0, NOTIFY.length, rxMsg) !== Parse.OK) return -3;
    writer.begin(out, 0, out.length, 1, 0x45, (i + 1) & 0xffff, rxMsg.token, 0, rxMsg.tokenLen);
    writer.optionUint(Opt.OBSERVE, i & 0xffffff);
    writer.optionUint(Opt.CONTENT_FORMAT, 11542);
    writer.payload(NOTIFY, rxMsg.payloadOff, rxMsg.payloadLen);
    sum = (sum + len + writer.end() + rxMsg.optCount) | 0;
  }
  return sum;
}

loop('coap.roundtrip', coapRoundTrip);

/** A control for the heap meter: allocates one small typed array per iteration. */
loop('control.allocate', (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += new Uint8Array(4).length;
  return s;
});
