// Deep sleep that restarts the program under Espruino: the device bundle (hal/espruino/main.ts) with
// lwm2mQueueMode=1, run from Storage (the emulated flash) by the Linux interpreter built with the
// ESP32's 16,383 variables ($ESPRUINO_ESP32; skipped without), over coaps:// PSK against the host
// server. Once offline (its sleep state in Storage, lwm2m.sleep.0/1) the interpreter is killed — no
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

if (!ESPRUINO_ESP32) {
  test.skip(NAME, () => {});
} else {
  test(NAME, async () => {
    const serverLog: string[] = [];
    const psk = { pskIdentity: 'esp-sleep', pskKey: '00112233445566778899aabbccddeeff' };
    const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk });
    let registered = 0, updated = 0;
    server.on('registered', () => registered++);
    server.on('updated', () => updated++);
    const bundle = await buildDeviceBundle(`lwm2mEndpoint=esp-sleep lwm2mServer=coaps://127.0.0.1:${server.port} lwm2mPskIdentity=${psk.pskIdentity} lwm2mPskKey=${psk.pskKey} lwm2mQueueMode=1 lwm2mQueueTime=2`);
    let out = '', write: (s: string) => void = () => {};
    const all = () => out.replace(/ {20,}/g, ' ').slice(-4000) + '\n--- server ---\n' + serverLog.join('\n');
    let dir = '';
    try {
      // 1. Stored and started; registered; offline → killed (runEspruino kills it 1 s after the line).
      const first = await runEspruino(ESPRUINO_ESP32, [...storeScripts('lwm2m-mcu.js', bundle.code), BOOT], {
        timeoutMs: 90_000, until: /queue mode: offline/, keep: true, onOutput: (t) => { out = t; },
      });
      dir = first.dir;
      out = first.out;
      assert.match(first.out, /queue mode: offline/, all());
      assert.is(registered, 1, all());
      assert.is(serverLog.filter((l) => /session established/.test(l)).length, 1, 'one full handshake: ' + all());
      // 2. The same flash, the program started again.
      const second = runEspruino(ESPRUINO_ESP32, [BOOT], {
        timeoutMs: 90_000, until: /@end/, dir, keep: true, onOutput: (t, w) => { out = t; write = w; },
      });
      await within(new Promise<void>((r) => { const iv = setInterval(() => { if (updated >= 1) { clearInterval(iv); r(); } }, 50); }), 40_000, all);
      assert.match(out, /resumed from the persisted sleep state/, all());
      assert.is(registered, 1, 'no second Register: ' + all());
      assert.is(serverLog.filter((l) => /session established/.test(l)).length, 1, 'no second full handshake: ' + all());
      assert.ok(serverLog.some((l) => /session resumed/.test(l)), 'an abbreviated handshake: ' + all());
      // The variables in use once resumed and updated (as memory.test.ts reads them), for the record.
      await new Promise((r) => setTimeout(r, 3000));
      write('var m=process.memory();print("@mem "+(m.usage-m.history)+" "+m.total);m=0;\n');
      await within(new Promise<void>((r) => { const iv = setInterval(() => { if (/@mem \d+ \d+/.test(out)) { clearInterval(iv); r(); } }, 50); }), 10_000, all);
      const [used, total] = /@mem (\d+) (\d+)/.exec(out)!.slice(1).map(Number);
      console.log(`  espruino-esp32, Queue Mode resumed from the sleep state (offline or awake): ${used} variables used, ${total - used} free of ${total}`);
      const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
      write('lwm2m.stop();\n');
      await within(dereg, 20_000, all);
      write('print("@end");\n');
      await second;
    } finally {
      write('print("@end");\n');
      await server.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
}

const CID_NAME = 'espruino-esp32: Queue Mode with lwm2mQueueDtls=cid killed while offline, started again (a new port) → the connection taken back, an Update with no handshake';
if (!ESPRUINO_ESP32) {
  test.skip(CID_NAME, () => {});
} else {
  test(CID_NAME, async () => {
    const serverLog: string[] = [];
    const psk = { pskIdentity: 'esp-cid', pskKey: '00112233445566778899aabbccddeeff' };
    const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk });
    let registered = 0, updated = 0;
    server.on('registered', () => registered++);
    server.on('updated', () => updated++);
    const bundle = await buildDeviceBundle(`lwm2mEndpoint=esp-cid lwm2mServer=coaps://127.0.0.1:${server.port} lwm2mPskIdentity=${psk.pskIdentity} lwm2mPskKey=${psk.pskKey} lwm2mQueueMode=1 lwm2mQueueTime=2 lwm2mQueueDtls=cid`);
    let out = '', write: (s: string) => void = () => {};
    const all = () => out.replace(/ {20,}/g, ' ').slice(-4000) + '\n--- server ---\n' + serverLog.join('\n');
    const handshakes = () => serverLog.filter((l) => /session (established|resumed)/.test(l)).length;
    let dir = '';
    try {
      const first = await runEspruino(ESPRUINO_ESP32, [...storeScripts('lwm2m-mcu.js', bundle.code), BOOT], {
        timeoutMs: 90_000, until: /queue mode: offline/, keep: true, onOutput: (t) => { out = t; },
      });
      dir = first.dir;
      out = first.out;
      assert.is(registered, 1, all());
      assert.is(handshakes(), 1, 'one full handshake: ' + all());
      const second = runEspruino(ESPRUINO_ESP32, [BOOT], {
        timeoutMs: 90_000, until: /@end/, dir, keep: true, onOutput: (t, w) => { out = t; write = w; },
      });
      await within(new Promise<void>((r) => { const iv = setInterval(() => { if (updated >= 1) { clearInterval(iv); r(); } }, 50); }), 40_000, all);
      assert.match(out, /resumed from the persisted sleep state/, all());
      assert.match(out, /DTLS session taken back with its Connection ID: no handshake/, all());
      assert.is(registered, 1, 'no second Register: ' + all());
      assert.is(handshakes(), 1, 'no handshake after the restart (neither full nor abbreviated): ' + all());
      assert.ok(serverLog.some((l) => /moved to .* \(Connection ID/.test(l)), 'the server moved the connection to the new port: ' + all());
      await new Promise((r) => setTimeout(r, 3000));
      write('var m=process.memory();print("@mem "+(m.usage-m.history)+" "+m.total);m=0;\n');
      await within(new Promise<void>((r) => { const iv = setInterval(() => { if (/@mem \d+ \d+/.test(out)) { clearInterval(iv); r(); } }, 50); }), 10_000, all);
      const [used, total] = /@mem (\d+) (\d+)/.exec(out)!.slice(1).map(Number);
      console.log(`  espruino-esp32, Queue Mode with a CID, the connection taken back after the restart: ${used} variables used, ${total - used} free of ${total}`);
      const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
      write('lwm2m.stop();\n');
      await within(dereg, 20_000, all);
      write('print("@end");\n');
      await second;
    } finally {
      write('print("@end");\n');
      await server.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
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
