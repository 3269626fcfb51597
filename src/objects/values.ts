// Small helpers the standard objects use to put values into the table: numbers (allocation-free,
// one scratch record) and strings (encoded to UTF-8 once, at construction).
import { DataRecord, NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';

const scratch = new DataRecord();

/** UTF-8 bytes of `s`. Allocates: construction time only (XS has no TextEncoder global). */
export function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let k = 0; k < s.length; k++) {
    let c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length) {
      const d = s.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); k++; }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

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

/** Stores a JS string as a String resource (allocates the UTF-8 bytes: construction time). */
export function setString(table: ObjectTable, o: number, i: number, r: number, ri: number, s: string): number {
  const b = utf8(s);
  return setBytes(table, o, i, r, ri, ValueType.String, b, 0, b.length);
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
