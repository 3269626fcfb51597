// The Espruino build: one ES5 script from the TypeScript of src/ and hal/espruino (or a test entry),
// for an engine that has no ES2015 syntax, no function-declaration hoisting and a small heap.
// `make espruino` runs it (`node build/host/espruino-build.js [--settings "k=v …"] [--out FILE]`);
// the Espruino tests call buildEspruino() with their own entries.
//
// The pipeline, per module of the program that the entry imports:
//  1. tsc (the whole program, so that const enums are inlined across modules) to ES2022 CommonJS;
//  2. private names (#x) become short public names ($a, $b, …: one name per private name of each
//     class that declares one, so that a subclass's #x does not hide its base class's #x), because
//     tsc lowers them to WeakMaps, which Espruino lacks;
//  3. tsc again, ES2022 → ES5 (classes, let/const, arrows, for…of over arrays, spread, ?. and ??),
//     with no helpers of its own (hal/espruino/prelude.js has them once);
//  4. require("./x.js") becomes require(<module number>), the __esModule marker and the
//     `exports.a = void 0` preamble go (variables on a device);
// then the modules go into one array behind a small loader (each factory dropped once it ran),
// esbuild minifies the whole (ES5 in, ES5 out), and a last pass over the ES5 syntax tree (acorn)
// moves function declarations to the top of their bodies (Espruino does not hoist them: tsc's
// `exports.f = f;` and `__extends(C, _super)` run before `function f`) and renames identifiers that
// Espruino cannot use as names (of, let, static). checkEspruinoBundle() is the CI check of the result.
import ts from 'typescript';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { transform } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface EspruinoBuildOptions {
  /** The entry module (a .ts path, absolute or relative to the repository). */
  entry: string;
  /** Globals defined before the modules load (e.g. LWM2M_SETTINGS), as JSON values. */
  globals?: Record<string, unknown>;
  /** Module path → module path (absolute or repo-relative .ts): e.g. the XS harness → the Espruino one. */
  redirects?: Record<string, string>;
  /** Module path (repo-relative) → a rewrite of its TypeScript text before compiling (board trims). */
  sourceTransforms?: Record<string, (text: string) => string>;
  /** Modules (repo-relative) loaded on first use instead of when their importer loads: each import
   *  of one becomes an object of getters, one per name the importer uses (the payload codecs a
   *  board's servers may never ask for: variables only when a server does). */
  lazy?: string[];
  /** Modules whose code may be given back (lazy by that), by group (a one-letter name), with the modules only
   *  they load (releasableSet()): the loader keeps their factories, and the global
   *  LWM2M_RELEASE(group) drops the group's modules loaded so far from its cache (the next use loads
   *  them afresh; no group: every group), so that Espruino frees their variables once nothing else
   *  holds their functions or objects. The caller must hold none. Group b (bootstrap): after
   *  Bootstrap-Finish, when the client holds nothing of the bootstrap code, the codecs built for the
   *  bootstrap server's payloads dropped from the registry first (hal/espruino/index.ts).
   *  Group h (the DTLS handshake): when a transient DtlsWorkspace drops its handshake state
   *  (ClientOptions.transientHandshake). A module that two groups load is released by neither. */
  releasable?: Record<string, string[]>;
  /** Modules left out of this build (lazy by that: a feature its settings leave out, the Storage the code
   *  takes being the board's), with the modules only they import: loading one throws an Error that
   *  names it. */
  omit?: string[];
  /** Also shorten property names (esbuild mangleProps) except those of the engine's built-ins,
   *  Espruino's API, the settings and Config keys (reservedProps()): a property name of more than
   *  4 characters costs Espruino a variable more per object that holds it. The device bundle does;
   *  test bundles, whose transcripts print property names, do not. */
  mangleProps?: boolean;
  /** Minify (default true). */
  minify?: boolean;
  /** Print `@mod <n> <variables in use before> <after> <µs>` around every module's first load
   *  (process.memory(), which collects first): the per-module memory table, and the time the load
   *  took (the modules it loads and their collections included). */
  traceModules?: boolean;
  /** ES5 code placed after the prelude, before the modules (tests: shims for the test harness). */
  prologue?: string;
  /** Code appended after the loader's call of the entry (tests). */
  epilogue?: string;
  /** Bare specifiers → module file (repo-relative or absolute .ts): an app's 'lwm2m-mcu'. */
  aliases?: Record<string, string>;
  /** Compile errors of these files (absolute) stop the build: an application's own sources. */
  checkFiles?: (file: string) => boolean;
}

/** A build that cannot give a bundle: one line for the user (espruino-build prints it, exit 1). */
export class EspruinoBuildError extends Error {}

export interface EspruinoBundle {
  code: string;
  /** Module paths (repo-relative), in module-number order (0 is the entry). */
  modules: string[];
  /** Where the modules start in the unminified bundle, for diagnostics. */
  bytes: number;
  /** Of the unminified bundle, the share of the lazy modules' code (loaded on first use only). */
  lazyShare: number;
}

/** Modules Espruino has (require() of its own, ESP32 build): an app may import these. */
export const ESPRUINO_MODULES = ['dgram', 'net', 'http', 'tls', 'crypto', 'fs', 'Storage', 'Flash', 'heatshrink', 'Wifi', 'ESP32', 'NetworkJS', 'neopixel', 'Telnet'];
/** Node's built-in modules that Espruino lacks (an app importing one cannot run there). */
const NODE_ONLY = new Set(builtinModules.filter((m) => !ESPRUINO_MODULES.includes(m)));

/** Identifiers Espruino cannot use as variable names, and what they become. */
const RENAME: Record<string, string> = { of: '$of', let: '$let', static: '$static', yield: '$yield' };

/** Built-ins Espruino lacks (2v29) that the core may use: each one the bundle mentions must be
 *  supplied by hal/espruino/prelude.js. */
export const MISSING_BUILTINS: readonly string[] = [
  'Math.imul', 'Math.clz32', 'Math.trunc', 'Math.log10', 'Math.log2', 'Math.fround', 'Math.sign', 'Math.hypot', 'Math.cbrt',
  'Number.isNaN', 'Number.isInteger', 'Number.isFinite', 'Number.isSafeInteger', 'Number.EPSILON', 'Number.MAX_SAFE_INTEGER',
  'Object.freeze', 'Object.isFrozen', 'Object.is', 'Object.entries', 'Object.values', 'Object.fromEntries',
  'Array.from', 'Array.of', 'Uint8Array.of', 'Uint16Array.of', 'Uint32Array.of', 'Int32Array.of', 'Float64Array.of',
  'Uint8Array.from', 'Uint32Array.from', 'Float64Array.from', 'Array.prototype.slice', 'String.fromCodePoint',
];
/** Globals Espruino lacks: a reference to one must be guarded or supplied by the prelude. */
export const MISSING_GLOBALS: readonly string[] = [
  'RangeError', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'TextEncoder', 'TextDecoder', 'BigInt', 'Proxy', 'Reflect', 'globalThis', 'queueMicrotask',
];
/** Methods Espruino lacks on typed arrays or strings: prelude-supplied where used. */
export const MISSING_METHODS: readonly string[] = ['copyWithin', 'padStart', 'padEnd', 'codePointAt', 'normalize', 'localeCompare'];

function abs(p: string): string { return resolve(REPO, p); }

export async function buildEspruino(opts: EspruinoBuildOptions): Promise<EspruinoBundle> {
  const entry = abs(opts.entry);
  const redirects = new Map<string, string>();
  for (const [from, to] of Object.entries(opts.redirects ?? {})) redirects.set(abs(from), abs(to));

  // 1. The program, to ES2022 CommonJS.
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    removeComments: true, noEmitHelpers: true, importHelpers: false, esModuleInterop: false, types: [], skipLibCheck: true,
    noEmitOnError: false, declaration: false, sourceMap: false, preserveConstEnums: false, useDefineForClassFields: false,
    strict: false, noImplicitAny: false, lib: ['lib.es2022.d.ts'], newLine: ts.NewLineKind.LineFeed,
    ...(entry.endsWith('.js') ? { allowJs: true, checkJs: false, outDir: resolve(REPO, '.espruino-out') } : {}),
  };
  const aliases = new Map(Object.entries(opts.aliases ?? {}).map(([k, v]) => [k, abs(v)]));
  const host = ts.createCompilerHost(options);
  const transforms = new Map(Object.entries(opts.sourceTransforms ?? {}).map(([k, f]) => [abs(k), f]));
  if (transforms.size) {
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, onError, create) => {
      const f = transforms.get(resolve(name));
      if (!f) return getSourceFile(name, lang, onError, create);
      return ts.createSourceFile(name, f(readFileSync(name, 'utf8')), lang);
    };
  }
  const resolved = new Map<string, Map<string, string>>(); // containing file → specifier → file
  host.resolveModuleNames = (names, containing) => names.map((name) => {
    const alias = aliases.get(name);
    const r = alias ? { resolvedFileName: alias } : ts.resolveModuleName(name, containing, options, host).resolvedModule;
    if (!r) return undefined;
    let file = resolve(r.resolvedFileName);
    const red = redirects.get(file);
    if (red) file = red;
    let m = resolved.get(resolve(containing));
    if (!m) resolved.set(resolve(containing), (m = new Map()));
    m.set(name, file);
    const extension = file.endsWith('.d.ts') ? ts.Extension.Dts : file.endsWith('.js') ? ts.Extension.Js : ts.Extension.Ts;
    return { resolvedFileName: file, extension, isExternalLibraryImport: false };
  });
  const program = ts.createProgram(opts.checkFiles ? [entry, join(REPO, 'hal', 'espruino', 'espruino.d.ts')] : [entry], options, host);
  if (opts.checkFiles) {
    const diags = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()]
      .filter((d) => d.category === ts.DiagnosticCategory.Error && d.file && opts.checkFiles!(resolve(d.file.fileName)));
    if (diags.length) {
      const d = diags[0];
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      throw new EspruinoBuildError(`${relative(process.cwd(), d.file!.fileName)}:${line + 1}:${character + 1}: does not compile: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}${diags.length > 1 ? ` (and ${diags.length - 1} more error${diags.length > 2 ? 's' : ''})` : ''}`);
    }
  }
  const out = new Map<string, string>();
  program.emit(undefined, (_name, text, _bom, _err, sources) => {
    if (sources && sources.length === 1) out.set(resolve(sources[0].fileName), text);
  });

  // Module numbers: the entry first, then in the order the program found them.
  const files = program.getSourceFiles().map((f) => resolve(f.fileName)).filter((f) => out.has(f));
  files.sort((a, b) => (a === entry ? -1 : b === entry ? 1 : 0));
  const index = new Map(files.map((f, i) => [f, i]));

  // Whether module `from` imports `to`, directly or not (type-only imports counted: an over-estimate).
  const reachCache = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    let seen = reachCache.get(from);
    if (!seen) {
      seen = new Set();
      const todo = [from];
      while (todo.length) { const f = todo.pop()!; for (const g of resolved.get(f)?.values() ?? []) if (!seen.has(g)) { seen.add(g); todo.push(g); } }
      reachCache.set(from, seen);
    }
    return seen.has(to);
  };
  const groups = Object.entries(opts.releasable ?? {}).map(([g, fs]) => {
    if (!/^[a-z]$/.test(g)) throw new Error('releasable: a group is one lower-case letter, not "' + g + '"');
    return [g, new Set(fs.map(abs))] as [string, Set<string>];
  });
  const releasable = new Set(groups.flatMap(([, fs]) => [...fs]));
  const omit = new Set((opts.omit ?? []).map(abs));
  // Releasable and omitted modules are lazy by that.
  const lazy = new Set([...(opts.lazy ?? []).map(abs), ...releasable, ...omit]);
  // The modules the build keeps: those the entry imports (type-only imports counted) other than
  // through an omitted one.
  const live = new Set<string>();
  for (const todo = [entry]; todo.length;) {
    const f = todo.pop()!;
    if (live.has(f) || omit.has(f)) continue;
    live.add(f);
    for (const g of resolved.get(f)?.values() ?? []) todo.push(g);
  }
  const eager = new Map<string, Set<string>>(); // module → the modules it requires when it loads
  // 2. + 3. + 4. per module.
  const privateNames = new Map<string, string>();
  const factories: string[] = [];
  for (const file of files) {
    if (!live.has(file)) {
      // (Never loaded: an omitted module's factory says so; one only it imports is no factory.)
      factories.push(omit.has(file) ? 'function(){throw new Error(' + JSON.stringify(relative(REPO, file) + ': not in this build') + ')}' : '0');
      continue;
    }
    let js = renamePrivateNames(out.get(file)!, privateNames, file);
    js = ts.transpileModule(js, {
      compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.None, downlevelIteration: true, noEmitHelpers: true, removeComments: true, newLine: ts.NewLineKind.LineFeed },
      fileName: 'm.js',
    }).outputText;
    js = rewriteRequires(js, file, resolved.get(file) ?? new Map(), index, lazy, eager, (target) => !reaches(target, file));
    factories.push('function(exports,require){' + js + '\n}');
  }
  const released = releasableGroups(files[0], eager, lazy, groups, releasable);
  let lazyBytes = 0;
  files.forEach((f, i) => { if (lazy.has(f) || !live.has(f)) lazyBytes += factories[i].length; });
  const prelude = readFileSync(join(REPO, 'hal', 'espruino', 'prelude.js'), 'utf8');
  const globals = Object.entries(opts.globals ?? {}).map(([k, v]) => 'var ' + k + '=' + JSON.stringify(v) + ';').join('\n');
  // The loader: module i runs once, on its first require; its factory is dropped afterwards (on
  // Espruino a function costs variables for as long as it is referenced).
  // C[i] is module i's exports object itself (no module record: variables); tsc's CommonJS output
  // never uses `module`.
  const run = opts.traceModules
    ? 'var u=process.memory().usage,t=getTime();f(m,r);t=getTime()-t;print("@mod "+i+" "+u+" "+process.memory().usage+" "+Math.round(t*1e6));'
    : 'f(m,r);';
  // Releasable modules (opts.releasable, releasableGroups()): K lists them as ",number:group"; one of
  // them keeps its factory when it loads and goes into L with its group, which LWM2M_RELEASE(g)
  // empties from C. (The trailing '#': Espruino's own indexOf matches a needle that runs past the
  // end; the prelude fixes indexOf, the loader does not rely on it.)
  const K = ',' + [...released].map(([f, g]) => [index.get(f)!, g] as [number, string]).sort((x, y) => x[0] - y[0]).map(([i, g]) => i + ':' + g).join(',') + ',#';
  const loader = '(function(){var M=[' + factories.join(',\n') + '],C=[],K="' + K + '",L=[];\n' +
    'function r(i){if(typeof i!=="number")return require(i);var m=C[i];if(m)return m;m=C[i]={};var f=M[i],j=K.indexOf(","+i+":");if(j>=0)L.push(i,K.charAt(j+2+(""+i).length));else M[i]=0;' + run + 'return m}\n' +
    'LWM2M_RELEASE=function(g){var n=0,k=0;while(k<L.length)if(!g||L[k+1]===g){C[L[k]]=0;L.splice(k,2);n++}else k+=2;return n};\n' +
    'r(0)})();\n';
  let code = prelude + '\n' + (opts.prologue ?? '') + '\n' + globals + '\n' + loader + (opts.epilogue ?? '');
  const bytes = code.length;
  if (opts.minify !== false) {
    code = (await transform(code, {
      minify: true, target: 'es5', loader: 'js', charset: 'utf8', legalComments: 'none',
      ...(opts.mangleProps ? { mangleProps: /^[A-Za-z_$][\w$]*$/, reserveProps: new RegExp('^(?:' + reservedProps().map((n) => n.replace(/\$/g, '\\$')).join('|') + ')$') } : {}),
    })).code;
  }
  code = hoistAndRename(code);
  if (opts.minify !== false) code = shortLines(code); // (unminified code keeps tsc's lines)
  return { code, modules: files.map((f) => relative(REPO, f)), bytes, lazyShare: lazyBytes / bytes };
}

/** Espruino's API as hal/espruino uses it, the REPL handle `lwm2m`, iterator results. */
const ESPRUINO_PROPS = ['on', 'send', 'bind', 'close', 'createSocket', 'read', 'readJSON', 'write', 'writeJSON', 'erase', 'eraseAll',
  'encrypt', 'decrypt', 'AES', 'SHA256', 'getAddressOf', 'mode', 'hwRand', 'toUint8Array', 'toString', 'memory', 'usage', 'free', 'total', 'address', 'port',
  'size', 'family', 'exports', 'client', 'hal', 'board', 'stop', 'next', 'done', 'value', '__proto__', 'LWM2M_SETTINGS', 'LWM2M_T0', 'lwm2m',
  'getStats', 'totalBytes', 'fileBytes', 'reboot', 'file',
  // What an application commonly uses of Espruino's API: E's, a Pin's, setWatch's options and event,
  // the serial/I2C/SPI/OneWire objects' (a mangled name would miss the native one).
  'getTemperature', 'getAnalogVRef', 'getBattery', 'kickWatchdog', 'enableWatchdog', 'setTimeZone', 'getSizeOf',
  'repeat', 'edge', 'debounce', 'irq', 'state', 'time', 'lastTime', 'pin', 'data',
  'set', 'reset', 'toggle', 'getMode', 'getInfo', 'setup', 'writeTo', 'readFrom', 'search', 'select', 'baud', 'scl', 'sda', 'sck', 'miso', 'mosi', 'rx', 'tx'];

/** Property names a minifier must leave alone: every own property of the engine's globals and their
 *  prototypes (taken from V8: a superset of Espruino's), Espruino's API, and the keys read from
 *  outside the bundle (settings, lwm2m.json, Config). */
export function reservedProps(): string[] {
  const out = new Set<string>(ESPRUINO_PROPS);
  const add = (o: unknown): void => { if (o && (typeof o === 'object' || typeof o === 'function')) for (const k of Object.getOwnPropertyNames(o)) out.add(k); };
  for (const k of Object.getOwnPropertyNames(globalThis)) {
    out.add(k);
    const v = Object.getOwnPropertyDescriptor(globalThis, k)?.value; // (no getters: some warn)
    add(v); if (typeof v === 'function') add((v as { prototype?: unknown }).prototype);
  }
  add(Object.getPrototypeOf(Uint8Array)); add(Object.getPrototypeOf(Uint8Array.prototype));
  const config = readFileSync(join(REPO, 'src', 'config.ts'), 'utf8');
  const body = /export interface Config \{([\s\S]*?)\n\}/.exec(config);
  if (body) for (const m of body[1].matchAll(/^\s*(?:readonly\s+)?(\w+)\??:/gm)) out.add(m[1]);
  for (const k of SETTINGS_KEYS) out.add(k);
  return [...out].filter((k) => /^[A-Za-z_$][\w$]*$/.test(k)).sort();
}

/** #name → a short public name, one per private name of each class that declares it: a subclass's
 *  #x and its base class's #x are two properties (the same short name for both made a subclass's
 *  field hide its base's method: IpsoSensor's #initial and LwObject's #initial()). */
function renamePrivateNames(js: string, names: Map<string, string>, file: string): string {
  const ast = acorn.parse(js, { ecmaVersion: 2022, sourceType: 'script', allowHashBang: true });
  const edits: [number, number, string][] = [];
  const declares = (cls: any, name: string): boolean => cls.body.body.some((m: any) => m.key && m.key.type === 'PrivateIdentifier' && m.key.name === name);
  walk.fullAncestor(ast, (node: any, _st: any, anc: any[]) => {
    if (node.type !== 'PrivateIdentifier') return;
    let cls: any = null;
    for (let k = anc.length - 2; k >= 0 && cls === null; k--) {
      const a = anc[k];
      if ((a.type === 'ClassDeclaration' || a.type === 'ClassExpression') && declares(a, node.name)) cls = a;
    }
    if (cls === null) throw new Error(relative(REPO, file) + ': #' + node.name + ' outside a class that declares it');
    const key = file + ':' + cls.start + ':' + node.name;
    let short = names.get(key);
    if (!short) { short = '$' + shortName(names.size); names.set(key, short); }
    edits.push([node.start, node.end, short]);
  }, privateWalkBase());
  return applyEdits(js, edits);
}

/** acorn-walk's base does not visit PrivateIdentifier keys by default: add them. */
function privateWalkBase(): any {
  const base: any = { ...walk.base };
  base.PrivateIdentifier = () => {};
  base.PropertyDefinition = (node: any, st: any, c: any) => { c(node.key, st); if (node.value) c(node.value, st, 'Expression'); };
  base.MethodDefinition = (node: any, st: any, c: any) => { c(node.key, st); c(node.value, st, 'Expression'); };
  base.MemberExpression = (node: any, st: any, c: any) => { c(node.object, st, 'Expression'); c(node.property, st); };
  base.BinaryExpression = (node: any, st: any, c: any) => { c(node.left, st); c(node.right, st, 'Expression'); };
  base.Identifier = () => {};
  return base;
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
function shortName(i: number): string {
  let s = '';
  do { s += ALPHA[i % 52]; i = Math.floor(i / 52); } while (i > 0);
  return s;
}

function applyEdits(src: string, edits: [number, number, string][]): string {
  edits.sort((a, b) => a[0] - b[0]);
  let out = '', at = 0;
  for (const [s, e, t] of edits) { if (s < at) continue; out += src.slice(at, s) + t; at = e; }
  return out + src.slice(at);
}

/** require("./x.js") → require(n); drops the __esModule marker and `exports.a = … = void 0;`. */
/** The modules that may be released, with their group: those a group's releasable modules load
 *  (eagerly, transitively) and no other module does — neither the entry's nor another lazy module's
 *  nor another group's — so only the group's first use ever loads them, and after a release nothing
 *  but a reload holds them. */
function releasableGroups(entry: string, eager: Map<string, Set<string>>, lazy: Set<string>, groups: [string, Set<string>][], all: Set<string>): Map<string, string> {
  const reach = (roots: string[]): Set<string> => {
    const seen = new Set<string>(), todo = [...roots];
    while (todo.length) { const f = todo.pop()!; if (seen.has(f)) continue; seen.add(f); for (const g of eager.get(f) ?? []) todo.push(g); }
    return seen;
  };
  const kept = reach([entry, ...[...lazy].filter((f) => !all.has(f))]);
  const out = new Map<string, string>(), twice = new Set<string>();
  for (const [g, fs] of groups) {
    for (const f of reach([...fs])) {
      if (kept.has(f)) continue;
      if (out.has(f) && out.get(f) !== g) twice.add(f);
      out.set(f, g);
    }
  }
  for (const f of twice) out.delete(f);
  return out;
}

function rewriteRequires(js: string, file: string, specs: Map<string, string>, index: Map<string, number>, lazy: Set<string>, eager: Map<string, Set<string>>,
  loadedFirst: (target: string) => boolean): string {
  const ast: any = acorn.parse(js, { ecmaVersion: 5, sourceType: 'script' });
  const edits: [number, number, string][] = [];
  // The module variables (x_1 = require("./x.js")): those whose module has run to its end before
  // this one goes on (not lazy, not in an import cycle with this one), and those of lazy modules.
  const complete = new Set<string>();
  const lazyVars = new Map<string, { call: any; n: number; names: Set<string>; decl: any; stmt: any; uses: any[]; whole: boolean }>();
  for (const st of ast.body) {
    if (st.type !== 'VariableDeclaration') continue;
    for (const d of st.declarations) {
      const c = d.init;
      if (d.id.type !== 'Identifier' || !c || c.type !== 'CallExpression' || c.callee.name !== 'require' || c.arguments.length !== 1 || c.arguments[0].type !== 'Literal') continue;
      const target = specs.get(String(c.arguments[0].value));
      if (target === undefined) continue;
      if (lazy.has(target)) lazyVars.set(d.id.name, { call: c, n: index.get(target)!, names: new Set(), decl: d, stmt: st, uses: [], whole: false });
      else if (loadedFirst(target)) complete.add(d.id.name);
    }
  }
  if (lazyVars.size) {
    walk.fullAncestor(ast, (node: any, _s: any, anc: any[]) => {
      if (node.type !== 'Identifier') return;
      const v = lazyVars.get(node.name);
      if (!v) return;
      const parent = anc[anc.length - 2];
      if (parent === v.decl) return;
      if (parent && parent.type === 'MemberExpression' && parent.object === node) {
        if (parent.computed) throw new Error(relative(REPO, file) + ': a lazy module is used with a computed property');
        v.names.add(parent.property.name); v.uses.push(parent);
      } else if (!(parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed) || (parent.type === 'Property' && parent.key === node)))) v.whole = true;
    });
    for (const v of lazyVars.values()) {
      if (v.whole || v.stmt.declarations.length !== 1) {
        // The module object itself is used: an object of getters, one per name the importer uses.
        edits.push([v.call.start, v.call.end, '{' + [...v.names].map((k) => 'get ' + k + '(){return require(' + v.n + ').' + k + '}').join(',') + '}']);
      } else {
        // Only its members: each use asks the loader (loaded on the first, cached after), and the
        // importer keeps no object of getters (on Espruino each getter costs variables).
        edits.push([v.stmt.start, v.stmt.end, '']);
        // (In parentheses: `new x_1.C()` must not become `new require(n).C()`.)
        for (const m of v.uses) edits.push([m.start, m.end, '(require(' + v.n + ').' + m.property.name + ')']);
      }
    }
  }
  for (const st of ast.body) {
    if (st.type !== 'ExpressionStatement') continue;
    const e = st.expression;
    const text = js.slice(st.start, st.end);
    if (e.type === 'CallExpression' && /^Object\.defineProperty\(exports, "__esModule"/.test(text)) edits.push([st.start, st.end, '']);
    else if (e.type === 'AssignmentExpression' && /^exports\.[\w$]+ = [^;]*void 0;?$/.test(text.replace(/\s+/g, ' '))) {
      let x = e; while (x.type === 'AssignmentExpression') x = x.right;
      if (x.type === 'UnaryExpression' && x.operator === 'void') edits.push([st.start, st.end, '']);
    }
  }
  walk.simple(ast, {
    CallExpression(n: any) {
      // Object.defineProperty(o, "name", d) (tsc's ES5 getters and re-exports) →
      // Object.defineProperties(o, { name: d }): the name is then a key a property mangler renames
      // like every other use of it, not a string it must leave alone.
      const c = n.callee;
      if (c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.object.name === 'Object' && c.property.name === 'defineProperty'
        && n.arguments.length === 3 && n.arguments[1].type === 'Literal' && typeof n.arguments[1].value === 'string' && /^[A-Za-z_$][\w$]*$/.test(n.arguments[1].value)) {
        const [o, k, d] = n.arguments;
        // A re-export (tsc: a getter returning x_1.name) of a module that has run already: a plain
        // property (the value cannot change any more; a getter costs Espruino a function).
        const g = o.type === 'Identifier' && o.name === 'exports' && d.type === 'ObjectExpression'
          ? d.properties.find((q: any) => q.key.type === 'Identifier' && q.key.name === 'get') : undefined;
        const ret = g && g.value.type === 'FunctionExpression' && g.value.params.length === 0 && g.value.body.body.length === 1 && g.value.body.body[0].type === 'ReturnStatement'
          ? g.value.body.body[0].argument : null;
        if (ret && ret.type === 'MemberExpression' && !ret.computed && ret.object.type === 'Identifier' && complete.has(ret.object.name)) {
          edits.push([n.start, n.end, 'exports.' + k.value + ' = ' + ret.object.name + '.' + ret.property.name]);
          return;
        }
        edits.push([c.property.start, c.property.end, 'defineProperties']);
        edits.push([k.start, d.start, '{' + k.value + ': ']);
        edits.push([d.end, d.end, '}']);
        return;
      }
      if (n.callee.type === 'Identifier' && n.callee.name === 'require' && n.arguments.length === 1 && n.arguments[0].type === 'Literal') {
        const spec = String(n.arguments[0].value);
        if (!spec.startsWith('.') && !specs.has(spec)) { // an Espruino module: dgram, Storage, crypto
          if (NODE_ONLY.has(spec.replace(/^node:/, '')) || spec.startsWith('node:')) throw new EspruinoBuildError(relative(process.cwd(), file) + ': imports the Node module "' + spec + '", which Espruino does not have (Espruino has ' + ESPRUINO_MODULES.join(', ') + ')');
          return;
        }
        if ([...lazyVars.values()].some((v) => v.call === n)) return;
        const target = specs.get(spec);
        const i = target === undefined ? undefined : index.get(target);
        if (i === undefined) throw new Error(relative(REPO, file) + ': require("' + spec + '") is not a module of the bundle');
        edits.push([n.arguments[0].start, n.arguments[0].end, String(i)]);
        let deps = eager.get(file);
        if (!deps) eager.set(file, (deps = new Set()));
        deps.add(target!);
      }
    },
  });
  return applyEdits(js, edits);
}

/** The minified text in lines of about `max` characters (a line break between two tokens where it
 *  changes nothing: not after return/throw/break/continue, not before ++/--). Espruino's error
 *  objects carry a stack trace whose marker line is as many spaces as the column the error was
 *  made at: in a one-line bundle of 250 KB that string took ~24,000 variables, and any Error made
 *  by the app or the library (a value refused, a callback that threw) ran a 16,383-variable board
 *  out of memory. */
export function shortLines(code: string, max = 100): string {
  const restricted = new Set(['return', 'throw', 'break', 'continue']);
  let out = '', at = 0, col = 0, prev: acorn.Token | null = null;
  for (const tok of acorn.tokenizer(code, { ecmaVersion: 5 })) {
    const gap = code.slice(at, tok.start), text = code.slice(tok.start, tok.end);
    const k = gap.lastIndexOf('\n');
    col = k >= 0 ? gap.length - k - 1 : col + gap.length;
    const mayBreak = prev !== null && k < 0 && col + text.length > max && !(prev.type.keyword !== undefined && restricted.has(prev.type.keyword))
      && tok.type !== acorn.tokTypes.incDec;
    if (mayBreak) { out += gap + '\n'; col = 0; } else out += gap;
    out += text;
    const m = text.lastIndexOf('\n');
    col = m >= 0 ? text.length - m - 1 : col + text.length;
    at = tok.end;
    prev = tok;
  }
  return out + code.slice(at);
}

/** The last pass on the ES5 text: function declarations first in every body, forbidden names renamed. */
export function hoistAndRename(code: string): string {
  const ast: any = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' });
  const bodyOf = new Set<any>();
  const renames: any[] = [];
  walk.fullAncestor(ast, (node: any, _st: any, ancestors: any[]) => {
    if (node.type === 'Program' || ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.body)) {
      bodyOf.add(node.type === 'Program' ? node : node.body);
    }
    if (node.type === 'Identifier' && RENAME[node.name] !== undefined) {
      const parent = ancestors[ancestors.length - 2];
      const isProp = parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed)
        || (parent.type === 'Property' && parent.key === node && !parent.computed));
      if (!isProp) renames.push(node);
    }
  });
  // Render with replacements: a body with its declarations moved, an identifier renamed.
  const regions: { start: number; end: number; node: any; kind: 'body' | 'name' }[] = [];
  for (const b of bodyOf) regions.push({ start: b.start, end: b.end, node: b, kind: 'body' });
  for (const n of renames) regions.push({ start: n.start, end: n.end, node: n, kind: 'name' });
  regions.sort((a, b) => a.start - b.start || b.end - a.end);
  // A tree of regions by containment.
  type R = (typeof regions)[number] & { kids: R[] };
  const root: R = { start: 0, end: code.length, node: null, kind: 'body', kids: [] };
  const stack: R[] = [root];
  for (const r0 of regions) {
    const r = r0 as R; r.kids = [];
    if (r.node === ast) { root.node = ast; continue; }
    while (stack.length > 1 && stack[stack.length - 1].end <= r.start) stack.pop();
    stack[stack.length - 1].kids.push(r);
    stack.push(r);
  }
  const render = (s: number, e: number, kids: R[]): string => {
    let out = '', at = s;
    for (const k of kids) {
      if (k.start < s || k.end > e) continue;
      out += code.slice(at, k.start) + renderRegion(k);
      at = k.end;
    }
    return out + code.slice(at, e);
  };
  const renderRegion = (r: R): string => {
    if (r.kind === 'name') return RENAME[r.node.name];
    const stmts: any[] = r.node.body;
    const isProgram = r.node.type === 'Program';
    const open = isProgram ? '' : '{', close = isProgram ? '' : '}';
    const kidsIn = (st: any) => r.kids.filter((k) => k.start >= st.start && k.end <= st.end);
    const one = (st: any) => render(st.start, st.end, kidsIn(st));
    const directives = stmts.filter((st) => st.directive !== undefined);
    const decls = stmts.filter((st) => st.type === 'FunctionDeclaration');
    if (decls.length === 0 || stmts.indexOf(decls[decls.length - 1]) === decls.length - 1 + directives.length) {
      return isProgram ? render(r.start, r.end, r.kids) : render(r.start, r.end, r.kids);
    }
    const rest = stmts.filter((st) => st.directive === undefined && st.type !== 'FunctionDeclaration');
    const parts = [...directives.map((st) => one(st)), ...decls.map(one), ...rest.map(one)];
    return open + parts.map((p) => (/[;}]$/.test(p) ? p : p + ';')).join('') + close;
  };
  return renderRegion(root);
}

export interface BundleCheck { errors: string[] }

/** The CI check (no Espruino needed): the bundle parses as ES5, mentions no built-in that Espruino
 *  lacks unless the prelude supplies it, and has no name Espruino cannot use. */
export function checkEspruinoBundle(code: string): BundleCheck {
  const errors: string[] = [];
  let ast: any;
  try { ast = acorn.parse(code, { ecmaVersion: 5, sourceType: 'script' }); } catch (e) { return { errors: ['not ES5: ' + (e as Error).message] }; }
  const prelude = readFileSync(join(REPO, 'hal', 'espruino', 'prelude.js'), 'utf8');
  const supplied = (what: string): boolean => {
    const [obj, prop] = what.split('.');
    if (!prop) return new RegExp('(^|[^.\\w$])' + what + '\\s*=').test(prelude);
    return new RegExp(obj + '(\\.prototype)?\\.' + prop + '\\s*=').test(prelude) || new RegExp('\\.' + prop + '\\s*=').test(prelude);
  };
  const seen = new Set<string>();
  walk.fullAncestor(ast, (node: any, _s: any, anc: any[]) => {
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
      const p = node.property.name;
      if (node.object.type === 'Identifier') {
        const name = node.object.name + '.' + p;
        if (MISSING_BUILTINS.includes(name)) seen.add(name);
      }
      if (node.object.type === 'MemberExpression' && !node.object.computed && node.object.object.type === 'Identifier' && node.object.property.name === 'prototype') {
        const name = node.object.object.name + '.prototype.' + p;
        if (MISSING_BUILTINS.includes(name)) seen.add(name);
      }
      if (MISSING_METHODS.includes(p)) seen.add('.' + p);
    }
    if (node.type === 'Identifier' && MISSING_GLOBALS.includes(node.name)) {
      const parent = anc[anc.length - 2];
      const isProp = parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed) || (parent.type === 'Property' && parent.key === node));
      const guarded = parent && parent.type === 'UnaryExpression' && parent.operator === 'typeof';
      if (!isProp && !guarded) seen.add(node.name);
    }
    if (node.type === 'Identifier' && RENAME[node.name] !== undefined) {
      const parent = anc[anc.length - 2];
      const isProp = parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed) || (parent.type === 'Property' && parent.key === node));
      if (!isProp) errors.push('identifier "' + node.name + '" (Espruino cannot use it as a name) at ' + node.start);
    }
    if (node.type === 'LabeledStatement') errors.push('label "' + node.label.name + '" (Espruino has no labels) at ' + node.start);
  });
  for (const s of seen) {
    const ok = s.startsWith('.') ? new RegExp('\\.' + s.slice(1) + '\\s*=').test(prelude) : supplied(s.replace('.prototype', ''));
    if (!ok) errors.push('uses ' + s + ', which Espruino lacks and hal/espruino/prelude.js does not supply');
  }
  // Function declarations must come first in their bodies (Espruino does not hoist them).
  walk.full(ast, (node: any) => {
    const body = node.type === 'Program' ? node.body : (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') ? node.body.body : null;
    if (!body) return;
    let other = false;
    for (const st of body) {
      if (st.directive !== undefined) continue;
      if (st.type === 'FunctionDeclaration') { if (other) { errors.push('function ' + st.id.name + ' declared after other statements at ' + st.start); break; } }
      else other = true;
    }
  });
  return { errors };
}

/** The settings keys (SETTINGS, lwm2m.json): the Moddable build's, and lwm2mFirmware=1 (object 5, the
 *  Storage firmware store), lwm2mFirmwareVersion (the bundle's version: its first line and /3/0/3),
 *  lwm2mServeAnyPeer=1 (INSECURE development switch: serve requests from any peer), Queue Mode's
 *  (lwm2mQueueMode, lwm2mQueueTime, lwm2mQueueDtls) and the board's sleep (lwm2mSleep). The bundle's
 *  property mangler leaves them alone (an app reads them as properties of settings()). */
export const SETTINGS_KEYS = ['lwm2mEndpoint', 'lwm2mServer', 'lwm2mBootstrap', 'lwm2mPskIdentity', 'lwm2mPskKey', 'lwm2mLocalPort', 'lwm2mBoard', 'lwm2mConfig',
  'lwm2mFirmware', 'lwm2mFirmwareVersion', 'lwm2mServeAnyPeer', 'lwm2mQueueMode', 'lwm2mQueueTime', 'lwm2mQueueDtls', 'lwm2mSleep'];
const NUMERIC_SETTINGS = ['lwm2mLocalPort', 'lwm2mFirmware', 'lwm2mServeAnyPeer', 'lwm2mQueueMode', 'lwm2mQueueTime'];

/** The boot code of a board (its .boot0, or the tests' boot.js): evaluates the bundle in the Storage
 *  slot lwm2m.boot names (hal/espruino/firmware.ts), else lwm2m-mcu.js; straight from flash. */
export const BOOT_CODE = 'eval((function(S){var b=S.readJSON("lwm2m.boot",1);return b&&b.file?S.read(b.file,0,b.length):S.read("lwm2m-mcu.js")})(require("Storage")));';

/** SETTINGS="lwm2mEndpoint=dev1 lwm2mServer=coap://…" → an object (the Moddable build's keys). */
export function parseSettings(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const kv of text.split(/\s+/).filter(Boolean)) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error('SETTINGS: "' + kv + '" is not key=value');
    const k = kv.slice(0, eq), v = kv.slice(eq + 1);
    if (!/^lwm2m[A-Z]\w*$/.test(k)) throw new Error('SETTINGS: unknown key "' + k + '" (lwm2mEndpoint, lwm2mServer, lwm2mBootstrap, lwm2mPskIdentity, lwm2mPskKey, lwm2mLocalPort)');
    out[k] = NUMERIC_SETTINGS.includes(k) ? Number(v) : v;
  }
  return out;
}

/** The board's trim of the generated object definitions (src/objects/defs.generated.ts) for the
 *  Espruino build, where every object, property and string costs variables: only the objects the
 *  board lists (boards/<board>/config.json `objects`), and no `name` strings (the core never reads a
 *  definition's name; the host tools, which do, use the full file), nor a resource's `mandatory:
 *  false` and `multiple: false` (read as falsy). */
export function trimDefs(objects: readonly number[], lwm2m = '1.1'): (text: string) => string {
  return (text) => {
    const keep = new Set(objects);
    // The editions (src/objects/standard.ts editionFor): of each kept object only the one a client
    // registering as `lwm2m` takes, the newest whose LwM2M version is not above it.
    const num = (v: string) => { const [a, b] = v.split('.'); return Number(a) * 1000 + Number(b ?? 0); };
    const chosen = new Map<number, { name: string; v: string; oldest: string; ov: string }>();
    const editions = /Object\.freeze\(\{ def: (OBJ_(\d+)(?:_V\d+_\d+)?), lwm2m: "([\d.]+)" \}\)/g;
    for (let m = editions.exec(text); m !== null; m = editions.exec(text)) {
      const o = Number(m[2]), fits = num(m[3]) <= num(lwm2m);
      if (!keep.has(o)) continue;
      const c = chosen.get(o);
      if (!c) chosen.set(o, { name: fits ? m[1] : '', v: m[3], oldest: m[1], ov: m[3] });
      else if (fits) { c.name = m[1]; c.v = m[3]; }
    }
    const names = new Set([...chosen.values()].map((c) => c.name || c.oldest));
    let out = text.replace(/\/\*\*[^\n]*\*\/\nexport const (OBJ_\d+(?:_V\d+_\d+)?): ObjectDef = freezeObjectDef\(\{[\s\S]*?\n\}\);\n/g, (block, id) => (names.has(id) ? block : ''));
    out = stripDefs(out);
    const picked = objects.filter((o) => chosen.has(o)).map((o) => chosen.get(o)!);
    const list = picked.map((c) => c.name || c.oldest);
    out = out.replace(/(export const REGISTRY_DEFS[^\n]*Object\.freeze\(\[)[^\]]*\]/, (_m, head) => head + list.join(', ') + ']');
    out = out.replace(/(export const REGISTRY_EDITIONS[^\n]*Object\.freeze\(\[)[\s\S]*?\n\]\)/, (_m, head) => head + picked.map((c) => 'Object.freeze({ def: ' + (c.name || c.oldest) + ', lwm2m: "' + (c.name ? c.v : c.ov) + '" })').join(', ') + '])');
    return out;
  };
}

/** Object definitions (defs.generated.ts, a src/objects/registry module) without their `name`
 *  strings and a resource's false flags (see trimDefs). */
export function stripDefs(text: string): string {
  let out = text.replace(/, name: "(?:[^"\\]|\\.)*"/g, '');
  // A resource's `mandatory: false` is the default the core reads as falsy (never compared).
  out = out.replace(/(\{ id: \d+, type: [^}]*?), mandatory: false/g, '$1');
  // Likewise a resource's `multiple: false` (the core tests it for truth only, src/client/dm.ts).
  return out.replace(/(\{ id: \d+, type: [^}]*?), multiple: false/g, '$1');
}

/** The payload formats loaded on first use only (not given back): TLV, plain text and opaque when a
 *  server first reads or writes in them, the CoRE Link Format at the first Register or Discover —
 *  so that a bootstrap server writing SenML CBOR (the LwM2M 1.1 servers' choice) meets a client
 *  that has not loaded them (~700 variables at the bootstrap's peak). */
export const LAZY_FORMATS = ['src/formats/tlv.ts', 'src/formats/text.ts', 'src/formats/opaque.ts', 'src/formats/link.ts'];

/** What the device bundle and an app's bundle give back (releasable: LWM2M_RELEASE(group)). b: after
 *  Bootstrap-Finish, the bootstrap code and the codecs the bootstrap server's payloads loaded (a
 *  bootstrapped board then keeps as many variables free as a factory-configured one); h: the DTLS
 *  handshake's code (the handshake messages, the key schedule, the PRF: ~500 variables) when the
 *  transient workspace drops its state (~4 KB, ~350 variables) at the end of a handshake — a
 *  connected or idle client holds neither (the next handshake loads and makes them again). */
export const RELEASABLE: Record<string, string[]> = {
  b: ['src/formats/senml-json.ts', 'src/formats/senml-cbor.ts', 'src/formats/senml-cbor-dec.ts', 'src/formats/lwm2m-cbor.ts', 'src/client/bootstrap.ts', 'src/objects/consistency.ts', 'src/formats/base64.ts'],
  h: ['src/dtls/hs-state.ts', 'src/dtls/handshake.ts'],
};

/** The device bundle: hal/espruino/main.ts with the board's sizes and the settings baked in. */
export async function buildDeviceBundle(settingsText = '', board = 'espruino-esp32', minify = true, traceModules = false): Promise<EspruinoBundle> {
  const cfg = JSON.parse(readFileSync(join(REPO, 'boards', board, 'config.json'), 'utf8'));
  const settings: Record<string, unknown> = { lwm2mEndpoint: 'lwm2m-mcu-' + board, lwm2mBoard: board, ...parseSettings(settingsText), lwm2mConfig: cfg.config };
  // Object 5 when the settings ask for it (lwm2mFirmware=1) or the board gives it (config.json "firmware").
  if (settings.lwm2mFirmware === undefined && cfg.firmware) settings.lwm2mFirmware = 1;
  const version = String(settings.lwm2mFirmwareVersion ?? '0.1.0');
  if (!/^[\x21-\x7e]{1,32}$/.test(version)) throw new Error('lwm2mFirmwareVersion: 1…32 printable characters');
  settings.lwm2mFirmwareVersion = version;
  // The device app is written on the public API as any app is (its imports from './index.js', the
  // Espruino entry): built the same way. LWM2M_T0: when the bundle started to run (the prelude
  // before it only defines helpers), for the log line at registration ("registered, N ms after start").
  // Firmware Update and Queue Mode are build settings (baked in, not read from lwm2m.json): their
  // code is in the bundle only then (~12 KB and ~15 KB of the Storage the board has).
  const omit = [...(settings.lwm2mFirmware ? [] : ['src/client/firmware.ts', 'hal/espruino/firmware.ts']),
    ...(settings.lwm2mQueueMode ? [] : ['src/client/queue.ts', 'src/client/persist.ts'])];
  const b = await apiBundle(join(REPO, 'hal', 'espruino', 'main.ts'), settings, cfg, { minify, traceModules, prologue: 'var LWM2M_T0=getTime();', firmware: !!settings.lwm2mFirmware, omit });
  // The first line names the version (hal/espruino/firmware.ts reads it: the bundle is also the
  // Firmware Update image of a board with object 5).
  b.code = '// lwm2m-mcu version=' + version + '\n' + b.code;
  return b;
}

/** Variables kept free for running: registering, answering, a DTLS handshake (about 1,000). */
export const RUN_RESERVE = 1000;
/** What constructing a client takes (tables, buffers, DTLS sessions: about 2,900 variables on
 *  espruino-esp32, README "Espruino" memory table), added to an estimate from the code's size. */
export const CLIENT_VARIABLES = 2900;
/** Variables per byte of minified code loaded at start when the bundle is evaluated from Storage:
 *  measured on the device bundle (docs/getting-started-espruino.md memory table: 10,494 variables
 *  after loading a 225 KB bundle whose eager modules are 178 KB, the loader and prelude included) —
 *  functions' code stays in flash, their scopes and the module objects do not. The lazy modules
 *  (Queue Mode and its sleep state, firmware, bootstrap, the SenML/CBOR codecs: loaded on first use)
 *  are not counted: the RUN_RESERVE kept free is for them and for registering. An estimate;
 *  `--measure BIN` runs the bundle in an Espruino for Linux instead. */
export const VARS_PER_BYTE = 0.0588;

export interface AppBuild { code: string; modules: string[]; bytes: number; lazyShare: number; estimate: number; budget: number; pieces: [string, string][] }

/** An app on the public API (a user's, or the board's own hal/espruino/main.ts, which imports
 *  from './index.js'), with the library, the board's sizes and the settings baked in. */
async function apiBundle(file: string, settings: Record<string, unknown>, cfg: { objects: number[] },
  opts: { minify?: boolean; traceModules?: boolean; prologue?: string; firmware?: boolean; omit?: string[] }): Promise<EspruinoBundle> {
  const appDir = dirname(file);
  const used = importedNames(file, ['lwm2m-mcu', './index.js']);
  // Only the ready objects the app imports (and their base classes): each other one would cost
  // its class and its registry definition (tsc then drops the unused definition imports).
  // (Espruino's Object.defineProperties takes no function: the classes' cosmetic names go.)
  const ready = readFileSync(join(REPO, 'src', 'api', 'ready.ts'), 'utf8').split("Object.defineProperty(C, 'name', { value: name });").join('');
  const readyText = used ? shakeModule(ready, used) : ready;
  // The core's objects (0…4, and 5 with firmware) and the registry objects the kept ready classes
  // use: the definitions in src/objects/defs.generated.ts the app needs (the board's own list names
  // the device app's objects, 3303 among them, which an app may not use).
  const objects = [...new Set([...cfg.objects.filter((o: number) => o <= 4), ...(opts.firmware ? [5] : []), ...[...readyText.matchAll(/\bOBJ_(\d+)\b/g)].map((m) => Number(m[1]))])];
  return buildEspruino({
    entry: file, globals: { LWM2M_SETTINGS: settings }, traceModules: opts.traceModules, minify: opts.minify, aliases: { 'lwm2m-mcu': 'hal/espruino/index.ts' },
    // tsc's helper for `export *` (hal/espruino/index.ts re-exports the API): the modules are
    // loaded before it runs, so copying the values is enough.
    prologue: (opts.prologue ?? '') + 'var __exportStar=function(m,e){for(var p in m)if(p!=="default"&&!Object.prototype.hasOwnProperty.call(e,p))e[p]=m[p];};',
    checkFiles: (f) => !f.startsWith(REPO + '/') || f.startsWith(appDir + '/'),
    sourceTransforms: {
      'src/objects/defs.generated.ts': trimDefs(objects),
      // Espruino's global object is `global` (no globalThis).
      'src/api/client.ts': (t) => t.replace(/\bglobalThis\b/g, 'global'),
      'src/api/errors.ts': errorsWithoutStack,
      'src/api/ready.ts': () => readyText,
      // The registry modules' definitions trimmed as the core's (no names, no false flags).
      ...Object.fromEntries(readdirSync(join(REPO, 'src', 'objects', 'registry')).filter((f) => /^\d+\.ts$/.test(f)).map((f) => ['src/objects/registry/' + f, stripDefs])),
      // The public entry re-exports only what the app imports (each export costs a property).
      'src/index.ts': (t: string) => (used ? keepExports(t, used) : t),
    },
    // Loaded on first use only: Firmware Update (object 5, and its Storage store) when the board
    // has it; bootstrap (the Bootstrap-Server interface, Bootstrap-Finish's consistency check,
    // smartcard provisioning) when the client bootstraps; base64 for an opaque value in plain text;
    // the portable AES (src/crypto/aes.ts, its tables built at load) if something constructs one
    // (the platform gives every DTLS session Espruino's native AES, hal/espruino/aes.ts); Queue Mode
    // (src/client/queue.ts, and its deep-sleep state src/client/persist.ts) with queueMode; DTLS
    // with a coaps:// account; its handshake while one runs (RELEASABLE); the formats of LAZY_FORMATS.
    lazy: ['src/client/firmware.ts', 'hal/espruino/firmware.ts', 'src/client/queue.ts', 'src/client/persist.ts', 'src/dtls/session.ts', 'hal/espruino/aes.ts', ...LAZY_FORMATS],
    releasable: RELEASABLE,
    // The portable AES: the Espruino platform gives every DTLS session the native one.
    omit: ['src/crypto/aes.ts', ...(opts.omit ?? [])],
    mangleProps: true,
  });
}

/** An application's bundle: APP (.ts or .js) with the library (its 'lwm2m-mcu' is hal/espruino/index.ts),
 *  the board's sizes and the settings baked in (LWM2M_SETTINGS), the code split into Storage pieces. */
export async function buildUserApp(app: string, settingsText = '', board = 'espruino-esp32', traceModules = false): Promise<AppBuild> {
  const file = resolve(app);
  if (!existsSync(file)) throw new EspruinoBuildError(app + ': no such file');
  if (!/\.(ts|js)$/.test(file)) throw new EspruinoBuildError(app + ': give the application\'s .ts or .js file');
  const cfg = JSON.parse(readFileSync(join(REPO, 'boards', board, 'config.json'), 'utf8'));
  const settings: Record<string, unknown> = { lwm2mBoard: board, ...parseSettings(settingsText), lwm2mConfig: cfg.config };
  const b = await apiBundle(file, settings, cfg, { traceModules });
  const code = '// lwm2m-mcu app ' + relative(process.cwd(), file) + '\n' + b.code;
  const check = checkEspruinoBundle(code);
  if (check.errors.length) throw new EspruinoBuildError('the bundle fails the ES5 check: ' + check.errors[0]);
  const bytes = Buffer.byteLength(code, 'utf8');
  const estimate = Math.ceil(bytes * (1 - b.lazyShare) * VARS_PER_BYTE) + CLIENT_VARIABLES;
  const budget = (cfg.variables ?? 16383) - RUN_RESERVE;
  return { code, modules: b.modules, bytes, lazyShare: b.lazyShare, estimate, budget, pieces: storePieces('lwm2m-mcu.js', code) };
}

/** src/api/errors.ts for Espruino: Lwm2mError an object whose prototype's prototype is
 *  Error.prototype (instanceof Error holds, message and name as before) made without calling Error,
 *  whose stack trace Espruino builds when the code runs from a Storage file of more than ~150 KB
 *  (an app's bundle: 250 KB) in more variables than a 16,383-variable board has free: every error
 *  the library handed to onError (a value refused, a callback that threw) ran it out of memory. */
export function errorsWithoutStack(text: string): string {
  const edits: [string, string][] = [
    ['export class Lwm2mError extends Error {', 'export class Lwm2mError {\n  readonly message: string;\n  readonly name: string;'],
    ['override readonly cause?: unknown;', 'readonly cause?: unknown;'],
    ["super(path ? path + ': ' + message : message);", "this.message = path ? path + ': ' + message : message;"],
  ];
  for (const [a, b] of edits) {
    if (!text.includes(a)) throw new Error('src/api/errors.ts: the Espruino build expected "' + a + '" (host/espruino-build.ts errorsWithoutStack)');
    text = text.replace(a, b);
  }
  return text + '\n(Lwm2mError.prototype as unknown as { __proto__: unknown }).__proto__ = Error.prototype;\n';
}

/** The module's `export { a, b } from '…'` lists without the value names not in `keep` (a list
 *  left empty goes; type-only exports stay: they cost nothing). */
export function keepExports(text: string, keep: Set<string>): string {
  const sf = ts.createSourceFile('m.ts', text, ts.ScriptTarget.ES2022, true);
  const edits: [number, number, string][] = [];
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || st.isTypeOnly || !st.exportClause || !ts.isNamedExports(st.exportClause) || !st.moduleSpecifier) continue;
    const kept = st.exportClause.elements.filter((e) => e.isTypeOnly || keep.has(e.name.text));
    if (kept.length === st.exportClause.elements.length) continue;
    edits.push([st.getStart(sf), st.getEnd(), kept.length ? 'export { ' + kept.map((e) => e.getText(sf)).join(', ') + ' } from ' + st.moduleSpecifier.getText(sf) + ';' : '']);
  }
  return applyEdits(text, edits);
}

/** The names an app imports from 'lwm2m-mcu' (null: it imports the whole namespace): in its entry
 *  and in the app's own modules the entry reaches by relative imports (a module written by
 *  `lwm2m-mcu gen-object` imports LwObject and defineObject itself), not into the library. */
export function importedNames(file: string, specs: readonly string[] = ['lwm2m-mcu']): Set<string> | null {
  const names = new Set<string>(), seen = new Set<string>();
  const library = [join(REPO, 'src') + '/', join(REPO, 'hal') + '/', join(REPO, 'host') + '/'];
  for (const todo = [resolve(file)]; todo.length;) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const spec = st.moduleSpecifier.text;
      if (specs.includes(spec)) {
        if (!ts.isImportDeclaration(st)) return null; // (re-exported from the library: the app may use anything)
        const b = st.importClause?.namedBindings;
        if (!b) continue;
        if (ts.isNamespaceImport(b)) return null;
        for (const e of b.elements) names.add((e.propertyName ?? e.name).text);
      } else if (spec.startsWith('.')) {
        const base = resolve(dirname(f), spec).replace(/\.js$/, '');
        const next = [base + '.ts', base + '.js', base].find((c) => existsSync(c) && !c.endsWith('/'));
        if (next && !library.some((l) => next.startsWith(l))) todo.push(next);
      }
    }
  }
  return names;
}

/** Drops the module's top-level exported classes and constants that are neither in `keep` nor
 *  used by what stays (base classes, factories), repeatedly. */
export function shakeModule(text: string, keep: Set<string>): string {
  for (;;) {
    const sf = ts.createSourceFile('m.ts', text, ts.ScriptTarget.ES2022, true);
    const declName = (st: ts.Statement): string | null => {
      const exported = (ts.getCombinedModifierFlags(st as unknown as ts.Declaration) & ts.ModifierFlags.Export) !== 0;
      if (!exported) return null;
      if (ts.isClassDeclaration(st) && st.name) return st.name.text;
      if (ts.isVariableStatement(st) && st.declarationList.declarations.length === 1 && ts.isIdentifier(st.declarationList.declarations[0].name)) return st.declarationList.declarations[0].name.text;
      return null;
    };
    let drop: ts.Statement | null = null;
    for (const st of sf.statements) {
      const n = declName(st);
      if (n === null || keep.has(n)) continue;
      const re = new RegExp('\\b' + n.replace(/\$/g, '\\$') + '\\b');
      const usedElsewhere = sf.statements.some((o) => o !== st && !ts.isImportDeclaration(o) && re.test(o.getText(sf)));
      if (!usedElsewhere) { drop = st; break; }
    }
    if (!drop) return dropUnusedImports(text);
    text = text.slice(0, drop.getFullStart()) + text.slice(drop.getEnd());
  }
}

/** Removes the named imports the module no longer uses (a whole declaration when none is left):
 *  the modules they named then leave the program, not only its emit. */
function dropUnusedImports(text: string): string {
  const sf = ts.createSourceFile('m.ts', text, ts.ScriptTarget.ES2022, true);
  const body = sf.statements.filter((o) => !ts.isImportDeclaration(o)).map((o) => o.getText(sf)).join('\n');
  const edits: [number, number, string][] = [];
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st)) continue;
    const b = st.importClause?.namedBindings;
    if (!b || !ts.isNamedImports(b) || st.importClause?.name) continue;
    const kept = b.elements.filter((e) => new RegExp('\\b' + e.name.text.replace(/\$/g, '\\$') + '\\b').test(body));
    if (kept.length === b.elements.length) continue;
    edits.push([st.getFullStart(), st.getEnd(), kept.length ? '\nimport { ' + kept.map((e) => e.getText(sf)).join(', ') + ' } from ' + st.moduleSpecifier.getText(sf) + ';' : '']);
  }
  return applyEdits(text, edits);
}

/** Scripts that write `code` into Storage as `name`, one piece each (each small enough for a
 *  16,383-variable Espruino to parse: 12 KB of base64): run one after the other at the board's
 *  REPL, or by an Espruino for Linux, whose Storage is ./espruino.flash. */
export function storePieces(name: string, code: string, chunk = 12_288,
  opts: { eraseFirst?: boolean; failed?: (k: number) => string } = {}): [string, string][] {
  const bytes = Buffer.from(code, 'utf8');
  const out: [string, string][] = [];
  const failed = opts.failed ?? ((k: number) => `lwm2m-mcu: Storage write failed (piece ${k})`);
  for (let at = 0, k = 0; at < bytes.length; at += chunk, k++) {
    // base64 through atob(): a binary string in every Espruino build (with or without its UTF-8
    // support, which would re-encode \u00XX escapes).
    const lit = 'atob(' + JSON.stringify(bytes.subarray(at, Math.min(bytes.length, at + chunk)).toString('base64')) + ')';
    const call = at === 0 ? `S.write(${JSON.stringify(name)},${lit},0,${bytes.length})` : `S.write(${JSON.stringify(name)},${lit},${at})`;
    out.push([`store${k}.js`, `var S=require("Storage");${at === 0 && opts.eraseFirst ? 'S.eraseAll();' : ''}if(!${call})print(${JSON.stringify(failed(k))});`]);
  }
  return out;
}

/** Runs the bundle's pieces and boot code in an Espruino for Linux (a fresh folder: its own
 *  emulated flash) until the app has loaded: the variables in use then, or why not. */
export function measureLoad(bin: string, b: AppBuild): { used: number; free: number; total: number } | string {
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-measure-'));
  try {
    for (const [n, c] of b.pieces) {
      writeFileSync(join(dir, n), c);
      const r = spawnSync(bin, [n], { cwd: dir, timeout: 60_000, killSignal: 'SIGKILL', input: '', encoding: 'latin1' });
      // (An S.write that finds no room throws: Uncaught. The Linux build's emulated Storage holds
      // 256 KB, an ESP32's 896 KB.)
      if (/Storage write failed|OUT OF MEMORY|Uncaught/.test(r.stdout ?? '')) return 'writing ' + n + ' into Storage failed (' + (/Uncaught[^\n]*/.exec(r.stdout ?? '')?.[0] ?? 'out of memory') + ')';
    }
    // LWM2M_MEASURE: the app's client does not start (hal/espruino/index.ts start() returns).
    writeFileSync(join(dir, 'measure.js'), 'var LWM2M_MEASURE=1;' + BOOT_CODE + 'var m=process.memory();print("@load "+m.usage+" "+m.free+" "+m.total);');
    const r = spawnSync(bin, ['measure.js'], { cwd: dir, timeout: 120_000, killSignal: 'SIGKILL', input: '', encoding: 'latin1' });
    const m = /@load (\d+) (\d+) (\d+)/.exec(r.stdout ?? '');
    if (!m) return /OUT OF MEMORY|Out of Memory/i.test(r.stdout ?? '') ? 'out of memory while loading' : 'no measurement: ' + (r.stdout ?? '').slice(-300).replace(/\s+/g, ' ');
    return { used: +m[1], free: +m[2], total: +m[3] };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** `lwm2m-mcu espruino-build APP.ts|APP.js [--settings "k=v …"] [--board B] [--out DIR] [--measure BIN]`. */
export async function espruinoBuildCommand(argv: string[]): Promise<number> {
  let app = '', settings = process.env.SETTINGS ?? '', board = 'espruino-esp32', out = '', measure = '';
  for (let j = 0; j < argv.length; j++) {
    const a = argv[j];
    if (a === '--settings' && j + 1 < argv.length) settings = argv[++j];
    else if (a === '--board' && j + 1 < argv.length) board = argv[++j];
    else if (a === '--out' && j + 1 < argv.length) out = argv[++j];
    else if (a === '--measure' && j + 1 < argv.length) measure = argv[++j];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('lwm2m-mcu espruino-build APP.ts|APP.js [--settings "lwm2mEndpoint=… lwm2mServer=…"] [--board espruino-esp32] [--out DIR] [--measure ESPRUINO_BIN]\n' +
        '  bundles the app with lwm2m-mcu for Espruino; writes DIR/lwm2m-mcu.js (the Storage file), DIR/boot0.js (the .boot0 that runs it)\n' +
        '  and DIR/store0.js… (pieces that write it into Storage from the REPL). Default DIR: build/espruino-app/<APP name>\n');
      return 0;
    } else if (!a.startsWith('-') && !app) app = a;
    else { process.stderr.write('lwm2m-mcu: espruino-build: unexpected argument ' + a + ' (see lwm2m-mcu espruino-build --help)\n'); return 2; }
  }
  if (!app) { process.stderr.write('lwm2m-mcu: espruino-build: give the application file (APP.ts or APP.js)\n'); return 2; }
  let b: AppBuild;
  try {
    b = await buildUserApp(app, settings, board);
    let need = b.estimate, how = 'estimated from ' + b.bytes + ' bytes of code (' + Math.round(b.bytes * (1 - b.lazyShare)) + ' loaded at start) and a client';
    if (measure) {
      const m = measureLoad(measure, b);
      if (typeof m === 'string') throw new EspruinoBuildError(app + ': does not fit the board: ' + m + ' (' + measure + ')');
      need = m.used; how = 'measured by ' + measure + ', the app loaded and its client made';
    }
    if (need > b.budget) throw new EspruinoBuildError(`${app}: does not fit the board: it needs ${need} variables (${how}), ${board} has ${b.budget} (${b.budget + RUN_RESERVE} less ${RUN_RESERVE} kept free to register and answer)`);
    const dir = resolve(out || join('build', 'espruino-app', basename(app).replace(/\.(ts|js)$/, '')));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'lwm2m-mcu.js'), b.code);
    writeFileSync(join(dir, 'boot0.js'), BOOT_CODE + '\n');
    for (const [n, c] of b.pieces) writeFileSync(join(dir, n), c + '\n');
    process.stdout.write(`espruino-build: ${relative(process.cwd(), dir) || '.'}/lwm2m-mcu.js (${b.bytes} bytes, ${b.modules.length} modules; needs ${need} variables, ${how}; budget ${b.budget}), boot0.js, store0.js…store${b.pieces.length - 1}.js\n`);
    return 0;
  } catch (e) {
    if (e instanceof EspruinoBuildError) { process.stderr.write('lwm2m-mcu: ' + e.message + '\n'); return 1; }
    throw e;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let settings = process.env.SETTINGS ?? '', outFile = join(REPO, 'build', 'espruino', 'lwm2m-mcu.js'), board = 'espruino-esp32', minify = true, trace = false;
  for (let j = 0; j < args.length; j++) {
    if (args[j] === '--settings') settings = args[++j];
    else if (args[j] === '--out') outFile = resolve(args[++j]);
    else if (args[j] === '--board') board = args[++j];
    else if (args[j] === '--no-minify') minify = false;
    else if (args[j] === '--trace-modules') trace = true;
    else { console.error('usage: espruino-build [--settings "lwm2mEndpoint=… …"] [--board espruino-esp32] [--out FILE]'); process.exit(2); }
  }
  const b = await buildDeviceBundle(settings, board, minify, trace);
  if (trace) console.log(b.modules.map((m, i) => '@name ' + i + ' ' + m).join('\n'));
  const check = checkEspruinoBundle(b.code);
  if (check.errors.length) { console.error('espruino: the bundle fails the ES5 check:\n  ' + check.errors.join('\n  ')); process.exit(1); }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, b.code);
  const bootFile = join(dirname(outFile), 'boot0.js'); // the board's .boot0: runs the bundle from Storage
  writeFileSync(bootFile, BOOT_CODE + '\n');
  console.log('espruino: wrote ' + relative(process.cwd(), outFile) + ' (' + b.code.length + ' bytes, ' + b.modules.length + ' modules, ES5 check passed) and ' + relative(process.cwd(), bootFile));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main().catch((e) => { console.error(e); process.exit(1); });
