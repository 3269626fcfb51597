// Storage through Moddable's `preference` module (NVS on ESP32), for builds without
// `embedded:storage/key-value`. Same export as storage.ts; a board's manifest picks one.
import Preference from "preference";
import { type ByteStore, copyOut, storageKey } from "./store.js";

class PreferenceStore implements ByteStore {
  constructor(readonly domain: string) {}

  read(key: string, out: Uint8Array): number {
    const v = Preference.get(this.domain, storageKey(key));
    return v instanceof ArrayBuffer ? copyOut(v, out) : -1;
  }

  write(key: string, buf: Uint8Array, off: number, len: number): boolean {
    try { Preference.set(this.domain, storageKey(key), buf.slice(off, off + len).buffer); return true; } catch { return false; }
  }

  delete(key: string): void {
    try { Preference.delete(this.domain, storageKey(key)); } catch { /* absent */ }
  }
}

export function openStore(domain: string): ByteStore { return new PreferenceStore(domain); }
