// Zero allocation on the application's hot path: set() on an observed resource, its notification
// polled and put on the wire, allocates nothing in the steady state (bench/api-harness.ts). Red
// before Endpoint.pollInto kept its running minimum in a Float64Array: returning (or merging into a
// tagged local) Infinity/fractional deadlines boxed a HeapNumber per poll.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { observedSensor } from '../../bench/api-harness.js';
import { gcsDuring } from '../model/zero-gc.js';

test('1,500,000 TemperatureSensor.set() with a notification each: no garbage collection', async () => {
  const s = observedSensor();
  s.viaApi(1000);
  s.advance(300_000); // past the Observe's dedup lifetime: nothing left for the endpoint's timers
  s.reset();
  const gcs = await gcsDuring((n) => s.viaApi(n), 1_500_000, 5); // 5 tries: V8 tiering under a loaded machine
  assert.is(gcs, 0);
  assert.ok(s.sent() >= 1_500_000, 'a notification per set()');
});

test.run();
