// hal/moddable as Moddable's tools build it, without the SDK (CI has none): for each platform of the
// manifest (lin: the simulator, esp32), the XS suites of host.ts EXTRA_SUITES bundled the way
// mcconfig and XS resolve the modules (moddable-model.ts) and run under XS on the stand-ins of
// hal/moddable/xs-test/fakes.ts, which refuse what the real modules refuse; and mcconfig's own type
// check, one tsconfig per module with `files: [that module]` and the SDK's typings by specifier.
// test-host/moddable/device.test.ts does the same with the real SDK when $MODDABLE has one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { bundleHalForXs, XsWorker } from './host.js';
import { linkProgram, resolveManifest, PLATFORMS, type Platform } from './moddable-model.js';
import { repoRoot } from '../vectors.js';

const root = repoRoot();

for (const platform of PLATFORMS) {
  let worker: XsWorker | null = null;
  let names: string[] = [];
  let loadError: unknown = null;
  try {
    worker = await XsWorker.load(await bundleHalForXs(platform));
    names = await worker.tests();
  } catch (e) {
    loadError = e;
  }
  if (loadError || !worker) {
    test(`xs ${platform}: hal/moddable builds, links and loads as mcconfig -p ${platform} would`, () => {
      const errors = (loadError as { errors?: { text: string }[] }).errors;
      throw new Error(errors ? errors.map((e) => e.text).join('\n') : String(loadError));
    });
    continue;
  }
  const xs = worker;
  names.forEach((name, i) => {
    test(`xs ${platform}: ${name}`, async () => {
      const r = await xs.runTest(i);
      if (!r.ok) assert.unreachable(r.error || 'failed');
    });
  });
  test(`xs ${platform}: the suites ran (${names.length})`, async () => {
    assert.ok(names.length >= 20, `${names.length} tests`);
    await xs.close();
  });
}

/** @moddable/typings' declaration files by the specifier the SDK's examples/manifest_typings.json
 *  gives them (SDK 8.2.3: $(TYPINGS)/* at the root, embedded_io/… as embedded:io/…, folders as they
 *  are). SDK 8.2.3 also declares embedded:storage/key-value, which @moddable/typings 5.6.0 lacks:
 *  hal/moddable/key-value.d.ts stands in for it. */
function typingsPaths(): Record<string, string[]> {
  const dir = join(root, 'node_modules', '@moddable', 'typings');
  const paths: Record<string, string[]> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.d.ts')) {
        const rel = relative(dir, p).slice(0, -5);
        const spec = rel.replace(/^embedded_io\//, 'embedded:io/').replace(/^embedded_network\//, 'embedded:network/').replace(/^embedded_provider\//, 'embedded:provider/');
        paths[spec] = [p.slice(0, -5)];
      }
    }
  };
  walk(dir);
  paths['embedded:storage/key-value'] = [join(root, 'hal', 'moddable', 'key-value')];
  return paths;
}

/** mcconfig's type check of the TypeScript modules under hal/ (tools/mcmanifest.js TSConfigFile):
 *  a program per module, its only root file the module itself, the modules resolved by specifier. */
function mcconfigTypeCheck(platform: Platform): string[] {
  const r = resolveManifest(platform);
  const link = linkProgram(r);
  const paths = typingsPaths();
  for (const [spec, file] of r.modules) paths[spec] = [file.slice(0, -3)];
  const typings = join(root, 'node_modules', '@moddable', 'typings');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'], strict: true, noEmit: true, resolveJsonModule: true, forceConsistentCasingInFileNames: true,
    types: [join(typings, 'xs'), join(typings, 'global')], paths,
    skipLibCheck: true, // @moddable/typings 5.6.0 against lib es2022; our own .d.ts are checked where they are used
  };
  const host = ts.createCompilerHost(options);
  const cache = new Map<string, ts.SourceFile | undefined>();
  const get = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v, onError, create) => {
    if (!cache.has(f)) cache.set(f, get(f, v, onError, create));
    return cache.get(f);
  };
  const out: string[] = [];
  for (const file of link.specifierOf.keys()) {
    if (!relative(root, file).startsWith('hal')) continue;
    const program = ts.createProgram({ rootNames: [file], options, host });
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const where = d.file ? `${relative(root, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : '';
      out.push(`${where}: error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return [...new Set(out)];
}

// Issue 19: "preloading keeps working". mcconfig matches a wildcard preload ("src/*") against .js modules
// only, so the manifest names src/index (xsl preloads what it imports): every module of src/ the program
// loads is preloaded, on the simulator too (there it used to run at boot: ~5,600 more heap slots).
for (const platform of PLATFORMS) {
  test(`mcconfig -p ${platform}: every module of src/ the device app loads is preloaded (module bodies run by xsl, tables in flash)`, () => {
    const r = resolveManifest(platform);
    const link = linkProgram(r);
    const loaded = [...link.specifierOf.values()].filter((s) => s.startsWith('src/'));
    assert.ok(loaded.length > 40, `${loaded.length} modules of src/`);
    const missing = loaded.filter((s) => !link.preloaded.has(s));
    assert.equal(missing, [], 'not preloaded: ' + missing.join(', '));
  });
}

for (const platform of PLATFORMS) {
  test(`mcconfig -p ${platform} type check: every hal/ module compiles on its own, with only the typings it references`, () => {
    const errors = mcconfigTypeCheck(platform);
    assert.equal(errors, [], errors.join('\n'));
  });
}

test.run();
