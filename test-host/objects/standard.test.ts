import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STANDARD_DEFS, standardRegistry, registryDef } from '../../src/objects/standard.js';
import { defineObject } from '../../src/model/defs.js';
import { ValueType } from '../../src/model/record.js';
import { ObjectTable } from '../../src/model/table.js';
import { DEFAULT_CONFIG } from '../../src/config.js';

test('standard objects 0,1,2,3,4,3303', () => {
  assert.equal(STANDARD_DEFS.map((d) => d.id), [0, 1, 2, 3, 4, 3303]);
  assert.ok(Object.isFrozen(STANDARD_DEFS));
  assert.is(registryDef(3311)!.name, 'Light Control');
  assert.is(registryDef(42), null);
});

test('standardRegistry with an application object, in a DEFAULT_CONFIG table', () => {
  const lamp = defineObject({ id: 32769, name: 'Lamp', multiple: true, resources: [[0, 'On', 'RW', ValueType.Boolean, 'M']] });
  const reg = standardRegistry([lamp, registryDef(5)!]);
  assert.is(reg.size, 8);
  const t = new ObjectTable(DEFAULT_CONFIG, reg);
  assert.ok(t.hasObject(32769)); assert.ok(t.hasObject(5)); assert.not.ok(t.hasObject(6));
  assert.is(t.createInstance(32769, 0), 0);
  assert.throws(() => standardRegistry([registryDef(3)!]));
  assert.throws(() => reg.add(defineObject({ id: 40000, name: 'Late', resources: [] })), /before creating the table/);
});

test.run();
