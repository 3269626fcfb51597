// What SenML JSON (110) and SenML CBOR (112) share (RFC 8428; LwM2M TS Core §7.4.4/§7.4.5):
// the fields of one record as decoded (`SenmlFields`), the base values that carry over between
// records (`SenmlBase`), and resolving them into a DataRecord; and, for encoding, how the base
// name and the names are chosen.
//
// Encoding: the first record carries the base name. When it is the request path itself (a single
// resource or resource instance) bn is that path and no n follows; otherwise bn is the request
// path with a trailing '/' and every record's n is the rest of its path ("6/0"). A request on "/"
// (Read-Composite responses, Send, Read-Composite request bodies) has no bn and absolute names.
// A record of type None has no value field (Read-Composite/Observe-Composite request bodies).
// A record's `time` (when not NaN) is written as an absolute "t".
// Decoding: bn/bt/bv carry over to the following records; n is appended to bn (no copy: the two
// windows are read as one, bn once per base name); v gets bv added; bt + t becomes `time` (RFC 8428 §4.5.3: values
// below 2^28 are relative to now, which the caller applies: the codec has no clock). bver above
// 10 and unknown labels ending in '_' are rejected (RFC 8428 §4.4, §12.2); other unknown labels
// are ignored.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES, ValueType } from '../model/record.js';
import { isUnder } from './codec.js';
import { PathReader } from './path-text.js';
import { readInt } from './numfmt.js';

export const enum SenmlValue { NONE = 0, V = 1, VS = 2, VB = 3, VD = 4, VLO = 5 }

/** RFC 8428 §6 CBOR labels. */
export const enum SenmlLabel {
  BVER = -1, BN = -2, BT = -3, BU = -4, BV = -5, BS = -6,
  N = 0, U = 1, V = 2, VS = 3, VB = 4, S = 5, T = 6, UT = 7, VD = 8,
}

export class SenmlFields {
  hasBn = false; bnBuf: Uint8Array = EMPTY_BYTES; bnOff = 0; bnLen = 0;
  hasN = false; nOff = 0; nLen = 0;
  bt = NaN; bv = NaN; t = NaN;
  kind: SenmlValue = SenmlValue.NONE;
  /** V: the number and whether it was written as an integer; VB: 0/1. */
  num = 0; integral = false;
  /** VS/VD/VLO: window (VD already decoded to bytes). */
  vOff = 0; vLen = 0;

  reset(): void {
    this.hasBn = false; this.hasN = false; this.bt = NaN; this.bv = NaN; this.t = NaN;
    this.kind = SenmlValue.NONE; this.num = 0; this.integral = false; this.vOff = 0; this.vLen = 0;
  }
}

export class SenmlBase {
  bt = 0; bv = 0; hasBt = false;
  /** The base name read (once per bn), and the reader each record's name continues in. */
  readonly bn = new PathReader();
  readonly name = new PathReader();

  reset(): void { this.bn.reset(); this.bt = 0; this.bv = 0; this.hasBt = false; }
}

/** The record state of a SenML decode — shared by the SenML JSON and SenML CBOR decoders, made the first
 *  time either is: a decode finishes before the next begins (the core handles one payload at a time, and
 *  a request has one body), and under XS the two copies would cost ~40 heap slots. */
export class SenmlDecodeState {
  readonly f = new SenmlFields();
  readonly base = new SenmlBase();
}

let decodeState: SenmlDecodeState | null = null;

/** The SenML decoders' shared record state (construction time: made on first use, never while the
 *  module loads — on a device the modules are preloaded into flash). */
export function senmlDecodeState(): SenmlDecodeState {
  return decodeState ?? (decodeState = new SenmlDecodeState());
}

/** Applies one record's fields (from buf) to the base and fills rec; 1, or -Code.BAD_REQUEST.
 *  d/o/i/r/ri: the request path the names must lie under. */
export function resolveRecord(f: SenmlFields, base: SenmlBase, buf: Uint8Array, rec: DataRecord,
  d: number, o: number, i: number, r: number, ri: number): number {
  if (f.hasBn) { base.bn.reset(); base.bn.feed(f.bnBuf, f.bnOff, f.bnLen); }
  if (f.bt === f.bt) { base.bt = f.bt; base.hasBt = true; }
  if (f.bv === f.bv) base.bv = f.bv;
  // the name is bn + n read as one text (no copy): n continues where bn's reading stopped
  const name = base.name;
  name.copyFrom(base.bn);
  if (f.hasN) name.feed(buf, f.nOff, f.nLen);
  if (name.finish(rec) < 0) return -Code.BAD_REQUEST;
  if (!isUnder(rec, d, o, i, r, ri)) return -Code.BAD_REQUEST;
  rec.rawFormat = 0; rec.lnkO = 0; rec.lnkI = 0; rec.num = 0;
  rec.buf = EMPTY_BYTES; rec.off = 0; rec.len = 0;
  rec.time = f.t === f.t ? base.bt + f.t : base.hasBt ? base.bt : NaN;
  switch (f.kind) {
    case SenmlValue.NONE: rec.type = ValueType.None; break;
    case SenmlValue.V:
      rec.num = f.num + base.bv;
      rec.type = f.integral && base.bv === Math.trunc(base.bv) && Number.isSafeInteger(rec.num) ? ValueType.Integer : ValueType.Float;
      break;
    case SenmlValue.VB: rec.type = ValueType.Boolean; rec.num = f.num; break;
    case SenmlValue.VS: rec.type = ValueType.String; rec.buf = buf; rec.off = f.vOff; rec.len = f.vLen; break;
    case SenmlValue.VD: rec.type = ValueType.Opaque; rec.buf = buf; rec.off = f.vOff; rec.len = f.vLen; break;
    default: { // VLO "o:i"
      const s = f.vOff; const n = f.vLen;
      let colon = -1;
      for (let k = 0; k < n; k++) if (buf[s + k] === 0x3a) { colon = k; break; }
      if (colon <= 0 || colon === n - 1) return -Code.BAD_REQUEST;
      if (buf[s] < 0x30 || buf[s] > 0x39 || buf[s + colon + 1] < 0x30 || buf[s + colon + 1] > 0x39) return -Code.BAD_REQUEST;
      const lo = readInt(buf, s, colon);
      const li = readInt(buf, s + colon + 1, n - colon - 1);
      if (!(lo >= 0 && lo <= 65535 && li >= 0 && li <= 65535)) return -Code.BAD_REQUEST;
      rec.type = ValueType.ObjLnk; rec.lnkO = lo; rec.lnkI = li;
    }
  }
  return 1;
}

/** Which value field a record of this type is written with; NONE for no value, -1 when SenML
 *  cannot carry it (a Raw value whose type is unknown). */
export function senmlValueOf(rec: DataRecord): number {
  switch (rec.type) {
    case ValueType.None: return SenmlValue.NONE;
    case ValueType.Integer: case ValueType.UnsignedInteger: case ValueType.Float: case ValueType.Time:
      return rec.num === rec.num && rec.num !== Infinity && rec.num !== -Infinity ? SenmlValue.V : -1;
    case ValueType.String: case ValueType.CoreLnk: return SenmlValue.VS;
    case ValueType.Boolean: return SenmlValue.VB;
    case ValueType.Opaque: return SenmlValue.VD;
    case ValueType.ObjLnk: return SenmlValue.VLO;
    default: return -1;
  }
}

/** Naming state of an encoder: from begin() and the first record. */
export class SenmlNamer {
  d = 0; o = -1; i = -1; r = -1; ri = -1;
  first = true;
  /** Depth of the base name written (its components; names are relative to it). -1: no bn. */
  bnDepth = -1;
  /** Whether the base name is the exact path of the first record (no trailing '/'). */
  exact = false;

  begin(o: number, i: number, r: number, ri: number): void {
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.d = o < 0 ? 0 : i < 0 ? 1 : r < 0 ? 2 : ri < 0 ? 3 : 4;
    this.first = true; this.bnDepth = -1; this.exact = false;
  }

  /** For the next record: 0 no bn, 1 bn = the exact path, 2 bn = path + '/'. Also checks the
   *  record lies under the request path: -1 when not. */
  bnMode(rec: DataRecord): number {
    if (!isUnder(rec, this.d, this.o, this.i, this.r, this.ri)) return -1;
    if (!this.first) return 0;
    this.first = false;
    if (this.d === 0) { this.bnDepth = 0; return 0; }
    this.bnDepth = this.d;
    this.exact = rec.depth() === this.d;
    return this.exact ? 1 : 2;
  }
}
