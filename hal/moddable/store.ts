// The byte store under the HAL's storageRead/Write/Delete.
export interface ByteStore {
  /** Copies the value into out; its length, or -1 when absent or larger than out. */
  read(key: string, out: Uint8Array): number;
  /** Stores the bytes; false on failure. */
  write(key: string, buf: Uint8Array, off: number, len: number): boolean;
  delete(key: string): void;
}

/** NVS (ESP32) limits keys to 15 characters: longer keys keep their first 7 characters and a hash. */
export function storageKey(key: string): string {
  if (key.length <= 15) return key;
  let h = 0x811c9dc5;
  for (let j = 0; j < key.length; j++) h = Math.imul(h ^ key.charCodeAt(j), 0x01000193) >>> 0;
  return key.substring(0, 7) + h.toString(16).padStart(8, "0");
}

/** Copies an ArrayBuffer value into out; its length, or -1. */
export function copyOut(v: ArrayBuffer, out: Uint8Array): number {
  const src = new Uint8Array(v);
  if (src.length > out.length) return -1;
  for (let j = 0; j < src.length; j++) out[j] = src[j];
  return src.length;
}
