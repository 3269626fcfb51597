import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Slab, GROWABLE_PAGES } from '../../src/slab.js';

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

test('fixed pages: a request over a quarter page gets a buffer of its own; a full page opens the next one', () => {
  const s = new Slab(128, false);
  const small = s.u8(32);
  const big = s.u8(33);
  assert.is.not(big.buffer, small.buffer);
  assert.is(big.byteOffset, 0);
  assert.is(big.buffer.byteLength, 33);
  for (let k = 0; k < 4; k++) s.u8(32);
  assert.is(s.pages, 2, 'the fifth 32-byte array opens a second page');
  assert.is(s.bytes, 2 * 128 + 33);
});

test('growable pages (XS\'s default; here asked for): a page grows by each view, to its used bytes only', () => {
  assert.is(GROWABLE_PAGES, false, 'not the default under V8 (slower typed arrays over resizable buffers)');
  assert.is(new Slab().grow, false);
  const s = new Slab(128, true); // views up to 4 × 128 bytes; a page grows up to that
  const a = s.u8(3);
  a.fill(7);
  const f = s.f64(2); // aligned: the page grows to 8 + 16 bytes
  f[0] = 1.5; f[1] = -2;
  assert.is(f.byteOffset, 8);
  assert.is(a.buffer, f.buffer, 'one page');
  assert.is(a.buffer.byteLength, 24, 'the page holds what was asked, no unused tail');
  assert.is(s.bytes, 24);
  const big = s.u8(300); // over a quarter page, under 4 pages: a view too
  assert.is(big.buffer, a.buffer);
  assert.is(a.buffer.byteLength, 324);
  assert.ok(Array.prototype.every.call(a, (v: number) => v === 7) && f[0] === 1.5 && f[1] === -2, 'growing the page kept the earlier views\' values');
  const next = s.u8(200); // 324 + 200 > 512: the next page; the first stops growing
  assert.is.not(next.buffer, a.buffer);
  assert.is(next.byteOffset, 0);
  assert.is(a.buffer.byteLength, 324);
  assert.is(s.pages, 2);
  const own = s.u8(513); // over 4 pages' bytes: a buffer of its own
  assert.is(own.buffer.byteLength, 513);
  assert.is.not(own.buffer, next.buffer);
  assert.is(s.bytes, 324 + 200 + 513);
  assert.is(s.u8(0).length, 0);
});

test('bad sizes are refused', () => {
  assert.throws(() => new Slab(100), /multiple of 8/);
  assert.throws(() => new Slab(0), /multiple of 8/);
  const s = new Slab();
  assert.throws(() => s.u8(-1), /bad length/);
  assert.throws(() => s.u8(1.5), /bad length/);
});

test.run();
