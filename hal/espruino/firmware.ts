// The firmware store (src/client/firmware-store.ts) on Espruino: the "firmware" of an Espruino board
// is its JavaScript, the bundle `make espruino` writes, kept in Storage and run from there. Two slots:
// the file the board first booted (lwm2m-mcu.js) and lwm2m-mcu.b; the Storage file lwm2m.boot
// ({"file": slot, "length": bytes}) names the one to run, and the boot code (BOOT_CODE in
// host/espruino-build.ts, e.g. in .boot0) evaluates it. An update is staged in the other slot:
//  - begin(size) erases the other slot (never the running one: its functions point into it);
//  - write() streams each block into it with Storage.write(name, data, offset, size) (the file is
//    created at the first block, with the image's size when the core knows it — Size1 — or the
//    whole slot when it does not: a pull) and reads the block back (a flash write that failed is
//    Update Result 8, never a booted image that differs);
//  - finish() checks the length (Size1, when given) and the type: a bundle starts with the line
//    "// lwm2m-mcu version=…" (host/espruino-build.ts writes it), else Update Result 6;
//  - apply() records the pending update (the new version) in the committed configuration's store,
//    writes lwm2m.boot, and restarts (E.reboot(): on Linux the interpreter exits and is started
//    again); at the next start applied() compares the running slot's version with the recorded one.
// The previous firmware stays in its slot until the next update begins (a rollback by hand:
// Storage.erase("lwm2m.boot") boots lwm2m-mcu.js again). stored() is 0: a pull cut by a reboot
// starts over (the slot file cannot be resized or told where it stopped), as on Moddable's OTA.
// The slot's size is honest: Storage's room at construction (free and erased space, the other
// slot's file counted as free) less RESERVE for the configuration's commits.
// HAL edge (ARCHITECTURE.md §2): Storage takes binary strings, so each block is copied once into a
// string (a view of the core's buffer, then E.toString) and read back as one; nothing in the core
// allocates per block.
// No Espruino global here (main.ts passes Storage and E.toString), so Node tests run it too.
import { LogLevel, type FirmwareStore } from '../hal.js';

export const SLOT_A = 'lwm2m-mcu.js', SLOT_B = 'lwm2m-mcu.b', BOOT_FILE = 'lwm2m.boot';
/** The first line of a bundle; its version follows up to the end of the line. */
export const VERSION_HEAD = '// lwm2m-mcu version=';
/** Storage kept free for the configuration's commits (two small files at a time, and their trash). */
const RESERVE = 4096;
const IMG_KEY = 'fwimg', META_KEY = 'fwmeta', PENDING_KEY = 'fwpend';

/** What the store uses of Espruino's Storage module. */
export interface FlashStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  write(name: string, data: string, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
  getStats(): { totalBytes: number; fileBytes: number };
}

/** The HAL's committed byte store (EspruinoHal: SafeStore files) and its log. */
export interface FirmwareHal {
  storageRead(key: string, out: Uint8Array): number;
  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean;
  storageDelete(key: string): void;
  log(level: LogLevel, msg: string): void;
}

export interface EspruinoFirmwareOptions {
  /** Its byte store keeps the staged image's length and version, the resume metadata and the pending update. */
  hal: FirmwareHal;
  /** Espruino's Storage module. */
  storage: FlashStorage;
  /** Bytes → a binary string (E.toString). */
  bytesToString: (bytes: Uint8Array) => string;
  /** Restarts the device into the new slot (called once apply() has written it). */
  restart: () => void;
}

/** The version in a bundle's first line, or null. */
function versionOf(S: FlashStorage, name: string): string | null {
  const s = S.read(name, 0, 64);
  if (s === undefined || s.substr(0, VERSION_HEAD.length) !== VERSION_HEAD) return null;
  let end = VERSION_HEAD.length;
  while (end < s.length && s.charCodeAt(end) !== 10 && s.charCodeAt(end) !== 13) end++;
  return s.substring(VERSION_HEAD.length, end);
}

export class EspruinoFirmwareStore implements FirmwareStore {
  readonly maxSize: number;
  readonly #o: EspruinoFirmwareOptions;
  readonly #active: string;
  readonly #staged: string;
  #size = -1; // the image's size when known
  #fileSize = 0; // the staged file's size once created (0: not yet)
  #written = 0;
  readonly #rec = new Uint8Array(40); // [length: 3 bytes][version…] of the staged / pending image

  constructor(o: EspruinoFirmwareOptions) {
    this.#o = o;
    const S = o.storage;
    const boot = S.readJSON(BOOT_FILE, true) as { file?: string } | undefined;
    this.#active = boot && boot.file === SLOT_B ? SLOT_B : SLOT_A;
    this.#staged = this.#active === SLOT_A ? SLOT_B : SLOT_A;
    const st = S.getStats();
    const old = S.read(this.#staged);
    const room = st.totalBytes - st.fileBytes + (old === undefined ? 0 : old.length) - RESERVE;
    this.maxSize = room > 0 ? room & ~3 : 0;
  }

  /** The slot being staged (tests, logs). */
  get slot(): string { return this.#staged; }

  begin(size: number): number {
    if (size > this.maxSize) return -2;
    this.#o.storage.erase(this.#staged);
    this.#o.hal.storageDelete(IMG_KEY);
    this.#o.hal.storageDelete(META_KEY);
    this.#size = size; this.#fileSize = 0; this.#written = 0;
    return 0;
  }

  write(offset: number, buf: Uint8Array, off: number, len: number): number {
    if (len <= 0 || offset + len <= this.#written) return 0; // written already (flash is written once)
    if (offset !== this.#written) return -8;
    if (offset + len > this.maxSize || (this.#size >= 0 && offset + len > this.#size)) return -2;
    const S = this.#o.storage;
    const data = this.#o.bytesToString(new Uint8Array(buf.buffer, buf.byteOffset + off, len)); // HAL edge: the block as a string
    let ok: boolean;
    if (this.#fileSize === 0) {
      this.#fileSize = this.#size >= 0 ? this.#size : this.maxSize;
      ok = S.write(this.#staged, data, 0, this.#fileSize);
    } else ok = S.write(this.#staged, data, offset);
    if (!ok) return -2;
    if (S.read(this.#staged, offset, len) !== data) return -8; // read back: the flash holds the block
    this.#written = offset + len;
    return 0;
  }

  finish(): number {
    const n = this.#written;
    if (n === 0 || (this.#size >= 0 && n !== this.#size) || n > 0xffffff) return -5;
    const v = versionOf(this.#o.storage, this.#staged);
    if (v === null || v.length > this.#rec.length - 3) return -6;
    const r = this.#rec;
    r[0] = n >>> 16; r[1] = (n >>> 8) & 0xff; r[2] = n & 0xff;
    for (let j = 0; j < v.length; j++) r[3 + j] = v.charCodeAt(j) & 0xff;
    return this.#o.hal.storageWrite(IMG_KEY, r, 0, 3 + v.length) ? 0 : -8;
  }

  abort(): void {
    // The staged file goes when this boot wrote it or a finished image is recorded; otherwise the
    // slot holds the previous firmware (kept after an update) or a cut download: erased by begin().
    if (this.#fileSize > 0 || this.#o.hal.storageRead(IMG_KEY, this.#rec) >= 0) this.#o.storage.erase(this.#staged);
    this.#o.hal.storageDelete(IMG_KEY);
    this.#o.hal.storageDelete(META_KEY);
    this.#fileSize = 0; this.#written = 0;
  }

  apply(): number {
    const r = this.#rec, hal = this.#o.hal;
    const k = hal.storageRead(IMG_KEY, r);
    if (k < 3) return -8;
    const n = (r[0] << 16) | (r[1] << 8) | r[2];
    if (versionOf(this.#o.storage, this.#staged) === null) return -6;
    // The pending update: its version (what the next start must find in the running slot).
    r[2] = 1;
    if (!hal.storageWrite(PENDING_KEY, r, 2, k - 2)) return -8;
    if (!this.#o.storage.writeJSON(BOOT_FILE, { file: this.#staged, length: n })) { hal.storageDelete(PENDING_KEY); return -8; }
    hal.storageDelete(IMG_KEY);
    hal.log(LogLevel.INFO, 'firmware: rebooting into ' + this.#staged + ' (' + n + ' bytes)');
    this.#o.restart();
    return 0;
  }

  stored(): number { return 0; }

  saveMeta(buf: Uint8Array, off: number, len: number): boolean { return this.#o.hal.storageWrite(META_KEY, buf, off, len); }

  loadMeta(out: Uint8Array): number { return this.#o.hal.storageRead(META_KEY, out); }

  applied(): number {
    const r = this.#rec, hal = this.#o.hal;
    const k = hal.storageRead(PENDING_KEY, r);
    if (k < 1) return 0;
    hal.storageDelete(PENDING_KEY);
    const v = this.version();
    if (v === null || v.length !== k - 1) return 8;
    for (let j = 0; j < v.length; j++) if ((v.charCodeAt(j) & 0xff) !== r[1 + j]) return 8;
    return 1;
  }

  version(): string | null { return versionOf(this.#o.storage, this.#active); }
}
