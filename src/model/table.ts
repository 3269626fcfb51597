// The object table: every object instance and stored resource value of the client, in tables
// preallocated from Config (maxInstances, maxValues, arenaBytes). Nothing here allocates after the
// constructor (ARCHITECTURE.md §2).
//
// Layout (few typed arrays: under XS each costs 4 heap slots as a view into the constructor's Slab,
// 7 plus a chunk with a buffer of its own, so parallel fields of one element type share an array)
// - Instance table: (object id, instance id) pairs as Uint16, kept sorted.
// - Value table: one row per single resource or resource instance: o, i, r, ri and the span length
//   (Uint16; ri 0xFFFF for a single resource), type (Uint8), and a Float64 that holds the number
//   (Integer/UnsignedInteger/Float/Time/Boolean; ObjLnk as o * 65536 + i) or, for String/Opaque/
//   CoreLnk, the arena offset of the bytes. Rows are kept sorted by (o, i, r, ri), so reads in path
//   order are a forward walk.
// - Bindings (bound readers, writers, executors): per resource of the registry, allocated by the
//   first bind.
// - Byte arena: spans are laid out in value-table order with no gaps: inserting, resizing or
//   deleting a span moves the bytes behind it (memmove, copyWithin) — the arena is compacted
//   eagerly whenever a span is freed or shrinks, so its usage always equals the sum of live spans.
//   Windows returned by getValue()/ValueCursor point into the arena and stay valid only until the
//   next change to the table.
//
// Result codes (negated CoAP codes, src/coap/codes.ts):
//   -4.04 NOT_FOUND             object not enabled, instance/resource/value absent
//   -4.00 BAD_REQUEST           instance exists already, bad id, record of the wrong type or path shape,
//                               second instance of a single-instance object, corrupt persisted data
//   -4.05 METHOD_NOT_ALLOWED    execute on a non-executable resource, read/write of an executable one
//   -5.00 INTERNAL_SERVER_ERROR instance table or value table full
//   -4.13 REQUEST_ENTITY_TOO_LARGE byte arena full (or serialize's output buffer too small)
//
// The table stores what it is given: access rights and the R/W operations of the definitions are
// checked by the layer above (device management), since bootstrap writes read-only resources.
import { Code } from '../coap/codes.js';
import type { Config } from '../config.js';
import { DataRecord, EMPTY_BYTES, NONE, ValueType } from './record.js';
import { DefRegistry, Op, findResourceIndex, type ObjectDef, type ResourceDef } from './defs.js';
import { Slab } from '../slab.js';
import { utf8Encode, utf8Length } from './utf8.js';

/** Reads a dynamic resource value: fill `out` (type, num / buf,off,len / lnkO,lnkI; the path is
 *  preset) and return 0, or a negative code (-Code.NOT_FOUND: no such value). For a multiple
 *  resource `ri` is the instance asked for; when listing, the reader may answer the next existing
 *  instance id at or after `ri` by setting `out.ri` (listing stops at -Code.NOT_FOUND). */
export type ReadFn = (i: number, ri: number, out: DataRecord) => number;
/** Handles a Write of a bound resource; returns 0 or a negative code. */
export type WriteFn = (rec: DataRecord) => number;
/** Runs an Execute; `args` (buffer, offset, length) is the request payload, `r` the resource (one
 *  function may serve several resources). 0 or a negative code. */
export type ExecFn = (i: number, args: Uint8Array, off: number, len: number, r: number) => number;
/** Called after a change to /o/i/r (r = -1: an instance created/deleted; all -1: many paths). */
export type ChangeFn = (o: number, i: number, r: number) => void;

/** Serialized-table format version (first byte after the magic). */
export const TABLE_FORMAT_VERSION = 1;
const MAGIC0 = 0x4c; // 'L'
const MAGIC1 = 0x54; // 'T'
const HEADER_BYTES = 8;
const CRC_BYTES = 4;
const RI_NONE = 0xffff;
const ID_LIMIT = 65535;

export class TableError extends Error {}

/** hasValue's record for a bound reader's answer (not kept), and setText's: one for all tables (a
 *  plain object; under XS each DataRecord is 15 heap slots). */
const scratch = new DataRecord();

/** Bit t set for the types whose value is bytes in the arena (String, Opaque, CoreLnk): a test
 *  cheap enough to inline in per-row loops (XS pays for each call). */
const BYTE_TYPES = (1 << ValueType.String) | (1 << ValueType.Opaque) | (1 << ValueType.CoreLnk);

function isBytes(t: number): boolean {
  return ((BYTE_TYPES >> t) & 1) !== 0;
}

function isNumeric(t: number): boolean {
  return t === ValueType.Integer || t === ValueType.UnsignedInteger || t === ValueType.Float ||
    t === ValueType.Time || t === ValueType.Boolean;
}

/** CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), as zlib/PNG. Table built at module load. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) ? (0xedb88320 ^ (c >>> 1)) : (c >>> 1);
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array, off: number, len: number): number {
  let c = 0xffffffff;
  const end = off + len;
  for (let k = off; k < end; k++) c = CRC_TABLE[(c ^ buf[k]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Instance table row: (object id, instance id), Uint16 each. */
const enum Inst { O = 0, I = 1, Stride = 2 }
/** Value table row (Uint16 fields): path (ri 0xFFFF for a single resource) and arena span length. */
const enum Row { O = 0, I = 1, R = 2, RI = 3, Len = 4, Stride = 5 }
/** Per resource binding (Int16 fields): index into #fns, -1 when unbound; and the
 *  first resource index >= this one of the same object with a bound reader (the count when none). */
const enum Bind { Read = 0, Write = 1, Exec = 2, NextReader = 3, Stride = 4 }

export class ObjectTable {
  readonly defs: DefRegistry;
  readonly maxInstances: number;
  readonly maxValues: number;
  readonly arenaBytes: number;
  /** Where this table's fixed arrays come from; objects built on the table (TemperatureObject)
   *  take theirs from it too. Construction time only. */
  readonly slab: Slab;

  // Instance table, sorted by (o, i): Inst.Stride Uint16 per instance. Parallel fields of one
  // element type share an array: under XS each typed array costs 4 to 7 heap slots of its own.
  readonly #inst: Uint16Array;
  #instCount = 0;

  // Value table, sorted by (o, i, r, ri): Row.Stride Uint16 per row, plus type and number (other
  // element types) in arrays of their own.
  readonly #rows: Uint16Array;
  readonly #vType: Uint8Array;
  /** A number row's value (ObjLnk: o * 65536 + i); a String/Opaque/CoreLnk row's arena offset (a row
   *  holds one or the other: one array less, 4 bytes a row and 7 XS slots less). Read an offset with
   *  `| 0` (an int32: V8 boxes no double). */
  readonly #vNum: Float64Array;
  /** #vNum's bytes: serialize/deserialize convert a row's float64 through it (no scratch). */
  readonly #vNumBytes: Uint8Array;
  #valueCount = 0;

  readonly #arena: Uint8Array;
  #arenaUsed = 0;

  /** Bindings: Bind.Stride Int16 per resource, at defs.resourceBase(k) + rk. Allocated by the first
   *  bind call (a table nobody binds, such as the bootstrap staging copy, has none): null until then. */
  #bind: Int16Array | null = null;
  /** The registry's lookup index (layout in defs.ts) and object count: object k's resource ids
   *  begin at #ix[#nObj + k]; minus #origin, that is its first binding slot. */
  readonly #ix: Uint16Array;
  readonly #nObj: number;
  readonly #origin: number;
  /** The bound functions, of all three kinds (one array: the binding field says which kind), each
   *  followed by the `this` it is called with (the binder's context: an object binds a method of its
   *  prototype and itself, no closure — under XS a closure is about 12 heap slots). */
  readonly #fns: unknown[] = [];

  #onChange: ChangeFn | null = null;
  /** Incremented on every change (set, delete, create): a cheap "anything changed?" check. */
  changeCount = 0;
  #quiet = false;

  constructor(config: Pick<Config, 'maxInstances' | 'maxValues' | 'arenaBytes'>, defs: readonly ObjectDef[] | DefRegistry,
    slab: Slab = new Slab()) {
    this.defs = defs instanceof DefRegistry ? defs : new DefRegistry(defs);
    this.defs.seal(slab);
    this.#ix = this.defs.index; this.#nObj = this.defs.size; this.#origin = this.#ix[this.#nObj];
    this.slab = slab;
    const ni = config.maxInstances, nv = config.maxValues, na = config.arenaBytes;
    if (!(ni >= 1 && ni <= 65535 && Number.isInteger(ni))) throw new TableError('config.maxInstances must be 1…65535');
    if (!(nv >= 1 && nv <= 1 << 20 && Number.isInteger(nv))) throw new TableError('config.maxValues must be 1…1048576');
    if (!(na >= 1 && na <= 1 << 30 && Number.isInteger(na))) throw new TableError('config.arenaBytes must be a positive integer');
    this.maxInstances = ni; this.maxValues = nv; this.arenaBytes = na;
    this.#inst = slab.u16(ni * Inst.Stride);
    this.#rows = slab.u16(nv * Row.Stride);
    this.#vType = slab.u8(nv);
    this.#vNum = slab.f64(nv);
    this.#vNumBytes = new Uint8Array(this.#vNum.buffer, this.#vNum.byteOffset, this.#vNum.byteLength);
    this.#arena = slab.u8(na);
  }

  // ------------------------------------------------------------------------------------------
  // Construction-time bindings (they throw on misuse; they allocate).

  #bindSlot(o: number, r: number, what: string): [number, number] {
    const k = this.defs.indexOf(o);
    if (k < 0) throw new TableError(what + ': object ' + o + ' is not enabled');
    const rk = this.defs.resIndex(k, r);
    if (rk < 0) throw new TableError(what + ': object ' + o + ' has no resource ' + r);
    return [k, rk];
  }

  /** The binding table, allocated on the first bind: every slot unbound, no readers. */
  #bindings(): Int16Array {
    if (this.#bind === null) {
      const defs = this.defs, n = defs.size;
      const b = this.slab.i16(defs.resourceBase(n) * Bind.Stride).fill(-1);
      for (let q = 0; q < n; q++) {
        const first = defs.resourceBase(q), count = defs.resourceBase(q + 1) - first;
        for (let x = 0; x < count; x++) b[(first + x) * Bind.Stride + Bind.NextReader] = count;
      }
      this.#bind = b;
    }
    return this.#bind;
  }

  /** Binding field f of (registry index k, resource index rk): an index into #fns, -1 when unbound. */
  #bound(k: number, rk: number, f: Bind): number {
    const b = this.#bind;
    return b === null ? -1 : b[(this.#ix[this.#nObj + k] - this.#origin + rk) * Bind.Stride + f];
  }

  /** A dynamic value: getValue and ValueCursor call `fn` (with `this` = ctx) instead of reading stored values. */
  bindRead(o: number, r: number, fn: ReadFn, ctx?: unknown): void {
    const [k, rk] = this.#bindSlot(o, r, 'bindRead');
    if (this.defs.at(k).resources[rk].type === ValueType.None) throw new TableError('bindRead: /' + o + '/x/' + r + ' is executable');
    const b = this.#bindings(), first = this.defs.resourceBase(k);
    b[(first + rk) * Bind.Stride + Bind.Read] = this.#fns.length;
    this.#fns.push(fn, ctx);
    for (let q = rk; q >= 0; q--) {
      const x = (first + q) * Bind.Stride + Bind.NextReader;
      if (b[x] <= rk) break;
      b[x] = rk;
    }
  }

  /** Writes of /o/x/r (through `write()`) go to `fn` (with `this` = ctx) instead of the store. */
  bindWrite(o: number, r: number, fn: WriteFn, ctx?: unknown): void {
    const [k, rk] = this.#bindSlot(o, r, 'bindWrite');
    this.#bindings()[(this.defs.resourceBase(k) + rk) * Bind.Stride + Bind.Write] = this.#fns.length;
    this.#fns.push(fn, ctx);
  }

  bindExecute(o: number, r: number, fn: ExecFn, ctx?: unknown): void {
    const [k, rk] = this.#bindSlot(o, r, 'bindExecute');
    if ((this.defs.at(k).resources[rk].ops & Op.E) === 0) throw new TableError('bindExecute: /' + o + '/x/' + r + ' is not executable');
    this.#bindings()[(this.defs.resourceBase(k) + rk) * Bind.Stride + Bind.Exec] = this.#fns.length;
    this.#fns.push(fn, ctx);
  }

  /** One listener, called after every change (observations mark themselves dirty). */
  onChange(fn: ChangeFn | null): void { this.#onChange = fn; }

  /** Signals a change the table cannot see (a bound reader's value changed). */
  markChanged(o: number, i: number, r: number): void {
    this.changeCount++;
    if (this.#onChange !== null && !this.#quiet) this.#onChange(o, i, r);
  }

  // ------------------------------------------------------------------------------------------
  // Definitions.

  objectDef(o: number): ObjectDef | null { return this.defs.get(o); }

  resourceDef(o: number, r: number): ResourceDef | null {
    const k = this.defs.indexOf(o);
    if (k < 0) return null;
    const d = this.defs.at(k);
    const rk = findResourceIndex(d, r);
    return rk < 0 ? null : d.resources[rk];
  }

  hasObject(o: number): boolean { return this.defs.indexOf(o) >= 0; }

  /** True when /o/r has a bound reader. */
  isBoundRead(o: number, r: number): boolean {
    const k = this.defs.indexOf(o);
    if (k < 0) return false;
    const rk = this.defs.resIndex(k, r);
    return rk >= 0 && this.#bound(k, rk, Bind.Read) >= 0;
  }

  // ------------------------------------------------------------------------------------------
  // Instances.

  get instanceTotal(): number { return this.#instCount; }
  get valueCount(): number { return this.#valueCount; }
  get arenaUsed(): number { return this.#arenaUsed; }

  /** First index in the instance table with (o, i) >= the key. */
  #instLower(o: number, i: number): number {
    const key = o * 65536 + i;
    const t = this.#inst;
    let lo = 0, hi = this.#instCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = mid * Inst.Stride;
      if (t[m + Inst.O] * 65536 + t[m + Inst.I] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Index of resource r in object k's definition, or -1 (binary search over a typed array). */
  resIndex(k: number, r: number): number { return this.defs.resIndex(k, r); }

  /** Resource count of object k. */
  #resCount(k: number): number { return this.#ix[this.#nObj + k + 1] - this.#ix[this.#nObj + k]; }

  /** First resource index >= rk of object k with a bound reader (resource count when none). */
  nextReader(k: number, rk: number): number {
    const b = this.#bind;
    if (b === null) return this.#resCount(k);
    return b[(this.#ix[this.#nObj + k] - this.#origin + rk) * Bind.Stride + Bind.NextReader];
  }

  /** True when object k (registry index) has any bound reader. */
  anyReader(k: number): boolean {
    const b = this.#bind;
    if (b === null) return false;
    const ix = this.#ix, at = this.#nObj + k, first = ix[at]; // (#resCount inline: once per cursor walk)
    return b[(first - this.#origin) * Bind.Stride + Bind.NextReader] < ix[at + 1] - first;
  }

  #instFind(o: number, i: number): number {
    const p = this.#instLower(o, i), m = p * Inst.Stride;
    return p < this.#instCount && this.#inst[m + Inst.O] === o && this.#inst[m + Inst.I] === i ? p : -1;
  }

  /** The instance id of instance row p when it exists and belongs to object o, else -1. */
  #instIdAt(p: number, o: number): number {
    const m = p * Inst.Stride;
    return p < this.#instCount && this.#inst[m + Inst.O] === o ? this.#inst[m + Inst.I] : -1;
  }

  hasInstance(o: number, i: number): boolean { return i >= 0 && this.#instFind(o, i) >= 0; }

  /** 0; -4.04 object not enabled; -4.00 bad id, exists, or second instance of a single-instance
   *  object; -5.00 instance table full. */
  createInstance(o: number, i: number): number {
    const k = this.defs.indexOf(o);
    if (k < 0) return -Code.NOT_FOUND;
    if (!(i >= 0 && i < ID_LIMIT) || (i | 0) !== i) return -Code.BAD_REQUEST;
    if (this.#instFind(o, i) >= 0) return -Code.BAD_REQUEST;
    if (!this.defs.at(k).multiple && this.instanceCount(o) > 0) return -Code.BAD_REQUEST;
    if (this.#instCount >= this.maxInstances) return -Code.INTERNAL_SERVER_ERROR;
    const n = this.#instCount;
    const p = this.#instLower(o, i);
    this.#inst.copyWithin((p + 1) * Inst.Stride, p * Inst.Stride, n * Inst.Stride);
    this.#inst[p * Inst.Stride + Inst.O] = o;
    this.#inst[p * Inst.Stride + Inst.I] = i;
    this.#instCount = n + 1;
    this.markChanged(o, i, NONE);
    return 0;
  }

  /** Deletes the instance and all its values. 0 or -4.04. */
  deleteInstance(o: number, i: number): number {
    const p = i >= 0 ? this.#instFind(o, i) : -1;
    if (p < 0) return -Code.NOT_FOUND;
    const a = this.#valLower(o, i, 0, 0);
    const b = this.#valLower(o, i + 1, 0, 0);
    if (b > a) this.#removeValues(a, b);
    const n = this.#instCount;
    this.#inst.copyWithin(p * Inst.Stride, (p + 1) * Inst.Stride, n * Inst.Stride);
    this.#instCount = n - 1;
    this.markChanged(o, i, NONE);
    return 0;
  }

  /** Deletes every instance of object o. 0, or -4.04 when the object is not enabled. */
  deleteObject(o: number): number {
    if (this.defs.indexOf(o) < 0) return -Code.NOT_FOUND;
    for (;;) {
      const i = this.firstInstance(o);
      if (i < 0) return 0;
      this.deleteInstance(o, i);
    }
  }

  /** Lowest instance id of o, -1 when none. */
  firstInstance(o: number): number { return this.nextInstance(o, -1); }

  /** Lowest instance id of o greater than afterI, -1 when none. */
  nextInstance(o: number, afterI: number): number {
    if (afterI + 1 >= ID_LIMIT) return -1;
    const p = this.#instLower(o, afterI + 1);
    return this.#instIdAt(p, o);
  }

  instanceCount(o: number): number {
    const a = this.#instLower(o, 0), n = this.#instCount, t = this.#inst;
    let b = a;
    while (b < n && t[b * Inst.Stride + Inst.O] === o) b++;
    return b - a;
  }

  /** Lowest unused instance id of o, or -5.00 when all 65535 are used. */
  freeInstanceId(o: number): number {
    let want = 0;
    for (let p = this.#instLower(o, 0); ; p++) {
      const i = this.#instIdAt(p, o);
      if (i < 0 || i > want) break;
      if (i === want) want++;
    }
    return want < ID_LIMIT ? want : -Code.INTERNAL_SERVER_ERROR;
  }

  // ------------------------------------------------------------------------------------------
  // Values.

  /** First value row with (o, i, r, ri) >= the key (ri 0xFFFF for a single resource). */
  #valLower(o: number, i: number, r: number, ri: number): number {
    const v = this.#rows;
    let lo = 0, hi = this.#valueCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = mid * Row.Stride;
      // Field by field: most probes are decided by the object id alone (cheaper under XS than
      // building two 32-bit keys per probe).
      let d = v[m + Row.O] - o;
      if (d === 0) { d = v[m + Row.I] - i; if (d === 0) { d = v[m + Row.R] - r; if (d === 0) d = v[m + Row.RI] - ri; } }
      if (d < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** True when row p exists and holds /o/i/r and, unless ri < 0, resource instance ri (RI_NONE:
   *  the single resource). */
  #rowIs(p: number, o: number, i: number, r: number, ri: number): boolean {
    const v = this.#rows, m = p * Row.Stride;
    return p < this.#valueCount && v[m + Row.O] === o && v[m + Row.I] === i && v[m + Row.R] === r &&
      (ri < 0 || v[m + Row.RI] === ri);
  }

  /** Row of /o/i/r/ri (ri < 0: the single resource), or -1. */
  #valFind(o: number, i: number, r: number, ri: number): number {
    const rr = ri < 0 ? RI_NONE : ri;
    const p = this.#valLower(o, i, r, rr), v = this.#rows, m = p * Row.Stride;
    return p < this.#valueCount && v[m + Row.O] === o && v[m + Row.I] === i && v[m + Row.R] === r && v[m + Row.RI] === rr ? p : -1;
  }

  /** Where row p's arena span begins (p may be the row count). Spans follow row order with no gaps,
   *  so a row without bytes (an empty span) begins where the next byte row's does, or at the end. */
  #spanAt(p: number): number {
    const n = this.#valueCount, t = this.#vType;
    for (let q = p; q < n; q++) if (((BYTE_TYPES >> t[q]) & 1) !== 0) return this.#vNum[q] | 0;
    return this.#arenaUsed;
  }

  /** Adds delta to the arena offsets of the byte rows from row p on (their spans moved). */
  #shiftSpans(p: number, delta: number): void {
    const n = this.#valueCount, t = this.#vType, v = this.#vNum;
    for (let k = p; k < n; k++) if (((BYTE_TYPES >> t[k]) & 1) !== 0) v[k] += delta;
  }

  /** Removes rows [a, b) and closes their arena gap. */
  #removeValues(a: number, b: number): void {
    const n = this.#valueCount;
    const start = this.#spanAt(a);
    const end = this.#spanAt(b);
    const delta = end - start;
    if (delta > 0) this.#arena.copyWithin(start, end, this.#arenaUsed);
    this.#arenaUsed -= delta;
    this.#rows.copyWithin(a * Row.Stride, b * Row.Stride, n * Row.Stride);
    this.#vType.copyWithin(a, b, n); this.#vNum.copyWithin(a, b, n);
    this.#valueCount = n - (b - a);
    if (delta > 0) this.#shiftSpans(a, -delta);
  }

  /** Stores a value at row p (inserting a row when `insert`), its bytes copied from (src, so, len)
   *  (src null: len bytes are left for the caller to write).
   *  Returns 0, or -4.13 / -5.00 when full (nothing changed then). */
  // (No double parameter: V8 boxes a non-integral double passed to a call it does not inline, one
  // HeapNumber per call; the caller writes a number row's #vNum itself.)
  #place(p: number, insert: boolean, o: number, i: number, r: number, ri: number, type: number,
    src: Uint8Array | null, so: number, len: number): number {
    const n = this.#valueCount;
    if (insert && n >= this.maxValues) return -Code.INTERNAL_SERVER_ERROR;
    const bytes = isBytes(type);
    const start = bytes ? this.#spanAt(p) : 0; // a number has no span (len 0: nothing moves)
    const old = insert ? 0 : this.#rows[p * Row.Stride + Row.Len];
    const delta = len - old;
    const arena = this.#arena;
    // A source window inside this arena is staged past the used area first, so moving spans
    // cannot clobber it.
    const alias = src === arena && len > 0;
    const stage = this.#arenaUsed + (delta > 0 ? delta : 0);
    if (alias ? stage + len > this.arenaBytes : this.#arenaUsed + delta > this.arenaBytes) return -Code.REQUEST_ENTITY_TOO_LARGE;
    if (alias) arena.copyWithin(stage, so, so + len);
    if (insert) {
      this.#rows.copyWithin((p + 1) * Row.Stride, p * Row.Stride, n * Row.Stride);
      this.#vType.copyWithin(p + 1, p, n); this.#vNum.copyWithin(p + 1, p, n);
      this.#valueCount = n + 1;
      const v = this.#rows, m = p * Row.Stride;
      v[m + Row.O] = o; v[m + Row.I] = i; v[m + Row.R] = r; v[m + Row.RI] = ri < 0 ? RI_NONE : ri;
    }
    this.#vType[p] = type;
    if (bytes) this.#vNum[p] = start;
    if (delta !== 0) {
      arena.copyWithin(start + len, start + old, this.#arenaUsed);
      this.#arenaUsed += delta;
      this.#shiftSpans(p + 1, delta);
    }
    this.#rows[p * Row.Stride + Row.Len] = len;
    if (len > 0) {
      if (alias) arena.copyWithin(start, stage, stage + len);
      else if (src !== null) for (let k = 0; k < len; k++) arena[start + k] = src[so + k];
    }
    return 0;
  }

  /** Validates a path for a value access: returns the registry index k and sets #rk and #slot (its
   *  binding slot), or a code.
   *  The instance's existence is checked only when `needInstance` (a stored row implies it). */
  #rk = 0;
  #slot = 0;
  #checkPath(o: number, i: number, r: number, ri: number, needInstance: boolean): number {
    // defs.indexOf and defs.resIndex inlined on the registry's index (every value access comes here;
    // XS pays for each call).
    const ix = this.#ix, nObj = this.#nObj;
    let lo = 0, hi = nObj - 1, k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, id = ix[mid];
      if (id === o) { k = mid; break; }
      if (id < o) lo = mid + 1; else hi = mid - 1;
    }
    if (k < 0) return -Code.NOT_FOUND;
    const first = ix[nObj + k];
    let rk = -1;
    lo = first; hi = ix[nObj + k + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, id = ix[mid];
      if (id === r) { rk = mid - first; break; }
      if (id < r) lo = mid + 1; else hi = mid - 1;
    }
    if (rk < 0 || !(i >= 0 && i < ID_LIMIT)) return -Code.NOT_FOUND;
    if (needInstance && this.#instFind(o, i) < 0) return -Code.NOT_FOUND;
    const rd = this.defs.at(k).resources[rk];
    if (rd.type === ValueType.None) return -Code.METHOD_NOT_ALLOWED;
    if (rd.multiple ? !(ri >= 0 && ri < ID_LIMIT) || (ri | 0) !== ri : ri !== NONE) return -Code.BAD_REQUEST;
    this.#rk = rk;
    this.#slot = first - this.#origin + rk;
    return k;
  }

  /** Stores a value. `rec` must carry the resource's type (ValueType.Raw is refused: coerce it
   *  first) and a path whose instance exists; strings/opaque are copied into the arena.
   *  0; -4.04 / -4.05 / -4.00 (see top); -5.00 value table full; -4.13 arena full. */
  setValue(rec: DataRecord): number { return this.#store(rec, null); }

  /** Stores JS string `s` at /o/i/r/ri (ri = -1: a single resource) as a String, Opaque or CoreLnk
   *  value (`type`, the resource's type), encoded to UTF-8 straight into the arena: no temporary
   *  array. Codes as setValue. */
  setText(o: number, i: number, r: number, ri: number, type: ValueType, s: string): number {
    if (!isBytes(type)) return -Code.BAD_REQUEST;
    const rec = scratch;
    rec.clear();
    rec.o = o; rec.i = i; rec.r = r; rec.ri = ri; rec.type = type; rec.len = utf8Length(s);
    return this.#store(rec, s);
  }

  /** setValue; with `text`, the bytes (rec.len of them) are its UTF-8 encoding instead of rec.buf's. */
  #store(rec: DataRecord, text: string | null): number {
    const o = rec.o, i = rec.i, r = rec.r, ri = rec.ri;
    const k = this.#checkPath(o, i, r, ri, false);
    if (k < 0) return k;
    const rd = this.defs.at(k).resources[this.#rk];
    const t = rec.type;
    if (t !== rd.type) return -Code.BAD_REQUEST;
    let num = 0, src: Uint8Array | null = EMPTY_BYTES, so = 0, len = 0;
    const bytes = isBytes(t);
    if (bytes && text !== null) {
      src = null; len = rec.len;
      if (len > 0xffff) return -Code.BAD_REQUEST;
    } else if (bytes) {
      src = rec.buf; so = rec.off; len = rec.len;
      if (len < 0 || len > 0xffff || so < 0 || so + len > src.length) return -Code.BAD_REQUEST;
    } else if (t === ValueType.ObjLnk) {
      if (!(rec.lnkO >= 0 && rec.lnkO <= 0xffff && rec.lnkI >= 0 && rec.lnkI <= 0xffff)) return -Code.BAD_REQUEST;
      num = rec.lnkO * 65536 + rec.lnkI;
    } else {
      num = rec.num;
      if (t === ValueType.Boolean && num !== 0 && num !== 1) return -Code.BAD_REQUEST;
    }
    const rr = ri < 0 ? RI_NONE : ri;
    const p = this.#valLower(o, i, r, rr);
    const found = this.#rowIs(p, o, i, r, rr);
    if (found && !bytes) {
      // A number replacing a number (a row's type is its resource's): no span, nothing moves, so
      // no #place (the common update: a sensor value).
      this.#vNum[p] = num;
      this.markChanged(o, i, r);
      return 0;
    }
    if (!found && this.#instFind(o, i) < 0) return -Code.NOT_FOUND;
    const rc = this.#place(p, !found, o, i, r, ri, t, src, so, len);
    if (rc < 0) return rc;
    if (text !== null) utf8Encode(text, this.#arena, this.#vNum[p] | 0);
    else if (!bytes) this.#vNum[p] = num;
    this.markChanged(o, i, r);
    return 0;
  }

  /** A Write from the device-management layer: the bound writer of /o/x/r when there is one,
   *  otherwise setValue. */
  write(rec: DataRecord): number {
    const k = this.#checkPath(rec.o, rec.i, rec.r, rec.ri, true);
    if (k < 0) return k;
    const b = this.#bind;
    const w = b === null ? -1 : b[this.#slot * Bind.Stride + Bind.Write];
    const f = this.#fns;
    return w >= 0 ? (f[w] as WriteFn).call(f[w + 1], rec) : this.setValue(rec);
  }

  /** Row p's path and value into `out`. (The cursor calls it per value: the byte-type test is inline.) */
  fillRow(p: number, out: DataRecord): void {
    const t = this.#vType[p];
    const v = this.#rows, m = p * Row.Stride;
    out.o = v[m + Row.O]; out.i = v[m + Row.I]; out.r = v[m + Row.R];
    const ri = v[m + Row.RI];
    out.ri = ri === RI_NONE ? NONE : ri;
    out.type = t; out.rawFormat = 0; out.time = NaN;
    if (((BYTE_TYPES >> t) & 1) !== 0) {
      out.num = 0; out.lnkO = 0; out.lnkI = 0;
      out.buf = this.#arena; out.off = this.#vNum[p] | 0; out.len = v[m + Row.Len];
    } else {
      const v = this.#vNum[p];
      if (t === ValueType.ObjLnk) { out.num = 0; out.lnkO = Math.floor(v / 65536); out.lnkI = v % 65536; }
      else { out.num = v; out.lnkO = 0; out.lnkI = 0; }
      out.buf = EMPTY_BYTES; out.off = 0; out.len = 0;
    }
  }

  /** Presets `out` for a bound reader of /o/i/r/ri of type t. */
  static #preset(out: DataRecord, o: number, i: number, r: number, ri: number, t: number): void {
    out.o = o; out.i = i; out.r = r; out.ri = ri; out.type = t; out.num = 0; out.lnkO = 0; out.lnkI = 0;
    out.buf = EMPTY_BYTES; out.off = 0; out.len = 0; out.rawFormat = 0; out.time = NaN;
  }

  /** Calls the bound reader (registry index k, resource index rk) for /o/i/r/ri into out. */
  callReader(k: number, rk: number, o: number, i: number, ri: number, out: DataRecord): number {
    const rd = this.defs.at(k).resources[rk];
    ObjectTable.#preset(out, o, i, rd.id, ri, rd.type);
    const f = this.#fns, x = this.#bound(k, rk, Bind.Read);
    return (f[x] as ReadFn).call(f[x + 1], i, ri, out);
  }

  /** Reader index of (registry index k, resource index rk), -1 when not bound. (Cursor use.) */
  readerOf(k: number, rk: number): number { return this.#bound(k, rk, Bind.Read); }

  /** Reads one value (ri = -1 for a single resource) into `out`: through the bound reader when
   *  there is one. 0, or -4.04 (absent) / -4.05 (executable) / -4.00 (path shape). */
  getValue(o: number, i: number, r: number, ri: number, out: DataRecord): number {
    const k = this.#checkPath(o, i, r, ri, false);
    if (k < 0) return k;
    const rk = this.#rk, b = this.#bind;
    if (b !== null && b[this.#slot * Bind.Stride + Bind.Read] >= 0) {
      if (this.#instFind(o, i) < 0) return -Code.NOT_FOUND;
      const rc = this.callReader(k, rk, o, i, ri, out);
      if (rc < 0) return rc;
      if (out.ri !== ri) return -Code.NOT_FOUND;
      return 0;
    }
    const p = this.#valFind(o, i, r, ri);
    if (p < 0) return -Code.NOT_FOUND;
    this.fillRow(p, out);
    return 0;
  }

  /**
   * The number stored at /o/i/r/ri (ri = -1: a single resource) into out[at], through the bound
   * reader when there is one. 0, or a negative code. Hot paths use this rather than getValue():
   * a fractional double written into a shared record's field can cost V8 a HeapNumber per store.
   */
  getNumber(o: number, i: number, r: number, ri: number, out: Float64Array, at: number, scratch: DataRecord): number {
    const k = this.#checkPath(o, i, r, ri, false);
    if (k < 0) return k;
    const rk = this.#rk, b = this.#bind;
    if (b !== null && b[this.#slot * Bind.Stride + Bind.Read] >= 0) {
      const rc = this.getValue(o, i, r, ri, scratch);
      if (rc < 0) return rc;
      out[at] = scratch.num;
      return 0;
    }
    const p = this.#valFind(o, i, r, ri);
    if (p < 0) return -Code.NOT_FOUND;
    out[at] = ((BYTE_TYPES >> this.#vType[p]) & 1) !== 0 ? 0 : this.#vNum[p]; // a byte row's number is 0
    return 0;
  }

  /** True when /o/i/r/ri has a stored value or its bound reader answers it. */
  hasValue(o: number, i: number, r: number, ri: number): boolean {
    return this.getValue(o, i, r, ri, scratch) === 0;
  }

  /** True when /o/i/r has at least one stored value (any resource instance). */
  hasStored(o: number, i: number, r: number): boolean {
    const p = this.#valLower(o, i, r, 0);
    return this.#rowIs(p, o, i, r, -1);
  }

  /** Deletes all stored values of /o/i/r (every instance of a multiple resource). 0, or -4.04
   *  when the instance does not exist. */
  deleteValues(o: number, i: number, r: number): number {
    if (!this.hasInstance(o, i)) return -Code.NOT_FOUND;
    const a = this.#valLower(o, i, r, 0);
    const b = this.#valLower(o, i, r + 1, 0);
    if (b > a) { this.#removeValues(a, b); this.markChanged(o, i, r); }
    return 0;
  }

  /** Deletes every stored value of instance /o/i, keeping the instance (Write-replace of an
   *  instance). 0 or -4.04. */
  clearInstance(o: number, i: number): number {
    if (!this.hasInstance(o, i)) return -Code.NOT_FOUND;
    const a = this.#valLower(o, i, 0, 0);
    const b = this.#valLower(o, i + 1, 0, 0);
    if (b > a) { this.#removeValues(a, b); this.markChanged(o, i, NONE); }
    return 0;
  }

  /** True when /o/i exists and resource r is present in it: a stored value, a bound reader, or
   *  (for an executable) a bound executor. For Discover and for 4.04 on absent resources. */
  hasResource(o: number, i: number, r: number): boolean {
    const k = this.defs.indexOf(o);
    if (k < 0 || !(i >= 0) || this.#instFind(o, i) < 0) return false;
    const rk = this.defs.resIndex(k, r);
    if (rk < 0) return false;
    if (this.#bound(k, rk, Bind.Read) >= 0 || this.#bound(k, rk, Bind.Exec) >= 0) return true;
    return this.hasStored(o, i, r);
  }

  /** Deletes one stored value (ri = -1: the single resource). 0 or -4.04. */
  deleteValue(o: number, i: number, r: number, ri: number): number {
    const p = this.#valFind(o, i, r, ri);
    if (p < 0) return -Code.NOT_FOUND;
    this.#removeValues(p, p + 1);
    this.markChanged(o, i, r);
    return 0;
  }

  /** Number of stored resource instances of /o/i/r. */
  valueInstances(o: number, i: number, r: number): number {
    const a = this.#valLower(o, i, r, 0);
    const b = this.#valLower(o, i, r + 1, 0);
    return b - a;
  }

  /** The value rows (Row.Stride Uint16 each: o, i, r, ri, length), read-only, for ValueCursor
   *  (fixed for the table's life). */
  get rows(): Uint16Array { return this.#rows; }

  /** Stored-value row range helpers for ValueCursor. */
  lowerRow(o: number, i: number, r: number, ri: number): number { return this.#valLower(o, i, r, ri < 0 ? 0 : ri); }
  rowMatches(p: number, o: number, i: number, r: number, ri: number): boolean {
    return this.#rowIs(p, o, i, r, ri);
  }
  /** Instance-table row helpers for ValueCursor. */
  lowerInstance(o: number, i: number): number { return this.#instLower(o, i < 0 ? 0 : i); }
  instanceAt(p: number, o: number): number {
    return this.#instIdAt(p, o);
  }

  /** Runs /o/i/r's bound executor. -4.04 absent (object, instance, resource, or no executor
   *  bound), -4.05 not executable; else the executor's result. */
  execute(o: number, i: number, r: number, args: Uint8Array, off: number, len: number): number {
    const k = this.defs.indexOf(o);
    if (k < 0) return -Code.NOT_FOUND;
    if (!(i >= 0) || this.#instFind(o, i) < 0) return -Code.NOT_FOUND;
    const rk = this.defs.resIndex(k, r);
    if (rk < 0) return -Code.NOT_FOUND;
    if ((this.defs.at(k).resources[rk].ops & Op.E) === 0) return -Code.METHOD_NOT_ALLOWED;
    const x = this.#bound(k, rk, Bind.Exec);
    if (x < 0) return -Code.NOT_FOUND;
    const f = this.#fns;
    return (f[x] as ExecFn).call(f[x + 1], i, args, off, len, r);
  }

  // ------------------------------------------------------------------------------------------
  // Copies and persistence.

  /** Replaces all instances and stored values with other's (same sizes and object ids; bindings
   *  and the change listener stay). For bootstrap staging: commit and rollback are copies. */
  copyFrom(other: ObjectTable): void {
    if (other === this) return;
    if (other.maxInstances !== this.maxInstances || other.maxValues !== this.maxValues || other.arenaBytes !== this.arenaBytes) {
      throw new TableError('copyFrom: tables differ in maxInstances/maxValues/arenaBytes');
    }
    if (other.defs !== this.defs) {
      if (other.defs.size !== this.defs.size) throw new TableError('copyFrom: tables enable different objects');
      for (let k = 0; k < this.defs.size; k++) {
        if (other.defs.at(k).id !== this.defs.at(k).id) throw new TableError('copyFrom: tables enable different objects');
      }
    }
    this.#inst.set(other.#inst); this.#instCount = other.#instCount;
    this.#rows.set(other.#rows); this.#vType.set(other.#vType); this.#vNum.set(other.#vNum);
    this.#valueCount = other.#valueCount;
    const used = other.#arenaUsed;
    for (let k = 0; k < used; k++) this.#arena[k] = other.#arena[k];
    this.#arenaUsed = used;
    this.markChanged(NONE, NONE, NONE);
  }

  /** Whether object k (registry index) is saved by serialize(): objects 0, 1, 2 and `persistent` ones. */
  #persistent(k: number): boolean {
    const d = this.defs.at(k);
    return d.persistent === true || d.id <= 2;
  }

  #persisted(o: number): boolean {
    const k = this.defs.indexOf(o);
    return k >= 0 && this.#persistent(k);
  }

  static #valueBytes(type: number, len: number): number {
    return 9 + (isBytes(type) ? 2 + len : type === ValueType.ObjLnk ? 4 : type === ValueType.Boolean ? 1 : 8);
  }

  /** Bytes serialize() writes now. */
  serializedLength(): number {
    let n = HEADER_BYTES + CRC_BYTES;
    const v = this.#rows;
    for (let p = 0; p < this.#instCount; p++) if (this.#persisted(this.#inst[p * Inst.Stride + Inst.O])) n += 4;
    for (let p = 0; p < this.#valueCount; p++) {
      const m = p * Row.Stride;
      if (this.#persisted(v[m + Row.O])) n += ObjectTable.#valueBytes(this.#vType[p], v[m + Row.Len]);
    }
    return n;
  }

  /** Writes the instances and stored values of the persisted objects (0, 1, 2 and those whose
   *  definition says `persistent`) at out[at…]: "LT", format version, 0, instance count (u16),
   *  value count (u16), instances (o, i: u16), values (o, i, r, ri: u16, ri 0xFFFF for single; type u8;
   *  String/Opaque/CoreLnk: u16 length + bytes; ObjLnk: o, i u16; Boolean: u8; other numbers:
   *  float64), then CRC-32 (u32) of everything before it; big-endian. Bytes written, or -4.13 when
   *  out is too small. */
  serialize(out: Uint8Array, at: number): number {
    const need = this.serializedLength();
    if (at < 0 || out.length - at < need) return -Code.REQUEST_ENTITY_TOO_LARGE;
    let w = at + HEADER_BYTES;
    let ni = 0, nv = 0;
    const inst = this.#inst, v = this.#rows;
    for (let p = 0; p < this.#instCount; p++) {
      const m = p * Inst.Stride, o = inst[m + Inst.O];
      if (!this.#persisted(o)) continue;
      w = put16(out, w, o); w = put16(out, w, inst[m + Inst.I]); ni++;
    }
    for (let p = 0; p < this.#valueCount; p++) {
      const m = p * Row.Stride, o = v[m + Row.O];
      if (!this.#persisted(o)) continue;
      w = put16(out, w, o); w = put16(out, w, v[m + Row.I]); w = put16(out, w, v[m + Row.R]); w = put16(out, w, v[m + Row.RI]);
      const t = this.#vType[p];
      out[w++] = t;
      if (isBytes(t)) {
        const len = v[m + Row.Len], s = this.#vNum[p] | 0;
        w = put16(out, w, len);
        for (let k = 0; k < len; k++) out[w++] = this.#arena[s + k];
      } else if (t === ValueType.ObjLnk) {
        const x = this.#vNum[p];
        w = put16(out, w, Math.floor(x / 65536)); w = put16(out, w, x % 65536);
      } else if (t === ValueType.Boolean) {
        out[w++] = this.#vNum[p] !== 0 ? 1 : 0;
      } else {
        // The row's float64 bytes, big-endian regardless of the platform's byte order.
        const b = this.#vNumBytes, s = p * 8, le = LITTLE_ENDIAN;
        for (let k = 0; k < 8; k++) out[w++] = b[s + (le ? 7 - k : k)];
      }
      nv++;
    }
    out[at] = MAGIC0; out[at + 1] = MAGIC1; out[at + 2] = TABLE_FORMAT_VERSION; out[at + 3] = 0;
    put16(out, at + 4, ni); put16(out, at + 6, nv);
    const c = crc32(out, at, w - at);
    out[w] = c >>> 24; out[w + 1] = (c >>> 16) & 0xff; out[w + 2] = (c >>> 8) & 0xff; out[w + 3] = c & 0xff;
    return w + 4 - at;
  }

  /** Replaces the persisted objects' instances and values with those in buf[off…off+len). The data
   *  is validated completely first (magic, version, CRC, counts, ids, order, types against the
   *  definitions, capacity); on any error nothing changes and -4.00 (or -5.00/-4.13 when it would
   *  not fit) is returned. 0 on success. No change notifications are sent. */
  deserialize(buf: Uint8Array, off: number, len: number): number {
    const rc = this.#validate(buf, off, len);
    if (rc < 0) return rc;
    this.#quiet = true;
    // Drop the persisted objects' current contents.
    for (let p = this.#instCount - 1; p >= 0; p--) {
      const m = p * Inst.Stride, o = this.#inst[m + Inst.O];
      if (this.#persisted(o)) this.deleteInstance(o, this.#inst[m + Inst.I]);
    }
    const ni = get16(buf, off + 4), nv = get16(buf, off + 6);
    let q = off + HEADER_BYTES;
    for (let n = 0; n < ni; n++, q += 4) this.createInstance(get16(buf, q), get16(buf, q + 2));
    for (let n = 0; n < nv; n++) {
      const o = get16(buf, q), i = get16(buf, q + 2), r = get16(buf, q + 4), ri = get16(buf, q + 6), t = buf[q + 8];
      q += 9;
      let num = 0, so = 0, l = 0, f = -1;
      if (isBytes(t)) { l = get16(buf, q); so = q + 2; q += 2 + l; }
      else if (t === ValueType.ObjLnk) { num = get16(buf, q) * 65536 + get16(buf, q + 2); q += 4; }
      else if (t === ValueType.Boolean) { num = buf[q]; q += 1; }
      else { f = q; q += 8; }
      const at = this.#valLower(o, i, r, ri);
      this.#place(at, true, o, i, r, ri === RI_NONE ? NONE : ri, t, buf, so, l);
      if (f < 0) { if (!isBytes(t)) this.#vNum[at] = num; }
      else { // a float64, big-endian: straight into the row's bytes
        const b = this.#vNumBytes, s = at * 8, le = LITTLE_ENDIAN;
        for (let k = 0; k < 8; k++) b[s + (le ? 7 - k : k)] = buf[f + k];
      }
    }
    this.#quiet = false;
    this.markChanged(NONE, NONE, NONE);
    return 0;
  }

  #validate(buf: Uint8Array, off: number, len: number): number {
    const BAD = -Code.BAD_REQUEST;
    if (!(off >= 0 && len >= HEADER_BYTES + CRC_BYTES && off + len <= buf.length)) return BAD;
    if (buf[off] !== MAGIC0 || buf[off + 1] !== MAGIC1 || buf[off + 2] !== TABLE_FORMAT_VERSION || buf[off + 3] !== 0) return BAD;
    const end = off + len - CRC_BYTES;
    const c = crc32(buf, off, len - CRC_BYTES);
    if (((buf[end] << 24) | (buf[end + 1] << 16) | (buf[end + 2] << 8) | buf[end + 3]) >>> 0 !== c) return BAD;
    const ni = get16(buf, off + 4), nv = get16(buf, off + 6);
    const instBase = off + HEADER_BYTES;
    let q = instBase;
    if (q + 4 * ni > end) return BAD;
    let prev = -1;
    for (let n = 0; n < ni; n++, q += 4) {
      const o = get16(buf, q), i = get16(buf, q + 2);
      const k = this.defs.indexOf(o);
      if (k < 0 || !this.#persistent(k) || i >= ID_LIMIT) return BAD;
      const key = o * 65536 + i;
      if (key <= prev) return BAD;
      if (!this.defs.at(k).multiple && prev >= 0 && Math.floor(prev / 65536) === o) return BAD;
      prev = key;
    }
    // Capacity: what stays (non-persisted objects) plus what comes.
    let keepInst = 0, keepVal = 0, keepBytes = 0;
    const v = this.#rows;
    for (let p = 0; p < this.#instCount; p++) if (!this.#persisted(this.#inst[p * Inst.Stride + Inst.O])) keepInst++;
    for (let p = 0; p < this.#valueCount; p++) {
      const m = p * Row.Stride;
      if (!this.#persisted(v[m + Row.O])) { keepVal++; keepBytes += v[m + Row.Len]; }
    }
    if (keepInst + ni > this.maxInstances || keepVal + nv > this.maxValues) return -Code.INTERNAL_SERVER_ERROR;
    let bytes = 0;
    let prev1 = -1, prev2 = -1;
    for (let n = 0; n < nv; n++) {
      if (q + 9 > end) return BAD;
      const o = get16(buf, q), i = get16(buf, q + 2), r = get16(buf, q + 4), ri = get16(buf, q + 6), t = buf[q + 8];
      q += 9;
      const k1 = o * 65536 + i, k2 = r * 65536 + ri;
      if (k1 < prev1 || (k1 === prev1 && k2 <= prev2)) return BAD;
      prev1 = k1; prev2 = k2;
      // The instance must be among the serialized ones (binary search in the instance block).
      let lo = 0, hi = ni - 1, found = false;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const mk = get16(buf, instBase + 4 * mid) * 65536 + get16(buf, instBase + 4 * mid + 2);
        if (mk === k1) { found = true; break; }
        if (mk < k1) lo = mid + 1; else hi = mid - 1;
      }
      if (!found) return BAD;
      const k = this.defs.indexOf(o);
      const rk = this.defs.resIndex(k, r);
      if (rk < 0) return BAD;
      const rd = this.defs.at(k).resources[rk];
      if (rd.type !== t || t === ValueType.None) return BAD;
      if (rd.multiple ? ri === RI_NONE : ri !== RI_NONE) return BAD;
      if (isBytes(t)) {
        if (q + 2 > end) return BAD;
        const l = get16(buf, q);
        q += 2 + l; bytes += l;
      } else if (t === ValueType.ObjLnk) q += 4;
      else if (t === ValueType.Boolean) {
        if (q + 1 > end || buf[q] > 1) return BAD;
        q += 1;
      } else if (isNumeric(t)) q += 8;
      else return BAD;
      if (q > end) return BAD;
    }
    if (q !== end) return BAD;
    if (keepBytes + bytes > this.arenaBytes) return -Code.REQUEST_ENTITY_TOO_LARGE;
    return 0;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function put16(b: Uint8Array, w: number, v: number): number {
  b[w] = (v >>> 8) & 0xff; b[w + 1] = v & 0xff;
  return w + 2;
}

function get16(b: Uint8Array, q: number): number {
  return (b[q] << 8) | b[q + 1];
}

// ---------------------------------------------------------------------------------------------

const enum CursorState { Done = 0, Rows = 1, Resource = 2, Stored = 3, BoundMulti = 4 }

/** Walks the values under a path in path order (instance, resource, resource instance ascending):
 *  stored values, and bound readers' values (a bound resource is read through its reader only).
 *  Executable resources are skipped. `begin` then `next` until it returns 0; reuse freely. The
 *  table must not change during a walk. Objects without bound readers are a straight walk over
 *  the sorted value rows; others merge the definition's resources with the rows. */
export class ValueCursor {
  #t: ObjectTable | null = null;
  #k = -1;
  #def: ObjectDef | null = null;
  #o = NONE;
  #iF = NONE;
  #rF = NONE;
  #riF = NONE;
  #rIdx = 0;
  #instP = 0;
  #resK = 0;
  #row = 0;
  #rowInit = false;
  #bri = 0;
  #state: CursorState = CursorState.Done;
  #rows: Uint16Array = EMPTY_U16;

  /** Starts at /o (i, r, ri = -1 for "all"). The path's existence is the caller's check. */
  begin(table: ObjectTable, o: number, i: number, r: number, ri: number): void {
    this.#t = table;
    this.#o = o; this.#iF = i; this.#rF = r; this.#riF = r < 0 ? NONE : ri;
    this.#state = CursorState.Done;
    const k = table.defs.indexOf(o);
    this.#k = k;
    if (k < 0) return;
    this.#def = table.defs.at(k);
    this.#rIdx = r < 0 ? 0 : table.defs.resIndex(k, r);
    if (this.#rIdx < 0) return;
    this.#rows = table.rows;
    if (!table.anyReader(k)) {
      this.#row = table.lowerRow(o, i < 0 ? 0 : i, r < 0 ? 0 : r, this.#riF);
      this.#state = CursorState.Rows;
      return;
    }
    this.#instP = table.lowerInstance(o, i);
    this.#resK = this.#rIdx;
    this.#rowInit = false;
    this.#state = CursorState.Resource;
  }

  /** The definition of the object of the last begin() (whose object must be enabled; null before any). */
  get objectDef(): ObjectDef | null { return this.#def; }

  /** 1 with the next value in `out`, 0 at the end, or a bound reader's negative code. */
  next(out: DataRecord): number {
    const t = this.#t;
    const def = this.#def;
    if (t === null || def === null) return 0;
    const o = this.#o;
    if (this.#state === CursorState.Rows) {
      const n = t.valueCount, iF = this.#iF, rF = this.#rF, riF = this.#riF, v = this.#rows;
      for (let p = this.#row; p < n; p++) {
        const m = p * Row.Stride;
        if (v[m + Row.O] !== o || (iF >= 0 && v[m + Row.I] !== iF)) break;
        const r = v[m + Row.R];
        if (iF >= 0 && rF >= 0 && r > rF) break;
        if ((rF < 0 || r === rF) && (riF < 0 || v[m + Row.RI] === riF)) {
          t.fillRow(p, out);
          this.#row = p + 1;
          return 1;
        }
      }
      this.#state = CursorState.Done;
      return 0;
    }
    for (;;) {
      const state = this.#state;
      if (state === CursorState.Done) return 0;
      const i = t.instanceAt(this.#instP, o);
      if (i < 0 || (this.#iF >= 0 && i !== this.#iF)) { this.#state = CursorState.Done; return 0; }
      if (!this.#rowInit) {
        this.#row = t.lowerRow(o, i, this.#rF < 0 ? 0 : this.#rF, this.#riF);
        this.#rowInit = true;
      }
      const rk = this.#resK;
      if (state === CursorState.Resource) {
        if (rk >= def.resources.length || (this.#rF >= 0 && rk !== this.#rIdx)) {
          this.#instP++; this.#resK = this.#rIdx; this.#rowInit = false;
          continue;
        }
        // Skip rows of earlier resources (a bound resource's stored values are not read).
        const n = t.valueCount;
        let p = this.#row;
        const curId = def.resources[rk].id;
        const v = this.#rows;
        while (p < n && v[p * Row.Stride + Row.O] === o && v[p * Row.Stride + Row.I] === i && v[p * Row.Stride + Row.R] < curId) p++;
        this.#row = p;
        if (this.#rF < 0) {
          // Jump to the next resource that has a reader or a stored row.
          let target = t.nextReader(this.#k, rk);
          if (p < n && v[p * Row.Stride + Row.O] === o && v[p * Row.Stride + Row.I] === i) {
            const rr = t.resIndex(this.#k, v[p * Row.Stride + Row.R]);
            if (rr >= 0 && rr < target) target = rr;
          }
          if (target !== rk) { this.#resK = target; continue; }
        }
        const rd = def.resources[rk];
        if (rd.type === ValueType.None) { this.#resK = rk + 1; continue; }
        if (t.readerOf(this.#k, rk) >= 0) {
          if (rd.multiple) {
            this.#bri = this.#riF >= 0 ? this.#riF : 0;
            this.#state = CursorState.BoundMulti;
            continue;
          }
          this.#resK = rk + 1;
          const rc = t.callReader(this.#k, rk, o, i, NONE, out);
          if (rc === -Code.NOT_FOUND) continue;
          if (rc < 0) return rc;
          return 1;
        }
        this.#state = CursorState.Stored;
        continue;
      }
      if (state === CursorState.Stored) {
        const p = this.#row;
        if (t.rowMatches(p, o, i, def.resources[rk].id, this.#riF)) {
          t.fillRow(p, out);
          this.#row = p + 1;
          return 1;
        }
        this.#state = CursorState.Resource; this.#resK = rk + 1;
        continue;
      }
      // BoundMulti
      const want = this.#bri;
      if (want < ID_LIMIT) {
        const rc = t.callReader(this.#k, rk, o, i, want, out);
        if (rc >= 0 && out.ri >= want && out.ri < ID_LIMIT && (this.#riF < 0 || out.ri === this.#riF)) {
          this.#bri = this.#riF >= 0 ? ID_LIMIT : out.ri + 1;
          return 1;
        }
        if (rc < 0 && rc !== -Code.NOT_FOUND) { this.#state = CursorState.Resource; this.#resK = rk + 1; return rc; }
      }
      this.#state = CursorState.Resource; this.#resK = rk + 1;
    }
  }
}

const EMPTY_U16 = new Uint16Array(0);
