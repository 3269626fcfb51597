import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayWindow } from '../../src/dtls/replay.js';

test('fresh window accepts anything; a marked number is then a replay', () => {
  const w = new ReplayWindow();
  assert.ok(w.check(5));
  w.mark(5);
  assert.not.ok(w.check(5));
  assert.ok(w.check(4));
  assert.ok(w.check(6));
});

test('64-entry window (RFC 6347 §4.1.2.6): edges, shifts of every size, 48-bit numbers', () => {
  const w = new ReplayWindow();
  w.mark(100);
  assert.ok(w.check(37), '63 behind');
  assert.not.ok(w.check(36), '64 behind');
  w.mark(37);
  assert.not.ok(w.check(37));
  w.mark(101); // shift by 1: 37 is now 64 behind
  assert.not.ok(w.check(37));
  assert.not.ok(w.check(100));
  for (const shift of [1, 31, 32, 33, 63, 64, 65, 1000]) {
    const v = new ReplayWindow();
    v.mark(1000); v.mark(999); v.mark(970);
    v.mark(1000 + shift);
    assert.not.ok(v.check(1000 + shift));
    assert.not.ok(v.check(1000), `1000 after shift ${shift}`); // marked, or now too old: rejected either way
    assert.not.ok(v.check(999));
    assert.not.ok(v.check(970));
    assert.is(v.check(998), shift + 2 < 64, `unmarked 998 after shift ${shift}`);
    if (shift > 1) assert.is(v.check(1000 + shift - 1), true, 'just below the top, unmarked');
  }
  const big = new ReplayWindow();
  const top = 2 ** 48 - 1;
  big.mark(top);
  assert.not.ok(big.check(top));
  assert.ok(big.check(top - 1));
  big.mark(top - 63);
  assert.not.ok(big.check(top - 63));
  assert.not.ok(big.check(top - 64));
});

test('randomized against a Set-based model', () => {
  let s = 12345;
  const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s; };
  const w = new ReplayWindow();
  const seen = new Set<number>();
  let top = -1;
  for (let i = 0; i < 20000; i++) {
    const seq = Math.max(0, top + (rnd() % 100) - 70);
    const model = !seen.has(seq) && (top < 0 || seq > top || top - seq < 64);
    assert.is(w.check(seq), model, `seq ${seq} top ${top}`);
    if (model) { w.mark(seq); seen.add(seq); if (seq > top) top = seq; }
  }
});

test.run();
