// The Queue Mode scenario of test-host/xs/suites/queue.ts under V8 (xs.test.ts runs the same code in
// XS and compares the two transcripts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { injectVectorsHere } from './host.js';
import { Ev } from '../../src/client/events.js';

injectVectorsHere();
const { runQueueScenario } = await import('./suites/queue.js');

test('queue scenario under V8: offline at ~93 s until the pmax (200 s), woken by it, offline, woken early by a change (320 s)', () => {
  const r = JSON.parse(runQueueScenario()) as { events: string[]; notifications: unknown[] };
  const off = r.events.filter((e) => e.split(':')[1] === String(Ev.OFFLINE)).map((e) => e.split(':').map(Number));
  assert.ok(off[0][0] >= 93 && off[0][0] <= 96, `offline at ${off[0][0]} s`);
  assert.ok(off[0][2] >= 200 && off[0][2] <= 203, `until ${off[0][2]} s`);
  const on = r.events.filter((e) => e.split(':')[1] === String(Ev.ONLINE)).map((e) => e.split(':').map(Number));
  assert.is(on[0][2], 2, 'woken by a notification');
  assert.is(on[1][0], 320, 'woken by the change at 320 s');
  assert.is(r.notifications.length, 2);
});

test.run();
