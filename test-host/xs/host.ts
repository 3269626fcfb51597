// The Node side of the XS-engine runner: bundles test-host/xs/entry.ts (the harness and every XS
// suite, with the core modules of src/ they import) into one script with esbuild, starts an XS worker
// with @agoric/xsnap, injects the test vectors, evaluates the bundle, and talks to harness.ts through
// xsnap's command channel. Every command returns xsnap's meter: `compute` (XS's instruction meter)
// and `currentHeapCount` (heap slots in use).
//
// @agoric/xsnap wants @endo/init (SES lockdown) loaded first, and lockdown hardens the whole Node
// process: call startXs() only in a process of its own (xs.test.ts and bench/xs.bench.ts are).
import { build, type Plugin } from 'esbuild';
import { spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../vectors.js';
import { linkProgram, resolveManifest, RUNTIME_ONLY, type Platform } from './moddable-model.js';

export interface XsMeter {
  /** XS's compute meter for the last command (instructions, roughly). */
  compute: number;
  /** Heap slots in use after the command. */
  heapCount: number;
}

export interface XsReply { text: string; meter: XsMeter }

/** Suites outside test-host (not compiled by the root tsconfig, so entry.ts cannot import them):
 *  hal/moddable under XS, on stand-ins for Moddable's modules, bundled once per Moddable platform by
 *  bundleHalForXs (test-host/xs/moddable.test.ts). Adding one is one line here. */
export const EXTRA_SUITES: readonly string[] = ['hal/moddable/xs-test/main.smoke.ts', 'hal/moddable/xs-test/hal.suite.ts'];

/** Moddable module specifiers → the stand-in of hal/moddable/xs-test/fakes.ts that replaces them in
 *  XS bundles (xsnap has the XS engine, not Moddable's runtime). */
const MODDABLE_FAKES: Record<string, [fake: string, exportAs: string]> = {
  'embedded:io/socket/udp': ['FakeUDP', 'default'],
  'timer': ['FakeTimer', 'default'],
  'time': ['FakeTime', 'default'],
  'net': ['FakeNet', 'default'],
  'rng': ['FakeRNG', 'default'],
  'crypt': ['FakeBlockCipher', 'BlockCipher'],
  'embedded:storage/key-value': ['FakeKeyValue', 'default'],
  'preference': ['FakePreference', 'default'],
  'file': ['FakeFile', 'File'],
  'instrumentation': ['FakeInstrumentation', 'default'],
  'debug': ['FakeDebug', 'default'],
  'mc/config': ['FakeConfig', 'default'],
  'modules': ['FakeModules', 'default'],
};

/** The stand-ins for Moddable's modules, and for a platform (lin, esp32) what mcconfig and XS do
 *  with manifest.json (moddable-model.ts): a module of the program has its imports resolved against
 *  its module specifier, as XS does, to the file the manifest maps there (so "./storage.js" from
 *  hal/moddable/main is storage-preference.ts on lin); an import the build cannot satisfy, or a bare
 *  Moddable module the platform's manifests do not include, fails the bundle with xsl's or XS's words.
 *  "moddable:entry" is the entry module (creation.main). The preference stand-in is told whether the
 *  manifest preloads it where the SDK keeps it a run-time module (fakes.ts FakePreference). */
function moddableFakes(platform?: Platform): Plugin {
  return {
    name: 'moddable-fakes',
    setup(b) {
      const fakes = join(repoRoot(), 'hal', 'moddable', 'xs-test', 'fakes.ts');
      const manifest = platform ? resolveManifest(platform) : null;
      const link = manifest ? linkProgram(manifest) : null;
      if (link && link.errors.length) b.onStart(() => ({ errors: link.errors.map((text) => ({ text })) }));
      if (manifest && link) {
        b.onResolve({ filter: /^moddable:entry$/ }, () => {
          const f = manifest.modules.get(manifest.main);
          return f ? { path: f } : { errors: [{ text: `ReferenceError: module "${manifest.main}" not found` }] };
        });
        b.onResolve({ filter: /.*/ }, (a) => {
          if (!link.specifierOf.has(a.importer)) return undefined; // a test file or a stand-in
          const r = link.resolved.get(a.importer + '\0' + a.path);
          if (!r) return { errors: [{ text: `module "${a.path}" imported by ${link.specifierOf.get(a.importer)} does not resolve on ${platform}` }] };
          if (r.file) return { path: r.file };
          return MODDABLE_FAKES[r.sdk!] ? { path: r.sdk!, namespace: 'moddable-fake' } : { errors: [{ text: `no stand-in for Moddable's "${r.sdk}" (hal/moddable/xs-test/fakes.ts)` }] };
        });
      }
      const preloadedPreference = !!(link && platform && link.sdkPreloaded.has('preference') && (RUNTIME_ONLY[platform] ?? []).includes('preference'));
      b.onResolve({ filter: /^(embedded:|timer$|time$|net$|rng$|crypt$|preference$|file$|instrumentation$|debug$|mc\/config$|modules$)/ }, (a) =>
        MODDABLE_FAKES[a.path] ? { path: a.path, namespace: 'moddable-fake' } : undefined);
      b.onLoad({ filter: /.*/, namespace: 'moddable-fake' }, (a) => {
        const [fake, as] = MODDABLE_FAKES[a.path];
        // lin's preference: a JavaScript module whose store is created when it loads (preloaded: at
        // build time, read-only); esp32's is native (modPreference.c).
        const flavour = fake === 'FakePreference' && platform ? `${fake}.platform(${JSON.stringify(platform)}, ${preloadedPreference});\n` : '';
        return { contents: `import { ${fake} } from ${JSON.stringify(fakes)};\n${flavour}export { ${fake} as ${as} };`, loader: 'ts', resolveDir: dirname(fakes) };
      });
    },
  };
}

/** hal/moddable's XS suites (EXTRA_SUITES) bundled as the Moddable platform would build them. */
export async function bundleHalForXs(platform: Platform): Promise<string> {
  return bundleForXs(join(repoRoot(), 'test-host', 'xs', 'hal-entry.ts'), EXTRA_SUITES, false, platform);
}

/** Bundles a TypeScript entry (default: test-host/xs/entry.ts) and extra suites for XS: one iife
 *  script, es2022; with a platform, Moddable's module resolution of that platform (moddableFakes). */
export async function bundleForXs(entry?: string, extra: readonly string[] = [], recordPreload = !entry, platform?: Platform): Promise<string> {
  const root = repoRoot();
  const main = entry || join(root, 'test-host', 'xs', 'entry.ts');
  // The test entry (or recordPreload) first evaluates every module of src/ between preload-begin.ts and
  // preload-end.ts, as the device preloads them (harness.ts `preload` then finds module arrays written
  // at run time).
  const preload = !recordPreload ? [] : [join(root, 'test-host', 'xs', 'preload-begin.ts'), ...srcModules(join(root, 'src')), join(root, 'test-host', 'xs', 'preload-end.ts')];
  const files = [...preload, main, ...extra.map((f) => join(root, f))];
  const r = await build({
    stdin: { contents: files.map((f) => `import ${JSON.stringify(f)};`).join('\n'), resolveDir: root, loader: 'ts', sourcefile: 'xs-bundle.ts' },
    bundle: true,
    format: 'iife',
    target: 'es2022',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [moddableFakes(platform)],
  });
  return r.outputFiles[0].text;
}

/** Every .ts module under dir (not .d.ts), sorted; not src/objects/registry/ (one module per registry
 *  object, which an application imports: the manifest's "src/objects/*" leaves that folder out). */
function srcModules(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory() && p === join(repoRoot(), 'src', 'objects', 'registry')) continue;
    if (e.isDirectory()) out.push(...srcModules(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every JSON file of test-host/vectors, by file name, and every boards/<board>/config.json. */
export function vectorStore(): Record<string, unknown> {
  const dir = join(repoRoot(), 'test-host', 'vectors');
  const store: Record<string, unknown> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.json')) store[name] = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  }
  // The boards' client configs, as 'boards/<board>/config.json' (suites size clients from them).
  const boards = join(repoRoot(), 'boards');
  for (const b of readdirSync(boards).sort()) {
    try { store[`boards/${b}/config.json`] = JSON.parse(readFileSync(join(boards, b, 'config.json'), 'utf8')); } catch { /* no config */ }
  }
  return store;
}

/** The vectors as one script that sets globalThis.__lwm2mVectors (what harness.ts vectors() reads). */
export function vectorsScript(): string {
  return 'globalThis.__lwm2mVectors = ' + JSON.stringify(vectorStore()) + ';';
}

/** Makes the XS suites importable under Node too (for differential checks against V8). */
export function injectVectorsHere(): void {
  (globalThis as unknown as { __lwm2mVectors: unknown }).__lwm2mVectors = vectorStore();
}

interface RawMeter { compute: number | null; currentHeapCount: number | null }
interface RawWorker {
  evaluate(code: string): Promise<{ meterUsage: RawMeter }>;
  issueStringCommand(msg: string): Promise<{ reply: string; meterUsage: RawMeter }>;
  close(): Promise<void>;
  terminate(): Promise<void>;
}

function meter(m: RawMeter): XsMeter {
  return { compute: m.compute ?? -1, heapCount: m.currentHeapCount ?? -1 };
}

export class XsWorker {
  private constructor(private readonly w: RawWorker) {}

  /** Starts an XS worker (loading @endo/init first), with `print` going to this process's stdout. */
  static async start(opts: { debugOutput?: boolean } = {}): Promise<XsWorker> {
    await import('@endo/init');
    const { xsnap } = await import('@agoric/xsnap');
    const tmp = await import('tmp');
    const w = await xsnap({
      name: 'lwm2m-xs',
      os: os.type(),
      spawn,
      fs: { ...fs, ...fsp, tmpName: tmp.tmpName },
      stdout: opts.debugOutput ? 'inherit' : 'ignore',
      stderr: 'inherit',
      meteringLimit: 0,
    });
    return new XsWorker(w as RawWorker);
  }

  /** Starts a worker and loads the vectors and the bundle (default: the test entry). */
  static async load(bundle: string, opts: { debugOutput?: boolean } = {}): Promise<XsWorker> {
    const x = await XsWorker.start(opts);
    try {
      await x.evaluate(vectorsScript());
      await x.evaluate(bundle);
    } catch (e) {
      await x.close();
      throw e;
    }
    return x;
  }

  async evaluate(code: string): Promise<XsMeter> {
    const r = await this.w.evaluate(code);
    return meter(r.meterUsage);
  }

  async command(msg: string): Promise<XsReply> {
    const r = await this.w.issueStringCommand(msg);
    return { text: r.reply, meter: meter(r.meterUsage) };
  }

  async json<T>(msg: string): Promise<T> {
    return JSON.parse((await this.command(msg)).text) as T;
  }

  async tests(): Promise<string[]> { return this.json<string[]>('list'); }
  async loops(): Promise<string[]> { return this.json<string[]>('loops'); }
  async scenarios(): Promise<string[]> { return this.json<string[]>('scenarios'); }

  async runTest(i: number): Promise<{ ok: boolean; error?: string }> { return this.json(`run ${i}`); }

  /** Runs a hot loop n times after a gc(); the meter measures the loop. */
  async loop(name: string, n: number): Promise<XsMeter> {
    const r = await this.command(`loop ${name} ${n}`);
    if (r.text !== 'ok') throw new Error(`XS loop ${name}: ${r.text}`);
    return r.meter;
  }

  /** The value the last loop returned. */
  async result(): Promise<number> { return this.json<number>('result'); }

  async scenario(name: string): Promise<{ ok: boolean; result?: unknown; error?: string }> {
    return this.json(`scenario ${name}`);
  }

  /** Footprint: the heap's slot count with nothing held (after gc), then with what probe <name>
   *  built from arg held (after gc); the difference is what that object keeps alive. Also returns
   *  the probe's report. */
  async footprint<R>(name: string, arg: string): Promise<{ slots: number; report: R }> {
    const base = await this.command('release');
    const held = await this.command(`probe ${name} ${arg}`);
    if (held.text !== 'ok') throw new Error(`XS probe ${name}: ${held.text}`);
    const report = await this.json<R>('probed');
    await this.command('release');
    return { slots: held.meter.heapCount - base.meter.heapCount, report };
  }

  async close(): Promise<void> {
    try { await this.w.close(); } catch { /* the worker may already be gone */ }
    try { await this.w.terminate(); } catch { /* already terminated */ }
  }
}
