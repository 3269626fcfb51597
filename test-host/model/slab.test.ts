import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Slab } from '../../src/slab.js';

test('views of one page are disjoint: writing one never changes another', () => {
  const s = new Slab(256);
  const a = s.u8(3), b = s.u16(5), c = s.i32(7), d = s.f64(2), e = s.u8(1), f = s.i16(3), g = s.u32(2), h = s.i8(4);
  const all = [a, b, c, d, e, f, g, h];
  all.forEach((x, k) => x.fill(k + 1));
  all.forEach((x, k) => assert.ok(Array.prototype.every.call(x, (v: number) => v === k + 1), 'array ' + k));
  assert.is(a.buffer, h.buffer, 'small arrays share the page');
  assert.is(s.pages, 1);
  assert.is(s.views, 8);
});

test('views are aligned to their element size and have the asked length', () => {
  const s = new Slab(512);
  s.u8(1);
  const w = s.u16(3); assert.is(w.byteOffset % 2, 0); assert.is(w.length, 3);
  s.u8(1);
  const i = s.i32(3); assert.is(i.byteOffset % 4, 0); assert.is(i.length, 3);
  s.u8(1);
  const f = s.f64(3); assert.is(f.byteOffset % 8, 0); assert.is(f.length, 3);
  assert.is(s.u8(0).length, 0);
});

test('a request over a quarter page gets a buffer of its own; a full page opens the next one', () => {
  const s = new Slab(128);
  const small = s.u8(32);
  const big = s.u8(33);
  assert.is.not(big.buffer, small.buffer);
  assert.is(big.byteOffset, 0);
  assert.is(big.buffer.byteLength, 33);
  for (let k = 0; k < 4; k++) s.u8(32);
  assert.is(s.pages, 2, 'the fifth 32-byte array opens a second page');
  assert.is(s.bytes, 2 * 128 + 33);
});

test('bad sizes are refused', () => {
  assert.throws(() => new Slab(100), /multiple of 8/);
  assert.throws(() => new Slab(0), /multiple of 8/);
  const s = new Slab();
  assert.throws(() => s.u8(-1), /bad length/);
  assert.throws(() => s.u8(1.5), /bad length/);
});

test.run();
