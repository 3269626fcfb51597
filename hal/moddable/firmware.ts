// The firmware store (src/client/firmware-store.ts) on Moddable.
// - ESP32: Moddable's OTA module ($(BUILD)/devices/esp32/modules/ota: `new OTA()` begins an update of
//   the inactive app partition (esp_ota_begin, sequential writes), `write(buffer)`, `cancel()`,
//   `complete()` — which also makes it the boot partition), then a restart boots the new image.
//   OTA writes are sequential and the handle does not survive a reboot: stored() is 0, so a pull
//   interrupted by a reboot starts again from zero (within one boot, retried blocks continue).
// - lin (Moddable's simulator): the image is a file (the "file" module), swapped in by apply().
// The outcome of an update is decided at the next start: the version the new image announces (the
// ESP-IDF app descriptor's version, image bytes 48…80; on lin its first line "version=…") is
// kept in the byte store with the apply; at start it is compared with the running firmware's version
// (mc/config lwm2mFirmwareVersion): equal → Update Result 1, else 8 (the bootloader rolled back).
// HAL edge: the block handed to OTA/File is a view of the core's buffer (one small allocation per
// block here, none in the core).
import Modules from "modules";
import type { FirmwareStore } from "../hal.js";
import type { ByteStore } from "./store.js";

interface Ota { write(data: ArrayBufferView | ArrayBuffer): void; cancel(): void; complete(): void }
type OtaClass = new () => Ota;
interface MFile { write(value: ArrayBuffer): void; close(): void; readonly length: number; position: number }
interface FileModule { File: { new (path: string, write?: boolean): MFile; delete(p: string): boolean; exists(p: string): boolean; rename(a: string, b: string): boolean } }

const DESC_VERSION = 48, DESC_VERSION_LEN = 32; // esp_image_header_t (24) + segment header (8) + esp_app_desc_t.version at 16
const META_KEY = "fw.meta", PENDING_KEY = "fw.pending";

export interface ModdableFirmwareOptions {
  /** Where the resume metadata and the pending-update marker live (the HAL's byte store). */
  store: ByteStore;
  /** The running firmware's version (mc/config lwm2mFirmwareVersion). */
  runningVersion: string;
  /** Restarts the device (after complete(): boots the new partition). Called once the Execute's
   *  2.04 has been sent. */
  restart: () => void;
  /** Slot size in bytes: the OTA partition (default 1.5 MB, the usual "ota_0" of a 4 MB flash), or the
   *  file limit on lin. */
  maxSize?: number;
  /** lin: the directory for firmware.bin / firmware.new (default the working directory). */
  dir?: string;
}

export class ModdableFirmwareStore implements FirmwareStore {
  readonly maxSize: number;
  readonly #o: ModdableFirmwareOptions;
  readonly #OTA: OtaClass | null;
  readonly #file: FileModule | null;
  #ota: Ota | null = null;
  #f: MFile | null = null;
  #written = 0;
  readonly #version = new Uint8Array(DESC_VERSION_LEN);
  readonly #scratch = new Uint8Array(64);

  constructor(o: ModdableFirmwareOptions) {
    this.#o = o;
    this.maxSize = o.maxSize ?? 1536 * 1024;
    this.#OTA = Modules.has("ota") ? Modules.importNow("ota") as OtaClass : null;
    this.#file = this.#OTA === null && Modules.has("file") ? Modules.importNow("file") as FileModule : null;
  }

  /** True when this platform can stage an image (the OTA module, or files). */
  get available(): boolean { return this.#OTA !== null || this.#file !== null; }

  #path(name: string): string {
    const d = this.#o.dir ?? ".";
    return d.endsWith("/") ? d + name : d + "/" + name;
  }

  begin(size: number): number {
    if (size > this.maxSize || !this.available) return -2;
    this.abort();
    try {
      if (this.#OTA !== null) this.#ota = new this.#OTA();
      else {
        const F = this.#file!.File;
        if (F.exists(this.#path("firmware.new"))) F.delete(this.#path("firmware.new"));
        this.#f = new F(this.#path("firmware.new"), true);
      }
    } catch { return -2; }
    this.#written = 0;
    this.#version.fill(0);
    return 0;
  }

  write(offset: number, buf: Uint8Array, off: number, len: number): number {
    if (offset + len <= this.#written) return 0; // written already (sequential writes cannot rewrite)
    if (offset !== this.#written || (this.#ota === null && this.#f === null)) return -8;
    if (offset + len > this.maxSize) return -2;
    // The app descriptor's version, as it streams past.
    for (let j = 0; j < len; j++) {
      const at = offset + j - DESC_VERSION;
      if (at >= 0 && at < DESC_VERSION_LEN) this.#version[at] = buf[off + j];
    }
    try {
      const view = buf.subarray(off, off + len); // HAL edge: one view per block
      if (this.#ota !== null) this.#ota.write(view);
      else this.#f!.write(view.slice().buffer);
    } catch { return -2; }
    this.#written = offset + len;
    return 0;
  }

  finish(): number {
    if (this.#f !== null) { this.#f.close(); this.#f = null; }
    return this.#written > 0 ? 0 : -5;
  }

  abort(): void {
    if (this.#ota !== null) { try { this.#ota.cancel(); } catch { /* ended */ } this.#ota = null; }
    if (this.#f !== null) { this.#f.close(); this.#f = null; }
    this.#written = 0;
    this.#o.store.delete(META_KEY);
  }

  apply(): number {
    let n = 0;
    while (n < DESC_VERSION_LEN && this.#version[n] !== 0) n++;
    try {
      if (this.#ota !== null) { this.#ota.complete(); this.#ota = null; }
      else if (this.#file !== null) {
        const F = this.#file.File;
        if (!F.exists(this.#path("firmware.new"))) return -8;
        if (F.exists(this.#path("firmware.bin"))) F.delete(this.#path("firmware.bin"));
        F.rename(this.#path("firmware.new"), this.#path("firmware.bin"));
      } else return -8;
    } catch { return -8; }
    // The marker: the version the new image announces (may be empty: then any restart counts).
    this.#scratch[0] = 1;
    for (let j = 0; j < n; j++) this.#scratch[1 + j] = this.#version[j];
    if (!this.#o.store.write(PENDING_KEY, this.#scratch, 0, 1 + n)) return -8;
    this.#o.restart();
    return 0;
  }

  stored(): number { return 0; }

  saveMeta(buf: Uint8Array, off: number, len: number): boolean { return this.#o.store.write(META_KEY, buf, off, len); }

  loadMeta(out: Uint8Array): number { return this.#o.store.read(META_KEY, out); }

  applied(): number {
    const n = this.#o.store.read(PENDING_KEY, this.#scratch);
    if (n < 1) return 0;
    this.#o.store.delete(PENDING_KEY);
    if (n === 1) return 1;
    const want = this.#o.runningVersion;
    if (want.length !== n - 1) return 8;
    for (let j = 0; j < want.length; j++) if (want.charCodeAt(j) !== this.#scratch[1 + j]) return 8;
    return 1;
  }

  version(): string | null { return this.#o.runningVersion; }
}
