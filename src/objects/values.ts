// Small helpers the standard objects use to put values into the table: numbers and strings
// (allocation-free, one scratch record; strings are encoded to UTF-8 straight into the table).
import { DataRecord, NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';

const scratch = new DataRecord();

/** Stores a number-like value (Integer, UnsignedInteger, Float, Time, Boolean) at /o/i/r[/ri]. */
export function setNumber(table: ObjectTable, o: number, i: number, r: number, ri: number, type: ValueType, v: number): number {
  scratch.clear();
  scratch.o = o; scratch.i = i; scratch.r = r; scratch.ri = ri; scratch.type = type; scratch.num = v;
  return table.setValue(scratch);
}

/** Stores bytes (String, Opaque, CoreLnk per `type`) at /o/i/r[/ri]; they are copied. */
export function setBytes(table: ObjectTable, o: number, i: number, r: number, ri: number, type: ValueType,
  buf: Uint8Array, off: number, len: number): number {
  scratch.clear();
  scratch.o = o; scratch.i = i; scratch.r = r; scratch.ri = ri; scratch.type = type;
  scratch.buf = buf; scratch.off = off; scratch.len = len;
  return table.setValue(scratch);
}

/** Stores a JS string as a String resource (encoded straight into the table's arena). */
export function setString(table: ObjectTable, o: number, i: number, r: number, ri: number, s: string): number {
  return table.setText(o, i, r, ri, ValueType.String, s);
}

/** Stores an ObjLnk at /o/i/r[/ri]. */
export function setObjLnk(table: ObjectTable, o: number, i: number, r: number, ri: number, lo: number, li: number): number {
  scratch.clear();
  scratch.o = o; scratch.i = i; scratch.r = r; scratch.ri = ri; scratch.type = ValueType.ObjLnk;
  scratch.lnkO = lo; scratch.lnkI = li;
  return table.setValue(scratch);
}

/** The number at /o/i/r[/ri], or `dflt` when absent. */
export function getNumber(table: ObjectTable, o: number, i: number, r: number, ri: number, dflt: number): number {
  return table.getValue(o, i, r, ri, scratch) === 0 ? scratch.num : dflt;
}

export { NONE };
