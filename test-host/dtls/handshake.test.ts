import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reassembler, ServerHelloRecord, parseServerHello, writeClientHello } from '../../src/dtls/handshake.js';
import { useViewCopy } from '../../src/dtls/bytes.js';
import { toHex } from '../vectors.js';

function frag(type: number, len: number, seq: number, off: number, body: Uint8Array): Uint8Array {
  const b = new Uint8Array(12 + body.length);
  b[0] = type; b[1] = len >> 16; b[2] = len >> 8; b[3] = len; b[4] = seq >> 8; b[5] = seq;
  b[6] = off >> 16; b[7] = off >> 8; b[8] = off; b[9] = body.length >> 16; b[10] = body.length >> 8; b[11] = body.length;
  b.set(body, 12);
  return b;
}

test('Reassembler: fragments in any order, overlapping and repeated (RFC 6347 §4.2.3)', () => {
  const r = new Reassembler(4, 512);
  const msg = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
  const pieces: Array<[number, number]> = [[250, 50], [0, 100], [90, 30], [100, 100], [0, 100], [190, 70]];
  for (const [o, l] of pieces) {
    assert.is(r.ready(), -1);
    assert.is(r.add(frag(2, 300, 0, o, msg.subarray(o, o + l)), 0, 0), 1);
  }
  const s = r.ready();
  assert.ok(s >= 0);
  assert.is(r.slotLen(s), 300);
  assert.is(r.slotType(s), 2);
  assert.is(toHex(r.buf, r.slotOffset(s), 300), toHex(msg));
  r.advance();
  assert.is(r.next, 1);
  assert.is(r.add(frag(2, 300, 0, 0, msg.subarray(0, 10)), 0, 0), 0, 'old');
  assert.is(r.add(frag(14, 0, 5, 0, new Uint8Array(0)), 0, 0), -1, 'too far ahead');
  assert.is(r.add(frag(14, 0, 2, 0, new Uint8Array(0)), 0, 0), 1, 'a later message is kept');
  assert.is(r.ready(), -1);
  assert.is(r.add(frag(12, 2, 1, 0, Uint8Array.of(0, 0)), 0, 0), 1);
  assert.ok(r.ready() >= 0); r.advance();
  assert.ok(r.ready() >= 0, 'the kept message is now ready'); r.advance();
  assert.is(r.add(frag(20, 600, 3, 0, new Uint8Array(10)), 0, 0), -2, 'larger than the whole buffer');
  assert.is(r.add(frag(20, 12, 3, 8, new Uint8Array(10)), 0, 0), -1, 'fragment beyond length');
});

test('Reassembler: the next message evicts later ones when the shared buffer is full', () => {
  const r = new Reassembler(4, 512);
  const a = Uint8Array.from({ length: 300 }, (_, i) => i & 255), b = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255);
  assert.is(r.add(frag(12, 300, 1, 0, b.subarray(0, 50)), 0, 0), 1, 'a later message, partly');
  assert.is(r.add(frag(12, 300, 2, 0, b.subarray(0, 50)), 0, 0), -1, 'another later one: no room');
  assert.is(r.add(frag(2, 300, 0, 0, a), 0, 0), 1, 'the next message gets in');
  const s = r.ready();
  assert.ok(s >= 0);
  assert.is(toHex(r.buf, r.slotOffset(s), 300), toHex(a));
  r.advance();
  assert.is(r.ready(), -1, 'message 1 was dropped');
  assert.is(r.add(frag(12, 300, 1, 0, b), 0, 0), 1, 'and comes again whole');
  const t = r.ready();
  assert.ok(t >= 0);
  assert.is(toHex(r.buf, r.slotOffset(t), 300), toHex(b));
});

for (const views of [false, true]) {
  test(`Reassembler: a whole message in one fragment at an unaligned offset, then repeats of it and of its neighbour (copies ${views ? 'through views' : 'by a loop'})`, () => {
    useViewCopy(views);
    try {
      const r = new Reassembler(4, 512);
      const a = Uint8Array.from({ length: 37 }, (_, i) => (i * 5 + 1) & 255), b = Uint8Array.from({ length: 13 }, (_, i) => 200 + i);
      assert.is(r.add(frag(14, 13, 1, 0, b), 0, 0), 1, 'a later message first (bytes 0…12)');
      assert.is(r.add(frag(2, 37, 0, 0, a), 0, 0), 1, 'the next one whole (bytes 13…49: both ends inside a bitmap byte)');
      // A repeat must add nothing: every byte of the whole message was marked received.
      assert.is(r.add(frag(2, 37, 0, 5, a.subarray(5, 30)), 0, 0), 1);
      assert.is(r.add(frag(2, 37, 0, 0, a), 0, 0), 1);
      const s = r.ready();
      assert.ok(s >= 0, 'complete, and not counted past its length');
      assert.is(toHex(r.buf, r.slotOffset(s), 37), toHex(a));
      r.advance();
      assert.is(r.add(frag(14, 13, 1, 0, b.subarray(0, 13)), 0, 0), 1, 'a repeat of the neighbour');
      const t = r.ready();
      assert.ok(t >= 0, 'the neighbour is complete (its bits untouched)');
      assert.is(toHex(r.buf, r.slotOffset(t), 13), toHex(b));
    } finally { useViewCopy(false); }
  });
}

test('ClientHello body bytes (RFC 6347 §4.2.1)', () => {
  const random = Uint8Array.from({ length: 32 }, (_, i) => i);
  const sid = new Uint8Array(32), cookie = Uint8Array.of(0xaa, 0xbb);
  const b = new Uint8Array(200);
  const n = writeClientHello(b, 0, random, sid, 0, cookie, 0, 2, 3, false);
  assert.is(toHex(b, 0, n), 'fefd' + toHex(random) + '00' + '02aabb' + '0006c0a800ae00ff' + '0100');
  const m = writeClientHello(b, 0, random, sid, 0, cookie, 0, 0, 1, false);
  assert.is(toHex(b, 0, m), 'fefd' + toHex(random) + '00' + '00' + '0004c0a800ff' + '0100');
});

test('ServerHello parse: extensions, suite not offered, malformed', () => {
  const rec = new ServerHelloRecord();
  const random = 'ab'.repeat(32);
  const ok = Buffer.from('fefd' + random + '02' + '1234' + 'c0a8' + '00' + '0005' + 'ff01000100', 'hex');
  assert.is(parseServerHello(ok, 0, ok.length, rec), 0);
  assert.is(rec.suite, 0xc0a8);
  assert.is(rec.sessionIdLen, 2);
  assert.ok(rec.secureRenegotiation);
  const noExt = Buffer.from('fefd' + random + '00' + '00ae' + '00', 'hex');
  assert.is(parseServerHello(noExt, 0, noExt.length, rec), 0);
  const bad = Buffer.from('fefd' + random + '00' + '1301' + '00', 'hex');
  assert.is(parseServerHello(bad, 0, bad.length, rec), -2);
  const trunc = Buffer.from('fefd' + random + '00' + 'c0a8' + '00' + '0009' + 'ff01000100', 'hex');
  assert.is(parseServerHello(trunc, 0, trunc.length, rec), -1);
  const tls = Buffer.from('0303' + random + '00' + 'c0a8' + '00', 'hex');
  assert.is(parseServerHello(tls, 0, tls.length, rec), -2);
});

test.run();
