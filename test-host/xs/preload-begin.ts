// The first module of the XS test bundle (host.ts bundleForXs): from here until preload-end.ts runs,
// every typed array created is recorded. Between the two, the bundle evaluates every module of src/
// — what the device's manifest preloads into flash, where "for preloaded instances of TypedArray,
// integer-indexed assignment throws a type error" (Moddable, documentation/xs/XS linker warnings.md).
// harness.ts's `preload` command later reports any recorded array whose bytes changed: a module
// scratch written at run time, which works under xsnap and V8 but throws on the device.
const NAMES = ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray'] as const;

export interface PreloadRecord {
  on: boolean;
  arrays: { kind: string; view: ArrayLike<number> & { buffer: ArrayBuffer; byteOffset: number; byteLength: number } }[];
  snapshots: Uint8Array[];
  restore: () => void;
}

const g = globalThis as unknown as Record<string, unknown> & { __lwm2mPreload?: PreloadRecord };
const saved = NAMES.map((n) => g[n]);
const record: PreloadRecord = { on: true, arrays: [], snapshots: [], restore: () => { NAMES.forEach((n, k) => { g[n] = saved[k]; }); } };
g.__lwm2mPreload = record;
NAMES.forEach((n, k) => {
  const Base = saved[k] as new (...a: unknown[]) => PreloadRecord['arrays'][number]['view'];
  g[n] = class extends Base {
    constructor(...a: unknown[]) {
      super(...a);
      if (record.on) record.arrays.push({ kind: n, view: this });
    }
  };
});
