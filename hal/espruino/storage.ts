// Storage for the committed configuration, written so that a reset at any moment keeps the previous
// one: two Storage files per key (<prefix>.<key>.0 and .1), each a header — magic "LW", a 32-bit
// generation, the length, a 32-bit FNV-1a checksum of the data — and the data. A write goes to the
// file that does not hold the newest generation, with the next generation; a read takes the valid
// file with the highest generation. A reset mid-write leaves a file whose checksum (or length) is
// wrong, or an older generation: the other file, the previous commit, is read.
// Allocation: a write builds the file's bytes (rare: a commit); a read copies the file's string into
// `out`. No Espruino global here (hal.ts gives it Espruino's Storage), so Node tests run it too.

const MAGIC0 = 0x4c, MAGIC1 = 0x57; // "LW"
const HEADER = 12;

export function fnv1a(buf: Uint8Array, off: number, len: number): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < len; j++) { h ^= buf[off + j]; h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}

/** The bytes of one Storage file: what a Storage-like object needs. */
export interface StorageLike {
  read(name: string): string | undefined;
  /** Writes a whole file (hal.ts: Storage.write of E.toString(data)). */
  write(name: string, data: Uint8Array): boolean;
  erase(name: string): void;
}

export class SafeStore {
  readonly #prefix: string;
  readonly #storage: StorageLike;

  constructor(prefix: string, storage: StorageLike) {
    this.#prefix = prefix;
    this.#storage = storage;
  }

  #name(key: string, slot: number): string { return this.#prefix + '.' + key + '.' + slot; }

  /** The generation of a valid file, -1 when absent or damaged; its data is copied to out when given. */
  #check(name: string, out: Uint8Array | null): number {
    const s = this.#storage.read(name);
    if (s === undefined || s.length < HEADER) return -1;
    if (s.charCodeAt(0) !== MAGIC0 || s.charCodeAt(1) !== MAGIC1) return -1;
    const gen = ((s.charCodeAt(2) << 24) | (s.charCodeAt(3) << 16) | (s.charCodeAt(4) << 8) | s.charCodeAt(5)) >>> 0;
    const len = (s.charCodeAt(6) << 8) | s.charCodeAt(7);
    const sum = ((s.charCodeAt(8) << 24) | (s.charCodeAt(9) << 16) | (s.charCodeAt(10) << 8) | s.charCodeAt(11)) >>> 0;
    if (s.length !== HEADER + len || (out && len > out.length)) return -1;
    let h = 0x811c9dc5;
    for (let j = 0; j < len; j++) { h ^= s.charCodeAt(HEADER + j); h = Math.imul(h, 0x01000193) >>> 0; }
    if (h >>> 0 !== sum) return -1;
    if (out) for (let j = 0; j < len; j++) out[j] = s.charCodeAt(HEADER + j);
    return gen;
  }

  #length(name: string): number {
    const s = this.#storage.read(name)!;
    return (s.charCodeAt(6) << 8) | s.charCodeAt(7);
  }

  /** Copies the newest valid value into out; its length, or -1. */
  read(key: string, out: Uint8Array): number {
    const g0 = this.#check(this.#name(key, 0), null), g1 = this.#check(this.#name(key, 1), null);
    if (g0 < 0 && g1 < 0) return -1;
    const slot = g1 > g0 ? 1 : 0;
    if (this.#check(this.#name(key, slot), out) < 0) return -1;
    return this.#length(this.#name(key, slot));
  }

  write(key: string, buf: Uint8Array, off: number, len: number): boolean {
    if (len > 0xffff) return false;
    const g0 = this.#check(this.#name(key, 0), null), g1 = this.#check(this.#name(key, 1), null);
    const newest = g1 > g0 ? 1 : 0;
    const slot = g0 < 0 && g1 < 0 ? 0 : 1 - newest;
    const gen = (Math.max(g0, g1, 0) + 1) >>> 0;
    const file = new Uint8Array(HEADER + len);
    const sum = fnv1a(buf, off, len);
    file[0] = MAGIC0; file[1] = MAGIC1;
    file[2] = gen >>> 24; file[3] = (gen >>> 16) & 0xff; file[4] = (gen >>> 8) & 0xff; file[5] = gen & 0xff;
    file[6] = len >>> 8; file[7] = len & 0xff;
    file[8] = sum >>> 24; file[9] = (sum >>> 16) & 0xff; file[10] = (sum >>> 8) & 0xff; file[11] = sum & 0xff;
    for (let j = 0; j < len; j++) file[HEADER + j] = buf[off + j];
    const name = this.#name(key, slot);
    this.#storage.erase(name);
    if (!this.#storage.write(name, file)) return false;
    return this.#check(name, null) === gen;
  }

  erase(key: string): void {
    this.#storage.erase(this.#name(key, 0));
    this.#storage.erase(this.#name(key, 1));
  }
}
