// Where the user's Moddable SDK is, and whether it can build and run for the Linux simulator: the
// device test runs only then (CI has no SDK: it counts the test as skipped). Nothing of the SDK is
// part of this project; $MODDABLE is the user's, built as its Getting Started guide says.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { repoRoot } from '../vectors.js';

/** Null when $MODDABLE has its Linux tools built (and xvfb-run is there); else what is missing. */
export function moddableMissing(): string | null {
  const m = process.env.MODDABLE;
  if (!m) return 'MODDABLE is not set';
  const bin = join(m, 'build', 'bin', 'lin', 'release');
  for (const t of ['mcconfig', 'mcsim', 'xsc', 'xsl']) if (!existsSync(join(bin, t))) return `no ${join(bin, t)} (the SDK's Linux tools are not built)`;
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) return 'xvfb-run is missing (Debian xvfb)';
  return null;
}

/** A manifest of its own for a test build: includes the project's manifest.json, puts the
 *  simulator's files (preference's modpreferences.json) in its own folder instead of /tmp/, and
 *  adds `config`. Returns its path; the folder is the build's name. */
export function testManifest(prefix: string, config: Record<string, unknown> = {}): { manifest: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, JSON.stringify({
    include: [join(repoRoot(), 'manifest.json')],
    config: { file: { root: dir + '/' }, ...config },
  }, null, '\t'));
  return { manifest, dir };
}

/** Deletes what mcconfig wrote for the app built from `dir` (its name is the folder's): the object
 *  files and the executable under $MODDABLE/build/{tmp,bin}/lin/mc/<variant>/<name>, for every
 *  variant (release, instrument, debug). A test's build folder has a random name, so each run would
 *  otherwise leave ~25 MB behind in the user's SDK. */
export function removeBuild(dir: string): void {
  const m = process.env.MODDABLE;
  if (!m) return;
  for (const kind of ['tmp', 'bin']) for (const variant of ['release', 'instrument', 'debug']) {
    rmSync(join(m, 'build', kind, 'lin', 'mc', variant, basename(dir)), { recursive: true, force: true });
  }
}

export interface Sim {
  proc: ChildProcess;
  lines: string[];
  /** The end of its stderr (the build's output). */
  errTail(): string;
  /** Resolves with the first line matching re (rejects after ms). */
  line(re: RegExp, ms: number): Promise<string>;
  /** SIGTERM (the app de-registers first); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group sim.sh leads (with `group`). */
  interrupt(): void;
  exited: Promise<number | null>;
}

export interface SimOptions {
  /** More environment (e.g. FRESH=1). */
  env?: Record<string, string>;
  /** Run sim.sh as the leader of a process group of its own, as a shell runs a foreground job:
   *  everything it starts outside mcsim's own session (the output filter, sleep) is in it. */
  group?: boolean;
}

/** scripts/sim.sh (what `make sim` runs) with these settings, building `manifest`. */
export function startSim(manifest: string, settings: string[], o: SimOptions = {}): Sim {
  const proc = spawn('bash', [join(repoRoot(), 'scripts', 'sim.sh'), ...settings], {
    env: { ...process.env, SIM_MANIFEST: manifest, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: o.group === true,
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  proc.stdout!.on('data', (d) => {
    buf += d;
    for (let k = buf.indexOf('\n'); k >= 0; k = buf.indexOf('\n')) {
      const l = buf.slice(0, k); buf = buf.slice(k + 1);
      lines.push(l);
      if (process.env.VERBOSE) process.stdout.write('  sim| ' + l + '\n');
      for (let j = waiters.length - 1; j >= 0; j--) if (waiters[j].re.test(l)) { waiters[j].resolve(l); waiters.splice(j, 1); }
    }
  });
  let err = '';
  proc.stderr!.on('data', (d) => { err += d; if (err.length > 200_000) err = err.slice(-100_000); });
  const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  const line = (re: RegExp, ms: number): Promise<string> => {
    const hit = lines.find((l) => re.test(l));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no line ${re} in ${ms} ms; stdout:\n${lines.join('\n')}\nstderr (end):\n${err.slice(-3000)}`)), ms);
      waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
    });
  };
  const stop = async (): Promise<number | null> => { if (proc.exitCode === null) proc.kill('SIGTERM'); return exited; };
  const interrupt = (): void => {
    if (!o.group) throw new Error('interrupt() needs startSim(…, { group: true })');
    process.kill(-proc.pid!, 'SIGINT');
  };
  process.on('exit', () => { if (proc.exitCode === null) try { proc.kill('SIGTERM'); } catch { /* gone */ } });
  return { proc, lines, errTail: () => err.slice(-4000), line, stop, interrupt, exited };
}
