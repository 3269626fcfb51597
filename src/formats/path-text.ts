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

/** A path text read in pieces, resumable (SenML's bn + n read as one text without concatenating): a SenML decoder reads the base name once when it
 *  changes (a copy of that state is where each record's name continues), not once per record. The
 *  text is "/" (the root) or "/" and one to four components 0…65535 without leading zeros,
 *  separated by '/', with an optional trailing '/'. */
export class PathReader {
  /** 0: nothing read, 1: after a '/', 2: in a component, -1: malformed. */
  st = 0;
  comp = 0;
  v = 0;
  o = -1; i = -1; r = -1; ri = -1;

  reset(): void { this.st = 0; this.comp = 0; this.v = 0; this.o = -1; this.i = -1; this.r = -1; this.ri = -1; }

  copyFrom(p: PathReader): void {
    this.st = p.st; this.comp = p.comp; this.v = p.v; this.o = p.o; this.i = p.i; this.r = p.r; this.ri = p.ri;
  }

  private endComp(): boolean {
    const c = this.comp;
    if (c === 4) return false;
    if (c === 0) this.o = this.v; else if (c === 1) this.i = this.v; else if (c === 2) this.r = this.v; else this.ri = this.v;
    this.comp = c + 1;
    return true;
  }

  /** Reads b[off … off+len) as the next piece of the text. */
  feed(b: Uint8Array, off: number, len: number): void {
    let st = this.st, v = this.v;
    const end = off + len;
    for (let k = off; k < end && st >= 0; k++) {
      const c = b[k];
      if (st === 2) {
        if (c >= 0x30 && c <= 0x39) {
          if (v === 0) st = -1; // a leading zero
          else { v = v * 10 + (c - 0x30); if (v > 65535) st = -1; }
        } else if (c === 0x2f) { this.v = v; st = this.endComp() ? 1 : -1; }
        else st = -1;
      } else if (st === 1) {
        if (c >= 0x30 && c <= 0x39) { v = c - 0x30; st = 2; } else st = -1; // "//" or a non-digit
      } else st = c === 0x2f ? 1 : -1; // the leading '/'
    }
    this.st = st; this.v = v;
  }

  /** Ends the text: 0 with rec.o/i/r/ri filled, or -1 when malformed (the empty text included). */
  finish(rec: DataRecord): number {
    if (this.st === 2 && !this.endComp()) this.st = -1;
    if (this.st <= 0) return -1;
    rec.o = this.o; rec.i = this.i; rec.r = this.r; rec.ri = this.ri;
    return 0;
  }
}
