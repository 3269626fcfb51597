// (a) CoAP codec: parse + serialise typical LwM2M messages, ours against the npm `coap-packet`
//     package (the codec under node-coap) on the same inputs in the same run; prints the ratio.
// (b) The allocation proof: after warm-up, 1,000,000 request/response exchanges through
//     parse → dedup → dispatch → encode → transmit cause zero garbage collections.
import * as coapPacket from 'coap-packet';
import { CoapMessage, MessageWriter, parseMessage } from '../src/coap/message.js';
import { Endpoint, EndpointHandler, Reply } from '../src/coap/endpoint.js';
import { Code } from '../src/coap/codes.js';
import { Opt } from '../src/coap/option.js';
import { PeerAddress, parseAddress } from '../src/coap/peer.js';
import { makeConfig } from '../src/config.js';
import { loadVectors, hex } from '../test-host/vectors.js';
import { GcCounter, expectNoGc, opsPerSec, size, wrong } from './gc.js';

const vecs = loadVectors('coap_messages.json').vectors.filter((v: any) => /LwM2M|generated/.test(v.name));
const inputs: Uint8Array[] = vecs.map((v: any) => hex(v.hex));
console.log(`codec inputs: ${inputs.length} LwM2M messages (Register, 2.01, Update, notification, Block2 …)`);

const m = new CoapMessage();
const w = new MessageWriter();
const out = new Uint8Array(2048);
function ours(): number {
  for (let k = 0; k < inputs.length; k++) {
    const b = inputs[k];
    parseMessage(b, 0, b.length, m);
    w.begin(out, 0, out.length, m.type, m.code, m.mid, m.token, 0, m.tokenLen);
    for (let j = 0; j < m.optCount; j++) w.option(m.optNum[j], b, m.optOff[j], m.optLen[j]);
    w.payload(b, m.payloadOff, m.payloadLen);
    if (w.end() !== b.length) throw new Error('round trip changed the length');
    for (let j = 0; j < b.length; j++) if (out[j] !== b[j]) throw new Error('round trip changed the bytes');
  }
  return inputs.length;
}
const bufs = inputs.map((b) => Buffer.from(b));
function theirs(): number {
  for (let k = 0; k < bufs.length; k++) {
    const p = coapPacket.parse(bufs[k]);
    const g = coapPacket.generate(p);
    if (g.length !== bufs[k].length) throw new Error('coap-packet round trip changed the length');
  }
  return bufs.length;
}
opsPerSec(ours, 300); opsPerSec(theirs, 300); // warm-up
const a = opsPerSec(ours, 1500), b = opsPerSec(theirs, 1500);
console.log(`parse+serialise: ours ${(a / 1e6).toFixed(2)} M msg/s, coap-packet ${(b / 1e6).toFixed(3)} M msg/s, ratio ${(a / b).toFixed(1)}x (target ≥ 5x)`);

// (b) zero-GC exchange loop: a server endpoint answering GET /3/0 with a fixed payload.
const P3 = Uint8Array.of(0x33), P0 = Uint8Array.of(0x30);
const body = new Uint8Array(120).fill(0x41);
class Handler implements EndpointHandler {
  n = 0;
  accept(): boolean { return true; }
  onRequest(req: CoapMessage, _p: number, res: MessageWriter): number {
    this.n++;
    const k = req.uriPathFirst;
    if (req.uriPathCount !== 2 || !req.optionEquals(k, P3) || !req.optionEquals(k + 1, P0)) { res.setCode(Code.NOT_FOUND); return Reply.RESPOND; }
    res.optionUint(Opt.CONTENT_FORMAT, 11542);
    res.payload(body, 0, body.length);
    return Reply.RESPOND;
  }
  onResponse(): void {}
  onUnmatchedResponse(): boolean { return false; }
  onDelivered(): void {}
  onFailure(): void {}
  onReset(): void {}
}
const h = new Handler();
const ep = new Endpoint(makeConfig(), h, Uint8Array.of(1, 2, 3));
const peer = new PeerAddress(); parseAddress('127.0.0.1', 5683, peer);
const req = new Uint8Array(64);
w.begin(req, 0, 64, 0, Code.GET, 0, Uint8Array.of(9, 8, 7, 6), 0, 4);
w.optionDecimal(Opt.URI_PATH, 3); w.optionDecimal(Opt.URI_PATH, 0); w.optionUint(Opt.ACCEPT, 11542);
const reqLen = w.end();
let now = 0, bytes = 0, replies = 0, lastLen = 0;
function exchange(n: number): void {
  for (let k = 0; k < n; k++) {
    req[2] = (k >> 8) & 0xff; req[3] = k & 0xff;
    ep.receive(req, 0, reqLen, peer, now);
    ep.poll(now);
    const len = ep.transmit(out, 0);
    if (len > 0) { replies++; lastLen = len; }
    bytes += len;
    now += 1;
  }
}
const WARM = size(50_000, 2_000), N = size(1_000_000, 20_000);
exchange(WARM); // warm-up (JIT, dedup cache fill)
const gc = new GcCounter();
await gc.start();
const t0 = performance.now();
bytes = 0; replies = 0;
exchange(N);
const dt = performance.now() - t0;
const collections = await gc.stop();
console.log(`zero-GC: ${N.toLocaleString('en-US')} GET /3/0 exchanges (parse → dedup → dispatch → encode → transmit) in ${(dt / 1000).toFixed(2)} s, ${collections} garbage collections`);
// each request answered once, the last answer a 2.05 with the 120-byte body
if (h.n !== WARM + N) wrong(`${h.n} requests dispatched, not ${WARM + N}`);
if (replies !== N || bytes !== N * lastLen) wrong(`${replies} replies (${bytes} bytes) to ${N} requests`);
if (parseMessage(out, 0, lastLen, m) !== 0 || m.code !== Code.CONTENT || m.payloadLen !== body.length) wrong('the last reply is not the 2.05 with the body');
expectNoGc(collections);
