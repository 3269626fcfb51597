// LwM2M paths as text ("/3/0/7/1") on bytes: written from numbers, read into a DataRecord's
// o/i/r/ri. Used by SenML names (bn + n, read without concatenating) and the link format.
import { writeInt } from './numfmt.js';
import type { DataRecord } from '../model/record.js';

/** Writes "/o/i/r/ri" for the components ≥ 0 (depth d), "/" for the root; with `slash` a trailing
 *  '/' is added (SenML base names). The byte count, or -1 when it does not fit. */
export function writePath(out: Uint8Array, at: number, cap: number, o: number, i: number, r: number,
  ri: number, slash: boolean): number {
  let p = at;
  const end = at + cap;
  const d = o < 0 ? 0 : i < 0 ? 1 : r < 0 ? 2 : ri < 0 ? 3 : 4;
  for (let k = 0; k < d; k++) {
    if (p >= end) return -1;
    out[p++] = 0x2f;
    const v = k === 0 ? o : k === 1 ? i : k === 2 ? r : ri;
    const n = writeInt(out, p, end - p, v);
    if (n < 0) return -1;
    p += n;
  }
  if (d === 0 || slash) {
    if (p >= end) return -1;
    out[p++] = 0x2f;
  }
  return p - at;
}

/** Writes the components of depth from+1 … to, separated by '/' (a relative SenML name, e.g.
 *  "6/0"), without leading or trailing slash. The byte count, or -1. */
export function writeRelPath(out: Uint8Array, at: number, cap: number, rec: DataRecord, from: number,
  to: number): number {
  let p = at;
  const end = at + cap;
  for (let k = from; k < to; k++) {
    if (k > from) { if (p >= end) return -1; out[p++] = 0x2f; }
    const v = k === 0 ? rec.o : k === 1 ? rec.i : k === 2 ? rec.r : rec.ri;
    const n = writeInt(out, p, end - p, v);
    if (n < 0) return -1;
    p += n;
  }
  return p - at;
}

/** Parses the path given by the concatenation of two windows a[aOff … aOff+aLen) and
 *  b[bOff … bOff+bLen) (SenML bn + n) into rec.o/i/r/ri. It must start with '/', have at most four
 *  decimal components 0…65535 and may end with '/'. 0, or -1 when malformed. */
export function readPath2(a: Uint8Array, aOff: number, aLen: number, b: Uint8Array, bOff: number,
  bLen: number, rec: DataRecord): number {
  const total = aLen + bLen;
  rec.o = -1; rec.i = -1; rec.r = -1; rec.ri = -1;
  if (total === 0) return -1;
  let k = 0;
  let c = aLen > 0 ? a[aOff] : b[bOff];
  if (c !== 0x2f) return -1;
  k = 1;
  let comp = 0;
  while (k < total) {
    let v = 0;
    let nd = 0;
    while (k < total) {
      c = k < aLen ? a[aOff + k] : b[bOff + k - aLen];
      if (c === 0x2f) break;
      if (c < 0x30 || c > 0x39) return -1;
      if (nd > 0 && v === 0) return -1; // leading zero
      v = v * 10 + (c - 0x30);
      if (v > 65535) return -1;
      nd++; k++;
    }
    if (nd === 0) return -1; // "//" or a bare trailing "/" after a component handled below
    if (comp === 4) return -1;
    if (comp === 0) rec.o = v; else if (comp === 1) rec.i = v; else if (comp === 2) rec.r = v; else rec.ri = v;
    comp++;
    if (k < total) {
      k++; // the '/'
      if (k === total) break; // trailing slash
    }
  }
  return 0;
}
