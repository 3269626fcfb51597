// LwM2M CBOR (Content-Format 11544; LwM2M TS Core 1.2 §7.4.6): nested CBOR maps keyed by path
// components, from the object id down; a key may also be an array of components (path
// compression). Leaves: integers, floats, booleans, text (strings, core links, object links as
// "o:i"), byte strings (opaque); time values may carry tag 1.
// The encoder writes the request path as one key — the object id alone for /o, else an array
// [o, i, …] — whose value is the single value (a request on a resource/instance) or the map of the
// levels below; a request on "/" gets one map keyed by object ids. Maps use definite lengths: a
// 3-byte head is reserved and shrunk when the map closes (no allocation). An empty instance or
// multiple resource (a record of type None) is written as an empty map.
// The decoder accepts any nesting and key compression, definite or indefinite maps, and yields
// absolute paths, which must lie under the request path; an empty map yields a None record.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES, ValueType } from '../model/record.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { isUnder, pathDepth } from './codec.js';
import { CborKind, CborReader, CborWriter, INDEFINITE, Major } from './cbor.js';
import { writeInt } from './numfmt.js';
import { floatScratch } from './ieee754.js';

function comp(rec: DataRecord, k: number): number {
  return k === 0 ? rec.o : k === 1 ? rec.i : k === 2 ? rec.r : rec.ri;
}

const enum MapField { AT = 0, COUNT = 1, LEVEL = 2, KEY = 3, SIZE = 4 }

export class Lwm2mCborEncoder implements PayloadEncoder {
  private readonly w = new CborWriter();
  private readonly scratch = new Uint8Array(16);
  /** Open maps, MapField.SIZE entries each (one array, not four: each typed array costs 7 XS slots):
   *  position of the reserved head, entry count, the level (path component index) its keys stand
   *  for, and the key last written in it. */
  private readonly maps = new Int32Array(5 * MapField.SIZE);
  private sp = -1;
  private start = 0;
  private d = 0; private o = -1; private i = -1; private r = -1; private ri = -1;
  private records = 0;
  private leafDone = false;
  private err = 0;

  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void {
    this.w.begin(out, at, cap);
    this.start = at;
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.d = pathDepth(o, i, r, ri);
    this.sp = -1; this.records = 0; this.leafDone = false; this.err = 0;
  }

  private push(level: number): void {
    const m = ++this.sp * MapField.SIZE;
    this.maps[m + MapField.AT] = this.w.open();
    this.maps[m + MapField.COUNT] = 0;
    this.maps[m + MapField.LEVEL] = level;
    this.maps[m + MapField.KEY] = -1;
  }

  private pop(): void {
    const m = this.sp * MapField.SIZE;
    this.w.close(this.maps[m + MapField.AT], Major.MAP, this.maps[m + MapField.COUNT]);
    this.sp--;
  }

  private fail(code: number): number { this.err = -code; return this.err; }

  add(rec: DataRecord): number {
    if (this.err !== 0) return this.err;
    const d = this.d;
    const rd = rec.depth();
    if (!isUnder(rec, d, this.o, this.i, this.r, this.ri) || rd === 0 || this.leafDone) return this.fail(Code.NOT_ACCEPTABLE);
    if (rec.type === ValueType.None && rd === 4) return this.fail(Code.NOT_ACCEPTABLE);
    const w = this.w;
    if (this.records === 0) {
      if (d === 0) this.push(0);
      else {
        w.head(Major.MAP, 1);
        if (d === 1) w.int(this.o);
        else {
          w.head(Major.ARRAY, d);
          for (let k = 0; k < d; k++) w.int(comp(rec, k));
        }
        if (rd === d) {
          this.leafDone = true;
          this.records++;
          return this.value(rec);
        }
        this.push(d);
      }
    } else if (rd === d) return this.fail(Code.NOT_ACCEPTABLE);
    this.records++;
    // close the maps that do not lead to this record
    let s = 0;
    const maps = this.maps;
    while (s < this.sp && maps[s * MapField.SIZE + MapField.KEY] === comp(rec, maps[s * MapField.SIZE + MapField.LEVEL])) s++;
    while (this.sp > s) this.pop();
    // open maps down to the record's level
    for (;;) {
      const m = this.sp * MapField.SIZE;
      const level = maps[m + MapField.LEVEL];
      if (level >= rd) return this.fail(Code.NOT_ACCEPTABLE);
      const key = comp(rec, level);
      if (key === maps[m + MapField.KEY]) return this.fail(Code.NOT_ACCEPTABLE); // out of order / repeated
      w.int(key);
      maps[m + MapField.KEY] = key;
      maps[m + MapField.COUNT]++;
      if (level === rd - 1) break;
      this.push(level + 1);
    }
    return this.value(rec);
  }

  private value(rec: DataRecord): number {
    const w = this.w;
    switch (rec.type) {
      case ValueType.None: w.head(Major.MAP, 0); break;
      case ValueType.Integer: case ValueType.Time: case ValueType.UnsignedInteger:
        if (!Number.isInteger(rec.num)) return this.fail(Code.NOT_ACCEPTABLE);
        w.int(rec.num);
        break;
      case ValueType.Float: floatScratch().f64[0] = rec.num; w.floatScratch(); break; // the shortest exact float, even when integral
      case ValueType.Boolean: w.bool(rec.num !== 0); break;
      case ValueType.String: case ValueType.CoreLnk: w.str(Major.TEXT, rec.buf, rec.off, rec.len); break;
      case ValueType.Opaque: w.str(Major.BYTES, rec.buf, rec.off, rec.len); break;
      case ValueType.ObjLnk: {
        const s = this.scratch;
        let n = writeInt(s, 0, 16, rec.lnkO);
        s[n++] = 0x3a;
        n += writeInt(s, n, 16 - n, rec.lnkI);
        w.str(Major.TEXT, s, 0, n);
        break;
      }
      default: return this.fail(Code.NOT_ACCEPTABLE);
    }
    if (w.overflow) return this.fail(Code.REQUEST_ENTITY_TOO_LARGE);
    return 0;
  }

  end(): number {
    if (this.err !== 0) return this.err;
    if (this.records === 0) { this.w.head(Major.MAP, 0); }
    while (this.sp >= 0) this.pop();
    if (this.w.overflow) return -Code.REQUEST_ENTITY_TOO_LARGE;
    return this.w.pos - this.start;
  }
}

export class Lwm2mCborDecoder implements PayloadDecoder {
  private readonly rd = new CborReader();
  private buf: Uint8Array = EMPTY_BYTES;
  /** Open maps: pairs left (INDEFINITE: until a break) and how many path components the key that
   *  led to it added. */
  private readonly left = new Float64Array(6);
  private readonly added = new Int8Array(6);
  private readonly cur = new Int32Array(4);
  private curLen = 0;
  private sp = -1;
  private started = false;
  private failed = false;
  private d = 0; private o = -1; private i = -1; private r = -1; private ri = -1;

  begin(buf: Uint8Array, off: number, len: number, o: number, i: number, r: number, ri: number): number {
    this.buf = buf;
    this.rd.begin(buf, off, len);
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.d = pathDepth(o, i, r, ri);
    this.sp = -1; this.curLen = 0; this.started = false; this.failed = false;
    return 0;
  }

  private bad(): number { this.failed = true; return -Code.BAD_REQUEST; }

  private fillPath(rec: DataRecord): void {
    const n = this.curLen; const c = this.cur;
    rec.o = n > 0 ? c[0] : -1; rec.i = n > 1 ? c[1] : -1; rec.r = n > 2 ? c[2] : -1; rec.ri = n > 3 ? c[3] : -1;
    rec.rawFormat = 0; rec.num = 0; rec.lnkO = 0; rec.lnkI = 0; rec.buf = EMPTY_BYTES; rec.off = 0; rec.len = 0; rec.time = NaN;
  }

  private addComp(v: number): boolean {
    if (this.curLen >= 4 || v < 0 || v > 65535 || !Number.isInteger(v)) return false;
    this.cur[this.curLen++] = v;
    return true;
  }

  next(rec: DataRecord): number {
    if (this.failed) return -Code.BAD_REQUEST;
    const rd = this.rd;
    const b = this.buf;
    if (!this.started) {
      this.started = true;
      if (rd.head() !== CborKind.MAP) return this.bad();
      this.sp = 0; this.left[0] = rd.arg; this.added[0] = 0;
    }
    for (;;) {
      if (this.sp < 0) return rd.atEnd() ? 0 : this.bad();
      const sp = this.sp;
      let more: boolean;
      if (this.left[sp] === INDEFINITE) {
        if (rd.pos >= rd.end) return this.bad();
        more = b[rd.pos] !== 0xff;
        if (!more) rd.pos++;
      } else {
        more = this.left[sp] > 0;
        if (more) this.left[sp]--;
      }
      if (!more) { this.curLen -= this.added[sp]; this.sp--; continue; }
      // key: a component or an array of components
      const kk = rd.head();
      let added = 0;
      if (kk === CborKind.UINT) { if (!this.addComp(rd.value)) return this.bad(); added = 1; }
      else if (kk === CborKind.ARRAY) {
        const n = rd.arg;
        if (n < 1 || n > 4) return this.bad();
        for (let k = 0; k < n; k++) {
          if (rd.head() !== CborKind.UINT || !this.addComp(rd.value)) return this.bad();
        }
        added = n;
      } else return this.bad();
      // value
      let vk = rd.head();
      let isTime = false;
      while (vk === CborKind.TAG) {
        if (rd.arg === 1) isTime = true;
        else if (rd.arg === 4) { // decimal fraction
          if (rd.head() !== CborKind.ARRAY || (rd.arg as number) !== 2) return this.bad();
          let k = rd.head();
          if (k !== CborKind.UINT && k !== CborKind.NEGINT) return this.bad();
          const e = rd.value;
          k = rd.head();
          if ((k !== CborKind.UINT && k !== CborKind.NEGINT) || e < -300 || e > 300) return this.bad();
          const m = rd.value;
          this.fillPath(rec);
          rec.type = ValueType.Float; rec.num = e >= 0 ? m * Math.pow(10, e) : m / Math.pow(10, -e);
          return this.leaf(rec, added);
        } else return this.bad(); // other tags (bigfloats, …) are not LwM2M values
        vk = rd.head();
      }
      switch (vk) {
        case CborKind.MAP:
          if (this.sp >= 5) return this.bad();
          if (rd.arg === 0) { this.fillPath(rec); rec.type = ValueType.None; return this.leaf(rec, added); }
          this.sp++; this.left[this.sp] = rd.arg; this.added[this.sp] = added;
          continue;
        case CborKind.UINT: case CborKind.NEGINT:
          this.fillPath(rec); rec.type = isTime ? ValueType.Time : ValueType.Integer; rec.num = rd.value;
          return this.leaf(rec, added);
        case CborKind.FLOAT:
          this.fillPath(rec); rec.type = isTime ? ValueType.Time : ValueType.Float; rec.num = rd.value;
          return this.leaf(rec, added);
        case CborKind.TRUE: case CborKind.FALSE:
          this.fillPath(rec); rec.type = ValueType.Boolean; rec.num = vk === CborKind.TRUE ? 1 : 0;
          return this.leaf(rec, added);
        case CborKind.NULL:
          this.fillPath(rec); rec.type = ValueType.None;
          return this.leaf(rec, added);
        case CborKind.TEXT: case CborKind.BYTES:
          this.fillPath(rec);
          rec.type = vk === CborKind.TEXT ? ValueType.String : ValueType.Opaque;
          rec.buf = b; rec.off = rd.pos; rec.len = rd.arg;
          rd.pos += rd.arg;
          return this.leaf(rec, added);
        default:
          return this.bad();
      }
    }
  }

  private leaf(rec: DataRecord, added: number): number {
    this.curLen -= added;
    if (rec.o < 0 || !isUnder(rec, this.d, this.o, this.i, this.r, this.ri)) return this.bad();
    return 1;
  }
}
