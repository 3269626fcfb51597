// Queue Mode benchmark (issue 21): the reference workload — one observation of a temperature with
// pmax 300 s, a registration lifetime of 86,400 s, a value change every 10 minutes — for a simulated
// day (BENCH_SHORT=1: an hour) on a virtual clock, through the whole client (createBoardClient) and
// the harness's LwM2M server behind the host server's DTLS PSK layer (host/server.ts DtlsPskLayer),
// over coaps://. Per mode: datagrams and bytes the client sent and received, full and abbreviated
// DTLS handshakes, seconds awake, notifications the server got.
//
//   node build/bench/queue.bench.js            a day
//   BENCH_SHORT=1 node build/bench/queue.bench.js
//
// Modes: always on (binding U, one session for the day); queue mode (b=U&Q) with a full handshake at
// every wake; with session resumption (abbreviated handshake); with the session kept across the sleep
// (the HAL rebinds the same port and the server keeps the session); with an RFC 9146 Connection ID
// (queueDtls "cid", the host DTLS layer granting one) and the client's port changing at every wake;
// deep sleep with the persisted state (src/client/persist.ts): the program stops at every sleep and
// starts again at its wake (its monotonic clock from 0), taking back its registration, observation
// and DTLS resumption state from storage — no Register, an abbreviated handshake per wake; and the
// same with a Connection ID, the connection itself taken back and a new port at every restart: no
// handshake per wake.
import { queueWorld } from '../test-host/client/queue-world.js';
import { Ev } from '../src/client/events.js';

export interface QueueBenchRow {
  mode: string;
  sent: number; sentBytes: number; received: number; receivedBytes: number;
  fullHandshakes: number; abbreviatedHandshakes: number;
  awakeSeconds: number; notifications: number; wakes: number; cancelled: number;
  /** Registers the server got (1: the first only). */
  registers: number;
}

const MODES: { mode: string; binding: string; dtls?: 'full' | 'resume' | 'keep' | 'cid'; newPort?: boolean; deep?: boolean }[] = [
  { mode: 'always on (b=U)', binding: 'U' },
  { mode: 'queue, full handshake per wake', binding: 'UQ', dtls: 'full' },
  { mode: 'queue, resumption per wake', binding: 'UQ', dtls: 'resume' },
  { mode: 'queue, session kept (same port)', binding: 'UQ', dtls: 'keep' },
  { mode: 'queue, Connection ID (new port per wake)', binding: 'UQ', dtls: 'cid', newPort: true },
  { mode: 'deep sleep, persisted state (restart per wake)', binding: 'UQ', dtls: 'resume', deep: true },
  { mode: 'deep sleep, persisted state with a Connection ID (restart per wake, new port)', binding: 'UQ', dtls: 'cid', deep: true, newPort: true },
];

/** Runs every mode for `seconds` of simulated time after registration and the Observe. */
export function runQueueBench(seconds: number): QueueBenchRow[] {
  const rows: QueueBenchRow[] = [];
  for (const m of MODES) {
    const w = queueWorld({ secure: true, binding: m.binding, queueDtls: m.dtls, newPortAtWake: m.newPort && !m.deep, newPortAtRestart: m.newPort && m.deep,
      pmax: 300, lifetime: 86400, seed: 5, persist: m.deep });
    w.register();
    w.observe();
    const t0 = w.net.now;
    // Deep sleep: runs to `until`, the program stopped from each sleep to its planned wake, then
    // started again (1 ms before the deadline: the restored client waits for it).
    const run = (until: number): void => {
      if (!m.deep) { w.net.run({ until, maxSteps: 1_000_000 }); return; }
      for (;;) {
        w.net.run({ done: () => w.board.client.offline, until, maxSteps: 1_000_000 });
        if (!w.board.client.offline || w.net.now >= until) return;
        const a = w.events.filter((e) => e.e === Ev.OFFLINE).at(-1)!.a;
        const wakeAt = a < 0 ? Infinity : a;
        if (wakeAt - 1 >= until) return;
        w.net.run({ until: wakeAt - 1, maxSteps: 1_000_000 });
        w.restart();
      }
    };
    let v = 21.5;
    // A change every 10 minutes. The pmax that follows a change by 300 s falls on the next change:
    // the value is set at that instant before the client's timers run (the clock is moved to it
    // without processing it), so the two make one notification, as they do on a device whose sensor
    // is read before the client is polled.
    for (let t = t0 + 600_000; t <= t0 + seconds * 1000; t += 600_000) {
      run(t - 1);
      w.net.now = t;
      if (m.deep && w.board.client.offline) w.restart(); // the program starts for the reading
      v = v === 21.5 ? 21.8 : 21.5;
      w.board.temperature.set(v);
      w.net.kick();
    }
    run(t0 + seconds * 1000);
    const c = w.board.client;
    const tr = w.traffic();
    rows.push({
      mode: m.mode, ...tr,
      fullHandshakes: w.fullHandshakes, abbreviatedHandshakes: w.abbreviatedHandshakes,
      awakeSeconds: Math.round(c.queue!.awakeSeconds(w.clientNow)),
      notifications: w.server.notifications.length,
      wakes: w.events.filter((e) => e.e === Ev.ONLINE || e.e === Ev.SLEEP_RESUMED).length,
      cancelled: w.events.filter((e) => e.e === Ev.OBSERVE_CANCELLED).length,
      registers: w.server.requests.filter((r) => r.path === '/rd').length,
    });
  }
  return rows;
}

export function formatTable(rows: QueueBenchRow[]): string {
  const head = '| mode | datagrams out / in | bytes out / in | handshakes full / abbr. | wakes | s awake | notifications | bytes vs full-handshake queue |';
  const full = rows.find((r) => r.mode.includes('full handshake'))!;
  const total = (r: QueueBenchRow) => r.sentBytes + r.receivedBytes;
  const lines = rows.map((r) => `| ${r.mode} | ${r.sent} / ${r.received} | ${r.sentBytes.toLocaleString('en')} / ${r.receivedBytes.toLocaleString('en')} | ${r.fullHandshakes} / ${r.abbreviatedHandshakes} | ${r.wakes} | ${r.awakeSeconds.toLocaleString('en')} | ${r.notifications} | ${Math.round(100 * total(r) / total(full))} % |`);
  return [head, '|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}

const self = process.argv[1] ?? '';
if (self.endsWith('queue.bench.js')) {
  const short = process.env.BENCH_SHORT === '1';
  const seconds = short ? 3600 : 86400;
  const t = Date.now();
  const rows = runQueueBench(seconds);
  console.log(`Queue Mode, ${short ? 'a simulated hour' : 'a simulated day'} (coaps:// PSK, pmax 300 s, a change every 600 s; ${Date.now() - t} ms):\n`);
  console.log(formatTable(rows));
}
