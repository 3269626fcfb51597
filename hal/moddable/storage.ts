// Storage through ECMA-419 `embedded:storage/key-value` (Moddable 5+ on ESP32: NVS underneath).
// Boards whose Moddable lacks it map the module "hal/moddable/storage" to storage-preference.ts in
// their manifest instead; both export the same `openStore()`. Not a hot path: values are copied.
import KeyValue from "embedded:storage/key-value";
import { type ByteStore, copyOut, storageKey } from "./store.js";

class KeyValueStore implements ByteStore {
  readonly #kv;
  constructor(domain: string) { this.#kv = KeyValue.open({ path: domain, format: "buffer", mode: "r+" }); }

  read(key: string, out: Uint8Array): number {
    const v = this.#kv.read(storageKey(key));
    return v instanceof ArrayBuffer ? copyOut(v, out) : -1;
  }

  write(key: string, buf: Uint8Array, off: number, len: number): boolean {
    try { this.#kv.write(storageKey(key), buf.slice(off, off + len)); return true; } catch { return false; }
  }

  delete(key: string): void {
    try { this.#kv.delete(storageKey(key)); } catch { /* absent */ }
  }
}

export function openStore(domain: string): ByteStore { return new KeyValueStore(domain); }
