// A Queue Mode world for tests and bench/queue.bench.ts: the board client and the harness's scripted
// server (SimServer) on the simulated network, optionally over DTLS PSK through the host server's
// DTLS layer (host/server.ts DtlsPskLayer, sans-IO). The client's socket is modelled as the HAL
// drives it: while the client is offline the socket is closed and datagrams to it are lost.
import { SimNetwork } from '../sim.js';
import { SimServer } from './harness.js';
import { createBoardClient, type Board } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { Code } from '../../src/coap/codes.js';
import { PeerAddress } from '../../src/coap/peer.js';
import type { Config } from '../../src/config.js';
import { DtlsPskLayer } from '../../host/server.js';
import type { SansIoCore } from '../../hal/hal.js';
import { DtlsState } from '../../src/dtls/constants.js';
import type { ConfigStore } from '../../src/client/client.js';
import type { SleepStore } from '../../src/client/persist.js';

export const PSK_ID = 'queue-client';
export const PSK_KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

export interface QueueWorldOptions {
  seed?: number;
  secure?: boolean;
  /** /1/x/7 (default "UQ"). */
  binding?: string;
  queueDtls?: 'keep' | 'resume' | 'full' | 'cid';
  config?: Partial<Config>;
  lifetime?: number;
  pmax?: number;
  pmin?: number;
  delay?: number;
  /** The server's DTLS layer resumes sessions (default true). */
  serverResumption?: boolean;
  /** Deep sleep (src/client/persist.ts): the client keeps its sleep state in QueueWorld.stored, and
   *  restart() stops the program and starts a new one (its monotonic clock from 0 again). */
  persist?: boolean;
  /** The endpoint name (default "queue-client"). */
  endpoint?: string;
  /** Stores of the configuration and the sleep state (default: none, and a map in QueueWorld.stored). */
  store?: ConfigStore;
  sleepStore?: SleepStore;
  /** The length of the Connection IDs the server's DTLS layer grants (default 6; 0: none). */
  serverCid?: number;
  /** The client's port changes at every wake (a HAL that binds a new port, a NAT rebinding). */
  newPortAtWake?: boolean;
  /** restart() binds a new port (a new process, a new source port). */
  newPortAtRestart?: boolean;
}

export interface QueueWorld {
  net: SimNetwork;
  server: SimServer;
  dtls: DtlsPskLayer | null;
  board: Board;
  events: { t: number; e: number; a: number; b: number }[];
  clientAddr: PeerAddress;
  serverPeer: number;
  /** Datagrams that reached the client while it was offline (its socket closed): lost. */
  lostOffline: number;
  fullHandshakes: number;
  abbreviatedHandshakes: number;
  /** The client's ports, the first one and one per wake with newPortAtWake. */
  ports: number[];
  /** Starts the client and runs until it is registered. */
  register(): void;
  /** The server observes /3303/0/5700 (SenML CBOR); returns the token's hex. */
  observe(): void;
  /** Datagrams and bytes the client sent and received (what reached it). */
  traffic(): { sent: number; sentBytes: number; received: number; receivedBytes: number };
  /** With `persist`: what the store holds (key → bytes), and the wall clock's offset from the network's. */
  stored: Map<string, Uint8Array>;
  wallSkew: number;
  /** The client's clock now (the network's less the time of the last restart). */
  readonly clientNow: number;
  /** With `persist`: the program stops (nothing more is sent or received) and a new one starts at
   *  once, on the same address, from what is stored; `change` alters its options (another endpoint,
   *  another lifetime). Its clock starts from 0: board.client.now is the time since this restart. */
  restart(change?: QueueWorldOptions): void;
}

export function queueWorld(o: QueueWorldOptions = {}): QueueWorld {
  const net = new SimNetwork(o.seed ?? 1, { delay: o.delay ?? 20 });
  const server = new SimServer(net, 'server', 11);
  const secure = o.secure === true;
  const dtls = secure ? new DtlsPskLayer(server.ep, new Map([[PSK_ID, PSK_KEY]]), () => {}, { resumption: o.serverResumption !== false, cid: o.serverCid }) : null;
  const port = secure ? 5684 : 5683;
  const stored = new Map<string, Uint8Array>();
  const w = { lostOffline: 0, lostBytes: 0, fullHandshakes: 0, abbreviatedHandshakes: 0, base: 0, wallSkew: 0, boots: 0 };
  const make = (x: QueueWorldOptions): Board => createBoardClient({
    endpoint: x.endpoint ?? 'queue-client', seed: Uint8Array.of(x.seed ?? 1, 7, 7, 7 + w.boots++),
    server: {
      uri: `${secure ? 'coaps' : 'coap'}://127.0.0.1:${port}`, lifetime: x.lifetime ?? 86400, binding: x.binding ?? 'UQ',
      pmax: x.pmax, pmin: x.pmin,
      ...(secure ? { pskIdentity: PSK_ID, pskKey: new Uint8Array(PSK_KEY) } : {}),
    },
    config: x.config, queueMode: true, queueDtls: x.queueDtls, store: x.store,
    ...(x.persist ? {
      sleepStore: x.sleepStore ?? {
        load: (out: Uint8Array) => { const v = stored.get('sleep'); if (!v || v.length > out.length) return -1; out.set(v); return v.length; },
        save: (buf: Uint8Array, off: number, len: number) => { stored.set('sleep', buf.slice(off, off + len)); return true; },
        erase: () => { stored.delete('sleep'); },
        wallClock: () => 1.7e12 + net.now + w.wallSkew,
      },
    } : {}),
  });
  let board = make(o);
  let c = board.client;
  const events: QueueWorld['events'] = [];
  let lastState = 0;
  const track = () => {
    const s = c.dtls[0];
    if (s.state !== lastState) {
      if (s.state === DtlsState.Connected) { if (s.resumed) w.abbreviatedHandshakes++; else w.fullHandshakes++; }
      lastState = s.state;
    }
  };
  const core: SansIoCore = {
    receive: (b, off, len, f, now) => {
      if (c.offline) { w.lostOffline++; w.lostBytes += len; return 0; }
      const r = c.receive(b, off, len, f, now - w.base);
      track();
      return r;
    },
    poll: (now) => {
      const d = c.poll(now - w.base);
      track();
      for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) {
        events.push({ t: now, e, a: e === Ev.OFFLINE && c.eventA >= 0 ? c.eventA + w.base : c.eventA, b: c.eventB });
        // The HAL binds its socket again at the wake, before the client's datagrams go out.
        if (e === Ev.ONLINE && o.newPortAtWake === true) { clientAddr.port = clientAddr.port + 1; ports.push(clientAddr.port); }
      }
      return d + w.base;
    },
    transmit: (out, at) => c.transmit(out, at),
    get txPeer() { return c.txPeer; },
  };
  const clientAddr = net.add('client', '127.0.0.1', 56830, core);
  const ports = [clientAddr.port];
  net.add('server', '127.0.0.1', port, dtls ?? server.ep);
  const serverPeer = server.ep.peerIndex(clientAddr, true);
  const world: QueueWorld = {
    net, server, dtls, events, clientAddr, serverPeer, stored, ports,
    get board() { return board; },
    get wallSkew() { return w.wallSkew; },
    get clientNow() { return net.now - w.base; },
    set wallSkew(x: number) { w.wallSkew = x; },
    restart(change: QueueWorldOptions = {}) {
      const x = { ...o, ...change };
      if (x.newPortAtRestart === true) { clientAddr.port = clientAddr.port + 1; ports.push(clientAddr.port); }
      board = make(x);
      c = board.client;
      lastState = 0;
      w.base = net.now;
      c.start(0);
      lastState = c.dtls.length > 0 ? c.dtls[0].state : 0; // a connection taken back (Connected at once) is no handshake
      for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push({ t: net.now, e, a: c.eventA, b: c.eventB });
    },
    get lostOffline() { return w.lostOffline; },
    get fullHandshakes() { return w.fullHandshakes; },
    get abbreviatedHandshakes() { return w.abbreviatedHandshakes; },
    register() {
      c.start(net.now - w.base);
      net.run({ done: () => events.some((e) => e.e === Ev.REGISTERED), until: net.now + 120_000 });
      if (!events.some((e) => e.e === Ev.REGISTERED)) throw new Error('not registered');
    },
    observe() {
      const r = server.call(serverPeer, Code.GET, '/3303/0/5700', { observe: 0, accept: 112 });
      if (r.code !== Code.CONTENT) throw new Error('observe answered ' + r.code);
    },
    traffic() {
      let sent = 0, sentBytes = 0, received = 0, receivedBytes = 0;
      for (const r of net.wire) {
        if (r.from === 'client') { sent++; sentBytes += r.bytes.length; }
        else if (r.to === 'client' && !r.dropped) { received++; receivedBytes += r.bytes.length; }
      }
      return { sent, sentBytes, received: received - w.lostOffline, receivedBytes: receivedBytes - w.lostBytes };
    },
  } as QueueWorld;
  return world;
}
