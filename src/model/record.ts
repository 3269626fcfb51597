// The one record every payload codec and the object table exchange: a value with its numeric path.
// Decoders fill a caller-owned record; encoders read one; nothing here is allocated per message.

/** Resource data types (OMA LwM2M TS Core, Appendix C). */
export const enum ValueType {
  None = 0,
  String = 1,
  Integer = 2,
  UnsignedInteger = 3,
  Float = 4,
  Boolean = 5,
  Opaque = 6,
  Time = 7,
  ObjLnk = 8,
  CoreLnk = 9,
  /** Bytes whose type only the resource definition knows (TLV values, text/plain bodies):
   *  `rawFormat` says which codec produced them; `coerceRecord()` in src/formats converts. */
  Raw = 10,
}

/** An absent path component (a path is /o, /o/i, /o/i/r or /o/i/r/ri). */
export const NONE = -1;

export const EMPTY_BYTES = new Uint8Array(0);

export class DataRecord {
  o = NONE;
  i = NONE;
  r = NONE;
  ri = NONE;
  type: ValueType = ValueType.None;
  /** Integer, UnsignedInteger, Float, Time (seconds since the epoch), Boolean (0 or 1). Integers are
   *  exact up to 2^53. */
  num = 0;
  /** ObjLnk: object id and instance id. */
  lnkO = 0;
  lnkI = 0;
  /** String, Opaque, CoreLnk and Raw: a window into a buffer the record does not own. */
  buf: Uint8Array = EMPTY_BYTES;
  off = 0;
  len = 0;
  /** For Raw: the content format the bytes came from (TLV or TEXT). */
  rawFormat = 0;
  /** SenML time of this value (seconds); NaN when it has none. */
  time = NaN;

  clear(): void {
    this.o = NONE; this.i = NONE; this.r = NONE; this.ri = NONE;
    this.type = ValueType.None; this.num = 0; this.lnkO = 0; this.lnkI = 0;
    this.buf = EMPTY_BYTES; this.off = 0; this.len = 0; this.rawFormat = 0; this.time = NaN;
  }

  copyFrom(src: DataRecord): void {
    this.o = src.o; this.i = src.i; this.r = src.r; this.ri = src.ri;
    this.type = src.type; this.num = src.num; this.lnkO = src.lnkO; this.lnkI = src.lnkI;
    this.buf = src.buf; this.off = src.off; this.len = src.len; this.rawFormat = src.rawFormat;
    this.time = src.time;
  }

  /** Depth of the path: 0 for "/", 1 for /o … 4 for /o/i/r/ri. */
  depth(): number {
    return this.o < 0 ? 0 : this.i < 0 ? 1 : this.r < 0 ? 2 : this.ri < 0 ? 3 : 4;
  }
}
