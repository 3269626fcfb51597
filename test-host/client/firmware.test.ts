// Firmware Update (object 5) under the simulator: push (Block1 Writes of /5/0/0 streamed into the
// store), pull (the client's Block2 GETs of a Package URI), the state machine and its Update Result
// codes, resumption after loss / server restart / reboot with the ETag checked, Update and the result
// after the reboot, observers of State and Update Result, and bad input leaving the previous firmware
// and the configuration alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { MemStore, SimServer, SERVER_URI, CLIENT_HOST, CLIENT_PORT, SERVER_PORT } from './harness.js';
import { SimNetwork } from '../sim.js';
import { Code } from '../../src/coap/codes.js';
import { Opt } from '../../src/coap/option.js';
import { Ev } from '../../src/client/events.js';
import { Endpoint, EndpointHandler, Reply } from '../../src/coap/endpoint.js';
import { CoapMessage, MessageWriter } from '../../src/coap/message.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { makeConfig } from '../../src/config.js';
import { createBoardClient, Board } from '../../src/client/setup.js';
import { MemoryFirmwareStore } from '../../hal/node/firmware.js';
import { describe } from './harness.js';
import { DataRecord } from '../../src/model/record.js';
import { MsgType } from '../../src/coap/message.js';

const OPAQUE = 42, TEXT = 0, FW_PORT = 25683;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function image(n: number, seed = 7): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let j = 0; j < n; j++) { x = (x * 1103515245 + 12345) >>> 0; b[j] = x >>> 24; }
  return b;
}

/** The ETag the next BlockServer starts with (a "restarted" server may have another). */
let nextEtag = 'e1';

/** A CoAP server holding one image at /fw/img, served by Block2 with an ETag (RFC 7959 §2.4). */
class BlockServer implements EndpointHandler {
  readonly ep: Endpoint;
  gets: number[] = [];
  etag = Buffer.from(nextEtag);
  constructor(public img: Uint8Array, seed = 31) {
    this.ep = new Endpoint(makeConfig({ maxPeers: 4, dedupEntries: 16 }), this, Uint8Array.of(seed, 2, 3, 4));
  }
  accept(): boolean { return true; }
  onRequest(req: CoapMessage, _p: number, res: MessageWriter): number {
    const d = describe(req);
    if (req.code !== Code.GET || d.path !== '/fw/img') { res.setCode(Code.NOT_FOUND); return Reply.RESPOND; }
    const szx = req.block2 >= 0 ? req.block2 & 7 : 6, num = req.block2 >= 0 ? req.block2 >>> 4 : 0, size = 16 << szx;
    this.gets.push(num * size);
    const off = num * size, more = off + size < this.img.length ? 1 : 0;
    res.option(Opt.ETAG, this.etag, 0, this.etag.length);
    res.optionUint(Opt.CONTENT_FORMAT, OPAQUE);
    res.optionUint(Opt.BLOCK2, num * 16 + more * 8 + szx);
    if (num === 0) res.optionUint(Opt.SIZE2, this.img.length);
    res.payload(this.img, off, Math.max(0, Math.min(size, this.img.length - off)));
    return Reply.RESPOND;
  }
  responses = 0;
  onResponse(): void { this.responses++; }
  onUnmatchedResponse(): boolean { return false; }
  onDelivered(): void {}
  onFailure(): void {}
}

interface FwWorld { net: SimNetwork; server: SimServer; fwsrv: BlockServer; board: Board; peer: number; events: { e: number; a: number; b: number }[] }

/** A client with object 5 (RAM store and config store given, so a "reboot" is a new world over
 *  them), a LwM2M server and a file server, registered. */
function fwWorld(seed: number, fw: MemoryFirmwareStore, store: MemStore, link = {}, img: Uint8Array = new Uint8Array(0), blockSize = 512): FwWorld {
  const net = new SimNetwork(seed, { delay: 5, ...link });
  const server = new SimServer(net, 'server', 11);
  const fwsrv = new BlockServer(img);
  const board = createBoardClient({ endpoint: 'fw-client', seed: Uint8Array.of(seed, 9, 9, 9), server: { uri: SERVER_URI, lifetime: 3000 },
    store, firmware: fw, config: { maxPayload: 1024, blockSize }, hooks: { now: () => 1_700_000_000 + Math.floor(net.now / 1000) } });
  const c = board.client;
  const events: FwWorld['events'] = [];
  const core = {
    receive: (b: Uint8Array, o: number, l: number, f: PeerAddress, now: number) => c.receive(b, o, l, f, now),
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push({ e, a: c.eventA, b: c.eventB }); return d; },
    transmit: (out: Uint8Array, at: number) => c.transmit(out, at),
    get txPeer() { return c.txPeer; },
  };
  const clientAddr = net.add('client', CLIENT_HOST, CLIENT_PORT, core);
  net.add('server', '127.0.0.1', SERVER_PORT, server.ep);
  net.add('fwsrv', '127.0.0.1', FW_PORT, fwsrv.ep);
  c.start(net.now);
  net.run({ done: () => events.some((e) => e.e === Ev.REGISTERED), until: net.now + 600_000 });
  return { net, server, fwsrv, board, peer: server.ep.peerIndex(clientAddr, true), events };
}

const state = (w: FwWorld) => w.board.firmware!.state;
const result = (w: FwWorld) => w.board.firmware!.result;
function readInt(w: FwWorld, path: string): number {
  const r = w.server.call(w.peer, Code.GET, path, { accept: TEXT });
  assert.is(r.code, Code.CONTENT, path);
  return Number(r.payload.toString());
}

/** Pushes img with Block1 of 16 << szx bytes, lock-step; the code of each answer. */
function push(w: FwWorld, img: Uint8Array, szx: number, o: { size1?: boolean } = {}): number[] {
  const size = 16 << szx, codes: number[] = [];
  const n = Math.max(1, Math.ceil(img.length / size));
  for (let k = 0; k < n; k++) {
    const more = (k + 1) * size < img.length ? 1 : 0;
    const r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: k * 16 + more * 8 + szx, payload: img.subarray(k * size, Math.min(img.length, (k + 1) * size)) }, 20);
    codes.push(r.code);
    if (r.code !== Code.CONTINUE) break;
  }
  void o;
  return codes;
}

test('object 5 registers with every registry resource readable as the TS Core defines; State and Update Result start at 0', () => {
  const fw = new MemoryFirmwareStore(4096), w = fwWorld(1, fw, new MemStore());
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.match(reg.payload.toString(), '</5>;ver=1.2,</5/0>');
  assert.is(readInt(w, '/5/0/3'), 0);
  assert.is(readInt(w, '/5/0/5'), 0);
  assert.is(readInt(w, '/5/0/9'), 2); // push and pull
  const all = w.server.call(w.peer, Code.GET, '/5/0', { accept: 110 });
  const recs = JSON.parse(all.payload.toString());
  const names = recs.map((r: any) => r.n);
  for (const n of ['1', '3', '5', '6', '7', '8/0', '8/1', '9', '11', '13', '14']) assert.ok(names.includes(n), n);
  assert.is(w.server.call(w.peer, Code.GET, '/5/0/0').code, Code.METHOD_NOT_ALLOWED); // Package is write-only
});

test('push: Block1 of 64, 512 and 1024 bytes into the store (1 byte, exactly one block, several blocks); State 1 → 2', () => {
  for (const [szx, n] of [[2, 1], [5, 512], [6, 1024], [2, 1000], [6, 5000]] as const) {
    const fw = new MemoryFirmwareStore(8192), w = fwWorld(2, fw, new MemStore());
    const img = image(n, n);
    const codes = push(w, img, szx);
    assert.is(codes[codes.length - 1], Code.CHANGED, `szx ${szx} n ${n}`);
    assert.is(sha(fw.image()), sha(img));
    assert.is(state(w), 2); assert.is(result(w), 0);
    assert.ok(w.events.some((e) => e.e === Ev.FIRMWARE && e.a === 1), 'went through Downloading');
  }
});

test('push of 1 MB through a client whose maxPayload is 1 KB: streamed, never reassembled', () => {
  const fw = new MemoryFirmwareStore(1 << 20), w = fwWorld(3, fw, new MemStore());
  const img = image(1 << 20, 3);
  const codes = push(w, img, 6);
  assert.is(codes.length, 1024);
  assert.is(codes[1023], Code.CHANGED);
  assert.is(w.board.client.config.maxPayload, 1024);
  assert.is(sha(fw.image()), sha(img));
  assert.is(state(w), 2);
});

test('push: one byte over the slot → 4.13 (Size1 = the slot) at the first block that shows it; with Size1 at block 0; Update Result 2', () => {
  const fw = new MemoryFirmwareStore(1024), w = fwWorld(4, fw, new MemStore());
  const codes = push(w, image(1025), 4); // 256-byte blocks: the 5th block crosses the slot
  assert.equal(codes, [Code.CONTINUE, Code.CONTINUE, Code.CONTINUE, Code.CONTINUE, Code.REQUEST_ENTITY_TOO_LARGE]);
  assert.is(state(w), 0); assert.is(result(w), 2);
  // Size1 (RFC 7959 §4) announcing 1025 bytes: refused at block 0, before anything is stored.
  const r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 8 + 4, size1: 1025, payload: image(256) });
  assert.is(r.code, Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(state(w), 0); assert.is(result(w), 2); assert.is(fw.stored(), 0);
  // Exactly the slot fits.
  const codes2 = push(w, image(1024), 4);
  assert.is(codes2[codes2.length - 1], Code.CHANGED);
  assert.is(state(w), 2); assert.is(result(w), 0);
});

test('push: a gap, and a changed block size that moves the offset, get 4.08 and Update Result 4; the old firmware stays', () => {
  const store = new MemStore();
  const fw = new MemoryFirmwareStore(8192), w = fwWorld(5, fw, store);
  fw.active = Uint8Array.of(1, 2, 3);
  const img = image(4096);
  let r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 0 * 16 + 8 + 2, payload: img.subarray(0, 64) });
  assert.is(r.code, Code.CONTINUE);
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 2 * 16 + 8 + 2, payload: img.subarray(128, 192) });
  assert.is(r.code, Code.REQUEST_ENTITY_INCOMPLETE);
  assert.is(state(w), 0); assert.is(result(w), 4);
  // Block size changed mid-transfer: 64-byte blocks 0 and 1, then a 1024-byte block 1 (offset 1024, not 128).
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 0 * 16 + 8 + 2, payload: img.subarray(0, 64) });
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 1 * 16 + 8 + 2, payload: img.subarray(64, 128) });
  assert.is(r.code, Code.CONTINUE);
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 1 * 16 + 8 + 6, payload: img.subarray(1024, 2048) });
  assert.is(r.code, Code.REQUEST_ENTITY_INCOMPLETE);
  assert.is(result(w), 4);
  // A smaller size at a consistent offset is accepted (RFC 7959 §2.3): 1024, then 512-byte block 2.
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 0 * 16 + 8 + 6, payload: img.subarray(0, 1024) });
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 2 * 16 + 0 + 5, payload: img.subarray(1024, 1536) });
  assert.is(r.code, Code.CHANGED);
  assert.is(sha(fw.image()), sha(img.subarray(0, 1536)));
  assert.equal([...fw.active], [1, 2, 3]);
  // A block with no transfer in progress.
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 3 * 16 + 8 + 2, payload: img.subarray(0, 64) });
  assert.is(r.code, Code.REQUEST_ENTITY_INCOMPLETE); // RFC 7959 §2.9.2: no transfer this block belongs to
  assert.is(state(w), 2); // Downloaded stays
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 8 + 2, payload: img.subarray(0, 64) });
  assert.is(r.code, Code.BAD_REQUEST); // a new package in Downloaded: no such transition in the state machine
  // The configuration is untouched: still registered with the same account, and a client started
  // from what it stored registers with it again.
  assert.ok(w.board.client.table.hasInstance(0, 0) && w.board.client.table.hasInstance(1, 0));
  const w2 = fwWorld(55, new MemoryFirmwareStore(8192), store);
  assert.ok(w2.events.some((e) => e.e === Ev.REGISTERED));
  assert.ok(w2.events.some((e) => e.e === Ev.LOADED && e.a === 1), 'loaded from storage');
});

test('push: a retransmitted block the dedup cache forgot is acknowledged again, not written twice; a wrong Content-Format is 4.15', () => {
  const fw = new MemoryFirmwareStore(8192), w = fwWorld(6, fw, new MemStore());
  const img = image(256);
  let r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 8 + 2, payload: img.subarray(0, 64) });
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 16 + 8 + 2, payload: img.subarray(64, 128) });
  // Block 1 again with a new message ID (as after the sender gave up and retried): 2.31, offset stays.
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 16 + 8 + 2, payload: img.subarray(64, 128) });
  assert.is(r.code, Code.CONTINUE);
  assert.is(w.board.firmware!.offset, 128);
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 2 * 16 + 8 + 2, payload: img.subarray(128, 192) });
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 3 * 16 + 2, payload: img.subarray(192, 256) });
  assert.is(r.code, Code.CHANGED);
  // The last block again (its 2.04 lost, the sender retried with a new MID): 2.04 again.
  r = w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, block1: 3 * 16 + 2, payload: img.subarray(192, 256) });
  assert.is(r.code, Code.CHANGED);
  assert.is(sha(fw.image()), sha(img));
  assert.is(w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: 11542, payload: img }).code, Code.UNSUPPORTED_CONTENT_FORMAT);
});

test('cancel: an empty Package and an empty Package URI reset to Idle (Update Result 0); Execute Cancel gives 10', () => {
  const fw = new MemoryFirmwareStore(8192), w = fwWorld(7, fw, new MemStore());
  push(w, image(100), 2);
  assert.is(state(w), 2);
  assert.is(w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, payload: new Uint8Array(0) }).code, Code.CHANGED);
  assert.is(state(w), 0); assert.is(result(w), 0); assert.is(fw.stored(), 0);
  push(w, image(100), 2);
  assert.is(w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: new Uint8Array(0) }).code, Code.CHANGED);
  assert.is(state(w), 0); assert.is(result(w), 0);
  push(w, image(100), 2);
  assert.is(w.server.call(w.peer, Code.POST, '/5/0/10').code, Code.CHANGED);
  assert.is(state(w), 0); assert.is(result(w), 10);
  assert.is(w.server.call(w.peer, Code.POST, '/5/0/10').code, Code.METHOD_NOT_ALLOWED); // nothing to cancel
  assert.ok(readInt(w, '/5/0/12') >= 1_700_000_000, 'Last State Change Time');
  assert.is(w.server.call(w.peer, Code.POST, '/5/0/2').code, Code.METHOD_NOT_ALLOWED); // Update outside Downloaded
});

test('State and Update Result notify their observers through a whole push and update', () => {
  const fw = new MemoryFirmwareStore(8192), w = fwWorld(8, fw, new MemStore());
  assert.is(w.server.call(w.peer, Code.GET, '/5/0/3', { observe: 0, accept: TEXT }).code, Code.CONTENT);
  assert.is(w.server.call(w.peer, Code.GET, '/5/0/5', { observe: 0, accept: TEXT }).code, Code.CONTENT);
  push(w, image(300), 4);
  w.net.run({ until: w.net.now + 5_000 });
  const states = w.server.notifications.map((n) => n.payload.toString());
  assert.ok(states.includes('1') && states.includes('2'), states.join(','));
});

test('pull: coap:// Package URI → Block2 GETs of the client, Size2/ETag checked; Downloaded with the right image', () => {
  for (const n of [1, 512, 70_000]) {
    const img = image(n, n + 1), fw = new MemoryFirmwareStore(1 << 17);
    const w = fwWorld(9, fw, new MemStore(), {}, img);
    const r = w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) });
    assert.is(r.code, Code.CHANGED);
    w.net.run({ done: () => state(w) !== 1, until: w.net.now + 600_000 });
    assert.is(state(w), 2, `n ${n}`); assert.is(result(w), 0);
    assert.is(sha(fw.image()), sha(img));
    assert.is(w.fwsrv.gets.length, Math.max(1, Math.ceil(n / 512)));
  }
});

test('pull: the file server is heard only for the pull: a request of its own (GET /3/0/0) gets nothing, the pull completes', () => {
  const img = image(20_000, 3), fw = new MemoryFirmwareStore(1 << 17);
  const w = fwWorld(12, fw, new MemStore(), {}, img);
  assert.is(w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) }).code, Code.CHANGED);
  w.net.run({ done: () => w.fwsrv.gets.length >= 2, until: w.net.now + 600_000 });
  assert.is(state(w), 1);
  const addr = new PeerAddress();
  parseAddress(CLIENT_HOST, CLIENT_PORT, addr);
  const p = w.fwsrv.ep.peerIndex(addr, true), k = w.fwsrv.ep.beginRequest(p, MsgType.CON, Code.GET, 1);
  assert.ok(k >= 0);
  w.fwsrv.ep.w.option(Opt.URI_PATH, Buffer.from('3'), 0, 1);
  w.fwsrv.ep.w.option(Opt.URI_PATH, Buffer.from('0'), 0, 1);
  w.fwsrv.ep.w.option(Opt.URI_PATH, Buffer.from('0'), 0, 1);
  w.fwsrv.ep.commit(k);
  w.net.run({ done: () => state(w) !== 1, until: w.net.now + 600_000 });
  assert.is(state(w), 2); assert.is(sha(fw.image()), sha(img));
  w.net.run({ until: w.net.now + 5_000 });
  assert.is(w.fwsrv.responses, 0, 'no ACK, no response to the file server\'s own request');
});

test('pull: bad URIs and schemes get Update Result 7 and 9, a missing file 7, a too large image 2; the Write itself succeeds', () => {
  const fw = new MemoryFirmwareStore(1000), w = fwWorld(10, fw, new MemStore(), {}, image(1001));
  const write = (u: string) => w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(u) }).code;
  assert.is(write('http://127.0.0.1/fw.bin'), Code.CHANGED); assert.is(result(w), 9); assert.is(state(w), 0);
  assert.is(write('https://example.com/fw.bin'), Code.CHANGED); assert.is(result(w), 9);
  assert.is(write('coap://[zz::1/fw'), Code.CHANGED); assert.is(result(w), 7);
  assert.is(write('not a uri'), Code.CHANGED); assert.is(result(w), 7);
  assert.is(write(`coap://127.0.0.1:${FW_PORT}/nothing`), Code.CHANGED);
  w.net.run({ done: () => state(w) !== 1, until: w.net.now + 600_000 });
  assert.is(result(w), 7); assert.is(state(w), 0);
  assert.is(write(`coap://127.0.0.1:${FW_PORT}/fw/img`), Code.CHANGED);
  w.net.run({ done: () => state(w) !== 1, until: w.net.now + 600_000 });
  assert.is(result(w), 2); assert.is(state(w), 0); // Size2 1001 > the slot: at the first block
});

test('pull: the server changes the image mid-download (another ETag) → Update Result 4, Idle, image discarded', () => {
  const fw = new MemoryFirmwareStore(1 << 16), img = image(20_000), w = fwWorld(11, fw, new MemStore(), {}, img);
  w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) });
  w.net.run({ done: () => w.fwsrv.gets.length >= 10, until: w.net.now + 600_000 });
  w.fwsrv.etag = Buffer.from('e2');
  w.net.run({ done: () => state(w) !== 1, until: w.net.now + 600_000 });
  assert.is(state(w), 0); assert.is(result(w), 4); assert.is(fw.stored(), 0);
});

test('30 % loss with duplication and reordering: push and pull both complete with the right image', () => {
  const link = { loss: 0.3, duplicate: 0.2, jitter: 40 };
  const img = image(64 * 1024, 99);
  const fw = new MemoryFirmwareStore(1 << 17), w = fwWorld(12, fw, new MemStore(), link, img);
  const codes = push(w, img, 6);
  assert.is(codes[codes.length - 1], Code.CHANGED);
  assert.is(sha(fw.image()), sha(img));
  const fw2 = new MemoryFirmwareStore(1 << 17), w2 = fwWorld(13, fw2, new MemStore(), link, img);
  w2.server.call(w2.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) }, 20);
  w2.net.run({ done: () => state(w2) !== 1, until: w2.net.now + 3_600_000 });
  assert.is(state(w2), 2); assert.is(result(w2), 0);
  assert.is(sha(fw2.image()), sha(img));
  assert.ok(w2.board.client.ep.retransmissions > 0);
});

test('pull: a file server that is down for a while (restart) → the block is retried and the download resumes, not restarted', () => {
  const img = image(30_000), fw = new MemoryFirmwareStore(1 << 16), w = fwWorld(14, fw, new MemStore(), {}, img);
  w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) });
  w.net.run({ done: () => w.fwsrv.gets.length >= 20, until: w.net.now + 600_000 });
  const downUntil = w.net.now + 60_000;
  w.net.filter = (from, to) => !((from === 'fwsrv' || to === 'fwsrv') && w.net.now < downUntil);
  w.net.run({ done: () => state(w) !== 1, until: w.net.now + 3_600_000 });
  assert.is(state(w), 2);
  assert.is(sha(fw.image()), sha(img));
  assert.is(w.fwsrv.gets.filter((o) => o === 0).length, 1, 'block 0 fetched once: resumed');
});

test('reboot mid-pull resumes from the last stored block with the ETag checked; reboot in Downloaded keeps Downloaded; Update → Update Result 1 and /3/0/3', () => {
  const img = Buffer.concat([Buffer.from('version=2.0.0\n'), Buffer.from(image(40_000))]);
  const fw = new MemoryFirmwareStore(1 << 16), store = new MemStore();
  const w = fwWorld(15, fw, store, {}, img);
  w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) });
  w.net.run({ done: () => w.fwsrv.gets.length >= 30, until: w.net.now + 600_000 });
  const stored = fw.stored();
  assert.ok(stored > 0 && stored < img.length);
  // Power loss: a new client over the same configuration store and firmware slot; the file server restarted too.
  const w2 = fwWorld(16, fw, store, {}, img);
  assert.is(state(w2), 1);
  w2.net.run({ done: () => state(w2) !== 1, until: w2.net.now + 600_000 });
  assert.is(state(w2), 2);
  assert.is(sha(fw.image()), sha(img));
  assert.ok(w2.fwsrv.gets[0] >= Math.floor(stored / 512) * 512 - 512 && w2.fwsrv.gets[0] > 0, 'resumed at ' + w2.fwsrv.gets[0]);
  // Reboot between Downloaded and Update: still Downloaded.
  const w3 = fwWorld(17, fw, store, {}, img);
  assert.is(state(w3), 2);
  assert.is(w3.server.call(w3.peer, Code.POST, '/5/0/2').code, Code.CHANGED);
  w3.net.run({ until: w3.net.now + 1_000 });
  assert.is(fw.appliedCount, 1);
  assert.is(state(w3), 3);
  // The platform rebooted into the new image.
  const w4 = fwWorld(18, fw, store, {}, img);
  assert.is(state(w4), 0); assert.is(result(w4), 1);
  const v = w4.server.call(w4.peer, Code.GET, '/3/0/3', { accept: TEXT });
  assert.is(v.payload.toString(), '2.0.0');
});

test("reboot mid-pull, and the server's ETag is another now → the download starts again from block 0 (Anjay's retry-on-expired) and gets the new image; a failed apply reports 8 and keeps Downloaded", () => {
  const img = image(20_000), fw = new MemoryFirmwareStore(1 << 16), store = new MemStore();
  const w = fwWorld(19, fw, store, {}, img);
  w.server.call(w.peer, Code.PUT, '/5/0/1', { cf: TEXT, payload: Buffer.from(`coap://127.0.0.1:${FW_PORT}/fw/img`) });
  w.net.run({ done: () => w.fwsrv.gets.length >= 10, until: w.net.now + 600_000 });
  const img2 = image(20_000, 5);
  nextEtag = 'other';
  const w2 = fwWorld(20, fw, store, {}, img2);
  nextEtag = 'e1';
  w2.net.run({ done: () => state(w2) !== 1, until: w2.net.now + 600_000 });
  assert.is(state(w2), 2, `result ${result(w2)}, GETs at ${w2.fwsrv.gets.slice(0, 4)}`); assert.is(result(w2), 0);
  assert.ok(w2.fwsrv.gets[0] > 0 && w2.fwsrv.gets[1] === 0, 'resumed, saw the new ETag, started over: ' + w2.fwsrv.gets.slice(0, 3));
  assert.is(sha(fw.image()), sha(img2));
  assert.is(w2.server.call(w2.peer, Code.POST, '/5/0/10').code, Code.CHANGED); // cancel: Idle
  // Update that fails on the device: Update Result 8 after the reboot, the image still staged.
  push(w2, image(100), 2);
  fw.applyOutcome = 8;
  w2.server.call(w2.peer, Code.POST, '/5/0/2');
  w2.net.run({ until: w2.net.now + 1_000 });
  const w3 = fwWorld(21, fw, store, {}, img);
  assert.is(state(w3), 2); assert.is(result(w3), 8);
  // An image the HAL refuses at verification: Update Result 5, Idle.
  fw.verify = () => -5;
  assert.is(w3.server.call(w3.peer, Code.POST, '/5/0/2').code, Code.CHANGED);
  w3.net.run({ until: w3.net.now + 1_000 });
  assert.is(state(w3), 0); assert.is(result(w3), 5);
});



test('a package the HAL refuses at finish: Update Result 6 (unsupported type) or 5 (integrity), Idle, nothing staged', () => {
  const fw = new MemoryFirmwareStore(8192), w = fwWorld(22, fw, new MemStore());
  fw.verify = () => -6;
  push(w, image(700), 4);
  assert.is(state(w), 0); assert.is(result(w), 6); assert.is(fw.stored(), 0);
  fw.verify = () => -5;
  push(w, image(700), 4);
  assert.is(state(w), 0); assert.is(result(w), 5);
  fw.verify = null;
  push(w, image(700), 4);
  assert.is(state(w), 2); assert.is(result(w), 0); // a new download resets Update Result to 0
});

test('fuzz: 3,000 random Block1 Writes of /5/0/0 (numbers, sizes, M bits, payloads, content formats) never throw, never write past the slot, keep State in 0…3', () => {
  const fw = new MemoryFirmwareStore(4096), w = fwWorld(23, fw, new MemStore());
  let x = 12345;
  const rnd = (n: number) => { x = (x * 1103515245 + 12345) >>> 0; return (x >>> 8) % n; };
  for (let k = 0; k < 3000; k++) {
    const szx = rnd(8), num = rnd(4) === 0 ? 0 : rnd(80), more = rnd(2);
    const len = rnd(3) === 0 ? (16 << Math.min(szx, 6)) : rnd(1100);
    const cf = [42, 42, 42, -1, 0, 11542][rnd(6)];
    const tag = w.server.request(w.peer, Code.PUT, '/5/0/0', { ...(cf >= 0 ? { cf } : {}), block1: num * 16 + more * 8 + szx, payload: image(len, k) });
    void tag;
    if (k % 50 === 0) w.net.run({ until: w.net.now + 20_000 });
    else w.net.run({ until: w.net.now + 50 });
    const st = state(w);
    assert.ok(st >= 0 && st <= 3, 'state ' + st);
    assert.ok(fw.stored() <= fw.maxSize);
  }
  w.net.run({ until: w.net.now + 300_000 });
  // Still serving: a clean push afterwards works.
  if (state(w) !== 0) w.server.call(w.peer, Code.PUT, '/5/0/0', { cf: OPAQUE, payload: new Uint8Array(0) });
  const codes = push(w, image(2000), 6);
  assert.is(codes[codes.length - 1], Code.CHANGED);
  assert.is(sha(fw.image()), sha(image(2000)));
});
test('a state change during a bootstrap survives its Finish (the staged copy gets it too); a Bootstrap-Delete of "/" keeps /5/0', () => {
  const fw = new MemoryFirmwareStore(8192), w = fwWorld(24, fw, new MemStore());
  push(w, image(300), 4);
  assert.is(state(w), 2);
  const c = w.board.client;
  c.enterBootstrap(1);
  assert.is(w.board.firmware!.cancel(), 0);
  c.finishBootstrap();
  const rec = new DataRecord();
  assert.is(c.table.getValue(5, 0, 3, -1, rec), 0); assert.is(rec.num, 0);
  assert.is(c.table.getValue(5, 0, 5, -1, rec), 0); assert.is(rec.num, 10);
  assert.ok(c.keepsOnDelete(5));
});

test.run();
