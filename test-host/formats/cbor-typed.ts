// cborg's tokenizer as a decoder that keeps each number's CBOR major type (cborg's decode() gives
// a plain JS number for both 22 and 22.0): numbers become { major, value } (major 0/1 integers,
// 7 floats), maps Map, arrays arrays, strings and bytes as cborg gives them, tags { tag, value }.
import { Tokenizer } from 'cborg';

export interface TypedNum { major: number; value: number }

export function isTypedNum(x: unknown): x is TypedNum {
  return typeof x === 'object' && x !== null && 'major' in x && 'value' in x && typeof (x as TypedNum).value === 'number';
}

export function typedDecode(b: Uint8Array): unknown {
  const t = new Tokenizer(b, {});
  const item = (): unknown => {
    const k = t.next();
    switch (k.type.name) {
      case 'uint': case 'negint': case 'float': return { major: k.type.major, value: Number(k.value) };
      case 'array': { const a: unknown[] = []; for (let n = 0; n < k.value; n++) a.push(item()); return a; }
      case 'map': { const m = new Map<unknown, unknown>(); for (let n = 0; n < k.value; n++) { const key = item(); m.set(isTypedNum(key) ? key.value : key, item()); } return m; }
      case 'tag': return { tag: k.value, value: item() };
      case 'true': return true;
      case 'false': return false;
      case 'null': return null;
      default: return k.value;
    }
  };
  const v = item();
  if (!t.done()) throw new Error('trailing bytes after the CBOR item');
  return v;
}

/** Every number under x whose path (SenML: the record's bn + n; LwM2M CBOR: the keys) is given,
 *  as { path: TypedNum }: the SenML records of an array of maps (labels -2 bn, 0 n, 2 v). */
export function senmlNumbers(x: unknown): Record<string, TypedNum> {
  const out: Record<string, TypedNum> = {};
  let bn = '';
  for (const rec of x as Map<number, unknown>[]) {
    if (typeof rec.get(-2) === 'string') bn = rec.get(-2) as string;
    const v = rec.get(2);
    if (isTypedNum(v)) out[bn + ((rec.get(0) as string | undefined) ?? '')] = v;
  }
  return out;
}

/** The numeric leaves of an LwM2M CBOR tree, keyed by absolute path ("/3303/0/5700"). Keys are
 *  components or arrays of components (path compression). */
export function lwm2mNumbers(x: unknown, prefix = ''): Record<string, TypedNum> {
  const out: Record<string, TypedNum> = {};
  for (const [k, v] of x as Map<unknown, unknown>) {
    const p = prefix + '/' + (Array.isArray(k) ? k.map((c) => (c as TypedNum).value).join('/') : String(k));
    if (isTypedNum(v)) out[p] = v;
    else if (v instanceof Map) Object.assign(out, lwm2mNumbers(v, p));
  }
  return out;
}
