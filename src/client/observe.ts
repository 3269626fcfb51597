// Information reporting (LwM2M TS Core §6.4; RFC 7641): the observation table, the attribute
// table (Write-Attributes: pmin, pmax, gt, lt, st, epmin, epmax; TS Core §5.1.2) and the decision
// when a notification is due. Fixed tables sized by Config.maxObservations; no allocation.

import { NONE } from '../model/record.js';

/** The most paths one Observe-Composite may name. */
export const COMPOSITE_PATHS = 4;
/** RFC 7641 §4.5: a CON notification at least every 24 hours. */
export const CON_EVERY = 24 * 3600 * 1000;

export const enum Attr { PMIN = 0, PMAX = 1, GT = 2, LT = 3, ST = 4, EPMIN = 5, EPMAX = 6, COUNT = 7 }

export class ObservationTable {
  readonly n: number;
  readonly used: Uint8Array;
  readonly peer: Int16Array;
  /** Index of the server account (client's server table), -1 for an unknown peer. */
  readonly server: Int16Array;
  readonly tok: Uint8Array;
  readonly tokLen: Uint8Array;
  /** Paths: for a plain observation entry 0; for a composite, up to COMPOSITE_PATHS entries. */
  readonly pathCount: Uint8Array;
  readonly po: Int32Array;
  readonly pi: Int32Array;
  readonly pr: Int32Array;
  readonly pri: Int32Array;
  readonly format: Int32Array;
  readonly seq: Int32Array;
  readonly last: Float64Array;
  readonly lastCon: Float64Array;
  readonly lastVal: Float64Array;
  /** 1 when the observation is of one numeric value (gt/lt/st apply), decided when it starts. */
  readonly numeric: Uint8Array;
  /** When the value was last evaluated against gt/lt/st (epmin/epmax, TS Core §5.1.2). */
  readonly lastEval: Float64Array;
  readonly dirty: Uint8Array;
  /** Slot in the endpoint's ring of an unacknowledged CON notification, -1 when none. */
  readonly inflight: Int16Array;
  /** Message ID of the last notification (an RST to a NON one names only its MID). */
  readonly lastMid: Int32Array;

  constructor(n: number) {
    this.n = n;
    this.used = new Uint8Array(n);
    this.peer = new Int16Array(n);
    this.server = new Int16Array(n);
    this.tok = new Uint8Array(n * 8);
    this.tokLen = new Uint8Array(n);
    this.pathCount = new Uint8Array(n);
    const m = n * COMPOSITE_PATHS;
    this.po = new Int32Array(m); this.pi = new Int32Array(m); this.pr = new Int32Array(m); this.pri = new Int32Array(m);
    this.format = new Int32Array(n);
    this.seq = new Int32Array(n);
    this.last = new Float64Array(n);
    this.lastCon = new Float64Array(n);
    this.lastVal = new Float64Array(n);
    this.lastEval = new Float64Array(n);
    this.numeric = new Uint8Array(n);
    this.dirty = new Uint8Array(n);
    this.inflight = new Int16Array(n).fill(-1);
    this.lastMid = new Int32Array(n).fill(-1);
  }

  /** The observation with this peer and token, or -1. */
  find(peer: number, tok: Uint8Array, tokOff: number, tokLen: number): number {
    for (let k = 0; k < this.n; k++) {
      if (!this.used[k] || this.peer[k] !== peer || this.tokLen[k] !== tokLen) continue;
      let same = true;
      for (let j = 0; j < tokLen; j++) if (this.tok[k * 8 + j] !== tok[tokOff + j]) { same = false; break; }
      if (same) return k;
    }
    return -1;
  }

  alloc(): number {
    for (let k = 0; k < this.n; k++) if (!this.used[k]) return k;
    return -1;
  }

  free(k: number): void {
    this.used[k] = 0; this.dirty[k] = 0; this.inflight[k] = -1; this.pathCount[k] = 0; this.lastMid[k] = -1;
  }

  clear(): void { for (let k = 0; k < this.n; k++) this.free(k); }

  count(): number {
    let c = 0;
    for (let k = 0; k < this.n; k++) if (this.used[k]) c++;
    return c;
  }

  /** Marks every observation whose path covers /o/i/r (or lies under it) dirty. */
  touch(o: number, i: number, r: number): void {
    for (let k = 0; k < this.n; k++) {
      if (!this.used[k]) continue;
      const pc = this.pathCount[k];
      for (let j = 0; j < pc; j++) {
        const q = k * COMPOSITE_PATHS + j;
        if (covers(this.po[q], this.pi[q], this.pr[q], o, i, r)) { this.dirty[k] = 1; break; }
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

/** Write-Attributes storage: one row per (server, path), values NaN when unset. */
export class AttributeTable {
  readonly n: number;
  readonly used: Uint8Array;
  readonly server: Int16Array;
  readonly o: Int32Array;
  readonly i: Int32Array;
  readonly r: Int32Array;
  readonly v: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.used = new Uint8Array(n);
    this.server = new Int16Array(n);
    this.o = new Int32Array(n); this.i = new Int32Array(n); this.r = new Int32Array(n);
    this.v = new Float64Array(n * Attr.COUNT).fill(NaN);
  }

  find(server: number, o: number, i: number, r: number): number {
    for (let k = 0; k < this.n; k++) {
      if (this.used[k] && this.server[k] === server && this.o[k] === o && this.i[k] === i && this.r[k] === r) return k;
    }
    return -1;
  }

  /** The row for (server, path), created when absent; -1 when the table is full. */
  obtain(server: number, o: number, i: number, r: number): number {
    const k = this.find(server, o, i, r);
    if (k >= 0) return k;
    for (let j = 0; j < this.n; j++) {
      if (this.used[j]) continue;
      this.used[j] = 1; this.server[j] = server; this.o[j] = o; this.i[j] = i; this.r[j] = r;
      this.v.fill(NaN, j * Attr.COUNT, (j + 1) * Attr.COUNT);
      return j;
    }
    return -1;
  }

  /** Drops rows whose every attribute is unset. */
  compact(k: number): void {
    for (let a = 0; a < Attr.COUNT; a++) if (this.v[k * Attr.COUNT + a] === this.v[k * Attr.COUNT + a]) return;
    this.used[k] = 0;
  }

  /** Where attribute `a` of a path is set, inherited resource → instance → object (TS Core
   *  §5.1.2): an index into `v`, or -1 when unset. (An index, not the double: V8 boxes doubles
   *  returned from calls it does not inline.) */
  effective(server: number, o: number, i: number, r: number, a: number): number {
    let k = r >= 0 ? this.find(server, o, i, r) : -1;
    if (k >= 0) { const q = k * Attr.COUNT + a, x = this.v[q]; if (x === x) return q; }
    k = i >= 0 ? this.find(server, o, i, NONE) : -1;
    if (k >= 0) { const q = k * Attr.COUNT + a, x = this.v[q]; if (x === x) return q; }
    k = this.find(server, o, NONE, NONE);
    if (k >= 0) { const q = k * Attr.COUNT + a, x = this.v[q]; if (x === x) return q; }
    return -1;
  }

  removeServer(server: number): void {
    for (let k = 0; k < this.n; k++) if (this.used[k] && this.server[k] === server) this.used[k] = 0;
  }

  clear(): void { this.used.fill(0); }
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
