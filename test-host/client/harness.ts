// Sans-IO peers for client tests under the simulator: a scripted LwM2M server / bootstrap server on
// the project's CoAP endpoint. It records every request it receives and every response it gets,
// answers Register (2.01 + Location-Path rd/N), Update (2.04), De-register (2.02) and
// Bootstrap-Request (2.04) unless told otherwise, and sends whatever a test asks.
import { Endpoint, EndpointHandler, Reply } from '../../src/coap/endpoint.js';
import { CoapMessage, MessageWriter, MsgType } from '../../src/coap/message.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';
import { PeerAddress } from '../../src/coap/peer.js';
import { makeConfig } from '../../src/config.js';
import { SimNetwork } from '../sim.js';
import { createBoardClient, BoardOptions, Board } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import type { ConfigStore } from '../../src/client/client.js';

/** The HAL's key-value storage, in memory: what the client committed last. */
export class MemStore implements ConfigStore {
  data: Uint8Array | null = null;
  saves = 0;
  load(out: Uint8Array): number { if (!this.data) return -1; out.set(this.data); return this.data.length; }
  save(buf: Uint8Array, off: number, len: number): boolean { this.data = buf.slice(off, off + len); this.saves++; return true; }
}

export interface SeenRequest { t: number; code: number; type: number; path: string; query: string[]; payload: Buffer; cf: number; accept: number; observe: number; mid: number; token: string }
export interface SeenResponse { t: number; tag: number; code: number; payload: Buffer; cf: number; observe: number; type: number; token: string }

export function describe(m: CoapMessage) {
  const path: string[] = [], query: string[] = [];
  for (let k = 0; k < m.optCount; k++) {
    const v = Buffer.from(m.buf.subarray(m.optOff[k], m.optOff[k] + m.optLen[k])).toString();
    if (m.optNum[k] === Opt.URI_PATH) path.push(v);
    if (m.optNum[k] === Opt.URI_QUERY) query.push(v);
  }
  return { path: '/' + path.join('/'), query, payload: Buffer.from(m.buf.subarray(m.payloadOff, m.payloadOff + m.payloadLen)) };
}

export class SimServer implements EndpointHandler {
  readonly ep: Endpoint;
  requests: SeenRequest[] = [];
  responses: SeenResponse[] = [];
  notifications: SeenResponse[] = [];
  failures: { tag: number; reason: number }[] = [];
  regCount = 0;
  /** Answer code for Register (default 2.01) and Update; null: no answer at all (silence). */
  registerCode: number | null = Code.CREATED;
  updateCode: number | null = Code.CHANGED;
  bootstrapRequestCode: number | null = Code.CHANGED;
  /** The answer to GET /bspack (Bootstrap-Pack, SenML CBOR), or null for 4.04. */
  pack: Uint8Array | null = null;
  /** Called for each request after it is recorded (tests script reactions here). */
  onReq: ((r: SeenRequest, peer: number) => void) | null = null;
  private nextTag = 1000;
  constructor(readonly net: SimNetwork, readonly name: string, seed: number) {
    this.ep = new Endpoint(makeConfig({ maxPeers: 8, responseRingDepth: 16, dedupEntries: 32 }), this, Uint8Array.of(seed, 1, 2, 3));
  }
  accept(): boolean { return true; }
  onRequest(req: CoapMessage, peer: number, res: MessageWriter): number {
    const d = describe(req);
    const r: SeenRequest = { t: this.net.now, code: req.code, type: req.type, path: d.path, query: d.query, payload: d.payload,
      cf: req.contentFormat, accept: req.accept, observe: req.observe, mid: req.mid, token: Buffer.from(req.token.subarray(0, req.tokenLen)).toString('hex') };
    this.requests.push(r);
    this.onReq?.(r, peer);
    if (req.code === Code.POST && d.path === '/rd') {
      if (this.registerCode === null) return Reply.SILENT;
      res.setCode(this.registerCode);
      if (this.registerCode === Code.CREATED) {
        this.regCount++;
        res.option(Opt.LOCATION_PATH, Buffer.from('rd'), 0, 2);
        const id = Buffer.from('r' + this.regCount);
        res.option(Opt.LOCATION_PATH, id, 0, id.length);
      }
      return Reply.RESPOND;
    }
    if (req.code === Code.POST && d.path.startsWith('/rd/')) { if (this.updateCode === null) return Reply.SILENT; res.setCode(this.updateCode); return Reply.RESPOND; }
    if (req.code === Code.DELETE && d.path.startsWith('/rd/')) { res.setCode(Code.DELETED); return Reply.RESPOND; }
    if (req.code === Code.POST && d.path === '/bs') { if (this.bootstrapRequestCode === null) return Reply.SILENT; res.setCode(this.bootstrapRequestCode); return Reply.RESPOND; }
    if (req.code === Code.GET && d.path === '/bspack') {
      if (!this.pack) { res.setCode(Code.NOT_FOUND); return Reply.RESPOND; }
      res.optionUint(Opt.CONTENT_FORMAT, 112);
      res.payload(this.pack, 0, this.pack.length);
      return Reply.RESPOND;
    }
    if (req.code === Code.POST && d.path === '/dp') { res.setCode(Code.CHANGED); return Reply.RESPOND; }
    res.setCode(Code.NOT_FOUND);
    return Reply.RESPOND;
  }
  onResponse(tag: number, res: CoapMessage): void {
    const d = describe(res);
    this.responses.push({ t: this.net.now, tag, code: res.code, payload: d.payload, cf: res.contentFormat, observe: res.observe, type: res.type, token: Buffer.from(res.token.subarray(0, res.tokenLen)).toString('hex') });
  }
  /** Notifications: responses carrying a token of an observe we sent. */
  observeTokens = new Set<string>();
  onUnmatchedResponse(res: CoapMessage): boolean {
    const tok = Buffer.from(res.token.subarray(0, res.tokenLen)).toString('hex');
    if (!this.observeTokens.has(tok)) return false;
    const d = describe(res);
    this.notifications.push({ t: this.net.now, tag: -1, code: res.code, payload: d.payload, cf: res.contentFormat, observe: res.observe, type: res.type, token: tok });
    return true;
  }
  onDelivered(): void {}
  onReset(): void {}
  onFailure(tag: number, reason: number): void { this.failures.push({ tag, reason }); }

  /** Sends a request to peer p; returns its tag. */
  request(p: number, code: number, path: string, o: { accept?: number; cf?: number; payload?: Uint8Array; observe?: number; query?: string[]; block2?: number; block1?: number; size1?: number; type?: number } = {}): number {
    const tag = this.nextTag++;
    const k = this.ep.beginRequest(p, o.type ?? MsgType.CON, code, tag);
    if (k < 0) throw new Error('ring full');
    const w = this.ep.w;
    if (o.observe !== undefined) w.optionUint(Opt.OBSERVE, o.observe);
    for (const seg of path.split('/').filter((x) => x.length)) { const b = Buffer.from(seg); w.option(Opt.URI_PATH, b, 0, b.length); }
    if (o.cf !== undefined) w.optionUint(Opt.CONTENT_FORMAT, o.cf);
    for (const q of o.query ?? []) { const b = Buffer.from(q); w.option(Opt.URI_QUERY, b, 0, b.length); }
    if (o.accept !== undefined) w.optionUint(Opt.ACCEPT, o.accept);
    if (o.block2 !== undefined) w.optionUint(Opt.BLOCK2, o.block2);
    if (o.block1 !== undefined) w.optionUint(Opt.BLOCK1, o.block1);
    if (o.size1 !== undefined) w.optionUint(Opt.SIZE1, o.size1);
    if (o.payload) w.payload(o.payload, 0, o.payload.length);
    if (this.ep.commit(k) < 0) throw new Error('too large');
    if (o.observe === 0) { const t = new Uint8Array(8); const n = this.ep.slotToken(k, t, 0); this.observeTokens.add(Buffer.from(t.subarray(0, n)).toString('hex')); }
    this.net.kick();
    return tag;
  }

  response(tag: number): SeenResponse | undefined { return this.responses.find((r) => r.tag === tag); }

  /** Sends and runs the network until the response arrives (throws when it does not). */
  call(p: number, code: number, path: string, o: Parameters<SimServer['request']>[3] = {}, attempts = 3): SeenResponse {
    for (let a = 0; a < attempts; a++) { // a peer gives up after MAX_RETRANSMIT, then tries again
      const tag = this.request(p, code, path, o);
      this.net.run({ done: () => !!this.response(tag) || this.failures.some((f) => f.tag === tag), until: this.net.now + 300_000 });
      const r = this.response(tag);
      if (r) return r;
    }
    throw new Error(`no response to ${path}`);
  }
}

export interface World { net: SimNetwork; server: SimServer; bs: SimServer; board: Board; clientAddr: PeerAddress; serverPeer: number; bsPeer: number; events: { t: number; e: number; a: number; b: number }[] }

export const CLIENT_HOST = '127.0.0.1', CLIENT_PORT = 56830, SERVER_PORT = 5683, BS_PORT = 5783;

/** A client, a server on :5683 and a bootstrap server on :5783, in one simulated network. The client
 *  core is wrapped so that its events are collected as they happen. */
export function world(seed: number, link: ConstructorParameters<typeof SimNetwork>[1] = {}, opts: Partial<BoardOptions> = {}): World {
  const net = new SimNetwork(seed, { delay: 5, ...link });
  const server = new SimServer(net, 'server', 11);
  const bs = new SimServer(net, 'bs', 12);
  const board = createBoardClient({ endpoint: 'sim-client', seed: Uint8Array.of(seed, 9, 9, 9), ...opts });
  const events: World['events'] = [];
  const c = board.client;
  const core = {
    receive: (b: Uint8Array, o: number, l: number, f: PeerAddress, now: number) => c.receive(b, o, l, f, now),
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push({ t: now, e, a: c.eventA, b: c.eventB }); return d; },
    transmit: (out: Uint8Array, at: number) => c.transmit(out, at),
    get txPeer() { return c.txPeer; },
  };
  const clientAddr = net.add('client', CLIENT_HOST, CLIENT_PORT, core);
  const sAddr = net.add('server', '127.0.0.1', SERVER_PORT, server.ep);
  const bAddr = net.add('bs', '127.0.0.1', BS_PORT, bs.ep);
  void sAddr; void bAddr;
  return { net, server, bs, board, clientAddr, serverPeer: server.ep.peerIndex(clientAddr, true), bsPeer: bs.ep.peerIndex(clientAddr, true), events };
}

export const SERVER_URI = `coap://127.0.0.1:${SERVER_PORT}`;
export const BS_URI = `coap://127.0.0.1:${BS_PORT}`;

/** TLV helpers for tests (allocation fine): a resource TLV and an instance wrapper. */
export function tlvRes(id: number, value: Uint8Array): Buffer {
  const hdr: number[] = [];
  const len = value.length;
  let type = 0xc0 | (id > 255 ? 0x20 : 0);
  if (len < 8) type |= len; else if (len < 256) type |= 0x08; else type |= 0x10;
  hdr.push(type);
  if (id > 255) hdr.push(id >> 8, id & 255); else hdr.push(id);
  if (len >= 8 && len < 256) hdr.push(len); else if (len >= 256) hdr.push(len >> 8, len & 255);
  return Buffer.concat([Buffer.from(hdr), Buffer.from(value)]);
}
export function tlvInst(id: number, body: Buffer): Buffer {
  const len = body.length;
  let type = 0x00 | (id > 255 ? 0x20 : 0);
  const hdr: number[] = [];
  if (len < 8) type |= len; else if (len < 256) type |= 0x08; else type |= 0x10;
  hdr.push(type);
  if (id > 255) hdr.push(id >> 8, id & 255); else hdr.push(id);
  if (len >= 8 && len < 256) hdr.push(len); else if (len >= 256) hdr.push(len >> 8, len & 255);
  return Buffer.concat([Buffer.from(hdr), body]);
}
export const tlvInt = (id: number, v: number) => { const b = Buffer.alloc(v > 127 || v < -128 ? (v > 32767 || v < -32768 ? 4 : 2) : 1); if (b.length === 1) b.writeInt8(v); else if (b.length === 2) b.writeInt16BE(v); else b.writeInt32BE(v); return tlvRes(id, b); };
export const tlvStr = (id: number, s: string) => tlvRes(id, Buffer.from(s));
export const tlvBool = (id: number, v: boolean) => tlvRes(id, Buffer.from([v ? 1 : 0]));

/** The TLV of a Security instance and a Server instance for a LwM2M server account. */
export function serverAccountTlv(secId: number, srvId: number, uri: string, ssid: number, lifetime = 300) {
  const sec = tlvInst(secId, Buffer.concat([tlvStr(0, uri), tlvBool(1, false), tlvInt(2, 3), tlvRes(3, new Uint8Array(0)), tlvRes(4, new Uint8Array(0)), tlvRes(5, new Uint8Array(0)), tlvInt(10, ssid)]));
  const srv = tlvInst(srvId, Buffer.concat([tlvInt(0, ssid), tlvInt(1, lifetime), tlvBool(6, true), tlvStr(7, 'U')]));
  return { sec, srv };
}
