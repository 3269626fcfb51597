import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Slab } from '../../src/slab.js';
import { Op, opsOf, findResource, findResourceIndex, defineObject, freezeObjectDef, DefRegistry, DefError, type ObjectDef } from '../../src/model/defs.js';
import { ValueType } from '../../src/model/record.js';
import { REGISTRY_DEFS, OBJ_0, OBJ_1, OBJ_3, OBJ_3303, OBJ_2 } from '../../src/objects/defs.generated.js';
import { generate } from '../../host/gen-objects.js';
import { repoRoot } from '../vectors.js';

function res(def: ObjectDef, rid: number) {
  const r = findResource(def, rid);
  assert.ok(r, `/${def.id}/x/${rid} defined`);
  return r!;
}

test('generated file is up to date with the registry XML', () => {
  const root = repoRoot();
  const onDisk = readFileSync(join(root, 'src', 'objects', 'defs.generated.ts'), 'utf8');
  assert.is(onDisk, generate(root));
  assert.ok(onDisk.startsWith('// GENERATED FILE'));
  assert.ok(onDisk.includes('BSD 3-Clause'));
});

test('every <Item> of every registry file is in the tables', () => {
  const root = repoRoot();
  for (const def of REGISTRY_DEFS) {
    const xml = readFileSync(join(root, 'registry', def.id + '.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const ids = [...xml.matchAll(/<Item\s+ID="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    assert.equal(def.resources.map((r) => r.id), ids, 'object ' + def.id);
    assert.ok(Object.isFrozen(def) && Object.isFrozen(def.resources) && Object.isFrozen(def.resources[0]));
  }
  assert.equal(REGISTRY_DEFS.map((d) => d.id), [0, 1, 2, 3, 4, 5, 6, 7, 3303, 3311, 3347]);
});

test('/0 Security spot checks', () => {
  assert.is(OBJ_0.name, 'LWM2M Security');
  assert.is(OBJ_0.version, '1.2');
  assert.ok(OBJ_0.multiple); assert.ok(OBJ_0.mandatory); assert.ok(OBJ_0.persistent);
  const uri = res(OBJ_0, 0);
  assert.is(uri.type, ValueType.String); assert.is(uri.ops, 0); assert.ok(uri.mandatory); assert.not.ok(uri.multiple);
  assert.is(res(OBJ_0, 1).type, ValueType.Boolean);
  const mode = res(OBJ_0, 2);
  assert.is(mode.type, ValueType.Integer); assert.is(mode.rangeMin, 0); assert.is(mode.rangeMax, 4);
  assert.is(res(OBJ_0, 3).type, ValueType.Opaque);
  assert.is(res(OBJ_0, 5).type, ValueType.Opaque);
  const ssid = res(OBJ_0, 10);
  assert.is(ssid.type, ValueType.Integer); assert.not.ok(ssid.mandatory); assert.is(ssid.rangeMin, 1); assert.is(ssid.rangeMax, 65534);
  assert.is(res(OBJ_0, 16).type, ValueType.UnsignedInteger); assert.ok(res(OBJ_0, 16).multiple);
  assert.is(res(OBJ_0, 17).type, ValueType.ObjLnk);
});

test('/1 Server spot checks', () => {
  assert.is(OBJ_1.name, 'LwM2M Server');
  const ssid = res(OBJ_1, 0);
  assert.is(ssid.ops, Op.R); assert.is(ssid.type, ValueType.Integer); assert.ok(ssid.mandatory);
  assert.is(res(OBJ_1, 1).ops, Op.R | Op.W);
  const disable = res(OBJ_1, 4);
  assert.is(disable.ops, Op.E); assert.is(disable.type, ValueType.None);
  assert.is(res(OBJ_1, 7).type, ValueType.String);
  assert.is(res(OBJ_1, 8).ops, Op.E); assert.ok(res(OBJ_1, 8).mandatory);
  assert.is(res(OBJ_1, 12).type, ValueType.Time);
  assert.is(res(OBJ_1, 13).type, ValueType.UnsignedInteger);
  assert.is(res(OBJ_1, 16).type, ValueType.Boolean);
  assert.ok(res(OBJ_1, 24).multiple); assert.is(res(OBJ_1, 24).type, ValueType.ObjLnk);
});

test('/2 and /3 and /3303 spot checks', () => {
  const acl = res(OBJ_2, 2);
  assert.ok(acl.multiple); assert.is(acl.ops, Op.R | Op.W); assert.is(acl.type, ValueType.Integer);
  assert.is(OBJ_3.name, 'Device'); assert.not.ok(OBJ_3.multiple); assert.ok(OBJ_3.mandatory);
  assert.is(res(OBJ_3, 0).name, 'Manufacturer'); assert.is(res(OBJ_3, 0).ops, Op.R);
  assert.is(res(OBJ_3, 4).ops, Op.E);
  assert.is(res(OBJ_3, 5).ops, Op.E);
  const err = res(OBJ_3, 11);
  assert.ok(err.multiple); assert.ok(err.mandatory); assert.is(err.type, ValueType.Integer);
  assert.is(res(OBJ_3, 13).type, ValueType.Time); assert.is(res(OBJ_3, 13).ops, Op.R | Op.W);
  assert.is(res(OBJ_3, 16).type, ValueType.String); assert.ok(res(OBJ_3, 16).mandatory);
  assert.ok(res(OBJ_3, 6).multiple);
  assert.is(OBJ_3303.name, 'Temperature'); assert.ok(OBJ_3303.multiple); assert.is(OBJ_3303.version, '1.1');
  assert.not.ok(OBJ_3303.persistent);
  const sv = res(OBJ_3303, 5700);
  assert.is(sv.type, ValueType.Float); assert.is(sv.ops, Op.R); assert.ok(sv.mandatory);
  assert.is(res(OBJ_3303, 5701).type, ValueType.String);
  assert.is(res(OBJ_3303, 5601).type, ValueType.Float);
  assert.is(res(OBJ_3303, 5605).ops, Op.E);
  assert.is(findResource(OBJ_3303, 5800), null);
});

test('findResourceIndex is a binary search over sorted ids', () => {
  for (const def of REGISTRY_DEFS) {
    for (let k = 0; k < def.resources.length; k++) assert.is(findResourceIndex(def, def.resources[k].id), k);
    assert.is(findResourceIndex(def, 65534), -1);
    assert.is(findResourceIndex(def, -1), -1);
  }
});

test('defineObject: compact application objects', () => {
  const d = defineObject({
    id: 32769, name: 'Lamp', multiple: true, resources: [
      [5, 'Toggle', 'E', ValueType.None],
      [0, 'On', 'RW', ValueType.Boolean, 'M'],
      [1, 'Colours', 'R', ValueType.String, '*'],
    ],
  });
  assert.equal(d.resources.map((r) => r.id), [0, 1, 5]);
  assert.is(res(d, 0).ops, Op.R | Op.W); assert.ok(res(d, 0).mandatory);
  assert.ok(res(d, 1).multiple);
  assert.is(res(d, 5).ops, Op.E);
  assert.is(d.version, '1.0');
  assert.ok(Object.isFrozen(d));
  assert.throws(() => defineObject({ id: 1, name: 'x', resources: [[0, 'a', 'WR', ValueType.Integer]] }), (e: unknown) => e instanceof DefError);
  assert.throws(() => defineObject({ id: 1, name: 'x', resources: [[0, 'a', 'R', ValueType.Integer], [0, 'b', 'R', ValueType.Integer]] }), (e: unknown) => e instanceof DefError);
  assert.throws(() => defineObject({ id: 1, name: 'x', resources: [[0, 'a', 'E', ValueType.Integer]] }), (e: unknown) => e instanceof DefError);
  assert.throws(() => freezeObjectDef({ id: 65535, version: '1.0', name: 'x', multiple: false, mandatory: false, resources: [] }), (e: unknown) => e instanceof DefError);
});

test('opsOf: R, W, E in that order, each at most once (no RegExp: Espruino has no `?`)', () => {
  const ok: [string, number][] = [['', 0], ['R', Op.R], ['W', Op.W], ['E', Op.E], ['RW', Op.R | Op.W], ['RE', Op.R | Op.E], ['WE', Op.W | Op.E], ['RWE', Op.R | Op.W | Op.E]];
  for (const [t, ops] of ok) assert.is(opsOf(t), ops, t);
  for (const t of ['WR', 'RR', 'ER', 'r', 'RWX', ' R', 'R ', 'RWEE']) assert.is(opsOf(t), -1, t);
  assert.is(opsOf(undefined as unknown as string), -1);
});

test('DefRegistry maps ids and accepts application objects', () => {
  const reg = new DefRegistry([OBJ_3303, OBJ_0, OBJ_3]);
  assert.is(reg.size, 3);
  assert.is(reg.get(3), OBJ_3);
  assert.is(reg.get(4), null);
  assert.is(reg.indexOf(3303), 2);
  assert.equal([0, 1, 2].map((k) => reg.at(k).id), [0, 3, 3303]);
  reg.add(defineObject({ id: 10, name: 'App', resources: [] }));
  assert.is(reg.indexOf(10), 2);
  assert.throws(() => reg.add(OBJ_0), (e: unknown) => e instanceof DefError);
});

test('a sealed DefRegistry looks up objects and resources through its index (one typed array from the slab)', () => {
  const reg = new DefRegistry([OBJ_3303, OBJ_0, OBJ_3]);
  reg.add(defineObject({ id: 10, name: 'Empty', resources: [] }));
  const slab = new Slab();
  reg.seal(slab);
  reg.seal(slab);
  assert.is(slab.views, 1, 'indexed once');
  assert.throws(() => reg.add(defineObject({ id: 11, name: 'Late', resources: [] })), (e: unknown) => e instanceof DefError);
  let base = 0;
  for (let k = 0; k < reg.size; k++) {
    const d = reg.at(k);
    assert.is(reg.indexOf(d.id), k);
    assert.is(reg.resourceBase(k), base);
    d.resources.forEach((r, rk) => assert.is(reg.resIndex(k, r.id), rk, d.id + '/' + r.id));
    assert.is(reg.resIndex(k, 65534), -1);
    assert.is(reg.resIndex(k, -1), -1);
    base += d.resources.length;
  }
  assert.is(reg.resourceBase(reg.size), base);
  assert.is(reg.indexOf(4), -1);
  assert.is(reg.indexOf(70000), -1);
});

test.run();
