// The codec against the shared vectors (libcoap's test_pdu.c PDUs, Wakaama's Register request and
// generated LwM2M messages; sources in test-host/vectors/README.md), and the RFC 7252 §3 rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CoapMessage, MessageWriter, Parse, parseMessage, ascii } from '../../src/coap/message.js';
import { Opt } from '../../src/coap/option.js';
import { loadVectors, hex, toHex } from '../vectors.js';

const V = loadVectors('coap_messages.json');
const TYPES: Record<string, number> = { CON: 0, NON: 1, ACK: 2, RST: 3 };

for (const v of V.vectors) {
  test(`parse: ${v.name}`, () => {
    const bytes = hex(v.hex);
    const m = new CoapMessage();
    const r = parseMessage(bytes, 0, bytes.length, m);
    const d = v.decoded;
    // Proxy-Uri (35) is a critical option this client does not implement: RFC 7252 §5.4.1 → BAD_OPTION.
    const hasProxy = d.options.some((o: any) => o.number === Opt.PROXY_URI);
    assert.is(r, hasProxy ? Parse.BAD_OPTION : Parse.OK);
    assert.is(m.type, TYPES[d.type]);
    assert.is(m.code, parseInt(d.codeByte, 16));
    assert.is(m.mid, d.messageId);
    assert.is(toHex(m.token, 0, m.tokenLen), d.tokenHex);
    assert.is(m.optCount, d.options.length);
    d.options.forEach((o: any, k: number) => {
      assert.is(m.optNum[k], o.number);
      assert.is(toHex(bytes, m.optOff[k], m.optLen[k]), o.valueHex);
    });
    assert.is(toHex(bytes, m.payloadOff, m.payloadLen), d.payloadHex);
  });

  test(`serialise: ${v.name}`, () => {
    const d = v.decoded;
    const out = new Uint8Array(2048);
    const w = new MessageWriter();
    const tok = hex(d.tokenHex);
    w.begin(out, 3, out.length - 3, TYPES[d.type], parseInt(d.codeByte, 16), d.messageId, tok, 0, tok.length);
    for (const o of d.options) { const b = hex(o.valueHex); w.option(o.number, b, 0, b.length); }
    const p = hex(d.payloadHex);
    w.payload(p, 0, p.length);
    const n = w.end();
    assert.is(toHex(out, 3, n), v.hex);
  });
}

for (const v of V.invalid) {
  test(`invalid: ${v.name} (${v.reason})`, () => {
    const bytes = hex(v.hex);
    const m = new CoapMessage();
    const r = parseMessage(bytes, 0, bytes.length, m);
    assert.ok(r === Parse.FORMAT || r === Parse.IGNORE, `result ${r}`);
  });
}

test('RFC 7252 §3: too short or wrong version is ignored; reserved token length is a format error', () => {
  const m = new CoapMessage();
  assert.is(parseMessage(Uint8Array.of(0x40, 1, 0), 0, 3, m), Parse.IGNORE);
  assert.is(parseMessage(Uint8Array.of(0x80, 1, 0, 1), 0, 4, m), Parse.IGNORE);
  assert.is(parseMessage(Uint8Array.of(0x49, 1, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9), 0, 13, m), Parse.FORMAT);
  // option delta 15 without the payload marker
  assert.is(parseMessage(Uint8Array.of(0x40, 1, 0, 1, 0xf1, 0), 0, 6, m), Parse.FORMAT);
  // reserved code class 1
  assert.is(parseMessage(Uint8Array.of(0x40, 0x21, 0, 1), 0, 4, m), Parse.FORMAT);
});

test('RFC 7252 §5.4.1: unknown critical option → BAD_OPTION, unknown elective ignored', () => {
  const out = new Uint8Array(64);
  const w = new MessageWriter();
  const tok = Uint8Array.of(1);
  w.begin(out, 0, 64, 0, 1, 5, tok, 0, 1);
  w.optionEmpty(2049); // critical (odd), unknown
  const n = w.end();
  const m = new CoapMessage();
  assert.is(parseMessage(out, 0, n, m), Parse.BAD_OPTION);
  assert.is(m.badOption, 2049);
  w.begin(out, 0, 64, 0, 1, 5, tok, 0, 1);
  w.optionEmpty(2048); // elective, unknown
  assert.is(parseMessage(out, 0, w.end(), m), Parse.OK);
  // a repeated non-repeatable critical option (Content-Format is elective; Accept elective; use Uri-Port 7, critical)
  w.begin(out, 0, 64, 0, 1, 5, tok, 0, 1);
  w.optionUint(Opt.URI_PORT, 1); w.optionUint(Opt.URI_PORT, 2);
  assert.is(parseMessage(out, 0, w.end(), m), Parse.BAD_OPTION);
  // an over-long critical option value (Block2 of 4 bytes)
  w.begin(out, 0, 64, 0, 1, 5, tok, 0, 1);
  w.option(Opt.BLOCK2, Uint8Array.of(1, 2, 3, 4), 0, 4);
  assert.is(parseMessage(out, 0, w.end(), m), Parse.BAD_OPTION);
});

test('writer: extended deltas and lengths, uint and decimal options, order enforced, overflow', () => {
  const out = new Uint8Array(2000);
  const w = new MessageWriter();
  const tok = new Uint8Array(8).fill(0xab);
  w.begin(out, 0, 2000, 0, 2, 0xbeef, tok, 0, 8);
  w.optionDecimal(Opt.URI_PATH, 3);
  w.optionDecimal(Opt.URI_PATH, 65534);
  w.optionUint(Opt.CONTENT_FORMAT, 11542);
  w.optionPrefixDecimal(Opt.URI_QUERY, ascii('lt='), 300);
  const long = new Uint8Array(300).fill(0x61);
  w.option(Opt.URI_QUERY, long, 0, 255);
  w.optionUint(Opt.SIZE1, 0x12345678);
  w.optionEmpty(Opt.NO_RESPONSE);
  w.option(2048, long, 0, 300); // elective, unknown: 2-byte extended delta and length
  w.payload(Uint8Array.of(9, 9), 0, 2);
  const n = w.end();
  assert.ok(n > 0);
  const m = new CoapMessage();
  assert.is(parseMessage(out, 0, n, m), Parse.OK);
  assert.is(m.mid, 0xbeef);
  assert.is(m.uriPathCount, 2);
  assert.is(Buffer.from(out.subarray(m.optOff[1], m.optOff[1] + m.optLen[1])).toString(), '65534');
  assert.is(m.contentFormat, 11542);
  assert.is(m.uriQueryCount, 2);
  assert.is(m.optLen[4], 255);
  assert.is(m.optNum[7], 2048);
  assert.is(m.optLen[7], 300);
  assert.is(m.size1, 0x12345678);
  assert.is(m.optNum[6], Opt.NO_RESPONSE);
  assert.is(m.payloadLen, 2);
  // descending order is misuse
  w.begin(out, 0, 600, 0, 2, 1, tok, 0, 0);
  w.optionUint(Opt.ACCEPT, 1); w.optionUint(Opt.CONTENT_FORMAT, 1);
  assert.is(w.end(), -1);
  // overflow
  w.begin(out, 0, 10, 0, 2, 1, tok, 0, 0);
  w.option(Opt.URI_PATH, long, 0, 20);
  assert.is(w.end(), -1);
});

test.run();
