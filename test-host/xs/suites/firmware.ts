// Firmware Update under XS: the whole client (with object 5) takes a push — Block1 Writes of /5/0/0,
// 512 bytes each — into a RAM firmware store, sans-IO on a virtual clock. The 'firmware.push' loop
// is the claim for the block path: the heap's slot count does not grow with the number of blocks
// (xs.test.ts asserts it). When the slot is full the transfer starts again at block 0.
import { createBoardClient } from '../../../src/client/setup.js';
import { Ev } from '../../../src/client/events.js';
import type { FirmwareStore } from '../../../src/client/firmware-store.js';
import { CoapMessage, MessageWriter, MsgType, Parse, parseMessage, ascii } from '../../../src/coap/message.js';
import { Code } from '../../../src/coap/codes.js';
import { Opt } from '../../../src/coap/option.js';
import { PeerAddress } from '../../../src/coap/peer.js';
import { loop, test, is, ok } from '../harness.js';

const SLOT = 64 * 1024, BLOCK = 512, SZX = 5;

/** A RAM store that allocates nothing after construction. */
class RamStore implements FirmwareStore {
  readonly maxSize = SLOT;
  readonly slot = new Uint8Array(SLOT);
  length = 0;
  begin(size: number): number { if (size > SLOT) return -2; this.length = 0; return 0; }
  write(offset: number, buf: Uint8Array, off: number, len: number): number {
    if (offset + len > SLOT) return -2;
    for (let j = 0; j < len; j++) this.slot[offset + j] = buf[off + j];
    this.length = offset + len;
    return 0;
  }
  finish(): number { return 0; }
  abort(): void { this.length = 0; }
  apply(): number { return 0; }
  stored(): number { return this.length; }
  saveMeta(): boolean { return true; }
  loadMeta(): number { return -1; }
  applied(): number { return 0; }
  version(): string | null { return null; }
}

const SERVER = new PeerAddress();
SERVER.family = 4; SERVER.addr[0] = 192; SERVER.addr[1] = 0; SERVER.addr[2] = 2; SERVER.addr[3] = 2; SERVER.port = 5683;
const store = new RamStore();
const board = createBoardClient({
  endpoint: 'xs-fw', seed: Uint8Array.of(5, 5, 5, 5), server: { uri: 'coap://192.0.2.2:5683', lifetime: 86400 },
  firmware: store, config: { maxPayload: 1024, blockSize: 512, maxDatagram: 640 },
});
const client = board.client;
const out = new Uint8Array(700);
const req = new Uint8Array(700);
const data = new Uint8Array(BLOCK);
const rx = new CoapMessage();
const w = new MessageWriter();
const TOKEN = Uint8Array.of(0x5a, 0x5b, 0x5c, 0x5d);
const P5 = ascii('5'), P0 = ascii('0');
let now = 0, mid = 0x300, block = 0, registered = false, started = false, cancelAtEnd = true;

function drain(): number {
  let last = 0;
  for (let guard = 0; guard < 16; guard++) {
    const n = client.transmit(out, 0);
    if (n <= 0) break;
    last = n;
    if (parseMessage(out, 0, n, rx) !== Parse.OK) continue;
    if (rx.type === MsgType.CON && rx.code === Code.POST && !registered) {
      w.begin(req, 0, req.length, MsgType.ACK, Code.CREATED, rx.mid, rx.token, 0, rx.tokenLen);
      w.option(Opt.LOCATION_PATH, ascii('rd'), 0, 2);
      const m = w.end();
      client.receive(req, 0, m, SERVER, now);
      client.poll(now);
    }
  }
  return last;
}

function register(): boolean {
  if (!started) { started = true; client.start(now); }
  for (let step = 0; step < 50 && !registered; step++) {
    const deadline = client.poll(now);
    drain();
    for (let e = client.nextEvent(); e !== Ev.NONE; e = client.nextEvent()) if (e === Ev.REGISTERED) registered = true;
    if (!registered) now = deadline === Infinity ? now + 1000 : Math.max(now + 1, deadline);
  }
  return registered;
}

/** The next Block1 block of an endless push; the client's answer code (2.31, 2.04 at the slot's end). */
function pushBlock(): number {
  const last = (block + 1) * BLOCK >= SLOT;
  mid = (mid + 1) & 0xffff;
  for (let j = 0; j < BLOCK; j++) data[j] = (block + j) & 0xff;
  w.begin(req, 0, req.length, MsgType.CON, Code.PUT, mid, TOKEN, 0, 4);
  w.option(Opt.URI_PATH, P5, 0, 1); w.option(Opt.URI_PATH, P0, 0, 1); w.option(Opt.URI_PATH, P0, 0, 1);
  w.optionUint(Opt.CONTENT_FORMAT, 42);
  w.optionUint(Opt.BLOCK1, block * 16 + (last ? 0 : 8) + SZX);
  w.payload(data, 0, BLOCK);
  const n = w.end();
  now += 1;
  client.receive(req, 0, n, SERVER, now);
  client.poll(now);
  const len = drain();
  while (client.nextEvent() !== Ev.NONE) { /* drop events */ }
  block = last ? 0 : block + 1;
  if (last && cancelAtEnd) board.firmware!.cancel(); // Downloaded → Idle (Update Result 10): the next push starts at block 0
  return len > 0 ? rx.code : 0;
}

test('firmware under XS: a Block1 push of /5/0/0 is streamed into the store (2.31 per block, 2.04 at the end, State 2)', () => {
  ok(register(), 'registered');
  let code = 0;
  cancelAtEnd = false;
  for (let k = 0; k < SLOT / BLOCK; k++) {
    code = pushBlock();
    if (k < SLOT / BLOCK - 1) is(code, Code.CONTINUE, 'block ' + k);
  }
  cancelAtEnd = true;
  is(board.firmware!.state, 2, 'Downloaded');
  is(code, Code.CHANGED, 'the last block');
  is(store.length, SLOT, 'every byte stored');
  is(store.slot[SLOT - 1], ((SLOT / BLOCK - 1) + BLOCK - 1) & 0xff, 'the last byte');
  board.firmware!.cancel();
});

loop('firmware.push', (n: number): number => {
  if (!register()) return -1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const code = pushBlock();
    if (code !== Code.CONTINUE && code !== Code.CHANGED) return -2;
    s = (s + 1) | 0;
  }
  return s;
});
