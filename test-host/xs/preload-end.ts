// After every module of src/ has been evaluated (see preload-begin.ts): stop recording, put the
// engine's constructors back, and keep a copy of each recorded array's bytes.
import type { PreloadRecord } from './preload-begin.js';

const record = (globalThis as unknown as { __lwm2mPreload?: PreloadRecord }).__lwm2mPreload;
if (record) {
  record.on = false;
  record.restore();
  record.snapshots = record.arrays.map((a) => new Uint8Array(a.view.buffer, a.view.byteOffset, a.view.byteLength).slice());
}

/** The arrays created while the modules loaded whose bytes have changed since (each as
 *  "Kind(length)" with the first changed byte offset). Empty when none; null when not recorded. */
export function preloadViolations(): string[] | null {
  if (!record) return null;
  const out: string[] = [];
  record.arrays.forEach((a, k) => {
    const now = new Uint8Array(a.view.buffer, a.view.byteOffset, a.view.byteLength);
    const was = record.snapshots[k];
    for (let j = 0; j < was.length; j++) {
      if (now[j] !== was[j]) { out.push(`${a.kind}(${a.view.length}) created while the modules loaded, byte ${j} written later`); return; }
    }
  });
  return out;
}

/** How many typed arrays the modules of src/ create while they load (all must stay read-only). */
export function preloadCount(): number { return record ? record.arrays.length : -1; }
