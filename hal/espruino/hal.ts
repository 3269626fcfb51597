// The Espruino HAL: one `dgram` UDP socket for every peer, getTime() as the clock, one setTimeout at
// the core's next deadline, the hardware RNG (E.hwRand), Storage for the committed configuration
// (storage.ts: written so that a reset mid-write keeps the previous one), print() for logs.
//
// Where the platform forces an allocation (the HAL edge, ARCHITECTURE.md §2): Espruino's dgram
// takes and gives binary strings (a Uint8Array passed to send() stops the interpreter), so every
// datagram is copied once between a string and bytes — E.toUint8Array(msg) on receive,
// E.toString(buf) on send. That copy is the one allocation per datagram; the rest allocates nothing
// per datagram (the source address is parsed without allocating and the last one is cached; the
// destination's address string is made once per peer).
import type { Hal, BoardSleep } from '../hal.js';
import { LogLevel, sleepMs } from '../hal.js';
import { PeerAddress, formatAddress, parseAddress, parseIPv4 } from '../../src/coap/peer.js';
import { SafeStore } from './storage.js';

export interface EspruinoHalOptions {
  /** Local UDP port; 0 lets the stack pick one. */
  port?: number;
  /** Least important level printed (default INFO). */
  logLevel?: LogLevel;
  /** Destinations whose address string is cached (default 2: config.maxPeers). */
  peerCache?: number;
  /** Storage file prefix of the committed configuration (default "lwm2m"). */
  storagePrefix?: string;
  provisioning?: Uint8Array | null;
  onReboot?: () => void;
  onFactoryReset?: () => void;
  /** The board's sleep while offline (the setting lwm2mSleep; default "none"): ESP32.lightSleep or
   *  ESP32.deepSleep on an ESP32 build; elsewhere (no ESP32 class) the socket is closed and the
   *  program waits on its timer, as with "none" (one log line says so). */
  sleep?: BoardSleep;
}

/** Espruino's ESP32 class (ESP32 builds only: absent on the Linux build). Its methods are reached by
 *  quoted names, which the bundle's property mangler leaves alone. */
declare const ESP32: { [name: string]: (n: number) => void } | undefined;
/** ESP32.deepSleep takes a C int of microseconds: at most 2^31 − 1 µs (35.8 min). */
const DEEP_MAX_MS = 2147483;

type ReceiveCb = (buf: Uint8Array, off: number, len: number, from: PeerAddress) => void;

const LEVEL = ['ERROR ', 'WARN  ', 'INFO  ', 'DEBUG '];

export class EspruinoHal implements Hal {
  #sock: EspruinoSocket;
  /** Queue Mode: the socket is released until wake() (a bound dgram socket keeps the interpreter
   *  busy, 100 % of a core on Linux, and an ESP32 out of light sleep). */
  asleep = false;
  readonly #opts: EspruinoHalOptions;
  readonly #store: SafeStore;
  readonly #t0 = getTime();
  // E.hwRand() on Espruino's Linux build is rand() never seeded: the same numbers after every start
  // (a restarted client would reuse its message IDs and tokens, and a server's dedup cache answer
  // them). The start time goes into every random word; on a device, whose E.hwRand is the hardware
  // RNG, it changes nothing.
  readonly #salt = Math.floor((this.#t0 % 4194304) * 1000) >>> 0;
  #receiveCb: ReceiveCb | null = null;
  readonly #from = new PeerAddress();
  #lastFrom = '';
  readonly #peers: PeerAddress[] = [];
  readonly #peerText: string[] = [];
  #peerNext = 0;
  #timer = 0;
  #timerCb: (() => void) | null = null;
  readonly #fire = (): void => {
    this.#timer = 0;
    const cb = this.#timerCb;
    if (cb) cb();
  };
  #closed = false;

  constructor(opts: EspruinoHalOptions = {}) {
    this.#opts = opts;
    const S = require('Storage');
    this.#store = new SafeStore(opts.storagePrefix ?? 'lwm2m', {
      read: (name: string) => S.read(name),
      write: (name: string, data: Uint8Array) => S.write(name, E.toString(data)), // Storage takes binary strings
      erase: (name: string) => S.erase(name),
    });
    for (let j = 0; j < (opts.peerCache ?? 2); j++) { this.#peers.push(new PeerAddress()); this.#peerText.push(''); }
    this.#sock = this.#open();
  }

  #open(): EspruinoSocket {
    const sock: EspruinoSocket = require('dgram').createSocket('udp4');
    sock.on('message', (msg: string, rinfo: EspruinoRinfo) => this.#message(msg, rinfo));
    sock.on('error', () => this.log(LogLevel.WARN, 'udp: socket error'));
    sock.bind(this.#opts.port ?? 0);
    return sock;
  }

  /** Queue Mode: offline until `until`: the socket is closed (the timer stays armed), then the
   *  board's sleep (opts.sleep, hal.ts sleepMs): "light", ESP32.lightSleep(ms) — it returns at the
   *  deadline and the timer fires; "deep", ESP32.deepSleep(µs) — the program starts again then (the
   *  client took its state at going offline), at most 35.8 min later (a C int of µs: a longer wait
   *  restarts early, and the client sends an Update then, as after a reset). Without the ESP32 class
   *  (the Linux build) the program waits with the socket closed. Wi-Fi is not kept in either sleep
   *  (ESP-IDF): after a light sleep the board's network comes back before the next send, or the
   *  exchange times out and is retried; with a Connection ID (queueDtls "cid") a new address is fine. */
  sleep(until: number): void {
    if (this.asleep || this.#closed) return;
    this.asleep = true;
    this.#sock.close();
    const mode = this.#opts.sleep, deep = mode === 'deep';
    const ms = sleepMs(mode, until, this.now(), deep ? DEEP_MAX_MS : 2147483647);
    if (ms <= 0) return;
    const call = deep ? 'deepSleep' : 'lightSleep';
    if (typeof ESP32 !== 'undefined' && ESP32 !== undefined && typeof ESP32[call] === 'function') {
      this.log(LogLevel.INFO, 'lwm2m-mcu: sleep: ESP32.' + call + ' ' + ms + ' ms');
      ESP32[call](deep ? ms * 1000 : ms);
    } else this.log(LogLevel.INFO, 'lwm2m-mcu: sleep: ' + mode + ' for ' + ms + ' ms: no ESP32.' + call + ' on this build: waiting with the socket closed');
  }

  /** Queue Mode: a new socket, on the configured port (opts.port; 0: any). */
  wake(): void {
    if (!this.asleep || this.#closed) return;
    this.asleep = false;
    this.#sock = this.#open();
  }

  #message(msg: string, rinfo: EspruinoRinfo): void {
    if (this.#closed || !this.#receiveCb) return;
    const f = this.#from;
    if (rinfo.address !== this.#lastFrom) {
      if (!parseIPv4(rinfo.address, f) && !parseAddress(rinfo.address, rinfo.port, f)) { this.#lastFrom = ''; return; }
      this.#lastFrom = rinfo.address;
    }
    f.port = rinfo.port;
    const bytes = E.toUint8Array(msg); // the string → bytes copy: the one allocation per datagram
    this.#receiveCb(bytes, 0, bytes.length, f);
  }

  now(): number { return (getTime() - this.#t0) * 1000; }

  random(buf: Uint8Array, off: number, len: number): void {
    for (let j = 0; j < len; j += 4) {
      const r = (E.hwRand() ^ this.#salt) >>> 0;
      for (let k = 0; k < 4 && j + k < len; k++) buf[off + j + k] = (r >>> (8 * k)) & 0xff;
    }
  }

  send(buf: Uint8Array, off: number, len: number, to: PeerAddress): void {
    if (this.#closed) return;
    // The bytes → string copy: the one allocation per datagram (dgram wants a string). The whole
    // buffer is converted and the datagram given by offset and length: no view on top.
    this.#sock.send(E.toString(buf), off, len, to.port, this.#hostText(to));
  }

  #hostText(to: PeerAddress): string {
    const peers = this.#peers;
    for (let j = 0; j < peers.length; j++) if (peers[j].equals(to)) return this.#peerText[j];
    const j = this.#peerNext;
    this.#peerNext = (j + 1) % peers.length;
    peers[j].set(to);
    this.#peerText[j] = formatAddress(to);
    return this.#peerText[j];
  }

  onReceive(cb: ReceiveCb): void { this.#receiveCb = cb; }

  /** One timer: the previous one is cancelled, the new one armed at the deadline. */
  setTimer(deadline: number, cb: () => void): void {
    this.#timerCb = cb;
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = 0; }
    if (this.#closed || deadline === Infinity) return;
    let ms = Math.ceil(deadline - this.now());
    if (ms < 0) ms = 0;
    this.#timer = setTimeout(this.#fire, ms);
  }

  storageRead(key: string, out: Uint8Array): number { return this.#store.read(key, out); }
  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean { return this.#store.write(key, buf, off, len); }
  storageDelete(key: string): void { this.#store.erase(key); }

  log(level: LogLevel, msg: string): void {
    if (level > (this.#opts.logLevel ?? LogLevel.INFO)) return;
    print(LEVEL[level] + msg);
  }

  /** Literal addresses only (Espruino's dgram takes an address; a board resolves names itself). */
  resolve(host: string, port: number, out: PeerAddress): Promise<boolean> {
    if (parseIPv4(host, out)) { out.port = port; return Promise.resolve(true); }
    return Promise.resolve(parseAddress(host, port, out));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = 0; }
    if (!this.asleep) this.#sock.close();
  }

  reboot(): void {
    this.log(LogLevel.INFO, 'device: reboot requested');
    if (this.#opts.onReboot) this.#opts.onReboot();
  }

  factoryReset(): void {
    this.log(LogLevel.INFO, 'device: factory reset requested');
    this.#store.erase('config');
    if (this.#opts.onFactoryReset) this.#opts.onFactoryReset();
  }

  provisioning(): Uint8Array | null { return this.#opts.provisioning ?? null; }
}
