// The Bootstrap Interface, client side (TS Core §5.2, §6.1): Bootstrap-Write, -Read, -Discover,
// -Delete and -Finish from the bootstrap server, applied to the staging table; smartcard
// provisioning. Client-initiated bootstrap, the flag and the timers live in client.ts.
//
// Every operation from the bootstrap server is "related to the bootstrap sequence": a first one
// that arrives while no bootstrap runs starts a server-initiated bootstrap (and sets the flag); one
// that arrives before the ACK of our Bootstrap-Request is accepted (UDP reordering).

import { Code } from '../coap/codes.js';
import { CoapMessage, MessageWriter, ascii } from '../coap/message.js';
import { Reply } from '../coap/endpoint.js';
import { Opt } from '../coap/option.js';
import { ContentFormat } from '../formats/content-format.js';
import { LinkWriter, ATTR_VER, ATTR_SSID, ATTR_URI, ATTR_LWM2M } from '../formats/link.js';
import { NONE } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { checkBootstrapConfig, ConfigDiag } from '../objects/consistency.js';
import { Ev } from './events.js';
import { parsePath, PathResult, pathIs } from './path.js';
import { decodeWrite, encodeRead, fail, failBody, requestBody, respondBody, versionBytes } from './dm.js';
import type { Lwm2mClient } from './client.js';

const BS = ascii('bs');
const link = new LinkWriter();
/** The last consistency problem (made at the first check: the Espruino builds load the consistency
 *  check, src/objects/consistency.ts, at Bootstrap-Finish only, not with the bootstrap's writes). */
let diag: ConfigDiag | null = null;
function theDiag(): ConfigDiag { return diag ?? (diag = new ConfigDiag()); }
const SERVER_MODE = 1; // BsMode.SERVER

export function handleBootstrap(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter): number {
  // Any request from the bootstrap server belongs to the bootstrap sequence.
  if (!c.bsFlag) { c.enterBootstrap(SERVER_MODE); c.bsState = 3; /* ACTIVE */ }
  else c.bsTimeoutAt = c.now + c.bootstrapTimeout; // re-armed by every bootstrap operation
  // The bootstrap server began during our hold-off (/0/x/11): the sequence is under way, so no
  // Bootstrap-Request follows when the hold-off ends.
  if (c.bsState === 1 /* HOLDOFF */) { c.bsState = 3; c.bsDeadline = Infinity; }
  if (req.code === Code.POST && pathIs(req, BS)) return finish(c, res);
  const path = c.path;
  const pr = parsePath(req, path);
  if (pr === PathResult.BAD) return fail(res, Code.BAD_REQUEST);
  if (pr === PathResult.NOT_NUMERIC) return fail(res, Code.NOT_FOUND);
  switch (req.code) {
    case Code.PUT: return bootstrapWrite(c, req, p, res);
    case Code.DELETE: return bootstrapDelete(c, res);
    case Code.GET:
      if (req.accept === ContentFormat.LINK_FORMAT) return bootstrapDiscover(c, res);
      return bootstrapRead(c, req, res);
    default:
      return fail(res, Code.METHOD_NOT_ALLOWED);
  }
}

/** Bootstrap-Write (TS Core §5.2.7.4): to an object, instance or resource, created when missing,
 *  whatever the access rights and whatever the resource's R/W operations. */
function bootstrapWrite(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter): number {
  const path = c.path;
  if (path.depth === 0) return fail(res, Code.BAD_REQUEST);
  if (!c.staging.hasObject(path.o)) return fail(res, Code.NOT_FOUND);
  if (req.contentFormat < 0) return fail(res, Code.BAD_REQUEST);
  const n = requestBody(c, req, p, res);
  if (n === 0 && req.block1 >= 0 && (req.block1 & 8)) return Reply.RESPOND; // 2.31 Continue
  if (n < 0) return failBody(c, res, n);
  const rc = decodeWrite(c, c.staging, req.contentFormat, c.bodyBuf, c.bodyOff, n, path.o, path.i, path.r, path.ri, true, true, -1);
  c.emit(Ev.BOOTSTRAP_WRITE, path.o, path.i);
  if (rc < 0) return fail(res, -rc);
  res.setCode(Code.CHANGED);
  if (req.block1 >= 0) res.optionUint(Opt.BLOCK1, req.block1);
  return Reply.RESPOND;
}

/** Bootstrap-Delete (TS Core §5.2.7.5): "/" or /o deletes every instance except the
 *  Bootstrap-Server Account. The Device object's single mandatory instance is kept on "/" (the
 *  spec leaves it open; Leshan's client refuses to delete the Device instance, and Anjay skips
 *  objects whose instances cannot be removed); ClientOptions.keepOnBootstrapDelete can list more
 *  device-owned objects. An explicit /o or /o/i still deletes. */
function bootstrapDelete(c: Lwm2mClient, res: MessageWriter): number {
  const path = c.path, t = c.staging;
  if (path.depth > 2) return fail(res, Code.BAD_REQUEST);
  const bsAccount = c.findBootstrapSecurity(t);
  c.emit(Ev.BOOTSTRAP_DELETE, path.o, path.i);
  if (path.depth === 2) {
    if (path.o === 0 && path.i === bsAccount) return fail(res, Code.BAD_REQUEST);
    if (!t.hasObject(path.o)) return fail(res, Code.NOT_FOUND);
    t.deleteInstance(path.o, path.i); // absent: still 2.02, the end state is what was asked
    res.setCode(Code.DELETED);
    return Reply.RESPOND;
  }
  if (path.depth === 1 && !t.hasObject(path.o)) return fail(res, Code.NOT_FOUND);
  deleteAll(c, t, path.depth === 1 ? path.o : NONE);
  res.setCode(Code.DELETED);
  return Reply.RESPOND;
}

/** Deletes every instance of object o (or, for o = -1, of every object the client does not keep
 *  on a Delete of "/"), except the Bootstrap-Server Account. */
function deleteAll(c: Lwm2mClient, t: ObjectTable, only: number): void {
  const bsAccount = c.findBootstrapSecurity(t);
  const defs = t.defs;
  for (let k = 0; k < defs.size; k++) {
    const o = defs.at(k).id;
    if (only >= 0 && o !== only) continue;
    if (only < 0 && c.keepsOnDelete(o)) continue;
    for (let i = t.firstInstance(o); i >= 0;) {
      const nx = t.nextInstance(o, i);
      if (!(o === 0 && i === bsAccount)) t.deleteInstance(o, i);
      i = nx;
    }
  }
}

/**
 * Bootstrap-Pack (TS Core 1.2 §5.2.7.7 / §6.1.5): the answer to our GET /bspack is the whole
 * configuration in one SenML payload. It is applied like Bootstrap-Delete "/" followed by
 * Bootstrap-Writes of every record, then checked as Bootstrap-Finish would be. Returns 0 with the
 * configuration in the staging table, or a negative code (nothing committed).
 */
export function applyPack(c: Lwm2mClient, buf: Uint8Array, off: number, len: number, cf: number): number {
  if (cf !== ContentFormat.SENML_CBOR && cf !== ContentFormat.SENML_JSON) return -Code.UNSUPPORTED_CONTENT_FORMAT;
  const t = c.staging;
  deleteAll(c, t, NONE);
  const rc = decodeWrite(c, t, cf, buf, off, len, NONE, NONE, NONE, NONE, true, true, -1);
  if (rc < 0) return rc;
  return checkConsistency(c, t, theDiag()) === 0 ? 0 : -Code.NOT_ACCEPTABLE;
}

/** Bootstrap-Read (TS Core 1.1 §5.2.7.2): the Server (1) and Access Control (2) objects only. */
function bootstrapRead(c: Lwm2mClient, req: CoapMessage, res: MessageWriter): number {
  const path = c.path;
  if (path.o !== 1 && path.o !== 2) return fail(res, Code.UNAUTHORIZED);
  c.emit(Ev.BOOTSTRAP_READ, path.o, path.i);
  const cf = req.accept >= 0 ? req.accept : ContentFormat.TLV;
  const n = encodeRead(c, c.staging, path.o, path.i, path.r, path.ri, cf, -2, c.scratch, 0, c.scratch.length);
  // As a Read (dm.ts): 4.13 over the encode scratch; Block2 for what is larger than a block.
  if (n < 0) return fail(res, -n);
  return respondBody(c, req, res, cf, n);
}

/** Bootstrap-Discover (TS Core 1.1 §5.2.7.3): objects with ver=, instances; Security instances with
 *  ssid= and uri=, Server instances with ssid=; "/" starts with lwm2m=<version>. */
function bootstrapDiscover(c: Lwm2mClient, res: MessageWriter): number {
  const path = c.path, t = c.staging;
  if (path.depth > 1) return fail(res, Code.BAD_REQUEST);
  if (path.depth === 1 && !t.hasObject(path.o)) return fail(res, Code.NOT_FOUND);
  c.emit(Ev.BOOTSTRAP_DISCOVER, path.o, 0);
  link.begin(c.scratch, 0, c.scratch.length);
  if (path.depth === 0) {
    link.link(NONE, NONE, NONE);
    link.attrStr(ATTR_LWM2M, c.version, 0, c.version.length);
  }
  const defs = t.defs;
  for (let k = 0; k < defs.size; k++) {
    const d = defs.at(k), o = d.id;
    if (path.depth === 1 && o !== path.o) continue;
    const first = t.firstInstance(o);
    if (first < 0 || d.version !== '1.0') {
      link.link(o, NONE, NONE);
      if (d.version !== '1.0') link.attrStr(ATTR_VER, versionBytes(d.version), 0, d.version.length);
    }
    for (let i = first; i >= 0; i = t.nextInstance(o, i)) {
      link.link(o, i, NONE);
      if (o === 0) {
        if (c.intRes(t, 0, i, 1, 0) !== 1) { const ssid = c.intRes(t, 0, i, 10, -1); if (ssid >= 0) link.attrUint(ATTR_SSID, ssid); }
        if (t.getValue(0, i, 0, NONE, c.rec2) === 0) link.attrQuoted(ATTR_URI, c.rec2.buf, c.rec2.off, c.rec2.len);
      } else if (o === 1) {
        const ssid = c.intRes(t, 1, i, 0, -1);
        if (ssid >= 0) link.attrUint(ATTR_SSID, ssid);
      }
    }
  }
  const n = link.end();
  if (n < 0) return fail(res, Code.INTERNAL_SERVER_ERROR);
  res.optionUint(Opt.CONTENT_FORMAT, ContentFormat.LINK_FORMAT);
  res.payload(c.scratch, 0, n);
  if (res.end() < 0) return fail(res, Code.INTERNAL_SERVER_ERROR);
  return Reply.RESPOND;
}

/** Bootstrap-Finish (TS Core §5.2.7.6): 2.04 only for a consistent configuration, which is then
 *  committed; otherwise 4.06 Not Acceptable with the problem as a text payload, nothing committed
 *  (the bootstrap server may correct it and finish again, or the inactivity timeout rolls back). */
function finish(c: Lwm2mClient, res: MessageWriter): number {
  const d = theDiag();
  const problem = checkConsistency(c, c.staging, d);
  if (problem !== 0) {
    res.setCode(Code.NOT_ACCEPTABLE);
    res.optionUint(Opt.CONTENT_FORMAT, ContentFormat.TEXT);
    const at = res.beginPayload();
    if (at >= 0) {
      const msg = d.message, room = res.room();
      let n = 0;
      for (; n < msg.length && n < room; n++) res.buf[at + n] = msg.charCodeAt(n) & 0x7f;
      res.payloadWritten(n);
    }
    c.emit(Ev.BOOTSTRAP_FAILED, 3, problem);
    return Reply.RESPOND;
  }
  // A configuration the store refuses would be lost at the next restart: the Finish is refused with
  // 5.00 (Ev.SAVE_FAILED), the staging stays, and the bootstrap server may finish again.
  res.setCode(c.finishBootstrap() ? Code.CHANGED : Code.INTERNAL_SERVER_ERROR);
  return Reply.RESPOND;
}

/** 0 when `t` holds a consistent configuration (objects/consistency.ts: at least one LwM2M server
 *  account, each with a coap:// or coaps:// URI and a security mode the client builds). Whether a
 *  URI's host resolves is not asked here: that is a registration's outcome (a name may resolve
 *  later, and `256.0.0.1` is a name), and an account that cannot register goes through the
 *  registration-failure procedure (/1/x/16…20), to a new bootstrap — as Anjay's client does. */
export function checkConsistency(c: Lwm2mClient, t: ObjectTable, d: ConfigDiag | null): number {
  void c;
  return checkBootstrapConfig(t, d ?? theDiag());
}

/**
 * Smartcard provisioning (TS Core §6.1.2.2): the blob replaces the Security, Server and Access
 * Control objects. Formats: SenML CBOR of "/" (starts with a CBOR array), or TLV in object blocks
 * (2-byte object id, 2-byte length, the object's TLV; repeated). Returns 0 with the configuration in
 * the staging table, or a negative code (nothing changed).
 */
export function applyProvisioning(c: Lwm2mClient, buf: Uint8Array, off: number, len: number): number {
  const t = c.staging;
  t.copyFrom(c.table);
  t.deleteObject(0); t.deleteObject(1);
  if (t.hasObject(2)) t.deleteObject(2);
  if (len < 1) return -Code.BAD_REQUEST;
  const first = buf[off];
  if (first >= 0x80 && first <= 0x9f) {
    const rc = decodeWrite(c, t, ContentFormat.SENML_CBOR, buf, off, len, NONE, NONE, NONE, NONE, true, true, -1);
    if (rc < 0) return rc;
  } else {
    let p = off;
    const end = off + len;
    while (p < end) {
      if (p + 4 > end) return -Code.BAD_REQUEST;
      const o = (buf[p] << 8) | buf[p + 1], n = (buf[p + 2] << 8) | buf[p + 3];
      p += 4;
      if (p + n > end) return -Code.BAD_REQUEST;
      if (!t.hasObject(o)) return -Code.NOT_FOUND;
      const rc = decodeWrite(c, t, ContentFormat.TLV, buf, p, n, o, NONE, NONE, NONE, true, true, -1);
      if (rc < 0) return rc;
      p += n;
    }
  }
  const problem = checkConsistency(c, t, theDiag());
  return problem === 0 ? 0 : -Code.NOT_ACCEPTABLE;
}

/** The last consistency problem's message (for logs and the CLI). */
export function lastProblem(): string { return diag === null ? '' : diag.message; }
