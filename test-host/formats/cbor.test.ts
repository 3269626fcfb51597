// The CBOR writer and reader (RFC 8949) with cborg as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import './helpers.js'; // fixed fast-check seed
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import { CborKind, CborReader, CborWriter, halfToDouble, INDEFINITE, Major } from '../../src/formats/cbor.js';
import { hex, toHex } from '../vectors.js';
import { typedDecode, type TypedNum } from './cbor-typed.js';

// The oracle: cborg, decoding every map as a Map (keys of any type). Its encoder keeps map
// entries in insertion order (cborg sorts keys unless given a sorter) and writes every
// non-integer number as a 64-bit float (cborg's default is the shortest exact width).
const oracle = { decode: (b: Uint8Array): unknown => cborgDecode(b, { useMaps: true }) };
const oracleEnc = { encode: (v: unknown): Uint8Array => cborgEncode(v, { float64: true, mapSorter: () => 0 }) };

test('RFC 8949 Appendix A: integers and floats we write', () => {
  const w = new CborWriter();
  const out = new Uint8Array(16);
  const cases: [number, string][] = [[0, '00'], [23, '17'], [24, '1818'], [1000, '1903e8'], [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'], [-1, '20'], [-1000, '3903e7'], [1.5, 'f93e00'], [1.1, 'fb3ff199999999999a'],
    [-4.1, 'fbc010666666666666'], [100000.5, 'fa47c35040'], [-0, 'f98000'], [65504, '19ffe0'], [3.4028234663852886e+38, 'fa7f7fffff'],
    [1e300, 'fb7e37e43c8800759c'], [5.960464477539063e-8, 'f90001'], [0.00006103515625, 'f90400'], [-4.5, 'f9c480'],
    [Infinity, 'f97c00'], [-Infinity, 'f9fc00'], [NaN, 'f97e00']];
  for (const [v, h] of cases) {
    w.begin(out, 0, 16);
    w.number(v);
    assert.is(toHex(out, 0, w.pos), h, String(v));
  }
});

test('float(): a float even when integral, in the shortest exact width (half, single, double)', () => {
  const w = new CborWriter();
  const out = new Uint8Array(16);
  const cases: [number, string][] = [[22, 'f94d80'], [0.5, 'f93800'], [1e10, 'fa501502f9'], [NaN, 'f97e00'],
    [Infinity, 'f97c00'], [-Infinity, 'f9fc00'], [0, 'f90000'], [-0, 'f98000'], [1, 'f93c00'], [65504, 'f97bff'],
    [65505, 'fa477fe100'], [100000, 'fa47c35000'], [2 ** 24 + 1, 'fb4170000010000000'], [0.1, 'fb3fb999999999999a'],
    [Math.fround(0.1), 'fa3dcccccd'], [5.960464477539063e-8, 'f90001'], [2 ** -25, 'fa33000000'], [3 * 2 ** -24, 'f90003'],
    [2 ** -14 * (1 + 2 ** -10), 'f90401'], [2 ** -14 * (1 + 2 ** -11), 'fa38801000'], [-22.25, 'f9cd90']];
  for (const [v, h] of cases) {
    w.begin(out, 0, 16);
    w.float(v);
    assert.is(toHex(out, 0, w.pos), h, String(v));
    const back = oracle.decode(out.subarray(0, w.pos)) as number;
    assert.ok(Object.is(back, v) || (Number.isNaN(v) && Number.isNaN(back)), 'cborg reads back ' + v);
  }
  // exhaustive over half precision: every half value is written as that half (the NaNs as f97e00)
  for (let h = 0; h < 0x10000; h++) {
    const v = halfToDouble(h);
    w.begin(out, 0, 16);
    w.float(v);
    const want = Number.isNaN(v) ? 0x7e00 : h;
    assert.is(w.pos, 3, 'half ' + h);
    assert.is(out[0] << 16 | out[1] << 8 | out[2], 0xf90000 | want, 'half ' + h);
  }
});

test('property: float() is exact, never wider than needed, and always major type 7', () => {
  fc.assert(fc.property(fc.oneof(fc.double(), fc.float().map((f) => Math.fround(f)), fc.integer({ min: -70000, max: 70000 })), (v) => {
    const w = new CborWriter();
    const out = new Uint8Array(16);
    w.begin(out, 0, 16);
    w.float(v);
    const t = typedDecode(out.subarray(0, w.pos)) as TypedNum;
    assert.is(t.major, 7);
    assert.ok(Object.is(t.value, v) || (Number.isNaN(v) && Number.isNaN(t.value)));
    const fitsSingle = Number.isNaN(v) || Math.fround(v) === v;
    const widths: Record<number, number> = { 0xf9: 3, 0xfa: 5, 0xfb: 9 };
    assert.is(w.pos, widths[out[0]]);
    if (w.pos === 9) assert.not.ok(fitsSingle, 'double only when not a single: ' + v);
    if (w.pos === 5) {
      // not a half: no half decodes to it (checked against the RFC 8949 Appendix D decoder)
      const f32 = new Float32Array([v]);
      const bits = new Uint32Array(f32.buffer)[0];
      const e = (bits >>> 23 & 255) - 127;
      const exactHalf = e >= -24 && e <= 15 && Number.isInteger(Math.abs(v) * 2 ** 24) && (e >= -14 ? (bits & 0x1fff) === 0 : true);
      assert.not.ok(exactHalf, 'single only when not a half: ' + v);
    }
  }), { numRuns: 3000 });
});

test('reader: Appendix A items incl. half floats', () => {
  const r = new CborReader();
  const one = (h: string): [number, number] => { const b = hex(h); r.begin(b, 0, b.length); return [r.head(), r.value]; };
  assert.equal(one('f93c00'), [CborKind.FLOAT, 1]);
  assert.equal(one('f97bff'), [CborKind.FLOAT, 65504]);
  assert.equal(one('f90400'), [CborKind.FLOAT, 0.00006103515625]);
  assert.equal(one('f9c400'), [CborKind.FLOAT, -4]);
  assert.ok(Number.isNaN(one('f97e00')[1]));
  assert.equal(one('f9fc00'), [CborKind.FLOAT, -Infinity]);
  assert.equal(one('1bffffffffffffffff'), [CborKind.UINT, 18446744073709551615]);
  assert.equal(one('3bffffffffffffffff'), [CborKind.NEGINT, -18446744073709551616]);
  assert.is(one('f4')[0], CborKind.FALSE);
  assert.is(one('f6')[0], CborKind.NULL);
  assert.is(one('5f')[0], -1); // indefinite byte strings are refused
  assert.is(one('1c')[0], -1); // reserved
  assert.is(one('62ab')[0], -1); // text longer than the buffer
  assert.is(one('bf')[0], CborKind.MAP); assert.is(r.arg, INDEFINITE);
  for (let h = 0; h < 0x10000; h += 7) {
    const b = new Uint8Array([0xf9, h >> 8, h & 255]);
    const ref = oracle.decode(b) as number;
    const ours = halfToDouble(h);
    assert.ok(Object.is(ours, ref) || (Number.isNaN(ours) && Number.isNaN(ref)), 'half ' + h);
  }
});

test('property: our writer → cborg', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.maxSafeInteger(), fc.double(), fc.string(), fc.uint8Array(), fc.boolean())), (items) => {
    const w = new CborWriter();
    const out = new Uint8Array(20000);
    w.begin(out, 2, 19998);
    const at = w.open();
    const te = new TextEncoder();
    for (const x of items) {
      if (typeof x === 'number') w.number(x);
      else if (typeof x === 'string') { const b = te.encode(x); w.str(Major.TEXT, b, 0, b.length); }
      else if (typeof x === 'boolean') w.bool(x);
      else w.str(Major.BYTES, x, 0, x.length);
    }
    w.close(at, Major.ARRAY, items.length);
    assert.ok(!w.overflow);
    const back = oracle.decode(out.subarray(2, w.pos)) as unknown[];
    assert.is(back.length, items.length);
    for (let k = 0; k < items.length; k++) {
      const a0 = back[k]; const a = typeof a0 === 'bigint' ? Number(a0) : a0; const b = items[k];
      if (b instanceof Uint8Array) assert.equal(Array.from(a as Uint8Array), Array.from(b));
      else if (typeof b === 'number' && Number.isNaN(b)) assert.ok(Number.isNaN(a as number));
      else assert.ok(Object.is(a, b) || (a === 0 && b === 0), String(b));
    }
  }), { numRuns: 300 });
});

test('property: cborg output is walked by skip() exactly to its end', () => {
  const arb = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean(), fc.uint8Array(),
      fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 })),
  })).v;
  fc.assert(fc.property(arb, (v) => {
    const b = new Uint8Array(oracleEnc.encode(v));
    const r = new CborReader();
    r.begin(b, 0, b.length);
    assert.is(r.skip(), 0);
    assert.ok(r.atEnd());
    for (let cut = 0; cut < b.length; cut++) { r.begin(b, 0, cut); assert.is(r.skip(), -1); }
  }), { numRuns: 300 });
});

test('writer overflow latches', () => {
  const w = new CborWriter();
  w.begin(new Uint8Array(4), 0, 4);
  w.int(1000000);
  assert.ok(w.overflow);
  w.int(1);
  assert.is(w.pos, 0);
});

test.run();
