// application/octet-stream (Content-Format 42; LwM2M TS Core §7.4.2): the bytes of one Opaque
// resource (instance), nothing else. The decoder yields ValueType.Opaque as a window.
import { Code } from '../coap/codes.js';
import { ContentFormat } from '../formats/content-format.js';
import { DataRecord, ValueType, EMPTY_BYTES } from '../model/record.js';
import type { PayloadEncoder } from './codec.js';
import { isUnder, pathDepth, SingleValueDecoder } from './codec.js';

export class OpaqueEncoder implements PayloadEncoder {
  private out: Uint8Array = EMPTY_BYTES;
  private at = 0;
  private cap = 0;
  private depth = 0;
  private o = -1; private i = -1; private r = -1; private ri = -1;
  private count = 0;
  private len = 0;
  private err = 0;

  begin(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number, ri: number): void {
    this.out = out; this.at = at; this.cap = cap; this.len = 0; this.count = 0;
    this.depth = pathDepth(o, i, r, ri);
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.err = this.depth < 3 ? -Code.NOT_ACCEPTABLE : 0;
  }

  add(rec: DataRecord): number {
    if (this.err !== 0) return this.err;
    if (this.count !== 0 || rec.depth() !== this.depth || !isUnder(rec, this.depth, this.o, this.i, this.r, this.ri)) { this.err = -Code.NOT_ACCEPTABLE; return this.err; }
    if (rec.type !== ValueType.Opaque && !(rec.type === ValueType.Raw && rec.rawFormat === ContentFormat.OPAQUE)) {
      this.err = -Code.NOT_ACCEPTABLE; return this.err;
    }
    if (rec.len > this.cap) { this.err = -Code.REQUEST_ENTITY_TOO_LARGE; return this.err; }
    const o = this.out; const at = this.at; const src = rec.buf; const s = rec.off;
    for (let k = 0; k < rec.len; k++) o[at + k] = src[s + k];
    this.len = rec.len;
    this.count = 1;
    return 0;
  }

  end(): number {
    return this.err !== 0 ? this.err : this.len;
  }
}

export class OpaqueDecoder extends SingleValueDecoder {
  constructor() { super(ValueType.Opaque, 0); }
}
