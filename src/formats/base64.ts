// Base64 (RFC 4648 §4) and base64url (§5) on bytes, allocation-free.
// text/plain carries Opaque values as base64 (LwM2M TS Core §7.4.1); SenML JSON carries `vd` as
// base64url without padding (RFC 8428 §5). The decoder accepts both alphabets, with or without
// padding, and can decode in place (the output never outruns the input).

const STD = new Uint8Array(64);
const URL = new Uint8Array(64);
const DEC = new Int8Array(256).fill(-1);
{
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let k = 0; k < 62; k++) { STD[k] = a.charCodeAt(k); URL[k] = a.charCodeAt(k); DEC[a.charCodeAt(k)] = k; }
  STD[62] = 0x2b; STD[63] = 0x2f; URL[62] = 0x2d; URL[63] = 0x5f;
  DEC[0x2b] = 62; DEC[0x2f] = 63; DEC[0x2d] = 62; DEC[0x5f] = 63;
}

/** Encoded length of n bytes (padded when `pad`). */
export function base64Length(n: number, pad: boolean): number {
  return pad ? ((n + 2) / 3 | 0) * 4 : (n * 4 + 2) / 3 | 0;
}

/** Encodes src[off … off+len) into out at `at`; the byte count, or -1 when more than cap is needed.
 *  `url`: base64url alphabet; `pad`: '=' padding. */
export function base64Encode(src: Uint8Array, off: number, len: number, out: Uint8Array, at: number,
  cap: number, url: boolean, pad: boolean): number {
  const need = base64Length(len, pad);
  if (need > cap) return -1;
  const t = url ? URL : STD;
  let p = at;
  let k = off;
  const end = off + len;
  while (end - k >= 3) {
    const v = src[k] << 16 | src[k + 1] << 8 | src[k + 2];
    out[p++] = t[v >> 18]; out[p++] = t[v >> 12 & 63]; out[p++] = t[v >> 6 & 63]; out[p++] = t[v & 63];
    k += 3;
  }
  const rest = end - k;
  if (rest === 1) {
    const v = src[k] << 16;
    out[p++] = t[v >> 18]; out[p++] = t[v >> 12 & 63];
    if (pad) { out[p++] = 0x3d; out[p++] = 0x3d; }
  } else if (rest === 2) {
    const v = src[k] << 16 | src[k + 1] << 8;
    out[p++] = t[v >> 18]; out[p++] = t[v >> 12 & 63]; out[p++] = t[v >> 6 & 63];
    if (pad) out[p++] = 0x3d;
  }
  return p - at;
}

/** Decodes text src[off … off+len) into out at `at` (which may equal off: in place). Accepts both
 *  alphabets, optional '=' padding. The byte count, or -1 when malformed. */
export function base64Decode(src: Uint8Array, off: number, len: number, out: Uint8Array, at: number): number {
  let end = off + len;
  if (len > 0 && src[end - 1] === 0x3d) { end--; if (end > off && src[end - 1] === 0x3d) end--; if ((len & 3) !== 0) return -1; }
  const n = end - off;
  if ((n & 3) === 1) return -1;
  let p = at;
  let k = off;
  while (end - k >= 4) {
    const a = DEC[src[k]], b = DEC[src[k + 1]], c = DEC[src[k + 2]], d = DEC[src[k + 3]];
    if ((a | b | c | d) < 0) return -1;
    const v = a << 18 | b << 12 | c << 6 | d;
    out[p++] = v >> 16; out[p++] = v >> 8 & 255; out[p++] = v & 255;
    k += 4;
  }
  const rest = end - k;
  if (rest === 2) {
    const a = DEC[src[k]], b = DEC[src[k + 1]];
    if ((a | b) < 0 || (b & 15) !== 0) return -1;
    out[p++] = (a << 18 | b << 12) >> 16;
  } else if (rest === 3) {
    const a = DEC[src[k]], b = DEC[src[k + 1]], c = DEC[src[k + 2]];
    if ((a | b | c) < 0 || (c & 3) !== 0) return -1;
    const v = a << 18 | b << 12 | c << 6;
    out[p++] = v >> 16; out[p++] = v >> 8 & 255;
  }
  return p - at;
}
