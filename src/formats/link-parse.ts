// CoRE Link Format parser (RFC 6690 §2) for the host tools (the LwM2M server reading Register /
// Update payloads, tests reading Discover responses). It allocates freely: it is not used by the
// client core. Malformed input throws LinkParseError with the offset.
//
//   Link-value = "<" URI-Reference ">" *( ";" link-param ),  separated by ","
//   link-param = parmname [ "=" ( ptoken / quoted-string ) ]
// A link may not repeat an attribute (LwM2M TS Core §6.2: e.g. rt twice → 4.00). Leading and
// trailing white space of the payload is ignored.

export interface LinkAttr {
  name: string;
  /** null for an attribute without value (`;obs`). */
  value: string | null;
  /** The value was a quoted-string. */
  quoted: boolean;
}

export interface Link {
  /** The URI between < and >, e.g. "/3/0". */
  path: string;
  /** The LwM2M path as numbers ([] for "/"), or null when it is not one. */
  ids: number[] | null;
  attrs: LinkAttr[];
}

export class LinkParseError extends Error {
  constructor(msg: string, readonly offset: number) { super(msg + ' at offset ' + offset); }
}

function isAlpha(c: number): boolean { return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a); }
function isDigit(c: number): boolean { return c >= 0x30 && c <= 0x39; }
/** RFC 6690 parmname characters after the first (RFC 5988 plus '*' for extended names). */
function isParmChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || '!#$&+-.^_`|~*'.indexOf(String.fromCharCode(c)) >= 0;
}
/** RFC 6690 ptokenchar. */
function isPtokenChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || "!#$%&'()*+-./:<=>?@[]^_`{|}~".indexOf(String.fromCharCode(c)) >= 0;
}

/** "/3/0/1" → [3, 0, 1]; "/" → []; null when not a LwM2M path. */
export function lwm2mIds(path: string): number[] | null {
  if (path === '/') return [];
  if (!/^(\/(0|[1-9][0-9]{0,4})){1,4}$/.test(path)) return null;
  const ids = path.slice(1).split('/').map(Number);
  return ids.every((v) => v <= 65535) ? ids : null;
}

/** UTF-8 bytes to a string (no platform decoder needed). */
function utf8(b: Uint8Array): string {
  let s = '';
  for (let k = 0; k < b.length;) {
    const c = b[k];
    let cp: number;
    if (c < 0x80) { cp = c; k += 1; }
    else if (c >= 0xc0 && c < 0xe0 && k + 1 < b.length) { cp = (c & 31) << 6 | (b[k + 1] & 63); k += 2; }
    else if (c >= 0xe0 && c < 0xf0 && k + 2 < b.length) { cp = (c & 15) << 12 | (b[k + 1] & 63) << 6 | (b[k + 2] & 63); k += 3; }
    else if (c >= 0xf0 && k + 3 < b.length) { cp = (c & 7) << 18 | (b[k + 1] & 63) << 12 | (b[k + 2] & 63) << 6 | (b[k + 3] & 63); k += 4; }
    else { cp = 0xfffd; k += 1; }
    s += String.fromCodePoint(cp);
  }
  return s;
}

export function parseLinks(text: string | Uint8Array): Link[] {
  const s = typeof text === 'string' ? text : utf8(text);
  const links: Link[] = [];
  let p = 0;
  const n = s.length;
  const ws = (): void => { while (p < n && (s[p] === ' ' || s[p] === '\t' || s[p] === '\r' || s[p] === '\n')) p++; };
  ws();
  if (p === n) return links;
  for (;;) {
    if (s[p] !== '<') throw new LinkParseError("expected '<'", p);
    const close = s.indexOf('>', p + 1);
    if (close < 0) throw new LinkParseError("missing '>'", p);
    const path = s.slice(p + 1, close);
    if (/[\s<>"]/.test(path)) throw new LinkParseError('bad URI', p + 1);
    p = close + 1;
    const attrs: LinkAttr[] = [];
    while (p < n && s[p] === ';') {
      p++;
      const ns = p;
      if (p >= n || !isAlpha(s.charCodeAt(p))) throw new LinkParseError('bad attribute name', p);
      while (p < n && isParmChar(s.charCodeAt(p))) p++;
      const name = s.slice(ns, p);
      if (attrs.some((a) => a.name === name)) throw new LinkParseError('attribute "' + name + '" repeated', ns);
      if (p < n && s[p] === '=') {
        p++;
        if (p < n && s[p] === '"') {
          p++;
          let v = '';
          for (;;) {
            if (p >= n) throw new LinkParseError('unterminated quoted-string', p);
            const c = s[p];
            if (c === '"') { p++; break; }
            if (c === '\\') { if (p + 1 >= n) throw new LinkParseError('bad escape', p); v += s[p + 1]; p += 2; continue; }
            v += c; p++;
          }
          attrs.push({ name, value: v, quoted: true });
        } else {
          const vs = p;
          while (p < n && isPtokenChar(s.charCodeAt(p))) p++;
          if (p === vs) throw new LinkParseError('empty attribute value', p);
          attrs.push({ name, value: s.slice(vs, p), quoted: false });
        }
      } else {
        attrs.push({ name, value: null, quoted: false });
      }
    }
    links.push({ path, ids: lwm2mIds(path), attrs });
    ws();
    if (p === n) return links;
    if (s[p] !== ',') throw new LinkParseError("expected ',' or ';'", p);
    p++;
    ws();
  }
}
