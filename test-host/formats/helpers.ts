// Test helpers for the payload codecs: plain-object views of records, decoding a whole payload,
// encoding a list of records, and mapping the vector files' type names.
import { DataRecord, ValueType } from '../../src/model/record.js';
import type { PayloadDecoder, PayloadEncoder } from '../../src/formats/codec.js';
import { coerceRecord } from '../../src/formats/coerce.js';
import fc from 'fast-check';

// Property tests run with a fixed seed so CI is reproducible; FC_SEED=<n> (or FC_SEED=random)
// explores other inputs locally.
const seedEnv = process.env.FC_SEED;
if (seedEnv !== 'random') fc.configureGlobal({ seed: seedEnv ? Number(seedEnv) : 0x1f0a2026 });

export interface Plain {
  path: string;
  type: string;
  value?: unknown;
  time?: number;
}

export const TYPE_NAMES: Record<string, ValueType> = {
  string: ValueType.String, integer: ValueType.Integer, unsignedInteger: ValueType.UnsignedInteger,
  float: ValueType.Float, boolean: ValueType.Boolean, opaque: ValueType.Opaque, time: ValueType.Time,
  objlnk: ValueType.ObjLnk, corelnk: ValueType.CoreLnk,
};

export function pathOf(r: { o: number; i: number; r: number; ri: number }): string {
  const parts = [r.o, r.i, r.r, r.ri].filter((v) => v >= 0);
  return '/' + parts.join('/');
}

export function parsePath(p: string): [number, number, number, number] {
  const ids = p === '/' ? [] : p.slice(1).split('/').map(Number);
  return [ids[0] ?? -1, ids[1] ?? -1, ids[2] ?? -1, ids[3] ?? -1];
}

const utf8 = new TextDecoder();

/** A record as a plain object: type name and JS value (strings decoded, opaque as hex). */
export function plain(rec: DataRecord): Plain {
  const out: Plain = { path: pathOf(rec), type: '' };
  const bytes = (): Uint8Array => rec.buf.slice(rec.off, rec.off + rec.len);
  switch (rec.type) {
    case ValueType.None: out.type = 'none'; break;
    case ValueType.String: out.type = 'string'; out.value = utf8.decode(bytes()); break;
    case ValueType.CoreLnk: out.type = 'corelnk'; out.value = utf8.decode(bytes()); break;
    case ValueType.Integer: out.type = 'integer'; out.value = rec.num; break;
    case ValueType.UnsignedInteger: out.type = 'unsignedInteger'; out.value = rec.num; break;
    case ValueType.Float: out.type = 'float'; out.value = rec.num; break;
    case ValueType.Time: out.type = 'time'; out.value = rec.num; break;
    case ValueType.Boolean: out.type = 'boolean'; out.value = rec.num !== 0; break;
    case ValueType.Opaque: out.type = 'opaque'; out.value = Buffer.from(bytes()).toString('hex'); break;
    case ValueType.ObjLnk: out.type = 'objlnk'; out.value = rec.lnkO + ':' + rec.lnkI; break;
    case ValueType.Raw: out.type = 'raw' + rec.rawFormat; out.value = Buffer.from(bytes()).toString('hex'); break;
  }
  if (rec.time === rec.time) out.time = rec.time;
  return out;
}

/** Decodes a whole payload; the plain records, or the negative code it failed with. */
export function decodeAll(dec: PayloadDecoder, bytes: Uint8Array, path: string,
  coerce?: (p: Plain, rec: DataRecord) => ValueType | null): Plain[] | number {
  const [o, i, r, ri] = parsePath(path);
  const buf = Uint8Array.from(bytes); // decoders may rewrite in place
  const b = dec.begin(buf, 0, buf.length, o, i, r, ri);
  if (b < 0) return b;
  const out: Plain[] = [];
  const rec = new DataRecord();
  for (let guard = 0; guard < 100000; guard++) {
    const n = dec.next(rec);
    if (n < 0) return n;
    if (n === 0) return out;
    if (coerce) {
      const t = coerce(plain(rec), rec);
      if (t !== null) { const c = coerceRecord(rec, t); if (c < 0) return c; }
    }
    out.push(plain(rec));
  }
  throw new Error('decoder did not stop');
}

/** Builds a record from a plain object (values as in `plain`). */
export function recordOf(p: Plain): DataRecord {
  const rec = new DataRecord();
  [rec.o, rec.i, rec.r, rec.ri] = parsePath(p.path);
  rec.time = p.time ?? NaN;
  const v = p.value;
  switch (p.type) {
    case 'none': rec.type = ValueType.None; break;
    case 'string': case 'corelnk': {
      rec.type = p.type === 'string' ? ValueType.String : ValueType.CoreLnk;
      rec.buf = new TextEncoder().encode(v as string); rec.off = 0; rec.len = rec.buf.length;
      break;
    }
    case 'opaque': rec.type = ValueType.Opaque; rec.buf = Uint8Array.from(Buffer.from(v as string, 'hex')); rec.len = rec.buf.length; break;
    case 'integer': rec.type = ValueType.Integer; rec.num = v as number; break;
    case 'unsignedInteger': rec.type = ValueType.UnsignedInteger; rec.num = v as number; break;
    case 'float': rec.type = ValueType.Float; rec.num = v as number; break;
    case 'time': rec.type = ValueType.Time; rec.num = v as number; break;
    case 'boolean': rec.type = ValueType.Boolean; rec.num = v ? 1 : 0; break;
    case 'objlnk': { const [a, b] = (v as string).split(':').map(Number); rec.type = ValueType.ObjLnk; rec.lnkO = a; rec.lnkI = b; break; }
    default: throw new Error('type ' + p.type);
  }
  return rec;
}

/** Encodes records for a request path; the payload bytes or the negative code. */
export function encodeAll(enc: PayloadEncoder, recs: Plain[], path: string, cap = 4096): Uint8Array | number {
  const [o, i, r, ri] = parsePath(path);
  const out = new Uint8Array(cap + 8);
  enc.begin(out, 3, cap, o, i, r, ri); // a non-zero offset on purpose
  for (const p of recs) {
    const n = enc.add(recordOf(p));
    if (n < 0) return n;
  }
  const len = enc.end();
  if (len < 0) return len;
  return out.slice(3, 3 + len);
}

/** Mulberry32: a small seeded PRNG for the fuzzers (deterministic runs). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mutates a payload: flips, inserts, deletes, truncates or duplicates bytes. */
export function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const a = Array.from(src);
  const n = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < n; k++) {
    const op = Math.floor(rnd() * 6);
    const at = Math.floor(rnd() * (a.length + 1));
    if (op === 0 && a.length) a[at % a.length] ^= 1 << Math.floor(rnd() * 8);
    else if (op === 1) a.splice(at, 0, Math.floor(rnd() * 256));
    else if (op === 2 && a.length) a.splice(at % a.length, 1);
    else if (op === 3) a.length = Math.min(a.length, at);
    else if (op === 4 && a.length) a[at % a.length] = Math.floor(rnd() * 256);
    else if (op === 5 && a.length > 2) { const s = Math.floor(rnd() * a.length); a.splice(at, 0, ...a.slice(s, s + 1 + Math.floor(rnd() * 8))); }
  }
  return Uint8Array.from(a);
}

/** Runs a decoder over a payload: must end with 0 or a negative code, never throw or loop. */
export function fuzzOne(dec: PayloadDecoder, bytes: Uint8Array, path: [number, number, number, number]): number {
  const rec = new DataRecord();
  const b = dec.begin(bytes, 0, bytes.length, path[0], path[1], path[2], path[3]);
  if (b < 0) return b;
  for (let guard = 0; guard <= bytes.length + 2; guard++) {
    const n = dec.next(rec);
    if (n <= 0) return n;
    if (n !== 1) throw new Error('next returned ' + n);
  }
  throw new Error('decoder produced more records than bytes');
}
