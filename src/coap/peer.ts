// A peer's transport address as numbers and bytes, so that matching a datagram to its peer never
// builds a string. The HAL converts its own address type at its edge.

import type { Slab } from '../slab.js';

export class PeerAddress {
  /** 4 or 6; 0 when unset. */
  family = 0;
  /** IPv4 in the first 4 bytes, IPv6 in all 16. */
  readonly addr: Uint8Array;
  port = 0;

  /** With a slab (the endpoint's peer table), `addr` is a view into its pages; without, an array of its own. */
  constructor(slab?: Slab) {
    this.addr = slab ? slab.u8(16) : new Uint8Array(16);
  }

  set(src: PeerAddress): void {
    this.family = src.family; this.port = src.port;
    for (let j = 0; j < 16; j++) this.addr[j] = src.addr[j];
  }

  equals(o: PeerAddress): boolean {
    if (this.family !== o.family || this.port !== o.port) return false;
    const n = this.family === 4 ? 4 : 16;
    for (let j = 0; j < n; j++) if (this.addr[j] !== o.addr[j]) return false;
    return true;
  }

  clear(): void { this.family = 0; this.port = 0; this.addr.fill(0); }
}

/** Parses a textual IPv4 or IPv6 address into `out` (for HALs and configuration, not the hot path).
 *  Returns false when it is not a literal address. */
export function parseAddress(text: string, port: number, out: PeerAddress): boolean {
  out.clear();
  out.port = port;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  // Dotted quads by hand, not /\d{1,3}/: Espruino's RegExp has no {n,m} (nor a working `?`).
  if (parseIPv4(text, out)) return true;
  if (text.indexOf(':') < 0) return false;
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  let head = text, tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) { head = text.slice(0, dbl); tail = text.slice(dbl + 2); if (tail.indexOf('::') >= 0) return false; }
  const hp = head ? head.split(':') : [];
  let tp = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4).
  const words: number[] = [];
  const last = tp.length ? tp[tp.length - 1] : hp[hp.length - 1];
  let v4tail: number[] | null = null;
  if (last && last.indexOf('.') >= 0) {
    if (!parseIPv4(last, out)) return false;
    v4tail = [out.addr[0], out.addr[1], out.addr[2], out.addr[3]];
    out.clear(); out.port = port;
    if (tp.length) tp = tp.slice(0, -1); else hp.pop();
  }
  const groups = 8 - (v4tail ? 2 : 0);
  if (dbl < 0 && hp.length !== groups) return false;
  if (hp.length + tp.length > groups) return false;
  for (const g of hp) words.push(parseInt(g, 16));
  if (dbl >= 0) for (let j = hp.length + tp.length; j < groups; j++) words.push(0);
  for (const g of tp) words.push(parseInt(g, 16));
  for (let j = 0; j < groups; j++) {
    const w = words[j];
    if (!(w >= 0 && w <= 0xffff)) return false;
    out.addr[2 * j] = w >> 8; out.addr[2 * j + 1] = w & 0xff;
  }
  if (v4tail) for (let j = 0; j < 4; j++) out.addr[12 + j] = v4tail[j];
  out.family = 6;
  return true;
}

/** Parses a dotted-quad IPv4 address into `out` (family 4) without allocating; false otherwise.
 *  The port is left as it is. */
export function parseIPv4(text: string, out: PeerAddress): boolean {
  let part = 0, value = 0, digits = 0;
  const n = text.length;
  for (let j = 0; j <= n; j++) {
    const c = j < n ? text.charCodeAt(j) : 46; // a final '.' closes the last part
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else if (c === 46) {
      if (digits === 0 || part > 3) return false;
      out.addr[part++] = value;
      value = 0; digits = 0;
    } else return false;
  }
  if (part !== 4) return false;
  for (let j = 4; j < 16; j++) out.addr[j] = 0;
  out.family = 4;
  return true;
}

/** The textual form of an address (for HALs and logs; allocates). */
export function formatAddress(p: PeerAddress): string {
  if (p.family === 4) return p.addr[0] + '.' + p.addr[1] + '.' + p.addr[2] + '.' + p.addr[3];
  const parts: string[] = [];
  for (let j = 0; j < 8; j++) parts.push(((p.addr[2 * j] << 8) | p.addr[2 * j + 1]).toString(16));
  // Compress the longest run of zeros (RFC 5952).
  let best = -1, bestLen = 0;
  for (let j = 0; j < 8;) {
    if (parts[j] !== '0') { j++; continue; }
    let k = j; while (k < 8 && parts[k] === '0') k++;
    if (k - j > bestLen && k - j > 1) { best = j; bestLen = k - j; }
    j = k;
  }
  if (best < 0) return parts.join(':');
  return parts.slice(0, best).join(':') + '::' + parts.slice(best + bestLen).join(':');
}
