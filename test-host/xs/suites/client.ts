// The whole LwM2M client under XS (src/client via src/client/setup.ts createBoardClient), driven
// sans-IO on a virtual clock by a hand-written server: Register → 2.01, then Read /3/0/0 requests.
// The `client.read` loop is the architecture's claim under XS: the heap's slot count does not grow
// with the number of requests (ARCHITECTURE.md §2; xs.test.ts asserts it).
import { createBoardClient } from '../../../src/client/setup.js';
import { Ev } from '../../../src/client/events.js';
import { CoapMessage, MessageWriter, MsgType, Parse, parseMessage, ascii } from '../../../src/coap/message.js';
import { Code } from '../../../src/coap/codes.js';
import { Opt } from '../../../src/coap/option.js';
import { PeerAddress } from '../../../src/coap/peer.js';
import { scenario, loop, test, is, ok } from '../harness.js';

const SERVER = new PeerAddress();
SERVER.family = 4; SERVER.addr[0] = 192; SERVER.addr[1] = 0; SERVER.addr[2] = 2; SERVER.addr[3] = 1; SERVER.port = 5683;

const board = createBoardClient({
  endpoint: 'xs-client',
  seed: Uint8Array.of(7, 7, 7, 7),
  server: { uri: 'coap://192.0.2.1:5683', lifetime: 86400 },
});
const client = board.client;
const out = new Uint8Array(1500);
const req = new Uint8Array(64);
const rx = new CoapMessage();
const w = new MessageWriter();
const TOKEN = Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4);
const P3 = ascii('3'), P0 = ascii('0');
let now = 0;
let mid = 0x100;
let registered = false;

/** Sends everything the client has queued; answers a Register with 2.01 rd/r1. Returns the last
 *  datagram's length (its bytes are in `out`, parsed into `rx`). */
function drain(): number {
  let last = 0;
  for (let guard = 0; guard < 16; guard++) {
    const n = client.transmit(out, 0);
    if (n <= 0) break;
    last = n;
    if (parseMessage(out, 0, n, rx) !== Parse.OK) continue;
    if (rx.type === MsgType.CON && rx.code === Code.POST && !registered) {
      // Register: ACK 2.01 Created, Location-Path rd/r1 (TS Transport §6.4.3 / TS Core §6.2.1).
      w.begin(req, 0, req.length, MsgType.ACK, Code.CREATED, rx.mid, rx.token, 0, rx.tokenLen);
      w.option(Opt.LOCATION_PATH, ascii('rd'), 0, 2);
      w.option(Opt.LOCATION_PATH, ascii('r1'), 0, 2);
      const m = w.end();
      client.receive(req, 0, m, SERVER, now);
      client.poll(now);
    }
  }
  return last;
}

function register(): boolean {
  if (registered) return true;
  client.start(now);
  for (let step = 0; step < 50 && !registered; step++) {
    const deadline = client.poll(now);
    drain();
    for (let e = client.nextEvent(); e !== Ev.NONE; e = client.nextEvent()) if (e === Ev.REGISTERED) registered = true;
    if (!registered) now = deadline === Infinity ? now + 1000 : Math.max(now + 1, deadline);
  }
  return registered;
}

/** One Read /3/0/0 from the server; the client's response length (0 when none). */
function readManufacturer(): number {
  mid = (mid + 1) & 0xffff;
  w.begin(req, 0, req.length, MsgType.CON, Code.GET, mid, TOKEN, 0, 4);
  w.option(Opt.URI_PATH, P3, 0, 1);
  w.option(Opt.URI_PATH, P0, 0, 1);
  w.option(Opt.URI_PATH, P0, 0, 1);
  const n = w.end();
  now += 1;
  client.receive(req, 0, n, SERVER, now);
  client.poll(now);
  const len = drain();
  while (client.nextEvent() !== Ev.NONE) { /* drop events */ }
  return len;
}

scenario('client: register with the server, then Read /3/0/0', () => {
  if (!register()) throw new Error('not registered');
  const n = readManufacturer();
  return { registered, responseCode: rx.code, responseLength: n, ackOfMid: rx.mid === mid };
});

test('client under XS: registers and answers Read /3/0/0 with 2.05 and the manufacturer', () => {
  ok(register(), 'registered');
  const n = readManufacturer();
  ok(n > 0, 'a response');
  is(rx.type, MsgType.ACK, 'piggybacked');
  is(rx.code, Code.CONTENT, 'code');
  is(rx.mid, mid, 'message id');
  let text = '';
  for (let j = 0; j < rx.payloadLen; j++) text += String.fromCharCode(out[rx.payloadOff + j]);
  is(text, 'lwm2m-mcu');
});

loop('client.read', (n: number): number => {
  if (!register()) return -1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const len = readManufacturer();
    if (len <= 0 || rx.code !== Code.CONTENT) return -2;
    s = (s + len) | 0;
  }
  return s;
});
