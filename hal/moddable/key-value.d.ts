// For our own type check (hal/moddable/tsconfig.json) against @moddable/typings 5.6.0, which lacks it:
// ECMA-419 2nd edition key-value storage. The Moddable SDK 8.2.3 declares this module itself
// (typings/embedded/storage/key-value.d.ts), so mcconfig must never see this file (TS2300 Duplicate
// identifier): nothing references it, only our tsconfig's "files" list.
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
