// SenML JSON (Content-Format 110; RFC 8428 §5, LwM2M TS Core §7.4.4). See senml.ts for how names
// and base values are chosen and resolved. Opaque values are base64url without padding (`vd`);
// the decoder also accepts standard base64 and padding, and decodes `vd` (and unescapes escaped
// strings) in place within the caller's buffer.
// A Float resource whose value is integral is written "v":22: JSON numbers carry no integer/float
// distinction, and Leshan decodes SenML JSON with permissive number conversion on (its SenML CBOR
// decoder has it off: see senml-cbor.ts).
import { Code } from '../coap/codes.js';
import { DataRecord, ValueType, EMPTY_BYTES } from '../model/record.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { pathDepth } from './codec.js';
import { JsonReader, JsonWriter, Tok } from './json.js';
import { writePath, writeRelPath } from './path-text.js';
import { writeInt } from './numfmt.js';
import { floatScratch } from './ieee754.js';
import { base64Decode, base64Encode } from './base64.js';
import { resolveRecord, senmlDecodeState, SenmlBase, SenmlFields, SenmlNamer, SenmlValue, senmlValueOf } from './senml.js';

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}

// Preallocated key texts (written as-is, including quotes and colon).
const K_BN = ascii('"bn":"');
const K_N = ascii(',"n":"');
const K_V = ascii(',"v":');
const K_VS = ascii(',"vs":');
const K_VB_TRUE = ascii(',"vb":true');
const K_VB_FALSE = ascii(',"vb":false');
const K_VD = ascii(',"vd":"');
const K_VLO = ascii(',"vlo":"');
const K_T = ascii(',"t":');

export class SenmlJsonEncoder implements PayloadEncoder {
  private readonly w = new JsonWriter();
  private readonly namer = new SenmlNamer();
  private start = 0;
  private count = 0;
  private err = 0;

  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void {
    this.w.begin(out, at, cap);
    this.namer.begin(o, i, r, ri);
    this.start = at; this.count = 0; this.err = 0;
    this.w.byte(0x5b); // [
  }

  add(rec: DataRecord): number {
    if (this.err !== 0) return this.err;
    const kind = senmlValueOf(rec);
    if (kind < 0) { this.err = -Code.NOT_ACCEPTABLE; return this.err; }
    const mode = this.namer.bnMode(rec);
    if (mode < 0) { this.err = -Code.NOT_ACCEPTABLE; return this.err; }
    const w = this.w;
    if (this.count > 0) w.byte(0x2c);
    this.count++;
    const rd = rec.depth();
    const nb = this.namer.bnDepth;
    w.byte(0x7b); // {
    if (mode > 0) {
      w.raw(K_BN, 0, K_BN.length);
      this.path(rec, mode === 2);
      w.byte(0x22);
      if (mode === 2) { w.raw(K_N, 0, K_N.length); this.rel(rec, nb, rd); w.byte(0x22); }
    } else if (nb === 0) {
      w.raw(K_N, 1, K_N.length - 1); this.path(rec, false); w.byte(0x22);
    } else if (!this.namer.exact) {
      w.raw(K_N, 1, K_N.length - 1); this.rel(rec, nb, rd); w.byte(0x22);
    } else if (rd > nb) {
      w.raw(K_N, 1, K_N.length - 1); w.byte(0x2f); this.rel(rec, nb, rd); w.byte(0x22);
    }
    const comma = w.buf[w.pos - 1] !== 0x7b || w.overflow ? 0 : 1;
    switch (kind) {
      case SenmlValue.V: w.raw(K_V, comma, K_V.length - comma); floatScratch().f64[0] = rec.num; w.numberScratch(); break;
      case SenmlValue.VS: w.raw(K_VS, comma, K_VS.length - comma); w.string(rec.buf, rec.off, rec.len); break;
      case SenmlValue.VB: if (rec.num !== 0) w.raw(K_VB_TRUE, comma, K_VB_TRUE.length - comma); else w.raw(K_VB_FALSE, comma, K_VB_FALSE.length - comma); break;
      case SenmlValue.VD: {
        w.raw(K_VD, comma, K_VD.length - comma);
        const n = base64Encode(rec.buf, rec.off, rec.len, w.buf, w.pos, w.end - w.pos, true, false);
        if (n < 0) w.overflow = true; else w.pos += n;
        w.byte(0x22);
        break;
      }
      case SenmlValue.VLO: {
        w.raw(K_VLO, comma, K_VLO.length - comma);
        this.int(rec.lnkO); w.byte(0x3a); this.int(rec.lnkI);
        w.byte(0x22);
        break;
      }
      default: break;
    }
    const comma2 = w.buf[w.pos - 1] !== 0x7b || w.overflow ? 0 : 1;
    if (rec.time === rec.time) { w.raw(K_T, comma2, K_T.length - comma2); w.number(rec.time); }
    w.byte(0x7d); // }
    if (w.overflow) { this.err = -Code.REQUEST_ENTITY_TOO_LARGE; return this.err; }
    return 0;
  }

  private int(v: number): void {
    const w = this.w;
    if (w.overflow) return;
    const n = writeInt(w.buf, w.pos, w.end - w.pos, v);
    if (n < 0) w.overflow = true; else w.pos += n;
  }

  /** The request path with a trailing '/' (slash), or the record's own path. */
  private path(rec: DataRecord, slash: boolean): void {
    const w = this.w;
    if (w.overflow) return;
    const nm = this.namer;
    const n = slash
      ? writePath(w.buf, w.pos, w.end - w.pos, nm.o, nm.i, nm.r, nm.ri, true)
      : writePath(w.buf, w.pos, w.end - w.pos, rec.o, rec.i, rec.r, rec.ri, false);
    if (n < 0) w.overflow = true; else w.pos += n;
  }

  private rel(rec: DataRecord, from: number, to: number): void {
    const w = this.w;
    if (w.overflow) return;
    const n = writeRelPath(w.buf, w.pos, w.end - w.pos, rec, from, to);
    if (n < 0) w.overflow = true; else w.pos += n;
  }

  end(): number {
    if (this.err !== 0) return this.err;
    this.w.byte(0x5d); // ]
    if (this.w.overflow) return -Code.REQUEST_ENTITY_TOO_LARGE;
    return this.w.pos - this.start;
  }
}

const enum St { START = 0, IN_ARRAY = 1, AFTER_RECORD = 2, DONE = 3, FAILED = 4 }

/** The labels the decoder knows, told apart by length and bytes (one switch, no comparisons of
 *  the key against each label in turn: this runs for every key of every record). */
const enum Lbl { OTHER = 0, BN = 1, BT = 2, BV = 3, BVER = 4, N = 5, V = 6, VS = 7, VB = 8, VD = 9, VLO = 10, T = 11 }

function labelOf(b: Uint8Array, off: number, len: number): Lbl {
  const c0 = b[off];
  if (len === 1) return c0 === 0x6e ? Lbl.N : c0 === 0x76 ? Lbl.V : c0 === 0x74 ? Lbl.T : Lbl.OTHER;
  if (len === 2) {
    const c1 = b[off + 1];
    if (c0 === 0x76) return c1 === 0x73 ? Lbl.VS : c1 === 0x62 ? Lbl.VB : c1 === 0x64 ? Lbl.VD : Lbl.OTHER; // vs vb vd
    if (c0 === 0x62) return c1 === 0x6e ? Lbl.BN : c1 === 0x74 ? Lbl.BT : c1 === 0x76 ? Lbl.BV : Lbl.OTHER; // bn bt bv
    return Lbl.OTHER;
  }
  if (len === 3) return c0 === 0x76 && b[off + 1] === 0x6c && b[off + 2] === 0x6f ? Lbl.VLO : Lbl.OTHER;
  if (len === 4) return c0 === 0x62 && b[off + 1] === 0x76 && b[off + 2] === 0x65 && b[off + 3] === 0x72 ? Lbl.BVER : Lbl.OTHER;
  return Lbl.OTHER;
}

export class SenmlJsonDecoder implements PayloadDecoder {
  private readonly rd = new JsonReader();
  /** The record state, shared with the other SenML decoder (senmlDecodeState). */
  private readonly f: SenmlFields;
  private readonly base: SenmlBase;
  private buf: Uint8Array = EMPTY_BYTES;
  private st: St = St.DONE;
  private d = 0; private o = -1; private i = -1; private r = -1; private ri = -1;

  constructor() {
    const st = senmlDecodeState();
    this.f = st.f; this.base = st.base;
  }

  begin(buf: Uint8Array, off: number, len: number, o: number, i: number, r: number, ri: number): number {
    this.buf = buf;
    this.rd.begin(buf, off, len);
    this.base.reset();
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.d = pathDepth(o, i, r, ri);
    this.st = St.START;
    return 0;
  }

  private bad(): number { this.st = St.FAILED; return -Code.BAD_REQUEST; }

  next(rec: DataRecord): number {
    const rd = this.rd;
    let t: Tok;
    switch (this.st) {
      case St.DONE: return 0;
      case St.FAILED: return -Code.BAD_REQUEST;
      case St.START:
        if (rd.next() !== Tok.BEGIN_ARRAY) return this.bad();
        t = rd.next();
        if (t === Tok.END_ARRAY) return this.finish();
        break;
      case St.IN_ARRAY: t = rd.next(); break;
      default: // AFTER_RECORD
        t = rd.next();
        if (t === Tok.END_ARRAY) return this.finish();
        if (t !== Tok.COMMA) return this.bad();
        t = rd.next();
        break;
    }
    if (t !== Tok.BEGIN_OBJECT) return this.bad();
    const f = this.f;
    f.reset();
    f.bnBuf = this.buf;
    let firstKey = true;
    for (;;) {
      t = rd.next();
      if (t === Tok.END_OBJECT && firstKey) break;
      if (!firstKey) {
        if (t === Tok.END_OBJECT) break;
        if (t !== Tok.COMMA) return this.bad();
        t = rd.next();
      }
      firstKey = false;
      if (t !== Tok.STRING) return this.bad();
      if (rd.unescape() < 0) return this.bad();
      const kOff = rd.sOff; const kLen = rd.sLen;
      if (rd.next() !== Tok.COLON) return this.bad();
      const vt = rd.next();
      const b = this.buf;
      switch (labelOf(b, kOff, kLen)) {
        case Lbl.N:
          if (vt !== Tok.STRING || rd.unescape() < 0) return this.bad();
          f.hasN = true; f.nOff = rd.sOff; f.nLen = rd.sLen;
          break;
        case Lbl.BN:
          if (vt !== Tok.STRING || rd.unescape() < 0) return this.bad();
          f.hasBn = true; f.bnOff = rd.sOff; f.bnLen = rd.sLen;
          break;
        case Lbl.V:
          if (vt !== Tok.NUMBER || f.kind !== SenmlValue.NONE) return this.bad();
          f.kind = SenmlValue.V; f.num = rd.num; f.integral = rd.integral;
          break;
        case Lbl.T: if (vt !== Tok.NUMBER) return this.bad(); f.t = rd.num; break;
        case Lbl.BT: if (vt !== Tok.NUMBER) return this.bad(); f.bt = rd.num; break;
        case Lbl.BV: if (vt !== Tok.NUMBER) return this.bad(); f.bv = rd.num; break;
        case Lbl.BVER: if (vt !== Tok.NUMBER || rd.num > 10) return this.bad(); break;
        case Lbl.VB:
          if (f.kind !== SenmlValue.NONE) return this.bad();
          if (vt === Tok.TRUE) f.num = 1; else if (vt === Tok.FALSE) f.num = 0; else return this.bad();
          f.kind = SenmlValue.VB;
          break;
        case Lbl.VS: case Lbl.VLO:
          if (f.kind !== SenmlValue.NONE || vt !== Tok.STRING || rd.unescape() < 0) return this.bad();
          f.vOff = rd.sOff; f.vLen = rd.sLen;
          f.kind = kLen === 3 ? SenmlValue.VLO : SenmlValue.VS;
          break;
        case Lbl.VD: {
          if (f.kind !== SenmlValue.NONE || vt !== Tok.STRING || rd.unescape() < 0) return this.bad();
          const n = base64Decode(b, rd.sOff, rd.sLen, b, rd.sOff);
          if (n < 0) return this.bad();
          f.kind = SenmlValue.VD; f.vOff = rd.sOff; f.vLen = n;
          break;
        }
        default:
          // unknown label: must-understand ones (ending in '_') are rejected (RFC 8428 §12.2)
          if (kLen > 0 && b[kOff + kLen - 1] === 0x5f) return this.bad();
          if (this.skipValue(vt, 0) < 0) return this.bad();
      }
    }
    this.st = St.AFTER_RECORD;
    const res = resolveRecord(f, this.base, this.buf, rec, this.d, this.o, this.i, this.r, this.ri);
    if (res < 0) this.st = St.FAILED;
    return res;
  }

  private finish(): number {
    if (this.rd.next() !== Tok.END) return this.bad();
    this.st = St.DONE;
    return 0;
  }

  /** Skips a value whose first token is t (arrays/objects nested up to 16 levels). */
  private skipValue(t: Tok, depth: number): number {
    if (depth > 16) return -1;
    const rd = this.rd;
    if (t === Tok.STRING || t === Tok.NUMBER || t === Tok.TRUE || t === Tok.FALSE || t === Tok.NULL) return 0;
    if (t === Tok.BEGIN_ARRAY) {
      let x = rd.next();
      if (x === Tok.END_ARRAY) return 0;
      for (;;) {
        if (this.skipValue(x, depth + 1) < 0) return -1;
        x = rd.next();
        if (x === Tok.END_ARRAY) return 0;
        if (x !== Tok.COMMA) return -1;
        x = rd.next();
      }
    }
    if (t === Tok.BEGIN_OBJECT) {
      let x = rd.next();
      if (x === Tok.END_OBJECT) return 0;
      for (;;) {
        if (x !== Tok.STRING || rd.next() !== Tok.COLON) return -1;
        if (this.skipValue(rd.next(), depth + 1) < 0) return -1;
        x = rd.next();
        if (x === Tok.END_OBJECT) return 0;
        if (x !== Tok.COMMA) return -1;
        x = rd.next();
      }
    }
    return -1;
  }
}
