// `lwm2m-mcu gen-object`: the module an application registers like a ready object.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../host/gen-objects.js';
import { IrrigationValve, OBJ_26241 } from './irrigation-valve.js';

const root = repoRoot();
const cli = join(root, 'build', 'host', 'cli.js');

test('the committed vendor module is what gen-object writes for the fixture (vendor id 26241)', () => {
  const out = execFileSync(process.execPath, [cli, 'gen-object', join(root, 'test-host/api/fixtures/26241.xml'), '--import', '../../src/index.js'], { encoding: 'utf8' });
  assert.is(out, readFileSync(join(root, 'test-host/api/irrigation-valve.ts'), 'utf8'));
  assert.is(OBJ_26241.id, 26241);
  assert.is(IrrigationValve.DutyLimit, 3);
  assert.is(IrrigationValve.Open6, 6, 'a second resource named Open takes its id');
  const duty = OBJ_26241.resources.find((r) => r.id === 3)!;
  assert.equal([duty.rangeMin, duty.rangeMax], [0, 120]);
});

test('the sensor examples\' vendor object (26251) is what gen-object writes for examples/moddable-sensor/sensor-board.xml', () => {
  const dir = join(root, 'examples', 'moddable-sensor');
  const out = execFileSync(process.execPath, [cli, 'gen-object', join(dir, 'sensor-board.xml')], { encoding: 'utf8' });
  assert.is(out, readFileSync(join(dir, 'sensor-board.ts'), 'utf8'));
  assert.match(out, /from "lwm2m-mcu";/); // as both examples import the library
});

test('gen-object ID takes the XML from registry/; a bad source exits 1 with the fix', () => {
  const out = execFileSync(process.execPath, [cli, 'gen-object', '3303'], { encoding: 'utf8' });
  assert.match(out, /import \{ LwObject, defineObject, type ObjectDef, type ObjectOptions \} from "lwm2m-mcu";/);
  assert.match(out, /export class Temperature extends LwObject/);
  assert.match(out, /static readonly SensorValue = 5700;/);
  const missing = spawnSync(process.execPath, [cli, 'gen-object', '65000'], { encoding: 'utf8' });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /object 65000 is not in the project's registry\/ \(give the path of its XML file/);
  const none = spawnSync(process.execPath, [cli, 'gen-object'], { encoding: 'utf8' });
  assert.is(none.status, 2);
});

test.run();
