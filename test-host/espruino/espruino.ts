// The Node side of the Espruino tests: builds bundles with host/espruino-build.ts and runs them under
// a real Espruino interpreter built for Linux — $ESPRUINO (any Linux build), and $ESPRUINO_ESP32 for
// the memory figures (a 32-bit Linux build with the ESP32's 16,383 variables: see README, "Espruino").
// Without them the tests that need them are skipped (uvu's test.skip: they show in the runner's
// `N skipped`). Each run gets a directory of its own (Espruino keeps its Storage in ./espruino.flash).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storePieces } from '../../host/espruino-build.js';

export const ESPRUINO = process.env.ESPRUINO || '';
export const ESPRUINO_ESP32 = process.env.ESPRUINO_ESP32 || '';

/** Shims the XS test harness needs and Espruino lacks (tests only: the device bundle has none). */
export const TEST_PROLOGUE = [
  'global.globalThis = global;',
  'if (!Object.is) Object.is = function (a, b) { return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b; };',
  'var __from = function (a, f) { var n = a.length, r = new this(n); for (var j = 0; j < n; j++) r[j] = f ? f(a[j], j) : a[j]; return r; };',
  'if (!Array.from) Array.from = function (a, f) { return __from.call(Array, a, f); };',
  '[Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array].forEach(function (C) { if (!C.from) C.from = __from; });',
  'var TextEncoder = function () {}; TextEncoder.prototype.encode = function (s) { return E.toUint8Array(s); };',
  'var TextDecoder = function () {}; TextDecoder.prototype.decode = function (b) { return E.toString(b); };',
].join('\n');

/** The driver appended to a test bundle: runs every test and differential check the XS harness has
 *  registered, through its command handler, and prints one line each (@test, @same, then @done);
 *  tests whose names match `skip` are not run. */
export function suiteRunner(skip: RegExp = /$^/): string {
  return `
var SLOW = ${skip};
(function(){
  function cmd(s){ return JSON.parse(E.toString(new Uint8Array(handleCommand(E.toUint8Array(s).buffer)))); }
  var names = cmd('list');
  for (var i = 0; i < names.length; i++) { if (SLOW.test(names[i])) continue; var r = cmd('run ' + i); print('@test ' + JSON.stringify([names[i], r.ok, r.error || ''])); }
  var sames = cmd('sames');
  for (var k = 0; k < sames.length; k++) { var s = cmd('same ' + k); print('@same ' + JSON.stringify([sames[k], s.ok, s.ok ? s.value : s.error])); }
  print('@done ' + names.length + ' ' + sames.length + ' ' + JSON.stringify(process.memory()));
})();
`;
}

export interface EspruinoRun { out: string; code: number | null; dir: string }

/** Runs `scripts` (file name → code) in a fresh directory (or `dir`, e.g. a kept one: its
 *  espruino.flash is the Storage of the run before, a device restarted): each in turn, the last one
 *  with `stdin` written to the REPL (and kept open until `until` matches the output or the time limit). */
export function runEspruino(bin: string, scripts: [string, string][], opts: { timeoutMs?: number; stdin?: string; until?: RegExp; keep?: boolean; dir?: string; onOutput?: (text: string, write: (s: string) => void) => void } = {}): Promise<EspruinoRun> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'lwm2m-espruino-'));
  for (const [name, code] of scripts) writeFileSync(join(dir, name), code);
  const runOne = (k: number, acc: string): Promise<EspruinoRun> => new Promise((resolve) => {
    const last = k === scripts.length - 1;
    const child = spawn(bin, [scripts[k][0]], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const write = (s: string): void => { try { child.stdin.write(s); } catch { /* closed */ } };
    const onData = (d: Buffer): void => {
      out += d.toString('latin1');
      if (last && opts.onOutput) opts.onOutput(out, write);
      if (last && opts.until && opts.until.test(out)) { child.stdin.end(); setTimeout(() => child.kill('SIGKILL'), 1000); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    if (!last || !opts.until) child.stdin.end(opts.stdin ?? '');
    else if (opts.stdin) write(opts.stdin);
    const timer = setTimeout(() => { out += '\n[espruino] killed after time limit\n'; child.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const all = acc + out;
      if (last) resolve({ out: all, code, dir });
      else resolve(runOne(k + 1, all));
    });
  });
  return runOne(0, '').finally(() => { if (!opts.keep) rmSync(dir, { recursive: true, force: true }); }) as Promise<EspruinoRun>;
}

/** Scripts that write `code` into Storage as `name`, one chunk each (run one after another by the
 *  first interpreters of a run, each small enough for a 16,383-variable build to parse): the code
 *  then sits in the emulated flash, as on a device, and `eval(require("Storage").read(name))` runs
 *  it from there. The bytes are the code's UTF-8. */
export function storeScripts(name: string, code: string, chunk = 16_384): [string, string][] {
  return storePieces(name, code, chunk, { eraseFirst: true, failed: () => '@store failed' });
}

/** The lines `@tag rest…` that a bundle printed. */
export function tagged(out: string, tag: string): string[] {
  const re = new RegExp('^@' + tag + ' (.*)$', 'gm');
  const r: string[] = [];
  for (let m = re.exec(out); m; m = re.exec(out)) r.push(m[1].replace(/\r$/, ''));
  return r;
}
