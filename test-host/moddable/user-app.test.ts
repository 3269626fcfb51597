// A user's Moddable app outside the repository: examples/moddable-sensor copied to a scratch folder
// with its own manifest.json, which includes the library by a path variable
// ("$(LWM2M_MCU)/manifest_lwm2m.json"), built with `lwm2m-mcu mcconfig -m -p lin` (the wrapper
// around mcconfig) and run in mcsim against the host LwM2M server: it registers, its sensors are
// read, the relay (Light Control 3311 through ECMA-419 Digital) is switched by a Write, the Push
// Button (3347, a simulated Digital input) counts presses, and the generated vendor object Sensor
// Board (26251) is read, written (accepted: the app's callback traces; refused by it: 4.00,
// unchanged), observed and executed with an argument. Needs $MODDABLE with its Linux tools
// (skipped otherwise). The wrapper's one-line errors (no $MODDABLE, no path variable) run always.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Lwm2mServer } from '../../host/server.js';
import { repoRoot } from '../vectors.js';
import { moddableMissing, removeBuild } from './sdk.js';

const root = repoRoot();
const cli = join(root, 'dist', 'host', 'cli.js');
const NAME = 'a user app outside the repo (examples/moddable-sensor, its manifest including $(LWM2M_MCU)/manifest_lwm2m.json): lwm2m-mcu mcconfig -m -p lin, mcsim, registers; sensors read, relay written, button counted; vendor object 26251 read, written (accepted, refused), observed, executed with an argument';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}

test('lwm2m-mcu mcconfig: no $MODDABLE, no path variable, a path variable without the library → one line, exit 1', () => {
  const app = mkdtempSync(join(tmpdir(), 'lwm2m-userapp-err-'));
  try {
    cpSync(join(root, 'examples', 'moddable-sensor'), app, { recursive: true });
    const base: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [cli, 'mcconfig', '-m', '-p', 'lin'], { cwd: app, env: { ...base, ...env }, encoding: 'utf8' });
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /^lwm2m-mcu: MODDABLE is not set/],
      [{ MODDABLE: app }, /^lwm2m-mcu: MODDABLE=.*: no .*mcconfig/],
    ];
    const sdk = process.env.MODDABLE && !moddableMissing() ? process.env.MODDABLE : '';
    if (sdk) {
      cases.push([{ MODDABLE: sdk }, /^lwm2m-mcu: LWM2M_MCU is not set: export LWM2M_MCU=/]);
      cases.push([{ MODDABLE: sdk, LWM2M_MCU: app }, /^lwm2m-mcu: LWM2M_MCU=.* has no manifest_lwm2m\.json/]);
    }
    for (const [env, re] of cases) {
      const r = run(env);
      assert.is(r.status, 1, JSON.stringify(env) + r.stderr);
      assert.match(r.stderr, re);
      assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally { rmSync(app, { recursive: true, force: true }); }
});

const missing = moddableMissing();
if (missing) {
  test.skip(NAME + ' (' + missing + ')', () => {});
} else {
  test(NAME, async () => {
    const app = mkdtempSync(join(tmpdir(), 'lwm2m-userapp-'));
    cpSync(join(root, 'examples', 'moddable-sensor'), app, { recursive: true });
    // The simulator's files (preference) in the app's folder, as the device test does.
    const m = JSON.parse(readFileSync(join(app, 'manifest.json'), 'utf8'));
    m.config = { ...m.config, file: { root: app + '/' } };
    writeFileSync(join(app, 'manifest.json'), JSON.stringify(m, null, '\t'));
    const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
    const ep = 'user-app-' + process.pid;
    const env = { ...process.env, LWM2M_MCU: root };
    const build = spawnSync(process.execPath, [cli, 'mcconfig', '-m', '-p', 'lin', '-t', 'build', `lwm2mEndpoint=${ep}`, `lwm2mServer=coap://127.0.0.1:${server.port}`], { cwd: app, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    let sim: ReturnType<typeof spawn> | null = null;
    let out = '';
    try {
      assert.is(build.status, 0, 'build failed:\n' + (build.stdout + build.stderr).slice(-4000));
      const so = join(process.env.MODDABLE!, 'build', 'bin', 'lin', 'mc', 'release', basename(app), 'mc.so');
      const reg = new Promise<any>((r) => server.once('registered', r));
      sim = spawn('xvfb-run', ['-a', 'stdbuf', '-oL', join(process.env.MODDABLE!, 'build', 'bin', 'lin', 'release', 'mcsim'), so], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      sim.stdout!.on('data', (d) => (out += d)); sim.stderr!.on('data', (d) => (out += d));
      const r = await within(reg, 90_000, 'Register');
      assert.is(r.endpoint, ep);
      const t = await server.read(ep, '/3303/0', 'senml-json');
      assert.is(t.codeText, '2.05');
      const tv = t.value as Record<string, unknown>;
      assert.is(typeof tv['/3303/0/5700'], 'number');
      assert.ok(Math.abs((tv['/3303/0/5700'] as number) - 21.5) <= 2.01, String(tv['/3303/0/5700']));
      assert.is(tv['/3303/0/5701'], 'Cel');
      const h = (await server.read(ep, '/3304/0/5700', 'text')).value as number;
      assert.ok(h >= 40 && h <= 50, String(h));
      assert.is((await server.read(ep, '/3/0/0', 'text')).value, 'ACME');
      assert.is((await server.write(ep, '/3311/0/5850', true, 'text')).codeText, '2.04');
      const t0 = Date.now();
      while (!/relay on/.test(out) && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 100));
      assert.match(out, /relay on/);
      let presses = 0;
      while (Date.now() - t0 < 15_000) {
        presses = (await server.read(ep, '/3347/0/5501', 'text')).value as number;
        if (presses >= 1) break;
        await new Promise((res) => setTimeout(res, 500));
      }
      assert.ok(presses >= 1, 'presses counted: ' + presses);

      // The vendor object Sensor Board (26251, generated from sensor-board.xml): read; its Sample
      // Interval written, refused by the app's onWrite below 2 s (4.00, unchanged) and accepted at 3 s
      // (the app reschedules its timer and traces); Samples observed (the app counts each reading);
      // Calibrate executed with the reference's reading as argument (the app traces the offset).
      const V = '/26251/0/';
      assert.is((await server.read(ep, V + '0', 'text')).value, 2);
      assert.is((await server.read(ep, V + '3', 'text')).value, 0);
      assert.is((await server.write(ep, V + '0', 1, 'text')).codeText, '4.00');
      assert.is((await server.read(ep, V + '0', 'text')).value, 2);
      assert.not.match(out, /sampling every/);
      assert.is((await server.write(ep, V + '0', 3, 'text')).codeText, '2.04');
      const t1 = Date.now();
      while (!/sampling every 3 s/.test(out) && Date.now() - t1 < 5000) await new Promise((res) => setTimeout(res, 100));
      assert.match(out, /sampling every 3 s/);
      assert.is((await server.read(ep, V + '0', 'text')).value, 3);
      const samples: number[] = [];
      const counted = new Promise<void>((res) => {
        void server.observe(ep, V + '1', 'text', (n, h) => { samples.push(n.value as number); if (samples.length === 2) { void h.cancel(); res(); } });
      });
      await within(counted, 20_000, 'notifications of ' + V + '1');
      assert.ok(samples[0] >= 1 && samples[1] > samples[0], JSON.stringify(samples));
      assert.is((await server.execute(ep, V + '2', "0='30'")).codeText, '2.04');
      const t2 = Date.now();
      while (!/calibrated: offset/.test(out) && Date.now() - t2 < 5000) await new Promise((res) => setTimeout(res, 100));
      const offset = Number(/calibrated: offset (-?[\d.]+)/.exec(out)?.[1]);
      assert.ok(offset > 6 && offset < 11, out.slice(-500)); // 30 °C against the simulated 21.5 ± 2
      assert.is((await server.read(ep, V + '3', 'text')).value, offset);
      assert.is((await server.execute(ep, V + '2')).codeText, '4.00'); // no reference given
    } catch (e) {
      (e as Error).message += '\n--- mcsim output ---\n' + out.slice(-3000);
      throw e;
    } finally {
      if (sim?.pid) { try { process.kill(-sim.pid, 'SIGKILL'); } catch { /* gone */ } }
      await server.stop();
      rmSync(app, { recursive: true, force: true });
      removeBuild(app);
    }
  });
}

test.run();
