import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TemperatureObject } from '../../src/objects/temperature.js';
import { DataRecord, NONE, ValueType } from '../../src/model/record.js';
import { Code } from '../../src/coap/codes.js';
import { stdTable, win } from './helpers.js';

function val(t: ReturnType<typeof stdTable>, i: number, r: number): number {
  const d = new DataRecord();
  const rc = t.getValue(3303, i, r, NONE, d);
  return rc < 0 ? rc : d.num;
}

test('units Cel, initial value, set marks changed, min/max tracked', () => {
  const t = stdTable();
  const temp = new TemperatureObject(t, { initial: 20, minRange: -40, maxRange: 125 });
  const d = new DataRecord();
  assert.is(t.getValue(3303, 0, 5701, NONE, d), 0);
  assert.is(win(d.buf, d.off, d.len), 'Cel');
  assert.is(val(t, 0, 5700), 20);
  assert.is(t.getValue(3303, 0, 5700, NONE, d), 0); assert.is(d.type, ValueType.Float);
  assert.is(val(t, 0, 5603), -40); assert.is(val(t, 0, 5604), 125);
  const seen: string[] = [];
  t.onChange((o, i, r) => seen.push(`${o}/${i}/${r}`));
  assert.is(temp.set(25.5), 0);
  assert.is(temp.set(18.25), 0);
  assert.is(val(t, 0, 5700), 18.25);
  assert.is(val(t, 0, 5601), 18.25);
  assert.is(val(t, 0, 5602), 25.5);
  assert.equal(seen, ['3303/0/5700', '3303/0/5602', '3303/0/5700', '3303/0/5601']);
  assert.is(temp.get(), 18.25);
});

test('execute 5605 resets min/max to the current value', () => {
  const t = stdTable();
  const temp = new TemperatureObject(t, { instances: [0, 1] });
  temp.set(30, 1); temp.set(10, 1); temp.set(15, 1);
  assert.is(val(t, 1, 5601), 0); assert.is(val(t, 1, 5602), 30);
  assert.is(t.execute(3303, 1, 5605, new Uint8Array(0), 0, 0), 0);
  assert.is(val(t, 1, 5601), 15); assert.is(val(t, 1, 5602), 15);
  assert.is(temp.resetMinMax(7), -Code.NOT_FOUND);
  assert.is(temp.set(1, 7), -Code.NOT_FOUND);
});

test.run();
