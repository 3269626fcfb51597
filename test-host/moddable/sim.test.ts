// `make sim` as a user meets it (issue 20 point 8), on the real app under mcsim (scripts/sim.sh):
//  - Ctrl-C in a terminal signals the whole foreground process group (sim.sh, its output filter, a
//    sleep): the app's stop lines still come through and sim.sh returns as soon as the simulator
//    has stopped, not after its 5 s bound (the filter used to die with the SIGINT, taking the
//    "stopped" line, which ends the wait, with it);
//  - the configuration an earlier run stored (Moddable's lin preference file) wins over the
//    settings, and the app says so at start; FRESH=1 starts as a fresh device, with the settings.
// Runs when $MODDABLE has its Linux tools built; skipped otherwise (as device.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { Lwm2mServer, type Registration } from '../../host/server.js';
import { freePort } from '../peers.js';
import { moddableMissing, removeBuild, startSim, testManifest, type Sim } from './sdk.js';

const missing = moddableMissing();
const BUILD_MS = 600_000; // an mcconfig build of the app (2–3 min on a busy 2-core machine)

function within<T>(p: Promise<T>, ms: number, what: string, sim?: Sim): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, rej) => {
    t = setTimeout(() => rej(new Error(`timed out: ${what}${sim ? '\n' + sim.lines.join('\n') + '\nstderr (end):\n' + sim.errTail() : ''}`)), ms);
  })]).finally(() => clearTimeout(t));
}

if (missing) {
  test.skip(`make sim: Ctrl-C to the foreground group shows the stop lines and returns at once; the stored configuration is named; FRESH=1 (${missing})`, () => {});
} else {
  test('make sim: Ctrl-C to the foreground group shows the stop lines and returns at once; the stored configuration is named; FRESH=1', async () => {
    const a = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
    const b = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
    const { manifest, dir } = testManifest('lwm2m-sim-stop-');
    const base = ['lwm2mEndpoint=sim-stop', `lwm2mLocalPort=${await freePort()}`];
    let sim: Sim | null = null;
    try {
      // 1. A fresh folder: the factory configuration from the settings; registered with A.
      let reg = new Promise<Registration>((r) => a.once('registered', r));
      sim = startSim(manifest, [...base, `lwm2mServer=coap://127.0.0.1:${a.port}`], { group: true });
      await within(reg, BUILD_MS, 'registration with A (build included)', sim);
      await sim.line(/lwm2m-mcu: registered/, 5000);
      assert.ok(sim.lines.some((l) => l.includes(`lwm2m-mcu: configuration: factory, from the settings (server coap://127.0.0.1:${a.port}, bootstrap -)`)), sim.lines.join('\n'));
      // Ctrl-C: SIGINT to sim.sh's whole process group, as a terminal sends it.
      const dereg = new Promise<void>((r) => a.once('deregistered', () => r()));
      const left = new Promise<number>((r) => sim!.proc.once('exit', () => r(Date.now())));
      const t0 = Date.now();
      sim.interrupt();
      await within(dereg, 5000, 'de-registered on Ctrl-C', sim);
      const ms = (await within(left, 10_000, 'sim.sh exits after Ctrl-C', sim)) - t0;
      await within(sim.exited, 5000, 'the output ends', sim);
      const out = sim.lines.join('\n');
      assert.match(out, /lwm2m-mcu: stopping: de-registering/);
      assert.match(out, /lwm2m-mcu: de-registered/);
      assert.match(out, /lwm2m-mcu: stopped/);
      assert.ok(ms < 5000, `sim.sh returned ${ms} ms after Ctrl-C (it waits 5 s only when the app never says it stopped)`);
      sim = null;

      // 2. The next run with server B: the stored configuration (server A) wins, and the app says so.
      reg = new Promise<Registration>((r) => a.once('registered', r));
      let regB = false;
      b.once('registered', () => { regB = true; });
      sim = startSim(manifest, [...base, `lwm2mServer=coap://127.0.0.1:${b.port}`]);
      await within(reg, BUILD_MS, 'registration with A from the stored configuration', sim);
      await sim.line(/lwm2m-mcu: registered/, 5000); // the log lines come after the datagram
      assert.ok(sim.lines.some((l) => l.includes(`lwm2m-mcu: configuration: stored by an earlier run, used instead of the settings server/bootstrap (${dir}/modpreferences.json; make sim FRESH=1 starts as a fresh device)`)), sim.lines.join('\n'));
      assert.not.ok(regB, 'B is not used');
      assert.is(await sim.stop(), 0);
      sim = null;

      // 3. FRESH=1: the stored configuration deleted, the settings used (server B).
      reg = new Promise<Registration>((r) => b.once('registered', r));
      sim = startSim(manifest, [...base, `lwm2mServer=coap://127.0.0.1:${b.port}`], { env: { FRESH: '1' } });
      await within(reg, BUILD_MS, 'registration with B as a fresh device', sim);
      await sim.line(/lwm2m-mcu: registered/, 5000);
      const lines = sim.lines.join('\n');
      assert.match(lines, /lwm2m-mcu: lwm2mFresh=1: the stored configuration is deleted/);
      assert.ok(lines.includes(`lwm2m-mcu: configuration: factory, from the settings (server coap://127.0.0.1:${b.port}, bootstrap -)`), lines);
      assert.is(await sim.stop(), 0);
      sim = null;
    } finally {
      if (sim) { try { process.kill(-sim.proc.pid!, 'SIGTERM'); } catch { sim.proc.kill('SIGTERM'); } await sim.exited; }
      await a.stop(); await b.stop();
      rmSync(dir, { recursive: true, force: true });
      removeBuild(dir);
    }
  });
}

test.run();
