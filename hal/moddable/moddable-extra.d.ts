// Declarations for the Moddable modules the HAL uses that @moddable/typings 5.6.0 lacks.

// $(MODULES)/crypt: the native block ciphers (AES, DES, TDES). encrypt/decrypt read one block from
// `data` and write it into `result` when given (no allocation), else into a new ArrayBuffer.
declare module "crypt" {
  export class BlockCipher {
    constructor(name: "AES" | "DES" | "TDES", key: ArrayBuffer | Uint8Array, keySize?: number, blockSize?: number);
    encrypt(data: ArrayBuffer | Uint8Array, result?: ArrayBuffer | Uint8Array): ArrayBuffer;
    decrypt(data: ArrayBuffer | Uint8Array, result?: ArrayBuffer | Uint8Array): ArrayBuffer;
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

// ECMA-419 2nd edition key-value storage (Moddable: modules/io/storage/key-value).
declare module "embedded:storage/key-value" {
  export interface KeyValueStorage {
    read(key: string): ArrayBuffer | string | number | undefined;
    write(key: string, value: ArrayBuffer | Uint8Array | string | number): void;
    delete(key: string): void;
    close(): void;
    format: "buffer" | "string";
  }
  const KeyValue: {
    open(options: { path: string; format?: "buffer" | "string"; mode?: "r" | "r+" }): KeyValueStorage;
  };
  export default KeyValue;
}
