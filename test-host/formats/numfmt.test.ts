// Decimal numbers on bytes (src/formats/numfmt.ts) against the engine's own conversions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import './helpers.js'; // fixed fast-check seed
import { numStats, readDecimal, readInt, readNumber, writeDouble, writeInt } from '../../src/formats/numfmt.js';

const te = new TextEncoder();
const td = new TextDecoder();
const out = new Uint8Array(64);

function fmt(v: number): string {
  const n = writeDouble(out, 2, 60, v);
  assert.ok(n > 0, 'writeDouble failed for ' + v);
  return td.decode(out.subarray(2, 2 + n));
}

test('writeInt: exact decimal up to ±2^53, -1 when it does not fit', () => {
  for (const v of [0, 7, -7, 10, 65535, -2147483648, 9007199254740992, -9007199254740992]) {
    const n = writeInt(out, 0, 30, v);
    assert.is(td.decode(out.subarray(0, n)), String(v));
  }
  assert.is(writeInt(out, 0, 2, 123), -1);
  assert.is(writeInt(out, 0, 2, -12), -1);
});

test('writeDouble: examples', () => {
  const cases: [number, string][] = [[22.4, '22.4'], [0.1, '0.1'], [-52.0006, '-52.0006'], [1e-7, '1e-7'],
    [1.5e-10, '1.5e-10'], [123456.789, '123456.789'], [1e21, '1e+21'], [2 ** 60, '1152921504606847000'],
    [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [0.000001, '0.000001'], [-0.5, '-0.5']];
  for (const [v, s] of cases) assert.is(fmt(v), s);
  assert.is(writeDouble(out, 0, 64, NaN), -1);
  assert.is(writeDouble(out, 0, 64, Infinity), -1);
  assert.is(writeDouble(out, 0, 3, 22.45), -1);
});

test('property: writeDouble gives the same text as Number.prototype.toString', () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    assert.is(fmt(v), Object.is(v, -0) ? '0' : String(v));
  }), { numRuns: 20000 });
  fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 6 }), (m, k) => {
    const v = m / 10 ** k;
    assert.is(fmt(v), String(v));
  }), { numRuns: 5000 });
});

test('property: readNumber agrees with JSON.parse', () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    const s = JSON.stringify(v);
    const b = te.encode(s);
    assert.is(readNumber(b, 0, b.length), JSON.parse(s));
  }), { numRuns: 20000 });
  for (const s of ['0', '-0', '1e5', '1E+5', '12.5e-3', '123456789012345678901234567890', '0.1e-400', '1e400']) {
    const b = te.encode(s);
    assert.is(readNumber(b, 0, b.length), JSON.parse(s), s);
  }
  for (const s of ['', '-', '01', '+1', '1.', '.5', '1e', '1e+', '0x10', '1 ', 'NaN', '--1']) {
    const b = te.encode(s);
    assert.ok(Number.isNaN(readNumber(b, 0, b.length)), s);
  }
});

test('readInt and readDecimal (text/plain forms)', () => {
  const ri = (s: string): number => { const b = te.encode(s); return readInt(b, 0, b.length); };
  const rd = (s: string): number => { const b = te.encode(s); return readDecimal(b, 0, b.length); };
  assert.is(ri('42'), 42); assert.is(ri('-42'), -42); assert.is(ri('+7'), 7); assert.is(ri('007'), 7);
  for (const s of ['', '-', '4.2', 'abc', '1e3', '99999999999999999999']) assert.ok(Number.isNaN(ri(s)), s);
  assert.is(rd('1.5'), 1.5); assert.is(rd('-0.25'), -0.25); assert.is(rd('5.'), 5); assert.is(rd('.5'), 0.5);
  assert.is(rd('+1e3'), 1000); assert.is(rd('22.4'), 22.4); assert.is(rd('0.30000000000000004'), 0.30000000000000004);
  for (const s of ['', '.', 'e5', '1e', 'abc', '1.2.3', '- 1']) assert.ok(Number.isNaN(rd(s)), s);
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    assert.is(rd(String(v)), v === 0 ? 0 : v);
  }), { numRuns: 5000 });
});

test('sensor-like values (up to 15 significant digits, exponents within ±22) take no fallback', () => {
  const before = numStats.writeFallbacks + numStats.readFallbacks;
  fc.assert(fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.integer({ min: 0, max: 9 }), (m, k) => {
    const v = m / 10 ** k;
    const s = fmt(v);
    const b = te.encode(s);
    assert.is(readNumber(b, 0, b.length), v);
  }), { numRuns: 20000 });
  for (const v of [22.4, 21.53, -52.0006, 3.14159, 0.001, 1013.25, 99.99, 1e-6]) {
    const b = te.encode(fmt(v));
    assert.is(readNumber(b, 0, b.length), v);
  }
  assert.is(numStats.writeFallbacks + numStats.readFallbacks, before);
});

test.run();
