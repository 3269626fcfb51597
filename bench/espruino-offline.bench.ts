// "CPU while offline" under Espruino (issue 21: a bound dgram socket keeps the interpreter busy): the
// device bundle (hal/espruino/main.ts) run from Storage by the Linux interpreter ($ESPRUINO_ESP32, else
// $ESPRUINO; prints a skip line without), against the host LwM2M server on loopback — registered and
// idle with its socket bound (no Queue Mode), and registered in Queue Mode once offline (socket
// released, lwm2mQueueMode=1). The interpreter's process CPU time (utime + stime, /proc/PID/stat) over
// the same N seconds of wall time in each state.
//
//   node build/bench/espruino-offline.bench.js          N = 10 s
//   BENCH_SHORT=1 node build/bench/espruino-offline.bench.js   N = 2 s
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeviceBundle } from '../host/espruino-build.js';
import { Lwm2mServer } from '../host/server.js';
import { ESPRUINO, ESPRUINO_ESP32, runEspruino, storeScripts } from '../test-host/espruino/espruino.js';

const BIN = ESPRUINO_ESP32 || ESPRUINO;
const SECONDS = process.env.BENCH_SHORT === '1' ? 2 : 10;
const TICKS = 100; // USER_HZ: /proc/PID/stat counts CPU time in 1/100 s on Linux

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
  return Number(rest[11]) + Number(rest[12]); // utime (14th), stime (15th)
}

/** Runs the bundle with `settings` until `ready` is printed, then measures; returns CPU seconds. */
async function measure(settings: string, ready: RegExp): Promise<{ cpu: number; out: string }> {
  const bundle = await buildDeviceBundle(settings);
  const stored = await runEspruino(BIN, [...storeScripts('lwm2m-mcu.js', bundle.code), ['stored.js', 'print("@stored");']], { keep: true, timeoutMs: 120_000 });
  const dir = stored.dir;
  writeFileSync(join(dir, 'boot.js'), 'eval(require("Storage").read("lwm2m-mcu.js"));');
  const child = spawn(BIN, ['boot.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no ' + ready + ' in 60 s:\n' + out.slice(-2000))), 60_000);
      const on = (d: Buffer) => { out += d.toString('latin1'); if (ready.test(out)) { clearTimeout(t); resolve(); } };
      child.stdout.on('data', on); child.stderr.on('data', on);
    });
    await new Promise((r) => setTimeout(r, 500)); // the last datagrams out
    const c0 = cpuTicks(child.pid!);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    return { cpu: (cpuTicks(child.pid!) - c0) / TICKS, out };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!BIN) {
  console.log('espruino offline CPU: skipped ($ESPRUINO_ESP32 / $ESPRUINO, an Espruino interpreter built for Linux, is not set)');
} else {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  try {
    const base = `lwm2mEndpoint=esp-cpu lwm2mServer=coap://127.0.0.1:${server.port}`;
    const awake = await measure(base, /lwm2m-mcu: registered/);
    const offline = await measure(base + ' lwm2mQueueMode=1 lwm2mQueueTime=1', /queue mode: offline/);
    const pct = (s: number) => (100 * s / SECONDS).toFixed(1) + ' %';
    console.log(`Espruino (${BIN === ESPRUINO_ESP32 ? 'ESPRUINO_ESP32' : 'ESPRUINO'}), process CPU time over ${SECONDS} s of wall time, registered and idle:\n`);
    console.log('| state | CPU s | of a core |');
    console.log('|---|---|---|');
    console.log(`| awake, socket bound (no Queue Mode) | ${awake.cpu.toFixed(2)} | ${pct(awake.cpu)} |`);
    console.log(`| Queue Mode, offline (socket released) | ${offline.cpu.toFixed(2)} | ${pct(offline.cpu)} |`);
    // Offline the interpreter waits for its timer with nothing bound: it must cost less than awake.
    if (!(offline.cpu < awake.cpu)) console.log(`WRONG: offline ${offline.cpu} CPU s, not less than awake ${awake.cpu}`);
  } finally {
    await server.stop();
  }
}
