// Declarations for the Moddable modules the HAL uses that neither @moddable/typings 5.6.0 nor the
// Moddable SDK 8.2.3's own typings/ declare: crypt's BlockCipher (the SDK's typings/crypt.d.ts has
// Digest only; these merge with it) and rng (none). mcconfig type-checks every .ts module on its own
// (a tsconfig per file, `files: [that file]`), so hal.ts and aes.ts pull this file in with a
// `/// <reference path>`: a file listed only in hal/moddable/tsconfig.json is never seen by mcconfig.
// Nothing here may redeclare what the SDK declares (TS2300 Duplicate identifier): key-value lives in
// key-value.d.ts, which only our own tsconfig lists.

// $(MODULES)/crypt: the native block ciphers (AES, DES, TDES). encrypt/decrypt read one block from
// `data` and write it into `result` when given (no allocation), else into a new ArrayBuffer. Key, data
// and result are ArrayBuffers, never views (modCrypt.c: xsmcToArrayBuffer; "not an ArrayBuffer instance").
declare module "crypt" {
  export class BlockCipher {
    constructor(name: "AES" | "DES" | "TDES", key: ArrayBuffer);
    encrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    readonly blockSize: number;
    readonly keySize: number;
  }
}

// $(MODULES)/crypt/etc/rng: the platform's random number generator (ESP32: the hardware RNG).
declare module "rng" {
  const RNG: {
    get(n: number): ArrayBuffer;
    init(seed?: ArrayBuffer): void;
  };
  export default RNG;
}
