// The whole client, the same scenario under V8 and under XS (issue 6: "the same scenario passes under
// V8 and under XS"). A client sized by boards/esp32/config.json, with only a bootstrap account:
//   client-initiated bootstrap (POST /bs → 2.04; Bootstrap-Delete "/", Bootstrap-Write /0/1 and /1/0 in
//   TLV, Bootstrap-Finish) → Register with the provisioned server (2.01) → the server reads /3/0 (TLV)
//   and /3303/0/5700 → observes /3303/0/5700 → the application sets a new temperature → one
//   notification with the new value.
// The peers are scripted here on the project's CoAP Endpoint and joined by test-host/sim.ts on a
// virtual clock — no Node API, so the same code runs inside the XS bundle. `runScenario()` returns the
// wire transcript (every datagram, decoded and in hex) and what the server saw; `same()` registers its
// JSON so that xs.test.ts compares XS's string with V8's (a divergence between engines fails), and
// test-host/xs/scenario.test.ts asserts the outcome under V8.
//
// The same registered client then serves two hot loops for the meters (bench/xs.bench.ts, xs.test.ts):
// `client.read-3-0` (a CON GET /3/0 Accept TLV in, its piggybacked 2.05 out) and `client.notify`
// (a new temperature, the notification of /3303/0/5700 out), and the probe `client` measures the
// footprint of a client built from the esp32 config (docs/xs-memory.md).
import { createBoardClient, type Board } from '../../../src/client/setup.js';
import { Ev } from '../../../src/client/events.js';
import { Endpoint, type EndpointHandler, Reply } from '../../../src/coap/endpoint.js';
import { CoapMessage, MessageWriter, MsgType, Parse, parseMessage } from '../../../src/coap/message.js';
import { Code } from '../../../src/coap/codes.js';
import { Opt } from '../../../src/coap/option.js';
import { PeerAddress } from '../../../src/coap/peer.js';
import { makeConfig, type Config } from '../../../src/config.js';
import { buildAllCodecs } from '../../../src/formats/registry.js';
import { floatScratch } from '../../../src/formats/ieee754.js';
import { SimNetwork } from '../../sim.js';
import { loop, probe, same, vectors, toHex, displacer } from '../harness.js';
import { ObjectTable } from '../../../src/model/table.js';
import { Slab } from '../../../src/slab.js';

export const TLV = 11542;
export const BOARD = 'esp32';
const SERVER_URI = 'coap://127.0.0.1:5683';
const BS_URI = 'coap://127.0.0.1:5783';
const ENDPOINT_NAME = 'xs-esp32';

/** The board's client Config (boards/<board>/config.json, injected by the host into both engines). */
export function boardConfig(board = BOARD): Partial<Config> {
  return (vectors(`boards/${board}/config.json`) as { config: Partial<Config> }).config;
}

// ---- bytes without Buffer ----

function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let j = 0; j < s.length; j++) b[j] = s.charCodeAt(j) & 0xff;
  return b;
}
function textOf(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let j = 0; j < len; j++) s += String.fromCharCode(b[off + j]);
  return s;
}
function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
/** An OMA TLV entry (TS Core §7.4.3): type 0 Object Instance, 3 Resource with Value. */
function tlv(kind: 0 | 3, id: number, value: Uint8Array): Uint8Array {
  const len = value.length;
  const hdr: number[] = [(kind << 6) | (id > 255 ? 0x20 : 0) | (len < 8 ? len : len < 256 ? 0x08 : 0x10)];
  if (id > 255) hdr.push(id >> 8, id & 255); else hdr.push(id);
  if (len >= 8 && len < 256) hdr.push(len); else if (len >= 256) hdr.push(len >> 8, len & 255);
  return concat([Uint8Array.from(hdr), value]);
}
const res = (id: number, v: Uint8Array) => tlv(3, id, v);
const resStr = (id: number, s: string) => res(id, bytesOf(s));
const resInt = (id: number, v: number) => res(id, v < 128 ? Uint8Array.of(v) : Uint8Array.of(v >> 8, v & 255));
const resBool = (id: number, v: boolean) => res(id, Uint8Array.of(v ? 1 : 0));

/** The Bootstrap-Writes of the scenario: Security /0/1 (the server's NoSec account, SSID 7) and Server /1/0. */
export function accountTlv(): { sec: Uint8Array; srv: Uint8Array } {
  const empty = new Uint8Array(0);
  const sec = tlv(0, 1, concat([resStr(0, SERVER_URI), resBool(1, false), resInt(2, 3), res(3, empty), res(4, empty), res(5, empty), resInt(10, 7)]));
  const srv = tlv(0, 0, concat([resInt(0, 7), resInt(1, 300), resBool(6, true), resStr(7, 'U')]));
  return { sec, srv };
}

// ---- a scripted peer (LwM2M server or bootstrap server) on the project's Endpoint ----

export interface Exchange { code: number; cf: number; observe: number; payload: string }

function pathOf(m: CoapMessage, num: number, sep: string, lead: string): string {
  let s = '';
  for (let k = 0; k < m.optCount; k++) if (m.optNum[k] === num) s += (s || lead ? sep : '') + textOf(m.buf, m.optOff[k], m.optLen[k]);
  return lead && !s ? lead : s;
}

export class ScriptedPeer implements EndpointHandler {
  readonly ep: Endpoint;
  readonly requests: string[] = [];
  readonly responses: (Exchange | undefined)[] = [];
  readonly failures: number[] = [];
  readonly notifications: Exchange[] = [];
  private observeToken = '';
  private nextTag = 0;
  private readonly tok = new Uint8Array(8);

  constructor(seed: number) {
    this.ep = new Endpoint(makeConfig({ maxPeers: 4, maxServers: 1, dtlsSessions: 0, responseRingDepth: 8, dedupEntries: 8 }), this, Uint8Array.of(seed, 1, 2, 3));
  }
  accept(): boolean { return true; }
  onRequest(req: CoapMessage, _peer: number, w: MessageWriter): number {
    const path = pathOf(req, Opt.URI_PATH, '/', '/');
    this.requests.push(req.code + ' ' + path + '?' + pathOf(req, Opt.URI_QUERY, '&', ''));
    if (req.code === Code.POST && path === '/bs') { w.setCode(Code.CHANGED); return Reply.RESPOND; }
    if (req.code === Code.POST && path === '/rd') {
      w.setCode(Code.CREATED);
      w.option(Opt.LOCATION_PATH, bytesOf('rd'), 0, 2);
      w.option(Opt.LOCATION_PATH, bytesOf('r1'), 0, 2);
      return Reply.RESPOND;
    }
    w.setCode(Code.NOT_FOUND);
    return Reply.RESPOND;
  }
  onResponse(tag: number, m: CoapMessage): void { this.responses[tag] = exchange(m); }
  onUnmatchedResponse(m: CoapMessage): boolean {
    if (!this.observeToken || toHex(m.token, 0, m.tokenLen) !== this.observeToken) return false;
    this.notifications.push(exchange(m));
    return true;
  }
  onDelivered(): void { /* nothing */ }
  onReset(): void { /* nothing */ }
  onFailure(tag: number): void { this.failures.push(tag); }

  /** Queues a CON request to peer p; returns its tag. */
  request(p: number, code: number, path: string, o: { accept?: number; cf?: number; payload?: Uint8Array; observe?: number } = {}): number {
    const tag = this.nextTag++;
    const k = this.ep.beginRequest(p, MsgType.CON, code, tag);
    if (k < 0) throw new Error('scripted peer: ring full');
    const w = this.ep.w;
    if (o.observe !== undefined) w.optionUint(Opt.OBSERVE, o.observe);
    for (const seg of path.split('/')) if (seg) { const b = bytesOf(seg); w.option(Opt.URI_PATH, b, 0, b.length); }
    if (o.cf !== undefined) w.optionUint(Opt.CONTENT_FORMAT, o.cf);
    if (o.accept !== undefined) w.optionUint(Opt.ACCEPT, o.accept);
    if (o.payload) w.payload(o.payload, 0, o.payload.length);
    if (this.ep.commit(k) < 0) throw new Error('scripted peer: request too large');
    if (o.observe === 0) this.observeToken = toHex(this.tok, 0, this.ep.slotToken(k, this.tok, 0));
    return tag;
  }
}

function exchange(m: CoapMessage): Exchange {
  return { code: m.code, cf: m.contentFormat, observe: m.observe, payload: toHex(m.buf, m.payloadOff, m.payloadLen) };
}

const TYPES = ['CON', 'NON', 'ACK', 'RST'];
function codeText(c: number): string { return (c >> 5) + '.' + String(c & 31).padStart(2, '0'); }

/** One datagram, decoded: type, code, message ID, token, path, query, formats, observe, payload. */
export function decode(b: Uint8Array): string {
  const m = new CoapMessage();
  if (parseMessage(b, 0, b.length, m) !== Parse.OK) return 'unparsable ' + toHex(b);
  let s = TYPES[m.type] + ' ' + codeText(m.code) + ' mid=' + m.mid + ' tok=' + toHex(m.token, 0, m.tokenLen);
  const path = pathOf(m, Opt.URI_PATH, '/', ''), loc = pathOf(m, Opt.LOCATION_PATH, '/', ''), q = pathOf(m, Opt.URI_QUERY, '&', '');
  if (path || m.isRequest()) s += ' /' + path;
  if (q) s += '?' + q;
  if (loc) s += ' loc=/' + loc;
  if (m.contentFormat >= 0) s += ' cf=' + m.contentFormat;
  if (m.accept >= 0) s += ' accept=' + m.accept;
  if (m.observe >= 0) s += ' obs=' + m.observe;
  if (m.payloadLen) s += ' payload=' + toHex(m.buf, m.payloadOff, m.payloadLen);
  return s;
}

export interface ScenarioWorld {
  net: SimNetwork; board: Board; server: ScriptedPeer; bs: ScriptedPeer;
  serverAddr: PeerAddress; events: number[];
}

export interface ScenarioResult {
  /** Every datagram that crossed the wire: "t from>to decoded". */
  wire: string[];
  /** The same datagrams, whole, in hex. */
  hex: string[];
  events: number[];
  bootstrap: { delete: number; writeSecurity: number; writeServer: number; finish: number };
  register: string;
  read30: Exchange; read5700: Exchange; observe: Exchange; notifications: Exchange[];
  newValue: number;
}

let lastWorld: ScenarioWorld | null = null;

function call(w: ScenarioWorld, peer: ScriptedPeer, p: number, code: number, path: string, o: Parameters<ScriptedPeer['request']>[3] = {}): Exchange {
  const tag = peer.request(p, code, path, o);
  w.net.run({ done: () => !!peer.responses[tag] || peer.failures.includes(tag), until: w.net.now + 300_000 });
  const r = peer.responses[tag];
  if (!r) throw new Error('no response to ' + codeText(code) + ' ' + path);
  return r;
}

/** Runs the whole scenario on a fresh world and returns what crossed the wire. Throws when a step
 *  does not happen. */
export function runScenario(newValue = 23.25): ScenarioResult {
  const net = new SimNetwork(6, { delay: 5 });
  const server = new ScriptedPeer(11);
  const bs = new ScriptedPeer(12);
  const board = createBoardClient({
    endpoint: ENDPOINT_NAME, seed: Uint8Array.of(6, 9, 9, 9), config: boardConfig(),
    bootstrap: { uri: BS_URI },
    device: { manufacturer: 'lwm2m-mcu', model: BOARD, serial: '0042', firmwareVersion: '0.1.0' },
  });
  const c = board.client;
  const events: number[] = [];
  const core = {
    receive: (b: Uint8Array, o: number, l: number, f: PeerAddress, now: number) => c.receive(b, o, l, f, now),
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push(e); return d; },
    transmit: (out: Uint8Array, at: number) => c.transmit(out, at),
    get txPeer() { return c.txPeer; },
  };
  const clientAddr = net.add('client', '127.0.0.1', 56830, core);
  const serverAddr = net.add('server', '127.0.0.1', 5683, server.ep);
  net.add('bs', '127.0.0.1', 5783, bs.ep);
  const w: ScenarioWorld = { net, board, server, bs, serverAddr, events };
  const bsPeer = bs.ep.peerIndex(clientAddr, true);
  const serverPeer = server.ep.peerIndex(clientAddr, true);

  // Client-initiated bootstrap (TS Core §6.1.3): the client sends POST /bs?ep=…, the server answers 2.04.
  c.start(0);
  net.run({ done: () => bs.requests.length > 0 && events.includes(Ev.BOOTSTRAP_REQUEST_SENT), until: 100_000 });
  net.run({ until: net.now + 1000 });
  if (!bs.requests.length) throw new Error('no Bootstrap-Request');
  // Delete the Security and Server objects (as Leshan's bootstrap server usually does): a Delete of
  // "/" would also remove the board's sensor, which this scenario goes on to read and observe.
  const del = call(w, bs, bsPeer, Code.DELETE, '/0');
  const del1 = call(w, bs, bsPeer, Code.DELETE, '/1');
  if (del1.code !== del.code) throw new Error('Delete /1 and Delete /0 answered differently');
  const acc = accountTlv();
  const ws = call(w, bs, bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec });
  const wv = call(w, bs, bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv });
  const fin = call(w, bs, bsPeer, Code.POST, '/bs');
  net.run({ done: () => events.includes(Ev.REGISTERED), until: net.now + 300_000 });
  if (!events.includes(Ev.REGISTERED)) throw new Error('not registered after the bootstrap');

  // Device management and reporting from the provisioned server.
  const read30 = call(w, server, serverPeer, Code.GET, '/3/0', { accept: TLV });
  const read5700 = call(w, server, serverPeer, Code.GET, '/3303/0/5700');
  const observe = call(w, server, serverPeer, Code.GET, '/3303/0/5700', { observe: 0 });
  net.run({ until: net.now + 1000 });
  board.temperature.set(newValue);
  net.run({ done: () => server.notifications.length > 0, until: net.now + 10_000 });
  net.run({ until: net.now + 1000 });

  lastWorld = w;
  return {
    wire: net.wire.map((r) => r.t + ' ' + r.from + '>' + r.to + (r.dropped ? ' (dropped) ' : ' ') + decode(r.bytes)),
    hex: net.wire.map((r) => toHex(r.bytes)),
    events,
    bootstrap: { delete: del.code, writeSecurity: ws.code, writeServer: wv.code, finish: fin.code },
    register: server.requests[0] ?? '',
    read30, read5700, observe, notifications: server.notifications.slice(), newValue,
  };
}

same('client scenario (esp32 config): bootstrap → register → Read /3/0, /3303/0/5700 → observe → notify', () => JSON.stringify(runScenario()));

// ---- hot loops on the registered client (talking to it as the server, without the simulator) ----

const out = new Uint8Array(2048);
const rx = new CoapMessage();
const readReq = new Uint8Array(32);
let readReqLen = 0;
const ack = new Uint8Array(4);
let now = 0;
let mid = 0x4000;

function world(): ScenarioWorld {
  if (!lastWorld) runScenario();
  const w = lastWorld as ScenarioWorld;
  if (readReqLen === 0) {
    const mw = new MessageWriter();
    mw.begin(readReq, 0, readReq.length, MsgType.CON, Code.GET, 0, Uint8Array.of(0x5e, 0xad), 0, 2);
    mw.option(Opt.URI_PATH, bytesOf('3'), 0, 1);
    mw.option(Opt.URI_PATH, bytesOf('0'), 0, 1);
    mw.optionUint(Opt.ACCEPT, TLV);
    readReqLen = mw.end();
    now = w.net.now + 1000;
  }
  return w;
}

/** Sends everything the client queued (ACKing a CON notification as the server would); the length
 *  of the last datagram (parsed into rx). */
function drain(w: ScenarioWorld): number {
  const c = w.board.client;
  let last = 0;
  for (let guard = 0; guard < 8; guard++) {
    const n = c.transmit(out, 0);
    if (n <= 0) break;
    last = n;
    if (parseMessage(out, 0, n, rx) === Parse.OK && rx.type === MsgType.CON) {
      ack[0] = 0x60; ack[1] = 0; ack[2] = rx.mid >> 8; ack[3] = rx.mid & 255;
      c.receive(ack, 0, 4, w.serverAddr, now);
      c.poll(now);
    }
  }
  while (c.nextEvent() !== Ev.NONE) { /* drop */ }
  return last;
}

/** One Read /3/0 (Accept TLV) exchange: the response's length, or a negative number. */
function read30(w: ScenarioWorld): number {
  const c = w.board.client;
  mid = (mid + 1) & 0xffff;
  readReq[2] = mid >> 8; readReq[3] = mid & 255;
  now += 1;
  c.receive(readReq, 0, readReqLen, w.serverAddr, now);
  c.poll(now);
  const n = drain(w);
  return n > 0 && rx.code === Code.CONTENT && rx.contentFormat === TLV ? n : -1;
}

/** One notification: a new temperature, then the notification of /3303/0/5700 out. */
function notifyOnce(w: ScenarioWorld, i: number): number {
  const c = w.board.client;
  now += 1;
  w.board.temperature.set((i & 1) ? 20.5 : 21.75);
  c.poll(now);
  const n = drain(w);
  return n > 0 && rx.code === Code.CONTENT && rx.observe >= 0 ? n : -1;
}

export function readLoop(n: number): number {
  const w = world();
  let s = 0;
  for (let i = 0; i < n; i++) { const len = read30(w); if (len < 0) return -1; s = (s + len) | 0; }
  return s;
}

export function notifyLoop(n: number): number {
  const w = world();
  let s = 0;
  for (let i = 0; i < n; i++) { const len = notifyOnce(w, i); if (len < 0) return -1; s = (s + len) | 0; }
  return s;
}

loop('client.read-3-0', readLoop);
loop('client.notify', notifyLoop);

// ---- footprint probe: one client built from the esp32 config (+ overrides) ----

/** Bytes each typed array / ArrayBuffer created while fn runs takes: its byteLength, and its XS chunk
 *  on a 32-bit MCU (byteLength rounded up to 4 plus the 8-byte chunk header, xsMemory.c
 *  fxAdjustChunkSize). Counts by swapping the global typed-array constructors for counting
 *  subclasses for the duration of fn (views over an existing buffer are not counted). */
export function countTypedArrays<T>(fn: () => T): { value: T; arrays: number; bytes: number; chunkBytes32: number; dataBytes32: number } {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray', 'ArrayBuffer'];
  const saved = names.map((n) => g[n]);
  // chunkBytes32: the chunks XS allocates (a buffer: byteLength rounded up to 4 + an 8-byte header).
  // dataBytes32: the bytes the arrays use — own buffers as chunks, views into a shared page (src/slab.ts)
  // by their length, a page by its header only — so per-item rows do not jump by a page.
  const tally = { arrays: 0, bytes: 0, chunkBytes32: 0, dataBytes32: 0 };
  // Growable pages (src/slab.ts: resizable ArrayBuffers, created empty): their chunks are counted at
  // the size they have once fn returns.
  const growable: { byteLength: number }[] = [];
  names.forEach((n, k) => {
    const Base = saved[k] as new (...a: unknown[]) => { byteLength: number };
    g[n] = class extends Base {
      constructor(...a: unknown[]) {
        super(...a);
        const page = n === 'ArrayBuffer';
        const view = !page && a[0] instanceof (saved[names.length - 1] as typeof ArrayBuffer);
        const rounded = (this.byteLength + 3) & ~3;
        if (view) { tally.dataBytes32 += rounded; return; }
        if (page && (this as unknown as { resizable?: boolean }).resizable === true) growable.push(this);
        tally.arrays++;
        tally.bytes += this.byteLength;
        tally.chunkBytes32 += rounded + 8;
        tally.dataBytes32 += page ? 8 : rounded + 8;
      }
    };
  });
  try {
    const value = fn();
    for (const b of growable) tally.chunkBytes32 += (b.byteLength + 3) & ~3;
    return { value, arrays: tally.arrays, bytes: tally.bytes, chunkBytes32: tally.chunkBytes32, dataBytes32: tally.dataBytes32 };
  } finally {
    names.forEach((n, k) => { g[n] = saved[k]; });
  }
}

/** A client as the device builds it (hal/moddable/main.ts): the board's config, a bootstrap account. */
export function boardClient(overrides: Partial<Config>): Board {
  return createBoardClient({
    endpoint: 'lwm2m-mcu-' + BOARD, seed: Uint8Array.of(1, 2, 3, 4), config: Object.assign({}, boardConfig(), overrides),
    bootstrap: { uri: BS_URI },
  });
}

// XS keeps the last instance of a class with private methods alive (harness.ts displacer): after each
// probe and release, one small table and slab are the last ones, not the probed client's.
displacer(() => { const slab = new Slab(64); return [slab, new ObjectTable({ maxInstances: 1, maxValues: 1, arenaBytes: 8 }, [], slab)]; });

// arg: JSON {"chunks": bool, "config": {overrides}}. Slots mode keeps no report (it would be counted).
probe('client', (arg, report) => {
  const a = JSON.parse(arg || '{}') as { chunks?: boolean; config?: Partial<Config> };
  if (!a.chunks) return boardClient(a.config || {});
  const r = countTypedArrays(() => boardClient(a.config || {}));
  report.value = { arrays: r.arrays, bytes: r.bytes, chunkBytes32: r.chunkBytes32, dataBytes32: r.dataBytes32 };
  return r.value;
});

// What the program keeps at module level, created at run time on first use (not while the modules
// load: on the device they are preloaded into read-only flash): the payload codecs (all six formats'
// — each is built when its format is first used) and the float scratch. Only meaningful as the first probe of a fresh worker (memory-table.ts runs it so).
// arg "chunks": count the arrays (the counting subclasses stay alive with them, so the slot figure
// comes from a run without: a fresh worker each).
probe('module-state', (arg, report) => {
  if (arg !== 'chunks') return { codecs: buildAllCodecs(), floats: floatScratch() };
  const r = countTypedArrays(() => ({ codecs: buildAllCodecs(), floats: floatScratch() }));
  report.value = { arrays: r.arrays, bytes: r.bytes, chunkBytes32: r.chunkBytes32, dataBytes32: r.dataBytes32 };
  return r.value;
});
