// CoRE Link Format writer (RFC 6690 §2) for Register/Update payloads (LwM2M TS Transport §6.2)
// and Discover / Bootstrap-Discover responses: `</o/i/r>;attr=value,…` into a caller buffer,
// allocation-free. Attribute names are preallocated byte constants (below); values are unsigned
// integers, doubles (gt/lt/st, shortest round-trip form), raw tokens or quoted strings.
import { EMPTY_BYTES } from '../model/record.js';
import { Code } from '../coap/codes.js';
import { writeDouble, writeInt } from './numfmt.js';

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}

/** Attribute names (LwM2M TS Core §5.1.2, §6.3, §5.2.7.3 and RFC 6690 §3). */
export const ATTR_VER = ascii('ver');
export const ATTR_SSID = ascii('ssid');
export const ATTR_URI = ascii('uri');
export const ATTR_LWM2M = ascii('lwm2m');
export const ATTR_RT = ascii('rt');
export const ATTR_CT = ascii('ct');
export const ATTR_DIM = ascii('dim');
export const ATTR_PMIN = ascii('pmin');
export const ATTR_PMAX = ascii('pmax');
export const ATTR_GT = ascii('gt');
export const ATTR_LT = ascii('lt');
export const ATTR_ST = ascii('st');
export const ATTR_EPMIN = ascii('epmin');
export const ATTR_EPMAX = ascii('epmax');
/** Common values. */
export const VAL_OMA_LWM2M = ascii('oma.lwm2m');

export class LinkWriter {
  private out: Uint8Array = EMPTY_BYTES;
  private start = 0;
  private pos = 0;
  private end_ = 0;
  private links = 0;
  private overflow = false;

  begin(out: Uint8Array, at: number, cap: number): void {
    this.out = out; this.start = at; this.pos = at; this.end_ = at + cap;
    this.links = 0; this.overflow = false;
  }

  private byte(c: number): void {
    if (this.overflow || this.pos >= this.end_) { this.overflow = true; return; }
    this.out[this.pos++] = c;
  }

  private bytes(src: Uint8Array, off: number, len: number): void {
    if (this.overflow || this.pos + len > this.end_) { this.overflow = true; return; }
    for (let k = 0; k < len; k++) this.out[this.pos + k] = src[off + k];
    this.pos += len;
  }

  private uint(v: number): void {
    if (this.overflow) return;
    const n = writeInt(this.out, this.pos, this.end_ - this.pos, v);
    if (n < 0) this.overflow = true; else this.pos += n;
  }

  /** Starts a link `</o/i/r>` (components < 0 are absent; all absent: `</>`), comma-separated. */
  link(o: number, i: number, r: number): void {
    if (this.links++ > 0) this.byte(0x2c);
    this.byte(0x3c);
    if (o < 0) this.byte(0x2f);
    else {
      this.byte(0x2f); this.uint(o);
      if (i >= 0) {
        this.byte(0x2f); this.uint(i);
        if (r >= 0) { this.byte(0x2f); this.uint(r); }
      }
    }
    this.byte(0x3e);
  }

  /** Like link() with a resource instance: `</o/i/r/ri>`. */
  link4(o: number, i: number, r: number, ri: number): void {
    this.link(o, i, r);
    if (ri >= 0 && !this.overflow) {
      this.pos--; // before '>'
      this.byte(0x2f); this.uint(ri); this.byte(0x3e);
    }
  }

  private name(name: Uint8Array): void {
    this.byte(0x3b);
    this.bytes(name, 0, name.length);
  }

  /** `;name=v` for an integer. */
  attrUint(name: Uint8Array, v: number): void {
    this.name(name); this.byte(0x3d); this.uint(v);
  }

  /** `;name=v` for a double (gt/lt/st), shortest round-trip form. */
  attrFloat(name: Uint8Array, v: number): void {
    this.name(name); this.byte(0x3d);
    if (this.overflow) return;
    const n = writeDouble(this.out, this.pos, this.end_ - this.pos, v);
    if (n < 0) this.overflow = true; else this.pos += n;
  }

  /** `;name=bytes` (a token, e.g. ver=1.1). */
  attrStr(name: Uint8Array, src: Uint8Array, off: number, len: number): void {
    this.name(name); this.byte(0x3d); this.bytes(src, off, len);
  }

  /** `;name="bytes"`; '"' and '\\' inside are escaped (RFC 6690 quoted-string). */
  attrQuoted(name: Uint8Array, src: Uint8Array, off: number, len: number): void {
    this.name(name); this.byte(0x3d); this.byte(0x22);
    for (let k = 0; k < len; k++) {
      const c = src[off + k];
      if (c === 0x22 || c === 0x5c) this.byte(0x5c);
      this.byte(c);
    }
    this.byte(0x22);
  }

  /** `;name` (an attribute without value). */
  attrFlag(name: Uint8Array): void { this.name(name); }

  /** The payload length, or -Code.REQUEST_ENTITY_TOO_LARGE when it did not fit. */
  end(): number {
    return this.overflow ? -Code.REQUEST_ENTITY_TOO_LARGE : this.pos - this.start;
  }
}
