// LwM2M paths from a request's Uri-Path options, as numbers (TS Core §7.1: /o/i/r/ri, each 0…65534).

import { CoapMessage } from '../coap/message.js';
import { Opt } from '../coap/option.js';
import { NONE } from '../model/record.js';

export class LwPath {
  o = NONE;
  i = NONE;
  r = NONE;
  ri = NONE;
  /** 0 for "/", 1…4 for /o … /o/i/r/ri. */
  depth = 0;
  set(o: number, i: number, r: number, ri: number): void {
    this.o = o; this.i = i; this.r = r; this.ri = ri;
    this.depth = o < 0 ? 0 : i < 0 ? 1 : r < 0 ? 2 : ri < 0 ? 3 : 4;
  }
}

export const enum PathResult {
  /** A numeric LwM2M path. */
  OK = 0,
  /** Not an LwM2M data-model path (e.g. "bs", "dp", "rd"): the caller decides. */
  NOT_NUMERIC = 1,
  /** More than four segments, or a number out of range: 4.00 Bad Request. */
  BAD = -0x80,
}

/** Parses the Uri-Path of `m` into `out`. An empty path, or one empty segment, is "/". */
export function parsePath(m: CoapMessage, out: LwPath): number {
  out.set(NONE, NONE, NONE, NONE);
  let depth = 0;
  const b = m.buf;
  for (let k = 0; k < m.optCount; k++) {
    if (m.optNum[k] !== Opt.URI_PATH) continue;
    const off = m.optOff[k], len = m.optLen[k];
    if (len === 0) { if (depth === 0 && m.uriPathCount === 1) continue; return PathResult.BAD; }
    let v = 0;
    for (let j = 0; j < len; j++) {
      const c = b[off + j];
      if (c < 48 || c > 57) return PathResult.NOT_NUMERIC;
      v = v * 10 + (c - 48);
      if (v > 65534) return PathResult.BAD;
    }
    if (len > 1 && b[off] === 48) return PathResult.BAD; // leading zero
    if (depth === 4) return PathResult.BAD;
    if (depth === 0) out.o = v; else if (depth === 1) out.i = v; else if (depth === 2) out.r = v; else out.ri = v;
    depth++;
  }
  out.depth = depth;
  return PathResult.OK;
}

/** True when the first Uri-Path segment equals `lit` and there is exactly one segment. */
export function pathIs(m: CoapMessage, lit: Uint8Array): boolean {
  return m.uriPathCount === 1 && m.optionEquals(m.uriPathFirst, lit);
}
