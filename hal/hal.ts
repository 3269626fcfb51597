// The platform interface: everything the portable core needs from a board. The core itself never
// calls it (sans-IO, ARCHITECTURE.md §1); a driver moves datagrams and deadlines between the two.
// Implementations: hal/node (host, CI), hal/moddable (ESP32 and Moddable's simulator), hal/espruino.

import type { PeerAddress } from '../src/coap/peer.js';
import type { FirmwareStore } from '../src/client/firmware-store.js';

/** Where Firmware Update (object 5) stages and applies images: a HAL offers one beside the Hal
 *  (hal/node/firmware.ts, hal/moddable/firmware.ts) and the board passes it to createBoardClient. */
export type { FirmwareStore };

export const enum LogLevel { ERROR = 0, WARN = 1, INFO = 2, DEBUG = 3 }

/** (src/api/platform.ts Transport is the part of it the public client uses: a Hal is one. Not derived
 *  from it: the device builds compile hal/ without src/api.) */
export interface Hal {
  /** A monotonic clock in milliseconds. */
  now(): number;
  /** Fills buf[off … off+len) with random bytes (cryptographic quality where the platform has it). */
  random(buf: Uint8Array, off: number, len: number): void;
  /** Sends one datagram from the one local socket. */
  send(buf: Uint8Array, off: number, len: number, to: PeerAddress): void;
  /** Installs the receive callback: (buf, off, len, from). `from` may be a reused record. */
  onReceive(cb: (buf: Uint8Array, off: number, len: number, from: PeerAddress) => void): void;
  /** The one timer: call `cb` at `deadline` (ms on the now() clock); Infinity cancels. */
  setTimer(deadline: number, cb: () => void): void;
  /** Key-value storage: copies the value into out; its length, or -1 when absent. */
  storageRead(key: string, out: Uint8Array): number;
  /** Stores a value durably (atomically: the old value or the new, never a mix). False on failure. */
  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean;
  storageDelete(key: string): void;
  /** One line of log. */
  log(level: LogLevel, msg: string): void;
  /** Resolves a host name to an address (literal addresses need no HAL call). */
  resolve(host: string, port: number, out: PeerAddress): Promise<boolean>;
  /** Stops the socket and the timer. */
  close(): void;
  /** Device hooks for /3/0/4 Reboot and /3/0/5 Factory Reset. */
  reboot(): void;
  factoryReset(): void;
  /** The smartcard / provisioning source (LwM2M TS Core §6.1.2): a bootstrap configuration blob, or null. */
  provisioning(): Uint8Array | null;
  /** Queue Mode (src/client/queue.ts): the client went offline until `until` (ms on now(); Infinity:
   *  until something wakes it). The HAL releases what keeps the device awake — its socket — and may
   *  sleep; the timer stays armed and wakes it. Optional: a HAL without it keeps its socket. */
  sleep?(until: number): void;
  /** Back online: the socket again (the same port when it can, else a new one) before the next send. */
  wake?(): void;
  /** True between sleep() and wake(). */
  readonly asleep?: boolean;
}

/** The drivers' one send loop and what it drives (src/client/send-loop.ts: the public client runs it too). */
export { sendQueued, type SansIoCore } from '../src/client/send-loop.js';

/** The board's sleep while the client is offline (Queue Mode; the board setting lwm2mSleep): "none"
 *  (the default: the socket is closed, the program idles on its timer), "light" (the CPU sleeps and
 *  goes on where it stopped) or "deep" (the chip sleeps and the program starts again: the client
 *  carries on from its persisted sleep state, src/client/persist.ts). */
export type BoardSleep = 'none' | 'light' | 'deep';

/** How long a HAL's sleep(until) puts the board to sleep, on its clock `now`: ms, capped at `max`
 *  (what the platform call can take); 0 for none — mode "none", no deadline (until Infinity: nothing
 *  would end the sleep), or less than a second away (not worth a sleep and its wake). */
export function sleepMs(mode: string | undefined, until: number, now: number, max: number): number {
  if (mode !== 'light' && mode !== 'deep') return 0;
  const ms = Math.floor(until - now);
  if (!(ms >= 1000 && ms < Infinity)) return 0;
  return ms > max ? max : ms;
}
