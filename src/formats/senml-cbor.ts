// SenML CBOR (Content-Format 112; the decoder is senml-cbor-dec.ts, a module of its own: a bootstrap
// server's writes load no encoder; RFC 8428 §6, LwM2M TS Core §7.4.5). An array of maps keyed by
// the integer labels of RFC 8428 Table 6 (bn -2, bt -3, bv -5, bver -1, n 0, v 2, vs 3, vb 4,
// t 6, vd 8) and the text label "vlo" for object links (LwM2M). See senml.ts for naming rules.
// Numbers by the record's type: a Float as a CBOR float (the shortest of half, single, double that
// is exact), even when integral; Integer/Unsigned/Time values as CBOR integers. The decoder
// accepts any of them and tag 4 decimal fractions for numeric fields.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES, ValueType } from '../model/record.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { pathDepth } from './codec.js';
import { CborWriter, Major } from './cbor.js';
import { writePath, writeRelPath, } from './path-text.js';
import { writeInt } from './numfmt.js';
import { floatScratch } from './ieee754.js';
import { SenmlLabel, SenmlNamer, SenmlValue, senmlValueOf } from './senml.js';

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
