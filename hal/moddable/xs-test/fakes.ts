// Stand-ins for the Moddable modules the HAL imports, for running hal/moddable under XS in CI
// (@agoric/xsnap has the engine but not Moddable's runtime). test-host/xs/host.ts maps each module
// specifier ("embedded:io/socket/udp", "timer", "time", "net", "rng", "crypt",
// "embedded:storage/key-value", "preference", "mc/config") to the matching export here. They record
// what the HAL asks of the platform and let a test drive time and datagrams. Each refuses what the
// real module refuses (Moddable SDK 8.2.3; the source named at each one; test-host/moddable/
// device.test.ts runs the real ones): a stand-in more lenient than the device hides a device crash.
import { Aes128 } from "../../../src/crypto/aes.js";

type Bytes = ArrayBuffer | Uint8Array;
function u8(b: Bytes): Uint8Array { return b instanceof Uint8Array ? b : new Uint8Array(b); }

export interface Sent { bytes: Uint8Array; address: string; port: number }

/** ECMA-419 UDP (modules/io/socket/lin/udp.c, lwip/udp.c): a port option, when present, in 0–65535
 *  (RangeError "invalid port"); write(buffer, address, port) takes any buffer (ArrayBuffer or a view:
 *  xsmcGetBufferReadable), an address string and an integer port; read() hands out each datagram as
 *  a new ArrayBuffer carrying `address` and `port`, undefined when none is queued; after close()
 *  read() and write() throw. */
export class FakeUDP {
  static last: FakeUDP | null = null;
  readonly sent: Sent[] = [];
  readonly queue: ArrayBuffer[] = [];
  closed = false;
  constructor(readonly options: { port?: number; onReadable?: (this: FakeUDP, n: number) => void; onError?: () => void }) {
    if ("port" in options) {
      const p = Math.trunc(Number(options.port)) || 0;
      if (p < 0 || p > 65535) throw new RangeError("invalid port");
    }
    FakeUDP.last = this;
  }
  write(buffer: Bytes, address: string, port: number): void {
    if (this.closed) throw new Error("closed");
    if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) throw new TypeError("not a buffer");
    if (typeof address !== "string") throw new TypeError("address: not a string");
    this.sent.push({ bytes: u8(buffer).slice(), address, port: Math.trunc(Number(port)) });
  }
  read(): ArrayBuffer | undefined {
    if (this.closed) throw new Error("closed");
    return this.queue.shift();
  }
  close(): void { this.closed = true; }
  /** The platform receiving a datagram: queue it and call onReadable. */
  deliver(bytes: Uint8Array, address: string, port: number): void {
    const ab = bytes.slice().buffer as ArrayBuffer & { address: string; port: number };
    ab.address = address; ab.port = port;
    this.queue.push(ab);
    if (this.options.onReadable) this.options.onReadable.call(this, 1);
  }
}

/** Time.ticks: a 32-bit millisecond counter that wraps. */
export const FakeTime = {
  ticks: 0,
  delta(start: number, end?: number): number {
    let d = (end === undefined ? FakeTime.ticks : end) - start;
    if (d < 0) d += 0x100000000;
    return d;
  },
  set(): void {},
  timezone: 0,
  dst: 0,
};

export class FakeTimerId {
  due = Infinity;
  interval = 0;
  repeat = 0;
  cleared = false;
  constructor(readonly cb: (t: FakeTimerId) => void) {}
}

/** modules/base/timer/modTimer.c: schedule(id) with one argument unschedules (parks) the timer;
 *  with more, the interval is ToInteger of the second (undefined → 0: at once) and the repeat of the
 *  third (absent → 0). A timer whose repeat is 0 is destroyed once it fires: scheduling or clearing
 *  it afterwards throws. */
export const FakeTimer = {
  all: [] as FakeTimerId[],
  now: 0,
  set(cb: (t: FakeTimerId) => void, interval = 0, repeat = 0): FakeTimerId {
    const t = new FakeTimerId(cb);
    FakeTimer.all.push(t);
    FakeTimer.schedule(t, interval, repeat);
    return t;
  },
  repeat(cb: (t: FakeTimerId) => void, interval: number): FakeTimerId { return FakeTimer.set(cb, interval, interval); },
  schedule(t: FakeTimerId, ...args: (number | undefined)[]): void {
    if (t.cleared) throw new Error("timer: gone");
    if (args.length === 0) { t.due = Infinity; return; }
    t.due = FakeTimer.now + (Math.trunc(Number(args[0])) || 0); t.repeat = Math.trunc(Number(args[1])) || 0;
  },
  clear(t: FakeTimerId | null | undefined): void { if (t) { if (t.cleared) throw new Error("timer: gone"); t.cleared = true; t.due = Infinity; } },
  delay(): void {},
  /** Advances the clock (and Time.ticks, wrapping) by ms, firing due timers in order. */
  advance(ms: number): number {
    let fired = 0;
    const end = FakeTimer.now + ms;
    for (;;) {
      let next: FakeTimerId | null = null;
      for (const t of FakeTimer.all) if (!t.cleared && t.due <= end && (!next || t.due < next.due)) next = t;
      if (!next) break;
      const step = next.due - FakeTimer.now;
      FakeTimer.now = next.due;
      FakeTime.ticks = (FakeTime.ticks + step) % 0x100000000;
      const once = next.repeat <= 0;
      next.due = once ? Infinity : FakeTimer.now + next.repeat;
      fired++;
      next.cb(next);
      if (once) next.cleared = true; // destroyed after its one shot
    }
    FakeTime.ticks = (FakeTime.ticks + (end - FakeTimer.now)) % 0x100000000;
    FakeTimer.now = end;
    return fired;
  },
};

export const FakeNet = {
  names: {} as { [name: string]: string },
  resolve(name: string, cb: (name: string, address?: string) => void): void { cb(name, FakeNet.names[name]); },
  get(): string { return ""; },
};

/** modules/crypt/etc/rng.c as it behaves on Moddable's desktop simulators: RC4 keyed on first use
 *  from 16 bytes of C's `rand()`, which nothing seeds there, so every process (boot()) draws the
 *  same bytes until init(seed) re-keys it; each get() restarts RC4's i and j at 0, as rng.c does. */
export const FakeRNG = {
  draws: 0,
  state: new Uint8Array(256),
  inited: false,
  /** A new simulator process: the state is keyed again from the unseeded rand() on first use. */
  boot(): void { FakeRNG.inited = false; },
  key(seed: Uint8Array): void {
    const st = FakeRNG.state;
    for (let i = 0; i < 256; i++) st[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      j = (j + st[i] + seed[i % seed.length]) & 0xff;
      const t = st[i]; st[i] = st[j]; st[j] = t;
    }
    FakeRNG.inited = true;
  },
  get(n: number): ArrayBuffer {
    FakeRNG.draws++;
    if (!FakeRNG.inited) {
      // glibc's unseeded rand() sequence starts 1804289383, 846930886, … : a constant key
      const k = new Uint8Array(16); let r = 1804289383;
      for (let j = 0; j < 16; j++) { r = (r * 1103515245 + 12345) >>> 0; k[j] = r >>> 24; }
      FakeRNG.key(k);
    }
    const st = FakeRNG.state, b = new Uint8Array(n);
    for (let p = 0, i = 0, j = 0; p < n; p++) {
      i = (i + 1) & 0xff; j = (j + st[i]) & 0xff;
      const t = st[i]; st[i] = st[j]; st[j] = t;
      b[p] = st[(st[i] + st[j]) & 0xff];
    }
    return b.buffer;
  },
  init(seed?: ArrayBuffer): void {
    // rng.c: xsmcToArrayBuffer on the seed (a typed array throws "not an ArrayBuffer instance")
    if (seed !== undefined && !(seed instanceof ArrayBuffer)) throw new TypeError("not an ArrayBuffer instance");
    FakeRNG.inited = false;
    if (seed !== undefined && seed.byteLength > 0) FakeRNG.key(new Uint8Array(seed));
  },
};

/** modules/crypt/digest/modCrypt.c: an ArrayBuffer is what BlockCipher reads (xsmcToArrayBuffer):
 *  a key, block or result that is a typed array throws "TypeError: not an ArrayBuffer instance";
 *  data may also be a string. AES keys are 16, 24 or 32 bytes ("bad key size"; this stand-in has
 *  AES-128 only); a result shorter than a block is "buffer too small", data shorter "bad size". */
export class FakeBlockCipher {
  static created = 0;
  readonly #aes = new Aes128();
  constructor(name: string, key: ArrayBuffer) {
    if (name !== "AES") throw new Error("unsupported cipher");
    const k = arrayBuffer(key);
    if (k.byteLength !== 16 && k.byteLength !== 24 && k.byteLength !== 32) throw new Error("bad key size");
    if (k.byteLength !== 16) throw new Error("stand-in: AES-128 keys only");
    this.#aes.setKey(new Uint8Array(k), 0);
    FakeBlockCipher.created++;
  }
  encrypt(data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer { return this.#run(true, data, result); }
  decrypt(data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer { return this.#run(false, data, result); }
  #run(enc: boolean, data: ArrayBuffer | string, result?: ArrayBuffer): ArrayBuffer {
    let out: ArrayBuffer;
    if (result) { out = arrayBuffer(result); if (out.byteLength < 16) throw new Error("buffer too small"); } else out = new ArrayBuffer(16);
    const d = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(arrayBuffer(data));
    if (d.length < 16) throw new Error("bad size");
    if (enc) this.#aes.encryptBlock(d, 0, new Uint8Array(out), 0); else this.#aes.decryptBlock(d, 0, new Uint8Array(out), 0);
    return out;
  }
  get blockSize(): number { return 16; }
  get keySize(): number { return 16; }
}

/** XS's xsmcToArrayBuffer: an ArrayBuffer, or TypeError. */
function arrayBuffer(v: unknown): ArrayBuffer {
  if (!(v instanceof ArrayBuffer)) throw new TypeError("not an ArrayBuffer instance");
  return v;
}

const kvDomains: { [domain: string]: { [key: string]: Uint8Array } } = {};
export const FakeKeyValue = {
  domains: kvDomains,
  open(options: { path: string }) {
    const d = kvDomains[options.path] || (kvDomains[options.path] = {});
    return {
      format: "buffer",
      read(key: string): ArrayBuffer | undefined { if (key.length > 15) throw new Error("NVS key too long"); return d[key] ? d[key].slice().buffer : undefined; },
      write(key: string, value: Bytes): void { if (key.length > 15) throw new Error("NVS key too long"); d[key] = u8(value).slice(); },
      delete(key: string): void { delete d[key]; },
      close(): void {},
    };
  },
};

/** Moddable's preference. esp32 (modPreference.c, NVS): native, keys of at most 15 characters,
 *  values kept across restarts. lin (modules/files/preference/lin/preference.js): a class whose
 *  `static #cache` is read from a JSON file when the module loads and written back whole on every
 *  set/delete (errors swallowed). Preloaded there — which the SDK never does on lin — the cache is
 *  created at build time in the read-only snapshot: writes seem to work until the program restarts,
 *  but the file is never written (JSON.stringify of the preloaded cache throws, swallowed).
 *  restart() is the program starting again: the store is what the platform kept. */
const prefs: { [k: string]: Uint8Array } = {};
let prefFile = "";
const prefMode = { platform: "esp32", preloaded: false };
function prefSave(): void {
  if (prefMode.platform !== "lin") return;
  if (prefMode.preloaded) return; // "read only value", swallowed by preference.js #save
  const o: { [k: string]: string } = {};
  for (const k of Object.keys(prefs)) o[k] = Array.from(prefs[k]).join(",");
  prefFile = JSON.stringify(o);
}
export const FakePreference = {
  values: prefs,
  /** Which preference this is (host.ts tells it, per the platform the bundle models). */
  platform(platform: string, preloaded: boolean): void { prefMode.platform = platform; prefMode.preloaded = preloaded; },
  set(domain: string, key: string, value: ArrayBuffer): void {
    if (prefMode.platform === "esp32" && key.length > 15) throw new Error("NVS key too long");
    prefs[domain + "/" + key] = new Uint8Array(value).slice();
    prefSave();
  },
  get(domain: string, key: string): ArrayBuffer | undefined { const v = prefs[domain + "/" + key]; return v ? v.slice().buffer : undefined; },
  delete(domain: string, key: string): void { if (prefs[domain + "/" + key]) { delete prefs[domain + "/" + key]; prefSave(); } },
  keys(): string[] { return []; },
  /** The program restarts: on lin the cache is read back from the file. */
  restart(): void {
    if (prefMode.platform !== "lin") return;
    for (const k of Object.keys(prefs)) delete prefs[k];
    const o = prefFile ? JSON.parse(prefFile) as { [k: string]: string } : {};
    for (const k of Object.keys(o)) prefs[k] = Uint8Array.from(o[k].split(",").map(Number));
  },
};

/** Moddable's file (lin: modules/files/file/lin): what stop-sim.ts uses, on a set of path names. */
export const FakeFile = {
  paths: new Set<string>(),
  exists(path: string): boolean { return FakeFile.paths.has(path); },
  delete(path: string): boolean { return FakeFile.paths.delete(path); },
};

/** Moddable's instrumentation (modules/base/instrumentation) and debug (Debug.gc), for hooks-sim.ts. */
export const FakeInstrumentation = {
  map(name: string): number | undefined { return name === "XS Slot Heap Used" ? 1 : name === "XS Chunk Heap Used" ? 2 : undefined; },
  get(what: number | undefined): number | undefined { return what === 1 || what === 2 ? 0 : undefined; },
  name(): string | undefined { return undefined; },
};
export const FakeDebug = { gcs: 0, gc(): void { FakeDebug.gcs++; } };

export const FakeConfig: { [k: string]: unknown } = {};

/** "modules" (Moddable's Modules.has / importNow): none of the optional modules (OTA, file) exist
 *  here, so hal/moddable/firmware.ts reports no firmware store and main.ts builds no object 5. */
export const FakeModules = {
  has(_name: string): boolean { return false; },
  importNow(_name: string): unknown { return undefined; },
};
