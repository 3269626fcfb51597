// The board's sleep while offline (hal/hal.ts sleepMs, used by the Espruino and Moddable HALs'
// sleep(until) for lwm2mSleep "light" / "deep"): how long, on the HAL's clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { sleepMs } from '../../hal/hal.js';
import { resolveManifest, linkProgram } from '../xs/moddable-model.js';

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

test('Moddable: the esp32 build maps and preloads hal/moddable/platform-sleep (sleep-esp32.ts and its .c, the host function it names); lin has none (the HAL falls back)', () => {
  const esp = resolveManifest('esp32'), lin = resolveManifest('lin');
  const f = esp.modules.get('hal/moddable/platform-sleep');
  assert.ok(f && f.endsWith('hal/moddable/sleep-esp32.ts'), String(f));
  assert.ok(esp.preload.has('hal/moddable/platform-sleep'));
  const link = linkProgram(esp);
  assert.equal(link.errors, []);
  assert.ok(link.preloaded.has('hal/moddable/platform-sleep'), 'linked into the preloaded program');
  // mcconfig compiles the .c of the same base name as the module (ModulesRule: .c → cFiles).
  const c = f!.slice(0, -3) + '.c';
  assert.ok(existsSync(c));
  const host = /native\("(\w+)"\)/.exec(readFileSync(f!, 'utf8'))![1];
  assert.match(readFileSync(c, 'utf8'), new RegExp(`void ${host}\\(xsMachine \\*the\\)`));
  assert.match(readFileSync(c, 'utf8'), /esp_deep_sleep_start\(\)[\s\S]*esp_light_sleep_start\(\)/);
  assert.not.ok(lin.modules.has('hal/moddable/platform-sleep'));
});

test.run();
