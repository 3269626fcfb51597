// examples/espruino-sensor end to end, as a user runs it (needs $ESPRUINO_ESP32: the 32-bit Linux
// Espruino with the ESP32's 16,383 variables; skipped without): built with `lwm2m-mcu espruino-build`
// (the CLI), its Storage pieces run one by one by the interpreter (the app lands in the emulated
// flash, as on a board from the REPL), then its boot0.js runs it FROM STORAGE. Against the host
// LwM2M server on loopback it registers; the server reads the temperature, writes the relay on and
// off (the app's onSwitch prints "relay on" / "relay off"), observes the temperature (notifications
// of the simulated readings: Espruino for Linux has no temperature sensor), executes Reset Min/Max
// (5605) and sees min = max. The vendor object Sensor Board (26251) is read, written (accepted: the
// app's callback prints; refused by it: 4.00, unchanged), observed and executed with an argument.
// lwm2m.stop() at the REPL de-registers. The bundle's two lines — free variables at start and when
// registered — are asserted, with the figures printed (docs/performance.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { Lwm2mServer } from '../../host/server.js';
import { ESPRUINO_ESP32, runEspruino, tagged } from './espruino.js';

/** Free variables the example must keep, registered and idle, and after the server's requests. */
export const MIN_FREE_REGISTERED = 2500;
const NAME = `examples/espruino-sensor from Storage in 16,383 variables: registers (≥ ${MIN_FREE_REGISTERED} free), read, relay written on/off (callbacks print), observed, Reset Min/Max executed; vendor object 26251 read, written (accepted, refused), observed, executed with an argument; de-registers`;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}

if (!ESPRUINO_ESP32) {
  test.skip(NAME + ' ($ESPRUINO_ESP32 not set)', () => {});
} else {
  test(NAME, async () => {
    const root = repoRoot();
    const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
    const dir = mkdtempSync(join(tmpdir(), 'lwm2m-espsensor-'));
    const ep = 'esp-sensor';
    let out = '';
    let write: (s: string) => void = () => {};
    let run: Promise<unknown> | null = null;
    try {
      const b = spawnSync(process.execPath, [join(root, 'build', 'host', 'cli.js'), 'espruino-build', join(root, 'examples', 'espruino-sensor', 'app.ts'),
        '--settings', `lwm2mEndpoint=${ep} lwm2mServer=coap://127.0.0.1:${server.port}`, '--out', join(dir, 'out')], { encoding: 'utf8' });
      assert.is(b.status, 0, b.stderr + b.stdout);
      assert.match(b.stdout, /lwm2m-mcu\.js \(\d+ bytes, \d+ modules; needs \d+ variables/);
      const files = readdirSync(join(dir, 'out'));
      const pieces = files.filter((f) => /^store\d+\.js$/.test(f)).sort((x, y) => Number(x.slice(5, -3)) - Number(y.slice(5, -3)));
      assert.ok(pieces.length > 1 && files.includes('boot0.js') && files.includes('lwm2m-mcu.js'), files.join(' '));
      const scripts: [string, string][] = [...pieces.map((f): [string, string] => [f, readFileSync(join(dir, 'out', f), 'utf8')]),
        ['boot0.js', readFileSync(join(dir, 'out', 'boot0.js'), 'utf8')]];
      const registered = new Promise<any>((r) => server.once('registered', r));
      const deregistered = new Promise<any>((r) => server.once('deregistered', r));
      run = runEspruino(ESPRUINO_ESP32, scripts, { timeoutMs: 150_000, until: /@end/, onOutput: (t, w) => { out = t; write = w; } });
      const reg = await within(registered, 40_000, 'Register');
      assert.is(reg.endpoint, ep);
      for (let k = 0; k < 100 && !/registered, \d+ variables free/.test(out); k++) await new Promise((r) => setTimeout(r, 50));
      assert.not.match(out, /OUT OF MEMORY|Uncaught|lwm2m error/);
      // The bundle's two lines: its free variables when the client starts and when first registered.
      const atStart = /lwm2m-mcu: starting, (\d+) variables free/.exec(out), atReg = /lwm2m-mcu: registered, (\d+) variables free/.exec(out);
      assert.ok(atStart && atReg, out.slice(-1500));
      assert.ok(/registered with coap:\/\/127\.0\.0\.1:\d+/.test(out), 'the app\'s onRegistered');

      const t = await server.read(ep, '/3303/0/5700');
      assert.is(t.codeText, '2.05');
      assert.type(t.value, 'number');
      assert.is((await server.write(ep, '/3311/0/5850', true)).codeText, '2.04');
      for (let k = 0; k < 40 && !/relay on/.test(out); k++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /relay on/);
      assert.is((await server.read(ep, '/3311/0/5850')).value, true);
      assert.is((await server.write(ep, '/3311/0/5850', false)).codeText, '2.04');
      for (let k = 0; k < 40 && !/relay off/.test(out); k++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /relay off/);

      // The vendor object Sensor Board (26251, generated from sensor-board.xml): read; its Sample
      // Interval written, refused by the app's onWrite below 2 s (4.00, unchanged) and accepted at 2 s
      // (the app reschedules and prints); Samples observed (the app counts each reading); Calibrate
      // executed with the reference's reading as argument (the app prints and stores the offset).
      const V = '/26251/0/';
      assert.is((await server.read(ep, V + '0')).value, 5);
      assert.is((await server.read(ep, V + '3')).value, 0);
      assert.is((await server.write(ep, V + '0', 1)).codeText, '4.00');
      assert.is((await server.read(ep, V + '0')).value, 5);
      assert.not.match(out, /sampling every/);
      assert.is((await server.write(ep, V + '0', 2)).codeText, '2.04');
      for (let k = 0; k < 40 && !/sampling every 2 s/.test(out); k++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /sampling every 2 s/);
      assert.is((await server.read(ep, V + '0')).value, 2);
      const samples: number[] = [];
      const counted = new Promise<void>((r) => {
        void server.observe(ep, V + '1', undefined, (n, h) => { samples.push(n.value as number); if (samples.length === 3) { void h.cancel(); r(); } });
      });
      await within(counted, 15_000, 'notifications of ' + V + '1');
      assert.ok(samples[0] >= 1 && samples[1] > samples[0] && samples[2] > samples[1], JSON.stringify(samples));
      assert.is((await server.execute(ep, V + '2', "0='30'")).codeText, '2.04');
      for (let k = 0; k < 40 && !/calibrated: offset/.test(out); k++) await new Promise((r) => setTimeout(r, 50));
      const offset = Number(/calibrated: offset (-?[\d.]+)/.exec(out)?.[1]);
      assert.ok(offset > 5 && offset < 10.5, out.slice(-500)); // 30 °C against the simulated 20…24.5
      assert.is((await server.read(ep, V + '3')).value, offset);
      assert.is((await server.execute(ep, V + '2')).codeText, '4.00'); // no reference given

      // Observe: the app samples every 5 s (a new simulated reading each time).
      assert.is((await server.writeAttributes(ep, '/3303/0/5700', { pmin: 0, pmax: 30 })).codeText, '2.04');
      const notes: unknown[] = [];
      const two = new Promise<void>((r) => { void server.observe(ep, '/3303/0/5700', undefined, (n) => { notes.push(n.value); if (notes.length === 3) r(); }); });
      await within(two, 25_000, 'notifications of /3303/0/5700');
      assert.ok(notes.every((v) => typeof v === 'number'), JSON.stringify(notes));
      assert.ok(new Set(notes).size > 1, 'the readings change: ' + JSON.stringify(notes));

      // Execute Reset Min/Max (5605): min and max measured restart from the current value.
      assert.is((await server.execute(ep, '/3303/0/5605')).codeText, '2.04');
      const min = await server.read(ep, '/3303/0/5601'), max = await server.read(ep, '/3303/0/5602');
      assert.is(min.codeText, '2.05');
      assert.is(min.value, max.value);
      // Execute on a resource that is not executable: 4.05.
      assert.is((await server.execute(ep, '/3303/0/5700')).codeText, '4.05');

      for (let k = 0; k < 10; k++) assert.is((await server.read(ep, '/3303/0')).codeText, '2.05');
      await new Promise((r) => setTimeout(r, 300));
      write('var m=process.memory();print("@mem "+m.free+" "+m.total);m=0;\n');
      for (let k = 0; k < 100 && tagged(out, 'mem').length === 0; k++) await new Promise((r) => setTimeout(r, 50));
      const [afterReads, total] = tagged(out, 'mem')[0].split(' ').map(Number);
      assert.is(total, 16383);
      console.log(`examples/espruino-sensor under $ESPRUINO_ESP32 (16,383 variables, from Storage): free at start ${atStart![1]}, registered ${atReg![1]}, after the server's requests ${afterReads}`);
      assert.ok(Number(atReg![1]) >= MIN_FREE_REGISTERED, `${atReg![1]} variables free when registered (need ${MIN_FREE_REGISTERED})`);
      assert.not.match(out, /OUT OF MEMORY|Uncaught|lwm2m error/);

      write('lwm2m.stop();\n');
      await within(deregistered, 20_000, 'De-register');
    } catch (e) {
      (e as Error).message += '\n--- espruino output ---\n' + out.replace(/ {20,}/g, ' ').slice(-3000);
      throw e;
    } finally {
      write('print("@end");\n');
      if (run) await run.catch(() => {});
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
