// bench/queue.bench.ts in its short mode (a simulated hour, what BENCH_SHORT=1 runs): every mode
// delivers the workload's notifications and behaves as its mode says (correctness only: no figure
// is asserted beyond the orderings the modes exist for).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runQueueBench } from '../../bench/queue.bench.js';

test('queue bench, short: each mode delivers every notification; queue modes sleep; handshakes per mode', () => {
  const rows = runQueueBench(3600);
  const by = (s: string) => rows.find((r) => r.mode.includes(s))!;
  const on = by('always on'), full = by('full handshake'), res = by('resumption'), kept = by('kept');
  // A change every 600 s and a pmax of 300 s: two notifications per 10 minutes, plus the first pmax.
  for (const r of rows) {
    assert.ok(r.notifications >= 12 && r.notifications <= 13, `${r.mode}: ${r.notifications} notifications`);
    assert.is(r.cancelled, 0, `${r.mode}: no observation cancelled`);
  }
  assert.is(on.wakes, 0);
  assert.is(on.awakeSeconds, 3600);
  for (const r of [full, res, kept]) {
    assert.ok(r.wakes >= 11, `${r.mode}: ${r.wakes} wakes`);
    assert.ok(r.awakeSeconds < 0.4 * 3600, `${r.mode}: ${r.awakeSeconds} s awake`);
  }
  // One handshake per wake after the first registration's (the last wake may fall at the very end).
  assert.ok(full.fullHandshakes >= full.wakes && full.fullHandshakes <= full.wakes + 1, `${full.fullHandshakes} full for ${full.wakes} wakes`);
  assert.is(full.abbreviatedHandshakes, 0);
  assert.is(res.fullHandshakes, 1);
  assert.ok(res.abbreviatedHandshakes >= res.wakes - 1 && res.abbreviatedHandshakes <= res.wakes, `${res.abbreviatedHandshakes} abbreviated for ${res.wakes} wakes`);
  assert.is(kept.fullHandshakes + kept.abbreviatedHandshakes, 1);
  const bytes = (r: typeof on) => r.sentBytes + r.receivedBytes;
  assert.ok(bytes(kept) < bytes(res) && bytes(res) < bytes(full), `${bytes(kept)} < ${bytes(res)} < ${bytes(full)}`);
});

test('queue bench, short: deep sleep with the persisted state — a restart per wake, one Register and one full handshake in all', () => {
  const rows = runQueueBench(3600);
  const deep = rows.find((r) => r.mode.startsWith('deep sleep'))!, res = rows.find((r) => r.mode.includes('resumption'))!;
  assert.ok(deep.wakes >= 11, `${deep.wakes} restarts`);
  assert.is(deep.registers, 1, 'no Register after a restart');
  assert.is(deep.fullHandshakes, 1);
  assert.ok(deep.abbreviatedHandshakes >= deep.wakes - 1, `${deep.abbreviatedHandshakes} abbreviated for ${deep.wakes} restarts`);
  assert.ok(deep.awakeSeconds < 0.4 * 3600, `${deep.awakeSeconds} s awake`);
  // What a wake costs is what it costs without the restart (resumption per wake), within a datagram.
  assert.ok(Math.abs(deep.sent - res.sent) <= 2 && Math.abs(deep.received - res.received) <= 2, `${deep.sent}/${deep.received} vs ${res.sent}/${res.received}`);
  // With a Connection ID the restarted program takes the connection back: no handshake after the first.
  const deepCid = rows.find((r) => r.mode.startsWith('deep sleep') && r.mode.includes('Connection ID'))!;
  assert.ok(deepCid.wakes >= 11, `${deepCid.wakes} restarts`);
  assert.is(deepCid.registers, 1);
  assert.is(deepCid.fullHandshakes, 1);
  assert.is(deepCid.abbreviatedHandshakes, 0);
  assert.is(deepCid.notifications, deep.notifications);
});

test('queue bench, a day: with a Connection ID and a new port at every wake, no handshake after the first, one datagram per report, ≤ 20 % of the bytes of a full handshake per wake (issue 21)', () => {
  const rows = runQueueBench(86400);
  const by = (s: string) => rows.find((r) => r.mode.includes(s))!;
  const cid = by('Connection ID'), kept = by('kept'), full = by('full handshake');
  assert.ok(cid.wakes >= 280, `${cid.wakes} wakes`);
  assert.is(cid.fullHandshakes, 1);
  assert.is(cid.abbreviatedHandshakes, 0);
  assert.is(cid.cancelled, 0);
  assert.is(cid.notifications, kept.notifications);
  // As many datagrams as the session kept on one port: a report is one datagram out (a NON notification).
  assert.is(cid.sent, kept.sent);
  assert.is(cid.received, kept.received);
  const bytes = (r: typeof cid) => r.sentBytes + r.receivedBytes;
  assert.ok(bytes(cid) <= 0.2 * bytes(full), `${bytes(cid)} bytes vs ${bytes(full)} with a full handshake per wake`);
});

test.run();
