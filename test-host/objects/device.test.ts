import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceObject, DeviceError } from '../../src/objects/device.js';
import { DataRecord, NONE, ValueType } from '../../src/model/record.js';
import { ValueCursor } from '../../src/model/table.js';
import { Code } from '../../src/coap/codes.js';
import { stdTable, win } from './helpers.js';

function str(t: ReturnType<typeof stdTable>, r: number): string {
  const d = new DataRecord();
  assert.is(t.getValue(3, 0, r, NONE, d), 0, '/3/0/' + r);
  return win(d.buf, d.off, d.len);
}
function errors(t: ReturnType<typeof stdTable>): number[] {
  const c = new ValueCursor(); const d = new DataRecord(); const out: number[] = [];
  c.begin(t, 3, 0, 11, NONE);
  while (c.next(d) === 1) out.push(d.num);
  return out;
}

test('identity strings, supported binding, error code 0', () => {
  const t = stdTable();
  new DeviceObject(t, { manufacturer: 'Acme', model: 'M1', serial: 'S-42', firmwareVersion: '1.0.0', powerSources: [1, 5] });
  assert.is(str(t, 0), 'Acme'); assert.is(str(t, 1), 'M1'); assert.is(str(t, 2), 'S-42'); assert.is(str(t, 3), '1.0.0');
  assert.is(str(t, 16), 'U');
  assert.equal(errors(t), [0]);
  assert.is(t.valueInstances(3, 0, 6), 2);
  assert.not.ok(t.hasValue(3, 0, 13, NONE), 'no clock hook → no current time');
});

test('reboot and factory reset call their hooks; absent hooks → 4.05', () => {
  const t = stdTable();
  const calls: string[] = [];
  new DeviceObject(t, {}, { reboot: () => { calls.push('reboot'); return 0; }, factoryReset: () => { calls.push('reset'); return 0; } });
  const none = new Uint8Array(0);
  assert.is(t.execute(3, 0, 4, none, 0, 0), 0);
  assert.is(t.execute(3, 0, 5, none, 0, 0), 0);
  assert.equal(calls, ['reboot', 'reset']);
  assert.is(t.execute(3, 0, 0, none, 0, 0), -Code.METHOD_NOT_ALLOWED);
  const t2 = stdTable();
  new DeviceObject(t2);
  assert.is(t2.execute(3, 0, 4, none, 0, 0), -Code.METHOD_NOT_ALLOWED);
});

test('error codes: add, no duplicates, reset by execute /3/0/12', () => {
  const t = stdTable();
  const dev = new DeviceObject(t);
  assert.is(dev.addError(DeviceError.LowBattery), 0);
  assert.equal(errors(t), [1]);
  dev.addError(DeviceError.LowSignal);
  dev.addError(DeviceError.LowBattery);
  assert.equal(errors(t), [1, 4]);
  assert.is(t.execute(3, 0, 12, new Uint8Array(0), 0, 0), 0);
  assert.equal(errors(t), [0]);
});

test('current time from the clock hook; a write shifts it', () => {
  const t = stdTable();
  let clock = 1_700_000_000.4;
  new DeviceObject(t, {}, { now: () => clock, memoryFree: () => 77 });
  const d = new DataRecord();
  assert.is(t.getValue(3, 0, 13, NONE, d), 0);
  assert.is(d.type, ValueType.Time); assert.is(d.num, 1_700_000_000);
  clock += 10;
  const w = new DataRecord(); w.o = 3; w.i = 0; w.r = 13; w.type = ValueType.Time; w.num = 1_800_000_000;
  assert.is(t.write(w), 0);
  assert.is(t.getValue(3, 0, 13, NONE, d), 0);
  assert.is(d.num, 1_800_000_000);
  clock += 5;
  t.getValue(3, 0, 13, NONE, d);
  assert.is(d.num, 1_800_000_005);
  assert.is(t.getValue(3, 0, 10, NONE, d), 0);
  assert.is(d.num, 77);
});

test('battery and power source setters notify', () => {
  const t = stdTable();
  const dev = new DeviceObject(t);
  const seen: number[] = [];
  t.onChange((o, _i, r) => { if (o === 3) seen.push(r); });
  assert.is(dev.setBattery(80, 0), 0);
  assert.is(dev.setPowerSource(0, 3700, 120), 0);
  assert.equal(seen, [9, 20, 7, 8]);
  const d = new DataRecord();
  t.getValue(3, 0, 9, NONE, d); assert.is(d.num, 80);
});

test('a table without object 3 or too small throws at construction', () => {
  assert.throws(() => new DeviceObject(stdTable({ arenaBytes: 4 }), { manufacturer: 'a long manufacturer name' }));
});

test.run();
