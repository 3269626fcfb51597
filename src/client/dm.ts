// Device Management & Service Enablement (TS Core §5.4, §6.3) and Information Reporting (§5.5,
// §6.4): Read, Write (replace and partial update), Write-Attributes, Execute, Create, Delete,
// Discover, Read-Composite, Write-Composite, Observe, Observe-Composite, Cancel, Notify, Send.
// Every function works on the client's preallocated scratch; nothing allocates.

import { Code } from '../coap/codes.js';
import { CoapMessage, MessageWriter, MsgType } from '../coap/message.js';
import { Reply } from '../coap/endpoint.js';
import { Opt } from '../coap/option.js';
import { ContentFormat } from '../formats/content-format.js';
import { encoderFor, decoderFor } from '../formats/registry.js';
import { coerceRecord } from '../formats/coerce.js';
import { LinkWriter, ATTR_VER, ATTR_DIM, ATTR_PMIN, ATTR_PMAX, ATTR_GT, ATTR_LT, ATTR_ST, ATTR_EPMIN, ATTR_EPMAX } from '../formats/link.js';
import { readDecimal } from '../formats/numfmt.js';
import { Op, findResource, type ObjectDef, type ResourceDef } from '../model/defs.js';
import { AccessOp, checkAccess, accessControlActive, createAclFor, deleteAclFor } from '../model/access.js';
import { DataRecord, NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { Ev } from './events.js';
import { parsePath, PathResult } from './path.js';
import { Attr, COMPOSITE_PATHS, CON_EVERY, Cond, Ob, ObT, numericConditionMet } from './observe.js';
import type { Lwm2mClient } from './client.js';
import { storesFor, storeNotification } from './queue.js';

const TAG_NOTIFY = 5, TAG_SEND = 6;
const DP = Uint8Array.of(100, 112); // "dp"
const ATTR_NAMES: readonly Uint8Array[] = [ATTR_PMIN, ATTR_PMAX, ATTR_GT, ATTR_LT, ATTR_ST, ATTR_EPMIN, ATTR_EPMAX];
// No module-level typed array here is written at run time: on the device this module is preloaded
// into flash, where integer-indexed assignment to a TypedArray throws. The request scratch lives in
// the client's tables (c.attrs row `scratch`, c.obs path row `scratch`). The LinkWriter keeps only
// plain properties (XS copies a preloaded ordinary object into RAM when it is first written).
const link = new LinkWriter();

function isNumericType(t: number): boolean {
  return t === ValueType.Integer || t === ValueType.UnsignedInteger || t === ValueType.Float || t === ValueType.Time;
}

/** Ssid of server index s, 0 for an unknown peer. */
function deny(c: Lwm2mClient, s: number, op: number, o: number, i: number): boolean {
  if (o === 0 || o === 21) return true; // Security and OSCORE: never for an LwM2M server (TS Core §7.1)
  if (!accessControlActive(c.table)) return false;
  if (s < 0) return true; // an unknown peer in a multi-server setup
  return !checkAccess(c.table, c.serverSsid(s), op as AccessOp, o, i);
}

/** Answers with `code` (no payload). */
export function fail(res: MessageWriter, code: number): number {
  res.setCode(code);
  return Reply.RESPOND;
}

/** Answers a request whose body could not be taken (requestBody's negative code n): a 4.13 carries
 *  Size1, the largest body this client takes (RFC 7959 §2.9.3), so the peer knows not to retry. */
export function failBody(c: Lwm2mClient, res: MessageWriter, n: number): number {
  res.setCode(-n);
  if (n === -Code.REQUEST_ENTITY_TOO_LARGE) res.optionUint(Opt.SIZE1, c.block1.length);
  return Reply.RESPOND;
}

/**
 * RFC 7252 §5.4.1: a critical option the client does not implement for the request's method is an
 * unrecognised one — a CON gets 4.02, a NON nothing. If-Match and If-None-Match (§5.10.8.1-2) are
 * defined for requests that change a resource, and this client makes none conditional: it must not
 * act on one as if it were unconditional (a GET with If-None-Match got 2.05, a conditional PUT was
 * applied). True when the request carries one.
 */
export function criticalNotForMethod(req: CoapMessage): boolean {
  for (let k = 0; k < req.optCount; k++) {
    const n = req.optNum[k];
    if (n === Opt.IF_MATCH || n === Opt.IF_NONE_MATCH) return true;
  }
  return false;
}

export function handleDm(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter, s: number): number {
  const path = c.path;
  const pr = parsePath(req, path);
  let rc: number = Reply.RESPOND;
  if (pr === PathResult.BAD) rc = fail(res, Code.BAD_REQUEST);
  else if (pr === PathResult.NOT_NUMERIC) rc = fail(res, Code.NOT_FOUND);
  else rc = dispatch(c, req, p, res, s);
  c.emit(Ev.REQUEST, req.code * 65536 + (res.buf[res.start + 1]), c.serverSsid(s));
  return rc;
}

function dispatch(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter, s: number): number {
  const path = c.path, d = path.depth;
  switch (req.code) {
    case Code.GET:
      if (d === 0) return fail(res, Code.METHOD_NOT_ALLOWED);
      if (req.accept === ContentFormat.LINK_FORMAT) return discover(c, req, res, s);
      if (req.observe === 0) return observe(c, req, p, res, s, false);
      if (req.observe === 1) cancelObservation(c, req, p, s);
      return read(c, req, res, s);
    case Code.PUT:
      if (d === 0 || d === 1) return fail(res, Code.METHOD_NOT_ALLOWED);
      if (req.payloadLen === 0 && req.contentFormat < 0) return writeAttributes(c, req, res, s);
      return write(c, req, p, res, s, true);
    case Code.POST:
      if (d === 1) return create(c, req, p, res, s);
      if (d === 2) return write(c, req, p, res, s, false);
      if (d === 3) return execute(c, req, res, s);
      return fail(res, Code.METHOD_NOT_ALLOWED);
    case Code.DELETE:
      if (d !== 2) return fail(res, Code.METHOD_NOT_ALLOWED);
      return deleteInstance(c, res, s);
    case Code.FETCH:
      if (req.observe === 0) return observe(c, req, p, res, s, true);
      if (req.observe === 1) cancelObservation(c, req, p, s);
      return readComposite(c, req, res, s);
    case Code.IPATCH:
      return writeComposite(c, req, res, s);
    default:
      return fail(res, Code.METHOD_NOT_ALLOWED);
  }
}

// ---------------------------------------------------------------------------------- Read

/** 0 when /o/i/r/ri exists and is readable, else a negative code. */
function checkReadable(t: ObjectTable, o: number, i: number, r: number, ri: number): number {
  const def = t.defs.get(o); // one registry search for the object and the resource
  if (def === null) return -Code.NOT_FOUND;
  if (i >= 0 && !t.hasInstance(o, i)) return -Code.NOT_FOUND;
  if (r >= 0) {
    const rd = findResource(def, r);
    if (rd === null) return -Code.NOT_FOUND;
    if ((rd.ops & Op.R) === 0) return -Code.METHOD_NOT_ALLOWED;
    if (ri >= 0 && !rd.multiple) return -Code.NOT_FOUND;
  }
  return 0;
}

/** The format when the request has no Accept: text/plain (opaque for Opaque) for one value of a
 *  single resource, TLV otherwise — what Leshan and Anjay's clients answer for LwM2M 1.0/1.1. */
function defaultFormat(t: ObjectTable, o: number, r: number, ri: number): number {
  if (r < 0) return ContentFormat.TLV;
  const rd = t.resourceDef(o, r);
  if (rd === null || (rd.multiple && ri < 0)) return ContentFormat.TLV;
  return rd.type === ValueType.Opaque ? ContentFormat.OPAQUE : ContentFormat.TEXT;
}

/**
 * Encodes the values under /o/i/r/ri in format cf into out[at…at+cap) — readable resources only,
 * and with access control, only instances server s may read. Returns the length or a negative code.
 */
export function encodeRead(c: Lwm2mClient, t: ObjectTable, o: number, i: number, r: number, ri: number, cf: number,
                           s: number, out: Uint8Array, at: number, cap: number): number {
  const chk = checkReadable(t, o, i, r, ri);
  if (chk < 0) return chk;
  const enc = encoderFor(cf);
  if (enc === null || cf === ContentFormat.LINK_FORMAT) return -Code.NOT_ACCEPTABLE;
  enc.begin(out, at, cap, o, i, r, ri);
  const rec = c.rec, cur = c.cursor;
  cur.begin(t, o, i, r, ri);
  // Every value the cursor yields is of object o: its definition is looked up once, and a resource's
  // only when the resource changes (XS pays for each lookup: this loop runs per value).
  const def = cur.objectDef as ObjectDef;
  let n = 0, lastR = -1;
  let rd: ResourceDef | null = null;
  for (;;) {
    const k = cur.next(rec);
    if (k === 0) break;
    if (k < 0) return k;
    if (rec.r !== lastR) { lastR = rec.r; rd = findResource(def, lastR); }
    if (rd === null || (rd.ops & Op.R) === 0) continue;
    if (s >= -1 && i < 0 && deny(c, s, AccessOp.Read, rec.o, rec.i)) continue;
    const e = enc.add(rec);
    if (e < 0) return e;
    n++;
  }
  if (n === 0 && r >= 0) return -Code.NOT_FOUND; // a resource with no value
  return enc.end();
}

/** Writes Content-Format and the payload in c.scratch[0…len) — whole, or the Block2 block the
 *  request asked for (RFC 7959 §2.2) when it is larger than the block size. */
export function respondBody(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, cf: number, len: number): number {
  res.optionUint(Opt.CONTENT_FORMAT, cf);
  let size = c.config.blockSize;
  let num = 0;
  if (req.block2 >= 0) {
    const szx = req.block2 & 7;
    if (szx === 7) return fail(res, Code.BAD_OPTION); // reserved (RFC 7959 §2.2)
    const want = 16 << szx;
    num = req.block2 >> 4;
    if (want < size) { size = want; }
    else num = Math.floor(num * want / size); // we use a smaller block: same byte offset
  } else if (len <= size || len + 16 <= res.room() && len <= c.config.maxDatagram - 128) {
    res.payload(c.scratch, 0, len);
    return Reply.RESPOND;
  }
  const off = num * size;
  if (off >= len && !(off === 0 && len === 0)) return fail(res, Code.BAD_OPTION);
  const more = off + size < len ? 1 : 0;
  let szx = 0;
  while ((16 << szx) < size) szx++;
  res.optionUint(Opt.BLOCK2, num * 16 + more * 8 + szx);
  if (num === 0) res.optionUint(Opt.SIZE2, len);
  res.payload(c.scratch, off, Math.min(size, len - off));
  return Reply.RESPOND;
}

function read(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, s: number): number {
  const path = c.path;
  if (deny(c, s, AccessOp.Read, path.o, path.i)) return fail(res, Code.UNAUTHORIZED);
  const cf = req.accept >= 0 ? req.accept : defaultFormat(c.table, path.o, path.r, path.ri);
  const n = encodeRead(c, c.table, path.o, path.i, path.r, path.ri, cf, s, c.scratch, 0, c.scratch.length);
  // Larger than the encode scratch (config.maxPayload), so not even Block2 can serve it: 4.13, as
  // the issue asks of a valid request (never a bare 5.00; Block2 serves whatever fits the scratch).
  if (n < 0) return fail(res, -n);
  return respondBody(c, req, res, cf, n);
}

// ---------------------------------------------------------------------------------- Write

/** Block1 (RFC 7959 §2.5): collects the body. Returns the body length when complete (in
 *  c.block1 — or, without Block1, the request's own payload: then `c.bodyBuf` is req.buf), 0 when
 *  a 2.31 Continue was written, or a negative code. */
export function requestBody(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter): number {
  if (req.block1 < 0) { c.bodyBuf = req.buf; c.bodyOff = req.payloadOff; return req.payloadLen; }
  const num = req.block1 >> 4, more = (req.block1 >> 3) & 1, szx = req.block1 & 7;
  if (szx === 7) return -Code.BAD_REQUEST;
  const size = 16 << szx;
  if (num === 0) { c.block1Len = 0; c.block1Peer = p; }
  // A transfer announced (Size1, RFC 7959 §4) larger than the reassembly buffer is refused at once,
  // at whichever block says so, not after its blocks have filled the buffer.
  if (req.size1 > c.block1.length) { if (c.block1Peer === p) c.block1Peer = -1; return -Code.REQUEST_ENTITY_TOO_LARGE; }
  if (c.block1Peer !== p || num * size !== c.block1Len) return -Code.REQUEST_ENTITY_INCOMPLETE;
  if (c.block1Len + req.payloadLen > c.block1.length) { c.block1Peer = -1; return -Code.REQUEST_ENTITY_TOO_LARGE; }
  for (let j = 0; j < req.payloadLen; j++) c.block1[c.block1Len + j] = req.buf[req.payloadOff + j];
  c.block1Len += req.payloadLen;
  if (more) {
    res.setCode(Code.CONTINUE);
    res.optionUint(Opt.BLOCK1, req.block1);
    return 0;
  }
  c.block1Peer = -1;
  c.bodyBuf = c.block1; c.bodyOff = 0;
  return c.block1Len;
}

/**
 * Decodes body[off…off+len) in format cf for the target /o/i/r/ri and writes it into table t.
 * Validates every record first (paths under the target, resources defined, writable unless
 * `bootstrap`, types coercible), then applies — so a bad request changes nothing.
 * `replace`: PUT semantics (a multiple resource's instances are replaced). `bootstrap`: ignores
 * the R/W operations and creates missing instances (TS Core §5.2.7.4). Returns 0 or a negative code.
 */
export function decodeWrite(c: Lwm2mClient, t: ObjectTable, cf: number, body: Uint8Array, off: number, len: number,
                            o: number, i: number, r: number, ri: number, replace: boolean, bootstrap: boolean, s: number,
                            creating = false): number {
  const dec = decoderFor(cf);
  if (dec === null || cf === ContentFormat.LINK_FORMAT) return -Code.UNSUPPORTED_CONTENT_FORMAT;
  const rec = c.rec;
  const depth = o < 0 ? 0 : i < 0 ? 1 : r < 0 ? 2 : ri < 0 ? 3 : 4;
  for (let pass = 0; pass < 2; pass++) {
    let rc = dec.begin(body, off, len, o, i, r, ri);
    if (rc < 0) return rc;
    let lastO = -1, lastI = -1, lastR = -1, count = 0;
    for (;;) {
      rc = dec.next(rec);
      if (rc === 0) break;
      if (rc < 0) return rc;
      count++;
      if (rec.o < 0 || rec.i < 0 || rec.r < 0) return -Code.BAD_REQUEST;
      if ((depth >= 1 && rec.o !== o) || (depth >= 2 && rec.i !== i) || (depth >= 3 && rec.r !== r) || (depth >= 4 && rec.ri !== ri)) return -Code.BAD_REQUEST;
      if (!t.hasObject(rec.o)) return -Code.NOT_FOUND;
      const rd = t.resourceDef(rec.o, rec.r);
      if (rd === null) {
        if (bootstrap) continue; // a resource this client does not implement: ignored (Leshan's client does the same)
        return -Code.NOT_FOUND;
      }
      // Create sets the initial values of any resource, read-only ones too (as Leshan's client does).
      if (!bootstrap && !creating && (rd.ops & Op.W) === 0) return -Code.METHOD_NOT_ALLOWED;
      if (rd.type === ValueType.None) return -Code.METHOD_NOT_ALLOWED;
      if (!rd.multiple === (rec.ri >= 0)) { // (truthiness: the Espruino build drops `multiple: false`)
        if (rec.ri >= 0 || !rd.multiple) return -Code.BAD_REQUEST;
        continue; // an empty multiple resource (a SenML record with no value)
      }
      if (rec.type !== rd.type) {
        const e = coerceRecord(rec, rd.type);
        if (e < 0) return -Code.BAD_REQUEST;
      }
      // Outside the resource's range (the DDF's, or host/gen-objects.ts RANGE_SUPPLEMENT): 4.00,
      // and nothing of the request is applied (e.g. a negative or 2^32 s Lifetime never reaches a
      // Register). A bootstrap server's writes are checked only in the Server object: elsewhere
      // they stay as lenient as before (bootstrap servers write e.g. /0/x/10 = 0 for their own
      // account, outside 1…65534).
      const lo = rd.rangeMin;
      if (lo !== undefined && (!bootstrap || rec.o === 1) && isNumericType(rd.type) && !(rec.num >= lo && rec.num <= (rd.rangeMax as number))) return -Code.BAD_REQUEST;
      if (pass === 0) {
        if (!bootstrap && !t.hasInstance(rec.o, rec.i)) return -Code.NOT_FOUND;
        continue;
      }
      // Apply.
      if (!t.hasInstance(rec.o, rec.i)) {
        const e = t.createInstance(rec.o, rec.i);
        if (e < 0) return e;
      }
      if (rd.multiple && (replace || bootstrap) && (rec.o !== lastO || rec.i !== lastI || rec.r !== lastR)) {
        t.deleteValues(rec.o, rec.i, rec.r);
      }
      lastO = rec.o; lastI = rec.i; lastR = rec.r;
      const e = bootstrap ? t.setValue(rec) : t.write(rec);
      if (e < 0) return e;
    }
    if (pass === 0 && count === 0 && depth >= 3 && !bootstrap) return -Code.BAD_REQUEST;
    if (pass === 1 && count === 0 && bootstrap && depth === 2 && !t.hasInstance(o, i)) {
      const e = t.createInstance(o, i); // an empty instance
      if (e < 0) return e;
    }
  }
  void s;
  return 0;
}

function write(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter, s: number, replace: boolean): number {
  const path = c.path;
  if (deny(c, s, AccessOp.Write, path.o, path.i)) return fail(res, Code.UNAUTHORIZED);
  if (!c.table.hasObject(path.o) || !c.table.hasInstance(path.o, path.i)) return fail(res, Code.NOT_FOUND);
  if (path.r >= 0) {
    const rd = c.table.resourceDef(path.o, path.r);
    if (rd === null) return fail(res, Code.NOT_FOUND);
    if ((rd.ops & Op.W) === 0) return fail(res, Code.METHOD_NOT_ALLOWED);
    // Firmware Update's Package: streamed block by block into the HAL's store (src/client/firmware.ts).
    if (path.o === 5 && path.r === 0 && c.firmware !== undefined) return c.firmware.writePackage(req, p, res);
  }
  if (req.contentFormat < 0) return fail(res, Code.BAD_REQUEST);
  const n = requestBody(c, req, p, res);
  if (n === 0 && req.block1 >= 0) return Reply.RESPOND; // 2.31 Continue
  if (n < 0) return failBody(c, res, n);
  const rc = decodeWrite(c, c.table, req.contentFormat, c.bodyBuf, c.bodyOff, n, path.o, path.i, path.r, path.ri, replace, false, s);
  if (rc < 0) return fail(res, -rc);
  if (path.o <= 2 && !c.persist(0)) return fail(res, Code.INTERNAL_SERVER_ERROR); // not durable: not a success
  res.setCode(Code.CHANGED);
  if (req.block1 >= 0) res.optionUint(Opt.BLOCK1, req.block1);
  return Reply.RESPOND;
}

// ---------------------------------------------------------------------------------- Create, Delete, Execute

function create(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter, s: number): number {
  const o = c.path.o, t = c.table;
  // Server accounts are the bootstrap server's to create (TS Core §6.1): a Server instance made by an
  // LwM2M server would have no Security instance — an inconsistent stored configuration.
  if (o === 1) return fail(res, Code.UNAUTHORIZED);
  if (deny(c, s, AccessOp.Create, o, NONE)) return fail(res, Code.UNAUTHORIZED);
  const def = t.objectDef(o);
  if (def === null) return fail(res, Code.NOT_FOUND);
  if (!def.multiple && t.instanceCount(o) > 0) return fail(res, Code.BAD_REQUEST);
  if (req.contentFormat < 0 && req.payloadLen > 0) return fail(res, Code.BAD_REQUEST);
  const n = requestBody(c, req, p, res);
  if (n === 0 && req.block1 >= 0 && (req.block1 & 8)) return Reply.RESPOND;
  if (n < 0) return failBody(c, res, n);
  // The new instance id: from the payload (a TLV Object Instance or SenML names), else the lowest free.
  let id = -1;
  if (n > 0) {
    const dec = decoderFor(req.contentFormat);
    if (dec === null) return fail(res, Code.UNSUPPORTED_CONTENT_FORMAT);
    if (dec.begin(c.bodyBuf, c.bodyOff, n, o, NONE, NONE, NONE) === 0 && dec.next(c.rec) === 1 && c.rec.i >= 0) id = c.rec.i;
  }
  if (id < 0) id = t.freeInstanceId(o);
  if (id < 0) return fail(res, Code.INTERNAL_SERVER_ERROR);
  if (t.hasInstance(o, id)) return fail(res, Code.BAD_REQUEST);
  const e = t.createInstance(o, id);
  if (e < 0) return fail(res, -e);
  if (n > 0) {
    const rc = decodeWrite(c, t, req.contentFormat, c.bodyBuf, c.bodyOff, n, o, id, NONE, NONE, true, false, s, true);
    if (rc < 0) { t.deleteInstance(o, id); return fail(res, -rc); }
  }
  // Every mandatory resource must have a value, read-only ones included: TS Core 1.1 §8.2.3 ("the
  // LwM2M Client MUST perform the instantiation on the Object only if all the mandatory Resources are
  // present in the 'New Value' parameter"; 4.00 otherwise). Leshan's client asks less — only the
  // mandatory *writable* ones (BaseObjectEnabler.missingMandatoryResource), a read-only one taking
  // its default — but the TS text names every mandatory resource, and this client follows it. Not
  // counted: executables (no value) and resources the application serves itself (bound readers:
  // present by construction).
  for (let k = 0; k < def.resources.length; k++) {
    const rd = def.resources[k];
    if (!rd.mandatory || (rd.ops & Op.E) !== 0 || t.isBoundRead(o, rd.id)) continue;
    if (rd.multiple ? t.valueInstances(o, id, rd.id) > 0 : t.hasStored(o, id, rd.id)) continue;
    t.deleteInstance(o, id);
    return fail(res, Code.BAD_REQUEST);
  }
  const hook = c.instanceHook;
  if (hook !== undefined) { const rc = hook(true, o, id); if (rc < 0) { t.deleteInstance(o, id); return fail(res, -rc); } }
  if (accessControlActive(t) && s >= 0) createAclFor(t, o, id, c.serverSsid(s));
  if (o <= 2 && !c.persist(0)) return fail(res, Code.INTERNAL_SERVER_ERROR);
  res.setCode(Code.CREATED);
  res.optionDecimal(Opt.LOCATION_PATH, o);
  res.optionDecimal(Opt.LOCATION_PATH, id);
  return Reply.RESPOND;
}

function deleteInstance(c: Lwm2mClient, res: MessageWriter, s: number): number {
  const path = c.path, t = c.table;
  if (deny(c, s, AccessOp.Delete, path.o, path.i)) return fail(res, Code.UNAUTHORIZED);
  if (!t.hasObject(path.o) || !t.hasInstance(path.o, path.i)) return fail(res, Code.NOT_FOUND);
  if (path.o === 1 || path.o === 3) return fail(res, Code.METHOD_NOT_ALLOWED); // the server's own account / the Device object
  const hook = c.instanceHook;
  if (hook !== undefined) { const rc = hook(false, path.o, path.i); if (rc < 0) return fail(res, -rc); }
  const e = t.deleteInstance(path.o, path.i);
  if (e < 0) return fail(res, -e);
  if (accessControlActive(t)) deleteAclFor(t, path.o, path.i);
  if (path.o <= 2 && !c.persist(0)) return fail(res, Code.INTERNAL_SERVER_ERROR); // not durable: not a success
  res.setCode(Code.DELETED);
  return Reply.RESPOND;
}

function execute(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, s: number): number {
  const path = c.path, t = c.table;
  if (deny(c, s, AccessOp.Execute, path.o, path.i)) return fail(res, Code.UNAUTHORIZED);
  if (!t.hasObject(path.o) || !t.hasInstance(path.o, path.i)) return fail(res, Code.NOT_FOUND);
  const rd = t.resourceDef(path.o, path.r);
  if (rd === null) return fail(res, Code.NOT_FOUND);
  if ((rd.ops & Op.E) === 0) return fail(res, Code.METHOD_NOT_ALLOWED);
  // The Server object's own executes are the client's: Disable (4), Registration Update Trigger (8),
  // Bootstrap-Request Trigger (9).
  let e = 0;
  if (path.o === 1 && path.r === 4) e = c.disableServer(c.intRes(t, 1, path.i, 0, -1));
  else if (path.o === 1 && path.r === 8) e = c.triggerUpdate(c.intRes(t, 1, path.i, 0, -1));
  else if (path.o === 1 && path.r === 9) e = c.requestBootstrapLater();
  else e = t.execute(path.o, path.i, path.r, req.buf, req.payloadOff, req.payloadLen);
  if (e < 0) return fail(res, -e);
  res.setCode(Code.CHANGED);
  return Reply.RESPOND;
}

// ---------------------------------------------------------------------------------- Discover, Write-Attributes

function attrsFor(c: Lwm2mClient, s: number, o: number, i: number, r: number): void {
  const k = c.attrs.find(s < 0 ? 255 : s, o, i, r);
  if (k < 0) return;
  for (let a = 0; a < Attr.COUNT; a++) {
    const v = c.attrs.v[k * Attr.COUNT + a];
    if (v === v) link.attrFloat(ATTR_NAMES[a], v);
  }
}

function resourcePresent(t: ObjectTable, o: number, i: number, r: number, multiple: boolean, ops: number): boolean {
  if ((ops & Op.E) !== 0) return true;
  if (t.isBoundRead(o, r)) return true;
  return multiple ? t.valueInstances(o, i, r) > 0 : t.hasStored(o, i, r);
}

function discoverInstance(c: Lwm2mClient, s: number, o: number, i: number, onlyR: number): void {
  const t = c.table, def = t.objectDef(o)!;
  if (onlyR < 0) { link.link(o, i, NONE); attrsFor(c, s, o, i, NONE); }
  for (let k = 0; k < def.resources.length; k++) {
    const rd = def.resources[k];
    if (onlyR >= 0 && rd.id !== onlyR) continue;
    if (!resourcePresent(t, o, i, rd.id, rd.multiple, rd.ops)) continue;
    link.link(o, i, rd.id);
    if (rd.multiple) link.attrUint(ATTR_DIM, t.isBoundRead(o, rd.id) ? 1 : t.valueInstances(o, i, rd.id));
    attrsFor(c, s, o, i, rd.id);
  }
}

function discover(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, s: number): number {
  const path = c.path, t = c.table, o = path.o;
  if (deny(c, s, AccessOp.Read, o, path.i)) return fail(res, Code.UNAUTHORIZED);
  const def = t.objectDef(o);
  if (def === null) return fail(res, Code.NOT_FOUND);
  if (path.i >= 0 && !t.hasInstance(o, path.i)) return fail(res, Code.NOT_FOUND);
  if (path.r >= 0 && t.resourceDef(o, path.r) === null) return fail(res, Code.NOT_FOUND);
  if (path.ri >= 0) return fail(res, Code.BAD_REQUEST);
  link.begin(c.scratch, 0, c.scratch.length);
  if (path.i < 0) {
    link.link(o, NONE, NONE);
    if (def.version !== '1.0') link.attrStr(ATTR_VER, versionBytes(def.version), 0, def.version.length);
    attrsFor(c, s, o, NONE, NONE);
    for (let i = t.firstInstance(o); i >= 0; i = t.nextInstance(o, i)) discoverInstance(c, s, o, i, NONE);
  } else {
    discoverInstance(c, s, o, path.i, path.r);
  }
  const n = link.end();
  if (n < 0) return fail(res, Code.INTERNAL_SERVER_ERROR);
  return respondBody(c, req, res, ContentFormat.LINK_FORMAT, n);
}

const verCache: { s: string; b: Uint8Array }[] = [];
/** Object versions as bytes, cached (a handful of distinct strings; the cache fills at first use).
 *  Discover and Bootstrap-Discover both write ver= with it. */
export function versionBytes(v: string): Uint8Array {
  for (let k = 0; k < verCache.length; k++) if (verCache[k].s === v) return verCache[k].b;
  const b = new Uint8Array(v.length);
  for (let j = 0; j < v.length; j++) b[j] = v.charCodeAt(j);
  verCache.push({ s: v, b });
  return b;
}

/** Whether the Write-Attributes request named the attribute at v[q] (its scratch value is not NaN). */
function given(v: Float64Array, q: number): boolean { return v[q] === v[q]; }

/** Write-Attributes (TS Core §5.4.4): PUT with Uri-Query attributes and no payload. */
function writeAttributes(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, s: number): number {
  const path = c.path, t = c.table;
  if (deny(c, s, AccessOp.Write, path.o, path.i)) return fail(res, Code.UNAUTHORIZED);
  if (checkReadable(t, path.o, path.i, path.r, path.ri) === -Code.NOT_FOUND) return fail(res, Code.NOT_FOUND);
  // The request's values go to the attribute table's scratch row: NaN not given, -Infinity remove.
  const av = c.attrs.v, na = c.attrs.scratch;
  av.fill(NaN, na, na + Attr.COUNT);
  const b = req.buf;
  for (let k = 0; k < req.optCount; k++) {
    if (req.optNum[k] !== Opt.URI_QUERY) continue;
    const off = req.optOff[k], len = req.optLen[k];
    let eq = -1;
    for (let j = 0; j < len; j++) if (b[off + j] === 61) { eq = j; break; }
    const nameLen = eq < 0 ? len : eq;
    let a = -1;
    for (let x = 0; x < ATTR_NAMES.length; x++) {
      const nm = ATTR_NAMES[x];
      if (nm.length !== nameLen) continue;
      let same = true;
      for (let j = 0; j < nameLen; j++) if (b[off + j] !== nm[j]) { same = false; break; }
      if (same) { a = x; break; }
    }
    if (a < 0) return fail(res, Code.BAD_REQUEST);
    if (eq < 0) { av[na + a] = -Infinity; continue; } // "pmin" alone: remove (TS Core §5.1.2)
    const v = readDecimal(b, off + eq + 1, len - eq - 1);
    if (v !== v) return fail(res, Code.BAD_REQUEST);
    if ((a === Attr.PMIN || a === Attr.PMAX || a === Attr.EPMIN || a === Attr.EPMAX || a === Attr.ST) && v < 0) return fail(res, Code.BAD_REQUEST);
    av[na + a] = v;
  }
  // gt, lt, st only on a numeric single-value resource (TS Core §5.1.2).
  if (given(av, na + Attr.GT) || given(av, na + Attr.LT) || given(av, na + Attr.ST)) {
    if (path.r < 0) return fail(res, Code.BAD_REQUEST);
    const rd = t.resourceDef(path.o, path.r);
    if (rd === null || !isNumericType(rd.type) || (rd.multiple && path.ri < 0)) return fail(res, Code.BAD_REQUEST);
  }
  const srv = s < 0 ? 255 : s;
  const row = c.attrs.obtain(srv, path.o, path.i, path.r);
  if (row < 0) return fail(res, Code.INTERNAL_SERVER_ERROR);
  const base = row * Attr.COUNT;
  for (let a = 0; a < Attr.COUNT; a++) {
    if (!given(av, na + a)) continue;
    av[base + a] = av[na + a] === -Infinity ? NaN : av[na + a];
  }
  const pmin = av[base + Attr.PMIN], pmax = av[base + Attr.PMAX];
  const gt = av[base + Attr.GT], lt = av[base + Attr.LT], st = av[base + Attr.ST];
  // Consistency (TS Core §5.1.2): pmax ≥ pmin; lt < gt, and lt + 2·st < gt when st is set.
  if ((pmin === pmin && pmax === pmax && pmax < pmin) || (lt === lt && gt === gt && (lt >= gt || (st === st && lt + 2 * st >= gt)))) {
    for (let a = 0; a < Attr.COUNT; a++) if (given(av, na + a)) av[base + a] = NaN; // refuse the whole request
    c.attrs.compact(row);
    return fail(res, Code.BAD_REQUEST);
  }
  c.attrs.compact(row);
  res.setCode(Code.CHANGED);
  return Reply.RESPOND;
}

// ---------------------------------------------------------------------------------- Composite

/** Reads the paths of a Read-Composite / Observe-Composite body (SenML names with no values) into
 *  the request's path row of c.obs.paths (at path index c.obs.scratch). Returns the count, or a
 *  negative code. */
function compositePaths(c: Lwm2mClient, req: CoapMessage): number {
  const cf = req.contentFormat;
  if (cf !== ContentFormat.SENML_JSON && cf !== ContentFormat.SENML_CBOR) return -Code.UNSUPPORTED_CONTENT_FORMAT;
  const dec = decoderFor(cf);
  if (dec === null) return -Code.UNSUPPORTED_CONTENT_FORMAT;
  let rc = dec.begin(req.buf, req.payloadOff, req.payloadLen, NONE, NONE, NONE, NONE);
  if (rc < 0) return rc;
  let n = 0;
  const rec = c.rec, paths = c.obs.paths, at = c.obs.scratch * 4;
  for (;;) {
    rc = dec.next(rec);
    if (rc === 0) break;
    if (rc < 0) return rc;
    if (n === COMPOSITE_PATHS) return -Code.REQUEST_ENTITY_TOO_LARGE;
    const q = at + n * 4;
    paths[q] = rec.o; paths[q + 1] = rec.i; paths[q + 2] = rec.r; paths[q + 3] = rec.ri;
    n++;
  }
  return n;
}

/** Encodes the values of `count` paths (4 ints each) as one SenML payload. */
function encodeComposite(c: Lwm2mClient, paths: Int32Array, base: number, count: number, cf: number, s: number,
                         out: Uint8Array, at: number, cap: number): number {
  const enc = encoderFor(cf);
  if (enc === null || (cf !== ContentFormat.SENML_JSON && cf !== ContentFormat.SENML_CBOR)) return -Code.NOT_ACCEPTABLE;
  enc.begin(out, at, cap, NONE, NONE, NONE, NONE);
  const t = c.table, rec = c.rec, cur = c.cursor;
  for (let k = 0; k < count; k++) {
    const q = (base + k) * 4;
    const o = paths[q], i = paths[q + 1], r = paths[q + 2], ri = paths[q + 3];
    if (o < 0) { // "/": everything the server may read
      for (let d = 0; d < t.defs.size; d++) {
        const oo = t.defs.at(d).id;
        if (oo === 0 || oo === 21) continue;
        cur.begin(t, oo, NONE, NONE, NONE);
        for (let x = cur.next(rec); x === 1; x = cur.next(rec)) {
          if (!deny(c, s, AccessOp.Read, rec.o, rec.i)) { const e = enc.add(rec); if (e < 0) return e; }
        }
      }
      continue;
    }
    if (checkReadable(t, o, i, r, ri) < 0 || deny(c, s, AccessOp.Read, o, i)) continue; // absent paths are skipped (Leshan does too)
    cur.begin(t, o, i, r, ri);
    for (let x = cur.next(rec); x === 1; x = cur.next(rec)) {
      const rd = t.resourceDef(rec.o, rec.r);
      if (rd === null || (rd.ops & Op.R) === 0) continue;
      const e = enc.add(rec);
      if (e < 0) return e;
    }
  }
  return enc.end();
}

function readComposite(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, s: number): number {
  const n = compositePaths(c, req);
  if (n < 0) return fail(res, -n);
  const cf = req.accept >= 0 ? req.accept : req.contentFormat;
  const len = encodeComposite(c, c.obs.paths, c.obs.scratch, n, cf, s, c.scratch, 0, c.scratch.length);
  if (len < 0) return fail(res, -len); // 4.13 when over the encode scratch (see read())
  return respondBody(c, req, res, cf, len);
}

function writeComposite(c: Lwm2mClient, req: CoapMessage, res: MessageWriter, s: number): number {
  const cf = req.contentFormat;
  if (cf !== ContentFormat.SENML_JSON && cf !== ContentFormat.SENML_CBOR) return fail(res, Code.UNSUPPORTED_CONTENT_FORMAT);
  // Access: every record's instance must be writable by this server — checked while validating.
  const dec = decoderFor(cf)!;
  let rc = dec.begin(req.buf, req.payloadOff, req.payloadLen, NONE, NONE, NONE, NONE);
  if (rc < 0) return fail(res, -rc);
  for (;;) {
    rc = dec.next(c.rec);
    if (rc === 0) break;
    if (rc < 0) return fail(res, -rc);
    if (deny(c, s, AccessOp.Write, c.rec.o, c.rec.i)) return fail(res, Code.UNAUTHORIZED);
    if (c.rec.i < 0 || c.rec.r < 0) return fail(res, Code.BAD_REQUEST);
  }
  rc = decodeWrite(c, c.table, cf, req.buf, req.payloadOff, req.payloadLen, NONE, NONE, NONE, NONE, false, false, s);
  if (rc < 0) return fail(res, -rc);
  res.setCode(Code.CHANGED);
  return Reply.RESPOND;
}

// ---------------------------------------------------------------------------------- Observe (RFC 7641)

function observe(c: Lwm2mClient, req: CoapMessage, p: number, res: MessageWriter, s: number, composite: boolean): number {
  const path = c.path, obs = c.obs, paths = obs.paths, at = obs.scratch * 4;
  let n = 1;
  if (composite) {
    n = compositePaths(c, req);
    if (n < 0) return fail(res, -n);
  } else {
    if (deny(c, s, AccessOp.Read, path.o, path.i)) return fail(res, Code.UNAUTHORIZED);
    paths[at] = path.o; paths[at + 1] = path.i; paths[at + 2] = path.r; paths[at + 3] = path.ri;
  }
  const cf = req.accept >= 0 ? req.accept
    : composite ? req.contentFormat : defaultFormat(c.table, path.o, path.r, path.ri);
  const len = composite
    ? encodeComposite(c, paths, obs.scratch, n, cf, s, c.scratch, 0, c.scratch.length)
    : encodeRead(c, c.table, path.o, path.i, path.r, path.ri, cf, s, c.scratch, 0, c.scratch.length);
  if (len < 0) return fail(res, -len); // 4.13 when over the encode scratch (see read())
  let k = obs.find(p, req.token, 0, req.tokenLen);
  if (k < 0) k = obs.alloc();
  if (k < 0) k = evictFor(c, s);
  if (k >= 0) {
    const f = obs.f, b = k * Ob.SIZE, t = obs.t, tb = k * ObT.SIZE;
    f[b + Ob.USED] = 1; f[b + Ob.PEER] = p; f[b + Ob.SERVER] = s; f[b + Ob.TOK_LEN] = req.tokenLen;
    for (let j = 0; j < req.tokenLen; j++) obs.tok[k * 8 + j] = req.token[j];
    f[b + Ob.PATH_COUNT] = n;
    paths.copyWithin(k * COMPOSITE_PATHS * 4, at, at + n * 4);
    f[b + Ob.FORMAT] = cf; f[b + Ob.SEQ] = (f[b + Ob.SEQ] + 1) & 0xffffff; t[tb + ObT.LAST] = c.now; t[tb + ObT.LAST_CON] = c.now;
    // The response is the first evaluation (epmin/epmax count from it; a reused row must not keep
    // the previous observation's).
    t[tb + ObT.LAST_EVAL] = c.now;
    f[b + Ob.DIRTY] = 0; f[b + Ob.INFLIGHT] = -1;
    f[b + Ob.NUMERIC] = isNumericObservation(c, k) ? 1 : 0;
    // (No `cond ? load : NaN`: TurboFan may give that phi a tagged representation and box the load.)
    t[tb + ObT.LAST_VAL] = NaN;
    if (numericValue(c, k)) t[tb + ObT.LAST_VAL] = c.f64[0];
    res.optionUint(Opt.OBSERVE, f[b + Ob.SEQ]);
    c.emit(Ev.OBSERVE_STARTED, c.serverSsid(s), k);
  }
  // Table full: answered without Observe, so the server knows it is not registered (RFC 7641 §4.1).
  return respondBody(c, req, res, cf, len);
}

/**
 * A row for server account s's new observation when the table is full (issue 12 point 18): a server's
 * own observations are never starved by anyone else's. An unknown peer's observation (only with the
 * development switch) yields to a server's; a server holding more than its share of the table
 * (maxObservations / servers) yields to one below its share. The evicted observation ends silently
 * (a final notification cannot be written here: the response to this request is being written with
 * the endpoint's one writer); a CON notification of it still in flight is abandoned. -1: no row.
 */
function evictFor(c: Lwm2mClient, s: number): number {
  if (s < 0) return -1;
  const obs = c.obs, f = obs.f;
  let victim = -1, mine = 0;
  for (let k = 0; k < obs.n; k++) {
    const b = k * Ob.SIZE;
    if (!f[b + Ob.USED]) continue;
    if (f[b + Ob.SERVER] < 0) { if (victim < 0) victim = k; }
    else if (f[b + Ob.SERVER] === s) mine++;
  }
  if (victim < 0) {
    const share = Math.floor(obs.n / Math.max(1, c.usedServers()));
    if (mine >= share) return -1;
    let most = share, who = -1;
    for (let t = 0; t < c.nServers; t++) {
      if (t === s) continue;
      let n = 0;
      for (let k = 0; k < obs.n; k++) if (f[k * Ob.SIZE + Ob.USED] && f[k * Ob.SIZE + Ob.SERVER] === t) n++;
      if (n > most) { most = n; who = t; }
    }
    if (who < 0) return -1;
    for (let k = 0; k < obs.n && victim < 0; k++) if (f[k * Ob.SIZE + Ob.USED] && f[k * Ob.SIZE + Ob.SERVER] === who) victim = k;
  }
  const b = victim * Ob.SIZE;
  if (f[b + Ob.INFLIGHT] >= 0) c.ep.cancel(f[b + Ob.INFLIGHT]);
  c.emit(Ev.OBSERVE_CANCELLED, c.serverSsid(f[b + Ob.SERVER]), victim);
  obs.free(victim);
  return victim;
}

function cancelObservation(c: Lwm2mClient, req: CoapMessage, p: number, s: number): void {
  const k = c.obs.find(p, req.token, 0, req.tokenLen);
  if (k < 0) return;
  c.obs.free(k);
  c.emit(Ev.OBSERVE_CANCELLED, c.serverSsid(s), k);
}

/** The current value of a single numeric resource observation (for gt/lt/st) into c.f64[0];
 *  false when it has none. (Not returned: V8 boxes doubles returned from calls.) */
function numericValue(c: Lwm2mClient, k: number): boolean {
  const obs = c.obs;
  if (!obs.f[k * Ob.SIZE + Ob.NUMERIC]) return false;
  const q = k * COMPOSITE_PATHS * 4, p = obs.paths;
  return c.table.getNumber(p[q], p[q + 1], p[q + 2], p[q + 3], c.f64, 0, c.rec2) === 0;
}

/** Whether observation k is of one numeric value: decided once, when it starts. */
function isNumericObservation(c: Lwm2mClient, k: number): boolean {
  const obs = c.obs;
  if (obs.f[k * Ob.SIZE + Ob.PATH_COUNT] !== 1) return false;
  const q = k * COMPOSITE_PATHS * 4, p = obs.paths;
  const o = p[q], i = p[q + 1], r = p[q + 2];
  if (r < 0 || i < 0) return false;
  const rd = c.table.resourceDef(o, r);
  return rd !== null && isNumericType(rd.type) && !(rd.multiple && p[q + 3] < 0);
}

/** Attribute a of the path of the last c.attrs.resolve(), NaN when unset. */
function attrOf(c: Lwm2mClient, a: number, out: Float64Array, slot: number): void {
  const q = c.attrs.pick(a);
  out[slot] = NaN;
  if (q >= 0) out[slot] = c.attrs.v[q];
}

/** Sends the notifications that are due; returns the next time one may be. */
export function notifyDue(c: Lwm2mClient, now: number): number {
  const obs = c.obs, of = obs.f, ot = obs.t, paths = obs.paths;
  let next = Infinity;
  for (let k = 0; k < obs.n; k++) {
    const b = k * Ob.SIZE;
    if (!of[b + Ob.USED]) continue;
    const s = of[b + Ob.SERVER];
    const st = s >= 0 ? c.serverState(s) : 3;
    if (st !== 3 /* REGISTERED */ && st !== 4 /* UPDATING */) continue;
    const tb = k * ObT.SIZE;
    const q = k * COMPOSITE_PATHS * 4;
    const srv = s < 0 ? 255 : s;
    const o = paths[q], i = paths[q + 1], r = paths[q + 2];
    const f = c.f64, attrs = c.attrs;
    // Attribute values go through f64 slots (no mixed-representation phis: see lastVal below).
    attrs.resolve(srv, o, i, r); // the path's attribute rows, found once for every attribute below
    // pmin and pmax: the attributes, else the server's defaults (/1/x/2, /1/x/3), else 0.
    let qa = attrs.pick(Attr.PMIN);
    const qb = attrs.pick(Attr.PMAX);
    f[5] = 0; f[6] = 0;
    if ((qa < 0 || qb < 0) && s >= 0) c.serverPeriods(s, f, 5);
    if (qa >= 0) f[5] = attrs.v[qa];
    if (qb >= 0) f[6] = attrs.v[qb];
    const pmin = f[5], pmax = f[6];
    // Due times as LAST + period, compared with now — the same sums the next deadline is made of
    // (now - LAST >= period can be false at the very deadline, by rounding: a poll at a deadline
    // that does nothing is a busy loop).
    const last = ot[tb + ObT.LAST];
    // Evaluation periods (TS Core 1.1 §5.1.2): epmax forces a re-evaluation of a numeric value
    // (a sensor read through a bound reader changes without telling the table); epmin spaces
    // evaluations out.
    qa = attrs.pick(Attr.EPMAX);
    f[7] = 0;
    if (qa >= 0) f[7] = attrs.v[qa];
    const epmax = f[7];
    qa = attrs.pick(Attr.EPMIN);
    f[4] = 0;
    if (qa >= 0) f[4] = attrs.v[qa];
    const epmin = f[4];
    if (epmax > 0) {
      if (now - ot[tb + ObT.LAST_EVAL] >= epmax * 1000 && ot[tb + ObT.LAST_VAL] === ot[tb + ObT.LAST_VAL]) { of[b + Ob.DIRTY] = 1; ot[tb + ObT.LAST_EVAL] = now; }
      if (ot[tb + ObT.LAST_EVAL] + epmax * 1000 < next) next = ot[tb + ObT.LAST_EVAL] + epmax * 1000;
    }
    let due = false;
    if (of[b + Ob.DIRTY] && epmin > 0 && now - ot[tb + ObT.LAST_EVAL] < epmin * 1000) {
      if (ot[tb + ObT.LAST_EVAL] + epmin * 1000 < next) next = ot[tb + ObT.LAST_EVAL] + epmin * 1000;
    } else if (of[b + Ob.DIRTY]) {
      if (now >= last + pmin * 1000) {
        ot[tb + ObT.LAST_EVAL] = now;
        if (numericValue(c, k) && ot[tb + ObT.LAST_VAL] === ot[tb + ObT.LAST_VAL]) {
          f[Cond.CUR] = f[0];
          f[Cond.PREV] = ot[tb + ObT.LAST_VAL];
          attrOf(c, Attr.GT, f, Cond.GT);
          attrOf(c, Attr.LT, f, Cond.LT);
          attrOf(c, Attr.ST, f, Cond.ST);
          due = numericConditionMet(f);
          if (!due) of[b + Ob.DIRTY] = 0;
        } else due = true;
      } else if (ot[tb + ObT.LAST] + pmin * 1000 < next) next = ot[tb + ObT.LAST] + pmin * 1000;
    }
    if (!due && pmax > 0 && pmax >= pmin && now >= last + pmax * 1000) due = true;
    if (due && of[b + Ob.INFLIGHT] < 0) {
      sendNotification(c, k);
    }
    // While a CON notification is in flight the next one waits for its ACK or failure (which the
    // endpoint's own retransmission deadline brings): a pmax deadline already past would make
    // every poll return "now" — a busy loop until the ACK comes.
    if (pmax > 0 && of[b + Ob.USED] && of[b + Ob.INFLIGHT] < 0 && ot[tb + ObT.LAST] + pmax * 1000 < next) next = ot[tb + ObT.LAST] + pmax * 1000;
  }
  return next;
}

export function sendNotification(c: Lwm2mClient, k: number): number {
  const obs = c.obs, f = obs.f, b = k * Ob.SIZE, t = obs.t, tb = k * ObT.SIZE;
  const s = f[b + Ob.SERVER];
  const q = k * COMPOSITE_PATHS * 4, p = obs.paths;
  const cf = f[b + Ob.FORMAT];
  const len = f[b + Ob.PATH_COUNT] > 1 || (cf === ContentFormat.SENML_CBOR || cf === ContentFormat.SENML_JSON) && p[q] < 0
    ? encodeComposite(c, p, k * COMPOSITE_PATHS, f[b + Ob.PATH_COUNT], cf, s, c.scratch, 0, c.scratch.length)
    : encodeRead(c, c.table, p[q], p[q + 1], p[q + 2], p[q + 3], cf, s, c.scratch, 0, c.scratch.length);
  const con = c.opts.confirmableNotifications === true || c.now - t[tb + ObT.LAST_CON] >= CON_EVERY;
  f[b + Ob.DIRTY] = 0;
  t[tb + ObT.LAST] = c.now;
  // (No `cond ? load : NaN`: TurboFan may give that phi a tagged representation and box the load.)
  t[tb + ObT.LAST_VAL] = NaN;
  if (numericValue(c, k)) t[tb + ObT.LAST_VAL] = c.f64[0];
  const ep = c.ep;
  // Queue Mode, /1/x/6 true: offline or unreachable, it is stored (src/client/queue.ts).
  if (len >= 0 && c.queue !== undefined && storesFor(c, s)) { storeNotification(c, k, len, cf); return 0; }
  if (len < 0) {
    // The observed path is gone: a final error notification ends the observation (RFC 7641 §3.2).
    const slot = ep.beginNotify(f[b + Ob.PEER], MsgType.CON, -len, obs.tok, k * 8, f[b + Ob.TOK_LEN], TAG_NOTIFY * 256 + k);
    if (slot >= 0) ep.commit(slot);
    obs.free(k);
    return len;
  }
  const slot = ep.beginNotify(f[b + Ob.PEER], con ? MsgType.CON : MsgType.NON, Code.CONTENT, obs.tok, k * 8, f[b + Ob.TOK_LEN], TAG_NOTIFY * 256 + k);
  if (slot < 0) return slot; // ring full: the notification is sent at the next change or pmax
  f[b + Ob.SEQ] = (f[b + Ob.SEQ] + 1) & 0xffffff;
  const w = ep.w;
  w.optionUint(Opt.OBSERVE, f[b + Ob.SEQ]);
  w.optionUint(Opt.CONTENT_FORMAT, cf);
  w.payload(c.scratch, 0, len);
  const mid = ep.slotMid(slot);
  const rc = ep.commit(slot);
  if (rc < 0) return rc;
  f[b + Ob.LAST_MID] = mid;
  if (con) { t[tb + ObT.LAST_CON] = c.now; f[b + Ob.INFLIGHT] = slot; }
  c.emit(Ev.NOTIFY_SENT, c.serverSsid(s), k);
  return 0;
}

/** Send (TS Core §5.5.5, 1.1): POST /dp with SenML CBOR values of the given paths. */
export function sendData(c: Lwm2mClient, s: number, paths: Int32Array, count: number): number {
  const len = encodeComposite(c, paths, 0, count, ContentFormat.SENML_CBOR, s, c.scratch, 0, c.scratch.length);
  if (len < 0) return len;
  const ep = c.ep;
  const slot = ep.beginRequest(c.serverPeer(s), MsgType.CON, Code.POST, TAG_SEND * 256 + s);
  if (slot < 0) return slot;
  ep.w.option(Opt.URI_PATH, DP, 0, 2);
  ep.w.optionUint(Opt.CONTENT_FORMAT, ContentFormat.SENML_CBOR);
  ep.w.payload(c.scratch, 0, len);
  const rc = ep.commit(slot);
  if (rc === 0) c.emit(Ev.SEND_SENT, c.serverSsid(s), 0);
  return rc;
}

export { DataRecord };
