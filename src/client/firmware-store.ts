// The firmware store a HAL gives the Firmware Update object (5): where a downloaded image is staged,
// verified and applied. The core streams each block into it as it arrives (push: every Block1 of a
// Write to /5/0/0; pull: every Block2 of its own GETs), so an image is never held in RAM.
// Implementations: hal/node/firmware.ts (a file), hal/moddable/firmware.ts (ESP32: Moddable's OTA
// module for the inactive app partition; lin: a file).

/** Update Result values (/5/0/5, registry/5.xml; TS Core Appendix E.6). */
export const enum FwResult {
  INITIAL = 0, SUCCESS = 1, NO_STORAGE = 2, OUT_OF_RAM = 3, CONNECTION_LOST = 4, INTEGRITY = 5,
  UNSUPPORTED_TYPE = 6, INVALID_URI = 7, FAILED = 8, UNSUPPORTED_PROTOCOL = 9, CANCELLED = 10, DEFERRED = 11,
}

export interface FirmwareStore {
  /** The largest image the slot takes, in bytes. */
  readonly maxSize: number;
  /** Starts staging a new image (discarding any staged one). `size` is the whole image's length when
   *  known (Size1/Size2), -1 otherwise. 0, or -FwResult (-2: it will not fit). */
  begin(size: number): number;
  /** Stores buf[off…off+len) at byte `offset` of the staged image. Blocks come in order; a block may
   *  be written again after a restart (resume). 0, or -FwResult (-2: past the slot). */
  write(offset: number, buf: Uint8Array, off: number, len: number): number;
  /** The image is complete: verify it. 0, or -FwResult (-5 integrity, -6 unsupported type). */
  finish(): number;
  /** Discards the staged image (cancel, failed download); the running firmware is untouched. */
  abort(): void;
  /** Hands the verified image to the platform, which reboots into it (asynchronously: the 2.04 of
   *  the Execute has been sent when this is called). 0, or -FwResult when it cannot even start. */
  apply(): number;
  /** Bytes of the staged image durably stored so far (a download resumes from there after a
   *  reboot); 0 when the platform cannot resume (it then downloads from the start). */
  stored(): number;
  /** Keeps a few bytes (the download's ETag and block size) with the staged image; false on failure. */
  saveMeta(buf: Uint8Array, off: number, len: number): boolean;
  /** Copies them into out; their length, or -1 when none. */
  loadMeta(out: Uint8Array): number;
  /** After a reboot: the outcome of the last apply() — FwResult.SUCCESS, a failure code, or 0 when
   *  none is pending. Reading it clears it. */
  applied(): number;
  /** The running firmware's version (reported in /3/0/3 after an update), or null. */
  version(): string | null;
}
