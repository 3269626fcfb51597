// Object and resource definitions: frozen tables (generated from the OMA registry in
// src/objects/defs.generated.ts, or written by the application with `defineObject`), looked up by
// number without allocating. Resources of a definition are kept sorted by id so `findResource`
// is a binary search.
import { ValueType } from './record.js';
import { Slab } from '../slab.js';

/** Operations a resource allows (the DDF's <Operations>: R, W, E, combinations). */
export const enum Op { None = 0, R = 1, W = 2, E = 4 }

export interface ResourceDef {
  readonly id: number;
  readonly type: ValueType;
  /** Bitmask of Op. */
  readonly ops: number;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  readonly name: string;
  /** Numeric range from the DDF's RangeEnumeration "a..b", when it has one. */
  readonly rangeMin?: number;
  readonly rangeMax?: number;
}

export interface ObjectDef {
  readonly id: number;
  /** Object version, e.g. "1.1". */
  readonly version: string;
  readonly name: string;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  /** Sorted by id, ascending, unique. */
  readonly resources: readonly ResourceDef[];
  /** Stored values survive a restart (ObjectTable.serialize). Objects 0, 1 and 2 always do. */
  readonly persistent?: boolean;
}

/** Highest valid object / instance / resource id (LwM2M TS Core §7.1: 65535 is reserved). */
export const MAX_ID = 65535;

export class DefError extends Error {}

/** Checks a definition, sorts its resources and freezes it deeply (so XS can keep it in flash).
 *  Construction-time only: allocates, throws DefError on a bad definition. */
export function freezeObjectDef(def: ObjectDef): ObjectDef {
  if (!Number.isInteger(def.id) || def.id < 0 || def.id >= MAX_ID) throw new DefError('object id must be 0…65534 (got ' + String(def.id) + ')');
  const res = def.resources.slice().sort((a, b) => a.id - b.id);
  for (let k = 0; k < res.length; k++) {
    const r = res[k];
    if (!Number.isInteger(r.id) || r.id < 0 || r.id >= MAX_ID) throw new DefError('object ' + def.id + ': resource id must be 0…65534 (got ' + String(r.id) + ')');
    if (k > 0 && res[k - 1].id === r.id) throw new DefError('object ' + def.id + ': resource ' + r.id + ' defined twice');
    if ((r.ops & Op.E) !== 0 && r.type !== ValueType.None) throw new DefError('object ' + def.id + ': executable resource ' + r.id + ' must have no type');
    if ((r.ops & Op.E) === 0 && r.type === ValueType.None && r.ops !== 0) throw new DefError('object ' + def.id + ': resource ' + r.id + ' needs a type');
    Object.freeze(r);
  }
  const out: ObjectDef = {
    id: def.id, version: def.version, name: def.name, multiple: def.multiple, mandatory: def.mandatory,
    resources: Object.freeze(res), persistent: def.persistent === true || def.id <= 2,
  };
  return Object.freeze(out);
}

/** Index of resource `rid` in `def.resources`, or -1. Binary search, allocation-free. */
export function findResourceIndex(def: ObjectDef, rid: number): number {
  const res = def.resources;
  let lo = 0, hi = res.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const id = res[mid].id;
    if (id === rid) return mid;
    if (id < rid) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

export function findResource(def: ObjectDef, rid: number): ResourceDef | null {
  const k = findResourceIndex(def, rid);
  return k < 0 ? null : def.resources[k];
}

// ---------------------------------------------------------------------------------------------
// Compact definitions for application objects.

/** One resource of a compact definition: [id, name, ops ("R", "RW", "E", …), type, flags].
 *  flags: "M" mandatory, "*" multiple (e.g. "M*"). Executables use ValueType.None. */
export type CompactResource = readonly [number, string, string, ValueType, string?];

export interface CompactObject {
  id: number;
  name: string;
  version?: string;
  multiple?: boolean;
  mandatory?: boolean;
  persistent?: boolean;
  resources: readonly CompactResource[];
}

/** The Op bits of a DDF operations text: "", "R", "W", "RW", "E", … (R, W, E in that order), or -1.
 *  Read letter by letter, not by a RegExp: Espruino's has no `?` (/^R?$/ does not match "R"), and
 *  the definitions of gen-object's modules came out with no resources there. */
export function opsOf(text: string): number {
  if (typeof text !== 'string') return -1;
  let k = 0, ops = 0;
  if (text.charAt(k) === 'R') { ops |= Op.R; k++; }
  if (text.charAt(k) === 'W') { ops |= Op.W; k++; }
  if (text.charAt(k) === 'E') { ops |= Op.E; k++; }
  return k === text.length ? ops : -1;
}

/** Builds a frozen ObjectDef from a compact TypeScript definition (construction time), e.g.
 *  `defineObject({ id: 32769, name: 'Lamp', multiple: true, resources: [
 *     [0, 'On', 'RW', ValueType.Boolean, 'M'], [1, 'Toggle', 'E', ValueType.None]] })`. */
export function defineObject(c: CompactObject): ObjectDef {
  const resources: ResourceDef[] = [];
  for (const [id, name, opsText, type, flags] of c.resources) {
    const ops = opsOf(opsText);
    if (ops < 0) throw new DefError('object ' + c.id + ': resource ' + id + ' ops must be R, W, E or a combination in that order (got ' + opsText + ')');
    const f = flags || '';
    resources.push({ id, name, ops, type, multiple: f.includes('*'), mandatory: f.includes('M') });
  }
  return freezeObjectDef({
    id: c.id, name: c.name, version: c.version || '1.0', multiple: c.multiple === true,
    mandatory: c.mandatory === true, persistent: c.persistent === true, resources,
  });
}

// ---------------------------------------------------------------------------------------------

/** The objects a client enables: object id → definition, ascending ids, binary-searched. Built at
 *  construction; `add` (construction time too) lets an application add its own objects. */
export class DefRegistry {
  readonly #defs: ObjectDef[] = [];
  /** Built by seal(), one array for the lookups (under XS each typed array costs 4 heap slots or more):
   *  [0, n) object ids ascending; [n, 2n] where object k's resource ids begin (at n: where they end);
   *  from 2n + 1, every object's resource ids ascending, object after object. All ids are ≤ 65534. */
  #index: Uint16Array = EMPTY_U16;
  #sealed = false;

  constructor(defs: readonly ObjectDef[] = []) {
    for (let k = 0; k < defs.length; k++) this.add(defs[k]);
  }

  /** Adds (or, with the same id, throws) a definition. Construction time: allocates. Not allowed
   *  once a table was built on this registry (its per-object binding slots are indexed by position). */
  add(def: ObjectDef): this {
    if (this.#sealed) throw new DefError('add(' + def.id + '): the registry is in use by an ObjectTable; add objects before creating the table');
    if (!Object.isFrozen(def)) def = freezeObjectDef(def);
    if (this.indexOf(def.id) >= 0) throw new DefError('object ' + def.id + ' is defined twice');
    this.#defs.push(def);
    this.#defs.sort((a, b) => a.id - b.id);
    return this;
  }

  /** Called by ObjectTable: no more `add`. The first call builds the lookup index from `slab`. */
  seal(slab: Slab = new Slab()): void {
    if (this.#sealed) return;
    const defs = this.#defs, n = defs.length;
    let total = 0;
    for (let k = 0; k < n; k++) total += defs[k].resources.length;
    if (2 * n + 1 + total > 0xffff) throw new DefError('too many objects and resources for one registry');
    const ix = slab.u16(2 * n + 1 + total);
    let w = 2 * n + 1;
    for (let k = 0; k < n; k++) {
      const res = defs[k].resources;
      ix[k] = defs[k].id;
      ix[n + k] = w;
      for (let q = 0; q < res.length; q++) ix[w++] = res[q].id;
    }
    ix[2 * n] = w;
    this.#index = ix;
    this.#sealed = true;
  }

  get size(): number { return this.#defs.length; }

  /** Index of object `o` (0…size-1), or -1. */
  indexOf(o: number): number {
    let lo = 0, hi = this.#defs.length - 1;
    if (!this.#sealed) { // still being built: search the definitions themselves
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const id = this.#defs[mid].id;
        if (id === o) return mid;
        if (id < o) lo = mid + 1; else hi = mid - 1;
      }
      return -1;
    }
    const ids = this.#index;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const id = ids[mid];
      if (id === o) return mid;
      if (id < o) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  get(o: number): ObjectDef | null {
    const k = this.indexOf(o);
    return k < 0 ? null : this.#defs[k];
  }

  /** The definition at index k (0…size-1), ascending object id. */
  at(k: number): ObjectDef { return this.#defs[k]; }

  has(o: number): boolean { return this.indexOf(o) >= 0; }

  /** Sealed registries: the lookup index (layout at #index), read by ObjectTable's hot paths. */
  get index(): Uint16Array { return this.#index; }

  /** Sealed registries: the flat index (over all objects' resources, in order) of object k's first
   *  resource; k = size gives the total. Tables index their per-resource state by it. */
  resourceBase(k: number): number {
    const n = this.#defs.length;
    return this.#index[n + k] - (2 * n + 1);
  }

  /** Sealed registries: index of resource r in object k's definition, or -1 (binary search). */
  resIndex(k: number, r: number): number {
    const ix = this.#index, at = this.#defs.length + k;
    const first = ix[at];
    let lo = first, hi = ix[at + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const id = ix[mid];
      if (id === r) return mid - first;
      if (id < r) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }
}

const EMPTY_U16 = new Uint16Array(0);
