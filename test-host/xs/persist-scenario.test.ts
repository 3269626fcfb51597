// The deep-sleep scenario of test-host/xs/suites/persist.ts under V8 (xs.test.ts runs the same code in
// XS and compares the two transcripts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { injectVectorsHere } from './host.js';
import { Ev } from '../../src/client/events.js';

injectVectorsHere();
const { runPersistScenario } = await import('./suites/persist.js');

test('persist scenario under V8: offline with the state written; a new program at the pmax resumes it: no Register, the notification', () => {
  const r = JSON.parse(runPersistScenario()) as { size: number; events: string[]; notifications: { token?: string }[] };
  const kinds = r.events.map((e) => Number(e.split(':')[1]));
  assert.is(kinds.filter((k) => k === Ev.REGISTER_SENT).length, 1, 'one Register, before the restart');
  const at = kinds.indexOf(Ev.SLEEP_RESUMED);
  assert.ok(at > kinds.indexOf(Ev.SLEEP_SAVED), r.events.join(' '));
  assert.is(kinds[at + 1], Ev.NOTIFY_SENT, 'the notification is the first thing after the restart (no Update): ' + r.events.join(' '));
  assert.ok(Number(r.events[at + 1].split(':')[0]) >= 199 && Number(r.events[at + 1].split(":")[0]) <= 204, r.events[at + 1]);
  assert.ok(r.size > 100 && r.size < 600, `${r.size} bytes`);
  assert.is(r.notifications.length, 1);
});

test.run();
