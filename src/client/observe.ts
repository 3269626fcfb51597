// Information reporting (LwM2M TS Core §6.4; RFC 7641): the observation table, the attribute
// table (Write-Attributes: pmin, pmax, gt, lt, st, epmin, epmax; TS Core §5.1.2) and the decision
// when a notification is due. Fixed tables sized by Config.maxObservations; no allocation.

import { NONE } from '../model/record.js';
import { Slab } from '../slab.js';

/** The most paths one Observe-Composite may name. */
export const COMPOSITE_PATHS = 4;
/** RFC 7641 §4.5: a CON notification at least every 24 hours. */
export const CON_EVERY = 24 * 3600 * 1000;

export const enum Attr { PMIN = 0, PMAX = 1, GT = 2, LT = 3, ST = 4, EPMIN = 5, EPMAX = 6, COUNT = 7 }

/** An observation's integer fields: row k of `ObservationTable.f` (stride Ob.SIZE). One strided array,
 *  not one array per field: under XS every typed array is an object of its own (4 to 7 heap slots). */
export const enum Ob {
  USED = 0,
  PEER = 1,
  /** Index of the server account (client's server table), -1 for an unknown peer. */
  SERVER = 2,
  TOK_LEN = 3,
  /** Paths: for a plain observation 1; for a composite, up to COMPOSITE_PATHS. */
  PATH_COUNT = 4,
  FORMAT = 5,
  SEQ = 6,
  /** 1 when the observation is of one numeric value (gt/lt/st apply), decided when it starts. */
  NUMERIC = 7,
  DIRTY = 8,
  /** Slot in the endpoint's ring of an unacknowledged CON notification, -1 when none. */
  INFLIGHT = 9,
  /** Message ID of the last notification (an RST to a NON one names only its MID), -1 when none. */
  LAST_MID = 10,
  SIZE = 11,
}

/** An observation's times (ms) and last value: row k of `ObservationTable.t` (stride ObT.SIZE). */
export const enum ObT {
  LAST = 0,
  LAST_CON = 1,
  LAST_VAL = 2,
  /** When the value was last evaluated against gt/lt/st (epmin/epmax, TS Core §5.1.2). */
  LAST_EVAL = 3,
  SIZE = 4,
}

export class ObservationTable {
  readonly n: number;
  /** Integer fields, row k at k * Ob.SIZE. */
  readonly f: Int32Array;
  /** Times and last value, row k at k * ObT.SIZE. */
  readonly t: Float64Array;
  /** Tokens, 8 bytes per observation. */
  readonly tok: Uint8Array;
  /** Observed paths, 4 ints each (o, i, r, ri: the layout dm.ts encodeComposite reads): observation
   *  k's at path index k * COMPOSITE_PATHS. One more row, at path index `scratch`, holds the paths of
   *  the request being handled (Read-Composite, Observe). */
  readonly paths: Int32Array;
  readonly scratch: number;

  constructor(n: number, slab: Slab = new Slab()) {
    this.n = n;
    this.f = slab.i32(n * Ob.SIZE);
    this.t = slab.f64(n * ObT.SIZE);
    this.tok = slab.u8(n * 8);
    this.paths = slab.i32((n + 1) * COMPOSITE_PATHS * 4);
    this.scratch = n * COMPOSITE_PATHS;
    this.clear();
  }

  used(k: number): boolean { return this.f[k * Ob.SIZE + Ob.USED] !== 0; }

  get(k: number, field: Ob): number { return this.f[k * Ob.SIZE + field]; }

  set(k: number, field: Ob, v: number): void { this.f[k * Ob.SIZE + field] = v; }

  /** The observation with this peer and token, or -1. */
  find(peer: number, tok: Uint8Array, tokOff: number, tokLen: number): number {
    const f = this.f;
    for (let k = 0; k < this.n; k++) {
      const b = k * Ob.SIZE;
      if (!f[b + Ob.USED] || f[b + Ob.PEER] !== peer || f[b + Ob.TOK_LEN] !== tokLen) continue;
      let same = true;
      for (let j = 0; j < tokLen; j++) if (this.tok[k * 8 + j] !== tok[tokOff + j]) { same = false; break; }
      if (same) return k;
    }
    return -1;
  }

  alloc(): number {
    for (let k = 0; k < this.n; k++) if (!this.f[k * Ob.SIZE + Ob.USED]) return k;
    return -1;
  }

  free(k: number): void {
    const f = this.f, b = k * Ob.SIZE;
    f[b + Ob.USED] = 0; f[b + Ob.DIRTY] = 0; f[b + Ob.INFLIGHT] = -1; f[b + Ob.PATH_COUNT] = 0; f[b + Ob.LAST_MID] = -1;
  }

  clear(): void { for (let k = 0; k < this.n; k++) this.free(k); }

  count(): number {
    let c = 0;
    for (let k = 0; k < this.n; k++) if (this.f[k * Ob.SIZE + Ob.USED]) c++;
    return c;
  }

  /** Marks every observation whose path covers /o/i/r (or lies under it) dirty. */
  touch(o: number, i: number, r: number): void {
    const f = this.f, p = this.paths;
    for (let k = 0; k < this.n; k++) {
      const b = k * Ob.SIZE;
      if (!f[b + Ob.USED]) continue;
      const pc = f[b + Ob.PATH_COUNT];
      for (let j = 0; j < pc; j++) {
        const q = (k * COMPOSITE_PATHS + j) * 4;
        if (covers(p[q], p[q + 1], p[q + 2], o, i, r)) { f[b + Ob.DIRTY] = 1; break; }
      }
    }
  }
}

/** True when a change at /o/i/r concerns an observation of /po/pi/pr (either contains the other). */
function covers(po: number, pi: number, pr: number, o: number, i: number, r: number): boolean {
  if (o < 0 || po < 0) return true;
  if (po !== o) return false;
  if (i < 0 || pi < 0) return true;
  if (pi !== i) return false;
  if (r < 0 || pr < 0) return true;
  return pr === r;
}

/** A Write-Attributes row's integer fields: row k of `AttributeTable.f` (stride Ar.SIZE). */
export const enum Ar { USED = 0, SERVER = 1, O = 2, I = 3, R = 4, SIZE = 5 }

/** Write-Attributes storage: one row per (server, path), values NaN when unset. */
export class AttributeTable {
  readonly n: number;
  /** Integer fields, row k at k * Ar.SIZE; then, at n * Ar.SIZE, the three rows resolve() found. */
  readonly f: Int32Array;
  /** Attribute values, row k at k * Attr.COUNT. One more row, at `scratch`, holds the values of the
   *  Write-Attributes request being parsed (dm.ts). */
  readonly v: Float64Array;
  readonly scratch: number;

  constructor(n: number, slab: Slab = new Slab()) {
    this.n = n;
    this.f = slab.i32(n * Ar.SIZE + 3);
    this.v = slab.f64((n + 1) * Attr.COUNT).fill(NaN);
    this.scratch = n * Attr.COUNT;
  }

  find(server: number, o: number, i: number, r: number): number {
    const f = this.f;
    for (let k = 0; k < this.n; k++) {
      const b = k * Ar.SIZE;
      if (f[b + Ar.USED] && f[b + Ar.SERVER] === server && f[b + Ar.O] === o && f[b + Ar.I] === i && f[b + Ar.R] === r) return k;
    }
    return -1;
  }

  /** The row for (server, path), created when absent; -1 when the table is full. */
  obtain(server: number, o: number, i: number, r: number): number {
    const k = this.find(server, o, i, r);
    if (k >= 0) return k;
    const f = this.f;
    for (let j = 0; j < this.n; j++) {
      const b = j * Ar.SIZE;
      if (f[b + Ar.USED]) continue;
      f[b + Ar.USED] = 1; f[b + Ar.SERVER] = server; f[b + Ar.O] = o; f[b + Ar.I] = i; f[b + Ar.R] = r;
      this.v.fill(NaN, j * Attr.COUNT, (j + 1) * Attr.COUNT);
      return j;
    }
    return -1;
  }

  /** Drops rows whose every attribute is unset. */
  compact(k: number): void {
    for (let a = 0; a < Attr.COUNT; a++) if (this.v[k * Attr.COUNT + a] === this.v[k * Attr.COUNT + a]) return;
    this.f[k * Ar.SIZE + Ar.USED] = 0;
  }

  /** Finds, in one scan of the table (XS pays for every row read), the rows an attribute of
   *  (server, /o/i/r) is inherited from, resource → instance → object (TS Core §5.1.2): the resource
   *  row (r >= 0), the instance row (i >= 0) and the object row, kept after the rows of `f` (-1: none).
   *  Then `pick(a)`. */
  resolve(server: number, o: number, i: number, r: number): void {
    const f = this.f, n = this.n;
    let kr = -1, ki = -1, ko = -1;
    for (let k = 0; k < n; k++) {
      const b = k * Ar.SIZE;
      if (!f[b + Ar.USED] || f[b + Ar.SERVER] !== server || f[b + Ar.O] !== o) continue;
      const ri = f[b + Ar.I], rr = f[b + Ar.R];
      if (ri === i && rr === r && r >= 0) { if (kr < 0) kr = k; }
      else if (ri === i && rr === NONE && i >= 0) { if (ki < 0) ki = k; }
      else if (ri === NONE && rr === NONE && ko < 0) ko = k;
    }
    const at = n * Ar.SIZE;
    f[at] = kr; f[at + 1] = ki; f[at + 2] = ko;
  }

  /** Where attribute `a` of the last resolve()'s path is set: an index into `v`, or -1 when unset.
   *  (An index, not the double: V8 boxes doubles returned from calls it does not inline.) */
  pick(a: number): number {
    const f = this.f, v = this.v, at = this.n * Ar.SIZE;
    let k = f[at];
    if (k >= 0) { const q = k * Attr.COUNT + a, x = v[q]; if (x === x) return q; }
    k = f[at + 1];
    if (k >= 0) { const q = k * Attr.COUNT + a, x = v[q]; if (x === x) return q; }
    k = f[at + 2];
    if (k >= 0) { const q = k * Attr.COUNT + a, x = v[q]; if (x === x) return q; }
    return -1;
  }

  removeServer(server: number): void {
    const f = this.f;
    for (let k = 0; k < this.n; k++) if (f[k * Ar.SIZE + Ar.USED] && f[k * Ar.SIZE + Ar.SERVER] === server) f[k * Ar.SIZE + Ar.USED] = 0;
  }

  clear(): void { for (let k = 0; k < this.n; k++) this.f[k * Ar.SIZE + Ar.USED] = 0; }
}

/** Slots of the Float64Array numericConditionMet reads. */
export const enum Cond { PREV = 0, CUR = 1, GT = 2, LT = 3, ST = 4 }

/**
 * Whether a numeric value change passes gt/lt/st (TS Core §5.1.2 "Change Value Conditions"):
 * with none set, any change counts; otherwise a crossing of gt or lt, or a step of at least st.
 * The values come in a Float64Array (NaN: unset), not as arguments (V8 would box them).
 */
export function numericConditionMet(f: Float64Array): boolean {
  const prev = f[Cond.PREV], cur = f[Cond.CUR], gt = f[Cond.GT], lt = f[Cond.LT], st = f[Cond.ST];
  const hasGt = gt === gt, hasLt = lt === lt, hasSt = st === st;
  if (!hasGt && !hasLt && !hasSt) return cur !== prev;
  if (hasGt && ((prev <= gt && cur > gt) || (prev > gt && cur <= gt))) return true;
  if (hasLt && ((prev >= lt && cur < lt) || (prev < lt && cur >= lt))) return true;
  if (hasSt && Math.abs(cur - prev) >= st) return true;
  return false;
}
