// `lwm2m-mcu mcconfig [mcconfig arguments…]`: builds a Moddable app that includes the library
// manifest (manifest_lwm2m.json) by a path variable, after checking what mcconfig would otherwise
// report as a long stack or a missing-manifest error: $MODDABLE set and its tools built, each
// $(VAR)/manifest_lwm2m.json the app's manifest includes with VAR set to a folder holding it, and
// tsc reachable (mcconfig compiles the .ts modules with it). Each problem is one line, exit 1.
// The make target: `make moddable-app APP=examples/moddable-sensor ARGS="-m -p lin"`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK_VARS = new Set(['MODDABLE', 'BUILD', 'MODULES', 'COMMODETTO', 'PIU', 'TOOLS']);
const HOST = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';

/** What is wrong with building this app here, as one line, or null. */
export function moddableBuildProblem(args: string[], cwd: string, env: NodeJS.ProcessEnv): string | null {
  const m = env.MODDABLE;
  if (!m) return 'MODDABLE is not set: export MODDABLE=/path/to/moddable (the Moddable SDK, its tools built: see docs/getting-started-moddable.md)';
  const mcconfig = join(m, 'build', 'bin', HOST, 'release', 'mcconfig');
  if (!existsSync(mcconfig)) return `MODDABLE=${m}: no ${mcconfig} (build the SDK's tools: cd $MODDABLE/build/makefiles/${HOST} && make)`;
  const given = args.find((a) => a.endsWith('.json'));
  const manifest = resolve(cwd, given ?? 'manifest.json');
  if (!existsSync(manifest)) return `no ${manifest}: run in the app's folder or give its manifest.json`;
  let text: string;
  try { text = readFileSync(manifest, 'utf8'); JSON.parse(text); } catch (e) { return `${manifest}: not JSON (${(e as Error).message})`; }
  const uses = [...text.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)\/manifest_lwm2m\.json/g)].map((x) => x[1]).filter((v) => !SDK_VARS.has(v));
  if (uses.length === 0 && !/manifest_lwm2m\.json/.test(text)) return `${manifest} does not include lwm2m-mcu: add "$(LWM2M_MCU)/manifest_lwm2m.json" to its "include" and export LWM2M_MCU=/path/to/lwm2m-mcu`;
  for (const v of new Set(uses)) {
    const dir = env[v];
    if (!dir) return `${v} is not set: export ${v}=/path/to/lwm2m-mcu (the folder of manifest_lwm2m.json, which ${manifest} includes as $(${v}))`;
    if (!existsSync(join(dir, 'manifest_lwm2m.json'))) return `${v}=${dir} has no manifest_lwm2m.json (it must name the lwm2m-mcu folder)`;
  }
  return null;
}

/** tsc for mcconfig: on PATH already, or the one this package finds (its own, or a peer). */
function tscDir(env: NodeJS.ProcessEnv): string | null {
  for (const d of (env.PATH ?? '').split(delimiter)) if (d && existsSync(join(d, 'tsc'))) return d;
  let d = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++, d = dirname(d)) if (existsSync(join(d, 'node_modules', '.bin', 'tsc'))) return join(d, 'node_modules', '.bin');
  return null;
}

export function moddableBuildCommand(args: string[]): number {
  if (args[0] === '--help') {
    process.stdout.write('lwm2m-mcu mcconfig [mcconfig arguments…]   (in the app folder)\n  checks $MODDABLE and the path variable of manifest_lwm2m.json, then runs mcconfig, e.g. lwm2m-mcu mcconfig -m -p lin\n');
    return 0;
  }
  const problem = moddableBuildProblem(args, process.cwd(), process.env);
  if (problem) { process.stderr.write(`lwm2m-mcu: ${problem}\n`); return 1; }
  const bin = join(process.env.MODDABLE!, 'build', 'bin', HOST, 'release');
  const t = tscDir(process.env);
  if (!t) { process.stderr.write('lwm2m-mcu: tsc is not found (mcconfig compiles .ts with it): npm install --save-dev typescript\n'); return 1; }
  const env = { ...process.env, PATH: [t, bin, process.env.PATH ?? ''].join(delimiter) };
  const r = spawnSync(join(bin, 'mcconfig'), args, { stdio: 'inherit', env });
  return r.status ?? 1;
}
