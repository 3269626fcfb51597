// The SenML CBOR (Content-Format 112) decoder of senml-cbor.ts, in a module of its own: it loads the
// CBOR reader only (Espruino loads each module on first use: a bootstrap server writing SenML CBOR
// then costs no encoder). The format: see senml-cbor.ts. Accepts any CBOR number form and tag 4
// decimal fractions for numeric fields.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES } from '../model/record.js';
import type { PayloadDecoder } from './codec.js';
import { pathDepth } from './codec.js';
import { CborKind, CborReader, INDEFINITE } from './cbor-read.js';
import { resolveRecord, senmlDecodeState, SenmlBase, SenmlFields, SenmlLabel, SenmlValue } from './senml.js';

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
