// Stand-ins for the Moddable modules the HAL imports, for running hal/moddable under XS in CI
// (@agoric/xsnap has the engine but not Moddable's runtime). test-host/xs/host.ts maps each module
// specifier ("embedded:io/socket/udp", "timer", "time", "net", "rng", "crypt",
// "embedded:storage/key-value", "preference", "mc/config") to the matching export here. They record
// what the HAL asks of the platform and let a test drive time and datagrams.
import { Aes128 } from "../../../src/crypto/aes.js";

type Bytes = ArrayBuffer | Uint8Array;
function u8(b: Bytes): Uint8Array { return b instanceof Uint8Array ? b : new Uint8Array(b); }

export interface Sent { bytes: Uint8Array; address: string; port: number }

export class FakeUDP {
  static last: FakeUDP | null = null;
  readonly sent: Sent[] = [];
  readonly queue: ArrayBuffer[] = [];
  closed = false;
  constructor(readonly options: { port?: number; onReadable?: (this: FakeUDP, n: number) => void; onError?: () => void }) {
    FakeUDP.last = this;
  }
  write(buffer: Bytes, address: string, port: number): void {
    if (this.closed) throw new Error("closed");
    this.sent.push({ bytes: u8(buffer).slice(), address, port });
  }
  read(): ArrayBuffer | undefined { return this.queue.shift(); }
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
  schedule(t: FakeTimerId, interval?: number, repeat?: number): void {
    if (interval === undefined) { t.due = Infinity; return; } // Moddable: no interval parks the timer
    t.due = FakeTimer.now + interval; t.repeat = repeat ?? 0;
  },
  clear(t: FakeTimerId | null | undefined): void { if (t) { t.cleared = true; t.due = Infinity; } },
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
      next.due = next.repeat > 0 ? FakeTimer.now + next.repeat : Infinity;
      fired++;
      next.cb(next);
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

export const FakeRNG = {
  draws: 0,
  next: 1,
  get(n: number): ArrayBuffer {
    FakeRNG.draws++;
    const b = new Uint8Array(n);
    for (let j = 0; j < n; j++) { FakeRNG.next = (FakeRNG.next * 1103515245 + 12345) >>> 0; b[j] = FakeRNG.next >>> 24; }
    return b.buffer;
  },
  init(): void {},
};

/** crypt's BlockCipher("AES", key) on the portable AES: one 16-byte block from data into result. */
export class FakeBlockCipher {
  static created = 0;
  readonly #aes = new Aes128();
  constructor(name: string, key: Bytes) {
    if (name !== "AES") throw new Error("only AES");
    const k = u8(key);
    if (k.length !== 16) throw new Error("AES-128 keys only");
    this.#aes.setKey(k, 0);
    FakeBlockCipher.created++;
  }
  encrypt(data: Bytes, result?: Bytes): ArrayBuffer {
    const out = result ? u8(result) : new Uint8Array(16);
    this.#aes.encryptBlock(u8(data), 0, out, 0);
    return out.buffer as ArrayBuffer;
  }
  decrypt(data: Bytes, result?: Bytes): ArrayBuffer {
    const out = result ? u8(result) : new Uint8Array(16);
    this.#aes.decryptBlock(u8(data), 0, out, 0);
    return out.buffer as ArrayBuffer;
  }
  get blockSize(): number { return 16; }
  get keySize(): number { return 16; }
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

const prefs: { [k: string]: Uint8Array } = {};
export const FakePreference = {
  values: prefs,
  set(domain: string, key: string, value: ArrayBuffer): void {
    if (key.length > 15) throw new Error("NVS key too long");
    prefs[domain + "/" + key] = new Uint8Array(value).slice();
  },
  get(domain: string, key: string): ArrayBuffer | undefined { const v = prefs[domain + "/" + key]; return v ? v.slice().buffer : undefined; },
  delete(domain: string, key: string): void { delete prefs[domain + "/" + key]; },
  keys(): string[] { return []; },
};

export const FakeConfig: { [k: string]: unknown } = {};

/** "modules" (Moddable's Modules.has / importNow): none of the optional modules (OTA, file) exist
 *  here, so hal/moddable/firmware.ts reports no firmware store and main.ts builds no object 5. */
export const FakeModules = {
  has(_name: string): boolean { return false; },
  importNow(_name: string): unknown { return undefined; },
};
