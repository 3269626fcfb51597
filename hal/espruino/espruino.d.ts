// The little of Espruino's runtime that hal/espruino uses (https://www.espruino.com/Reference).
// Type-checking only: hal/espruino/tsconfig.json (no Node, no DOM types). `E` is in espruino-e.d.ts
// (also referenced by aes.ts, which the host's tests compile with Node's types).
/// <reference path="./espruino-e.d.ts" />
declare function require(name: 'dgram'): EspruinoDgram;
declare function require(name: 'Storage'): EspruinoStorage;
declare function require(name: 'crypto'): EspruinoCrypto;
declare function getTime(): number;
declare function setTimeout(cb: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function print(...args: unknown[]): void;
// Pins and IO, for applications (espruino-build type-checks an app's .ts against this file).
interface Pin { read(): boolean; write(v: boolean | number): void }
declare const D0: Pin, D1: Pin, D2: Pin, D4: Pin, D5: Pin, D12: Pin, D13: Pin, D14: Pin, D15: Pin, D16: Pin, D17: Pin, D18: Pin, D19: Pin,
  D21: Pin, D22: Pin, D23: Pin, D25: Pin, D26: Pin, D27: Pin, D32: Pin, D33: Pin, D34: Pin, D35: Pin, D36: Pin, D39: Pin;
declare function digitalWrite(pin: Pin, value: number | boolean): void;
declare function digitalRead(pin: Pin): number;
declare function analogRead(pin: Pin): number;
declare function pinMode(pin: Pin, mode: string): void;
declare function setWatch(cb: (e: { state: boolean; time: number; lastTime: number }) => void, pin: Pin,
  opts?: { repeat?: boolean; edge?: 'rising' | 'falling' | 'both'; debounce?: number }): number;
declare function clearWatch(id?: number): void;
declare function setInterval(cb: () => void, ms: number): number;
declare function clearInterval(id: number): void;
declare const process: { memory(gc?: boolean): { free: number; usage: number; total: number; history: number } };
/** Defined by espruino-build --measure: the app loads, its client does not start. */
declare var LWM2M_MEASURE: number | undefined;
declare var LWM2M_SETTINGS: { [key: string]: unknown } | null;
/** getTime() when the bundle started to run (its first statement: host/espruino-build.ts buildDeviceBundle). */
declare var LWM2M_T0: number;
/** The bundle's loader: drops the releasable modules loaded so far (host/espruino-build.ts); their number. */
declare var LWM2M_RELEASE: (group?: string) => number;

interface EspruinoRinfo { address: string; port: number; size: number }
interface EspruinoSocket {
  on(ev: 'message', cb: (msg: string, rinfo: EspruinoRinfo) => void): void;
  on(ev: 'error' | 'close', cb: (e?: unknown) => void): void;
  bind(port: number, cb?: () => void): EspruinoSocket;
  send(data: string, offset: number, length: number, port: number, address: string): void;
  close(): void;
}
interface EspruinoDgram { createSocket(type: 'udp4' | { type: 'udp4'; reuseAddr?: boolean }): EspruinoSocket }
interface EspruinoStorage {
  /** A file (or `length` bytes of it from `offset`; 0: to the end), undefined when absent. */
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  /** A whole file; or, with offset 0 and size, a new file of `size` bytes starting with data; with
   *  offset > 0, data written into the existing file at offset (flash: only over erased bytes). */
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: unknown): boolean;
  getStats(): { totalBytes: number; freeBytes: number; fileBytes: number; fileCount: number; trashBytes: number; trashCount: number };
  erase(name: string): void;
}
/** Each returns a new ArrayBuffer, which Espruino indexes as bytes (declared here as the Uint8Array
 *  it behaves as: TypedArray.set takes it). */
interface EspruinoCrypto {
  AES: {
    encrypt(data: Uint8Array, key: Uint8Array, options?: { mode?: string }): Uint8Array;
    decrypt(data: Uint8Array, key: Uint8Array, options?: { mode?: string }): Uint8Array;
  };
  /** One-shot SHA-256 of the whole message. */
  SHA256(message: Uint8Array): Uint8Array;
}
