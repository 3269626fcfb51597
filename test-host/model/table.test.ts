import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ObjectTable, ValueCursor, crc32 } from '../../src/model/table.js';
import { defineObject, DefRegistry } from '../../src/model/defs.js';
import { Slab } from '../../src/slab.js';
import { DataRecord, ValueType, NONE } from '../../src/model/record.js';
import { Code } from '../../src/coap/codes.js';
import { REGISTRY_DEFS } from '../../src/objects/defs.generated.js';
import { gcsDuring } from './zero-gc.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

// A test object: strings, numbers, a multiple opaque resource, an objlnk, an executable.
const TEST = defineObject({
  id: 32000, name: 'Test', multiple: true, persistent: true, resources: [
    [0, 'Name', 'RW', ValueType.String, 'M'],
    [1, 'Level', 'RW', ValueType.Float],
    [2, 'Blobs', 'RW', ValueType.Opaque, '*'],
    [3, 'Flag', 'RW', ValueType.Boolean],
    [4, 'Link', 'RW', ValueType.ObjLnk],
    [5, 'Go', 'E', ValueType.None],
    [6, 'Counter', 'R', ValueType.Integer],
    [7, 'Many', 'R', ValueType.Integer, '*'],
  ],
});
const VOLATILE = defineObject({
  id: 32001, name: 'Volatile', multiple: true, resources: [[0, 'S', 'RW', ValueType.String]],
});
const SINGLE = defineObject({ id: 32002, name: 'Single', resources: [[0, 'V', 'R', ValueType.Integer]] });
const DEFS = [...REGISTRY_DEFS, TEST, VOLATILE, SINGLE];

function mk(over: Partial<{ maxInstances: number; maxValues: number; arenaBytes: number }> = {}): ObjectTable {
  return new ObjectTable({ maxInstances: 16, maxValues: 64, arenaBytes: 256, ...over }, DEFS);
}

function rec(o: number, i: number, r: number, ri: number, type: ValueType): DataRecord {
  const d = new DataRecord();
  d.o = o; d.i = i; d.r = r; d.ri = ri; d.type = type;
  return d;
}
function str(o: number, i: number, r: number, s: string, ri = NONE, type = ValueType.String): DataRecord {
  const d = rec(o, i, r, ri, type);
  const b = enc.encode(s);
  d.buf = b; d.off = 0; d.len = b.length;
  return d;
}
function num(o: number, i: number, r: number, v: number, type = ValueType.Float, ri = NONE): DataRecord {
  const d = rec(o, i, r, ri, type);
  d.num = v;
  return d;
}
function text(d: DataRecord): string { return dec.decode(d.buf.subarray(d.off, d.off + d.len)); }
function getStr(t: ObjectTable, o: number, i: number, r: number, ri = NONE): string | number {
  const out = new DataRecord();
  const rc = t.getValue(o, i, r, ri, out);
  return rc < 0 ? rc : text(out);
}
function all(t: ObjectTable, o: number, i = NONE, r = NONE, ri = NONE): string[] {
  const c = new ValueCursor();
  const out = new DataRecord();
  const paths: string[] = [];
  c.begin(t, o, i, r, ri);
  let rc: number;
  while ((rc = c.next(out)) === 1) paths.push(`/${out.o}/${out.i}/${out.r}` + (out.ri >= 0 ? `/${out.ri}` : ''));
  assert.is(rc, 0);
  return paths;
}

test('create / has / delete instances, codes', () => {
  const t = mk();
  assert.is(t.createInstance(32000, 3), 0);
  assert.is(t.createInstance(32000, 3), -Code.BAD_REQUEST);
  assert.is(t.createInstance(32000, 65535), -Code.BAD_REQUEST);
  assert.is(t.createInstance(32000, -1), -Code.BAD_REQUEST);
  assert.is(t.createInstance(9999, 0), -Code.NOT_FOUND);
  assert.ok(t.hasInstance(32000, 3));
  assert.not.ok(t.hasInstance(32000, 2));
  assert.ok(t.hasObject(3303));
  assert.not.ok(t.hasObject(9999));
  assert.is(t.createInstance(32002, 0), 0);
  assert.is(t.createInstance(32002, 1), -Code.BAD_REQUEST, 'single-instance object');
  assert.is(t.deleteInstance(32000, 4), -Code.NOT_FOUND);
  assert.is(t.deleteInstance(32000, 3), 0);
  assert.not.ok(t.hasInstance(32000, 3));
});

test('iteration ascending, counts, freeInstanceId, deleteObject', () => {
  const t = mk();
  for (const i of [5, 1, 9, 0, 3]) assert.is(t.createInstance(32000, i), 0);
  t.createInstance(32001, 2);
  const seen: number[] = [];
  for (let i = t.firstInstance(32000); i >= 0; i = t.nextInstance(32000, i)) seen.push(i);
  assert.equal(seen, [0, 1, 3, 5, 9]);
  assert.is(t.instanceCount(32000), 5);
  assert.is(t.instanceCount(32001), 1);
  assert.is(t.instanceCount(3), 0);
  assert.is(t.firstInstance(3), -1);
  assert.is(t.nextInstance(32000, 9), -1);
  assert.is(t.freeInstanceId(32000), 2);
  assert.is(t.freeInstanceId(3), 0);
  t.createInstance(32000, 2);
  assert.is(t.freeInstanceId(32000), 4);
  assert.is(t.deleteObject(32000), 0);
  assert.is(t.instanceCount(32000), 0);
  assert.is(t.instanceCount(32001), 1);
});

test('instance table full → -5.00', () => {
  const t = mk({ maxInstances: 3 });
  assert.is(t.createInstance(32000, 0), 0);
  assert.is(t.createInstance(32000, 1), 0);
  assert.is(t.createInstance(32000, 2), 0);
  assert.is(t.createInstance(32000, 3), -Code.INTERNAL_SERVER_ERROR);
  t.deleteInstance(32000, 1);
  assert.is(t.createInstance(32000, 3), 0);
});

test('setValue / getValue of every kind; type and path checks', () => {
  const t = mk();
  t.createInstance(32000, 0);
  assert.is(t.setValue(str(32000, 0, 0, 'hello')), 0);
  assert.is(getStr(t, 32000, 0, 0), 'hello');
  assert.is(t.setValue(num(32000, 0, 1, 21.5)), 0);
  const out = new DataRecord();
  assert.is(t.getValue(32000, 0, 1, NONE, out), 0);
  assert.is(out.type, ValueType.Float);
  assert.is(out.num, 21.5);
  assert.is(out.o, 32000); assert.is(out.i, 0); assert.is(out.r, 1); assert.is(out.ri, NONE);
  const l = rec(32000, 0, 4, NONE, ValueType.ObjLnk); l.lnkO = 3; l.lnkI = 65535;
  assert.is(t.setValue(l), 0);
  assert.is(t.getValue(32000, 0, 4, NONE, out), 0);
  assert.is(out.lnkO, 3); assert.is(out.lnkI, 65535);
  assert.is(t.setValue(num(32000, 0, 3, 1, ValueType.Boolean)), 0);
  assert.is(t.setValue(num(32000, 0, 3, 2, ValueType.Boolean)), -Code.BAD_REQUEST);
  // Wrong type, Raw, absent instance / resource / object, executable, ri shape.
  assert.is(t.setValue(num(32000, 0, 1, 1, ValueType.Integer)), -Code.BAD_REQUEST);
  assert.is(t.setValue(str(32000, 0, 0, 'x', NONE, ValueType.Raw)), -Code.BAD_REQUEST);
  assert.is(t.setValue(str(32000, 1, 0, 'x')), -Code.NOT_FOUND);
  assert.is(t.setValue(str(32000, 0, 99, 'x')), -Code.NOT_FOUND);
  assert.is(t.setValue(str(9999, 0, 0, 'x')), -Code.NOT_FOUND);
  assert.is(t.setValue(rec(32000, 0, 5, NONE, ValueType.None)), -Code.METHOD_NOT_ALLOWED);
  assert.is(t.setValue(str(32000, 0, 2, 'x', NONE, ValueType.Opaque)), -Code.BAD_REQUEST);
  assert.is(t.setValue(str(32000, 0, 0, 'x', 0)), -Code.BAD_REQUEST);
  assert.is(t.getValue(32000, 0, 6, NONE, out), -Code.NOT_FOUND);
  assert.is(t.getValue(32000, 0, 5, NONE, out), -Code.METHOD_NOT_ALLOWED);
  assert.ok(t.hasValue(32000, 0, 0, NONE));
  assert.not.ok(t.hasValue(32000, 0, 6, NONE));
  // Replace with longer / shorter strings keeps neighbours intact.
  t.createInstance(32000, 1);
  t.setValue(str(32000, 1, 0, 'neighbour'));
  assert.is(t.setValue(str(32000, 0, 0, 'a much longer string')), 0);
  assert.is(getStr(t, 32000, 1, 0), 'neighbour');
  assert.is(t.setValue(str(32000, 0, 0, 'ab')), 0);
  assert.is(getStr(t, 32000, 0, 0), 'ab');
  assert.is(getStr(t, 32000, 1, 0), 'neighbour');
  assert.is(t.arenaUsed, 2 + 9);
});

test('multiple resource instances, deleteValues, deleteValue', () => {
  const t = mk();
  t.createInstance(32000, 0);
  for (const ri of [7, 0, 3]) assert.is(t.setValue(str(32000, 0, 2, 'b' + ri, ri, ValueType.Opaque)), 0);
  assert.is(t.valueInstances(32000, 0, 2), 3);
  assert.equal(all(t, 32000, 0, 2), ['/32000/0/2/0', '/32000/0/2/3', '/32000/0/2/7']);
  assert.is(getStr(t, 32000, 0, 2, 3), 'b3');
  assert.is(t.getValue(32000, 0, 2, NONE, new DataRecord()), -Code.BAD_REQUEST);
  assert.is(t.deleteValue(32000, 0, 2, 3), 0);
  assert.is(t.deleteValue(32000, 0, 2, 3), -Code.NOT_FOUND);
  assert.equal(all(t, 32000, 0, 2), ['/32000/0/2/0', '/32000/0/2/7']);
  assert.is(t.deleteValues(32000, 0, 2), 0);
  assert.is(t.valueInstances(32000, 0, 2), 0);
  assert.is(t.arenaUsed, 0);
  assert.is(t.deleteValues(32000, 5, 2), -Code.NOT_FOUND);
});

test('value table full → -5.00, arena full → -4.13, nothing changed', () => {
  const t = mk({ maxValues: 3, arenaBytes: 10 });
  t.createInstance(32000, 0);
  assert.is(t.setValue(str(32000, 0, 0, '0123456789')), 0);
  assert.is(t.setValue(str(32000, 0, 0, '0123456789A')), -Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(getStr(t, 32000, 0, 0), '0123456789');
  assert.is(t.setValue(num(32000, 0, 1, 1)), 0);
  assert.is(t.setValue(num(32000, 0, 3, 1, ValueType.Boolean)), 0);
  assert.is(t.setValue(str(32000, 0, 2, '', 0, ValueType.Opaque)), -Code.INTERNAL_SERVER_ERROR);
  assert.is(t.valueCount, 3);
  assert.is(t.setValue(num(32000, 0, 1, 2)), 0, 'replacing does not need a row');
});

test('cursor walks in path order over object / instance / resource', () => {
  const t = mk();
  t.createInstance(32000, 2); t.createInstance(32000, 0); t.createInstance(32001, 0);
  t.setValue(num(32000, 2, 1, 5));
  t.setValue(str(32000, 0, 0, 'n0'));
  t.setValue(str(32000, 2, 0, 'n2'));
  t.setValue(str(32000, 0, 2, 'x', 4, ValueType.Opaque));
  t.setValue(str(32000, 0, 2, 'y', 1, ValueType.Opaque));
  t.setValue(num(32000, 0, 1, 1));
  t.setValue(str(32001, 0, 0, 'other'));
  assert.equal(all(t, 32000), ['/32000/0/0', '/32000/0/1', '/32000/0/2/1', '/32000/0/2/4', '/32000/2/0', '/32000/2/1']);
  assert.equal(all(t, 32000, 2), ['/32000/2/0', '/32000/2/1']);
  assert.equal(all(t, 32000, 1), []);
  assert.equal(all(t, 32000, 0, 2, 4), ['/32000/0/2/4']);
  assert.equal(all(t, 32000, 0, 1), ['/32000/0/1']);
  assert.equal(all(t, 32001), ['/32001/0/0']);
  assert.equal(all(t, 32000, NONE, 0), ['/32000/0/0', '/32000/2/0'], 'one resource across instances');
  assert.equal(all(t, 32000, NONE, 2, 4), ['/32000/0/2/4']);
  assert.equal(all(t, 9999), []);
  assert.equal(all(t, 3), []);
});

test('bound readers, writers, executors; cursor merges them in order', () => {
  const t = mk();
  let counter = 41;
  t.bindRead(32000, 6, (i, _ri, out) => { out.num = counter + i; return 0; });
  // Multiple bound resource with sparse instances 2 and 5.
  t.bindRead(32000, 7, (_i, ri, out) => {
    const next = ri <= 2 ? 2 : ri <= 5 ? 5 : -1;
    if (next < 0) return -Code.NOT_FOUND;
    out.ri = next; out.num = next * 10; return 0;
  });
  const written: number[] = [];
  t.bindWrite(32000, 1, (r) => { written.push(r.num); return 0; });
  const ran: string[] = [];
  t.bindExecute(32000, 5, (i, args, off, len) => { ran.push(i + ':' + dec.decode(args.subarray(off, off + len))); return 0; });
  assert.throws(() => t.bindExecute(32000, 0, () => 0));
  assert.throws(() => t.bindRead(9999, 0, () => 0));
  t.createInstance(32000, 0);
  t.setValue(str(32000, 0, 0, 'n'));
  const out = new DataRecord();
  assert.is(t.getValue(32000, 0, 6, NONE, out), 0);
  assert.is(out.num, 41); assert.is(out.type, ValueType.Integer); assert.is(out.r, 6);
  counter = 100;
  assert.is(t.getValue(32000, 0, 6, NONE, out), 0);
  assert.is(out.num, 100);
  assert.is(t.getValue(32000, 0, 7, 5, out), 0);
  assert.is(out.num, 50);
  assert.is(t.getValue(32000, 0, 7, 3, out), -Code.NOT_FOUND);
  assert.equal(all(t, 32000), ['/32000/0/0', '/32000/0/6', '/32000/0/7/2', '/32000/0/7/5']);
  assert.equal(all(t, 32000, 0, 7, 5), ['/32000/0/7/5']);
  // write() goes to the writer, setValue stores.
  assert.is(t.write(num(32000, 0, 1, 7)), 0);
  assert.equal(written, [7]);
  assert.not.ok(t.hasValue(32000, 0, 1, NONE));
  assert.is(t.write(str(32000, 0, 0, 'stored')), 0);
  assert.is(getStr(t, 32000, 0, 0), 'stored');
  // execute
  const args = enc.encode('xxargs');
  assert.is(t.execute(32000, 0, 5, args, 2, 4), 0);
  assert.equal(ran, ['0:args']);
  assert.is(t.execute(32000, 0, 0, args, 0, 0), -Code.METHOD_NOT_ALLOWED);
  assert.is(t.execute(32000, 1, 5, args, 0, 0), -Code.NOT_FOUND);
  assert.is(t.execute(32000, 0, 77, args, 0, 0), -Code.NOT_FOUND);
  assert.is(t.execute(3, 0, 4, args, 0, 0), -Code.NOT_FOUND, 'instance absent');
  t.createInstance(32000, 1);
  assert.equal(all(t, 32000, NONE, 6), ['/32000/0/6', '/32000/1/6']);
  assert.equal(all(t, 32000, NONE, 0), ['/32000/0/0']);
  assert.equal(all(t, 32000, 1), ['/32000/1/6', '/32000/1/7/2', '/32000/1/7/5']);
});

test('a binder\'s context: one method of a prototype serves every resource, called with the context as this (Execute gets its resource)', () => {
  const t = mk();
  class Handler {
    seen: string[] = [];
    read(this: Handler, i: number, _ri: number, out: DataRecord): number { this.seen.push('read ' + out.r + ' of ' + i); out.num = out.r; return 0; }
    write(this: Handler, rec: DataRecord): number { this.seen.push('write ' + rec.r + '=' + rec.num); return 0; }
    exec(this: Handler, i: number, _args: Uint8Array, _off: number, len: number, r: number): number { this.seen.push('exec ' + r + ' of ' + i + ' (' + len + ' B)'); return 0; }
  }
  const h = new Handler();
  t.bindRead(32000, 6, h.read, h);
  t.bindWrite(32000, 1, h.write, h);
  t.bindWrite(32000, 3, h.write, h);
  t.bindExecute(32000, 5, h.exec, h);
  t.createInstance(32000, 0);
  const out = new DataRecord();
  assert.is(t.getValue(32000, 0, 6, NONE, out), 0);
  assert.is(out.num, 6);
  assert.is(t.write(num(32000, 0, 1, 2.5)), 0);
  assert.is(t.write(num(32000, 0, 3, 1, ValueType.Boolean)), 0);
  assert.is(t.execute(32000, 0, 5, enc.encode('ab'), 0, 2), 0);
  assert.equal(h.seen, ['read 6 of 0', 'write 1=2.5', 'write 3=1', 'exec 5 of 0 (2 B)']);
});

test('hasResource and clearInstance', () => {
  const t = mk();
  t.bindRead(32000, 6, (_i, _ri, out) => { out.num = 1; return 0; });
  t.bindExecute(32000, 5, () => 0);
  t.createInstance(32000, 0); t.createInstance(32000, 1);
  t.setValue(str(32000, 0, 0, 'x')); t.setValue(str(32000, 0, 2, 'y', 4, ValueType.Opaque)); t.setValue(str(32000, 1, 0, 'z'));
  assert.ok(t.hasResource(32000, 0, 0)); assert.ok(t.hasResource(32000, 0, 2)); assert.ok(t.hasResource(32000, 0, 6));
  assert.ok(t.hasResource(32000, 0, 5)); assert.not.ok(t.hasResource(32000, 0, 1)); assert.not.ok(t.hasResource(32000, 2, 0));
  assert.not.ok(t.hasResource(32000, 0, 99));
  assert.is(t.clearInstance(32000, 0), 0);
  assert.ok(t.hasInstance(32000, 0));
  assert.not.ok(t.hasResource(32000, 0, 0));
  assert.is(getStr(t, 32000, 1, 0), 'z');
  assert.is(t.arenaUsed, 1);
  assert.is(t.clearInstance(32000, 9), -Code.NOT_FOUND);
});

test('onChange fires for set, delete, create', () => {
  const t = mk();
  const seen: string[] = [];
  t.onChange((o, i, r) => seen.push(`${o}/${i}/${r}`));
  t.createInstance(32000, 0);
  t.setValue(num(32000, 0, 1, 1));
  t.deleteValues(32000, 0, 1);
  t.deleteInstance(32000, 0);
  t.markChanged(32000, 0, 6);
  assert.equal(seen, ['32000/0/-1', '32000/0/1', '32000/0/1', '32000/0/-1', '32000/0/6']);
  assert.is(t.changeCount, 5);
});

test('setValue from a window into the same arena (aliasing)', () => {
  const t = mk({ arenaBytes: 64 });
  t.createInstance(32000, 0); t.createInstance(32000, 1);
  t.setValue(str(32000, 0, 0, 'abcdef'));
  t.setValue(str(32000, 1, 0, 'XY'));
  const out = new DataRecord();
  t.getValue(32000, 0, 0, NONE, out);
  const r = str(32000, 1, 0, ''); r.buf = out.buf; r.off = out.off; r.len = out.len;
  assert.is(t.setValue(r), 0);
  assert.is(getStr(t, 32000, 1, 0), 'abcdef');
  t.getValue(32000, 1, 0, NONE, out);
  const r2 = str(32000, 0, 0, ''); r2.buf = out.buf; r2.off = out.off + 2; r2.len = 3;
  assert.is(t.setValue(r2), 0);
  assert.is(getStr(t, 32000, 0, 0), 'cde');
  assert.is(getStr(t, 32000, 1, 0), 'abcdef');
});

test('arena churn: 100,000 random set/delete, usage back to baseline, contents match a model', () => {
  const t = mk({ maxInstances: 8, maxValues: 128, arenaBytes: 2048 });
  for (let i = 0; i < 4; i++) t.createInstance(32000, i);
  t.setValue(str(32000, 0, 0, 'baseline'));
  const base = t.arenaUsed;
  const model = new Map<string, string>();
  let seed = 12345;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  let full = 0;
  for (let n = 0; n < 100_000; n++) {
    const i = 1 + rnd(3), ri = rnd(20);
    const key = i + '/' + ri;
    if (rnd(3) === 0) {
      assert.is(t.deleteValue(32000, i, 2, ri), model.has(key) ? 0 : -Code.NOT_FOUND);
      model.delete(key);
    } else {
      const s = 'v'.repeat(rnd(40)) + n;
      const rc = t.setValue(str(32000, i, 2, s, ri, ValueType.Opaque));
      if (rc === 0) model.set(key, s); else { assert.is(rc, -Code.REQUEST_ENTITY_TOO_LARGE); full++; }
    }
  }
  let total = 0;
  for (const [key, s] of model) {
    const [i, ri] = key.split('/').map(Number);
    assert.is(getStr(t, 32000, i, 2, ri), s);
    total += s.length;
  }
  assert.is(t.arenaUsed, base + total);
  for (let i = 1; i < 4; i++) t.deleteValues(32000, i, 2);
  assert.is(t.arenaUsed, base);
  assert.is(getStr(t, 32000, 0, 0), 'baseline');
  assert.is(t.valueCount, 1);
});

test('copyFrom: staging commit and rollback', () => {
  const a = mk(), b = mk();
  a.createInstance(32000, 0); a.setValue(str(32000, 0, 0, 'live'));
  b.copyFrom(a);
  b.setValue(str(32000, 0, 0, 'staged'));
  b.createInstance(32000, 1);
  assert.is(getStr(a, 32000, 0, 0), 'live');
  assert.ok(!a.hasInstance(32000, 1));
  a.copyFrom(b);
  assert.is(getStr(a, 32000, 0, 0), 'staged');
  assert.ok(a.hasInstance(32000, 1));
  assert.throws(() => a.copyFrom(mk({ arenaBytes: 100 })));
});

function populated(): ObjectTable {
  const t = mk();
  t.createInstance(0, 0); t.createInstance(0, 1); t.createInstance(1, 0);
  t.setValue(str(0, 0, 0, 'coaps://[::1]:5684'));
  t.setValue(num(0, 0, 1, 0, ValueType.Boolean));
  t.setValue(num(0, 0, 2, 0, ValueType.Integer));
  t.setValue(str(0, 0, 3, 'id', NONE, ValueType.Opaque));
  t.setValue(num(0, 0, 10, 101, ValueType.Integer));
  t.setValue(num(0, 1, 1, 1, ValueType.Boolean));
  t.setValue(num(1, 0, 0, 101, ValueType.Integer));
  t.setValue(num(1, 0, 1, 86400, ValueType.UnsignedInteger));
  t.setValue(str(1, 0, 7, 'U'));
  t.createInstance(32000, 4);
  t.setValue(num(32000, 4, 1, -0.1));
  const l = rec(32000, 4, 4, NONE, ValueType.ObjLnk); l.lnkO = 1; l.lnkI = 0; t.setValue(l);
  t.createInstance(32001, 0);
  t.setValue(str(32001, 0, 0, 'volatile'));
  return t;
}
function dump(t: ObjectTable): string[] {
  const out: string[] = [];
  for (const o of [0, 1, 32000, 32001]) {
    const c = new ValueCursor(); const d = new DataRecord();
    for (let i = t.firstInstance(o); i >= 0; i = t.nextInstance(o, i)) out.push(`/${o}/${i}`);
    c.begin(t, o, NONE, NONE, NONE);
    while (c.next(d) === 1) out.push(`/${d.o}/${d.i}/${d.r}/${d.ri} t${d.type} ${d.num} ${d.lnkO}:${d.lnkI} ${text(d)}`);
  }
  return out;
}

test('serialize / deserialize round trip of persisted objects only', () => {
  const t = populated();
  const buf = new Uint8Array(1024);
  const n = t.serialize(buf, 3);
  assert.is(n, t.serializedLength());
  assert.is(buf[3], 0x4c); assert.is(buf[4], 0x54); assert.is(buf[5], 1);
  assert.is(t.serialize(new Uint8Array(n - 1), 0), -Code.REQUEST_ENTITY_TOO_LARGE);
  const u = mk();
  u.createInstance(0, 7); u.setValue(str(0, 7, 0, 'to be replaced'));
  u.createInstance(32001, 3); u.setValue(str(32001, 3, 0, 'kept'));
  assert.is(u.deserialize(buf, 3, n), 0);
  const want = dump(t).filter((l) => !l.startsWith('/32001'));
  const got = dump(u).filter((l) => !l.startsWith('/32001'));
  assert.equal(got, want);
  assert.equal(dump(u).filter((l) => l.startsWith('/32001')), ['/32001/3', '/32001/3/0/-1 t1 0 0:0 kept']);
  // Serializing the restored table gives the same bytes.
  const buf2 = new Uint8Array(1024);
  assert.is(u.serialize(buf2, 0), n);
  assert.equal(Array.from(buf2.subarray(0, n)), Array.from(buf.subarray(3, 3 + n)));
});

test('deserialize rejects corrupted input and leaves the table unchanged', () => {
  const t = populated();
  const buf = new Uint8Array(1024);
  const n = t.serialize(buf, 0);
  const u = populated();
  u.setValue(str(0, 0, 0, 'coap://changed'));
  const before = dump(u);
  // Every single-byte corruption is caught (CRC), truncation too.
  for (let k = 0; k < n; k++) {
    const c = buf.slice(0, n);
    c[k] ^= 0x5a;
    assert.is(u.deserialize(c, 0, n), -Code.BAD_REQUEST, 'flip at ' + k);
  }
  assert.is(u.deserialize(buf, 0, n - 1), -Code.BAD_REQUEST);
  assert.is(u.deserialize(buf, 0, 5), -Code.BAD_REQUEST);
  // Well-formed CRC but bad content: an unknown resource id (re-sign after editing).
  const c = buf.slice(0, n);
  const instCount = (c[4] << 8) | c[5];
  const firstVal = 8 + instCount * 4;
  c[firstVal + 5] = 99; // resource id low byte of the first value → /0/0/99
  const crc = crc32(c, 0, n - 4);
  c[n - 4] = crc >>> 24; c[n - 3] = (crc >>> 16) & 255; c[n - 2] = (crc >>> 8) & 255; c[n - 1] = crc & 255;
  assert.is(u.deserialize(c, 0, n), -Code.BAD_REQUEST);
  // Version byte changed (and re-signed).
  const v = buf.slice(0, n); v[2] = 2;
  const crc2 = crc32(v, 0, n - 4);
  v[n - 4] = crc2 >>> 24; v[n - 3] = (crc2 >>> 16) & 255; v[n - 2] = (crc2 >>> 8) & 255; v[n - 1] = crc2 & 255;
  assert.is(u.deserialize(v, 0, n), -Code.BAD_REQUEST);
  assert.equal(dump(u), before);
  // Does not fit: a smaller arena.
  const small = mk({ arenaBytes: 16 });
  assert.is(small.deserialize(buf, 0, n), -Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(small.instanceTotal, 0);
});

test('random instance/value churn: cursor order equals a sorted model', () => {
  const t = mk({ maxInstances: 12, maxValues: 200, arenaBytes: 4096 });
  const model = new Map<string, string>(); // key "i/r/ri" → value
  const keyOf = (i: number, r: number, ri: number) => [i, r, ri].map((x) => String(x + 1).padStart(6, '0')).join('/');
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 48271) % 2147483647; return seed % n; };
  for (let n = 0; n < 20_000; n++) {
    const i = rnd(10), op = rnd(10);
    if (op === 0) {
      const had = t.hasInstance(32000, i);
      assert.is(t.deleteInstance(32000, i), had ? 0 : -Code.NOT_FOUND);
      for (const k of [...model.keys()]) if (Number(k.split('/')[0]) - 1 === i) model.delete(k);
    } else if (op === 1) {
      t.createInstance(32000, i);
    } else if (t.hasInstance(32000, i)) {
      if (rnd(2) === 0) {
        const s = 'n' + rnd(1000);
        assert.is(t.setValue(str(32000, i, 0, s)), 0);
        model.set(keyOf(i, 0, -1), s);
      } else {
        const ri = rnd(5), s = 'b'.repeat(rnd(8));
        const rc = t.setValue(str(32000, i, 2, s, ri, ValueType.Opaque));
        if (rc === 0) model.set(keyOf(i, 2, ri), s); else assert.is(rc, -Code.INTERNAL_SERVER_ERROR);
      }
    }
  }
  const c = new ValueCursor(); const d = new DataRecord();
  const got: string[] = [];
  c.begin(t, 32000, NONE, NONE, NONE);
  while (c.next(d) === 1) got.push(keyOf(d.i, d.r, d.ri) + '=' + text(d));
  const want = [...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => k + '=' + v);
  assert.equal(got, want);
  assert.is(t.arenaUsed, [...model.values()].reduce((a, s) => a + s.length, 0));
});

test('deserialize refuses data that would overflow the instance table, unchanged', () => {
  const big = mk({ maxInstances: 16 });
  for (let i = 0; i < 10; i++) big.createInstance(0, i);
  const buf = new Uint8Array(256);
  const n = big.serialize(buf, 0);
  const small = mk({ maxInstances: 12 });
  for (let i = 0; i < 4; i++) small.createInstance(32001, i);
  small.createInstance(0, 0);
  assert.is(small.deserialize(buf, 0, n), -Code.INTERNAL_SERVER_ERROR);
  assert.is(small.instanceCount(0), 1);
  assert.is(small.instanceCount(32001), 4);
});

test('setText stores the UTF-8 bytes of a JS string, as setValue of the encoded bytes would', () => {
  const t = mk({ arenaBytes: 32 });
  t.createInstance(32000, 0);
  const samples = ['', 'plain', 'é€', '\u{1F600}x', '\ud800', '\udc00a', '\ud800b'];
  for (const s of samples) {
    assert.is(t.setText(32000, 0, 0, NONE, ValueType.String, s), 0, JSON.stringify(s));
    const out = new DataRecord();
    assert.is(t.getValue(32000, 0, 0, NONE, out), 0);
    assert.equal(Array.from(out.buf.subarray(out.off, out.off + out.len)), utf8Of(s), JSON.stringify(s));
  }
  assert.is(t.setText(32000, 0, 2, 4, ValueType.Opaque, 'bytes'), 0);
  assert.is(getStr(t, 32000, 0, 2, 4), 'bytes');
  assert.is(t.setText(32000, 0, 1, NONE, ValueType.Float, '1'), -Code.BAD_REQUEST, 'not a byte type');
  assert.is(t.setText(32000, 0, 0, NONE, ValueType.Opaque, 'x'), -Code.BAD_REQUEST, 'not the resource type');
  assert.is(t.setText(32000, 9, 0, NONE, ValueType.String, 'x'), -Code.NOT_FOUND, 'no instance');
  const before = dump(t);
  assert.is(t.setText(32000, 0, 0, NONE, ValueType.String, 'x'.repeat(40)), -Code.REQUEST_ENTITY_TOO_LARGE);
  assert.equal(dump(t), before, 'nothing changed');
});

// The oracle: the WHATWG TextEncoder (an unpaired surrogate becomes U+FFFD).
function utf8Of(s: string): number[] {
  return Array.from(new TextEncoder().encode(s));
}

test('setText agrees with TextEncoder on random strings, unpaired surrogates included', () => {
  const t = mk({ arenaBytes: 256 });
  t.createInstance(32000, 0);
  const out = new DataRecord();
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
    assert.is(t.setText(32000, 0, 0, NONE, ValueType.String, s), 0);
    assert.is(t.getValue(32000, 0, 0, NONE, out), 0);
    assert.equal(Array.from(out.buf.subarray(out.off, out.off + out.len)), utf8Of(s), JSON.stringify(s));
  }), { numRuns: 500, seed: 7 });
});

test('a table allocates from the slab it is given; a shared registry is indexed once; no bindings until the first bind', () => {
  const slab = new Slab();
  const reg = new DefRegistry(DEFS);
  const t = new ObjectTable({ maxInstances: 4, maxValues: 8, arenaBytes: 64 }, reg, slab);
  const a = slab.views;
  assert.ok(a >= 5, 'the table\'s arrays come from the slab');
  const u = new ObjectTable({ maxInstances: 4, maxValues: 8, arenaBytes: 64 }, reg, slab);
  const b = slab.views;
  assert.is(b - a, a - 1, 'the second table does not index the registry again');
  assert.is(slab.pages, 1, 'small tables share one page');
  // Unbound: nothing bound, the cursor's next reader is the resource count.
  const k = reg.indexOf(32000);
  assert.not.ok(u.isBoundRead(32000, 6));
  assert.is(u.nextReader(k, 0), 8);
  assert.is(u.readerOf(k, 6), -1);
  t.bindRead(32000, 6, (_i, _ri, out) => { out.num = 1; return 0; });
  assert.is(slab.views, b + 1, 'the first bind allocates the binding table');
  t.bindExecute(32000, 5, () => 0);
  assert.is(slab.views, b + 1, 'once');
  assert.is(t.nextReader(k, 0), 6); assert.is(t.nextReader(k, 7), 8);
  assert.ok(t.isBoundRead(32000, 6)); assert.not.ok(u.isBoundRead(32000, 6));
  // Values round-trip through slab views that do not start at offset 0 (floats serialize via the bytes).
  t.createInstance(32000, 0); t.setValue(num(32000, 0, 1, -1.5e-300));
  const buf = new Uint8Array(256);
  const n = t.serialize(buf, 0);
  assert.is(u.deserialize(buf, 0, n), 0);
  const out = new DataRecord();
  assert.is(u.getValue(32000, 0, 1, NONE, out), 0); assert.is(out.num, -1.5e-300);
  // A string row's number is 0 (the row keeps its arena offset in the same column).
  t.setText(32000, 0, 0, NONE, ValueType.String, 'name');
  const f = new Float64Array(1); f[0] = 7;
  assert.is(t.getNumber(32000, 0, 0, NONE, f, 0, out), 0); assert.is(f[0], 0);
  assert.is(getStr(t, 32000, 0, 0), 'name');
});

test('crc32 check value', () => {
  assert.is(crc32(enc.encode('123456789'), 0, 9), 0xcbf43926);
});

test('zero GC: 100,000 getValue/setValue/cursor passes after warm-up', async () => {
  const t = mk({ maxValues: 128, arenaBytes: 1024 });
  t.bindRead(32000, 6, (i, _ri, out) => { out.num = i; return 0; });
  t.createInstance(32000, 0); t.createInstance(32000, 1);
  const s1 = str(32000, 0, 0, 'short'), s2 = str(32000, 0, 0, 'a longer value');
  const f = num(32000, 1, 1, 0);
  const blob = str(32000, 1, 2, 'blob', 3, ValueType.Opaque);
  const out = new DataRecord();
  const c = new ValueCursor();
  const c2 = new ValueCursor();
  const acc = new Int32Array(1);
  const pass = (n: number) => {
    for (let k = 0; k < n; k++) {
      t.setValue((k & 1) === 0 ? s1 : s2);
      f.num = k; t.setValue(f);
      t.setValue(blob);
      t.deleteValue(32000, 1, 2, 3);
      t.getValue(32000, 0, 0, NONE, out); acc[0] += out.len;
      t.getValue(32000, 1, 6, NONE, out); acc[0] += out.num;
      c.begin(t, 32000, NONE, NONE, NONE);
      while (c.next(out) === 1) acc[0] += out.r;
      c2.begin(t, 0, NONE, NONE, NONE);
      while (c2.next(out) === 1) acc[0] += 1;
    }
  };
  const gcs = await gcsDuring(pass, 100_000);
  assert.ok(acc[0] > 0);
  assert.is(gcs, 0, 'GCs during 100,000 passes');
});

test.run();
