// Shared helpers for the objects tests: a table with the standard objects and quick setters.
import { ObjectTable } from '../../src/model/table.js';
import { NONE, ValueType } from '../../src/model/record.js';
import { STANDARD_DEFS } from '../../src/objects/standard.js';
import { setBytes, setNumber, setString } from '../../src/objects/values.js';

export function stdTable(over: Partial<{ maxInstances: number; maxValues: number; arenaBytes: number }> = {}): ObjectTable {
  return new ObjectTable({ maxInstances: 32, maxValues: 256, arenaBytes: 2048, ...over }, STANDARD_DEFS);
}

export interface SecOpts { uri?: string; bootstrap?: boolean; mode?: number; identity?: string; key?: string; ssid?: number; holdOff?: number; bsTimeout?: number }

export function addSecurity(t: ObjectTable, i: number, s: SecOpts): void {
  if (t.createInstance(0, i) !== 0) throw new Error('create /0/' + i);
  if (s.uri !== undefined) setString(t, 0, i, 0, NONE, s.uri);
  if (s.bootstrap !== undefined) setNumber(t, 0, i, 1, NONE, ValueType.Boolean, s.bootstrap ? 1 : 0);
  if (s.mode !== undefined) setNumber(t, 0, i, 2, NONE, ValueType.Integer, s.mode);
  const enc = new TextEncoder();
  if (s.identity !== undefined) { const b = enc.encode(s.identity); setBytes(t, 0, i, 3, NONE, ValueType.Opaque, b, 0, b.length); }
  if (s.key !== undefined) { const b = enc.encode(s.key); setBytes(t, 0, i, 5, NONE, ValueType.Opaque, b, 0, b.length); }
  if (s.ssid !== undefined) setNumber(t, 0, i, 10, NONE, ValueType.Integer, s.ssid);
  if (s.holdOff !== undefined) setNumber(t, 0, i, 11, NONE, ValueType.Integer, s.holdOff);
  if (s.bsTimeout !== undefined) setNumber(t, 0, i, 12, NONE, ValueType.Integer, s.bsTimeout);
}

export function addServer(t: ObjectTable, i: number, ssid: number | undefined, extra: Record<number, number | string> = {}): void {
  if (t.createInstance(1, i) !== 0) throw new Error('create /1/' + i);
  if (ssid !== undefined) setNumber(t, 1, i, 0, NONE, ValueType.Integer, ssid);
  for (const [r, v] of Object.entries(extra)) {
    const rid = Number(r);
    const def = t.resourceDef(1, rid)!;
    if (typeof v === 'string') setString(t, 1, i, rid, NONE, v);
    else setNumber(t, 1, i, rid, NONE, def.type, v);
  }
}

export function win(buf: Uint8Array, off: number, len: number): string {
  return new TextDecoder().decode(buf.subarray(off, off + len));
}
