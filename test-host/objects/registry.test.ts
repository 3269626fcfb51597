// The per-object registry modules (src/objects/registry/<id>.ts) and the IPSO family table
// (src/objects/registry/ipso-family.ts) against the registry XML they are generated from: the
// generator's parse (host/gen-objects.ts parseDdf) is the oracle for the definitions; the family's
// membership is checked against the XML text itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, mkdtempSync, mkdirSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Op, findResource, type ObjectDef } from '../../src/model/defs.js';
import { ValueType } from '../../src/model/record.js';
import * as core from '../../src/objects/defs.generated.js';
import { ALL_REGISTRY_DEFS, allRegistryDef } from '../../src/objects/registry/all.js';
import {
  IPSO_RESOURCE_IDS, IPSO_SENSORS, IPSO_AXIS_SENSORS, ipsoMask, IPSO_SENSOR_VALUE, IPSO_SENSOR_UNITS,
  IPSO_MIN_MEASURED, IPSO_MAX_MEASURED, IPSO_RESET_MIN_MAX, IPSO_X_VALUE, IPSO_Y_VALUE, IPSO_Z_VALUE,
  IPSO_CURRENT_CALIBRATION,
} from '../../src/objects/registry/ipso-family.js';
import { parseDdf, generateAll, staleFiles, DEFS_FILE_IDS, type GenObject } from '../../host/gen-objects.js';
import { repoRoot } from '../vectors.js';

const root = repoRoot();
const TYPES: Record<string, ValueType> = {
  None: ValueType.None, String: ValueType.String, Integer: ValueType.Integer, UnsignedInteger: ValueType.UnsignedInteger,
  Float: ValueType.Float, Boolean: ValueType.Boolean, Opaque: ValueType.Opaque, Time: ValueType.Time,
  ObjLnk: ValueType.ObjLnk, CoreLnk: ValueType.CoreLnk,
};
const opsOf = (s: string) => (s.includes('R') ? Op.R : 0) | (s.includes('W') ? Op.W : 0) | (s.includes('E') ? Op.E : 0);

/** registry/<id>.xml with id ≥ 6: each has a module of its own. */
const ids = readdirSync(join(root, 'registry')).filter((f) => /^\d+\.xml$/.test(f)).map((f) => parseInt(f)).filter((i) => i >= 6).sort((a, b) => a - b);
const xmlText = (id: number) => readFileSync(join(root, 'registry', id + '.xml'), 'utf8');
const parsed = (id: number): GenObject => parseDdf(xmlText(id), 'registry/' + id + '.xml');
const load = async (id: number): Promise<ObjectDef> => (await import(`../../src/objects/registry/${id}.js`))['OBJ_' + id];

test('the registry objects of issue 18 are all there', () => {
  for (const id of [6, 7, 3200, 3201, 3300, 3301, 3303, 3304, 3306, 3311, 3313, 3314, 3316, 3317, 3323, 3328, 3334, 3342, 3347])
    assert.ok(ids.includes(id), 'registry/' + id + '.xml');
  assert.equal(ids.filter((i) => i >= 3300 && i <= 3350).length, 49, 'every IPSO object 3300–3350 (3307 and 3309 do not exist)');
});

test('each module exports OBJ_<id>, equal to its XML: ids, types, operations, mandatory, multiple, ranges', async () => {
  for (const id of ids) {
    const def = await load(id);
    const x = parsed(id);
    assert.ok(def, `src/objects/registry/${id}.ts exports OBJ_${id}`);
    assert.is(def.id, id);
    assert.is(def.version, x.version, id + ' version');
    assert.is(def.name, x.name);
    assert.is(def.multiple, x.multiple, id + ' multiple');
    assert.is(def.mandatory, x.mandatory, id + ' mandatory');
    assert.ok(Object.isFrozen(def) && Object.isFrozen(def.resources));
    // Independently of the parser: the <Item ID> list of the XML text.
    const itemIds = [...xmlText(id).replace(/<!--[\s\S]*?-->/g, '').matchAll(/<Item\s+ID="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    assert.equal(def.resources.map((r) => r.id), itemIds, id + ' resource ids');
    assert.is(def.resources.length, x.resources.length);
    for (const r of x.resources) {
      const d = findResource(def, r.id)!;
      const where = `/${id}/x/${r.id}`;
      assert.is(d.type, TYPES[r.type], where + ' type');
      assert.is(d.ops, opsOf(r.ops), where + ' ops');
      assert.is(d.mandatory, r.mandatory, where + ' mandatory');
      assert.is(d.multiple, r.multiple, where + ' multiple');
      assert.is(d.rangeMin, r.rangeMin, where + ' rangeMin');
      assert.is(d.rangeMax, r.rangeMax, where + ' rangeMax');
    }
  }
});

test('objects kept in defs.generated.ts are re-exported, the same object (one definition, one identity)', async () => {
  const kept = ids.filter((id) => DEFS_FILE_IDS.includes(id));
  assert.equal(kept, [6, 7, 3303, 3311, 3347]);
  for (const id of kept) assert.is(await load(id), (core as Record<string, unknown>)['OBJ_' + id], 'OBJ_' + id);
  // The others are not in defs.generated.ts: an application that does not import them does not load them.
  assert.not.ok('OBJ_3304' in core);
  assert.not.ok(readFileSync(join(root, 'src', 'objects', 'defs.generated.ts'), 'utf8').includes("from './registry/"), 'defs.generated.ts imports no per-object module');
});

test('all.ts lists every definition once, ascending id, objects 0–5 included', async () => {
  const list = ALL_REGISTRY_DEFS.map((d) => d.id);
  assert.equal(list, [0, 1, 2, 3, 4, 5, ...ids]);
  for (const id of ids) assert.is(allRegistryDef(id), await load(id));
  assert.is(allRegistryDef(0), core.OBJ_0);
  assert.is(allRegistryDef(3307), null);
});

test('generated files are not stale (what `gen-objects --check` checks)', () => {
  assert.equal(staleFiles(root), []);
  const want = generateAll(root);
  assert.ok(want.has('src/objects/registry/ipso-family.ts') && want.has('src/objects/registry/all.ts'));
  assert.is(want.size, 1 + ids.length + 2);
});

test('--check finds a stale module, a missing one and one whose XML left registry/', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gen-objects-'));
  try {
    cpSync(join(root, 'registry'), join(tmp, 'registry'), { recursive: true });
    mkdirSync(join(tmp, 'src', 'objects', 'registry'), { recursive: true });
    for (const [path, text] of generateAll(tmp)) writeFileSync(join(tmp, path), text);
    assert.equal(staleFiles(tmp), []);
    const p3304 = join(tmp, 'src', 'objects', 'registry', '3304.ts');
    writeFileSync(p3304, readFileSync(p3304, 'utf8').replace('mandatory: true', 'mandatory: false'));
    rmSync(join(tmp, 'src', 'objects', 'registry', 'ipso-family.ts'));
    rmSync(join(tmp, 'registry', '3350.xml'));
    assert.equal(staleFiles(tmp), ['src/objects/registry/3304.ts', 'src/objects/registry/all.ts', 'src/objects/registry/ipso-family.ts', 'src/objects/registry/3350.ts']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** The single-value sensors by the XML text: objects 3300–3350 with an <Item ID="5700">. */
const sensorIdsFromXml = ids.filter((id) => id >= 3300 && id <= 3350 && /<Item\s+ID="5700"/.test(xmlText(id).replace(/<!--[\s\S]*?-->/g, '')));
const pairs = (t: readonly number[]) => t.filter((_v, k) => k % 2 === 0);

test('IPSO family: every object 3300–3350 with 5700 is listed, each with a mandatory 5700 Float R', async () => {
  assert.equal(pairs(IPSO_SENSORS), sensorIdsFromXml);
  for (const id of [3300, 3301, 3303, 3304, 3316, 3317, 3323, 3328]) assert.ok(pairs(IPSO_SENSORS).includes(id), id + ' listed');
  assert.ok(Object.isFrozen(IPSO_SENSORS) && Object.isFrozen(IPSO_AXIS_SENSORS) && Object.isFrozen(IPSO_RESOURCE_IDS));
  for (const id of pairs(IPSO_SENSORS)) {
    const sv = findResource(await load(id), 5700);
    assert.ok(sv, id + '/5700');
    assert.is(sv!.type, ValueType.Float, id + '/5700 Float');
    assert.is(sv!.ops, Op.R);
    assert.ok(sv!.mandatory);
    assert.ok(ipsoMask(id) & IPSO_SENSOR_VALUE);
    assert.not.ok(ipsoMask(id) & IPSO_X_VALUE);
  }
});

test('IPSO family: the three-axis sensors have mandatory X, and Y/Z Float R', async () => {
  assert.equal(pairs(IPSO_AXIS_SENSORS), [3313, 3314, 3334]);
  for (const id of [3313, 3314, 3334]) {
    const m = ipsoMask(id);
    assert.is(m & (IPSO_X_VALUE | IPSO_Y_VALUE | IPSO_Z_VALUE | IPSO_SENSOR_UNITS), IPSO_X_VALUE | IPSO_Y_VALUE | IPSO_Z_VALUE | IPSO_SENSOR_UNITS, String(id));
    assert.not.ok(m & IPSO_SENSOR_VALUE);
    const def = await load(id);
    assert.ok(findResource(def, 5702)!.mandatory);
    for (const rid of [5702, 5703, 5704]) assert.is(findResource(def, rid)!.type, ValueType.Float, id + '/' + rid);
  }
});

test('IPSO family: each mask is exactly the object\'s resources (the XML parse), and a resource is alike in every object', async () => {
  const sig = new Map<number, string>();
  for (const id of [...pairs(IPSO_SENSORS), ...pairs(IPSO_AXIS_SENSORS)]) {
    const x = parsed(id);
    const mask = ipsoMask(id);
    const fromXml = x.resources.map((r) => r.id).sort((a, b) => a - b);
    const fromMask = IPSO_RESOURCE_IDS.filter((_r, k) => (mask & (1 << k)) !== 0).slice().sort((a, b) => a - b);
    assert.equal(fromMask, fromXml, 'object ' + id);
    for (const r of x.resources) {
      const s = `${r.type} ${r.ops} ${r.multiple}`;
      assert.is(sig.get(r.id) ?? s, s, `resource ${r.id} differs in object ${id}`);
      sig.set(r.id, s);
    }
  }
  // Spot checks against the registry's text.
  assert.is(ipsoMask(3303) & (IPSO_MIN_MEASURED | IPSO_MAX_MEASURED | IPSO_RESET_MIN_MAX), IPSO_MIN_MEASURED | IPSO_MAX_MEASURED | IPSO_RESET_MIN_MAX);
  assert.not.ok(ipsoMask(3303) & IPSO_CURRENT_CALIBRATION, '3303 v1.1 has no 5821');
  assert.ok(ipsoMask(3316) & IPSO_CURRENT_CALIBRATION, '3316 has 5821');
  assert.not.ok(ipsoMask(3331) & IPSO_MIN_MEASURED, '3331 Energy has no min/max');
  assert.is(ipsoMask(3311), 0, 'an actuator is not in the family');
  assert.is(ipsoMask(3345), 0, 'the joystick (5702 but a digital input) is not in the family');
  assert.is(new Set(IPSO_RESOURCE_IDS).size, IPSO_RESOURCE_IDS.length);
  assert.ok(IPSO_RESOURCE_IDS.length <= 31, 'masks stay small integers');
});

test.run();
