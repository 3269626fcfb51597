// The test command's runner: every compiled `*.test.js` under build/test-host runs as a process of
// its own (uvu files run themselves), two at a time, each with a time limit so that nothing hangs
// CI. It adds up uvu's summaries and ends with the one line CI reads: `N passed, N failed, N skipped`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..');
const FILE_TIMEOUT_MS = 240_000;
// The device tests build an app with the Moddable SDK and run it in mcsim (device: two flows; sim:
// three runs of `make sim`; user-app: a user's app outside the repository): they get longer; so does
// espruino-build's, which builds three apps and measures one under $ESPRUINO_ESP32.
// device.test.ts builds the app six times (two flows, restarts): ~2.5 min each at a load average of 20–30 on 2 cores.
const fileTimeout = (file: string): number => (/moddable[\\/]device\.test\.js$/.test(file) ? 1_800_000 : /moddable[\\/]sleep\.test\.js$/.test(file) ? 1_200_000 : /moddable[\\/](sim|user-app|app-memory)\.test\.js$/.test(file) ? 900_000 : /espruino[\\/]user-build\.test\.js$/.test(file) ? 480_000 : FILE_TIMEOUT_MS);
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;

function collect(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.js') && (!filter || filter.test(p))) out.push(p);
  }
  return out;
}

interface Result { file: string; passed: number; failed: number; skipped: number; output: string; ms: number }

function runFile(file: string): Promise<Result> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', file], {
      env: { ...process.env, NODE_DISABLE_COLORS: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const limit = fileTimeout(file);
    const timer = setTimeout(() => { output += `\n[runner] killed after ${limit} ms\n`; child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 5000); }, limit);
    child.on('close', (code) => {
      clearTimeout(timer);
      const total = /Total:\s+(\d+)/.exec(output);
      const passed = /Passed:\s+(\d+)/.exec(output);
      const skipped = /Skipped:\s+(\d+)/.exec(output);
      let p = passed ? +passed[1] : 0;
      const s = skipped ? +skipped[1] : 0;
      let f = total ? +total[1] - p - s : 0;
      if (f < 0) f = 0;
      // A file that crashed, timed out or exited non-zero without reporting a failure counts as one.
      if ((code !== 0 || !total) && f === 0) f = 1;
      resolve({ file, passed: p, failed: f, skipped: s, output, ms: Date.now() - t0 });
    });
  });
}

async function main(): Promise<void> {
  const files = collect(root, []);
  const queue = files.slice();
  const results: Result[] = [];
  const workers: Promise<void>[] = [];
  for (let w = 0; w < 2; w++) {
    workers.push((async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const r = await runFile(f);
        results.push(r);
        const name = relative(root, r.file);
        console.log(`${r.failed ? 'FAIL' : 'ok  '} ${name}  (${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}; ${(r.ms / 1000).toFixed(1)} s)`);
        if (r.failed || process.env.VERBOSE) console.log(r.output.replace(/^/gm, '    | '));
      }
    })());
  }
  await Promise.all(workers);
  let p = 0, f = 0, s = 0;
  for (const r of results) { p += r.passed; f += r.failed; s += r.skipped; }
  if (files.length === 0) f = 1;
  console.log(`${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
  process.exitCode = f ? 1 : 0;
}

main();
