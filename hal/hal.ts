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
}

/** What a driver drives: the client, or a bare CoAP endpoint. */
export interface SansIoCore {
  receive(buf: Uint8Array, off: number, len: number, from: PeerAddress, now: number): number;
  poll(now: number): number;
  transmit(out: Uint8Array, at: number): number;
  readonly txPeer: PeerAddress;
}

/** The drivers' one send loop (hal/node/driver.ts, hal/moddable/main.ts, hal/espruino/main.ts): runs
 *  the core's timers and sends what it has queued, at most 64 datagrams a call so that a core that
 *  keeps producing cannot starve the event loop; returns the core's next deadline. `out` is the
 *  driver's own buffer, allocated once. */
export function sendQueued(core: SansIoCore, hal: Hal, out: Uint8Array): number {
  let deadline = core.poll(hal.now());
  for (let guard = 0; guard < 64; guard++) {
    const n = core.transmit(out, 0);
    if (n <= 0) break;
    hal.send(out, 0, n, core.txPeer);
    deadline = core.poll(hal.now());
  }
  return deadline;
}
