// The board's sleep while offline (hal/hal.ts sleepMs, used by the Espruino and Moddable HALs'
// sleep(until) for lwm2mSleep "light" / "deep"): how long, on the HAL's clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sleepMs } from '../../hal/hal.js';

test('sleepMs: the time to the deadline, whole ms, capped; none for "none", no deadline, or under a second', () => {
  assert.is(sleepMs('light', 301_000.7, 1_000, 1e9), 300_000);
  assert.is(sleepMs('deep', 86_307_000, 2_500, 1e12), 86_304_500);
  assert.is(sleepMs('deep', 86_307_000, 2_500, 2_147_483), 2_147_483, 'capped at what the platform call takes');
  assert.is(sleepMs('none', 10_000, 0, 1e9), 0);
  assert.is(sleepMs(undefined, 10_000, 0, 1e9), 0);
  assert.is(sleepMs('nap', 10_000, 0, 1e9), 0, 'an unknown mode is none');
  assert.is(sleepMs('light', Infinity, 0, 1e9), 0, 'no deadline: nothing would end the sleep');
  assert.is(sleepMs('light', 999, 0, 1e9), 0, 'under a second');
  assert.is(sleepMs('light', 1000, 0, 1e9), 1000);
  assert.is(sleepMs('deep', 5, 10, 1e9), 0, 'a deadline passed');
});

test.run();
