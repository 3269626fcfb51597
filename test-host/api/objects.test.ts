// The ready objects and the construction-time and run-time errors, through the public entry point
// only (the values read back with get(); no server needed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../../hal/node/index.js';
import {
  Lwm2mClient, Lwm2mError, LwObject, IpsoSensor, TemperatureSensor, HumiditySensor, PressureSensor, EnergySensor, Accelerometer, Gyrometer,
  PushButton, DigitalInput, OnOffSwitch, LightControl, Actuation, DigitalOutput, Location, ConnectivityStatistics, objectDef,
} from '../../hal/node/index.js';

const server = { uri: 'coap://127.0.0.1:5683' };
const client = (objects: LwObject[], extra: object = {}) => new Lwm2mClient({ endpoint: 'objects', server, storage: false, objects, ...extra });
const throwsWith = (f: () => unknown, re: RegExp) => {
  try { f(); } catch (e) { assert.instance(e, Lwm2mError); assert.match((e as Error).message, re); return; }
  assert.unreachable('did not throw ' + re);
};

test('the public entry exports the API and nothing internal', () => {
  const names = Object.keys(api).sort();
  for (const n of ['Lwm2mClient', 'LwObject', 'ObjectInstance', 'Lwm2mError', 'Lwm2mCode', 'IpsoSensor', 'TemperatureSensor', 'PushButton', 'LightControl', 'defineObject', 'registerPlatform', 'EventKind']) assert.ok(names.includes(n), n);
  for (const n of ['ObjectTable', 'Endpoint', 'DataRecord', 'createBoardClient', 'handleDm', 'Slab']) assert.not.ok(names.includes(n), n);
});

test('IPSO sensors: set() updates the value and min/max measured; Reset restarts them; by id and by class', () => {
  const t = new TemperatureSensor({ instances: [0, 1], range: [-40, 125] });
  const h = new HumiditySensor();
  const p = new IpsoSensor(3323, { units: 'kPa' }); // by id: the registry's definition
  const e = new EnergySensor();
  client([t, h, p, e]);
  assert.is(t.get(), 0);
  t.set(20); t.set(25.5); t.set(18.25);
  assert.is(t.get(), 18.25);
  assert.is(t.instance(0).get(5601), 18.25);
  assert.is(t.instance(0).get(5602), 25.5);
  assert.is(t.instance(0).get(5701), 'Cel');
  assert.is(t.instance(0).get(5604), 125);
  t.set(30, 1);
  assert.is(t.get(1), 30);
  assert.is(t.instance(1).get(5601), 30, 'each instance has its own min/max');
  t.resetMinMax(0);
  assert.is(t.instance(0).get(5602), 18.25);
  assert.is(h.instance().get(5701), '%RH');
  assert.is(p.instance().get(5701), 'kPa');
  assert.is(p.def.id, 3323);
  e.set(12.5);
  assert.is(e.instance().get(5601), undefined, 'Energy has no min/max measured');
});

test('three-axis sensors, inputs, actuators, Location, Connectivity Statistics', () => {
  const acc = new Accelerometer(), gyro = new Gyrometer(), button = new PushButton(), input = new DigitalInput(), sw = new OnOffSwitch();
  const light = new LightControl({ on: true }), act = new Actuation(), out = new DigitalOutput(), loc = new Location({ now: () => 1_700_000_000 });
  const stats = new ConnectivityStatistics();
  client([acc, gyro, button, input, sw, light, act, out, loc, stats]);
  acc.set(0.5, -9.81, 0.25);
  assert.equal([acc.instance().get(5702), acc.instance().get(5703), acc.instance().get(5704)], [0.5, -9.81, 0.25]);
  gyro.set(1, 2, 3); gyro.set(-1, 5, 3);
  assert.equal([gyro.instance().get(5508), gyro.instance().get(5509), gyro.instance().get(5511)], [-1, 1, 5]);
  button.press(); button.release(); button.press();
  assert.is(button.count(), 2);
  assert.is(button.get(), true);
  input.set(true); input.set(true); input.set(false); input.set(true);
  assert.is(input.count(), 2, 'rising edges only');
  sw.set(true);
  assert.is(sw.get(), true);
  assert.is(light.isOn(), true);
  light.setDimmer(40);
  assert.is(light.instance().get(5851), 40);
  act.setOn(true); out.setOn(true);
  assert.is(out.instance().get(5550), true);
  loc.set(48.85, 2.35, 35);
  assert.equal([loc.instance().get(0), loc.instance().get(1), loc.instance().get(2), loc.instance().get(5)], [48.85, 2.35, 35, 1_700_000_000]);
  stats.count(2048, 1024); stats.count(1024, 0);
  assert.equal([stats.instance().get(2), stats.instance().get(3), stats.instance().get(4), stats.instance().get(5)], [3, 1, 3072, 2048]);
});

test('construction mistakes throw Lwm2mError naming the fix', () => {
  throwsWith(() => new IpsoSensor(64000), /object 64000's definition is not in this build \(generate it with `lwm2m-mcu gen-object 64000`/);
  throwsWith(() => new IpsoSensor(objectDef(3306)!), /object 3306 \(Actuation\) has no Sensor Value \(5700\): it is not an IPSO sensor; use LwObject/);
  throwsWith(() => new TemperatureSensor({ onWrite: { 5800: () => {} } }), /object 3303 \(Temperature\) has no resource 5800 \(onWrite\)/);
  throwsWith(() => new TemperatureSensor({ onWrite: { 5700: () => {} } }), /5700 \(Sensor Value\) is not writable by a server/);
  throwsWith(() => new TemperatureSensor({ onExecute: { 5701: () => {} } }), /5701 \(Sensor Units\) is not executable/);
  throwsWith(() => new TemperatureSensor({ values: { 5701: 7 } }), /values\[5701\] of object 3303: Sensor Units is String: give a string/);
  throwsWith(() => client([new TemperatureSensor(), new TemperatureSensor()]), /two objects with id 3303 .*give one object with several instances \(\{ instances: \[0, 1\] \}\)/);
  throwsWith(() => client([new TemperatureSensor({ instances: [0, 1, 2, 3, 4, 5] })], { sizes: { maxInstances: 8 } }), /raise sizes\.maxInstances to 19/);
  throwsWith(() => client([new LwObject(objectDef(3)!)]), /object 3 is the client's own \(use options\.device\)/);
  throwsWith(() => new Location({ instances: [0, 1] }), /object 6 \(Location\) is single-instance/);
  throwsWith(() => new TemperatureSensor().set(1), /give the object to a Lwm2mClient \(options\.objects\) before setting values/);
  throwsWith(() => new Lwm2mClient({ endpoint: 'x', server: { uri: 'coaps://127.0.0.1:5684' } }), /coaps:\/\/ account needs pskIdentity/);
  throwsWith(() => new Lwm2mClient({ endpoint: '', server }), /options\.endpoint must be a string of 1…128 characters/);
  throwsWith(() => new Lwm2mClient({ endpoint: 'x', server: { uri: 'http://127.0.0.1:5683' } }), /options\.server\.uri must be coap:\/\/host:port or coaps:\/\/host:port \(got http:/);
  throwsWith(() => new Lwm2mClient({ endpoint: 'x', bootstrap: { uri: 'coap:///x' } }), /options\.bootstrap\.uri must be coap:\/\/host:port/);
  const t = new TemperatureSensor();
  client([t]);
  throwsWith(() => client([t]), /already used by another Lwm2mClient/);
});

test('run-time mistakes: onError with the path, the value unchanged, nothing thrown', () => {
  const errors: Lwm2mError[] = [];
  const light = new LightControl();
  const t = new TemperatureSensor();
  const big = new LwObject(objectDef(3341)!); // Addressable Text Display: Text 5527 (String, RW)
  client([light, t, big], { onError: (e: Lwm2mError) => errors.push(e), sizes: { arenaBytes: 600 } });
  const inst = light.instance();
  assert.is(inst.set(5851, 'bright' as unknown as number), false);
  assert.is(inst.set(5851, 101), false);
  assert.is(inst.set(5851, 2.5), false);
  assert.is(inst.set(5850, 2), false);
  assert.is(t.set(NaN), false);
  assert.is(inst.set(9999, 1), false);
  assert.is(big.instance().set(5527, 'x'.repeat(2000)), false);
  assert.is(inst.get(5851), undefined);
  assert.is(t.get(), 0);
  assert.equal(errors.map((e) => e.path), ['/3311/0/5851', '/3311/0/5851', '/3311/0/5851', '/3311/0/5850', '/3303/0/5700', '/3311/0/9999', '/3341/0/5527']);
  assert.match(errors[0].message, /Dimmer is Integer: give a number \(got string\)/);
  assert.match(errors[1].message, /101 is outside its range 0…100/);
  assert.match(errors[2].message, /2\.5 is not an integer/);
  assert.match(errors[3].message, /On\/Off is Boolean: give true or false/);
  assert.match(errors[5].message, /object 3311 has no resource 9999/);
  assert.match(errors[6].message, /raise sizes\.arenaBytes/);
  assert.is(inst.set(5851, 55), true, 'the client works on');
  assert.is(inst.get(5851), 55);
});

test('a hand-written definition, not frozen, its resources out of order, one without `multiple`: frozen sorted, every resource found and set', () => {
  const def = {
    id: 32770, name: 'Hand', version: '1.0', multiple: false, mandatory: false, resources: [
      { id: 7, type: 2 /* Integer */, ops: 3, multiple: false, mandatory: false, name: 'Seven' },
      { id: 1, type: 1 /* String */, ops: 3, multiple: false, mandatory: false, name: 'One' },
      // (no `multiple`: the Espruino build's definitions leave a false one out)
      { id: 4, type: 5 /* Boolean */, ops: 1, mandatory: false, name: 'Four' },
    ],
  };
  const ob = new LwObject(def as never);
  assert.ok(Object.isFrozen(ob.def));
  assert.equal(ob.def.resources.map((r) => r.id), [1, 4, 7]);
  const errors: Lwm2mError[] = [];
  client([ob], { onError: (e: Lwm2mError) => errors.push(e) });
  const i = ob.instance();
  assert.is(i.set(7, 42), true);
  assert.is(i.set(1, 'one'), true);
  assert.is(i.set(4, true), true);
  assert.equal([i.get(7), i.get(1), i.get(4)], [42, 'one', true]);
  assert.equal(errors, []);
  throwsWith(() => new LwObject({ ...def, resources: [def.resources[0], def.resources[0]] } as never), /resource 7 defined twice/);
});

test.run();
