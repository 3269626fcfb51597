// LwM2M Security object (0): reading an instance's fields into a reused record, finding the
// bootstrap account and the account of a Short Server ID, and parsing the Server URI (/0/x/0)
// from bytes. Allocation-free.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES, NONE } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';

export const OBJ_SECURITY = 0;

/** Resource ids of object 0 (registry/0.xml). */
export const enum SecurityRes {
  Uri = 0, Bootstrap = 1, Mode = 2, Identity = 3, ServerPublicKey = 4, SecretKey = 5,
  ShortServerId = 10, ClientHoldOff = 11, BootstrapAccountTimeout = 12,
}

/** /0/x/2 Security Mode. */
export const enum SecurityMode { Psk = 0, Rpk = 1, Certificate = 2, NoSec = 3, CertificateEst = 4 }

/** One Security instance's fields. Byte fields are windows into the table's arena, valid until the
 *  table next changes. Absent optional resources read as 0 / empty. */
export class SecurityRecord {
  i = NONE;
  uriBuf: Uint8Array = EMPTY_BYTES; uriOff = 0; uriLen = 0;
  isBootstrap = false;
  mode: number = SecurityMode.NoSec;
  identityBuf: Uint8Array = EMPTY_BYTES; identityOff = 0; identityLen = 0;
  secretBuf: Uint8Array = EMPTY_BYTES; secretOff = 0; secretLen = 0;
  /** /0/x/10, 0 when absent (a bootstrap account has none). */
  ssid = 0;
  /** /0/x/11 seconds, 0 when absent. */
  clientHoldOff = 0;
  /** /0/x/12 seconds, 0 (no timeout) when absent. */
  bootstrapAccountTimeout = 0;
}

const scratch = new DataRecord();

function num(table: ObjectTable, i: number, r: number, dflt: number): number {
  return table.getValue(OBJ_SECURITY, i, r, NONE, scratch) === 0 ? scratch.num : dflt;
}

/** Fills `out` from /0/i. 0, or -4.04 when the instance does not exist. */
export function readSecurity(table: ObjectTable, i: number, out: SecurityRecord): number {
  if (!table.hasInstance(OBJ_SECURITY, i)) return -Code.NOT_FOUND;
  out.i = i;
  if (table.getValue(OBJ_SECURITY, i, SecurityRes.Uri, NONE, scratch) === 0) {
    out.uriBuf = scratch.buf; out.uriOff = scratch.off; out.uriLen = scratch.len;
  } else { out.uriBuf = EMPTY_BYTES; out.uriOff = 0; out.uriLen = 0; }
  out.isBootstrap = num(table, i, SecurityRes.Bootstrap, 0) !== 0;
  out.mode = num(table, i, SecurityRes.Mode, SecurityMode.NoSec);
  if (table.getValue(OBJ_SECURITY, i, SecurityRes.Identity, NONE, scratch) === 0) {
    out.identityBuf = scratch.buf; out.identityOff = scratch.off; out.identityLen = scratch.len;
  } else { out.identityBuf = EMPTY_BYTES; out.identityOff = 0; out.identityLen = 0; }
  if (table.getValue(OBJ_SECURITY, i, SecurityRes.SecretKey, NONE, scratch) === 0) {
    out.secretBuf = scratch.buf; out.secretOff = scratch.off; out.secretLen = scratch.len;
  } else { out.secretBuf = EMPTY_BYTES; out.secretOff = 0; out.secretLen = 0; }
  out.ssid = num(table, i, SecurityRes.ShortServerId, 0);
  out.clientHoldOff = num(table, i, SecurityRes.ClientHoldOff, 0);
  out.bootstrapAccountTimeout = num(table, i, SecurityRes.BootstrapAccountTimeout, 0);
  return 0;
}

export function isBootstrapInstance(table: ObjectTable, i: number): boolean {
  return num(table, i, SecurityRes.Bootstrap, 0) !== 0;
}

/** Lowest Security instance with /0/x/1 true, or -1. */
export function findBootstrapInstance(table: ObjectTable): number {
  for (let i = table.firstInstance(OBJ_SECURITY); i >= 0; i = table.nextInstance(OBJ_SECURITY, i)) {
    if (isBootstrapInstance(table, i)) return i;
  }
  return -1;
}

/** Lowest non-bootstrap Security instance with /0/x/10 = ssid, or -1. */
export function findSecurityForSsid(table: ObjectTable, ssid: number): number {
  for (let i = table.firstInstance(OBJ_SECURITY); i >= 0; i = table.nextInstance(OBJ_SECURITY, i)) {
    if (!isBootstrapInstance(table, i) && num(table, i, SecurityRes.ShortServerId, NONE) === ssid) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Server URI (RFC 7252 §6.1 coap-URI, §6.2 coaps-URI; RFC 3986 §3.2 authority).

export const enum UriScheme { Coap = 1, Coaps = 2 }
/** RFC 7252 §6.1: default port of coap, §6.2: of coaps. */
export const COAP_PORT = 5683;
export const COAPS_PORT = 5684;

export class UriRecord {
  scheme: UriScheme = UriScheme.Coap;
  /** Host window in the parsed buffer (for an IPv6 literal, without the brackets). */
  hostOff = 0;
  hostLen = 0;
  /** True for "[…]" (IP-literal). */
  ipv6 = false;
  port = COAP_PORT;
  /** Path (from "/") and query (from "?") window; zero length when none. */
  pathOff = 0;
  pathLen = 0;
}

function lower(c: number): number { return c >= 0x41 && c <= 0x5a ? c | 0x20 : c; }

/** "coap://" (7 bytes) or "coaps://" (8 bytes) at buf[off…]: the scheme's length, or 0. */
function schemeLength(buf: Uint8Array, off: number, len: number, out: UriRecord): number {
  // c o a p
  if (len < 7 || lower(buf[off]) !== 0x63 || lower(buf[off + 1]) !== 0x6f || lower(buf[off + 2]) !== 0x61 ||
      lower(buf[off + 3]) !== 0x70) return 0;
  let k = off + 4;
  out.scheme = UriScheme.Coap;
  if (lower(buf[k]) === 0x73) { out.scheme = UriScheme.Coaps; k++; }
  if (k + 3 > off + len || buf[k] !== 0x3a || buf[k + 1] !== 0x2f || buf[k + 2] !== 0x2f) return 0;
  return k + 3 - off;
}

function isRegNameByte(c: number): boolean {
  // RFC 3986 reg-name: unreserved / pct-encoded / sub-delims (no "@": CoAP URIs carry no userinfo).
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x25 ||
    c === 0x21 || c === 0x24 || c === 0x26 || c === 0x27 || c === 0x28 || c === 0x29 || c === 0x2a ||
    c === 0x2b || c === 0x2c || c === 0x3b || c === 0x3d;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Parses "coap://host[:port][/path][?query]" or "coaps://…" (host: name, IPv4, or [IPv6]).
 *  Fills `out` with windows into `buf` and returns 0, or -4.00 for anything else (other schemes,
 *  empty host, userinfo, fragment, bad port). */
export function parseUri(buf: Uint8Array, off: number, len: number, out: UriRecord): number {
  const BAD = -Code.BAD_REQUEST;
  if (off < 0 || len < 0 || off + len > buf.length) return BAD;
  const s = schemeLength(buf, off, len, out);
  if (s === 0) return BAD;
  const end = off + len;
  let k = off + s;
  out.ipv6 = false;
  if (k < end && buf[k] === 0x5b) { // "["
    const start = k + 1;
    k = start;
    while (k < end && buf[k] !== 0x5d) {
      const c = buf[k];
      if (!isHex(c) && c !== 0x3a && c !== 0x2e) return BAD; // IPv6address chars (no zone ids)
      k++;
    }
    if (k >= end || k === start) return BAD;
    out.hostOff = start; out.hostLen = k - start; out.ipv6 = true;
    k++; // "]"
  } else {
    const start = k;
    while (k < end && buf[k] !== 0x3a && buf[k] !== 0x2f && buf[k] !== 0x3f) {
      if (!isRegNameByte(buf[k])) return BAD;
      k++;
    }
    if (k === start) return BAD;
    out.hostOff = start; out.hostLen = k - start;
  }
  out.port = out.scheme === UriScheme.Coaps ? COAPS_PORT : COAP_PORT;
  if (k < end && buf[k] === 0x3a) { // ":" port
    k++;
    const start = k;
    let port = 0;
    while (k < end && buf[k] >= 0x30 && buf[k] <= 0x39) {
      port = port * 10 + (buf[k] - 0x30);
      if (port > 65535) return BAD;
      k++;
    }
    if (k > start) {
      if (port === 0) return BAD;
      out.port = port;
    }
  }
  if (k < end && buf[k] !== 0x2f && buf[k] !== 0x3f) return BAD;
  out.pathOff = k; out.pathLen = end - k;
  for (let q = k; q < end; q++) {
    const c = buf[q];
    if (c === 0x23 || c <= 0x20 || c >= 0x7f) return BAD; // RFC 7252 §6: no fragment; no spaces/controls
  }
  return 0;
}

/** The ConfigProblem numbers (objects/consistency.ts) of a scheme that contradicts the mode: here,
 *  so that the client reads them without loading the Bootstrap-Finish check (released after a
 *  bootstrap on Espruino). */
export const SCHEME_MODE_COAP = 15, SCHEME_MODE_COAPS = 16;

/** Whether a Security instance's URI scheme agrees with its Security Mode (/0/x/2): coap:// goes
 *  in clear, so only with mode 3 NoSec; coaps:// is DTLS, so never with NoSec. 0, or the
 *  objects/consistency.ts ConfigProblem (CoapWithSecurity 15, CoapsWithNoSec 16). A contradiction
 *  is an inconsistent configuration (TS Core §6.1.7: Bootstrap-Finish answers 4.06), never read as
 *  "the scheme wins": an account that names a key is never used in clear (Anjay's client refuses
 *  the same pair). */
export function schemeModeProblem(scheme: number, mode: number): number {
  if (scheme === UriScheme.Coap && mode !== SecurityMode.NoSec) return SCHEME_MODE_COAP;
  if (scheme === UriScheme.Coaps && mode === SecurityMode.NoSec) return SCHEME_MODE_COAPS;
  return 0;
}
