// A scripted LwM2M client for the host-tool tests: the same CoAP Endpoint over real UDP on 127.0.0.1,
// recording every request it receives and answering with a scripted responder.
import { CoapHost, CoapResponse, RequestSpec, tokenHex, uriPath, uriQuery } from '../../host/server.js';
import { CoapMessage, MessageWriter, MsgType } from '../../src/coap/message.js';
import { Reply } from '../../src/coap/endpoint.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';

export interface Seen {
  code: number;
  path: string;
  query: Map<string, string | true>;
  contentFormat: number;
  accept: number;
  observe: number;
  token: string;
  payload: Uint8Array;
  type: number;
}

/** silent: no answer at all (a client that ignores the request). */
export interface Answer { code: number; contentFormat?: number; observe?: number; payload?: Uint8Array | string; silent?: boolean }

export class ScriptedClient extends CoapHost {
  seen: Seen[] = [];
  responder: (r: Seen) => Answer = () => ({ code: Code.NOT_FOUND });
  private waiters: { n: number; resolve: () => void }[] = [];

  delivered: number[] = [];
  resets: number[] = [];

  override onDelivered(tag: number): void { this.delivered.push(tag); }
  override onFailure(tag: number, reason: number): void {
    if (tag === 7 && reason === 2) this.resets.push(tag);
    super.onFailure(tag, reason);
  }

  static async open(): Promise<ScriptedClient> {
    return new ScriptedClient(await CoapHost.openHal({ address: '127.0.0.1', port: 0 }), { log: () => {} });
  }

  protected override handleRequest(req: CoapMessage, _peer: number, res: MessageWriter): number {
    const s: Seen = {
      code: req.code, path: '/' + uriPath(req).join('/'), query: uriQuery(req), contentFormat: req.contentFormat,
      accept: req.accept, observe: req.observe, token: tokenHex(req), type: req.type,
      payload: new Uint8Array(req.buf.subarray(req.payloadOff, req.payloadOff + req.payloadLen)),
    };
    this.seen.push(s);
    const a = this.responder(s);
    setImmediate(() => { this.waiters = this.waiters.filter((w) => { if (this.seen.length >= w.n) { w.resolve(); return false; } return true; }); });
    if (a.silent) return Reply.SILENT;
    res.setCode(a.code);
    if (a.observe !== undefined) res.optionUint(Opt.OBSERVE, a.observe);
    if (a.contentFormat !== undefined) res.optionUint(Opt.CONTENT_FORMAT, a.contentFormat);
    if (a.payload !== undefined) {
      const b = typeof a.payload === 'string' ? new TextEncoder().encode(a.payload) : a.payload;
      res.payload(b, 0, b.length);
    }
    return Reply.RESPOND;
  }

  /** Resolves when n requests have been seen (rejects after ms). */
  waitSeen(n: number, ms = 5000): Promise<void> {
    if (this.seen.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`only ${this.seen.length} of ${n} requests arrived`)), ms);
      this.waiters.push({ n, resolve: () => { clearTimeout(t); resolve(); } });
    });
  }

  send(port: number, spec: RequestSpec): Promise<CoapResponse> {
    return this.request(this.peerOf('127.0.0.1', port), spec);
  }

  /** A notification with the given token (hex). */
  notify(port: number, tokenHexStr: string, seq: number, payload: Uint8Array | string, cf: number, type: MsgType = MsgType.NON, code: number = Code.CONTENT): boolean {
    const tok = Buffer.from(tokenHexStr, 'hex');
    const k = this.ep.beginNotify(this.peerOf('127.0.0.1', port), type, code, tok, 0, tok.length, 7);
    if (k < 0) return false;
    if (seq >= 0) this.ep.w.optionUint(Opt.OBSERVE, seq);
    this.ep.w.optionUint(Opt.CONTENT_FORMAT, cf);
    const b = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.ep.w.payload(b, 0, b.length);
    const r = this.ep.commit(k);
    this.drv.pump();
    return r === 0;
  }
}
