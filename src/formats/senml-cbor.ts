// SenML CBOR (Content-Format 112; RFC 8428 §6, LwM2M TS Core §7.4.5). An array of maps keyed by
// the integer labels of RFC 8428 Table 6 (bn -2, bt -3, bv -5, bver -1, n 0, v 2, vs 3, vb 4,
// t 6, vd 8) and the text label "vlo" for object links (LwM2M). See senml.ts for naming rules.
// Numbers by the record's type: a Float as a CBOR float (the shortest of half, single, double that
// is exact), even when integral; Integer/Unsigned/Time values as CBOR integers. The decoder
// accepts any of them and tag 4 decimal fractions for numeric fields.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES, ValueType } from '../model/record.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { pathDepth } from './codec.js';
import { CborKind, CborReader, CborWriter, INDEFINITE, Major } from './cbor.js';
import { writePath, writeRelPath, } from './path-text.js';
import { writeInt } from './numfmt.js';
import { floatScratch } from './ieee754.js';
import { resolveRecord, senmlDecodeState, SenmlBase, SenmlFields, SenmlLabel, SenmlNamer, SenmlValue, senmlValueOf } from './senml.js';

const VLO = new Uint8Array([0x76, 0x6c, 0x6f]); // "vlo"
const SCRATCH_LEN = 48; // "/65535/65535/65535/65535/" and "65535:65535" fit

export class SenmlCborEncoder implements PayloadEncoder {
  private readonly w = new CborWriter();
  private readonly namer = new SenmlNamer();
  private readonly scratch = new Uint8Array(SCRATCH_LEN);
  private start = 0;
  private arrAt = 0;
  private count = 0;
  private err = 0;

  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void {
    this.w.begin(out, at, cap);
    this.namer.begin(o, i, r, ri);
    this.start = at; this.count = 0; this.err = 0;
    this.arrAt = this.w.open();
  }

  add(rec: DataRecord): number {
    if (this.err !== 0) return this.err;
    const kind = senmlValueOf(rec);
    if (kind < 0) { this.err = -Code.NOT_ACCEPTABLE; return this.err; }
    const mode = this.namer.bnMode(rec);
    if (mode < 0) { this.err = -Code.NOT_ACCEPTABLE; return this.err; }
    const w = this.w;
    const s = this.scratch;
    const rd = rec.depth();
    const nb = this.namer.bnDepth;
    const nm = this.namer;
    // which fields: bn, n, value, t
    let nLen = -1; // -1: no n
    if (mode === 0) {
      if (nb === 0) nLen = writePath(s, 0, SCRATCH_LEN, rec.o, rec.i, rec.r, rec.ri, false);
      else if (!nm.exact) nLen = writeRelPath(s, 0, SCRATCH_LEN, rec, nb, rd);
      else if (rd > nb) { s[0] = 0x2f; nLen = 1 + writeRelPath(s, 1, SCRATCH_LEN - 1, rec, nb, rd); }
    } else if (mode === 2) nLen = writeRelPath(s, 0, SCRATCH_LEN, rec, nb, rd);
    const fields = (mode > 0 ? 1 : 0) + (nLen >= 0 ? 1 : 0) + (kind !== SenmlValue.NONE ? 1 : 0) + (rec.time === rec.time ? 1 : 0);
    w.head(Major.MAP, fields);
    if (mode > 0) {
      w.int(SenmlLabel.BN);
      // bn text goes after n's bytes in the scratch buffer
      const at = nLen > 0 ? nLen : 0;
      const bl = mode === 2
        ? writePath(s, at, SCRATCH_LEN - at, nm.o, nm.i, nm.r, nm.ri, true)
        : writePath(s, at, SCRATCH_LEN - at, rec.o, rec.i, rec.r, rec.ri, false);
      w.str(Major.TEXT, s, at, bl);
    }
    if (nLen >= 0) { w.int(SenmlLabel.N); w.str(Major.TEXT, s, 0, nLen); }
    switch (kind) {
      case SenmlValue.V:
        w.int(SenmlLabel.V);
        // By the resource's type, not the value: a Float resource is a CBOR float even when its
        // value is integral (22.0 → f9 4d80). Leshan decodes SenML CBOR with permissive number
        // conversion off and answers "Floating-point number expected" to an integer for a Float
        // (its SenML JSON decoder is permissive: text has no such distinction). Anjay and Wakaama
        // write floats by type too.
        if (rec.type === ValueType.Float) { floatScratch().f64[0] = rec.num; w.floatScratch(); } else w.number(rec.num);
        break;
      case SenmlValue.VS: w.int(SenmlLabel.VS); w.str(Major.TEXT, rec.buf, rec.off, rec.len); break;
      case SenmlValue.VB: w.int(SenmlLabel.VB); w.bool(rec.num !== 0); break;
      case SenmlValue.VD: w.int(SenmlLabel.VD); w.str(Major.BYTES, rec.buf, rec.off, rec.len); break;
      case SenmlValue.VLO: {
        w.str(Major.TEXT, VLO, 0, 3);
        let n = writeInt(s, 0, SCRATCH_LEN, rec.lnkO);
        s[n++] = 0x3a;
        n += writeInt(s, n, SCRATCH_LEN - n, rec.lnkI);
        w.str(Major.TEXT, s, 0, n);
        break;
      }
      default: break;
    }
    if (rec.time === rec.time) { w.int(SenmlLabel.T); w.number(rec.time); }
    this.count++;
    if (w.overflow) { this.err = -Code.REQUEST_ENTITY_TOO_LARGE; return this.err; }
    return 0;
  }

  end(): number {
    if (this.err !== 0) return this.err;
    this.w.close(this.arrAt, Major.ARRAY, this.count);
    if (this.w.overflow) return -Code.REQUEST_ENTITY_TOO_LARGE;
    return this.w.pos - this.start;
  }
}

const enum St { START = 0, IN_ARRAY = 1, DONE = 2, FAILED = 3 }

export class SenmlCborDecoder implements PayloadDecoder {
  private readonly rd = new CborReader();
  /** The record state, shared with the other SenML decoder (senmlDecodeState). */
  private readonly f: SenmlFields;
  private readonly base: SenmlBase;
  private buf: Uint8Array = EMPTY_BYTES;
  private st: St = St.DONE;
  private left = 0; // records left in a definite array; -1 indefinite
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

  /** Reads a numeric field value (int, float, or tag 4 decimal fraction); NaN when not numeric. */
  private number(): number {
    const rd = this.rd;
    switch (rd.head()) {
      case CborKind.UINT: case CborKind.NEGINT: case CborKind.FLOAT: return rd.value;
      case CborKind.TAG: {
        if (rd.arg !== 4) return NaN;
        if (rd.head() !== CborKind.ARRAY || (rd.arg as number) !== 2) return NaN;
        let k = rd.head();
        if (k !== CborKind.UINT && k !== CborKind.NEGINT) return NaN;
        const e = rd.value;
        k = rd.head();
        if (k !== CborKind.UINT && k !== CborKind.NEGINT) return NaN;
        const m = rd.value;
        if (e < -300 || e > 300) return NaN;
        return e >= 0 ? m * Math.pow(10, e) : m / Math.pow(10, -e);
      }
      default: return NaN;
    }
  }

  next(rec: DataRecord): number {
    const rd = this.rd;
    switch (this.st) {
      case St.DONE: return 0;
      case St.FAILED: return -Code.BAD_REQUEST;
      case St.START:
        if (rd.head() !== CborKind.ARRAY) return this.bad();
        this.left = rd.arg;
        this.st = St.IN_ARRAY;
        break;
      default: break;
    }
    if (this.left === 0) { if (!rd.atEnd()) return this.bad(); this.st = St.DONE; return 0; }
    if (this.left === INDEFINITE) {
      if (rd.pos >= rd.end) return this.bad();
      if (this.buf[rd.pos] === 0xff) {
        rd.pos++;
        if (!rd.atEnd()) return this.bad();
        this.st = St.DONE; return 0;
      }
    } else this.left--;
    if (rd.head() !== CborKind.MAP) return this.bad();
    let pairs = rd.arg;
    const f = this.f;
    f.reset();
    f.bnBuf = this.buf;
    const b = this.buf;
    for (;;) {
      if (pairs === INDEFINITE) {
        if (rd.pos >= rd.end) return this.bad();
        if (b[rd.pos] === 0xff) { rd.pos++; break; }
      } else if (pairs-- === 0) break;
      const kk = rd.head();
      let label: number;
      if (kk === CborKind.UINT || kk === CborKind.NEGINT) label = rd.value;
      else if (kk === CborKind.TEXT) {
        const ko = rd.pos; const kl = rd.arg;
        rd.pos += kl;
        if (kl === 3 && b[ko] === 0x76 && b[ko + 1] === 0x6c && b[ko + 2] === 0x6f) label = 0.5; // vlo (not an RFC 8428 label number)
        else {
          if (kl > 0 && b[ko + kl - 1] === 0x5f) return this.bad(); // must-understand
          if (rd.skip() < 0) return this.bad();
          continue;
        }
      } else return this.bad();
      switch (label) {
        case SenmlLabel.BN: case SenmlLabel.N: case SenmlLabel.VS: case 0.5: {
          if (rd.head() !== CborKind.TEXT) return this.bad();
          const so = rd.pos; const sl = rd.arg;
          rd.pos += sl;
          if (label === SenmlLabel.BN) { f.hasBn = true; f.bnOff = so; f.bnLen = sl; }
          else if (label === SenmlLabel.N) { f.hasN = true; f.nOff = so; f.nLen = sl; }
          else {
            if (f.kind !== SenmlValue.NONE) return this.bad();
            f.kind = label === 0.5 ? SenmlValue.VLO : SenmlValue.VS; f.vOff = so; f.vLen = sl;
          }
          break;
        }
        case SenmlLabel.VD: {
          if (f.kind !== SenmlValue.NONE) return this.bad();
          if (rd.head() !== CborKind.BYTES) return this.bad();
          f.kind = SenmlValue.VD; f.vOff = rd.pos; f.vLen = rd.arg;
          rd.pos += rd.arg;
          break;
        }
        case SenmlLabel.VB: {
          if (f.kind !== SenmlValue.NONE) return this.bad();
          const bk = rd.head();
          if (bk === CborKind.TRUE) f.num = 1; else if (bk === CborKind.FALSE) f.num = 0; else return this.bad();
          f.kind = SenmlValue.VB;
          break;
        }
        case SenmlLabel.V: case SenmlLabel.BT: case SenmlLabel.BV: case SenmlLabel.T: case SenmlLabel.BVER: {
          const v = this.number();
          if (v !== v) return this.bad();
          if (label === SenmlLabel.V) {
            if (f.kind !== SenmlValue.NONE) return this.bad();
            f.kind = SenmlValue.V; f.num = v; f.integral = rd.kind === CborKind.UINT || rd.kind === CborKind.NEGINT;
          } else if (label === SenmlLabel.BT) f.bt = v;
          else if (label === SenmlLabel.BV) f.bv = v;
          else if (label === SenmlLabel.T) f.t = v;
          else if (v > 10) return this.bad();
          break;
        }
        default:
          if (rd.skip() < 0) return this.bad();
      }
    }
    const res = resolveRecord(f, this.base, this.buf, rec, this.d, this.o, this.i, this.r, this.ri);
    if (res < 0) this.st = St.FAILED;
    return res;
  }
}
