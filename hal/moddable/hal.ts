// The Moddable HAL (ESP32, and Moddable's simulators): one ECMA-419 UDP socket for every peer,
// Time.ticks as the monotonic clock, one `timer` for the core's next deadline, random bytes from the
// platform RNG, key-value storage (storage.ts: `embedded:storage/key-value`, or `preference` in
// storage-preference.ts), `trace` for logs, `Net.resolve` for host names.
//
// Where the platform forces an allocation (the HAL edge, ARCHITECTURE.md §2):
//  - UDP read(): ECMA-419's UDP hands out each datagram as a new ArrayBuffer carrying `address`
//    (a new string) and `port`; we need a Uint8Array view on it too. Per datagram, unavoidable.
//  - UDP write(buffer, address, port) sends a whole buffer: a datagram at an offset, or shorter than
//    its buffer, needs a view (subarray) per send. Drivers that send from offset 0 of a buffer of
//    exactly the datagram's length avoid it.
//  - An IPv6 source address is parsed by src/coap/peer.ts parseAddress (a regular expression); IPv4
//    is parsed here by hand without allocating, and the last source is cached.
//  - The address string of a destination is made once per peer (a small cache), not per send.
//  - random(): RNG.get(n) returns a new ArrayBuffer; we draw 64 bytes at a time into a pool.
/// <reference path="./moddable-extra.d.ts" />
import UDP from "embedded:io/socket/udp";
import Timer from "timer";
import Time from "time";
import Net from "net";
import RNG from "rng";
import Modules from "modules";
import type { Hal, BoardSleep } from "../hal.js";
import { LogLevel, sleepMs } from "../hal.js";
import { PeerAddress, formatAddress, parseAddress, parseIPv4 } from "../../src/coap/peer.js";

export { parseIPv4 }; // moved to src/coap/peer.ts (parseAddress uses it); re-exported for hal.suite.ts
import type { ByteStore } from "./store.js";

export interface ModdableHalOptions {
  /** Local UDP port; 0 or absent lets the stack pick one. */
  port?: number;
  /** Where storageRead/Write go (storage.ts or storage-preference.ts `openStore(domain)`). */
  store: ByteStore;
  /** Least important level printed (default INFO). */
  logLevel?: LogLevel;
  /** Destinations whose address string is cached (default 8: more than config.maxPeers). */
  peerCache?: number;
  /** The provisioning (smartcard) blob, e.g. from a resource, or null. */
  provisioning?: Uint8Array | null;
  onReboot?: () => void;
  onFactoryReset?: () => void;
  /** The board's sleep while offline (the setting lwm2mSleep; default "none"): on esp32 ESP-IDF's
   *  light or deep sleep (sleep-esp32.ts); where the platform has none (lin) the socket is closed and
   *  the app idles on its timer (one log line says so). */
  sleep?: BoardSleep;
}

/** The platform's sleep (sleep-esp32.ts on esp32; absent elsewhere). */
const PLATFORM_SLEEP = "hal/moddable/platform-sleep";

type ReceiveCb = (buf: Uint8Array, off: number, len: number, from: PeerAddress) => void;
type Datagram = ArrayBuffer & { address: string; port: number };

const LEVEL = Object.freeze(["ERROR ", "WARN  ", "INFO  ", "DEBUG "]);
const TIMER_PARK = 0x3fffffff; // ms: the repeat interval of the parked timer (never reached)
const POOL = 64;

/** Re-keys the platform RNG with what it gives XOR the clocks, once per HAL (at boot).
 *
 *  Moddable's `rng` (modules/crypt/etc/rng.c) is RC4 keyed on first use from 16 bytes of `c_rand()`.
 *  On ESP32 `c_rand()` is the hardware RNG (xs/platforms/esp/xsHost.h); on the desktop simulators
 *  (lin, mac, win) it is C's `rand()`, which nothing seeds (xsMath.c leaves `c_srand` commented
 *  out): every start of the simulator drew the same bytes. So a restarted app sent the same CoAP
 *  tokens and message IDs as its previous run, and the LwM2M server's deduplication cache answered
 *  its new Register with the previous run's cached response (`make test-device`, after the restart:
 *  an Update matched a 2.01, the next Register a 2.04; DTLS ClientHello randoms repeated too). XOR
 *  keeps all the hardware's entropy on ESP32 and adds the run's start time elsewhere. */
export function reseedRng(): void {
  const seed = new Uint8Array(RNG.get(32)); // boot-time allocation
  let wall = Date.now(), ticks = Time.ticks >>> 0;
  for (let j = 0; j < 8; j++) {
    seed[j] ^= wall % 256; wall = Math.floor(wall / 256);
    seed[8 + j] ^= ticks & 0xff; ticks >>>= 8;
  }
  RNG.init(seed.buffer);
}

export class ModdableHal implements Hal {
  #udp: UDP;
  /** Queue Mode: the socket is closed until wake(). */
  asleep = false;
  readonly #opts: ModdableHalOptions;
  readonly #store: ByteStore;
  // clock: Time.ticks is a 32-bit millisecond counter that wraps; Time.delta() is wrap-safe.
  #lastTicks = Time.ticks;
  #elapsed = 0;
  // receive
  #receiveCb: ReceiveCb | null = null;
  readonly #from = new PeerAddress();
  #lastFromAddress = "";
  #lastFromFamily = 0;
  // send: a cache of destination address strings
  readonly #peers: PeerAddress[] = [];
  readonly #peerText: string[] = [];
  #peerNext = 0;
  // timer
  #timer: Timer | null = null;
  #timerCb: (() => void) | null = null;
  readonly #fire = (): void => {
    if (this.#timer) Timer.schedule(this.#timer); // park it until the next setTimer
    const cb = this.#timerCb;
    if (cb) cb();
  };
  // random
  #pool = new Uint8Array(0);
  #poolPos = 0;
  #closed = false;

  constructor(opts: ModdableHalOptions) {
    this.#opts = opts;
    this.#store = opts.store;
    const n = opts.peerCache ?? 8;
    for (let j = 0; j < n; j++) { this.#peers.push(new PeerAddress()); this.#peerText.push(""); }
    const hal = this;
    const options: { port?: number; onReadable(this: UDP, count: number): void; onError(): void } = {
      onReadable(count: number) { hal.#readable(this, count); },
      onError() { hal.log(LogLevel.WARN, "udp: socket error"); },
    };
    if (opts.port) options.port = opts.port; // absent (not undefined): the stack picks a port
    this.#udpOptions = options;
    this.#udp = new UDP(options);
    reseedRng();
  }

  readonly #udpOptions: object;

  /** Queue Mode: offline until `until`: the socket is closed; the one timer stays armed. Then the
   *  board's sleep (opts.sleep, hal.ts sleepMs) through the platform's module: "light" returns at the
   *  deadline (the timer fires), "deep" restarts the app then (the client took its state at going
   *  offline). Without one (the simulator) the app idles on its timer with the socket closed. */
  sleep(until: number): void {
    if (this.asleep || this.#closed) return;
    this.asleep = true;
    (this.#udp as unknown as { close(): void }).close();
    const mode = this.#opts.sleep;
    const ms = sleepMs(mode, until, this.now(), 4e12);
    if (ms <= 0) return;
    if (Modules.has(PLATFORM_SLEEP)) {
      this.log(LogLevel.INFO, "lwm2m-mcu: sleep: " + mode + " " + ms + " ms");
      (Modules.importNow(PLATFORM_SLEEP) as (deep: boolean, us: number) => void)(mode === "deep", ms * 1000);
    } else this.log(LogLevel.INFO, "lwm2m-mcu: sleep: " + mode + " for " + ms + " ms: no platform sleep on this build: waiting with the socket closed");
  }

  /** Queue Mode: a new socket with the same options (the configured port, or one the stack picks). */
  wake(): void {
    if (!this.asleep || this.#closed) return;
    this.asleep = false;
    this.#udp = new UDP(this.#udpOptions as ConstructorParameters<typeof UDP>[0]);
  }

  #readable(udp: UDP, count: number): void {
    for (let k = 0; k < count; k++) {
      const d = udp.read() as Datagram; // platform allocation: one ArrayBuffer per datagram
      if (this.#closed || !this.#receiveCb) continue;
      if (!this.#setFrom(d.address, d.port)) continue;
      const bytes = new Uint8Array(d); // a view on it: also per datagram
      this.#receiveCb(bytes, 0, bytes.length, this.#from);
    }
  }

  /** Fills the reused `from` record; false for an address we cannot parse. */
  #setFrom(address: string, port: number): boolean {
    const f = this.#from;
    if (address === this.#lastFromAddress && this.#lastFromFamily !== 0) {
      f.port = port;
      return true;
    }
    f.port = port;
    if (parseIPv4(address, f)) { this.#lastFromAddress = address; this.#lastFromFamily = 4; return true; }
    if (parseAddress(address, port, f)) { this.#lastFromAddress = address; this.#lastFromFamily = f.family; return true; }
    this.#lastFromFamily = 0;
    return false;
  }

  now(): number {
    const t = Time.ticks;
    this.#elapsed += Time.delta(this.#lastTicks, t);
    this.#lastTicks = t;
    return this.#elapsed;
  }

  random(buf: Uint8Array, off: number, len: number): void {
    for (let j = 0; j < len; j++) {
      if (this.#poolPos >= this.#pool.length) { this.#pool = new Uint8Array(RNG.get(POOL)); this.#poolPos = 0; }
      buf[off + j] = this.#pool[this.#poolPos++];
    }
  }

  send(buf: Uint8Array, off: number, len: number, to: PeerAddress): void {
    if (this.#closed) return;
    const host = this.#hostText(to);
    // A view only when the datagram is not the whole buffer (see the top of this file).
    const data = off === 0 && len === buf.length ? buf : buf.subarray(off, off + len);
    try { this.#udp.write(data, host, to.port); } catch { this.log(LogLevel.WARN, "udp: write failed"); }
  }

  /** The destination's address as text, made once per peer. */
  #hostText(to: PeerAddress): string {
    const peers = this.#peers;
    for (let j = 0; j < peers.length; j++) {
      const p = peers[j];
      if (p.family === to.family && p.port === to.port && p.equals(to)) return this.#peerText[j];
    }
    const j = this.#peerNext;
    this.#peerNext = (j + 1) % peers.length;
    peers[j].set(to);
    this.#peerText[j] = formatAddress(to);
    return this.#peerText[j];
  }

  onReceive(cb: ReceiveCb): void { this.#receiveCb = cb; }

  setTimer(deadline: number, cb: () => void): void {
    this.#timerCb = cb;
    if (this.#closed) return;
    if (deadline === Infinity) {
      if (this.#timer) Timer.schedule(this.#timer);
      return;
    }
    let ms = Math.ceil(deadline - this.now());
    if (ms < 0) ms = 0;
    if (ms > TIMER_PARK) ms = TIMER_PARK;
    // One repeating timer, created once and rescheduled (Timer.schedule allocates nothing); it
    // parks itself when it fires.
    if (!this.#timer) this.#timer = Timer.repeat(this.#fire, TIMER_PARK);
    Timer.schedule(this.#timer, ms, TIMER_PARK);
  }

  storageRead(key: string, out: Uint8Array): number { return this.#store.read(key, out); }

  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean {
    return this.#store.write(key, buf, off, len);
  }

  storageDelete(key: string): void { this.#store.delete(key); }

  log(level: LogLevel, msg: string): void {
    if (level > (this.#opts.logLevel ?? LogLevel.INFO)) return;
    trace(LEVEL[level] + msg + "\n");
  }

  resolve(host: string, port: number, out: PeerAddress): Promise<boolean> {
    if (parseIPv4(host, out)) { out.port = port; return Promise.resolve(true); }
    if (parseAddress(host, port, out)) return Promise.resolve(true);
    return new Promise((resolve) => {
      Net.resolve(host, (_name: string, address?: string) => {
        resolve(address ? (parseIPv4(address, out) || parseAddress(address, port, out)) && setPort(out, port) : false);
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) { Timer.clear(this.#timer); this.#timer = null; }
    if (!this.asleep) (this.#udp as unknown as { close(): void }).close();
  }

  reboot(): void {
    this.log(LogLevel.INFO, "device: reboot requested");
    if (this.#opts.onReboot) this.#opts.onReboot();
  }

  factoryReset(): void {
    this.log(LogLevel.INFO, "device: factory reset requested");
    if (this.#opts.onFactoryReset) this.#opts.onFactoryReset();
  }

  provisioning(): Uint8Array | null { return this.#opts.provisioning ?? null; }
}

function setPort(out: PeerAddress, port: number): boolean { out.port = port; return true; }
