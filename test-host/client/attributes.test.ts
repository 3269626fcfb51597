// AttributeTable: resolve() + pick() (notifyDue's one scan per observation) agree with the plain
// reading of the inheritance resource → instance → object (TS Core §5.1.2, `effective` below: one
// find() per level) on random tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttributeTable, Attr } from '../../src/client/observe.js';
import { NONE } from '../../src/model/record.js';

function effective(t: AttributeTable, server: number, o: number, i: number, r: number, a: number): number {
  let k = r >= 0 ? t.find(server, o, i, r) : -1;
  if (k >= 0 && t.v[k * Attr.COUNT + a] === t.v[k * Attr.COUNT + a]) return k * Attr.COUNT + a;
  k = i >= 0 ? t.find(server, o, i, NONE) : -1;
  if (k >= 0 && t.v[k * Attr.COUNT + a] === t.v[k * Attr.COUNT + a]) return k * Attr.COUNT + a;
  k = t.find(server, o, NONE, NONE);
  if (k >= 0 && t.v[k * Attr.COUNT + a] === t.v[k * Attr.COUNT + a]) return k * Attr.COUNT + a;
  return -1;
}

test('resolve + pick = effective, for every attribute, on random tables', () => {
  let seed = 12345;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const ids = [NONE, 0, 1];
  for (let round = 0; round < 300; round++) {
    const t = new AttributeTable(1 + rnd(8));
    for (let j = rnd(12); j > 0; j--) {
      const k = t.obtain(rnd(2), 3 + rnd(2), ids[rnd(3)], ids[rnd(3)]);
      if (k < 0) break;
      for (let a = 0; a < Attr.COUNT; a++) if (rnd(3) === 0) t.v[k * Attr.COUNT + a] = rnd(100);
      if (rnd(5) === 0) t.f[k * 5] = 0; // a freed row
    }
    for (let q = 0; q < 20; q++) {
      const s = rnd(2), o = 3 + rnd(2), i = ids[rnd(3)], r = ids[rnd(3)];
      t.resolve(s, o, i, r);
      for (let a = 0; a < Attr.COUNT; a++) assert.is(t.pick(a), effective(t, s, o, i, r, a), `/${o}/${i}/${r} attr ${a}`);
    }
  }
});

test.run();
