// Review tests (memory refactor): byte rows' arena offsets and number rows' values share one
// Float64 column, so churn that interleaves number rows with byte rows, instance deletes, copies
// and persistence must keep both intact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectTable, ValueCursor } from '../../src/model/table.js';
import { defineObject } from '../../src/model/defs.js';
import { Slab } from '../../src/slab.js';
import { DataRecord, ValueType, NONE } from '../../src/model/record.js';
import { REGISTRY_DEFS } from '../../src/objects/defs.generated.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

const MIX = defineObject({
  id: 32010, name: 'Mix', multiple: true, persistent: true, resources: [
    [0, 'S', 'RW', ValueType.String],
    [1, 'F', 'RW', ValueType.Float],
    [2, 'O', 'RW', ValueType.Opaque, '*'],
    [3, 'B', 'RW', ValueType.Boolean],
    [4, 'L', 'RW', ValueType.ObjLnk],
    [5, 'I', 'RW', ValueType.Integer, '*'],
    [6, 'T', 'RW', ValueType.String, '*'],
  ],
});
const DEFS = [...REGISTRY_DEFS, MIX];
const TYPES = [ValueType.String, ValueType.Float, ValueType.Opaque, ValueType.Boolean, ValueType.ObjLnk, ValueType.Integer, ValueType.String];
const MULTI = [false, false, true, false, false, true, true];

function mk(slab?: Slab): ObjectTable {
  return new ObjectTable({ maxInstances: 12, maxValues: 160, arenaBytes: 3000 }, DEFS, slab);
}

/** The value of a record as a comparable string. */
function show(d: DataRecord): string {
  switch (d.type) {
    case ValueType.String: case ValueType.Opaque: return 'b:' + dec.decode(d.buf.subarray(d.off, d.off + d.len));
    case ValueType.ObjLnk: return 'l:' + d.lnkO + ':' + d.lnkI;
    default: return 'n:' + d.num;
  }
}

function dump(t: ObjectTable): string[] {
  const c = new ValueCursor(), d = new DataRecord(), out: string[] = [];
  c.begin(t, 32010, NONE, NONE, NONE);
  while (c.next(d) === 1) out.push(`${d.i}/${d.r}/${d.ri}=${show(d)}`);
  return out;
}

function modelDump(model: Map<string, string>): string[] {
  const key = (k: string) => k.split('/').map((x) => String(Number(x) + 1).padStart(6, '0')).join('/');
  return [...model.entries()].sort((a, b) => (key(a[0]) < key(b[0]) ? -1 : 1)).map(([k, v]) => k + '=' + v);
}

test('mixed number and byte rows: random churn, copyFrom and serialize keep every value', () => {
  const slab = new Slab();
  const t = mk(slab), staging = mk(slab), back = mk(slab);
  const model = new Map<string, string>();
  let seed = 99;
  const rnd = (n: number) => { seed = (seed * 48271) % 2147483647; return seed % n; };
  const d = new DataRecord();
  for (let n = 0; n < 30_000; n++) {
    const i = rnd(6), op = rnd(20);
    if (op === 0) {
      if (t.deleteInstance(32010, i) === 0) for (const k of [...model.keys()]) if (Number(k.split('/')[0]) === i) model.delete(k);
      continue;
    }
    if (op === 1) { t.createInstance(32010, i); continue; }
    if (!t.hasInstance(32010, i)) continue;
    const r = rnd(7), ri = MULTI[r] ? rnd(4) : NONE, key = `${i}/${r}/${ri}`;
    if (op === 2) {
      const rc = MULTI[r] ? t.deleteValue(32010, i, r, ri) : t.deleteValues(32010, i, r);
      if (rc === 0) model.delete(key);
      continue;
    }
    d.clear(); d.o = 32010; d.i = i; d.r = r; d.ri = ri; d.type = TYPES[r];
    let want: string;
    if (d.type === ValueType.String || d.type === ValueType.Opaque) {
      const b = enc.encode('x'.repeat(rnd(12)) + (rnd(2) ? String(n) : ''));
      d.buf = b; d.off = 0; d.len = b.length; want = 'b:' + dec.decode(b);
    } else if (d.type === ValueType.ObjLnk) {
      d.lnkO = rnd(65535); d.lnkI = rnd(65535); want = 'l:' + d.lnkO + ':' + d.lnkI;
    } else if (d.type === ValueType.Boolean) {
      d.num = rnd(2); want = 'n:' + d.num;
    } else if (d.type === ValueType.Float) {
      d.num = (rnd(2000000) - 1000000) / 7; want = 'n:' + d.num;
    } else {
      d.num = rnd(100000) - 50000; want = 'n:' + d.num;
    }
    const rc = t.setValue(d);
    if (rc === 0) model.set(key, want);
    if (n % 5000 === 4999) {
      assert.equal(dump(t), modelDump(model));
      // Bootstrap staging: a copy and a copy back.
      staging.copyFrom(t);
      assert.equal(dump(staging), modelDump(model));
      back.copyFrom(staging);
      assert.equal(dump(back), modelDump(model));
      // Persistence round trip.
      const buf = new Uint8Array(t.serializedLength());
      assert.is(t.serialize(buf, 0), buf.length);
      const re = mk();
      assert.is(re.deserialize(buf, 0, buf.length), 0);
      assert.equal(dump(re), modelDump(model));
    }
  }
  assert.equal(dump(t), modelDump(model));
  let bytes = 0;
  for (const v of model.values()) if (v.startsWith('b:')) bytes += enc.encode(v.slice(2)).length;
  assert.is(t.arenaUsed, bytes);
});

test('getNumber of a byte row is 0, its neighbours keep their numbers', () => {
  const t = mk();
  t.createInstance(32010, 0);
  const d = new DataRecord();
  d.o = 32010; d.i = 0; d.r = 1; d.ri = NONE; d.type = ValueType.Float; d.num = 2.5;
  assert.is(t.setValue(d), 0);
  d.clear(); d.o = 32010; d.i = 0; d.r = 0; d.ri = NONE; d.type = ValueType.String;
  const b = enc.encode('hello'); d.buf = b; d.off = 0; d.len = b.length;
  assert.is(t.setValue(d), 0);
  const f = new Float64Array(2);
  assert.is(t.getNumber(32010, 0, 1, NONE, f, 0, new DataRecord()), 0);
  assert.is(f[0], 2.5);
  assert.is(t.getNumber(32010, 0, 0, NONE, f, 1, new DataRecord()), 0);
  assert.is(f[1], 0);
});

test.run();
