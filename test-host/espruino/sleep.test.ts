// Deep sleep that restarts the program under Espruino: the device bundle (hal/espruino/main.ts) with
// lwm2mQueueMode=1, run from Storage (the emulated flash) by the Linux interpreter built with the
// ESP32's 16,383 variables ($ESPRUINO_ESP32; skipped without), over coaps:// PSK against the host
// server. Once offline (its sleep state in Storage, lwm2m.config.sleep.0/1) the interpreter is killed — no
// De-register, as a deep sleep or a power cut ends the program — and started again on the same flash:
// the server sees an Update, not a second Register, and no second full handshake (the session resumed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { buildDeviceBundle } from '../../host/espruino-build.js';
import { Lwm2mServer } from '../../host/server.js';
import { ESPRUINO_ESP32, runEspruino, storeScripts } from './espruino.js';

const NAME = 'espruino-esp32: Queue Mode device killed while offline, started again from Storage → an Update, no Register, session resumed';
const BOOT: [string, string] = ['boot.js', 'eval(require("Storage").read("lwm2m-mcu.js"));'];

function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error('timed out: ' + what())), ms); })]).finally(() => clearTimeout(t));
}

/** Resolves once pred() holds (polled every 50 ms); rejects after ms with what(). */
function until(pred: () => boolean, ms: number, what: () => string): Promise<void> {
  return within(new Promise<void>((r) => { const iv = setInterval(() => { if (pred()) { clearInterval(iv); r(); } }, 50); }), ms, what);
}

interface Restart { out: string; serverLog: string[]; registered: number; all(): string; handshakes(re: RegExp): number }

/** The device bundle with Queue Mode over coaps:// PSK and `settings`: stored and started, registered,
 *  offline → killed (runEspruino kills it 1 s after the line); `offline` checks that run. Then the same
 *  flash, the program started again, until the server sees an Update; `updated` checks that run.
 *  Then the variables in use (as memory.test.ts reads them) are printed under `label`, and the client
 *  stops (a De-register). */
async function killedAndRestarted(endpoint: string, settings: string, label: string,
  offline: (r: Restart) => void, updated: (r: Restart) => void): Promise<void> {
  const r: Restart = {
    out: '', serverLog: [], registered: 0,
    all: () => r.out.replace(/ {20,}/g, ' ').slice(-4000) + '\n--- server ---\n' + r.serverLog.join('\n'),
    handshakes: (re) => r.serverLog.filter((l) => re.test(l)).length,
  };
  const psk = { pskIdentity: endpoint, pskKey: '00112233445566778899aabbccddeeff' };
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => r.serverLog.push(l), psk });
  let updates = 0;
  server.on('registered', () => r.registered++);
  server.on('updated', () => updates++);
  const bundle = await buildDeviceBundle(`lwm2mEndpoint=${endpoint} lwm2mServer=coaps://127.0.0.1:${server.port} lwm2mPskIdentity=${psk.pskIdentity} lwm2mPskKey=${psk.pskKey} lwm2mQueueMode=1 lwm2mQueueTime=2 ${settings}`);
  let write: (s: string) => void = () => {};
  let dir = '';
  try {
    const first = await runEspruino(ESPRUINO_ESP32, [...storeScripts('lwm2m-mcu.js', bundle.code), BOOT], {
      timeoutMs: 90_000, until: /queue mode: offline/, keep: true, onOutput: (t) => { r.out = t; },
    });
    dir = first.dir;
    r.out = first.out;
    assert.match(first.out, /queue mode: offline/, r.all());
    offline(r);
    const second = runEspruino(ESPRUINO_ESP32, [BOOT], {
      timeoutMs: 90_000, until: /@end/, dir, keep: true, onOutput: (t, w) => { r.out = t; write = w; },
    });
    await until(() => updates >= 1, 40_000, r.all);
    updated(r);
    await new Promise((res) => setTimeout(res, 3000));
    write('var m=process.memory();print("@mem "+(m.usage-m.history)+" "+m.total);m=0;\n');
    await until(() => /@mem \d+ \d+/.test(r.out), 10_000, r.all);
    const [used, total] = /@mem (\d+) (\d+)/.exec(r.out)!.slice(1).map(Number);
    console.log(`  espruino-esp32, ${label}: ${used} variables used, ${total - used} free of ${total}`);
    const dereg = new Promise<void>((res) => server.once('deregistered', () => res()));
    write('lwm2m.stop();\n');
    await within(dereg, 20_000, r.all);
    write('print("@end");\n');
    await second;
  } finally {
    write('print("@end");\n');
    await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (!ESPRUINO_ESP32) {
  test.skip(NAME, () => {});
} else {
  test(NAME, () => killedAndRestarted('esp-sleep', '', 'Queue Mode resumed from the sleep state (offline or awake)', (r) => {
    assert.is(r.registered, 1, r.all());
    assert.is(r.handshakes(/session established/), 1, 'one full handshake: ' + r.all());
  }, (r) => {
    assert.match(r.out, /resumed from the persisted sleep state/, r.all());
    assert.is(r.registered, 1, 'no second Register: ' + r.all());
    assert.is(r.handshakes(/session established/), 1, 'no second full handshake: ' + r.all());
    assert.ok(r.handshakes(/session resumed/) > 0, 'an abbreviated handshake: ' + r.all());
  }));
}

const CID_NAME = 'espruino-esp32: Queue Mode with lwm2mQueueDtls=cid killed while offline, started again (a new port) → the connection taken back, an Update with no handshake';
if (!ESPRUINO_ESP32) {
  test.skip(CID_NAME, () => {});
} else {
  test(CID_NAME, () => killedAndRestarted('esp-cid', 'lwm2mQueueDtls=cid', 'Queue Mode with a CID, the connection taken back after the restart', (r) => {
    assert.is(r.registered, 1, r.all());
    assert.is(r.handshakes(/session (established|resumed)/), 1, 'one full handshake: ' + r.all());
  }, (r) => {
    assert.match(r.out, /resumed from the persisted sleep state/, r.all());
    assert.match(r.out, /DTLS session taken back with its Connection ID: no handshake/, r.all());
    assert.is(r.registered, 1, 'no second Register: ' + r.all());
    assert.is(r.handshakes(/session (established|resumed)/), 1, 'no handshake after the restart (neither full nor abbreviated): ' + r.all());
    assert.ok(r.serverLog.some((l) => /moved to .* \(Connection ID/.test(l)), 'the server moved the connection to the new port: ' + r.all());
  }));
}

// lwm2mSleep (hal/espruino/hal.ts sleep()): the Linux interpreter has no ESP32 class, so the HAL finds
// no ESP32.lightSleep/deepSleep, says so with the duration it would have slept, and waits with the
// socket closed. The duration: the next Update (the lifetime less MAX_TRANSMIT_WAIT, 93 s, after the
// Register) from the moment it went offline; deep sleep capped at ESP32.deepSleep's 2^31 − 1 µs where
// that is shorter.
const SLEEP_NAME = 'espruino-esp32 (Linux build, no ESP32 class): lwm2mSleep=light and =deep fall back to waiting with the socket closed; the duration is the time to the next Update';
if (!ESPRUINO_ESP32) {
  test.skip(SLEEP_NAME, () => {});
} else {
  test(SLEEP_NAME, async () => {
    for (const mode of ['light', 'deep']) {
      const serverLog: string[] = [];
      const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l) });
      let registeredAt = 0;
      server.on('registered', () => { registeredAt = Date.now(); });
      const bundle = await buildDeviceBundle(`lwm2mEndpoint=esp-${mode} lwm2mServer=coap://127.0.0.1:${server.port} lwm2mQueueMode=1 lwm2mQueueTime=2 lwm2mSleep=${mode}`);
      let out = '', offlineAt = 0;
      try {
        const r = await runEspruino(ESPRUINO_ESP32, [...storeScripts('lwm2m-mcu.js', bundle.code), BOOT], {
          timeoutMs: 90_000, until: /lwm2m-mcu: sleep: /, onOutput: (t) => { out = t; if (!offlineAt && /queue mode: offline/.test(t)) offlineAt = Date.now(); },
        });
        out = r.out;
        const m = new RegExp(`lwm2m-mcu: sleep: ${mode} for (\\d+) ms: no ESP32\\.${mode}Sleep on this build: waiting with the socket closed`).exec(out);
        assert.ok(m, mode + ': ' + out.slice(-3000) + '\n' + serverLog.join('\n'));
        const ms = Number(m![1]);
        // The Update is due lifetime − 93 s after the Register was sent; the client went offline ~2 s later.
        const lt = Number(/ lt=(\d+) /.exec(serverLog.join('\n'))![1]);
        const expected = lt * 1000 - 93_000 - (offlineAt - registeredAt);
        assert.ok(Math.abs(ms - Math.min(expected, mode === 'deep' ? 2147483 : Infinity)) < 1500, `${mode}: ${ms} ms, expected ≈ ${expected}`);
        assert.match(out, /queue mode: offline/);
      } finally {
        await server.stop();
      }
    }
  });
}

test.run();
