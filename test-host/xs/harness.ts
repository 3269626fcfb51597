// The XS side of the XS-engine test runner. This module (and the suites that import it) is bundled
// by esbuild into one script and evaluated inside an XS worker (@agoric/xsnap); it must not import
// anything from Node. The Node side (host.ts) talks to it through xsnap's command channel:
//
//   'list'             → JSON [name, …] of the registered tests
//   'run <i>'          → JSON {"ok":true} or {"ok":false,"error":"…"} for test i
//   'loops'            → JSON [name, …] of the registered hot loops
//   'loop <name> <n>'  → runs gc() and then loop <name> n times; replies with a constant, preallocated
//                        buffer so that the meter that xsnap reports after the command (compute,
//                        currentHeapCount) measures the loop and nothing that depends on n
//   'result'           → the checksum the last loop returned (a decimal string)
//   'sames'            → JSON [name, …] of the registered differential checks
//   'same <i>'         → JSON {"ok":true,"value":"…"}: the string check i computes under XS; the host
//                        computes the same check under V8 (importing the same suite) and compares
//   'scenario <name>'  → runs a registered whole scenario (the hook for a client run under XS) and
//                        replies with its JSON result
//   'probe <name> <arg>' → gc(), runs probe <name> with arg (a string), keeps what it returns alive,
//                        gc() again, replies with the constant buffer: the meter's currentHeapCount is
//                        then the heap with the probed object held (a footprint measurement)
//   'probed'           → JSON of the last probe's report (what the probe put in its `report`)
//   'preload'          → JSON {count, violations}: the typed arrays src/'s modules create while they load,
//                        and those written since (preload-begin.ts: they are read-only on the device)
//   'release'          → drops the held object and runs gc(); replies with the constant buffer, so its
//                        meter is the baseline of the next 'probe'
//
// Suites register with test(), loop() and scenario(); test data comes from vectors(), which reads
// the JSON files of test-host/vectors that the host injected as globalThis.__lwm2mVectors.
import { preloadCount, preloadViolations } from './preload-end.js';

type TestFn = () => void;
/** Runs its body n times and returns a number that depends on the work (so nothing is optimised
 *  away, and so the host can check the result). Must not allocate per iteration. */
type LoopFn = (n: number) => number;
/** A whole scenario (e.g. a client bootstrap + register on a virtual clock); returns a JSON-able value. */
type ScenarioFn = () => unknown;

const testNames: string[] = [];
const testFns: TestFn[] = [];
const loopNames: string[] = [];
const loopFns: LoopFn[] = [];
const sameNames: string[] = [];
const sameFns: (() => string)[] = [];
const scenarioNames: string[] = [];
const scenarioFns: ScenarioFn[] = [];
/** A footprint probe: builds something from arg and returns it (held until 'release'); it may put a
 *  JSON-able report into report.value (e.g. the bytes its typed arrays take). */
type ProbeFn = (arg: string, report: { value: unknown }) => unknown;
const probeNames: string[] = [];
const probeFns: ProbeFn[] = [];
let held: unknown = null;

// XS (xsnap's build, measured here) keeps the most recently constructed instance of each class with
// instance private methods (`#m() {}`) alive until the next instance of that class is constructed
// (found by bisecting: a class with a private method and 200 objects per instance stayed in the heap
// after 'release', and was freed when the next instance of the same class was made; with private
// fields only, or an instance of another such class, nothing changed). The client has such classes
// (ObjectTable, Slab; the public Lwm2mClient, LwObject and the ready objects): without a remedy
// 'release' left the probed client's table (or the whole public client) in the heap, and the next probe
// measured the difference. Suites register a displacer for their classes (a small instance of each);
// 'probe' (after building) and 'release' both run them, so the two meters hold the same small instances
// and the difference is the probed object alone.
const displacers: (() => unknown)[] = [];
let displaced: unknown[] = [];
/** Registers fn, which makes one small instance of each class with private methods a probe builds. */
export function displacer(fn: () => unknown): void { displacers.push(fn); }
function displace(): void {
  const d: unknown[] = [];
  for (const fn of displacers) { try { d.push(fn()); } catch { /* a constructor that throws still made its instance */ } }
  displaced = d;
}
const probeReport: { value: unknown } = { value: null };

export function test(name: string, fn: TestFn): void { testNames.push(name); testFns.push(fn); }
export function loop(name: string, fn: LoopFn): void { loopNames.push(name); loopFns.push(fn); }
export function scenario(name: string, fn: ScenarioFn): void { scenarioNames.push(name); scenarioFns.push(fn); }
export function probe(name: string, fn: ProbeFn): void { probeNames.push(name); probeFns.push(fn); }
/** A differential check: fn returns a string that must be the same under XS and under V8. */
export function same(name: string, fn: () => string): void { sameNames.push(name); sameFns.push(fn); }

/** For the host's V8 side of the differential checks (the suites imported under Node). */
export function differentialChecks(): { names: readonly string[]; run(i: number): string } {
  return { names: sameNames, run: (i: number) => sameFns[i]() };
}

// ---- assertions (throw an Error with a message that says what differed) ----

export class AssertionError extends Error {}

export function ok(v: unknown, msg?: string): void {
  if (!v) throw new AssertionError(msg || 'expected a truthy value');
}

export function is(actual: unknown, expected: unknown, msg?: string): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError((msg ? msg + ': ' : '') + 'expected ' + show(expected) + ', got ' + show(actual));
  }
}

/** Byte-exact comparison of buf[off … off+len) with a hex string. */
export function bytes(buf: Uint8Array, off: number, len: number, expectedHex: string, msg?: string): void {
  const got = toHex(buf, off, len);
  if (got !== expectedHex.toLowerCase()) {
    throw new AssertionError((msg ? msg + ': ' : '') + 'expected bytes ' + expectedHex + ', got ' + got);
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

// ---- bytes ----

export function hex(s: string): Uint8Array {
  if (s.length % 2) throw new AssertionError('odd-length hex string');
  const out = new Uint8Array(s.length / 2);
  for (let j = 0; j < out.length; j++) {
    const v = parseInt(s.substr(j * 2, 2), 16);
    if (v !== v) throw new AssertionError('bad hex: ' + s);
    out[j] = v;
  }
  return out;
}

const HEX = '0123456789abcdef';
export function toHex(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = '';
  for (let j = 0; j < len; j++) { const v = b[off + j]; s += HEX[v >> 4] + HEX[v & 15]; }
  return s;
}

export function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let j = 0; j < s.length; j++) b[j] = s.charCodeAt(j) & 0xff;
  return b;
}

// ---- vectors ----

interface VectorStore { [file: string]: unknown }

/** The parsed JSON of test-host/vectors/<name> (injected by the host before the bundle runs). */
export function vectors(name: string): any {
  const store = (globalThis as unknown as { __lwm2mVectors?: VectorStore }).__lwm2mVectors;
  if (!store || !(name in store)) throw new AssertionError('vector file not injected: ' + name);
  return store[name];
}

// ---- the command channel ----

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LOOP_REPLY = encoder.encode('ok').buffer as ArrayBuffer;
let lastResult = 0;

function reply(v: unknown): ArrayBuffer {
  return encoder.encode(JSON.stringify(v)).buffer as ArrayBuffer;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return (e.name && e.name !== 'Error' ? e.name + ': ' : '') + e.message + (e.stack ? '\n' + e.stack : '');
  return String(e);
}

function collect(): void {
  const g = (globalThis as unknown as { gc?: () => void }).gc;
  if (typeof g === 'function') g();
}

export function handleCommand(msg: ArrayBuffer): ArrayBuffer {
  const text = decoder.decode(new Uint8Array(msg));
  const sp = text.indexOf(' ');
  const verb = sp < 0 ? text : text.substring(0, sp);
  const arg = sp < 0 ? '' : text.substring(sp + 1);
  if (verb === 'list') return reply(testNames);
  if (verb === 'loops') return reply(loopNames);
  if (verb === 'scenarios') return reply(scenarioNames);
  if (verb === 'run') {
    const i = +arg;
    const fn = testFns[i];
    if (!fn) return reply({ ok: false, error: 'no test ' + arg });
    try { fn(); return reply({ ok: true }); } catch (e) { return reply({ ok: false, error: errorText(e) }); }
  }
  if (verb === 'loop') {
    const sp2 = arg.indexOf(' ');
    const name = arg.substring(0, sp2);
    const n = +arg.substring(sp2 + 1);
    const k = loopNames.indexOf(name);
    if (k < 0 || !(n >= 0)) return reply({ ok: false, error: 'no loop ' + arg });
    const fn = loopFns[k];
    collect();
    lastResult = fn(n);
    return LOOP_REPLY;
  }
  if (verb === 'result') return reply(lastResult);
  if (verb === 'sames') return reply(sameNames);
  if (verb === 'same') {
    const fn = sameFns[+arg];
    if (!fn) return reply({ ok: false, error: 'no check ' + arg });
    try { return reply({ ok: true, value: fn() }); } catch (e) { return reply({ ok: false, error: errorText(e) }); }
  }
  if (verb === 'probe') {
    const sp2 = arg.indexOf(' ');
    const name = sp2 < 0 ? arg : arg.substring(0, sp2);
    const k = probeNames.indexOf(name);
    held = null;
    probeReport.value = null;
    collect();
    if (k < 0) { probeReport.value = { ok: false, error: 'no probe ' + name }; return LOOP_REPLY; }
    try { held = probeFns[k](sp2 < 0 ? '' : arg.substring(sp2 + 1), probeReport); } catch (e) { probeReport.value = { ok: false, error: errorText(e) }; }
    displace();
    collect();
    return LOOP_REPLY;
  }
  if (verb === 'probed') return reply(probeReport.value);
  if (verb === 'preload') return reply({ count: preloadCount(), violations: preloadViolations() });
  if (verb === 'release') { held = null; probeReport.value = null; displace(); collect(); return LOOP_REPLY; }
  if (verb === 'scenario') {
    const k = scenarioNames.indexOf(arg);
    if (k < 0) return reply({ ok: false, error: 'no scenario ' + arg });
    try { return reply({ ok: true, result: scenarioFns[k]() }); } catch (e) { return reply({ ok: false, error: errorText(e) }); }
  }
  return reply({ ok: false, error: 'unknown command ' + verb });
}

/** Installs the command handler that xsnap calls (the last thing the bundle's entry does). */
export function install(): void {
  (globalThis as unknown as { handleCommand: (m: ArrayBuffer) => ArrayBuffer }).handleCommand = handleCommand;
}
