// Object definitions written by an application or by `lwm2m-mcu gen-object` (the registry's DDF
// terms: operations "R", "W", "RW", "E"; types "Float", "Integer", …), checked and frozen once.
import { ValueType } from '../model/record.js';
import { DefError, freezeObjectDef, opsOf, type ObjectDef, type ResourceDef } from '../model/defs.js';
import { Lwm2mError } from './errors.js';

export type TypeName = 'String' | 'Integer' | 'Unsigned Integer' | 'Float' | 'Boolean' | 'Opaque' | 'Time' | 'Objlnk' | 'Corelnk' | '';

export interface ResourceSpec {
  id: number;
  name: string;
  /** The DDF's operations: "R", "W", "RW", "E" or "" (none). */
  operations: string;
  /** The DDF's type ("" for an executable). */
  type: TypeName;
  multiple?: boolean;
  mandatory?: boolean;
  /** The DDF's numeric RangeEnumeration "min..max": a server's Write outside it gets 4.00. */
  range?: readonly [number, number];
}

export interface ObjectSpec {
  id: number;
  name: string;
  version?: string;
  multiple?: boolean;
  mandatory?: boolean;
  resources: readonly ResourceSpec[];
}

const TYPES: Record<string, ValueType> = {
  '': ValueType.None, 'String': ValueType.String, 'Integer': ValueType.Integer, 'Unsigned Integer': ValueType.UnsignedInteger,
  'Float': ValueType.Float, 'Boolean': ValueType.Boolean, 'Opaque': ValueType.Opaque, 'Time': ValueType.Time,
  'Objlnk': ValueType.ObjLnk, 'Corelnk': ValueType.CoreLnk,
};

/** A frozen object definition from a spec; throws Lwm2mError naming what to fix. */
export function defineObject(spec: ObjectSpec): ObjectDef {
  const res: ResourceDef[] = [];
  for (const r of spec.resources) {
    const type = TYPES[r.type];
    if (type === undefined) throw new Lwm2mError(`object ${spec.id}: resource ${r.id} has type "${r.type}": use one of ${Object.keys(TYPES).filter((t) => t).join(', ')} (or "" for an executable)`);
    const ops = opsOf(r.operations);
    if (ops < 0) throw new Lwm2mError(`object ${spec.id}: resource ${r.id} operations "${r.operations}": use R, W, RW, E or ""`);
    const d: { -readonly [K in keyof ResourceDef]: ResourceDef[K] } = { id: r.id, type, ops, multiple: r.multiple === true, mandatory: r.mandatory === true, name: r.name };
    if (r.range) { d.rangeMin = r.range[0]; d.rangeMax = r.range[1]; }
    res.push(d);
  }
  try {
    return freezeObjectDef({ id: spec.id, name: spec.name, version: spec.version ?? '1.0', multiple: spec.multiple === true, mandatory: spec.mandatory === true, resources: res });
  } catch (e) {
    if (e instanceof DefError) throw new Lwm2mError(e.message);
    throw e;
  }
}
