// Espruino's `E` as hal/espruino uses it (https://www.espruino.com/Reference#E): its own file, so that
// aes.ts can reference it when the host's tests compile it with Node's types (no `require` clash).
declare const E: {
  /** A 32-bit random number from the hardware RNG. */
  hwRand(): number;
  /** The bytes of a typed array as a (binary) string. */
  toString(data: Uint8Array): string;
  /** A string's bytes as a new Uint8Array. */
  toUint8Array(data: string): Uint8Array;
  /** A hard reset (Linux: prints "Not implemented" and exits). */
  reboot(): void;
  /** The address of the variable v itself (flatAddress false, the default): its identity while it lives. */
  getAddressOf(v: unknown, flatAddress?: boolean): number;
  /** The chip's temperature, °C. */
  getTemperature(): number;
};
