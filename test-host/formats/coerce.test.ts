// coerceRecord: Raw TLV/TEXT values and differently typed values to the resource's type.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coerceRecord } from '../../src/formats/coerce.js';
import { Code } from '../../src/coap/codes.js';
import { ContentFormat } from '../../src/formats/content-format.js';
import { DataRecord, ValueType } from '../../src/model/record.js';
import { hex } from '../vectors.js';

function raw(fmt: number, bytes: Uint8Array): DataRecord {
  const r = new DataRecord();
  r.o = 1; r.i = 0; r.r = 1; r.type = ValueType.Raw; r.rawFormat = fmt; r.buf = bytes; r.off = 0; r.len = bytes.length;
  return r;
}
const tlv = (h: string): DataRecord => raw(ContentFormat.TLV, hex(h));
const text = (s: string): DataRecord => raw(ContentFormat.TEXT, new TextEncoder().encode(s));

test('TLV integers of 1/2/4/8 bytes, unsigned, floats 4/8, bool, objlnk, time', () => {
  const ok: [string, ValueType, number][] = [
    ['ff', ValueType.Integer, -1], ['7fff', ValueType.Integer, 32767], ['80000000', ValueType.Integer, -2147483648],
    ['0000000100000000', ValueType.Integer, 4294967296], ['fffffffffffffffe', ValueType.Integer, -2],
    ['ff', ValueType.UnsignedInteger, 255], ['ffffffff', ValueType.UnsignedInteger, 4294967295],
    ['3fc00000', ValueType.Float, 1.5], ['3fb999999999999a', ValueType.Float, 0.1],
    ['01', ValueType.Boolean, 1], ['00', ValueType.Boolean, 0], ['5182428f', ValueType.Time, 1367491215],
  ];
  for (const [h, t, v] of ok) {
    const r = tlv(h);
    assert.is(coerceRecord(r, t), 0, h);
    assert.is(r.type, t); assert.is(r.num, v, h);
  }
  const l = tlv('0042ffff');
  assert.is(coerceRecord(l, ValueType.ObjLnk), 0);
  assert.equal([l.lnkO, l.lnkI], [0x42, 0xffff]);
  const s = tlv('6869');
  assert.is(coerceRecord(s, ValueType.String), 0);
  assert.is(s.type, ValueType.String); assert.is(s.len, 2);
  const bad: [string, ValueType][] = [['000000', ValueType.Integer], ['', ValueType.Integer], ['0000', ValueType.Float],
    ['02', ValueType.Boolean], ['0001', ValueType.Boolean], ['000000', ValueType.ObjLnk], ['00', ValueType.None]];
  for (const [h, t] of bad) assert.is(coerceRecord(tlv(h), t), -Code.BAD_REQUEST, h);
});

test('text: integers, floats, booleans, objlnk, base64 opaque (decoded in place)', () => {
  const r = text('q83v');
  assert.is(coerceRecord(r, ValueType.Opaque), 0);
  assert.equal(Array.from(r.buf.subarray(r.off, r.off + r.len)), [0xab, 0xcd, 0xef]);
  const f = text('-12.5');
  assert.is(coerceRecord(f, ValueType.Float), 0); assert.is(f.num, -12.5);
  const i = text('12');
  assert.is(coerceRecord(i, ValueType.Float), 0); assert.is(i.num, 12);
  assert.is(coerceRecord(text('abc'), ValueType.Integer), -Code.BAD_REQUEST);
});

test('typed values: numbers between kinds, strings and objlnk text', () => {
  const n = new DataRecord();
  n.type = ValueType.Float; n.num = 5;
  assert.is(coerceRecord(n, ValueType.Integer), 0); assert.is(n.type, ValueType.Integer);
  n.type = ValueType.Float; n.num = 5.5;
  assert.is(coerceRecord(n, ValueType.Integer), -Code.BAD_REQUEST);
  n.type = ValueType.Integer; n.num = -1;
  assert.is(coerceRecord(n, ValueType.UnsignedInteger), -Code.BAD_REQUEST);
  assert.is(coerceRecord(n, ValueType.Float), 0);
  n.type = ValueType.Integer; n.num = 1;
  assert.is(coerceRecord(n, ValueType.Boolean), -Code.BAD_REQUEST);
  assert.is(coerceRecord(n, ValueType.String), -Code.BAD_REQUEST);
  const s = new DataRecord();
  s.type = ValueType.String; s.buf = new TextEncoder().encode('3:4'); s.len = 3;
  assert.is(coerceRecord(s, ValueType.ObjLnk), 0);
  assert.equal([s.type, s.lnkO, s.lnkI], [ValueType.ObjLnk, 3, 4]);
  const c = new DataRecord();
  c.type = ValueType.String; c.buf = new TextEncoder().encode('</1>'); c.len = 4;
  assert.is(coerceRecord(c, ValueType.CoreLnk), 0);
  assert.is(coerceRecord(c, ValueType.Opaque), -Code.BAD_REQUEST);
});

test.run();
