// Firmware Update (object 5, TS Core Appendix E.6; registry/5.xml): the state machine
// Idle → Downloading → Downloaded → Updating, push (a Write to /5/0/0, Block1, streamed block by
// block into the HAL's FirmwareStore) and pull (a coap:// or coaps:// URI in /5/0/1: the client's own
// Block2 GETs on its one socket, paced by the message layer's NSTART and back-off; resumed from the
// last stored block after loss, a server restart or a reboot, with the ETag checked as Anjay's
// downloader does: another ETag mid-download fails it, another ETag at a resumption after a reboot
// starts it again from block 0). State (/5/0/3), Update Result (/5/0/5) and the Package URI are table values of a
// persistent object: saved with the configuration (ConfigStore: atomic) at every transition.
//
// Construct it after the client, before start(): `new FirmwareUpdate(client, store)`. It hooks into
// the client through `client.firmware` (start, poll, responses) and dm.ts (Writes of /5/0/0).
// Nothing allocates per block: the URI is read from the table and parsed in place at each GET.

import { Code } from '../coap/codes.js';
import { CoapMessage, MessageWriter, MsgType } from '../coap/message.js';
import { Reply, Failure } from '../coap/endpoint.js';
import { Opt } from '../coap/option.js';
import { PeerAddress } from '../coap/peer.js';
import { exchangeLifetime } from '../config.js';
import { ContentFormat } from '../formats/content-format.js';
import { freezeObjectDef, type ObjectDef } from '../model/defs.js';
import { DataRecord, NONE, ValueType } from '../model/record.js';
import { OBJ_5 } from '../objects/defs.generated.js';
import { parseUri, UriRecord, UriScheme } from '../objects/security.js';
import { setNumber, setString } from '../objects/values.js';
import { Ev } from './events.js';
import { FwResult, type FirmwareStore } from './firmware-store.js';
import { Sv, Tag, type Lwm2mClient } from './client.js';

export { FwResult, type FirmwareStore };

export const OBJ_FIRMWARE = 5;
export const enum FwRes {
  Package = 0, PackageUri = 1, Update = 2, State = 3, UpdateResult = 5, PkgName = 6, PkgVersion = 7,
  ProtocolSupport = 8, DeliveryMethod = 9, Cancel = 10, Severity = 11, LastStateChange = 12,
  MaxDeferPeriod = 13, AutoUpgrade = 14,
}
/** /5/0/3 values. */
export const enum FwState { IDLE = 0, DOWNLOADING = 1, DOWNLOADED = 2, UPDATING = 3 }

/** Object 5 as the registry defines it, saved with the configuration (State, Update Result and the
 *  Package URI must survive a reboot or power loss). */
export const FIRMWARE_DEF: ObjectDef = freezeObjectDef({ ...OBJ_5, persistent: true });

/** How often a pull retries one block after the message layer gave up on it (timeout, RST, DTLS)
 *  before the download fails with Update Result 4; the pause doubles from ACK_TIMEOUT each time. */
const PULL_RETRIES = 4;
const META_LEN = 10; // szx, ETag length, ETag (≤ 8 bytes: RFC 7252 §5.10.6)

const enum Mode { NONE = 0, PUSH = 1, PULL = 2 }

export interface FirmwareOptions {
  /** Update automatically once downloaded (/5/0/14's initial value; a server may write it). */
  autoUpdate?: boolean;
  /** Package name and version (/5/0/6, /5/0/7) of the running firmware, if known. */
  pkgName?: string;
  pkgVersion?: string;
  /** A wall clock (s since the Unix epoch) for Last State Change Time (/5/0/12); absent without it. */
  now?: () => number;
}

export class FirmwareUpdate {
  readonly store: FirmwareStore;
  private readonly c: Lwm2mClient;
  private readonly rec = new DataRecord();
  private readonly uri = new UriRecord();
  private readonly addr = new PeerAddress();
  private readonly meta: Uint8Array;
  private readonly opts: FirmwareOptions;

  state: number = FwState.IDLE;
  result: number = FwResult.INITIAL;
  private mode: number = Mode.NONE;
  /** Bytes of the image stored so far (push and pull). */
  offset = 0;
  // Push (Block1): the peer, the block size, the message ID of the block that started it.
  private pushPeer = -1;
  private pushMid = -1;
  /** The peer whose push completed: its last block again (its 2.04 was lost) gets 2.04 again. */
  private donePeer = -1;
  // Pull (Block2).
  private pullPeer = -1;
  private pullSzx = 5;
  private pullSlot = -1;
  private pullSent = 0;
  private retries = 0;
  private retryAt = Infinity;
  /** True while the pull peer is one this object added (not a server account's): unpinned after. */
  private ownPeer = false;
  private etagLen = -1;
  /** True from a resumption (after a reboot) until its first response: an ETag that differs then
   *  restarts the download from block 0 instead of failing it (Anjay's retry-on-expired). */
  private resuming = false;
  private applyPending = false;
  /** Blocks stored (push and pull), for the benchmarks and logs. */
  blocks = 0;

  constructor(c: Lwm2mClient, store: FirmwareStore, opts: FirmwareOptions = {}) {
    this.c = c;
    this.store = store;
    this.opts = opts;
    this.meta = c.slab.u8(META_LEN);
    const t = c.table;
    if (!t.hasObject(OBJ_FIRMWARE)) throw new Error('FirmwareUpdate: object 5 is not enabled (add FIRMWARE_DEF to the objects)');
    let szx = 0;
    while ((16 << szx) < c.config.blockSize) szx++;
    this.pullSzx = szx;
    t.bindWrite(OBJ_FIRMWARE, FwRes.Package, (rec) => this.writeWholePackage(rec));
    t.bindWrite(OBJ_FIRMWARE, FwRes.PackageUri, (rec) => this.writeUri(rec));
    t.bindExecute(OBJ_FIRMWARE, FwRes.Update, () => this.executeUpdate());
    t.bindExecute(OBJ_FIRMWARE, FwRes.Cancel, () => this.cancel());
    c.firmware = this;
  }

  // ------------------------------------------------------------------ the client's hooks

  /** After the configuration is loaded (client.start): the instance and its fixed values, then
   *  whatever a reboot interrupted — a pull resumes, a push is lost, an update reports its outcome. */
  onStart(): void {
    const t = this.c.table, o = OBJ_FIRMWARE;
    if (!t.hasInstance(o, 0)) {
      t.createInstance(o, 0);
      setString(t, o, 0, FwRes.PackageUri, NONE, '');
      setNumber(t, o, 0, FwRes.State, NONE, ValueType.Integer, FwState.IDLE);
      setNumber(t, o, 0, FwRes.UpdateResult, NONE, ValueType.Integer, FwResult.INITIAL);
      setNumber(t, o, 0, FwRes.Severity, NONE, ValueType.Integer, 1);
      setNumber(t, o, 0, FwRes.MaxDeferPeriod, NONE, ValueType.UnsignedInteger, 0);
      setNumber(t, o, 0, FwRes.AutoUpgrade, NONE, ValueType.Boolean, this.opts.autoUpdate ? 1 : 0);
    }
    // The protocols this client pulls with: 0 CoAP, 1 CoAPS (RFC 7252); delivery: 2 both.
    t.deleteValues(o, 0, FwRes.ProtocolSupport);
    setNumber(t, o, 0, FwRes.ProtocolSupport, 0, ValueType.Integer, 0);
    setNumber(t, o, 0, FwRes.ProtocolSupport, 1, ValueType.Integer, 1);
    setNumber(t, o, 0, FwRes.DeliveryMethod, NONE, ValueType.Integer, 2);
    setString(t, o, 0, FwRes.PkgName, NONE, this.opts.pkgName ?? '');
    setString(t, o, 0, FwRes.PkgVersion, NONE, this.opts.pkgVersion ?? '');
    this.state = this.num(FwRes.State, FwState.IDLE);
    this.result = this.num(FwRes.UpdateResult, FwResult.INITIAL);
    const ver = this.store.version();
    if (ver !== null && this.c.table.hasObject(3) && this.c.table.hasInstance(3, 0)) setString(t, 3, 0, 3, NONE, ver);
    switch (this.state) {
      case FwState.DOWNLOADING:
        if (this.uriLength() > 0) this.resumePull();
        else { this.store.abort(); this.setState(FwState.IDLE, FwResult.CONNECTION_LOST); } // a push cut by the reboot
        break;
      case FwState.UPDATING: {
        const r = this.store.applied();
        if (r === FwResult.SUCCESS) { this.store.abort(); this.setState(FwState.IDLE, FwResult.SUCCESS); }
        else if (r === FwResult.INTEGRITY || r === 0) { this.store.abort(); this.setState(FwState.IDLE, r === 0 ? FwResult.FAILED : r); }
        else this.setState(FwState.DOWNLOADED, r); // the image is still staged: Update may be tried again
        break;
      }
      default: break; // Idle and Downloaded stay as they were
    }
  }

  /** Timers: a block to retry, an apply once the Execute's 2.04 has gone out. The next deadline. */
  poll(now: number): number {
    if (this.applyPending && !this.c.ep.hasOutput()) {
      this.applyPending = false;
      const rc = this.store.apply();
      if (rc < 0) {
        if (-rc === FwResult.INTEGRITY) { this.store.abort(); this.setState(FwState.IDLE, FwResult.INTEGRITY); }
        else this.setState(FwState.DOWNLOADED, -rc);
      }
    }
    if (this.mode === Mode.PULL) {
      if (this.pullSlot < 0 && this.retryAt <= now) { this.retryAt = Infinity; this.sendGet(); }
      // A request the endpoint dropped without telling (a bootstrap flushes every other peer's
      // messages): after EXCHANGE_LIFETIME it counts as lost.
      if (this.pullSlot >= 0 && now - this.pullSent > exchangeLifetime(this.c.config)) { this.pullSlot = -1; this.onFailure(Failure.TIMEOUT); }
      if (this.pullSlot < 0) return this.retryAt;
      return this.pullSent + exchangeLifetime(this.c.config) + 1;
    }
    return this.applyPending ? now : Infinity;
  }

  // ------------------------------------------------------------------ state

  private num(r: number, dflt: number): number {
    return this.c.table.getValue(OBJ_FIRMWARE, 0, r, NONE, this.rec) === 0 ? this.rec.num : dflt;
  }

  /** The one place State and Update Result change: stored (observers of /5/0/3 and /5/0/5 are
   *  notified by the table), persisted with the configuration, and an event. */
  private setState(st: number, res: number): void {
    const t = this.c.table;
    if (st !== this.state || this.num(FwRes.State, -1) !== st) setNumber(t, OBJ_FIRMWARE, 0, FwRes.State, NONE, ValueType.Integer, st);
    if (res !== this.result || this.num(FwRes.UpdateResult, -1) !== res) setNumber(t, OBJ_FIRMWARE, 0, FwRes.UpdateResult, NONE, ValueType.Integer, res);
    if (st !== this.state && this.opts.now) setNumber(t, OBJ_FIRMWARE, 0, FwRes.LastStateChange, NONE, ValueType.Time, Math.floor(this.opts.now()));
    // During a bootstrap the staged copy becomes the live table at Finish: it gets the same values,
    // or Finish would bring back the state of when the bootstrap began.
    const sg = this.c.bsFlag ? this.c.staging : null;
    if (sg !== null && sg.hasInstance(OBJ_FIRMWARE, 0)) {
      setNumber(sg, OBJ_FIRMWARE, 0, FwRes.State, NONE, ValueType.Integer, st);
      setNumber(sg, OBJ_FIRMWARE, 0, FwRes.UpdateResult, NONE, ValueType.Integer, res);
    }
    this.state = st; this.result = res;
    if (st === FwState.IDLE || st === FwState.DOWNLOADED) this.endTransfer();
    this.c.persist();
    this.c.emit(Ev.FIRMWARE, st, res);
  }

  private endTransfer(): void {
    if (this.pullSlot >= 0) { this.c.ep.cancel(this.pullSlot); this.pullSlot = -1; }
    if (this.pullPeer >= 0 && this.ownPeer) {
      this.c.ep.setSecurity(this.pullPeer, null, this.meta, 0, 0, this.meta, 0, 0);
      this.c.ep.unpinPeer(this.pullPeer);
    }
    this.pullPeer = -1; this.ownPeer = false;
    this.mode = Mode.NONE; this.pushPeer = -1; this.pushMid = -1; this.retryAt = Infinity;
  }

  /** Back to Idle with `res`; the staged image is discarded (the running firmware is untouched). */
  private fail(res: number): void {
    this.store.abort();
    this.setState(FwState.IDLE, res);
  }

  private downloaded(): void {
    const rc = this.store.finish();
    if (rc < 0) { this.fail(-rc); return; }
    this.setState(FwState.DOWNLOADED, FwResult.INITIAL);
    if (this.num(FwRes.AutoUpgrade, 0) === 1) this.executeUpdate();
  }

  /** Cancel: an empty Package or Package URI (Update Result 0), Execute /5/0/10 (Update Result 10). */
  private reset(res: number): number {
    if (this.state === FwState.UPDATING) return -Code.METHOD_NOT_ALLOWED;
    this.fail(res);
    return 0;
  }

  cancel(): number {
    if (this.state !== FwState.DOWNLOADING && this.state !== FwState.DOWNLOADED) return -Code.METHOD_NOT_ALLOWED;
    return this.reset(FwResult.CANCELLED);
  }

  /** Execute /5/0/2: only in Downloaded (elsewhere 4.05, as Anjay). Updating is stored first, so a
   *  reboot inside apply() reports its outcome; apply() runs once the 2.04 has been sent. */
  executeUpdate(): number {
    if (this.state !== FwState.DOWNLOADED) return -Code.METHOD_NOT_ALLOWED;
    this.setState(FwState.UPDATING, FwResult.INITIAL);
    this.applyPending = true;
    return 0;
  }

  // ------------------------------------------------------------------ push (Write /5/0/0)

  /** A Package written inside a Write of /5/0 (TLV, SenML…): the whole image in one record. */
  private writeWholePackage(rec: DataRecord): number {
    if (rec.len === 0 || (rec.len === 1 && rec.buf[rec.off] === 0)) return this.reset(FwResult.INITIAL);
    if (this.state !== FwState.IDLE) return -Code.BAD_REQUEST;
    return this.pushWhole(rec.buf, rec.off, rec.len);
  }

  private pushWhole(b: Uint8Array, off: number, len: number): number {
    if (len > this.store.maxSize || this.store.begin(len) < 0) { this.fail(FwResult.NO_STORAGE); return -Code.REQUEST_ENTITY_TOO_LARGE; }
    this.setState(FwState.DOWNLOADING, FwResult.INITIAL);
    const rc = this.store.write(0, b, off, len);
    if (rc < 0) { this.fail(-rc); return -Code.REQUEST_ENTITY_TOO_LARGE; }
    this.offset = len; this.blocks++;
    this.downloaded();
    return 0;
  }

  /**
   * A Write (PUT/POST) of /5/0/0 from dm.ts: the request's payload, or one Block1 block of it
   * (RFC 7959 §2.5), goes straight into the store. Blocks must come in order: a block already stored
   * (a retransmission the dedup cache no longer knows) is acknowledged again without writing; a
   * block 0 with a new message ID restarts the transfer; a gap or a block size that puts a block at
   * another offset gets 4.08 Request Entity Incomplete (§2.9.2) and the download fails (Update
   * Result 4); a block past the slot gets 4.13 with Size1 = the slot (§2.9.3, RFC 7959 §4) and
   * Update Result 2 — at the first block that shows it (Size1 in block 0, else the block itself).
   */
  writePackage(req: CoapMessage, p: number, res: MessageWriter): number {
    const cf = req.contentFormat;
    // libcoap's coap-client sends no Content-Format unless told (-t): taken as opaque.
    if (cf >= 0 && cf !== ContentFormat.OPAQUE) return failCode(res, Code.UNSUPPORTED_CONTENT_FORMAT);
    const b = req.buf, off = req.payloadOff, len = req.payloadLen;
    if (req.block1 < 0) {
      if (len === 0 || (len === 1 && b[off] === 0)) return this.answer(res, this.reset(FwResult.INITIAL), -1);
      if (this.state !== FwState.IDLE && this.mode !== Mode.PUSH) return failCode(res, Code.BAD_REQUEST);
      if (this.mode === Mode.PUSH) this.store.abort();
      this.state = FwState.IDLE;
      return this.answer(res, this.pushWhole(b, off, len), -1);
    }
    const num = req.block1 >>> 4, more = (req.block1 >> 3) & 1, szx = req.block1 & 7;
    if (szx === 7) return failCode(res, Code.BAD_REQUEST);
    const size = 16 << szx, at = num * size, max = this.store.maxSize;
    const pushing = this.mode === Mode.PUSH && this.state === FwState.DOWNLOADING;
    if (num === 0 && !(pushing && p === this.pushPeer && req.mid === this.pushMid)) {
      // A new transfer, or a restarted one (RFC 7959 §2.5: block 0 again).
      if (!more && len === 0) return this.answer(res, this.reset(FwResult.INITIAL), req.block1);
      if (this.state !== FwState.IDLE && !pushing) return failCode(res, Code.BAD_REQUEST);
      if (pushing) this.store.abort();
      this.mode = Mode.NONE;
      if (req.size1 > max || len > max || this.store.begin(req.size1 >= 0 ? req.size1 : -1) < 0) return this.tooLarge(res);
      this.mode = Mode.PUSH; this.pushPeer = p; this.pushMid = req.mid; this.offset = 0; this.donePeer = -1;
      this.setState(FwState.DOWNLOADING, FwResult.INITIAL);
    } else {
      if (!pushing && !more && p === this.donePeer && at + len === this.offset && this.state === FwState.DOWNLOADED) return this.answer(res, 0, req.block1);
      if (!pushing || p !== this.pushPeer) return failCode(res, Code.REQUEST_ENTITY_INCOMPLETE);
      if (at + len <= this.offset && at < this.offset) return this.cont(res, req.block1); // stored already
      if (at !== this.offset) { this.fail(FwResult.CONNECTION_LOST); return failCode(res, Code.REQUEST_ENTITY_INCOMPLETE); }
      if (at + len > max) return this.tooLarge(res);
    }
    if (len > 0) {
      const rc = this.store.write(at, b, off, len);
      if (rc < 0) { if (-rc === FwResult.NO_STORAGE) return this.tooLarge(res); this.fail(-rc); return failCode(res, Code.INTERNAL_SERVER_ERROR); }
    }
    this.offset = at + len; this.blocks++;
    if (more) return this.cont(res, req.block1);
    this.donePeer = p;
    this.downloaded();
    res.setCode(Code.CHANGED);
    res.optionUint(Opt.BLOCK1, req.block1);
    return Reply.RESPOND;
  }

  private cont(res: MessageWriter, block1: number): number {
    res.setCode(Code.CONTINUE);
    res.optionUint(Opt.BLOCK1, block1 | 8);
    return Reply.RESPOND;
  }

  private tooLarge(res: MessageWriter): number {
    this.fail(FwResult.NO_STORAGE);
    res.setCode(Code.REQUEST_ENTITY_TOO_LARGE);
    res.optionUint(Opt.SIZE1, this.store.maxSize);
    return Reply.RESPOND;
  }

  private answer(res: MessageWriter, rc: number, block1: number): number {
    if (rc < 0) {
      if (rc === -Code.REQUEST_ENTITY_TOO_LARGE) { res.setCode(Code.REQUEST_ENTITY_TOO_LARGE); res.optionUint(Opt.SIZE1, this.store.maxSize); return Reply.RESPOND; }
      return failCode(res, -rc);
    }
    res.setCode(Code.CHANGED);
    if (block1 >= 0) res.optionUint(Opt.BLOCK1, block1);
    return Reply.RESPOND;
  }

  // ------------------------------------------------------------------ pull (Package URI)

  private uriLength(): number {
    return this.c.table.getValue(OBJ_FIRMWARE, 0, FwRes.PackageUri, NONE, this.rec) === 0 ? this.rec.len : 0;
  }

  /**
   * A Write of /5/0/1. Empty: cancel (Idle, Update Result 0). Otherwise, in Idle only (elsewhere
   * 4.00: the state machine has no such transition, and the spec says to reject it): the URI is
   * stored and the Write succeeds; a URI that does not parse gets Update Result 7, a scheme other
   * than coap/coaps Update Result 9 (the spec: errors go to Update Result, not to the Write's code).
   */
  private writeUri(rec: DataRecord): number {
    if (rec.type !== ValueType.String && rec.type !== ValueType.Opaque) return -Code.BAD_REQUEST;
    const t = this.c.table;
    if (rec.len === 0) {
      if (this.state === FwState.UPDATING) return -Code.METHOD_NOT_ALLOWED;
      const rc = t.setValue(rec);
      if (rc < 0) return rc;
      return this.reset(FwResult.INITIAL);
    }
    if (this.state !== FwState.IDLE) return -Code.BAD_REQUEST;
    if (rec.len > 255) return -Code.BAD_REQUEST; // RangeEnumeration 0..255
    const rc = t.setValue(rec);
    if (rc < 0) return rc;
    const u = this.uri;
    if (parseUri(rec.buf, rec.off, rec.len, u) !== 0) {
      this.setState(FwState.IDLE, hasScheme(rec.buf, rec.off, rec.len) ? FwResult.UNSUPPORTED_PROTOCOL : FwResult.INVALID_URI);
      return 0;
    }
    if (!this.c.resolveUriHost(rec.buf, u, this.addr)) { this.setState(FwState.IDLE, FwResult.INVALID_URI); return 0; }
    if (this.store.begin(-1) < 0) { this.fail(FwResult.NO_STORAGE); return 0; }
    this.offset = 0; this.etagLen = -1; this.retries = 0; this.resuming = false;
    let szx = 0;
    while ((16 << szx) < this.c.config.blockSize) szx++;
    this.pullSzx = szx;
    this.saveMeta();
    this.setState(FwState.DOWNLOADING, FwResult.INITIAL);
    this.startPull();
    return 0;
  }

  /** The first GET goes from poll(): now the endpoint's writer may hold a response being written, and
   *  at start the server accounts' peers are not set up yet. */
  private startPull(): void {
    this.mode = Mode.PULL;
    this.pullPeer = -1;
    this.retryAt = this.c.now;
  }

  /** After a reboot in Downloading: from the last whole block stored, with the ETag seen before. */
  private resumePull(): void {
    const n = this.store.loadMeta(this.meta);
    let szx = 0;
    while ((16 << szx) < this.c.config.blockSize) szx++;
    this.pullSzx = szx; this.etagLen = -1;
    if (n >= 2 && this.meta[0] < 7) { this.pullSzx = this.meta[0]; this.etagLen = this.meta[1] === 255 ? -1 : this.meta[1]; }
    const size = 16 << this.pullSzx;
    this.offset = n >= 2 ? Math.floor(this.store.stored() / size) * size : 0;
    if (this.offset === 0 && this.store.begin(-1) < 0) { this.fail(FwResult.NO_STORAGE); return; }
    this.resuming = this.offset > 0;
    this.retries = 0;
    this.startPull();
  }

  private saveMeta(): void {
    this.meta[0] = this.pullSzx;
    this.meta[1] = this.etagLen < 0 ? 255 : this.etagLen;
    this.store.saveMeta(this.meta, 0, META_LEN);
  }

  /** True for the peer of a pull this object opened (a file server with no account): the client
   *  accepts its datagrams while the pull lasts. */
  pullsFrom(p: number): boolean { return p >= 0 && p === this.pullPeer && this.ownPeer; }

  /** The peer for this.addr: a server account's (its DTLS session and PSK) or one of our own; for
   *  coaps:// to a host that is not a server account's peer, a spare DTLS session with the PSK of the
   *  server account on that host. Construction-free: every table is the client's. */
  private openPull(): boolean {
    const c = this.c, ep = c.ep;
    this.mode = Mode.PULL;
    const existing = ep.findPeer(this.addr);
    const p = existing >= 0 ? existing : ep.peerIndex(this.addr, true);
    if (p < 0) return false;
    this.pullPeer = p;
    this.ownPeer = c.serverIndexByPeer(p) < 0 && p !== c.bsPeer;
    if (!this.ownPeer) return this.uri.scheme === UriScheme.Coap ? ep.channel(p) === null : ep.channel(p) !== null;
    if (this.uri.scheme === UriScheme.Coap) { ep.setSecurity(p, null, this.meta, 0, 0, this.meta, 0, 0); return true; }
    // coaps://: the PSK of the server account whose host this is.
    let sec = -1;
    for (let s = 0; s < c.nServers && sec < 0; s++) {
      if (c.srv[s * Sv.SIZE + Sv.USED] === 0) continue;
      const sp = c.serverPeer(s);
      if (sp >= 0 && sameHost(ep.peers[sp], this.addr)) sec = c.srv[s * Sv.SIZE + Sv.SEC];
    }
    if (sec < 0) return false;
    const t = c.table;
    if (t.getValue(0, sec, 3, NONE, c.rec) !== 0 || t.getValue(0, sec, 5, NONE, c.rec2) !== 0) return false;
    const d = this.spareSession();
    if (d < 0) return false;
    return ep.setSecurity(p, c.dtls[d], c.rec.buf, c.rec.off, c.rec.len, c.rec2.buf, c.rec2.off, c.rec2.len) === 0;
  }

  /** A DTLS session no peer uses, -1 when all are taken (config.dtlsSessions). */
  private spareSession(): number {
    const c = this.c, ep = c.ep;
    for (let d = 0; d < c.dtls.length; d++) {
      let used = false;
      for (let j = 0; j < ep.peers.length && !used; j++) if (ep.channel(j) === c.dtls[d]) used = true;
      if (!used && !(d === c.dtls.length - 1 && c.bsSec >= 0)) return d;
    }
    return -1;
  }

  /** GET of the URI's path and query with Block2 (offset / block size, our size). */
  private sendGet(): void {
    const c = this.c, ep = c.ep;
    if (this.uriLength() === 0) { this.fail(FwResult.INVALID_URI); return; }
    const b = this.rec.buf, u = this.uri;
    if (parseUri(b, this.rec.off, this.rec.len, u) !== 0) { this.fail(FwResult.INVALID_URI); return; }
    if (this.pullPeer < 0) {
      if (!c.resolveUriHost(b, u, this.addr)) { this.fail(FwResult.INVALID_URI); return; }
      if (!this.openPull()) { this.fail(FwResult.CONNECTION_LOST); return; }
    }
    const k = ep.beginRequest(this.pullPeer, MsgType.CON, Code.GET, Tag.FIRMWARE * 256);
    if (k < 0) { this.retryAt = c.now + c.config.ackTimeout; return; }
    const w = ep.w;
    // Uri-Path segments ("/" separated; none for "" or "/"), then Uri-Query ones ("&" separated):
    // RFC 7252 §6.4. No percent-decoding: firmware URIs are plain.
    const end = u.pathOff + u.pathLen;
    let q = u.pathOff;
    while (q < end && b[q] !== 0x3f) q++;
    let s = u.pathOff + 1;
    if (q - u.pathOff > 1) {
      for (let j = s; j <= q; j++) {
        if (j === q || b[j] === 0x2f) { w.option(Opt.URI_PATH, b, s, j - s); s = j + 1; }
      }
    }
    if (q < end) {
      s = q + 1;
      for (let j = s; j <= end; j++) {
        if (j === end || b[j] === 0x26) { w.option(Opt.URI_QUERY, b, s, j - s); s = j + 1; }
      }
    }
    const size = 16 << this.pullSzx;
    w.optionUint(Opt.BLOCK2, (this.offset / size) * 16 + this.pullSzx);
    if (ep.commit(k) < 0) { this.fail(FwResult.INVALID_URI); return; }
    this.pullSlot = k;
    this.pullSent = c.now;
  }

  /** A response to our GET (Tag.FIRMWARE). */
  onResponse(res: CoapMessage): void {
    this.pullSlot = -1;
    if (this.mode !== Mode.PULL || this.state !== FwState.DOWNLOADING) return;
    // 4.04 (and other 4.xx about the URI) → Invalid URI, as Anjay; the rest → Connection lost.
    if (res.code !== Code.CONTENT) {
      this.fail(res.code === Code.NOT_FOUND || res.code === Code.BAD_REQUEST || res.code === Code.BAD_OPTION ? FwResult.INVALID_URI : FwResult.CONNECTION_LOST);
      return;
    }
    this.retries = 0;
    // ETag (RFC 7252 §5.10.6): the first one is kept (with the staged image: a reboot resumes with
    // it); a different one means the image changed under us — the download fails (Update Result 4),
    // as Anjay's does without its retry-on-expired option.
    const e = res.find(Opt.ETAG, 0);
    const elen = e >= 0 ? res.optLen[e] : 0;
    if (this.etagLen < 0) {
      this.etagLen = elen;
      for (let j = 0; j < elen; j++) this.meta[2 + j] = res.buf[res.optOff[e] + j];
      this.saveMeta();
    } else {
      let same = elen === this.etagLen;
      for (let j = 0; j < elen && same; j++) if (this.meta[2 + j] !== res.buf[res.optOff[e] + j]) same = false;
      if (!same && this.resuming) {
        // Resumed after a reboot, and the server's ETag is another: the image (or just the server's
        // ETag: libcoap's coap-server numbers them per client session) may have changed while we were
        // off. Start again from block 0 rather than mix two images.
        this.resuming = false;
        if (this.store.begin(-1) < 0) { this.fail(FwResult.NO_STORAGE); return; }
        this.offset = 0; this.etagLen = -1;
        this.saveMeta();
        this.retryAt = this.c.now;
        return;
      }
      if (!same) { this.fail(FwResult.CONNECTION_LOST); return; }
    }
    this.resuming = false;
    let num = 0, more = 0, szx = this.pullSzx;
    if (res.block2 >= 0) { num = res.block2 >>> 4; more = (res.block2 >> 3) & 1; szx = res.block2 & 7; }
    else if (this.offset !== 0) { this.fail(FwResult.CONNECTION_LOST); return; } // the whole body again: not resumable
    if (szx === 7) { this.fail(FwResult.CONNECTION_LOST); return; }
    const size = 16 << szx, at = num * size, len = res.payloadLen;
    if (at !== this.offset) { this.fail(FwResult.CONNECTION_LOST); return; }
    if (at === 0 && res.size2 > this.store.maxSize) { this.fail(FwResult.NO_STORAGE); return; }
    if (at + len > this.store.maxSize) { this.fail(FwResult.NO_STORAGE); return; }
    if (len > 0) {
      const rc = this.store.write(at, res.buf, res.payloadOff, len);
      if (rc < 0) { this.fail(-rc); return; }
    }
    this.offset = at + len; this.blocks++;
    if (szx !== this.pullSzx) { this.pullSzx = szx; this.saveMeta(); } // the server's smaller size (RFC 7959 §2.4)
    if (!more) { this.downloaded(); return; }
    if (len !== size) { this.fail(FwResult.CONNECTION_LOST); return; } // a short block with more to come
    this.sendGet();
  }

  /** Our GET failed in the message layer: retried (the block again, after a pause that doubles),
   *  then Update Result 4. */
  onFailure(reason: number): void {
    this.pullSlot = -1;
    if (this.mode !== Mode.PULL || this.state !== FwState.DOWNLOADING) return;
    if (this.retries >= PULL_RETRIES) { this.fail(FwResult.CONNECTION_LOST); return; }
    this.retryAt = this.c.now + this.c.config.ackTimeout * (1 << this.retries);
    this.retries++;
    void reason;
  }
}

/** The same IP address (any port). */
function sameHost(a: PeerAddress, b: PeerAddress): boolean {
  if (a.family !== b.family) return false;
  const n = a.family === 4 ? 4 : 16;
  for (let j = 0; j < n; j++) if (a.addr[j] !== b.addr[j]) return false;
  return true;
}

function failCode(res: MessageWriter, code: number): number {
  res.setCode(code);
  return Reply.RESPOND;
}

/** RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) "://"` — a URI with a scheme (one
 *  parseUri refused: not coap/coaps, or coap with a bad authority: those are "invalid"). */
function hasScheme(b: Uint8Array, off: number, len: number): boolean {
  let k = off;
  const end = off + len;
  const first = b[k] | 0x20;
  if (first < 0x61 || first > 0x7a) return false;
  while (k < end) {
    const ch = b[k];
    if (ch === 0x3a) break;
    const l = ch | 0x20;
    if (!((l >= 0x61 && l <= 0x7a) || (ch >= 0x30 && ch <= 0x39) || ch === 0x2b || ch === 0x2d || ch === 0x2e)) return false;
    k++;
  }
  if (k + 3 > end || b[k + 1] !== 0x2f || b[k + 2] !== 0x2f) return false;
  // "coap://" / "coaps://" themselves: the scheme is ours, the rest did not parse → Invalid URI.
  const n = k - off;
  if ((n === 4 || n === 5) && (b[off] | 0x20) === 0x63 && (b[off + 1] | 0x20) === 0x6f && (b[off + 2] | 0x20) === 0x61 &&
      (b[off + 3] | 0x20) === 0x70 && (n === 4 || (b[off + 4] | 0x20) === 0x73)) return false;
  return true;
}
