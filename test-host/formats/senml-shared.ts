// What the SenML JSON and SenML CBOR tests share: the vectors' `resolved` lists as plain records.
import fc from 'fast-check';
import type { Plain } from './helpers.js';

export interface Resolved { path: string; type?: string; value?: unknown; time?: number }

/** Our decoded plain records in the vector files' `resolved` shape. */
export function asResolved(ps: Plain[]): Resolved[] {
  return ps.map((p) => {
    const r: Resolved = { path: p.path };
    if (p.type !== 'none') {
      r.type = p.type === 'integer' || p.type === 'float' ? 'number' : p.type;
      r.value = p.value;
    }
    if (p.time !== undefined) r.time = p.time;
    return r;
  });
}

/** A vector's resolved list as records to encode (numbers: integer when integral, else float). */
export function toPlain(rs: Resolved[]): Plain[] {
  return rs.map((r) => {
    const p: Plain = { path: r.path, type: 'none' };
    if (r.type) {
      p.type = r.type === 'number' ? (Number.isInteger(r.value) ? 'integer' : 'float') : r.type;
      p.value = r.value;
    }
    if (r.time !== undefined) p.time = r.time;
    return p;
  });
}

// Random records with any paths (a composite payload), values of every SenML kind, optional times.
const arbPath = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }),
  fc.integer({ min: 0, max: 65535 }), fc.integer({ min: -1, max: 65535 }));
export const arbVal = fc.oneof(
  fc.record({ type: fc.constant('integer'), value: fc.maxSafeInteger() }),
  fc.record({ type: fc.constant('float'), value: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)) }),
  fc.record({ type: fc.constant('string'), value: fc.string({ maxLength: 30, unit: 'grapheme' }) }),
  fc.record({ type: fc.constant('boolean'), value: fc.boolean() }),
  fc.record({ type: fc.constant('opaque'), value: fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString('hex')) }),
  fc.record({ type: fc.constant('objlnk'), value: fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => a + ':' + b) }),
  fc.record({ type: fc.constant('none') }),
);
export const arbComposite = fc.array(fc.record({ p: arbPath, v: arbVal, t: fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: undefined }) }), { maxLength: 10 })
  .map((xs) => xs.map((x): Plain => {
    const path = '/' + x.p.filter((c) => c >= 0).join('/');
    const p: Plain = { path, type: x.v.type };
    if (x.v.type !== 'none') p.value = (x.v as { value: unknown }).value;
    if (x.t !== undefined) p.time = x.t;
    return p;
  }));

