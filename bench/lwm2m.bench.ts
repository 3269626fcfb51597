// The zero-GC proof of the foundation, extended to LwM2M (issue 3): after warm-up, 1,000,000 Read
// /3/0 (TLV) exchanges through the whole client (CoAP parse → dedup → dispatch → object table →
// TLV encode → transmit) and 100,000 notifications of /3303/0/5700 cause zero garbage collections.
// The peer here is Leshan-shaped raw CoAP: prebuilt request bytes with fresh message IDs.
import { createBoardClient } from '../src/client/setup.js';
import { MessageWriter, CoapMessage, parseMessage } from '../src/coap/message.js';
import { Opt } from '../src/coap/option.js';
import { PeerAddress, parseAddress } from '../src/coap/peer.js';
import { Code } from '../src/coap/codes.js';
import { GcCounter, expectNoGc, size, wrong } from './gc.js';

// The raw peer at :40000 is no server account: the development switch lets it in (the server at
// :5683 never answers, so it never registers, and only an unknown peer's observation notifies).
const board = createBoardClient({ endpoint: 'bench', seed: Uint8Array.of(1, 2, 3, 4), server: { uri: 'coap://127.0.0.1:5683' }, hooks: { now: () => 1_700_000_000 }, acceptUnknownPeers: true });
const c = board.client;
c.start(0);
const peer = new PeerAddress(); parseAddress('127.0.0.1', 40000, peer);
const out = new Uint8Array(2048);
const w = new MessageWriter();
const req = new Uint8Array(64);
w.begin(req, 0, 64, 0, Code.GET, 0, Uint8Array.of(1, 2, 3, 4), 0, 4);
w.optionDecimal(Opt.URI_PATH, 3); w.optionDecimal(Opt.URI_PATH, 0); w.optionUint(Opt.ACCEPT, 11542);
const reqLen = w.end();
const m = new CoapMessage();
let now = 1, bytes = 0, answers = 0;
/** n Reads; the answers that are a 2.05 TLV from the peer's side counted in `answers`. */
function reads(n: number): void {
  for (let k = 0; k < n; k++) {
    req[2] = (k >> 8) & 0xff; req[3] = k & 0xff;
    c.receive(req, 0, reqLen, peer, now);
    c.poll(now);
    for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) {
      bytes += len;
      if (c.txPeer.equals(peer) && out[1] === Code.CONTENT) answers++;
    }
    while (c.nextEvent() !== 0) { /* drain */ }
    now += 1;
  }
}
const READS = size(1_000_000, 5_000);
reads(size(20_000, 1_000));
parseMessage(out, 0, c.transmit(out, 0) || 0, m);
const gc = new GcCounter();
await gc.start();
let t0 = performance.now();
answers = 0;
reads(READS);
let dt = performance.now() - t0;
const readGcs = await gc.stop();
console.log(`zero-GC: ${READS.toLocaleString('en-US')} Read /3/0 (TLV) exchanges through the client in ${(dt / 1000).toFixed(2)} s (${(bytes / 1e6).toFixed(0)} MB out), ${readGcs} garbage collections`);
if (answers !== READS) wrong(`${answers} answers 2.05 to ${READS} Reads`);

// Notifications: one observation of /3303/0/5700 (from the same peer), then 100,000 value changes.
const obs = new Uint8Array(64);
w.begin(obs, 0, 64, 0, Code.GET, 60000, Uint8Array.of(7, 7, 7, 7), 0, 4);
w.optionUint(Opt.OBSERVE, 0); w.optionDecimal(Opt.URI_PATH, 3303); w.optionDecimal(Opt.URI_PATH, 0); w.optionDecimal(Opt.URI_PATH, 5700);
const obsLen = w.end();
c.receive(obs, 0, obsLen, peer, now); c.poll(now);
while (c.transmit(out, 0) > 0) { /* the observe response */ }
let notes = 0;
function notify(n: number): void {
  for (let k = 0; k < n; k++) {
    // A sensor reading in tenths (20.0 … 29.9), fed the allocation-free way (input[0], update()).
    board.temperature.input[0] = (200 + (k % 100)) / 10;
    board.temperature.update(0);
    now += 1;
    c.poll(now);
    for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) if (c.txPeer.equals(peer)) notes++; // (not the Register retransmissions to :5683)
    while (c.nextEvent() !== 0) { /* drain */ }
  }
}
const NOTES = size(100_000, 2_000);
notify(size(60_000, 1_000));
const gc2 = new GcCounter();
await gc2.start();
notes = 0;
t0 = performance.now();
notify(NOTES);
dt = performance.now() - t0;
const noteGcs = await gc2.stop();
console.log(`zero-GC: ${NOTES.toLocaleString('en-US')} notifications of /3303/0/5700 in ${(dt / 1000).toFixed(2)} s (${notes} sent), ${noteGcs} garbage collections${noteGcs ? ' (kinds ' + gc2.kinds.join(',') + ')' : ''}`);
if (notes !== NOTES) wrong(`${notes} notifications for ${NOTES} changes`);
expectNoGc(readGcs + noteGcs);
