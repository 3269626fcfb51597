// Deep sleep that restarts the program under XS, on the real app in Moddable's simulator (mcsim,
// scripts/sim.sh): lwm2mQueueMode=1 over coaps:// PSK against the host server; once the app is offline
// (its sleep state in Moddable's lin preference file) mcsim is killed — no De-register, nothing more
// written, as a deep sleep or a power cut ends the program — and the app is started again: the
// server sees an Update, not a second Register, and no second full handshake (the session resumed).
// Runs when $MODDABLE has its Linux tools built; skipped otherwise (as sim.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { repoRoot } from '../vectors.js';
import { Lwm2mServer } from '../../host/server.js';
import { freePort } from '../peers.js';
import { moddableMissing, startSim, type Sim } from './sdk.js';

const missing = moddableMissing();
const BUILD_MS = 840_000; // an mcconfig build of the app (2–3 min on a busy 2-core machine, 10+ under load)
/** The build's folder (and name): the same at every run, so that mcconfig builds again only what
 *  changed (as testManifest's, with its own preference file, deleted first). */
const NAME = 'lwm2m-sim-sleep';

function within<T>(p: Promise<T>, ms: number, what: string, sim?: Sim): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, rej) => {
    t = setTimeout(() => rej(new Error(`timed out: ${what}${sim ? '\n' + sim.lines.join('\n') + '\nstderr (end):\n' + sim.errTail() : ''}`)), ms);
  })]).finally(() => clearTimeout(t));
}

/** The pid of the mcsim this test started: the one running the build named `name` (found in /proc). */
function mcsimPid(name: string): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8'); } catch { continue; }
    const argv = cmd.split('\0');
    // argv[0]: mcsim itself (xvfb-run's and stdbuf's command lines name it too).
    if (argv[0].endsWith('/mcsim') && argv.some((a) => a.includes(`/${name}/mc.so`))) return Number(d);
  }
  return -1;
}

/** The app started, registered over coaps://, offline, mcsim killed, started again. `cid`: with
 *  lwm2mQueueDtls=cid and no lwm2mLocalPort (each start binds a port the stack picks): the restarted app
 *  takes the DTLS connection back and its Update goes with the server's Connection ID from the new port,
 *  no handshake at all (the server counts one, the first), the connection moved (RFC 9146 §6); and
 *  lwm2mSleep=light, which the simulator has no sleep for (one line, the socket closed). Otherwise the
 *  session is resumed (an abbreviated handshake). */
async function flow(cid: boolean): Promise<void> {
  const name = cid ? NAME + '-cid' : NAME, ep = cid ? 'sim-cid' : 'sim-sleep';
  const serverLog: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => serverLog.push(l), psk: { pskIdentity: ep, pskKey: '00112233445566778899aabbccddeeff' } });
  let registered = 0, updated = 0;
  server.on('registered', () => registered++);
  server.on('updated', () => updated++);
  const dir = join(tmpdir(), name), manifest = join(dir, 'manifest.json');
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'modpreferences.json'), { force: true });
  writeFileSync(manifest, JSON.stringify({ include: [join(repoRoot(), 'manifest.json')], config: { file: { root: dir + '/' } } }, null, '\t'));
  const settings = [`lwm2mEndpoint=${ep}`, `lwm2mServer=coaps://127.0.0.1:${server.port}`,
    `lwm2mPskIdentity=${ep}`, 'lwm2mPskKey=00112233445566778899aabbccddeeff', 'lwm2mQueueMode=1', 'lwm2mQueueTime=2',
    ...(cid ? ['lwm2mQueueDtls=cid', 'lwm2mSleep=light'] : [`lwm2mLocalPort=${await freePort()}`])];
  const all = (sim: Sim) => sim.lines.join('\n') + '\n--- server ---\n' + serverLog.join('\n');
  const full = () => serverLog.filter((l) => /session established/.test(l)).length;
  const resumed = () => serverLog.filter((l) => /session resumed/.test(l)).length;
  let sim: Sim | null = null;
  try {
    sim = startSim(manifest, settings, { group: true });
    await within(sim.line(/lwm2m-mcu: registered/, BUILD_MS), BUILD_MS, 'registered (build included)', sim);
    await within(sim.line(/lwm2m-mcu: queue mode: offline/, 20_000), 20_000, 'offline', sim);
    assert.is(registered, 1);
    assert.is(full(), 1, 'one full handshake');
    if (cid) await within(sim.line(/lwm2m-mcu: sleep: light for \d+ ms: no platform sleep on this build: waiting with the socket closed/, 5000), 5000, 'the sleep fallback line', sim);
    // The program ends as a deep sleep ends it: mcsim killed, no De-register.
    const pid = mcsimPid(name);
    assert.ok(pid > 0, 'mcsim found');
    process.kill(pid, 'SIGKILL');
    await within(sim.exited, 10_000, 'sim.sh ends with mcsim', sim);
    sim = null;
    sim = startSim(manifest, settings);
    await within(sim.line(/lwm2m-mcu: resumed from the persisted sleep state/, BUILD_MS), BUILD_MS, 'resumed', sim);
    const s2 = sim;
    await within(new Promise<void>((r) => { const iv = setInterval(() => { if (updated >= 1) { clearInterval(iv); r(); } }, 50); }), 20_000, 'an Update', s2);
    assert.is(registered, 1, 'no second Register: ' + all(s2));
    // (The app's onRegistered does fire after the resumed line: the public API reports a registration
    // taken back from the sleep state as registered — the server saw no Register, asserted above.)
    const resumedAt = s2.lines.findIndex((l) => /resumed from the persisted sleep state/.test(l));
    assert.ok(resumedAt >= 0 && !s2.lines.slice(0, resumedAt).some((l) => /lwm2m-mcu: registered/.test(l)), all(s2));
    assert.is(full(), 1, 'no second full handshake: ' + all(s2));
    if (cid) {
      assert.ok(s2.lines.some((l) => /DTLS session taken back with its Connection ID: no handshake/.test(l)), all(s2));
      assert.is(resumed(), 0, 'no abbreviated handshake either: ' + all(s2));
      assert.ok(serverLog.some((l) => /moved to .* \(Connection ID/.test(l)), 'the connection moved to the new port: ' + all(s2));
    } else assert.ok(resumed() > 0, 'an abbreviated handshake: ' + all(s2));
    const dereg = new Promise<void>((r) => server.once('deregistered', () => r()));
    assert.is(await sim.stop(), 0);
    await within(dereg, 5000, 'de-registered at stop', s2);
    sim = null;
  } finally {
    if (sim) { try { process.kill(-sim.proc.pid!, 'SIGTERM'); } catch { sim.proc.kill('SIGTERM'); } await sim.exited; }
    await server.stop();
    rmSync(join(dir, 'modpreferences.json'), { force: true });
  }
}

const RESUME = 'mcsim: Queue Mode app killed while offline and started again → an Update, no Register, session resumed';
const CID = 'mcsim: Queue Mode with a CID (lwm2mQueueDtls=cid, lwm2mSleep=light), app killed while offline and started again on a new port → an Update with no handshake';
if (missing) {
  test.skip(`${RESUME} (${missing})`, () => {});
  test.skip(`${CID} (${missing})`, () => {});
} else {
  test(RESUME, () => flow(false));
  test(CID, () => flow(true));
}

test.run();
