// The platform seam: what a client needs from the engine it runs on (UDP, a timer, storage, random
// bytes, optionally native AES and a wall clock). The application never touches it: each engine has
// an entry module that registers its platform and re-exports the public API —
//   Node:      hal/node/index.ts      (import { Lwm2mClient } from 'lwm2m-mcu')
//   Moddable:  hal/moddable/… , Espruino: hal/espruino/…  (the packaging issue ships those entries)
// — so the same application source runs on the three; only the application's own IO differs.
import type { PeerAddress } from '../coap/peer.js';
import type { BlockCipherProvider } from '../crypto/provider.js';

/** One open UDP socket with its timer and key-value storage. hal/hal.ts's Hal is one. */
export interface Transport {
  /** A monotonic clock, ms. */
  now(): number;
  send(buf: Uint8Array, off: number, len: number, to: PeerAddress): void;
  onReceive(cb: (buf: Uint8Array, off: number, len: number, from: PeerAddress) => void): void;
  /** The one timer: cb at `deadline` (ms on now()'s clock); Infinity cancels. */
  setTimer(deadline: number, cb: () => void): void;
  storageRead(key: string, out: Uint8Array): number;
  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean;
  storageDelete(key: string): void;
  /** Levels: 0 error, 1 warn, 2 info, 3 debug. */
  log(level: number, msg: string): void;
  close(): void;
  /** Queue Mode (optional): the client went offline until `until` (ms on now()): release the socket
   *  (and whatever keeps the device awake); wake() brings it back before the next send. */
  sleep?(until: number): void;
  wake?(): void;
  readonly asleep?: boolean;
}

export interface OpenOptions {
  /** Local UDP port (0: any). */
  port?: number;
  /** Local address to bind (the platform's default when absent). */
  address?: string;
}

export interface Platform {
  readonly name: string;
  /** Cryptographic random bytes, available before any transport is open (seeds, DTLS randoms). */
  random(buf: Uint8Array, off: number, len: number): void;
  /** Opens the client's transport. */
  open(opts: OpenOptions): Transport | Promise<Transport>;
  /** Native AES-128, one provider per call (DTLS uses two per session); portable AES when absent. */
  aes?(): BlockCipherProvider;
  /** Seconds since the Unix epoch, when the platform has a wall clock (/3/0/13 Current Time). */
  wallClock?(): number;
  /** Free heap in KiB (/3/0/10 Memory Free), when the platform can tell. */
  memoryFree?(): number;
  /** A platform short of memory: DTLS handshake state made per handshake and dropped after it
   *  (ClientOptions.transientHandshake in src/client/client.ts), then this is called (Espruino gives
   *  the handshake's code back). Absent: the state is made once and kept. */
  transientHandshake?(): void;
  /** A platform short of memory: the bootstrap staging table made per bootstrap and dropped after
   *  it, the configuration buffer made per load or save (ClientOptions.lowMemory). Absent: both made
   *  once and kept. */
  readonly lowMemory?: boolean;
}

let current: Platform | null = null;

/** Called by an engine's entry module (once, at load). */
export function registerPlatform(p: Platform): void { current = p; }

/** The registered platform, or null. */
export function currentPlatform(): Platform | null { return current; }

