// Converting a decoded value to the type its resource definition declares, in place.
// TLV and text/plain carry no types (the decoders yield ValueType.Raw); SenML/CBOR carry a
// number kind that may differ from the resource's (a SenML `v` of 5 for a Float resource).
// Rules: TLV §7.4.3 (int 1/2/4/8 bytes, float 4/8, bool 1 byte 0/1, objlnk 4 bytes, time as int);
// text §7.4.1 (decimal integers and floats, booleans "0"/"1", object links "o:i", opaque base64).
import { Code } from '../coap/codes.js';
import { ContentFormat } from '../formats/content-format.js';
import { DataRecord, ValueType } from '../model/record.js';
import { readTlvFloat, readTlvInt, readTlvUint } from './tlv.js';
import { readDecimal, readInt } from './numfmt.js';
import { base64Decode } from './base64.js';

const TWO64 = 18446744073709551616;

/** Converts rec to `type` in place: 0, or -Code.BAD_REQUEST when its bytes or value do not fit the
 *  type (e.g. "abc" for an Integer, 3 TLV bytes for an integer, 1.5 for an Integer).
 *  A text/plain Opaque value is base64-decoded in place within rec.buf (the caller's receive
 *  buffer: the decoded bytes are shorter than the text). */
export function coerceRecord(rec: DataRecord, type: ValueType): number {
  if (rec.type === type) return 0;
  if (rec.type === ValueType.Raw) {
    if (rec.rawFormat === ContentFormat.TLV || rec.rawFormat === ContentFormat.OPAQUE) return fromTlv(rec, type);
    if (rec.rawFormat === ContentFormat.TEXT) return fromText(rec, type);
    return -Code.BAD_REQUEST;
  }
  return fromTyped(rec, type);
}

function set(rec: DataRecord, type: ValueType, num: number): number {
  rec.type = type; rec.num = num; rec.rawFormat = 0;
  return 0;
}

function fromTlv(rec: DataRecord, type: ValueType): number {
  const b = rec.buf; const off = rec.off; const len = rec.len;
  let v: number;
  switch (type) {
    case ValueType.Integer: case ValueType.Time:
      v = readTlvInt(b, off, len);
      return v !== v ? -Code.BAD_REQUEST : set(rec, type, v);
    case ValueType.UnsignedInteger:
      v = readTlvUint(b, off, len);
      return v !== v ? -Code.BAD_REQUEST : set(rec, type, v);
    case ValueType.Float:
      v = readTlvFloat(b, off, len);
      return len !== 4 && len !== 8 ? -Code.BAD_REQUEST : set(rec, type, v);
    case ValueType.Boolean:
      if (len !== 1 || b[off] > 1) return -Code.BAD_REQUEST;
      return set(rec, type, b[off]);
    case ValueType.ObjLnk:
      if (len !== 4) return -Code.BAD_REQUEST;
      rec.lnkO = b[off] << 8 | b[off + 1]; rec.lnkI = b[off + 2] << 8 | b[off + 3];
      return set(rec, type, 0);
    case ValueType.String: case ValueType.Opaque: case ValueType.CoreLnk:
      rec.type = type; rec.rawFormat = 0;
      return 0;
    default:
      return -Code.BAD_REQUEST;
  }
}

function fromText(rec: DataRecord, type: ValueType): number {
  const b = rec.buf; const off = rec.off; const len = rec.len;
  let v: number;
  switch (type) {
    case ValueType.Integer: case ValueType.Time:
      v = readInt(b, off, len);
      return v !== v ? -Code.BAD_REQUEST : set(rec, type, v);
    case ValueType.UnsignedInteger:
      if (len > 0 && b[off] === 0x2d) return -Code.BAD_REQUEST;
      v = readInt(b, off, len);
      return v !== v ? -Code.BAD_REQUEST : set(rec, type, v);
    case ValueType.Float:
      v = readDecimal(b, off, len);
      return v !== v ? -Code.BAD_REQUEST : set(rec, type, v);
    case ValueType.Boolean:
      if (len !== 1 || (b[off] !== 0x30 && b[off] !== 0x31)) return -Code.BAD_REQUEST;
      return set(rec, type, b[off] - 0x30);
    case ValueType.ObjLnk: {
      let colon = -1;
      for (let k = 0; k < len; k++) if (b[off + k] === 0x3a) { colon = k; break; }
      if (colon <= 0 || colon === len - 1) return -Code.BAD_REQUEST;
      const lo = readInt(b, off, colon);
      const li = readInt(b, off + colon + 1, len - colon - 1);
      if (!(lo >= 0 && lo <= 65535 && li >= 0 && li <= 65535)) return -Code.BAD_REQUEST;
      if (b[off] === 0x2b || b[off + colon + 1] === 0x2b || b[off + colon + 1] === 0x2d) return -Code.BAD_REQUEST;
      rec.lnkO = lo; rec.lnkI = li;
      return set(rec, type, 0);
    }
    case ValueType.Opaque: {
      const n = base64Decode(b, off, len, b, off);
      if (n < 0) return -Code.BAD_REQUEST;
      rec.len = n;
      rec.type = type; rec.rawFormat = 0;
      return 0;
    }
    case ValueType.String: case ValueType.CoreLnk:
      rec.type = type; rec.rawFormat = 0;
      return 0;
    default:
      return -Code.BAD_REQUEST;
  }
}

function fromTyped(rec: DataRecord, type: ValueType): number {
  const t = rec.type;
  const numeric = t === ValueType.Integer || t === ValueType.UnsignedInteger || t === ValueType.Float || t === ValueType.Time;
  const v = rec.num;
  switch (type) {
    case ValueType.Integer: case ValueType.Time:
      if (!numeric || !Number.isInteger(v)) return -Code.BAD_REQUEST;
      return set(rec, type, v);
    case ValueType.UnsignedInteger:
      if (!numeric || !Number.isInteger(v) || v < 0 || v >= TWO64) return -Code.BAD_REQUEST;
      return set(rec, type, v);
    case ValueType.Float:
      if (!numeric) return -Code.BAD_REQUEST;
      return set(rec, type, v);
    case ValueType.String: case ValueType.CoreLnk:
      // SenML carries both as `vs`
      if (t !== ValueType.String && t !== ValueType.CoreLnk) return -Code.BAD_REQUEST;
      rec.type = type;
      return 0;
    case ValueType.ObjLnk:
      // LwM2M CBOR carries object links as "o:i" text
      if (t !== ValueType.String) return -Code.BAD_REQUEST;
      return fromText(rec, type);
    default:
      return -Code.BAD_REQUEST;
  }
}
