// The host's firmware store (FirmwareStore, src/client/firmware-store.ts): the running firmware is a
// file (DIR/firmware.bin), the image being downloaded another (DIR/firmware.new) written in place at
// each block's offset, with its resume metadata beside it (DIR/firmware.meta). apply() swaps the
// files (rename: atomic), records the outcome for the next start (DIR/firmware.applied) and calls
// `onApply` — the CLI restarts the client there (a simulated reboot), tests do the same.
// HAL edge: Node's fs calls here may allocate; the core's per-block path does not.

import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, fsyncSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FirmwareStore } from '../../src/client/firmware-store.js';

export interface NodeFirmwareOptions {
  /** The directory holding the files. */
  dir: string;
  /** The slot's size in bytes (default 2 MB). */
  maxSize?: number;
  /** Verifies a complete image: 0, or -5 (integrity) / -6 (unsupported type). Default: accepts any. */
  verify?: (image: Buffer) => number;
  /** Called after apply() has swapped the image in: the platform "reboots" (the CLI restarts the
   *  client; tests construct a new one over the same files). */
  onApply?: (version: string) => void;
  log?: (msg: string) => void;
}

/** The version an image reports: its first line when it starts "version=", else "sha256:" and the
 *  first 12 hex digits of its hash. */
export function imageVersion(image: Buffer): string {
  const head = image.subarray(0, Math.min(image.length, 64)).toString('latin1');
  const m = /^version=([^\r\n]{1,32})/.exec(head);
  return m ? m[1] : 'sha256:' + createHash('sha256').update(image).digest('hex').slice(0, 12);
}

export class NodeFirmwareStore implements FirmwareStore {
  readonly maxSize: number;
  private fd = -1;
  private readonly o: NodeFirmwareOptions;
  readonly active: string;
  readonly staged: string;
  private readonly metaFile: string;
  private readonly appliedFile: string;

  constructor(o: NodeFirmwareOptions) {
    this.o = o;
    this.maxSize = o.maxSize ?? 2 * 1024 * 1024;
    this.active = join(o.dir, 'firmware.bin');
    this.staged = join(o.dir, 'firmware.new');
    this.metaFile = join(o.dir, 'firmware.meta');
    this.appliedFile = join(o.dir, 'firmware.applied');
  }

  private log(m: string): void { if (this.o.log) this.o.log(m); }

  private open(): void {
    if (this.fd < 0) this.fd = openSync(this.staged, existsSync(this.staged) ? 'r+' : 'w+');
  }

  private close(): void { if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; } }

  begin(size: number): number {
    if (size > this.maxSize) return -2;
    this.close();
    writeFileSync(this.staged, Buffer.alloc(0));
    try { unlinkSync(this.metaFile); } catch { /* none */ }
    this.log(`firmware: staging a new image${size >= 0 ? ` of ${size} bytes` : ''} in ${this.staged}`);
    return 0;
  }

  write(offset: number, buf: Uint8Array, off: number, len: number): number {
    if (offset + len > this.maxSize) return -2;
    this.open();
    writeSync(this.fd, buf, off, len, offset);
    return 0;
  }

  finish(): number {
    if (this.fd >= 0) fsyncSync(this.fd);
    this.close();
    const img = readFileSync(this.staged);
    const rc = this.o.verify ? this.o.verify(img) : 0;
    this.log(`firmware: image complete, ${img.length} bytes, sha256 ${createHash('sha256').update(img).digest('hex').slice(0, 16)}…, ${rc === 0 ? 'verified' : 'refused (' + -rc + ')'}`);
    return rc;
  }

  abort(): void {
    this.close();
    for (const f of [this.staged, this.metaFile]) { try { unlinkSync(f); } catch { /* none */ } }
  }

  apply(): number {
    this.close();
    if (!existsSync(this.staged)) return -8;
    const img = readFileSync(this.staged);
    const rc = this.o.verify ? this.o.verify(img) : 0;
    if (rc < 0) return rc;
    const version = imageVersion(img);
    if (existsSync(this.active)) renameSync(this.active, this.active + '.old');
    renameSync(this.staged, this.active);
    writeFileSync(this.appliedFile + '.tmp', '1 ' + version);
    renameSync(this.appliedFile + '.tmp', this.appliedFile);
    try { unlinkSync(this.metaFile); } catch { /* none */ }
    this.log(`firmware: applied ${this.active} (version ${version}); rebooting into it`);
    if (this.o.onApply) setImmediate(() => this.o.onApply!(version));
    return 0;
  }

  stored(): number {
    try { return statSync(this.staged).size; } catch { return 0; }
  }

  saveMeta(buf: Uint8Array, off: number, len: number): boolean {
    writeFileSync(this.metaFile + '.tmp', buf.subarray(off, off + len));
    renameSync(this.metaFile + '.tmp', this.metaFile);
    return true;
  }

  loadMeta(out: Uint8Array): number {
    try { const b = readFileSync(this.metaFile); out.set(b.subarray(0, out.length)); return Math.min(b.length, out.length); } catch { return -1; }
  }

  applied(): number {
    if (!existsSync(this.appliedFile)) return 0;
    const r = parseInt(readFileSync(this.appliedFile, 'latin1'), 10);
    unlinkSync(this.appliedFile);
    return r;
  }

  version(): string | null {
    return existsSync(this.active) ? imageVersion(readFileSync(this.active)) : null;
  }
}

/** A firmware store in RAM (tests, benchmarks, boards without flash): one preallocated slot; nothing
 *  allocates per block. `active` holds the running image; `appliedCount` counts apply() calls. */
export class MemoryFirmwareStore implements FirmwareStore {
  readonly maxSize: number;
  readonly slot: Uint8Array;
  length = 0;
  private readonly meta = new Uint8Array(16);
  private metaLen = -1;
  active: Uint8Array = new Uint8Array(0);
  activeVersion: string | null = null;
  private pending = 0;
  appliedCount = 0;
  verify: ((image: Uint8Array) => number) | null = null;
  /** Results apply() reports (the next start's applied()); default success. */
  applyOutcome = 1;
  onApply: (() => void) | null = null;

  constructor(maxSize: number) { this.maxSize = maxSize; this.slot = new Uint8Array(maxSize); }

  begin(size: number): number { if (size > this.maxSize) return -2; this.length = 0; this.metaLen = -1; return 0; }
  write(offset: number, buf: Uint8Array, off: number, len: number): number {
    if (offset + len > this.maxSize) return -2;
    if (offset > this.length) return -8; // a hole: the core never writes one
    for (let j = 0; j < len; j++) this.slot[offset + j] = buf[off + j];
    if (offset + len > this.length) this.length = offset + len;
    return 0;
  }
  image(): Uint8Array { return this.slot.slice(0, this.length); }
  finish(): number { return this.verify ? this.verify(this.image()) : 0; }
  abort(): void { this.length = 0; this.metaLen = -1; }
  apply(): number {
    const rc = this.verify ? this.verify(this.image()) : 0;
    if (rc < 0) return rc;
    this.appliedCount++;
    if (this.applyOutcome === 1) { this.active = this.image(); this.activeVersion = imageVersion(Buffer.from(this.active)); }
    this.pending = this.applyOutcome;
    if (this.onApply) this.onApply();
    return 0;
  }
  stored(): number { return this.length; }
  saveMeta(buf: Uint8Array, off: number, len: number): boolean {
    for (let j = 0; j < len && j < 16; j++) this.meta[j] = buf[off + j];
    this.metaLen = Math.min(len, 16);
    return true;
  }
  loadMeta(out: Uint8Array): number {
    if (this.metaLen < 0) return -1;
    for (let j = 0; j < this.metaLen && j < out.length; j++) out[j] = this.meta[j];
    return this.metaLen;
  }
  applied(): number { const r = this.pending; this.pending = 0; return r; }
  version(): string | null { return this.activeVersion; }
}
