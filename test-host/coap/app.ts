// A small CoAP application on the message layer, for tests and the interim demo: a handful of
// resources (GET /hello, GET|PUT /store, POST /count, GET /slow answered separately) and a record
// of every response our own requests received.

import { Endpoint, EndpointHandler, Reply } from '../../src/coap/endpoint.js';
import { CoapMessage, MessageWriter, MsgType } from '../../src/coap/message.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';
import { makeConfig, Config } from '../../src/config.js';
import { Slab } from '../../src/slab.js';

export interface Got { tag: number; code: number; payload: string; peer: number; t: number }

export class ResourceApp implements EndpointHandler {
  ep: Endpoint;
  store = new Uint8Array(0);
  executions = 0;
  countPosts = 0;
  responses: Got[] = [];
  failures: { tag: number; reason: number }[] = [];
  failureTimes: number[] = [];
  delivered: number[] = [];
  unmatched = 0;
  acceptAll = true;
  slow: { peer: number; token: Uint8Array }[] = [];

  constructor(config: Config = makeConfig(), seed = 1, slab?: Slab) {
    this.ep = new Endpoint(config, this, Uint8Array.of(seed & 255, (seed >> 8) & 255, 7, 9), slab);
  }

  accept(): boolean { return this.acceptAll; }

  private path(req: CoapMessage): string {
    let s = '';
    for (let k = 0; k < req.optCount; k++) {
      if (req.optNum[k] === Opt.URI_PATH) s += '/' + Buffer.from(req.buf.subarray(req.optOff[k], req.optOff[k] + req.optLen[k])).toString();
    }
    return s || '/';
  }

  onRequest(req: CoapMessage, peer: number, res: MessageWriter): number {
    this.executions++;
    const path = this.path(req);
    if (path === '/hello' && req.code === Code.GET) {
      res.optionUint(Opt.CONTENT_FORMAT, 0);
      res.payload(Buffer.from('world'), 0, 5);
      return Reply.RESPOND;
    }
    if (path === '/store') {
      if (req.code === Code.PUT) {
        this.store = req.buf.slice(req.payloadOff, req.payloadOff + req.payloadLen);
        res.setCode(Code.CHANGED);
        return Reply.RESPOND;
      }
      if (req.code === Code.GET) { res.payload(this.store, 0, this.store.length); return Reply.RESPOND; }
      res.setCode(Code.METHOD_NOT_ALLOWED);
      return Reply.RESPOND;
    }
    if (path === '/count' && req.code === Code.POST) {
      this.countPosts++;
      res.setCode(Code.CHANGED);
      const s = Buffer.from(String(this.countPosts));
      res.payload(s, 0, s.length);
      return Reply.RESPOND;
    }
    if (path === '/slow') {
      this.slow.push({ peer, token: req.token.slice(0, req.tokenLen) });
      return Reply.DEFER;
    }
    res.setCode(Code.NOT_FOUND);
    return Reply.RESPOND;
  }

  /** Sends the separate response for the oldest deferred /slow request. */
  answerSlow(text: string): number {
    const s = this.slow.shift()!;
    const k = this.ep.beginNotify(s.peer, MsgType.CON, Code.CONTENT, s.token, 0, s.token.length, 99);
    if (k < 0) return k;
    const b = Buffer.from(text);
    this.ep.w.payload(b, 0, b.length);
    return this.ep.commit(k);
  }

  onResponse(tag: number, res: CoapMessage, peer: number): void {
    this.responses.push({ tag, code: res.code, peer, t: this.ep.time(),
      payload: Buffer.from(res.buf.subarray(res.payloadOff, res.payloadOff + res.payloadLen)).toString() });
  }

  onUnmatchedResponse(): boolean { this.unmatched++; return false; }
  onDelivered(tag: number): void { this.delivered.push(tag); }
  resets: number[] = [];
  onReset(mid: number): void { this.resets.push(mid); }
  onFailure(tag: number, reason: number): void { this.failures.push({ tag, reason }); this.failureTimes.push(this.ep.time()); }

  /** Queues a GET (or another method) of a path to peer p; returns the slot or a negative error. */
  request(p: number, code: number, path: string, tag: number, payload?: Uint8Array, type: number = MsgType.CON): number {
    const k = this.ep.beginRequest(p, type, code, tag);
    if (k < 0) return k;
    for (const seg of path.split('/').filter(Boolean)) {
      const b = Buffer.from(seg);
      this.ep.w.option(Opt.URI_PATH, b, 0, b.length);
    }
    if (payload) this.ep.w.payload(payload, 0, payload.length);
    return this.ep.commit(k);
  }
}
