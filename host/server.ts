// A small LwM2M server for the host (LwM2M TS Core 1.1: the Registration interface, server side, and
// Device Management & Information Reporting as the caller), built on the project's own CoAP engine
// (src/coap/endpoint.ts) over the Node HAL. Host code: it allocates freely.
//
// Also here, shared with host/bootstrap-server.ts: `CoapHost` (an Endpoint + NodeHal + Driver with
// promise-based requests) and the payload helpers that turn JS values into TLV / SenML / text
// payloads and back (using the codecs in src/formats, typed by the generated object definitions).
import { FirmwareFiles, fwPush, fwPull } from './firmware-server.js';
import { EventEmitter } from 'node:events';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createInterface, Interface } from 'node:readline';
import { Endpoint, EndpointHandler, Failure, Reply, Rx } from '../src/coap/endpoint.js';
import { CoapMessage, MessageWriter, MsgType } from '../src/coap/message.js';
import { Code, codeString } from '../src/coap/codes.js';
import { Opt } from '../src/coap/option.js';
import { PeerAddress, formatAddress, parseAddress } from '../src/coap/peer.js';
import { makeConfig, maxTransmitWait } from '../src/config.js';
import { ContentFormat } from '../src/formats/content-format.js';
import { DataRecord, ValueType } from '../src/model/record.js';
import type { PayloadDecoder, PayloadEncoder } from '../src/formats/codec.js';
import { encoderFor, decoderFor } from '../src/formats/registry.js';
import { coerceRecord } from '../src/formats/coerce.js';
import { REGISTRY_DEFS } from '../src/objects/defs.generated.js';
import type { ObjectDef } from '../src/model/defs.js';
import { NodeHal } from '../hal/node/hal.js';
import { Driver } from '../hal/node/driver.js';
import type { SansIoCore } from '../hal/hal.js';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// ------------------------------------------------------------------------------------ paths, values

/** A JS value as the host tools show it. ObjLnk as "o:i", Opaque as Uint8Array, none as null. */
export type Lwm2mValue = number | string | boolean | Uint8Array | null;
export interface PlainRecord { path: string; value: Lwm2mValue }

/** "/3/0/1" → [3, 0, 1]; "/" → []. Throws on anything else. */
export function parsePath(path: string): number[] {
  if (path === '/' || path === '') return [];
  const m = /^\/?(\d{1,5}(?:\/\d{1,5}){0,3})\/?$/.exec(path);
  if (!m) throw new Error(`bad LwM2M path "${path}" (expected /o, /o/i, /o/i/r or /o/i/r/ri)`);
  const p = m[1].split('/').map(Number);
  if (p.some((n) => n > 65535)) throw new Error(`bad LwM2M path "${path}": ids are 0–65535`);
  return p;
}

export function pathText(p: readonly number[]): string { return '/' + p.join('/'); }

function at(p: readonly number[], k: number): number { return k < p.length ? p[k] : -1; }

const DEFS = new Map<number, ObjectDef>(REGISTRY_DEFS.map((d) => [d.id, d]));

/** The declared type of a resource, or None when unknown. */
export function resourceType(o: number, r: number): ValueType {
  const d = DEFS.get(o);
  if (!d) return ValueType.None;
  for (const res of d.resources) if (res.id === r) return res.type;
  return ValueType.None;
}

/** Content-Format names accepted by the API and the console. */
export function formatNumber(f: string | number | undefined, dflt: number): number {
  if (f === undefined) return dflt;
  if (typeof f === 'number') return f;
  switch (f.toLowerCase()) {
    case 'tlv': return ContentFormat.TLV;
    case 'senml-json': case 'json': return ContentFormat.SENML_JSON;
    case 'senml-cbor': case 'cbor': return ContentFormat.SENML_CBOR;
    case 'lwm2m-cbor': return ContentFormat.LWM2M_CBOR;
    case 'text': return ContentFormat.TEXT;
    case 'opaque': return ContentFormat.OPAQUE;
    case 'link': return ContentFormat.LINK_FORMAT;
  }
  if (/^\d+$/.test(f)) return +f;
  throw new Error(`unknown content format "${f}" (tlv, senml-json, senml-cbor, lwm2m-cbor, text, opaque or a number)`);
}

/** The name of a Content-Format as the host tools print it: TLV, SenML JSON, SenML CBOR, LwM2M CBOR,
 *  text, opaque, link format, or the number; a payload without the option is read as text. */
export function formatName(cf: number): string {
  switch (cf) {
    case -1: return 'text (no Content-Format)';
    case ContentFormat.TLV: return 'TLV';
    case ContentFormat.SENML_JSON: return 'SenML JSON';
    case ContentFormat.SENML_CBOR: return 'SenML CBOR';
    case ContentFormat.LWM2M_CBOR: return 'LwM2M CBOR';
    case ContentFormat.TEXT: return 'text';
    case ContentFormat.OPAQUE: return 'opaque';
    case ContentFormat.LINK_FORMAT: return 'link format';
    default: return `Content-Format ${cf}`;
  }
}

/** Whether a console word names a content format. */
export function isFormatName(w: string): boolean {
  try { formatNumber(w, 0); return !/^\d+$/.test(w) || encoderFor(+w) !== null; } catch { return false; }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A decoded record as a JS value (typed by the object definitions where the format has no types). */
function recordValue(rec: DataRecord): Lwm2mValue {
  if (rec.type === ValueType.Raw && rec.r >= 0) {
    const t = resourceType(rec.o, rec.r);
    if (t !== ValueType.None && coerceRecord(rec, t) === 0) return recordValue(rec);
    // Unknown resource: text as a number when it reads as one; TLV of 1/2/4/8 bytes as an integer
    // unless it is printable text.
    const bytes = rec.buf.subarray(rec.off, rec.off + rec.len);
    const s = utf8.decode(bytes);
    const printable = /^[\x20-\x7e]*$/.test(s);
    if (rec.rawFormat === ContentFormat.TEXT) return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s) ? Number(s) : s;
    if (printable && rec.len > 0 && !(rec.len === 1 && bytes[0] < 0x20)) return s;
    if ((rec.len === 1 || rec.len === 2 || rec.len === 4 || rec.len === 8) && coerceRecord(rec, ValueType.Integer) === 0) return rec.num;
    return new Uint8Array(bytes);
  }
  switch (rec.type) {
    case ValueType.None: return null;
    case ValueType.String: case ValueType.CoreLnk: return utf8.decode(rec.buf.subarray(rec.off, rec.off + rec.len));
    case ValueType.Opaque: case ValueType.Raw: return new Uint8Array(rec.buf.subarray(rec.off, rec.off + rec.len));
    case ValueType.Boolean: return rec.num !== 0;
    case ValueType.ObjLnk: return `${rec.lnkO}:${rec.lnkI}`;
    default: return rec.num;
  }
}

function recPath(rec: DataRecord): string {
  const p = [rec.o, rec.i, rec.r, rec.ri].filter((x) => x >= 0);
  return pathText(p);
}

/** Decodes a payload of the given Content-Format for a request on `path` into plain records.
 *  Throws with a message on a malformed payload. */
export function decodePayload(cf: number, payload: Uint8Array, path: readonly number[]): PlainRecord[] {
  if (payload.length === 0) return [];
  const dec: PayloadDecoder | null = decoderFor(cf);
  if (!dec) throw new Error(`cannot decode content format ${cf}`);
  const buf = new Uint8Array(payload); // decoders may work in place (base64, escapes)
  const r0 = dec.begin(buf, 0, buf.length, at(path, 0), at(path, 1), at(path, 2), at(path, 3));
  if (r0 < 0) throw new Error(`payload rejected (${codeString(-r0)}) for ${pathText(path)}`);
  const out: PlainRecord[] = [];
  const rec = new DataRecord();
  for (let guard = 0; guard < 100000; guard++) {
    rec.clear();
    const n = dec.next(rec);
    if (n === 0) break;
    if (n < 0) throw new Error(`malformed payload (content format ${cf})`);
    out.push({ path: recPath(rec), value: recordValue(rec) });
  }
  return out;
}

const te = new TextEncoder();

function fillRecord(rec: DataRecord, p: readonly number[], v: Lwm2mValue | bigint | Buffer, typeHint: ValueType): void {
  rec.clear();
  rec.o = at(p, 0); rec.i = at(p, 1); rec.r = at(p, 2); rec.ri = at(p, 3);
  let t = typeHint !== ValueType.None ? typeHint : resourceType(rec.o, rec.r);
  if (t === ValueType.None || t === ValueType.Raw) {
    t = v instanceof Uint8Array ? ValueType.Opaque : typeof v === 'boolean' ? ValueType.Boolean
      : typeof v === 'number' ? (Number.isInteger(v) ? ValueType.Integer : ValueType.Float)
      : typeof v === 'string' && /^\d+:\d+$/.test(v) ? ValueType.ObjLnk : ValueType.String;
  }
  rec.type = t;
  switch (t) {
    case ValueType.String: case ValueType.CoreLnk: {
      const b = te.encode(String(v)); rec.buf = b; rec.off = 0; rec.len = b.length; break;
    }
    case ValueType.Opaque: {
      const b = v instanceof Uint8Array ? v : typeof v === 'string' ? (/^([0-9a-fA-F]{2})*$/.test(v) ? Buffer.from(v, 'hex') : te.encode(v)) : new Uint8Array(0);
      rec.buf = b; rec.off = 0; rec.len = b.length; break;
    }
    case ValueType.Boolean: rec.num = v === true || v === 1 || v === 'true' || v === '1' ? 1 : 0; break;
    case ValueType.ObjLnk: {
      const m = /^(\d+):(\d+)$/.exec(String(v));
      if (!m) throw new Error(`object link value "${String(v)}" must be "o:i"`);
      rec.lnkO = +m[1]; rec.lnkI = +m[2]; break;
    }
    default: {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`value "${String(v)}" for ${recPath(rec)} is not a number`);
      rec.num = n;
    }
  }
}

/** Values to write: one value for `path`, or a map of absolute paths to values. */
export type WriteValues = Lwm2mValue | Record<string, Lwm2mValue> | PlainRecord[];

function toRecords(path: readonly number[], v: WriteValues): { p: number[]; v: Lwm2mValue }[] {
  let list: { p: number[]; v: Lwm2mValue }[];
  if (Array.isArray(v)) list = v.map((r) => ({ p: parsePath(r.path), v: r.value }));
  else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    list = Object.entries(v).map(([k, x]) => ({ p: parsePath(k.startsWith('/') ? k : pathText(path) + '/' + k), v: x }));
  } else list = [{ p: [...path], v }];
  const cmp = (a: number[], b: number[]) => { for (let k = 0; k < 4; k++) { const d = at(a, k) - at(b, k); if (d) return d; } return 0; };
  return list.sort((a, b) => cmp(a.p, b.p));
}

/** Encodes values for a request on `path` in Content-Format `cf`. Throws with a message on failure. */
export function encodePayload(cf: number, path: readonly number[], values: WriteValues, cap = 1300,
  types?: Record<string, ValueType>): Uint8Array {
  const enc: PayloadEncoder | null = encoderFor(cf);
  if (!enc) throw new Error(`cannot encode content format ${cf}`);
  const out = new Uint8Array(cap);
  enc.begin(out, 0, cap, at(path, 0), at(path, 1), at(path, 2), at(path, 3));
  const rec = new DataRecord();
  for (const { p, v } of toRecords(path, values)) {
    fillRecord(rec, p, v, types?.[pathText(p)] ?? ValueType.None);
    const r = enc.add(rec);
    if (r < 0) throw new Error(`cannot encode ${pathText(p)} in content format ${cf} (${codeString(-r)})`);
  }
  const n = enc.end();
  if (n < 0) throw new Error(`cannot encode payload in content format ${cf} (${codeString(-n)})`);
  return out.slice(0, n);
}

// ------------------------------------------------------------------------------------ link format

export interface Link { path: string; attrs: Record<string, string | true> }

/** Parses a CoRE link-format payload (RFC 6690), tolerant: bad entries are skipped. */
export function parseLinks(text: string): Link[] {
  const out: Link[] = [];
  let k = 0;
  const n = text.length;
  while (k < n) {
    while (k < n && (text[k] === ',' || text[k] === ' ' || text[k] === '\n' || text[k] === '\r')) k++;
    if (k >= n) break;
    if (text[k] !== '<') { const c = text.indexOf(',', k); k = c < 0 ? n : c + 1; continue; }
    const close = text.indexOf('>', k);
    if (close < 0) break;
    const link: Link = { path: text.slice(k + 1, close), attrs: {} };
    k = close + 1;
    while (k < n && text[k] === ';') {
      k++;
      let name = '';
      while (k < n && /[^=;,]/.test(text[k])) name += text[k++];
      name = name.trim();
      if (k < n && text[k] === '=') {
        k++;
        let val = '';
        if (text[k] === '"') {
          k++;
          while (k < n && text[k] !== '"') { if (text[k] === '\\' && k + 1 < n) k++; val += text[k++]; }
          k++;
        } else while (k < n && text[k] !== ';' && text[k] !== ',') val += text[k++];
        if (name) link.attrs[name] = val;
      } else if (name) link.attrs[name] = true;
    }
    out.push(link);
  }
  return out;
}

// ------------------------------------------------------------------------------------ the CoAP host

export interface CoapResponse {
  code: number;
  /** "2.05" */
  codeText: string;
  contentFormat: number;
  payload: Uint8Array;
  observe: number;
  locationPath: string[];
  /** True when the exchange failed without a response (timeout or RST); code is then 0. */
  /** timeout: no answer; reset: an RST; cancelled: the client registered anew, de-registered or
   *  expired while it was pending (the request was for a registration that is gone). */
  failed?: 'timeout' | 'reset' | 'cancelled';
}

export interface RequestSpec {
  code: number;
  type?: MsgType;
  path: readonly (number | string)[];
  query?: string[];
  accept?: number;
  contentFormat?: number;
  observe?: number;
  /** Block options (RFC 7959) and Size1, for firmware pushes (host/firmware-server.ts). */
  block2?: number;
  block1?: number;
  size1?: number;
  payload?: Uint8Array;
}

interface Pending { resolve: (r: CoapResponse) => void; slot: number; timer: NodeJS.Timeout | null; peer: number }

function optionText(m: CoapMessage, k: number): string {
  return utf8.decode(m.buf.subarray(m.optOff[k], m.optOff[k] + m.optLen[k]));
}

export function responseOf(m: CoapMessage): CoapResponse {
  const loc: string[] = [];
  for (let k = 0; k < m.optCount; k++) if (m.optNum[k] === Opt.LOCATION_PATH) loc.push(optionText(m, k));
  return {
    code: m.code, codeText: codeString(m.code), contentFormat: m.contentFormat, observe: m.observe,
    payload: new Uint8Array(m.buf.subarray(m.payloadOff, m.payloadOff + m.payloadLen)), locationPath: loc,
  };
}

export function uriPath(m: CoapMessage): string[] {
  const out: string[] = [];
  for (let k = 0; k < m.optCount; k++) if (m.optNum[k] === Opt.URI_PATH) out.push(optionText(m, k));
  return out;
}

export function uriQuery(m: CoapMessage): Map<string, string | true> {
  const q = new Map<string, string | true>();
  for (let k = 0; k < m.optCount; k++) {
    if (m.optNum[k] !== Opt.URI_QUERY) continue;
    const s = optionText(m, k);
    const eq = s.indexOf('=');
    if (eq < 0) q.set(s, true); else q.set(s.slice(0, eq), s.slice(eq + 1));
  }
  return q;
}

export function tokenHex(m: CoapMessage): string {
  return Buffer.from(m.token.subarray(0, m.tokenLen)).toString('hex');
}

export interface HostOptions {
  port?: number;
  address?: string;
  /** One readable line per step; default prints to stdout. Pass `() => {}` to silence. */
  log?: (line: string) => void;
  /** Serve CoAP over DTLS 1.2 with a pre-shared key (TLS_PSK_WITH_AES_128_CCM_8) instead of plain
   *  CoAP: one identity and hex key, or a map identity → hex key. */
  psk?: { pskIdentity: string; pskKey: string } | Record<string, string>;
  /** How long a request waits for its response, in ms, whatever the exchange did (an empty ACK
   *  included): default MAX_TRANSMIT_WAIT, ~93 s with the RFC 7252 defaults. */
  requestTimeoutMs?: number;
  /** Peers (client addresses) the host keeps at once; default 4096 (a host, not a device). */
  maxPeers?: number;
}

/** A line printer (a console's print). */
export type Sink = (line: string) => void;

/** A timestamped line on stdout: the host tools' default log. */
export function stampedLine(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/** The host tools' CoAP stack: one Endpoint on one UDP socket, requests as promises. */
export class CoapHost extends EventEmitter implements EndpointHandler {
  readonly ep: Endpoint;
  readonly hal: NodeHal;
  readonly drv: Driver;
  readonly log: (line: string) => void;
  private readonly pending = new Map<number, Pending>();
  private nextTag = 1;
  protected closed = false;
  private readonly addr = new PeerAddress();

  /** The DTLS layer when serving coaps:// (HostOptions.psk), else null. */
  readonly dtls: DtlsPskLayer | null;

  /** See HostOptions.requestTimeoutMs. */
  readonly requestTimeoutMs: number;
  private lastRefusalLog = -Infinity;
  /** Datagrams dropped because the peer table was full (each logged, at most one line a second). */
  refused = 0;
  /** Duplicates of a response already matched to its request (a piggybacked ACK sent again when our
   *  request was retransmitted): nothing is sent for them (RFC 7252 §4.2) and nothing is logged. */
  duplicateResponses = 0;
  /** Responses matched lately, by peer and token, for telling a duplicate ACK from a stray one. */
  private readonly matched = new Map<string, number>();
  /** Where the result lines of operations started inside reportingTo() go (a console's print). */
  private readonly sink = new AsyncLocalStorage<(line: string) => void>();

  protected constructor(hal: NodeHal, o: HostOptions) {
    super();
    this.hal = hal;
    const log = o.log ?? stampedLine;
    this.log = log;
    const seed = new Uint8Array(16);
    hal.random(seed, 0, 16);
    // Sized for a host serving many clients (the device defaults are for one or two servers).
    const peers = o.maxPeers ?? 4096;
    const config = makeConfig({ maxPeers: peers, maxServers: 1, requestRingDepth: 1024, responseRingDepth: 1024, dedupEntries: Math.max(64, peers), maxDatagram: 1400 });
    this.requestTimeoutMs = o.requestTimeoutMs ?? maxTransmitWait(config);
    this.ep = new Endpoint(config, this, seed);
    this.dtls = o.psk ? new DtlsPskLayer(this.ep, pskTable(o.psk), log) : null;
    const inner: SansIoCore = this.dtls ?? this.ep;
    // A datagram refused for lack of room is logged, never silently lost.
    const core: SansIoCore = {
      receive: (buf, off, len, from, now) => {
        const r = inner.receive(buf, off, len, from, now);
        if (r === Rx.NO_PEER) this.refusal(from);
        return r;
      },
      transmit: (out, at) => inner.transmit(out, at),
      poll: (now) => inner.poll(now),
      get txPeer() { return inner.txPeer; },
    };
    this.drv = new Driver(core, hal, config.maxDatagram + 64);
    this.drv.pump();
  }

  /** The prefix of this host's log lines. */
  protected get role(): string { return 'host'; }

  /** Runs `fn` with the result line of every operation it starts going to `print` instead of the log
   *  (a console prints each result once, as its answer; observations started inside keep printing
   *  their notifications there). */
  reportingTo<T>(print: (line: string) => void, fn: () => Promise<T>): Promise<T> { return this.sink.run(print, fn); }

  /** The print of the reportingTo() the caller runs in, if any. */
  protected get reportSink(): Sink | null { return this.sink.getStore() ?? null; }

  /** A result line: to `to` (a console's print), to the log when `to` is null, and by default to the
   *  print of the reportingTo() the caller runs in, else the log (prefixed with this host's role). */
  protected report(line: string, to?: Sink | null): void {
    const print = to === undefined ? this.sink.getStore() : to;
    if (print) print(line); else this.log(`${this.role}: ${line}`);
  }

  private refusal(from: PeerAddress): void {
    this.refused++;
    const now = Date.now();
    if (now - this.lastRefusalLog < 1000) return;
    this.lastRefusalLog = now;
    this.log(`${this.role}: peer table full (${this.ep.peers.length} clients in use): datagram from ${formatAddress(from)}:${from.port} dropped (${this.refused} so far)`);
  }

  protected static async openHal(o: HostOptions): Promise<NodeHal> {
    return NodeHal.open({ address: o.address ?? '127.0.0.1', port: o.port ?? 0, logLevel: 0 });
  }

  get port(): number { return this.hal.port; }
  get address(): string { return this.hal.socket.address().address; }

  /** The peer index of a literal address and port (pinned: kept while we talk to it). */
  peerOf(address: string, port: number, pin = true): number {
    if (!parseAddress(address, port, this.addr)) throw new Error(`not an IP address: ${address}`);
    const p = this.ep.peerIndex(this.addr, pin);
    if (p < 0) throw new Error('peer table full');
    return p;
  }

  peerText(p: number): string {
    const a = this.ep.peers[p];
    return a.family === 6 ? `[${formatAddress(a)}]:${a.port}` : `${formatAddress(a)}:${a.port}`;
  }

  /** Sends a request to peer p; resolves with its response (or a failure record; never rejects for the
   *  network). `onToken` receives the token (hex) as soon as it is chosen. */
  request(p: number, spec: RequestSpec, onToken?: (tok: string) => void): Promise<CoapResponse> {
    if (this.closed) return Promise.reject(new Error('closed'));
    const tag = this.nextTag++;
    if (this.nextTag > 0x7fffffff) this.nextTag = 1;
    const ep = this.ep;
    const k = ep.beginRequest(p, spec.type ?? MsgType.CON, spec.code, tag);
    if (k < 0) return Promise.reject(new Error('too many requests in flight (response ring full)'));
    const w = ep.w;
    if (spec.observe !== undefined) w.optionUint(Opt.OBSERVE, spec.observe);
    for (const seg of spec.path) { const b = te.encode(String(seg)); w.option(Opt.URI_PATH, b, 0, b.length); }
    if (spec.contentFormat !== undefined && spec.contentFormat >= 0) w.optionUint(Opt.CONTENT_FORMAT, spec.contentFormat);
    for (const q of spec.query ?? []) { const b = te.encode(q); w.option(Opt.URI_QUERY, b, 0, b.length); }
    if (spec.accept !== undefined && spec.accept >= 0) w.optionUint(Opt.ACCEPT, spec.accept);
    if (spec.block2 !== undefined) w.optionUint(Opt.BLOCK2, spec.block2);
    if (spec.block1 !== undefined) w.optionUint(Opt.BLOCK1, spec.block1);
    if (spec.size1 !== undefined) w.optionUint(Opt.SIZE1, spec.size1);
    if (spec.payload && spec.payload.length) w.payload(spec.payload, 0, spec.payload.length);
    const tok = new Uint8Array(8);
    const tl = ep.slotToken(k, tok, 0);
    if (ep.commit(k) < 0) return Promise.reject(new Error('request does not fit in one datagram (block-wise is not supported here)'));
    const promise = new Promise<CoapResponse>((resolve) => {
      // The same bound for every request: a client that only ACKs (or never answers) is a timeout
      // after MAX_TRANSMIT_WAIT, not after EXCHANGE_LIFETIME of a separate response never sent.
      const timer = setTimeout(() => { const q = this.pending.get(tag); if (q) { this.ep.cancel(q.slot); this.onFailure(tag, Failure.TIMEOUT); } }, this.requestTimeoutMs);
      this.pending.set(tag, { resolve, slot: k, timer, peer: p });
    });
    onToken?.(Buffer.from(tok.subarray(0, tl)).toString('hex'));
    this.drv.pump();
    return promise;
  }

  // EndpointHandler ---------------------------------------------------------------------------
  accept(): boolean { return !this.closed; }

  onRequest(req: CoapMessage, peer: number, res: MessageWriter): number {
    try {
      return this.handleRequest(req, peer, res);
    } catch (e) {
      this.log(`error handling a request from ${this.peerText(peer)}: ${(e as Error).message}`);
      res.setCode(Code.INTERNAL_SERVER_ERROR);
      return Reply.RESPOND;
    }
  }

  /** Requests to this host; the default answers 4.04. */
  protected handleRequest(_req: CoapMessage, _peer: number, res: MessageWriter): number {
    res.setCode(Code.NOT_FOUND);
    return Reply.RESPOND;
  }

  onResponse(tag: number, res: CoapMessage, peer: number): void {
    this.noteMatched(peer, res);
    const p = this.pending.get(tag);
    if (!p) return;
    this.pending.delete(tag);
    if (p.timer) clearTimeout(p.timer);
    let r: CoapResponse;
    try { r = responseOf(res); } catch { r = { code: res.code, codeText: codeString(res.code), contentFormat: -1, payload: new Uint8Array(0), observe: -1, locationPath: [] }; }
    p.resolve(r);
  }

  onUnmatchedResponse(res: CoapMessage, peer: number): boolean {
    try { return this.handleUnmatched(res, peer); } catch (e) {
      this.log(`error handling a response from ${this.peerText(peer)}: ${(e as Error).message}`);
      return false;
    }
  }

  protected handleUnmatched(_res: CoapMessage, _peer: number): boolean { return false; }

  private noteMatched(peer: number, res: CoapMessage): void {
    const now = Date.now();
    this.matched.set(peer + ' ' + tokenHex(res), now);
    // EXCHANGE_LIFETIME (~247 s) bounds how late a duplicate can come; a host tool keeps at most 4096.
    for (const [k, t] of this.matched) { if (this.matched.size > 4096 || now - t > 247_000) this.matched.delete(k); else break; }
  }

  /** Whether an unmatched response duplicates one matched lately (same peer and token): a
   *  piggybacked ACK the client sent again for our retransmitted request. */
  protected isDuplicateResponse(res: CoapMessage, peer: number): boolean {
    return res.type === MsgType.ACK && this.matched.has(peer + ' ' + tokenHex(res));
  }

  /** How an unmatched response we reject is answered, for the log (Endpoint.receiveResponse): a CON
   *  or NON gets RST, an ACK nothing (RFC 7252 §4.2: an ACK is never answered). */
  protected static rejection(res: CoapMessage): string {
    return res.type === MsgType.ACK ? ': ignored (nothing is sent for an ACK)' : ' → RST';
  }

  onDelivered(_tag: number, _peer: number): void { /* our only CON with a token of the peer's: a separate response (tag -1) */ }

  onFailure(tag: number, reason: number): void {
    const p = this.pending.get(tag);
    if (!p) return;
    this.pending.delete(tag);
    if (p.timer) clearTimeout(p.timer);
    p.resolve({ code: 0, codeText: reason === Failure.RESET ? 'RST' : 'timeout', contentFormat: -1, payload: new Uint8Array(0),
      observe: -1, locationPath: [], failed: reason === Failure.RESET ? 'reset' : 'timeout' });
  }

  /** Sends a message with a given token: NON by default (an observe cancel that must reuse the
   *  token), or CON (a separate response, RFC 7252 §5.2.2: the Endpoint retransmits it until ACKed). */
  protected sendWithToken(p: number, code: number, token: Uint8Array, build: (w: MessageWriter) => void, type: MsgType = MsgType.NON): boolean {
    const k = this.ep.beginNotify(p, type, code, token, 0, token.length, -1);
    if (k < 0) return false;
    build(this.ep.w);
    const ok = this.ep.commit(k) === 0;
    this.drv.pump();
    return ok;
  }

  /** Ends every request pending to peer p (each resolves as `failed: 'cancelled'`) and drops its
   *  messages from the ring: a registration that is gone will not answer them, and with NSTART 1 an
   *  unanswerable one (a NON waiting out NON_LIFETIME, a CON retransmitting into a session the
   *  client has replaced) would hold back every request to the client's new registration.
   *  Leshan's server does the same: it cancels a registration's pending requests when the
   *  registration is removed or replaced. Returns how many were pending. */
  cancelRequestsTo(p: number): number {
    let n = 0;
    for (const [tag, q] of [...this.pending]) {
      if (q.peer !== p) continue;
      this.pending.delete(tag);
      if (q.timer) clearTimeout(q.timer);
      this.ep.cancel(q.slot);
      q.resolve({ code: 0, codeText: 'cancelled', contentFormat: -1, payload: new Uint8Array(0), observe: -1, locationPath: [], failed: 'cancelled' });
      n++;
    }
    return n;
  }

  /** Same as stop(). */
  close(): Promise<void> { return this.stop(); }

  /** Stops the socket; pending requests resolve as `failed: 'cancelled'` (cut short, not a client
   *  that did not answer). */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.drv.stop();
    this.hal.close();
    for (const p of new Set([...this.pending.values()].map((q) => q.peer))) this.cancelRequestsTo(p);
  }
}

// ------------------------------------------------------------------------------------ the LwM2M server

export interface Registration {
  id: string;
  endpoint: string;
  lifetime: number;
  lwm2m: string;
  binding: string;
  queueMode: boolean;
  sms?: string;
  /** Object links from the payload, e.g. { path: "/3/0", attrs: {} }. */
  objects: Link[];
  /** Alternate root path (a link with rt="oma.lwm2m"), "" when none. */
  rootPath: string;
  /** Content-Formats the client announced (ct= on its root link, TS Core 1.1 §6.2.1.1), in its order;
   *  empty when it announced none. */
  formats: number[];
  address: string;
  port: number;
  peer: number;
  registeredAt: number;
  updatedAt: number;
  /** Last time (Date.now()) the client was heard from: Register, Update, or a response. */
  lastSeen: number;
  expiresAt: number;
}

export interface Lwm2mResponse extends CoapResponse {
  ok: boolean;
  /** Decoded records (read, observe, composite). */
  records?: PlainRecord[];
  /** The value at the requested path when exactly one record sits there; else a map path → value. */
  value?: Lwm2mValue | Record<string, Lwm2mValue>;
  /** Link-format payload parsed (discover). */
  links?: Link[];
  /** text of the payload for link-format / text responses */
  text?: string;
  /** A decoding problem (the raw payload is still there). */
  decodeError?: string;
}

export interface WriteOptions {
  /** tlv (default), senml-json, senml-cbor, text, opaque, or a Content-Format number. */
  format?: string | number;
  /** POST (partial update) instead of PUT (replace). */
  partial?: boolean;
  /** Value types by absolute path, for resources the object definitions do not know (a declared
   *  type wins): e.g. Float for a whole number that must go as a TLV float. */
  types?: Record<string, ValueType>;
}

export interface Attributes { pmin?: number; pmax?: number; gt?: number; lt?: number; st?: number; epmin?: number; epmax?: number }

export interface ObserveHandle {
  /** Number shown by the console ("cancel <n>"). */
  id: number;
  endpoint: string;
  path: string;
  token: string;
  /** The response that established (or refused) the observation. */
  response: Lwm2mResponse;
  /** True while notifications are being accepted. */
  active: boolean;
  /** Stops the observation: a GET with Observe=1 (same token), and any later notification gets RST. */
  cancel(): Promise<Lwm2mResponse | null>;
}

interface Observation {
  handle: ObserveHandle;
  path: number[];
  accept: number;
  onNotify: (r: Lwm2mResponse, h: ObserveHandle) => void;
  cancelResolve?: (r: Lwm2mResponse | null) => void;
  peer: number;
  /** Where its notifications are reported: the console that started it, else (null) the log. */
  report: Sink | null;
  /** Where the answer to its cancel is reported. */
  cancelReport?: Sink | null;
}

export interface ServerStartOptions extends HostOptions {
  /** Extra time after a lifetime before a registration expires, in ms (default 0). */
  expiryGraceMs?: number;
  /** Queue mode (b=UQ / Q): how long after the client was last heard it is considered awake, in ms
   *  (default MAX_TRANSMIT_WAIT, 93 s). Requests to a sleeping client wait for its next Update. */
  awakeMs?: number;
}

/**
 * A small LwM2M server. Events: 'registered'(reg), 'updated'(reg), 'deregistered'(reg, reason
 * 'deregister'|'expired'|'replaced'), 'notification'(endpoint, path, response, handle),
 * 'send'(endpoint, records) for LwM2M 1.1 Send (POST /dp), 'quit' after the console's quit command.
 */
export class Lwm2mServer extends CoapHost {
  /** Files served for firmware pull (fw-serve). */
  readonly firmwareFiles = new FirmwareFiles();
  readonly registrations = new Map<string, Registration>(); // by endpoint name
  private readonly byId = new Map<string, Registration>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly observations = new Map<string, Observation>(); // by token hex
  private readonly handles = new Map<number, ObserveHandle>();
  private nextObs = 1;
  private nextReg = 1;
  private readonly grace: number;
  private readonly awakeMs: number;
  private readonly sleepers = new Map<Registration, (() => void)[]>();

  private constructor(hal: NodeHal, o: ServerStartOptions) {
    super(hal, o);
    this.grace = o.expiryGraceMs ?? 0;
    this.awakeMs = o.awakeMs ?? 93_000;
  }

  protected override get role(): string { return 'server'; }

  static async start(o: ServerStartOptions = {}): Promise<Lwm2mServer> {
    const s = new Lwm2mServer(await CoapHost.openHal(o), o);
    s.log(`server: listening on ${s.address}:${s.port}${s.dtls ? ' (coaps, DTLS PSK)' : ''}`);
    return s;
  }

  // Registration interface ------------------------------------------------------------------------

  protected override handleRequest(req: CoapMessage, peer: number, res: MessageWriter): number {
    const path = uriPath(req);
    const from = this.peerText(peer);
    if (path.length === 1 && path[0] === 'dp' && req.code === Code.POST) return this.send(req, peer, res);
    if (path[0] === 'fw') return this.firmwareFiles.serve(req, path, res, this.log);
    if (path[0] !== 'rd' || path.length > 2) {
      this.log(`server: ${codeName(req.code)} /${path.join('/')} from ${from} → 4.04`);
      res.setCode(Code.NOT_FOUND);
      return Reply.RESPOND;
    }
    if (path.length === 1) {
      if (req.code !== Code.POST) { res.setCode(Code.METHOD_NOT_ALLOWED); return Reply.RESPOND; }
      return this.register(req, peer, res);
    }
    const reg = this.byId.get(path[1]);
    if (!reg) {
      this.log(`server: ${codeName(req.code)} /rd/${path[1]} from ${from}: unknown registration → 4.04`);
      res.setCode(Code.NOT_FOUND);
      return Reply.RESPOND;
    }
    if (req.code === Code.POST) return this.update(reg, req, peer, res);
    if (req.code === Code.DELETE) {
      this.log(`server: de-register ${reg.endpoint} (/rd/${reg.id}) from ${from} → 2.02`);
      this.remove(reg, 'deregister');
      res.setCode(Code.DELETED);
      return Reply.RESPOND;
    }
    res.setCode(Code.METHOD_NOT_ALLOWED);
    return Reply.RESPOND;
  }

  /** LwM2M 1.1 Send (TS Core §6.4.1 "Send"): POST /dp with SenML from a registered client → 2.04,
   *  the 'send'(endpoint, records) event. */
  private send(req: CoapMessage, peer: number, res: MessageWriter): number {
    const reg = [...this.registrations.values()].find((r) => r.peer === peer);
    const from = this.peerText(peer);
    if (!reg) { this.log(`server: send from ${from}: not registered → 4.04`); res.setCode(Code.NOT_FOUND); return Reply.RESPOND; }
    let records: PlainRecord[];
    try {
      records = decodePayload(req.contentFormat, new Uint8Array(req.buf.subarray(req.payloadOff, req.payloadOff + req.payloadLen)), []);
    } catch (e) {
      this.log(`server: send from ${reg.endpoint}: ${(e as Error).message} → 4.00`);
      res.setCode(Code.BAD_REQUEST);
      return Reply.RESPOND;
    }
    this.log(`server: send from ${reg.endpoint}: ${show(Object.fromEntries(records.map((x) => [x.path, x.value])))} → 2.04`);
    res.setCode(Code.CHANGED);
    setImmediate(() => this.emit('send', reg.endpoint, records));
    return Reply.RESPOND;
  }

  private register(req: CoapMessage, peer: number, res: MessageWriter): number {
    const q = uriQuery(req);
    const from = this.peerText(peer);
    const ep = q.get('ep');
    const lt = q.has('lt') ? Number(q.get('lt')) : 86400;
    const bad = (why: string) => {
      this.log(`server: register from ${from}: ${why} → 4.00`);
      res.setCode(Code.BAD_REQUEST);
      return Reply.RESPOND;
    };
    if (typeof ep !== 'string' || ep === '') return bad('no endpoint name (ep=)');
    // lt=0 is valid: no expiry (the Server object's Lifetime 0, as Leshan's server takes it).
    if (!Number.isInteger(lt) || lt < 0 || lt > 4294967295) return bad(`bad lifetime lt=${String(q.get('lt'))}`);
    if (req.contentFormat !== -1 && req.contentFormat !== ContentFormat.LINK_FORMAT) return bad(`payload content format ${req.contentFormat} is not link-format`);
    const text = utf8.decode(req.buf.subarray(req.payloadOff, req.payloadOff + req.payloadLen));
    const links = parseLinks(text);
    const old = this.registrations.get(ep);
    if (old) this.remove(old, 'replaced');
    const id = String(this.nextReg++);
    const root = links.find((l) => l.attrs.rt === 'oma.lwm2m');
    const now = Date.now();
    const a = this.ep.peers[peer];
    const reg: Registration = {
      id, endpoint: ep, lifetime: lt, lwm2m: typeof q.get('lwm2m') === 'string' ? q.get('lwm2m') as string : '1.0',
      binding: typeof q.get('b') === 'string' ? q.get('b') as string : 'U', queueMode: q.has('Q') || (typeof q.get('b') === 'string' && (q.get('b') as string).includes('Q')),
      objects: links.filter((l) => l !== root && /^(\/[^/]+)*\/\d+(\/\d+)?$/.test(l.path)), rootPath: root && root.path !== '/' ? root.path : '',
      formats: announcedFormats(links),
      address: formatAddress(a), port: a.port, peer, registeredAt: now, updatedAt: now, lastSeen: now, expiresAt: lt === 0 ? Infinity : now + lt * 1000,
    };
    if (typeof q.get('sms') === 'string') reg.sms = q.get('sms') as string;
    this.ep.peerIndex(a, true); // pin
    this.registrations.set(ep, reg);
    this.byId.set(id, reg);
    this.arm(reg);
    res.setCode(Code.CREATED);
    const rd = te.encode('rd'), idb = te.encode(id);
    res.option(Opt.LOCATION_PATH, rd, 0, rd.length);
    res.option(Opt.LOCATION_PATH, idb, 0, idb.length);
    this.log(`server: register ${ep} from ${from} lt=${lt} lwm2m=${reg.lwm2m} b=${reg.binding}${reg.formats.length ? ' ct=' + reg.formats.join(',') : ''} objects=${reg.objects.map((l) => l.path).join(',')} → 2.01 /rd/${id}`);
    setImmediate(() => this.emit('registered', reg));
    return Reply.RESPOND;
  }

  private update(reg: Registration, req: CoapMessage, peer: number, res: MessageWriter): number {
    const q = uriQuery(req);
    if (q.has('lt')) {
      const lt = Number(q.get('lt'));
      if (!Number.isInteger(lt) || lt < 0 || lt > 4294967295) {
        this.log(`server: update ${reg.endpoint} (/rd/${reg.id}) from ${this.peerText(peer)}: bad lifetime lt=${String(q.get('lt'))} → 4.00 (rejected; the registration is unchanged)`);
        res.setCode(Code.BAD_REQUEST);
        return Reply.RESPOND;
      }
      reg.lifetime = lt;
    }
    if (typeof q.get('b') === 'string') { reg.binding = q.get('b') as string; reg.queueMode = q.has('Q') || reg.binding.includes('Q'); }
    else if (q.has('Q')) reg.queueMode = true;
    if (typeof q.get('sms') === 'string') reg.sms = q.get('sms') as string;
    if (req.payloadLen > 0) {
      const links = parseLinks(utf8.decode(req.buf.subarray(req.payloadOff, req.payloadOff + req.payloadLen)));
      reg.objects = links.filter((l) => l.attrs.rt !== 'oma.lwm2m' && /\/\d+(\/\d+)?$/.test(l.path));
      const f = announcedFormats(links);
      if (f.length) reg.formats = f;
    }
    if (peer !== reg.peer) { // the client moved (NAT rebinding): talk to its new address
      this.ep.unpinPeer(reg.peer);
      const a = this.ep.peers[peer];
      this.ep.peerIndex(a, true);
      reg.peer = peer; reg.address = formatAddress(a); reg.port = a.port;
    }
    reg.updatedAt = Date.now();
    reg.lastSeen = reg.updatedAt;
    reg.expiresAt = reg.lifetime === 0 ? Infinity : reg.updatedAt + reg.lifetime * 1000;
    this.wake(reg);
    this.arm(reg);
    this.log(`server: update ${reg.endpoint} (/rd/${reg.id}) from ${this.peerText(peer)} lt=${reg.lifetime} → 2.04`);
    res.setCode(Code.CHANGED);
    setImmediate(() => this.emit('updated', reg));
    return Reply.RESPOND;
  }

  private arm(reg: Registration): void {
    const old = this.timers.get(reg.id);
    if (old) clearTimeout(old);
    this.timers.delete(reg.id);
    if (reg.lifetime === 0) return; // no expiry
    const ms = Math.min(0x7fffffff, reg.lifetime * 1000 + this.grace);
    this.timers.set(reg.id, setTimeout(() => {
      this.timers.delete(reg.id);
      if (this.byId.get(reg.id) !== reg) return;
      this.log(`server: registration of ${reg.endpoint} (/rd/${reg.id}) expired after ${reg.lifetime} s`);
      this.remove(reg, 'expired');
    }, ms));
  }

  private remove(reg: Registration, reason: 'deregister' | 'expired' | 'replaced'): void {
    const t = this.timers.get(reg.id);
    if (t) { clearTimeout(t); this.timers.delete(reg.id); }
    this.byId.delete(reg.id);
    if (this.registrations.get(reg.endpoint) === reg) this.registrations.delete(reg.endpoint);
    this.wake(reg);
    const gone: string[] = [];
    for (const [tok, o] of this.observations) {
      if (o.handle.endpoint !== reg.endpoint) continue;
      if (o.handle.active) gone.push(`#${o.handle.id} ${o.handle.path}`);
      o.handle.active = false; this.observations.delete(tok); this.handles.delete(o.handle.id);
    }
    // The client forgets them with its registration (TS Core 1.1 §6.4.3 / §8.2.6): say so, rather
    // than let them vanish from `list`. A later notification with one of their tokens gets RST.
    if (gone.length) {
      this.log(`server: observations of ${reg.endpoint} cancelled (${reason === 'deregister' ? 'it de-registered' : reason === 'expired' ? 'its registration expired' : 'it registered anew'}): ${gone.join(', ')}`);
    }
    if (![...this.registrations.values()].some((r) => r.peer === reg.peer)) this.ep.unpinPeer(reg.peer);
    const n = this.cancelRequestsTo(reg.peer);
    if (n) this.log(`server: ${n} request(s) to ${reg.endpoint} (/rd/${reg.id}) cancelled: the registration ${reason === 'deregister' ? 'ended' : reason === 'expired' ? 'expired' : 'was replaced by a new Register'}`);
    setImmediate(() => this.emit('deregistered', reg, reason));
  }

  // Device management -----------------------------------------------------------------------------

  /** A request to a registered client; for a client in queue mode that is asleep, held until it
   *  wakes (its next Update or Register; TS Core §6.5 Queue Mode). */
  private async toClient(reg: Registration, spec: RequestSpec, onToken?: (tok: string) => void): Promise<CoapResponse> {
    if (reg.queueMode && Date.now() - reg.lastSeen > this.awakeMs) {
      this.report(`${reg.endpoint} is in queue mode and asleep: request held until it wakes`);
      await new Promise<void>((resolve) => {
        const list = this.sleepers.get(reg) ?? [];
        list.push(resolve);
        this.sleepers.set(reg, list);
      });
      if (this.byId.get(reg.id) !== reg) throw new Error(`${reg.endpoint} de-registered before it woke up`);
    }
    const r = await this.request(reg.peer, spec, onToken);
    if (!r.failed) reg.lastSeen = Date.now();
    return r;
  }

  private wake(reg: Registration): void {
    const list = this.sleepers.get(reg);
    if (!list) return;
    this.sleepers.delete(reg);
    setImmediate(() => { for (const f of list) f(); });
  }

  private regOf(ep: string): Registration {
    const r = this.registrations.get(ep);
    if (!r) throw new Error(`no registration for endpoint "${ep}"`);
    return r;
  }

  private fullPath(reg: Registration, p: readonly number[]): (string | number)[] {
    const root = reg.rootPath.split('/').filter(Boolean);
    return [...root, ...p];
  }

  /** Decodes a response and reports it in one line: `what ep path → code format value` (to the
   *  console that started the operation, else the log). `shown` replaces the path (a composite's
   *  list); `to` is the sink of an observation (its notifications come outside the console's call). */
  private finish(r: CoapResponse, path: readonly number[], what: string, ep: string,
    shown: string = pathText(path), to?: Sink | null): Lwm2mResponse {
    const out: Lwm2mResponse = { ...r, ok: r.code >= 0x40 && r.code < 0x80 };
    if (out.ok && r.payload.length > 0) {
      const cf = r.contentFormat === -1 ? ContentFormat.TEXT : r.contentFormat;
      if (cf === ContentFormat.LINK_FORMAT) {
        out.text = utf8.decode(r.payload);
        out.links = parseLinks(out.text);
      } else {
        try {
          out.records = decodePayload(cf, r.payload, path);
          const here = pathText(path);
          if (out.records.length === 1 && out.records[0].path === here) out.value = out.records[0].value;
          else out.value = Object.fromEntries(out.records.map((x) => [x.path, x.value]));
        } catch (e) {
          out.decodeError = (e as Error).message;
        }
      }
    }
    const format = r.payload.length > 0 ? ' ' + formatName(r.contentFormat) : '';
    const body = out.value !== undefined ? ' ' + show(out.value) : out.text !== undefined ? ' ' + out.text : '';
    const loc = r.locationPath.length ? ' location /' + r.locationPath.join('/') : '';
    this.report(`${what} ${ep} ${shown} → ${r.failed ? r.failed : r.codeText}${format}${body}${loc}${out.decodeError ? ' (' + out.decodeError + ')' : ''}`, to);
    return out;
  }

  /** The Content-Format for a payload to or from this client: the caller's, else the first the client
   *  announced (ct=) that we encode and decode, else `dflt` (TLV for writes; none for reads, where
   *  the client picks). A client built without TLV (Wakaama's SenML-JSON-only build) announces it. */
  formatFor(reg: Registration, given: string | number | undefined, dflt: number): number {
    if (given !== undefined) return formatNumber(given, dflt);
    const multi = reg.formats.find((f) => f !== ContentFormat.TEXT && f !== ContentFormat.OPAQUE && f !== ContentFormat.LINK_FORMAT && encoderFor(f) !== null);
    return multi ?? dflt;
  }

  async read(ep: string, path: string, accept?: string | number): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    const f = this.formatFor(reg, accept, -1);
    const acc = f < 0 ? undefined : f;
    const r = await this.toClient(reg, { code: Code.GET, path: this.fullPath(reg, p), accept: acc });
    return this.finish(r, p, 'read', ep);
  }

  /** Write: PUT (replace), or POST with `partial: true` (partial update). Format default TLV, or text
   *  for a single resource value given as a plain value when `format: 'text'`. */
  async write(ep: string, path: string, values: WriteValues, options: WriteOptions | string | number = {}): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    const opts = typeof options === 'object' ? options : { format: options };
    // A single value belongs to a resource: sent to an instance, it would replace the instance with
    // a record of no resource (Wakaama then deletes the instance and answers 4.04).
    if (p.length < 3 && (values === null || typeof values !== 'object' || values instanceof Uint8Array)) {
      throw new Error(`write ${path}: one value needs a resource path /o/i/r; for an instance give its resources, e.g. {"${pathText(p.length === 2 ? p : [...p, 0])}/1": 60}`);
    }
    const cf = this.formatFor(reg, opts.format, ContentFormat.TLV);
    const types = opts.types && Object.fromEntries(Object.entries(opts.types).filter(([k]) => { const q = parsePath(k); return resourceType(q[0], q[2] ?? -1) === ValueType.None; }));
    const payload = encodePayload(cf, p, values, 1300, types);
    const r = await this.toClient(reg, { code: opts.partial ? Code.POST : Code.PUT, path: this.fullPath(reg, p), contentFormat: cf, payload });
    return this.finish(r, p, opts.partial ? 'write (partial)' : 'write', ep);
  }

  async execute(ep: string, path: string, args?: string): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    if (p.length !== 3) throw new Error(`execute needs a resource path /o/i/r (got ${path})`);
    const r = await this.toClient(reg, { code: Code.POST, path: this.fullPath(reg, p), payload: args ? te.encode(args) : undefined });
    return this.finish(r, p, 'execute', ep);
  }

  /** Create: POST /o with the new instance's values (absolute paths /o/i/r, or relative "i/r"). */
  async create(ep: string, path: string, values: WriteValues, options: WriteOptions | string | number = {}): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    const opts = typeof options === 'object' ? options : { format: options };
    if (p.length !== 1) throw new Error(`create needs an object path /o (got ${path})`);
    const cf = this.formatFor(reg, opts.format, ContentFormat.TLV);
    const payload = encodePayload(cf, p, values);
    const r = await this.toClient(reg, { code: Code.POST, path: this.fullPath(reg, p), contentFormat: cf, payload });
    return this.finish(r, p, 'create', ep);
  }

  async delete(ep: string, path: string): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    const r = await this.toClient(reg, { code: Code.DELETE, path: this.fullPath(reg, p) });
    return this.finish(r, p, 'delete', ep);
  }

  async discover(ep: string, path: string): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    const r = await this.toClient(reg, { code: Code.GET, path: this.fullPath(reg, p), accept: ContentFormat.LINK_FORMAT });
    return this.finish(r, p, 'discover', ep);
  }

  async writeAttributes(ep: string, path: string, attrs: Attributes): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep), p = parsePath(path);
    const query: string[] = [];
    for (const k of ['pmin', 'pmax', 'gt', 'lt', 'st', 'epmin', 'epmax'] as const) {
      const v = attrs[k];
      if (v === undefined) continue;
      if (!Number.isFinite(v)) throw new Error(`attribute ${k} must be a number`);
      query.push(`${k}=${v}`);
    }
    const r = await this.toClient(reg, { code: Code.PUT, path: this.fullPath(reg, p), query });
    return this.finish(r, p, 'write-attributes', ep, `${pathText(p)} ${query.join('&')}`);
  }

  /** Read-Composite: FETCH with a SenML list of paths (request body in SenML JSON or CBOR, as `accept`). */
  async readComposite(ep: string, paths: string[], accept?: string | number): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep);
    const ps = paths.map(parsePath);
    // SenML (JSON or CBOR) is what composite operations carry: the client's announced one, else JSON.
    const acc = accept !== undefined ? formatNumber(accept, ContentFormat.SENML_JSON)
      : reg.formats.find((f) => f === ContentFormat.SENML_CBOR || f === ContentFormat.SENML_JSON) ?? ContentFormat.SENML_JSON;
    if (acc !== ContentFormat.SENML_JSON && acc !== ContentFormat.SENML_CBOR) throw new Error('read-composite takes senml-json or senml-cbor');
    if (reg.lwm2m === '1.0') this.report(`${ep} registered as LwM2M 1.0, which has no composite operations (LwM2M 1.1): trying anyway`);
    const payload = acc === ContentFormat.SENML_CBOR ? cborPathList(ps.map(pathText)) : te.encode(JSON.stringify(ps.map((p) => ({ n: pathText(p) }))));
    const r = await this.toClient(reg, { code: Code.FETCH, path: this.fullPath(reg, []), contentFormat: acc, accept: acc, payload });
    const out = this.finish(r, [], 'read-composite', ep, ps.map(pathText).join(','));
    const unsupported = [Code.BAD_OPTION, Code.NOT_FOUND, Code.METHOD_NOT_ALLOWED, Code.UNSUPPORTED_CONTENT_FORMAT, Code.NOT_IMPLEMENTED];
    if (r.failed === 'timeout') this.report(`${ep}: no answer to Read-Composite within ${Math.round(this.requestTimeoutMs / 1000)} s (a client without composite operations may ignore it)`);
    else if (unsupported.includes(r.code)) this.report(`${ep} does not support Read-Composite (${r.codeText})`);
    return out;
  }

  /** Bootstrap-Request Trigger: Execute /1/<i>/9 (instance: the first /1/i the client registered, else 0). */
  async bootstrapTrigger(ep: string, instance?: number): Promise<Lwm2mResponse> {
    const reg = this.regOf(ep);
    let i = instance;
    if (i === undefined) {
      const l = reg.objects.find((x) => /^\/1\/\d+$/.test(x.path.slice(reg.rootPath.length)));
      i = l ? +l.path.split('/').pop()! : 0;
    }
    const r = await this.execute(ep, `/1/${i}/9`);
    // Wakaama's example client has no Bootstrap-Request Trigger: 4.05 (Method Not Allowed).
    if (r.code === Code.METHOD_NOT_ALLOWED || r.code === Code.NOT_FOUND) {
      this.report(`${ep} does not support the Bootstrap-Request Trigger (/1/${i}/9 → ${r.codeText}); a server-initiated bootstrap from the bootstrap server may still reach it`);
    }
    return r;
  }

  /** Observe: GET with Observe=0; notifications go to onNotify (and the 'notification' event). */
  async observe(ep: string, path: string, accept: string | number | undefined,
    onNotify: (r: Lwm2mResponse, h: ObserveHandle) => void = () => {}): Promise<ObserveHandle> {
    const reg = this.regOf(ep), p = parsePath(path);
    const acc = this.formatFor(reg, accept, -1);
    const id = this.nextObs++;
    const handle: ObserveHandle = {
      id, endpoint: ep, path: pathText(p), token: '', active: true,
      response: undefined as unknown as Lwm2mResponse,
      cancel: () => this.cancelObservation(handle),
    };
    const obs: Observation = { handle, path: p, accept: acc, onNotify, peer: reg.peer, report: this.reportSink };
    const r = await this.toClient(reg, { code: Code.GET, path: this.fullPath(reg, p), observe: 0, accept: acc >= 0 ? acc : undefined },
      (tok) => { handle.token = tok; this.observations.set(tok, obs); });
    const res = this.finish(r, p, `observe #${id}`, ep);
    handle.response = res;
    if (!res.ok || r.observe < 0) {
      handle.active = false;
      this.observations.delete(handle.token);
      if (res.ok) this.report(`observe #${id}: the client answered without Observe: not established`);
    } else this.handles.set(id, handle);
    return handle;
  }

  /** The URI a client pulls firmware file `name` from (coaps:// when this server speaks DTLS). */
  firmwareUri(name: string): string {
    const a = this.address;
    return `${this.dtls ? 'coaps' : 'coap'}://${a.includes(':') ? '[' + a + ']' : a}:${this.port}/fw/${name}`;
  }

  /** The handle of observation n (console numbers). */
  observation(n: number): ObserveHandle | undefined { return this.handles.get(n); }
  get observationList(): ObserveHandle[] { return [...this.handles.values()]; }

  private cancelObservation(h: ObserveHandle): Promise<Lwm2mResponse | null> {
    const o = this.observations.get(h.token);
    this.handles.delete(h.id);
    const to = this.reportSink;
    if (!o || !h.active) {
      h.active = false; this.observations.delete(h.token);
      this.report(`cancel observe #${h.id} ${h.endpoint} ${h.path}: no longer active`, to);
      return Promise.resolve(null);
    }
    h.active = false;
    const reg = this.registrations.get(h.endpoint);
    if (!reg || this.closed) {
      this.observations.delete(h.token);
      this.report(`cancel observe #${h.id} ${h.endpoint} ${h.path}: ${this.closed ? 'the server is stopping' : h.endpoint + ' is not registered'}: forgotten`, to);
      return Promise.resolve(null);
    }
    o.cancelReport = to;
    const tok = Buffer.from(h.token, 'hex');
    const full = this.fullPath(reg, o.path);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.observations.get(h.token) === o) this.observations.delete(h.token);
        this.report(`cancel observe #${h.id} ${h.endpoint} ${h.path}: no answer (later notifications get RST)`, to);
        resolve(null);
      }, 3000);
      o.cancelResolve = (r) => { clearTimeout(timer); resolve(r); };
      this.sendWithToken(reg.peer, Code.GET, tok, (w) => {
        w.optionUint(Opt.OBSERVE, 1);
        for (const seg of full) { const b = te.encode(String(seg)); w.option(Opt.URI_PATH, b, 0, b.length); }
        if (o.accept >= 0) w.optionUint(Opt.ACCEPT, o.accept);
      });
    });
  }

  protected override handleUnmatched(res: CoapMessage, peer: number): boolean {
    const tok = tokenHex(res);
    // A duplicate of a response already matched (the client's piggybacked ACK again, for our
    // retransmitted request): nothing is sent for an ACK, and it is no news.
    if (this.isDuplicateResponse(res, peer)) { this.duplicateResponses++; return false; }
    const o = this.observations.get(tok);
    // A notification is CON or NON (RFC 7641 §4.2); an ACK is the late answer to a request of ours.
    if (!o || res.type === MsgType.ACK) {
      this.log(`server: response ${codeString(res.code)} from ${this.peerText(peer)} with unknown token ${tok}${CoapHost.rejection(res)}`);
      return false;
    }
    const r = responseOf(res);
    if (!o.handle.active) {
      if (o.cancelResolve && res.observe < 0) { // the answer to our GET with Observe=1
        this.observations.delete(tok);
        const out = this.finish(r, o.path, `cancel observe #${o.handle.id}`, o.handle.endpoint, o.handle.path, o.cancelReport);
        o.cancelResolve(out);
        return true;
      }
      this.log(`server: notification for cancelled observation #${o.handle.id}${CoapHost.rejection(res)}`);
      return false;
    }
    const out = this.finish(r, o.path, `notification #${o.handle.id}${r.observe >= 0 ? ' seq ' + r.observe : ''}`, o.handle.endpoint, o.handle.path, o.report);
    if (!out.ok || r.observe < 0) { // an error or a final response ends the observation (RFC 7641 §3.2)
      o.handle.active = false;
      this.observations.delete(tok);
      this.handles.delete(o.handle.id);
    }
    try { o.onNotify(out, o.handle); } catch (e) { this.log(`server: notification callback failed: ${(e as Error).message}`); }
    this.emit('notification', o.handle.endpoint, o.handle.path, out, o.handle);
    return true;
  }

  override async stop(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const o of this.observations.values()) o.cancelResolve?.(null);
    this.observations.clear();
    await super.stop();
  }

  // Console ---------------------------------------------------------------------------------------

  /** A line-based command interface for a person (see CONSOLE_HELP). Returns the readline interface. */
  attachConsole(input: NodeJS.ReadableStream = process.stdin, print: (s: string) => void = (s) => process.stdout.write(s + '\n')): Interface {
    const rl = createInterface({ input, terminal: false });
    rl.on('line', (line) => {
      this.command(line, print).catch((e) => print(`error: ${(e as Error).message}`));
    });
    return rl;
  }

  /** Runs one console command line. Each result is printed once, by `print`: the operation's own line
   *  (`read node1 /3/0 → 2.05 TLV {…}`), which then does not go to the log as well. */
  command(line: string, print: (s: string) => void): Promise<void> {
    return this.reportingTo(print, () => this.console(line, print));
  }

  private async console(line: string, print: (s: string) => void): Promise<void> {
    const words = splitWords(line.trim());
    if (words.length === 0) return;
    const [cmd, ep, path, ...rest] = words;
    const need = (n: number) => { if (words.length < n) throw new Error(`usage: ${usage(cmd)}`); };
    switch (cmd) {
      case 'help': case '?': print(CONSOLE_HELP); return;
      case 'list': case 'ls': {
        if (this.registrations.size === 0) { print('no registrations'); return; }
        for (const r of this.registrations.values()) {
          print(`${r.endpoint} /rd/${r.id} ${r.address}:${r.port} lt=${r.lifetime} lwm2m=${r.lwm2m} b=${r.binding}${r.formats.length ? ' ct=' + r.formats.join(',') : ''} ${r.objects.map((l) => l.path).join(',')}`);
        }
        for (const h of this.handles.values()) print(`observation #${h.id} ${h.endpoint} ${h.path}`);
        return;
      }
      case 'read': need(3); await this.read(ep, path, rest[0]); return;
      case 'write': {
        need(4);
        // One value for a resource, or a JSON object of paths → values (an instance, as create takes).
        const args = jsonArgs(line, ep, path);
        if (args) { await this.write(ep, path, args.values, { format: args.format }); return; }
        // A number written with a point or an exponent ("2.5e10", "1.0") is a Float even when whole:
        // in TLV an integer of 8 bytes reads as a double's bits (Anjay stored 2.5e10 as 1.2e-313).
        const v = parseConsoleValue(rest[0]);
        const types = typeof v === 'number' && /[.eE]/.test(rest[0]) ? { [pathText(parsePath(path))]: ValueType.Float } : undefined;
        await this.write(ep, path, v, { format: rest[1], types }); return;
      }
      case 'exec': case 'execute': need(3); await this.execute(ep, path, rest.join(' ') || undefined); return;
      case 'create': {
        need(4);
        const args = jsonArgs(line, ep, path);
        if (!args) throw new Error(`create: give the new instance's values as JSON, e.g. create ${ep} /3303 {"/3303/1/5700": 21.5}`);
        await this.create(ep, path, args.values, { format: args.format });
        return;
      }
      case 'delete': need(3); await this.delete(ep, path); return;
      case 'discover': need(3); await this.discover(ep, path); return;
      case 'attr': case 'write-attributes': {
        need(4);
        const a: Attributes = {};
        for (const kv of rest) {
          const m = /^(pmin|pmax|gt|lt|st|epmin|epmax)=(-?[\d.]+)$/.exec(kv);
          if (!m) throw new Error(`bad attribute "${kv}" (pmin=N pmax=N gt=X lt=X st=X)`);
          a[m[1] as keyof Attributes] = Number(m[2]);
        }
        await this.writeAttributes(ep, path, a); return;
      }
      case 'observe': {
        need(3);
        // Its notifications are printed here as they come (`notification #1 seq 2 node1 /3303/0/5700 → …`).
        const h = await this.observe(ep, path, rest[0]);
        if (h.active) print(`observation #${h.id} (cancel ${h.id} to stop)`);
        return;
      }
      case 'cancel': {
        need(2);
        const h = this.handles.get(Number(ep));
        if (!h) throw new Error(`no observation #${ep}`);
        await h.cancel(); // prints `cancel observe #n … → code`, or why nothing was sent
        return;
      }
      case 'composite': {
        need(3);
        const all = [path, ...rest];
        const format = all.length > 1 && isFormatName(all[all.length - 1]) ? all.pop() : undefined;
        await this.readComposite(ep, all, format); return;
      }
      case 'bs': case 'bootstrap': need(2); await this.bootstrapTrigger(ep); return;
      case 'fw-push': need(3); print(await fwPush(this, ep, path, rest[0] ? Number(rest[0]) : 512, print)); return;
      case 'fw-serve': need(2); print(this.firmwareUri(this.firmwareFiles.add(ep))); return;
      case 'fw-pull': need(3); print(await fwPull(this, ep, path, print)); return;
      case 'quit': case 'exit': await this.stop(); this.emit('quit'); return;
      default: throw new Error(`unknown command "${cmd}" (type help)`);
    }
  }
}

export const CONSOLE_HELP = `commands:
  list                                   registrations and observations
  read <ep> <path> [format]              e.g. read node1 /3/0  (format: tlv, senml-json, senml-cbor,
                                         lwm2m-cbor, text, opaque; default: what the client announced)
  write <ep> <path> <value> [format]     e.g. write node1 /1/0/1 300, or an instance as JSON:
                                         write node1 /1/0 {"/1/0/1": 300, "/1/0/7": "U"}
  exec <ep> <path> [args]                e.g. exec node1 /3/0/4
  create <ep> </o> <json> [format]       e.g. create node1 /3303 {"/3303/1/5700": 21.5}
  delete <ep> <path>
  discover <ep> <path>                   e.g. discover node1 /3
  attr <ep> <path> pmin=N pmax=N …       write attributes (pmin pmax gt lt st)
  observe <ep> <path> [format]           e.g. observe node1 /3303/0/5700
  cancel <n>                             stop observation n
  composite <ep> <path> <path>… [format] read-composite (senml-json or senml-cbor)
  bs <ep>                                bootstrap-request trigger (execute /1/i/9)
  fw-push <ep> <file> [block]            firmware push: Block1 Write of /5/0/0 (block 16…1024, default 512)
  fw-serve <file>                        serve a file for firmware pull; prints its coap[s]:// URI
  fw-pull <ep> <uri>                     firmware pull: write the URI to /5/0/1
  help, quit`;

function usage(cmd: string): string {
  const line = CONSOLE_HELP.split('\n').find((l) => l.trim().startsWith(cmd + ' '));
  return line ? line.trim().split(/\s{2,}/)[0] : cmd;
}

export function splitWords(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

/** The JSON argument after `<ep> <path>` of a console line (an object or a list), with an optional
 *  format after it (`create node1 /3303 {"/3303/1/5700": 21.5} senml-json`); null when the argument
 *  is not JSON-shaped. Throws on malformed JSON. */
function jsonArgs(line: string, ep: string, path: string): { values: WriteValues; format?: string } | null {
  let json = line.slice(line.indexOf(path, line.indexOf(ep) + ep.length) + path.length).trim();
  if (!json.startsWith('{') && !json.startsWith('[')) return null;
  let format: string | undefined;
  const last = /\s(\S+)$/.exec(json);
  if (last && isFormatName(last[1])) { format = last[1]; json = json.slice(0, last.index).trim(); }
  try { return { values: JSON.parse(json) as WriteValues, format }; } catch {
    throw new Error(`"${json}" is not JSON, e.g. {"${path}/0/1": 21.5}`);
  }
}

function parseConsoleValue(s: string): Lwm2mValue {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return Number(s);
  if (/^0x([0-9a-fA-F]{2})*$/.test(s)) return new Uint8Array(Buffer.from(s.slice(2), 'hex'));
  return s;
}

export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => x instanceof Uint8Array ? '0x' + Buffer.from(x).toString('hex') : x);
}

function codeName(c: number): string {
  return ['EMPTY', 'GET', 'POST', 'PUT', 'DELETE', 'FETCH', 'PATCH', 'iPATCH'][c] ?? codeString(c);
}

/** The Content-Formats a Register/Update payload announces: ct= on the root link `</>;rt="oma.lwm2m"`
 *  (one number, or a quoted space-separated list as LwM2M 1.2 writes it). */
export function announcedFormats(links: Link[]): number[] {
  const root = links.find((l) => l.attrs.rt === 'oma.lwm2m' || l.path === '/') ;
  const ct = root?.attrs.ct;
  if (typeof ct !== 'string') return [];
  return ct.split(/[\s,]+/).filter((x) => /^\d+$/.test(x)).map(Number);
}

/** A CBOR array of SenML records {0: path} (RFC 8428 §6, label n = 0). */
function cborPathList(paths: string[]): Uint8Array {
  const parts: number[] = [];
  const head = (major: number, n: number) => {
    if (n < 24) parts.push((major << 5) | n);
    else if (n < 256) parts.push((major << 5) | 24, n);
    else parts.push((major << 5) | 25, n >> 8, n & 255);
  };
  head(4, paths.length);
  for (const p of paths) {
    const b = te.encode(p);
    head(5, 1); parts.push(0x00); head(3, b.length); parts.push(...b);
  }
  return new Uint8Array(parts);
}


// ------------------------------------------------------------------------------------ DTLS (server side)
//
// A small DTLS 1.2 server for the host tools (RFC 6347, RFC 5246, RFC 4279 PSK, RFC 6655 AES-CCM-8):
// HelloVerifyRequest with a stateless cookie, ServerHello (+ renegotiation_info, RFC 5746) and
// ServerHelloDone, the client's ClientKeyExchange / ChangeCipherSpec / Finished, then ours; after that
// application data in both directions. It sits between the Node driver and the CoAP Endpoint as a
// SansIoCore. Session resumption (RFC 5246 §7.3 abbreviated handshake: the ServerHello carries a
// session id; a ClientHello naming it gets ServerHello, ChangeCipherSpec and Finished at once) unless
// turned off. Limits (host tool): no fragmented handshake messages, no replay
// window (CoAP deduplication absorbs replays), and a request to a client without a session is dropped
// (the client always starts DTLS). Node's crypto does the AES-CCM and HMAC work.

const enum Ct { CHANGE_CIPHER_SPEC = 20, ALERT = 21, HANDSHAKE = 22, APPLICATION_DATA = 23, TLS12_CID = 25 }
const enum Hs { CLIENT_HELLO = 1, SERVER_HELLO = 2, HELLO_VERIFY_REQUEST = 3, SERVER_HELLO_DONE = 14, CLIENT_KEY_EXCHANGE = 16, FINISHED = 20 }
const PSK_AES_128_CCM_8 = 0xc0a8;
const SCSV = 0x00ff;
const RENEGOTIATION_INFO = 0xff01;
/** RFC 9146 §3: the connection_id extension. */
const CONNECTION_ID = 54;

function pskTable(psk: NonNullable<HostOptions['psk']>): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const add = (id: string, hexKey: string) => {
    if (!/^([0-9a-fA-F]{2})+$/.test(hexKey)) throw new Error(`psk key for "${id}" must be hex`);
    m.set(id, Buffer.from(hexKey, 'hex'));
  };
  if (typeof psk.pskIdentity === 'string' && typeof psk.pskKey === 'string' && Object.keys(psk).length === 2) add(psk.pskIdentity, psk.pskKey);
  else for (const [id, k] of Object.entries(psk)) add(id, k);
  return m;
}

/** TLS 1.2 PRF with SHA-256 (RFC 5246 §5). */
export function prf12(secret: Buffer, label: string, seed: Buffer, n: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const parts: Buffer[] = [];
  let a = ls, got = 0;
  while (got < n) {
    a = createHmac('sha256', secret).update(a).digest();
    const p = createHmac('sha256', secret).update(Buffer.concat([a, ls])).digest();
    parts.push(p); got += p.length;
  }
  return Buffer.concat(parts).subarray(0, n);
}

interface DtlsPeerState {
  key: string;
  addr: PeerAddress;
  connected: boolean;
  clientRandom: Buffer;
  serverRandom: Buffer;
  transcript: Buffer[];
  master: Buffer;
  cKey: Buffer; sKey: Buffer; cIv: Buffer; sIv: Buffer;
  readEpoch: number;
  writeEpoch: number;
  writeSeq: number[];
  msgSeq: number;
  lastFlight: Buffer[];
  identity: string;
  /** The session id we gave (empty: not resumable); true for an abbreviated handshake. */
  sid: Buffer;
  abbreviated: boolean;
  /** RFC 9146: the Connection ID we granted (what the client's records carry; empty: none), and the
   *  highest epoch-1 record number heard (§6: the address moves only with a newer record). */
  cid: Buffer;
  maxSeq: number;
}

function u16(n: number): Buffer { return Buffer.from([n >> 8 & 255, n & 255]); }
function u24(n: number): Buffer { return Buffer.from([n >> 16 & 255, n >> 8 & 255, n & 255]); }
function u48(n: number): Buffer { const b = Buffer.alloc(6); b.writeUIntBE(n, 0, 6); return b; }

function handshakeMsg(type: number, seq: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), u16(seq), u24(0), u24(body.length), body]);
}

export class DtlsPskLayer implements SansIoCore {
  readonly txPeer = new PeerAddress();
  private readonly sessions = new Map<string, DtlsPeerState>();
  private readonly queue: { data: Buffer; to: PeerAddress }[] = [];
  private readonly tmp = new Uint8Array(1500);
  private readonly cookieSecret = randomBytes(32);
  /** Counters for tests and logs. */
  handshakes = 0;
  /** Abbreviated handshakes (resumed sessions). */
  resumptions = 0;
  failures = 0;
  static readonly MAX_SESSIONS = 4096;
  /** Resumable sessions: session id (hex) → master secret and identity, oldest first. */
  private readonly resumable = new Map<string, { master: Buffer; identity: string }>();
  private readonly resumption: boolean;
  /** RFC 9146 Connection IDs: the length we grant (0: the extension is not answered), and the
   *  sessions by the CID (hex) their client's records carry. */
  private readonly cidLen: number;
  private readonly cids = new Map<string, DtlsPeerState>();
  /** Records that carried a CID (content type tls12_cid), and peers that moved by one (§6). */
  cidRecords = 0;
  moves = 0;

  /**
   * @param o.resumption issue session ids and resume them (default true).
   * @param o.cid the length of the RFC 9146 Connection IDs granted to clients that offer the extension
   *              (default 6, as Leshan's server demo; 0: none granted, the extension is ignored).
   */
  constructor(private readonly ep: Endpoint, private readonly keys: Map<string, Buffer>, private readonly log: (l: string) => void,
    o: { resumption?: boolean; cid?: number } = {}) {
    this.resumption = o.resumption !== false;
    this.cidLen = o.cid ?? 6;
    if (!(Number.isInteger(this.cidLen) && this.cidLen >= 0 && this.cidLen <= 255)) throw new RangeError('DtlsPskLayer: cid is a length of 0–255 bytes');
  }

  /** Forgets every session, Connection ID and resumable session (a restarted server). */
  forgetAll(): void { this.sessions.clear(); this.cids.clear(); this.resumable.clear(); }
  /** Forgets the connections and their Connection IDs but keeps the resumable sessions (a server
   *  that expired its idle connections, as Scandium does, yet still resumes them). */
  forgetConnections(): void { this.sessions.clear(); this.cids.clear(); }
  /** Tests: a CID record of a connected session that authenticates is answered with a fatal alert in its session
   *  (handshake_failure), and the session is dropped — a server whose policy refuses the connection. */
  refuseCid = false;

  /** Sets session n at address key (its CID, if any, finds it too); the one it replaces is forgotten. */
  private put(key: string, n: DtlsPeerState): void {
    this.drop(key);
    this.sessions.set(key, n);
    if (n.cid.length) this.cids.set(n.cid.toString('hex'), n);
  }

  private drop(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    if (s.cid.length && this.cids.get(s.cid.toString('hex')) === s) this.cids.delete(s.cid.toString('hex'));
  }

  private keyOf(a: PeerAddress): string { return (a.family === 6 ? '[' + formatAddress(a) + ']' : formatAddress(a)) + ':' + a.port; }

  /** Whether a peer (index in the Endpoint) has an established session. */
  connected(p: number): boolean {
    const s = this.sessions.get(this.keyOf(this.ep.peers[p]));
    return !!s && s.connected;
  }

  /** The PSK identity the peer at address:port authenticated with, if any. */
  identityOf(key: string): string | undefined { return this.sessions.get(key)?.identity; }

  /** The Endpoint's receive result for the last application record (Rx; for the host's refusal log). */
  private lastRx = 0;

  receive(buf: Uint8Array, off: number, len: number, from: PeerAddress, now: number): number {
    const data = Buffer.from(buf.subarray(off, off + len));
    let p = 0;
    this.lastRx = 0;
    try {
      while (p + 13 <= data.length) {
        // A tls12_cid record has the CID between the sequence number and the length (RFC 9146 §4);
        // ours are all cidLen bytes long.
        const type = data[p], epoch = data.readUInt16BE(p + 3), cl = type === Ct.TLS12_CID ? this.cidLen : 0;
        if (p + 13 + cl > data.length) break;
        const rlen = data.readUInt16BE(p + 11 + cl);
        if (data[p + 1] !== 0xfe || p + 13 + cl + rlen > data.length) break;
        const header = data.subarray(p, p + 13 + cl), frag = data.subarray(p + 13 + cl, p + 13 + cl + rlen);
        p += 13 + cl + rlen;
        if (type === Ct.TLS12_CID) this.cidRecord(epoch, header, frag, from, now);
        else this.record(type, epoch, header, frag, from, now);
      }
    } catch (e) {
      this.failures++;
      this.log(`dtls: ${this.keyOf(from)}: ${(e as Error).message}`);
    }
    return this.lastRx;
  }

  /**
   * A tls12_cid record (RFC 9146): its session is found by the CID, not by the address. Once it
   * authenticates, a record newer than any before it from that session moves the session to the
   * address it came from (§6); an older one is processed where it is, the address unchanged. A CID
   * we do not know is dropped silently (as Scandium does; the client's exchange times out).
   */
  private cidRecord(epoch: number, header: Buffer, frag: Buffer, from: PeerAddress, now: number): void {
    const s = this.cids.get(header.subarray(11, 11 + this.cidLen).toString('hex'));
    if (!s || epoch !== 1 || s.readEpoch !== 1) return;
    let inner: Buffer;
    try { inner = this.open(s, header, frag); } catch {
      if (s.connected) return;
      this.drop(s.key);
      this.alert(from, 20);
      throw new Error('handshake record does not authenticate (wrong PSK?): session dropped');
    }
    // DTLSInnerPlaintext: content, the real type, zero padding.
    let end = inner.length;
    while (end > 0 && inner[end - 1] === 0) end--;
    if (end === 0) return;
    if (this.refuseCid && s.connected) {
      this.queue.push({ data: this.seal(s, Ct.ALERT, Buffer.from([2, 40])), to: this.copyAddr(from) });
      this.drop(s.key);
      this.resumable.delete(s.sid.toString('hex'));
      this.log(`dtls: ${s.key}: Connection ID record refused (fatal alert): session dropped`);
      return;
    }
    this.cidRecords++;
    const seq = header.readUIntBE(5, 6), key = this.keyOf(from);
    if (seq > s.maxSeq) {
      s.maxSeq = seq;
      if (key !== s.key) {
        this.log(`dtls: ${s.key}: moved to ${key} (Connection ID ${s.cid.toString('hex')})`);
        this.moves++;
        this.sessions.delete(s.key);
        this.drop(key);
        s.key = key; s.addr = this.copyAddr(from);
        this.sessions.set(key, s);
      }
    }
    this.content(inner[end - 1], epoch, header, inner.subarray(0, end - 1), from, s.key, s, now);
  }

  private record(type: number, epoch: number, header: Buffer, frag: Buffer, from: PeerAddress, now: number): void {
    const key = this.keyOf(from);
    const s = this.sessions.get(key);
    let plain = frag;
    if (epoch !== 0) {
      if (!s || s.readEpoch !== epoch) return; // not for the current keys: drop
      try {
        plain = this.open(s, header, frag);
      } catch (e) {
        // RFC 6347 §4.1.2.7: a bad record is dropped silently once connected; during the handshake it
        // means the keys differ (a wrong PSK): fatal bad_record_mac, and the session is forgotten.
        if (s.connected) return;
        this.drop(key);
        this.alert(from, 20);
        throw new Error('handshake record does not authenticate (wrong PSK?): session dropped');
      }
      const seq = header.readUIntBE(5, 6);
      if (seq > s.maxSeq) s.maxSeq = seq;
    }
    this.content(type, epoch, header, plain, from, key, s, now);
  }

  private content(type: number, epoch: number, header: Buffer, plain: Buffer, from: PeerAddress, key: string, s: DtlsPeerState | undefined, now: number): void {
    switch (type) {
      case Ct.HANDSHAKE: {
        let q = 0;
        while (q + 12 <= plain.length) {
          const ht = plain[q], hlen = plain.readUIntBE(q + 1, 3), seq = plain.readUInt16BE(q + 4);
          const foff = plain.readUIntBE(q + 6, 3), flen = plain.readUIntBE(q + 9, 3);
          if (foff !== 0 || flen !== hlen || q + 12 + hlen > plain.length) throw new Error('fragmented handshake messages are not supported');
          const msg = plain.subarray(q, q + 12 + hlen), body = plain.subarray(q + 12, q + 12 + hlen);
          q += 12 + hlen;
          s = this.handshake(ht, seq, msg, body, header, from, key, s);
        }
        return;
      }
      case Ct.CHANGE_CIPHER_SPEC:
        if (s && !s.connected && s.master.length) s.readEpoch = 1;
        return;
      case Ct.ALERT:
        if (s) { this.drop(key); this.log(`dtls: ${key}: alert ${plain[0]}/${plain[1]}: session closed`); }
        return;
      case Ct.APPLICATION_DATA:
        if (!s || !s.connected || epoch === 0) return;
        this.lastRx = this.ep.receive(plain, 0, plain.length, from, now);
        return;
    }
  }

  private handshake(ht: number, seq: number, msg: Buffer, body: Buffer, header: Buffer, from: PeerAddress, key: string,
    s: DtlsPeerState | undefined): DtlsPeerState | undefined {
    if (ht === Hs.CLIENT_HELLO) {
      let p = 2;
      const random = body.subarray(p, p + 32); p += 32;
      const offeredSid = body.subarray(p + 1, p + 1 + body[p]);
      p += 1 + body[p];
      const cookie = body.subarray(p + 1, p + 1 + body[p]); p += 1 + body[p];
      const nSuites = body.readUInt16BE(p) / 2; p += 2;
      const suites: number[] = [];
      for (let k = 0; k < nSuites; k++) suites.push(body.readUInt16BE(p + 2 * k));
      p += 2 * nSuites;
      p += 1 + body[p];
      let renego = suites.includes(SCSV), offersCid = false;
      if (p + 2 <= body.length) {
        const end = p + 2 + body.readUInt16BE(p); p += 2;
        while (p + 4 <= end) {
          const t = body.readUInt16BE(p), l = body.readUInt16BE(p + 2);
          if (t === RENEGOTIATION_INFO) renego = true;
          if (t === CONNECTION_ID) offersCid = true;
          p += 4 + l;
        }
      }
      if (s && !s.connected && s.clientRandom.equals(random) && s.lastFlight.length) { // a retransmitted ClientHello
        for (const d of s.lastFlight) this.queue.push({ data: d, to: s.addr });
        return s;
      }
      // RFC 6347 §4.2.1: "The server MAY choose not to do a cookie exchange when a session is
      // resumed": a ClientHello naming a session we keep is answered at once (the answer, three small
      // records, is hardly larger than the ClientHello: no amplification worth a round trip).
      const cached = this.resumption && offeredSid.length > 0 ? this.resumable.get(offeredSid.toString('hex')) : undefined;
      const expect = createHmac('sha256', this.cookieSecret).update(key).update(random).digest().subarray(0, 16);
      if (!cached && (cookie.length !== 16 || !timingSafeEqual(cookie, expect))) {
        const hvr = handshakeMsg(Hs.HELLO_VERIFY_REQUEST, seq, Buffer.concat([Buffer.from([0xfe, 0xff, 16]), expect]));
        const rec = Buffer.concat([Buffer.from([Ct.HANDSHAKE, 0xfe, 0xfd]), header.subarray(3, 11), u16(hvr.length), hvr]);
        this.queue.push({ data: rec, to: this.copyAddr(from) });
        return s;
      }
      if (!suites.includes(PSK_AES_128_CCM_8)) { this.alert(from, 40); throw new Error('client offers no TLS_PSK_WITH_AES_128_CCM_8'); }
      const sid = cached ? Buffer.from(offeredSid) : this.resumption ? randomBytes(32) : Buffer.alloc(0);
      const n: DtlsPeerState = {
        key, addr: this.copyAddr(from), connected: false, clientRandom: Buffer.from(random), serverRandom: randomBytes(32),
        transcript: [Buffer.from(msg)], master: Buffer.alloc(0), cKey: Buffer.alloc(0), sKey: Buffer.alloc(0), cIv: Buffer.alloc(0), sIv: Buffer.alloc(0),
        // Our epoch-0 record numbers continue from the ClientHello's (RFC 6347 §4.2.1: after a stateless
        // HelloVerifyRequest that reused it, a client's replay window would drop a repeated number).
        readEpoch: 0, writeEpoch: 0, writeSeq: [header.readUIntBE(5, 6), 0], msgSeq: seq, lastFlight: [], identity: '',
        sid, abbreviated: cached !== undefined,
        // RFC 9146 §3: a client that offers the extension gets a CID of ours (its own, of whatever
        // length, is not used: we send it plain records, as to a client that asked for a zero-length one).
        cid: offersCid && this.cidLen > 0 ? this.newCid() : Buffer.alloc(0), maxSeq: -1,
      };
      this.put(key, n);
      // A host tool, but not an unbounded one: the oldest session goes first (Map order is age).
      if (this.sessions.size > DtlsPskLayer.MAX_SESSIONS) this.drop(this.sessions.keys().next().value as string);
      const exts: Buffer[] = [];
      if (renego) exts.push(u16(RENEGOTIATION_INFO), u16(1), Buffer.from([0]));
      if (n.cid.length) exts.push(u16(CONNECTION_ID), u16(n.cid.length + 1), Buffer.from([n.cid.length]), n.cid);
      const eb = Buffer.concat(exts);
      const ext = eb.length ? Buffer.concat([u16(eb.length), eb]) : Buffer.alloc(0);
      const sh = handshakeMsg(Hs.SERVER_HELLO, n.msgSeq++, Buffer.concat([Buffer.from([0xfe, 0xfd]), n.serverRandom, Buffer.from([sid.length]), sid, u16(PSK_AES_128_CCM_8), Buffer.from([0]), ext]));
      if (cached) {
        // Abbreviated: the cached master secret, new keys; ServerHello, ChangeCipherSpec, Finished.
        n.identity = cached.identity;
        this.keysFrom(n, cached.master);
        n.transcript.push(sh);
        const verify = prf12(n.master, 'server finished', createHash('sha256').update(Buffer.concat(n.transcript)).digest(), 12);
        const hello = this.seal(n, Ct.HANDSHAKE, sh);
        const ccs = this.seal(n, Ct.CHANGE_CIPHER_SPEC, Buffer.from([1]));
        n.writeEpoch = 1;
        const finMsg = handshakeMsg(Hs.FINISHED, n.msgSeq++, verify);
        n.transcript.push(finMsg);
        const flight = Buffer.concat([hello, ccs, this.seal(n, Ct.HANDSHAKE, finMsg)]);
        n.lastFlight = [flight];
        this.queue.push({ data: flight, to: n.addr });
        return n;
      }
      const shd = handshakeMsg(Hs.SERVER_HELLO_DONE, n.msgSeq++, Buffer.alloc(0));
      n.transcript.push(sh, shd);
      const flight = Buffer.concat([this.seal(n, Ct.HANDSHAKE, sh), this.seal(n, Ct.HANDSHAKE, shd)]);
      n.lastFlight = [flight];
      this.queue.push({ data: flight, to: n.addr });
      return n;
    }
    if (!s) return s;
    if (s.connected) { // the client did not get our Finished: send it again
      if (ht === Hs.FINISHED || ht === Hs.CLIENT_KEY_EXCHANGE) for (const d of s.lastFlight) this.queue.push({ data: d, to: s.addr });
      return s;
    }
    if (ht === Hs.CLIENT_KEY_EXCHANGE) {
      if (s.master.length) return s; // a retransmission
      const idLen = body.readUInt16BE(0);
      const identity = body.subarray(2, 2 + idLen).toString('utf8');
      const psk = this.keys.get(identity);
      if (!psk) { this.drop(key); this.alert(from, 115); throw new Error(`unknown PSK identity "${identity}"`); }
      s.identity = identity;
      s.transcript.push(Buffer.from(msg));
      const pms = Buffer.concat([u16(psk.length), Buffer.alloc(psk.length), u16(psk.length), psk]);
      this.keysFrom(s, prf12(pms, 'master secret', Buffer.concat([s.clientRandom, s.serverRandom]), 48));
      return s;
    }
    if (ht === Hs.FINISHED) {
      if (!s.master.length || s.readEpoch !== 1) throw new Error('Finished before the keys');
      const hash = createHash('sha256').update(Buffer.concat(s.transcript)).digest();
      const expect = prf12(s.master, 'client finished', hash, 12);
      if (!timingSafeEqual(expect, body.subarray(0, 12)) || body.length !== 12) { this.drop(key); this.alert(from, 51); throw new Error('bad client Finished (wrong PSK?)'); }
      if (s.abbreviated) { // our Finished went first: done
        s.connected = true;
        s.transcript = [];
        this.resumptions++;
        this.log(`dtls: ${key}: session resumed (identity "${s.identity}")`);
        return s;
      }
      s.transcript.push(Buffer.from(msg));
      const verify = prf12(s.master, 'server finished', createHash('sha256').update(Buffer.concat(s.transcript)).digest(), 12);
      const ccs = this.seal(s, Ct.CHANGE_CIPHER_SPEC, Buffer.from([1]));
      s.writeEpoch = 1;
      const fin = this.seal(s, Ct.HANDSHAKE, handshakeMsg(Hs.FINISHED, s.msgSeq++, verify));
      s.lastFlight = [Buffer.concat([ccs, fin])];
      this.queue.push({ data: s.lastFlight[0], to: s.addr });
      s.connected = true;
      s.transcript = [];
      this.handshakes++;
      if (s.sid.length) {
        this.resumable.set(s.sid.toString('hex'), { master: s.master, identity: s.identity });
        if (this.resumable.size > DtlsPskLayer.MAX_SESSIONS) this.resumable.delete(this.resumable.keys().next().value as string);
      }
      this.log(`dtls: ${key}: session established (identity "${s.identity}")`);
      return s;
    }
    return s;
  }

  /** The master secret and the record keys it gives (RFC 5246 §6.3: CCM_8, 16-byte keys, 4-byte IVs). */
  private keysFrom(s: DtlsPeerState, master: Buffer): void {
    s.master = master;
    const kb = prf12(s.master, 'key expansion', Buffer.concat([s.serverRandom, s.clientRandom]), 40);
    s.cKey = kb.subarray(0, 16); s.sKey = kb.subarray(16, 32); s.cIv = kb.subarray(32, 36); s.sIv = kb.subarray(36, 40);
  }

  /** A Connection ID no session has. */
  private newCid(): Buffer {
    for (;;) { const c = randomBytes(this.cidLen); if (!this.cids.has(c.toString('hex'))) return c; }
  }

  private copyAddr(a: PeerAddress): PeerAddress { const c = new PeerAddress(); c.set(a); return c; }

  private alert(to: PeerAddress, description: number): void {
    const rec = Buffer.concat([Buffer.from([Ct.ALERT, 0xfe, 0xfd]), u16(0), u48(0), u16(2), Buffer.from([2, description])]);
    this.queue.push({ data: rec, to: this.copyAddr(to) });
  }

  /** One record in the current write epoch (AES-128-CCM-8 from epoch 1). */
  private seal(s: DtlsPeerState, type: number, plain: Buffer): Buffer {
    const epoch = s.writeEpoch, seq = s.writeSeq[epoch]++;
    const es = Buffer.concat([u16(epoch), u48(seq)]);
    if (epoch === 0) return Buffer.concat([Buffer.from([type, 0xfe, 0xfd]), es, u16(plain.length), plain]);
    const c = createCipheriv('aes-128-ccm', s.sKey, Buffer.concat([s.sIv, es]), { authTagLength: 8 });
    c.setAAD(Buffer.concat([es, Buffer.from([type, 0xfe, 0xfd]), u16(plain.length)]), { plaintextLength: plain.length });
    const ct = Buffer.concat([c.update(plain), c.final()]);
    const tag = c.getAuthTag();
    return Buffer.concat([Buffer.from([type, 0xfe, 0xfd]), es, u16(8 + ct.length + 8), es, ct, tag]);
  }

  /** Decrypts a record (CCM_8). For a tls12_cid record (header with its CID) the additional data is
   *  RFC 9146 §5's: 8 × 0xff, tls12_cid, cid_length, tls12_cid, version, epoch and sequence, cid, length. */
  private open(s: DtlsPeerState, header: Buffer, frag: Buffer): Buffer {
    if (frag.length < 16) throw new Error('short encrypted record');
    const explicit = frag.subarray(0, 8), ct = frag.subarray(8, frag.length - 8), tag = frag.subarray(frag.length - 8);
    const d = createDecipheriv('aes-128-ccm', s.cKey, Buffer.concat([s.cIv, explicit]), { authTagLength: 8 });
    d.setAuthTag(tag);
    const cl = header.length - 13;
    const aad = header[0] === Ct.TLS12_CID
      ? Buffer.concat([Buffer.alloc(8, 0xff), Buffer.from([Ct.TLS12_CID, cl, Ct.TLS12_CID]), header.subarray(1, 11), header.subarray(11, 11 + cl), u16(ct.length)])
      : Buffer.concat([header.subarray(3, 11), header.subarray(0, 3), u16(ct.length)]);
    d.setAAD(aad, { plaintextLength: ct.length });
    let out: Buffer;
    try { out = d.update(ct); d.final(); } catch { throw new Error('record authentication failed'); }
    return out;
  }

  poll(now: number): number {
    const d = this.ep.poll(now);
    return this.queue.length ? now : d;
  }

  transmit(out: Uint8Array, at: number): number {
    const q = this.queue.shift();
    if (q) {
      out.set(q.data, at);
      this.txPeer.set(q.to);
      return q.data.length;
    }
    for (let guard = 0; guard < 64; guard++) {
      const n = this.ep.transmit(this.tmp, 0);
      if (n <= 0) return 0;
      const key = this.keyOf(this.ep.txPeer);
      const s = this.sessions.get(key);
      if (!s || !s.connected) { this.log(`dtls: ${key}: no session: message dropped (the client must start DTLS)`); continue; }
      const rec = this.seal(s, Ct.APPLICATION_DATA, Buffer.from(this.tmp.subarray(0, n)));
      out.set(rec, at);
      this.txPeer.set(this.ep.txPeer);
      return rec.length;
    }
    return 0;
  }
}
