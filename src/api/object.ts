// Application objects: an LwObject is one LwM2M object (a definition from the registry or from
// `lwm2m-mcu gen-object`) with the instances the device has and the application's callbacks; an
// ObjectInstance is a handle the application holds and sets values through.
//
// Everything is resolved at construction: the resources a callback names are checked against the
// definition (a mistake throws Lwm2mError naming the fix), the resource ids and types are kept in
// small typed arrays, and the table bindings are made when a Lwm2mClient adopts the object. A set()
// then looks its resource up in that array (a binary search over a few ids), stores the value in
// the object table (which marks observations of the path: the engine notifies per the server's
// attributes) and allocates nothing. Errors at run time are not thrown: the client's onError gets
// an Lwm2mError with the path, the table is left as it was.
import { Code } from '../coap/codes.js';
import { DataRecord, NONE, ValueType } from '../model/record.js';
import { DefError, Op, findResourceIndex, freezeObjectDef, type ObjectDef, type ResourceDef } from '../model/defs.js';
import type { ObjectTable } from '../model/table.js';
import { Lwm2mError, pathText, codeText } from './errors.js';
import { utf8Bytes } from '../model/utf8.js';

/** An Object Link (ObjLnk) value. */
export interface ObjectLink { objectId: number; instanceId: number }

/** A resource value: Integer, Unsigned Integer, Float and Time (seconds since the epoch) are
 *  numbers, Boolean a boolean (or 0/1), String and Corelnk strings, Opaque bytes, Objlnk an
 *  ObjectLink. */
export type Value = number | boolean | string | Uint8Array | ObjectLink;

/** What a write/execute/create/delete callback returns: nothing or true accepts; false refuses
 *  with 4.00; a CoAP code (Lwm2mCode.MethodNotAllowed, …; 4.xx or 5.xx) refuses with that code.
 *  A callback that throws is an application error: the server gets 5.00, onError the error. */
export type Reply = void | boolean | number;

/** A server's Write of resource `rid`: the decoded value (already checked against the resource's
 *  type and range), the instance id and the resource instance id (-1 for a single resource).
 *  Accepted, the value is stored (observers notified); refused, nothing changes. */
export type WriteCallback = (value: Value, instance: number, resourceInstance: number) => Reply;
/** A server's Execute: its arguments (the payload as text, "" when none). */
export type ExecuteCallback = (args: string, instance: number) => Reply;
/** Reads a value on demand (sensors sampled only when a server asks). For a multiple resource
 *  `resourceInstance` is the one asked for. undefined: no value (4.04). */
export type ReadCallback = (instance: number, resourceInstance: number) => Value | undefined;

export interface ObjectOptions {
  /** Instance ids the device has at start; default [0]. */
  instances?: readonly number[];
  /** The most instances this object will have (server Creates included); default: the count of
   *  `instances`, plus 4 for a multiple-instance object (a server may Create instances). The client
   *  sizes its table from it. */
  maxInstances?: number;
  /** Initial values of every instance at start: { [resourceId]: value, or an array for a multiple
   *  resource (resource instances 0, 1, …) }. */
  values?: { readonly [rid: number]: Value | readonly Value[] };
  onWrite?: { readonly [rid: number]: WriteCallback };
  onExecute?: { readonly [rid: number]: ExecuteCallback };
  onRead?: { readonly [rid: number]: ReadCallback };
  /** A server created instance `instance.id` (its values from the request are set). */
  onCreate?: (instance: ObjectInstance) => Reply;
  /** A server is deleting the instance: refuse to keep it. */
  onDelete?: (instance: ObjectInstance) => Reply;
}

/** What a client gives an object when it adopts it (internal). */
export interface ObjectHost {
  readonly table: ObjectTable;
  /** The record values cross into the table through (one per client). */
  readonly rec: DataRecord;
  /** A number crossing into the table: written here, never passed as an argument (V8 boxes a
   *  fractional double passed to a call it does not inline: one allocation per set()). */
  readonly num: Float64Array;
  /** An application error at run time (onError). */
  error(e: Lwm2mError): void;
  /** A value changed: the client runs its timers soon (a notification may be due). */
  changed(): void;
}

/** What an adopted object keeps of its options: its callbacks (the initial values are stored by
 *  then). Without callbacks, this one object (frozen, module-level: in flash on a device). */
const NO_CALLBACKS: ObjectOptions = Object.freeze({});

function callbacksOf(o: ObjectOptions): ObjectOptions {
  if (!o.onWrite && !o.onExecute && !o.onRead && !o.onCreate && !o.onDelete) return NO_CALLBACKS;
  return { onWrite: o.onWrite, onExecute: o.onExecute, onRead: o.onRead, onCreate: o.onCreate, onDelete: o.onDelete };
}

/** Resource flags: bit 0 multiple, bit 1 W, bit 2 E. (`multiple` is read as truthy everywhere: the Espruino
 *  build's definitions leave a false `multiple` out.) */
function flagsOf(r: ResourceDef): number {
  return (r.multiple ? 1 : 0) | ((r.ops & Op.W) !== 0 ? 2 : 0) | ((r.ops & Op.E) !== 0 ? 4 : 0);
}

const NUMERIC = (1 << ValueType.Integer) | (1 << ValueType.UnsignedInteger) | (1 << ValueType.Float) | (1 << ValueType.Time);
const TYPE_NAME = ['none', 'String', 'Integer', 'Unsigned Integer', 'Float', 'Boolean', 'Opaque', 'Time', 'Objlnk', 'Corelnk'];

/** The answer of a callback as a table result: 0 or a negative CoAP code. */
export function replyCode(r: Reply): number {
  if (r === undefined || r === true) return 0;
  if (r === false) return -Code.BAD_REQUEST;
  if (typeof r === 'number' && r >= 0x80 && r <= 0xbf) return -r;
  return 0;
}

/** UTF-8 bytes → string (server writes only: allocates). */
export function utf8Text(b: Uint8Array, off: number, len: number): string {
  let s = '';
  const end = off + len;
  for (let p = off; p < end;) {
    const c = b[p++];
    let cp = c;
    if (c >= 0xf0) { cp = ((c & 7) << 18) | ((b[p] & 63) << 12) | ((b[p + 1] & 63) << 6) | (b[p + 2] & 63); p += 3; }
    else if (c >= 0xe0) { cp = ((c & 15) << 12) | ((b[p] & 63) << 6) | (b[p + 1] & 63); p += 2; }
    else if (c >= 0xc0) { cp = ((c & 31) << 6) | (b[p] & 63); p += 1; }
    s += String.fromCodePoint(cp);
  }
  return s;
}

export class LwObject {
  readonly def: ObjectDef;
  readonly id: number;
  /** The most instances (table sizing). */
  readonly maxInstances: number;
  /** Stored values one instance may hold at most (table sizing): single resources + 4 per multiple. */
  readonly valuesPerInstance: number;
  /** The options; once adopted, only their callbacks (callbacksOf). The resources' ids, types and
   *  flags are read from the definition (frozen: in flash on a device), not copied into arrays. */
  #opts: ObjectOptions;
  readonly #handles: ObjectInstance[] = [];
  #host: ObjectHost | null = null;

  constructor(def: ObjectDef, opts: ObjectOptions = {}) {
    if (def === null || typeof def !== 'object' || !Array.isArray(def.resources)) {
      throw new Lwm2mError('an LwObject needs an object definition (import OBJ_<id> from the registry, or a module written by `lwm2m-mcu gen-object`)');
    }
    // Resources sorted by id (resourceIndex searches them): a definition not frozen yet is frozen so.
    if (!Object.isFrozen(def)) {
      try { def = freezeObjectDef(def); } catch (e) { throw e instanceof DefError ? new Lwm2mError(e.message) : e; }
    }
    this.def = def; this.id = def.id; this.#opts = opts;
    const res = def.resources, n = res.length;
    let perInst = 0;
    for (let k = 0; k < n; k++) {
      const r = res[k];
      if ((r.ops & Op.E) === 0) perInst += r.multiple ? 4 : 1;
    }
    this.valuesPerInstance = perInst;
    const ids = opts.instances ?? [0];
    if (!def.multiple && ids.length > 1) throw new Lwm2mError(`object ${def.id} (${def.name}) is single-instance: give at most one instance id (got ${ids.join(', ')})`);
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k];
      if (!(Number.isInteger(i) && i >= 0 && i < 65535)) throw new Lwm2mError(`object ${def.id}: instance id ${String(i)} is not 0…65534`);
      if (ids.indexOf(i) !== k) throw new Lwm2mError(`object ${def.id}: instance ${i} given twice`);
      this.#handles.push(this.makeInstance(i));
    }
    // Room for a server's Creates in a multiple-instance object (as the engine always allowed).
    this.maxInstances = opts.maxInstances ?? (ids.length + (def.multiple ? 4 : 0));
    if (this.maxInstances < ids.length) throw new Lwm2mError(`object ${def.id}: maxInstances ${this.maxInstances} is less than the ${ids.length} instances given: raise maxInstances to ${ids.length}`);
    // Every callback and value names a resource of the definition, of the right kind.
    const check = (what: string, map: object | undefined, need: number) => {
      if (map === undefined) return;
      for (const key of Object.keys(map)) {
        const rid = Number(key), k = this.resourceIndex(rid);
        if (k < 0) throw new Lwm2mError(`object ${def.id} (${def.name}) has no resource ${key} (${what}); its resources: ${def.resources.map((r) => r.id).join(', ')}`);
        const rd = res[k], f = flagsOf(rd);
        if (need === 4 && (f & 4) === 0) throw new Lwm2mError(`${what}: /${def.id}/x/${rid} (${rd.name}) is not executable`);
        if (need === 2 && (f & 2) === 0) throw new Lwm2mError(`${what}: /${def.id}/x/${rid} (${rd.name}) is not writable by a server (its operations do not include W)`);
        if (need !== 4 && (f & 4) !== 0) throw new Lwm2mError(`${what}: /${def.id}/x/${rid} (${rd.name}) is executable: use onExecute`);
        if (typeof (map as Record<string, unknown>)[key] !== 'function' && what !== 'values') throw new Lwm2mError(`${what}[${rid}] of object ${def.id} must be a function`);
      }
    };
    check('onWrite', opts.onWrite, 2);
    check('onExecute', opts.onExecute, 4);
    check('onRead', opts.onRead, 1);
    check('values', opts.values, 1);
    if (opts.values) {
      for (const key of Object.keys(opts.values)) {
        const rid = Number(key), k = this.resourceIndex(rid), v = opts.values[rid];
        const multi = res[k].multiple === true;
        if (Array.isArray(v) !== multi) throw new Lwm2mError(`values[${rid}] of object ${def.id}: ${multi ? 'a multiple resource takes an array of values' : 'a single resource takes one value, not an array'}`);
        const list = (Array.isArray(v) ? v : [v]) as readonly Value[];
        for (const x of list) { const why = this.typeProblem(k, x); if (why) throw new Lwm2mError(`values[${rid}] of object ${def.id}: ${why}`); }
      }
    }
  }

  /** The handle class of this object's instances (subclasses give their own). */
  protected makeInstance(i: number): ObjectInstance { return new ObjectInstance(this, i); }

  /** Index of resource `rid` in the definition, -1 when it has none (binary search, no allocation). */
  resourceIndex(rid: number): number { return findResourceIndex(this.def, rid); }

  /** The instance handle of instance `i` (made at construction, or when a server created it).
   *  Throws Lwm2mError for an instance the object never had. */
  instance(i = 0): ObjectInstance {
    const h = this.findInstance(i);
    if (h === null) throw new Lwm2mError(`object ${this.id} has no instance ${i} (instances: ${this.#handles.map((x) => x.id).join(', ') || 'none'})`);
    return h;
  }

  /** The handle of instance i, or null. */
  findInstance(i: number): ObjectInstance | null {
    const hs = this.#handles;
    for (let k = 0; k < hs.length; k++) if (hs[k].id === i) return hs[k];
    return null;
  }

  /** The instances' handles (those the object has now). */
  get instances(): readonly ObjectInstance[] { return this.#handles; }

  /** The client this object belongs to (null before it is given to a Lwm2mClient). Internal. */
  hostOf(): ObjectHost | null { return this.#host; }

  // ------------------------------------------------------------------------------ values

  /** Why value v does not fit resource index k, or "" (construction time and errors: allocates). */
  typeProblem(k: number, v: unknown): string {
    const rd = this.def.resources[k], t = rd.type;
    const want = TYPE_NAME[t] ?? String(t);
    switch (t) {
      case ValueType.Integer: case ValueType.UnsignedInteger: case ValueType.Float: case ValueType.Time:
        if (typeof v !== 'number') return `${rd.name} is ${want}: give a number (got ${typeof v})`;
        if (v !== v || v === Infinity || v === -Infinity) return `${rd.name}: ${v} is not a finite number`;
        if (t !== ValueType.Float && Math.floor(v) !== v) return `${rd.name} is ${want}: ${v} is not an integer`;
        if (t === ValueType.UnsignedInteger && v < 0) return `${rd.name} is ${want}: ${v} is negative`;
        if (rd.rangeMin !== undefined && !(v >= rd.rangeMin && v <= (rd.rangeMax as number))) return `${rd.name}: ${v} is outside its range ${rd.rangeMin}…${rd.rangeMax}`;
        return '';
      case ValueType.Boolean:
        return typeof v === 'boolean' || v === 0 || v === 1 ? '' : `${rd.name} is Boolean: give true or false (got ${typeof v === 'string' ? JSON.stringify(v) : String(v)})`;
      case ValueType.String: case ValueType.CoreLnk:
        return typeof v === 'string' ? '' : `${rd.name} is ${want}: give a string (got ${typeof v})`;
      case ValueType.Opaque:
        return v instanceof Uint8Array ? '' : `${rd.name} is Opaque: give a Uint8Array (got ${typeof v})`;
      case ValueType.ObjLnk: {
        const l = v as ObjectLink;
        return l !== null && typeof l === 'object' && Number.isInteger(l.objectId) && Number.isInteger(l.instanceId) &&
          l.objectId >= 0 && l.objectId <= 65535 && l.instanceId >= 0 && l.instanceId <= 65535 ? '' : `${rd.name} is Objlnk: give { objectId, instanceId } (0…65535 each)`;
      }
      default: return `${rd.name} is executable: it has no value`;
    }
  }

  /** Stores host.num[0] at /id/i/rid[/ri] (the allocation-free number path). True when stored. */
  storeNumber(i: number, rid: number, ri: number): boolean {
    const h = this.#host;
    if (h === null) return this.lwDetached();
    const k = this.resourceIndex(rid);
    if (k < 0) return this.lwBadValue(i, rid, ri, k, h.num[0]);
    const rd = this.def.resources[k], t = rd.type;
    const v = h.num[0];
    let ok = false;
    if (((NUMERIC >> t) & 1) !== 0) {
      ok = v === v && v !== Infinity && v !== -Infinity && (t === ValueType.Float || (Math.floor(v) === v && (t !== ValueType.UnsignedInteger || v >= 0)));
      if (ok && rd.rangeMin !== undefined) ok = v >= rd.rangeMin && v <= (rd.rangeMax as number);
    } else if (t === ValueType.Boolean) ok = v === 0 || v === 1;
    if (!ok || (rd.multiple ? ri < 0 : ri >= 0)) return this.lwBadValue(i, rid, ri, k, v);
    const rec = h.rec;
    rec.clear();
    rec.o = this.id; rec.i = i; rec.r = rid; rec.ri = ri; rec.type = t;
    rec.num = v;
    return this.lwStored(i, rid, ri, h.table.setValue(rec));
  }

  /** Stores a value that is not a number (boolean, string, bytes, link). */
  storeValue(i: number, rid: number, ri: number, v: Value): boolean {
    const h = this.#host;
    if (h === null) return this.lwDetached();
    const k = this.resourceIndex(rid);
    if (k < 0 || this.typeProblem(k, v) !== '' || (this.def.resources[k].multiple ? ri < 0 : ri >= 0)) return this.lwBadValue(i, rid, ri, k, v);
    const t = this.def.resources[k].type, rec = h.rec, table = h.table;
    if (typeof v === 'string') return this.lwStored(i, rid, ri, table.setText(this.id, i, rid, ri, t, v));
    rec.clear();
    rec.o = this.id; rec.i = i; rec.r = rid; rec.ri = ri; rec.type = t;
    if (typeof v === 'boolean') rec.num = v ? 1 : 0;
    else if (typeof v === 'number') rec.num = v;
    else if (v instanceof Uint8Array) { rec.buf = v; rec.off = 0; rec.len = v.length; }
    else { rec.lnkO = v.objectId; rec.lnkI = v.instanceId; }
    return this.lwStored(i, rid, ri, table.setValue(rec));
  }

  /** Reads /id/i/rid[/ri] (allocates for strings and bytes); undefined when absent. */
  readValue(i: number, rid: number, ri: number): Value | undefined {
    const h = this.#host;
    if (h === null) { this.lwDetached(); return undefined; }
    const rec = h.rec;
    if (h.table.getValue(this.id, i, rid, ri, rec) !== 0) return undefined;
    switch (rec.type) {
      case ValueType.Boolean: return rec.num !== 0;
      case ValueType.String: case ValueType.CoreLnk: return utf8Text(rec.buf, rec.off, rec.len);
      case ValueType.Opaque: return rec.buf.slice(rec.off, rec.off + rec.len);
      case ValueType.ObjLnk: return { objectId: rec.lnkO, instanceId: rec.lnkI };
      default: return rec.num;
    }
  }

  /** The number at /id/i/rid[/ri] into host.num[at]; false when absent (no allocation). */
  readNumber(i: number, rid: number, ri: number, at: number): boolean {
    const h = this.#host;
    return h !== null && h.table.getNumber(this.id, i, rid, ri, h.num, at, h.rec) === 0;
  }

  /** Deletes the values of /id/i/rid (every instance of a multiple resource). */
  clearValues(i: number, rid: number): void {
    const h = this.#host;
    if (h !== null) h.table.deleteValues(this.id, i, rid);
  }

  // The internal methods are TypeScript-private, not #private: under XS every instance keeps a slot for
  // each #private method of its class (an object of the API would keep 8). Prefixed: a subclass's
  // own method names do not meet them.
  private lwStored(i: number, rid: number, ri: number, rc: number): boolean {
    if (rc === 0) { (this.#host as ObjectHost).changed(); return true; }
    const why = rc === -Code.REQUEST_ENTITY_TOO_LARGE ? 'no room for the value: raise sizes.arenaBytes (string and opaque bytes)'
      : rc === -Code.INTERNAL_SERVER_ERROR ? 'the value table is full: raise sizes.maxValues'
      : rc === -Code.NOT_FOUND ? `instance ${i} does not exist (deleted by a server?)`
      : `refused by the table (${codeText(-rc)})`;
    (this.#host as ObjectHost).error(new Lwm2mError(why, pathText(this.id, i, rid, ri)));
    return false;
  }

  private lwBadValue(i: number, rid: number, ri: number, k: number, v: unknown): boolean {
    const h = this.#host as ObjectHost;
    const path = pathText(this.id, i, rid, ri);
    const why = k < 0 ? `object ${this.id} has no resource ${rid}`
      : (this.def.resources[k].multiple ? ri < 0 : ri >= 0) ? (this.def.resources[k].multiple ? 'a multiple resource: give the resource instance id' : 'a single resource: give no resource instance id')
      : this.typeProblem(k, v) || 'not a valid value';
    h.error(new Lwm2mError('value not set: ' + why, path, 0));
    return false;
  }

  private lwDetached(): boolean {
    throw new Lwm2mError(`object ${this.id}: give the object to a Lwm2mClient (options.objects) before setting values`);
  }

  // ------------------------------------------------------------------------------ adoption (internal)

  /** Called by the client once its table exists: creates the instances, sets the initial values,
   *  binds the callbacks. Throws Lwm2mError naming the size to raise when the table is too small. */
  attach(host: ObjectHost): void {
    if (this.#host !== null) throw new Lwm2mError(`object ${this.id} is already used by another Lwm2mClient: make one object per client`);
    this.#host = host;
    const t = host.table, o = this.id, opts = this.#opts;
    for (const hd of this.#handles) {
      const rc = t.createInstance(o, hd.id);
      if (rc < 0) throw new Lwm2mError(`object ${o}: instance ${hd.id} does not fit: raise sizes.maxInstances`);
    }
    this.bind(t);
    if (opts.values) {
      for (const key of Object.keys(opts.values)) {
        const rid = Number(key), v = opts.values[rid];
        for (const hd of this.#handles) {
          if (Array.isArray(v)) { for (let ri = 0; ri < v.length; ri++) this.lwInitial(hd.id, rid, ri, v[ri]); }
          else this.lwInitial(hd.id, rid, NONE, v as Value);
        }
      }
    }
    this.init();
    this.#opts = callbacksOf(opts);
  }

  private lwInitial(i: number, rid: number, ri: number, v: Value): void {
    const rc = this.storeValue(i, rid, ri, v);
    if (!rc) throw new Lwm2mError(`object ${this.id}: the initial value of ${pathText(this.id, i, rid, ri)} does not fit: raise sizes.maxValues / sizes.arenaBytes`);
  }

  /** Subclasses: initial values after the instances exist (construction time, may throw). */
  protected init(): void { /* none */ }

  /** The table bindings: every executable resource (4.05 without a callback), the writers and
   *  readers the options give. Subclasses add theirs through the handler methods below. */
  protected bind(t: ObjectTable): void {
    const o = this.id, res = this.def.resources;
    // The table calls these methods with this object as `this` (and the resource: an Execute's as an
    // argument, a Read's and a Write's in the record): no closure per resource or object (under XS a
    // closure is about 12 heap slots).
    for (let k = 0; k < res.length; k++) {
      const rd = res[k], f = flagsOf(rd);
      if ((f & 4) !== 0) t.bindExecute(o, rd.id, this.lwServerExecute, this);
      else {
        if ((f & 2) !== 0 && this.hasWriter(rd.id)) t.bindWrite(o, rd.id, this.lwServerWrite, this);
        if (this.hasReader(rd.id)) t.bindRead(o, rd.id, this.lwServerRead, this);
      }
    }
  }

  /** Whether a server Write of `rid` goes through onWrite (subclasses add their own resources). */
  protected hasWriter(rid: number): boolean { return this.#opts.onWrite?.[rid] !== undefined; }
  protected hasReader(rid: number): boolean { return this.#opts.onRead?.[rid] !== undefined; }

  /** A server's Write (the value decoded, type and range checked): the application's callback. */
  protected onServerWrite(rid: number, value: Value, i: number, ri: number): Reply {
    const cb = this.#opts.onWrite?.[rid];
    return cb === undefined ? undefined : cb(value, i, ri);
  }

  protected onServerExecute(rid: number, args: string, i: number): Reply {
    const cb = this.#opts.onExecute?.[rid];
    return cb === undefined ? Code.METHOD_NOT_ALLOWED : cb(args, i);
  }

  protected onServerRead(rid: number, i: number, ri: number): Value | undefined {
    const cb = this.#opts.onRead?.[rid];
    return cb === undefined ? undefined : cb(i, ri);
  }

  private lwServerWrite(rec: DataRecord): number {
    const i = rec.i, ri = rec.ri, rd = this.def.resources[this.resourceIndex(rec.r)];
    let value: Value;
    switch (rec.type) {
      case ValueType.Boolean: value = rec.num !== 0; break;
      case ValueType.String: case ValueType.CoreLnk: value = utf8Text(rec.buf, rec.off, rec.len); break;
      case ValueType.Opaque: value = rec.buf.slice(rec.off, rec.off + rec.len); break;
      case ValueType.ObjLnk: value = { objectId: rec.lnkO, instanceId: rec.lnkI }; break;
      default: value = rec.num;
    }
    const path = pathText(this.id, i, rd.id, ri);
    let rc: number;
    try { rc = replyCode(this.onServerWrite(rd.id, value, i, ri)); } catch (e) { return this.lwAppError(path, 'onWrite', e); }
    if (rc < 0) return rc;
    // Accepted: stored as the server sent it (the callback's own set() of it, if any, is overwritten
    // with the same value). The decoder's record is the table's input as is.
    const h = this.#host as ObjectHost;
    return h.table.setValue(rec);
  }

  private lwServerExecute(i: number, args: Uint8Array, off: number, len: number, rid: number): number {
    const path = pathText(this.id, i, rid, NONE);
    try { return replyCode(this.onServerExecute(rid, len > 0 ? utf8Text(args, off, len) : '', i)); } catch (e) { return this.lwAppError(path, 'onExecute', e); }
  }

  private lwServerRead(i: number, ri: number, out: DataRecord): number {
    const k = this.resourceIndex(out.r), rd = this.def.resources[k];
    const path = pathText(this.id, i, rd.id, ri);
    let v: Value | undefined;
    try { v = this.onServerRead(rd.id, i, ri < 0 ? 0 : ri); } catch (e) { return this.lwAppError(path, 'onRead', e); }
    if (v === undefined) return -Code.NOT_FOUND;
    const why = this.typeProblem(k, v);
    if (why) { (this.#host as ObjectHost).error(new Lwm2mError('onRead returned a value of the wrong type: ' + why, path, Code.INTERNAL_SERVER_ERROR)); return -Code.INTERNAL_SERVER_ERROR; }
    if (rd.multiple && ri < 0) out.ri = 0;
    else if (rd.multiple) out.ri = ri;
    switch (rd.type) {
      case ValueType.Boolean: out.num = v === true || v === 1 ? 1 : 0; break;
      case ValueType.String: case ValueType.CoreLnk: { const b = utf8Bytes(v as string); out.buf = b; out.off = 0; out.len = b.length; break; }
      case ValueType.Opaque: { const b = v as Uint8Array; out.buf = b; out.off = 0; out.len = b.length; break; }
      case ValueType.ObjLnk: { const l = v as ObjectLink; out.lnkO = l.objectId; out.lnkI = l.instanceId; break; }
      default: out.num = v as number;
    }
    return 0;
  }

  private lwAppError(path: string, what: string, e: unknown): number {
    const msg = e instanceof Error ? e.message : String(e);
    (this.#host as ObjectHost).error(new Lwm2mError(`${what} threw: ${msg} (the server got 5.00, nothing changed)`, path, Code.INTERNAL_SERVER_ERROR, e));
    return -Code.INTERNAL_SERVER_ERROR;
  }

  /** A server's Create (after its values are written) or Delete of instance i: the application's
   *  callbacks. 0 or a negative code (internal: the client's instance hook). */
  serverInstance(create: boolean, i: number): number {
    const opts = this.#opts, path = pathText(this.id, i, NONE, NONE);
    if (create) {
      let h = this.findInstance(i);
      if (h === null) {
        if (this.#handles.length >= this.maxInstances) {
          (this.#host as ObjectHost).error(new Lwm2mError(`a server's Create found no room: raise the object's maxInstances (now ${this.maxInstances})`, path, Code.INTERNAL_SERVER_ERROR));
          return -Code.INTERNAL_SERVER_ERROR;
        }
        h = this.makeInstance(i);
        this.#handles.push(h);
      }
      if (!opts.onCreate) return 0;
      try {
        const rc = replyCode(opts.onCreate(h));
        if (rc < 0) this.#handles.splice(this.#handles.indexOf(h), 1);
        return rc;
      } catch (e) { this.#handles.splice(this.#handles.indexOf(h), 1); return this.lwAppError(path, 'onCreate', e); }
    }
    const h = this.findInstance(i);
    if (h !== null && opts.onDelete) {
      try { const rc = replyCode(opts.onDelete(h)); if (rc < 0) return rc; } catch (e) { return this.lwAppError(path, 'onDelete', e); }
    }
    return 0;
  }
}

/** One instance of an object: the handle the application holds (Leshan's "an instance is an object
 *  you hold"). */
export class ObjectInstance {
  constructor(readonly object: LwObject, readonly id: number) {}

  /** Sets resource `rid` (of a multiple resource: resource instance `ri`). Observers are notified
   *  per their attributes. False (and onError) when the value does not fit the resource. A number
   *  allocates nothing. */
  set(rid: number, value: Value, ri = NONE): boolean {
    const ob = this.object;
    if (typeof value === 'number') {
      const h = ob.hostOf();
      if (h === null) return ob.storeValue(this.id, rid, ri, value);
      h.num[0] = value;
      return ob.storeNumber(this.id, rid, ri);
    }
    return ob.storeValue(this.id, rid, ri, value);
  }

  /** Sets an Objlnk resource without an object literal. */
  setLink(rid: number, objectId: number, instanceId: number, ri = NONE): boolean {
    return this.object.storeValue(this.id, rid, ri, { objectId, instanceId });
  }

  /** The value of resource `rid` (resource instance ri), undefined when it has none. Strings and
   *  bytes are copies (this allocates). */
  get(rid: number, ri = NONE): Value | undefined { return this.object.readValue(this.id, rid, ri); }

  /** Removes every value of resource `rid` (a multiple resource's instances; an optional resource). */
  clear(rid: number): void { this.object.clearValues(this.id, rid); }
}

