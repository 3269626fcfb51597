// UTF-8 encoding of JS strings without a temporary array (XS has no TextEncoder global): the length
// first, then the bytes straight into the destination. An unpaired surrogate becomes U+FFFD (EF BF
// BD), as TextEncoder does (WHATWG Encoding): its own 3-byte form would not be valid UTF-8 (RFC 3629
// §3), and a server's strict decoder would refuse the whole payload.
import type { Slab } from '../slab.js';

/** The UTF-8 bytes of `s` in a new array (from `slab` when given). Allocates: construction time only. */
export function utf8Bytes(s: string, slab?: Slab): Uint8Array {
  const n = utf8Length(s);
  const out = slab ? slab.u8(n) : new Uint8Array(n);
  utf8Encode(s, out, 0);
  return out;
}

/** The number of UTF-8 bytes of `s`. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length && isLow(s.charCodeAt(k + 1))) { n += 4; k++; }
    else n += 3;
  }
  return n;
}

/** Writes the UTF-8 bytes of `s` at out[at…] (utf8Length(s) of them; the caller made room). Returns
 *  the index after the last byte. */
export function utf8Encode(s: string, out: Uint8Array, at: number): number {
  let w = at;
  for (let k = 0; k < s.length; k++) {
    let c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length) {
      const d = s.charCodeAt(k + 1);
      if (isLow(d)) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); k++; }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // unpaired (a pair was combined above)
    if (c < 0x80) out[w++] = c;
    else if (c < 0x800) { out[w++] = 0xc0 | (c >> 6); out[w++] = 0x80 | (c & 63); }
    else if (c < 0x10000) { out[w++] = 0xe0 | (c >> 12); out[w++] = 0x80 | ((c >> 6) & 63); out[w++] = 0x80 | (c & 63); }
    else { out[w++] = 0xf0 | (c >> 18); out[w++] = 0x80 | ((c >> 12) & 63); out[w++] = 0x80 | ((c >> 6) & 63); out[w++] = 0x80 | (c & 63); }
  }
  return w;
}

function isLow(d: number): boolean { return d >= 0xdc00 && d <= 0xdfff; }
