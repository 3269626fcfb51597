// Deep sleep that restarts the program (src/client/persist.ts) under XS and V8, compared with same():
// the esp32-sized client registered with b=U&Q and observed (pmax 200 s) goes offline, its state
// written to a store; the program is replaced by a new one (its clock from 0 again) at the planned
// wake, which takes the state back: no Register, the pmax notification with the same token and a
// later Observe number. Throws when a step does not happen, so both engines fail rather than agree.
import { createBoardClient } from '../../../src/client/setup.js';
import { Ev } from '../../../src/client/events.js';
import { Code } from '../../../src/coap/codes.js';
import { PeerAddress } from '../../../src/coap/peer.js';
import { SimNetwork } from '../../sim.js';
import { same } from '../harness.js';
import { ScriptedPeer, boardConfig } from './scenario.js';

export function runPersistScenario(): string {
  const net = new SimNetwork(9, { delay: 5 });
  const server = new ScriptedPeer(23);
  let stored: Uint8Array | null = null;
  let base = 0, wakeAt = -1;
  const make = (k: number) => createBoardClient({
    endpoint: 'xs-sleep', seed: Uint8Array.of(9, 9, 9, k), config: boardConfig(),
    server: { uri: 'coap://127.0.0.1:5683', binding: 'UQ', lifetime: 86400, pmax: 200 }, queueMode: true,
    sleepStore: {
      load: (out: Uint8Array) => { if (stored === null) return -1; for (let j = 0; j < stored.length; j++) out[j] = stored[j]; return stored.length; },
      save: (b: Uint8Array, off: number, len: number) => { stored = b.slice(off, off + len); return true; },
      erase: () => { stored = null; },
      wallClock: () => 1.7e12 + net.now,
    },
  });
  let board = make(1);
  const events: string[] = [];
  const core = {
    receive: (b: Uint8Array, o: number, l: number, f: PeerAddress, now: number) => (board.client.offline ? 0 : board.client.receive(b, o, l, f, now - base)),
    poll: (now: number) => {
      const c = board.client;
      const d = c.poll(now - base);
      for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) {
        if (e === Ev.OFFLINE) wakeAt = c.eventA + base;
        if (e === Ev.OFFLINE || e === Ev.ONLINE || e === Ev.NOTIFY_SENT || e === Ev.REGISTERED || e === Ev.REGISTER_SENT || e === Ev.UPDATE_SENT || e === Ev.SLEEP_SAVED || e === Ev.SLEEP_RESUMED)
          events.push(Math.round(now / 1000) + ':' + e + ':' + (e === Ev.OFFLINE ? Math.round((c.eventA + base) / 1000) : c.eventA));
      }
      return d + base;
    },
    transmit: (out: Uint8Array, at: number) => board.client.transmit(out, at),
    get txPeer() { return board.client.txPeer; },
    get offline() { return board.client.offline; },
  };
  const clientAddr = net.add('client', '127.0.0.1', 56830, core);
  net.add('server', '127.0.0.1', 5683, server.ep);
  const p = server.ep.peerIndex(clientAddr, true);
  board.client.start(0);
  net.run({ until: 2000 });
  const tag = server.request(p, Code.GET, '/3303/0/5700', { observe: 0 });
  net.run({ done: () => server.responses[tag] !== undefined, until: 10_000 });
  net.run({ done: () => board.client.offline, until: 150_000 });
  if (!board.client.offline || stored === null) throw new Error('persist scenario: not offline with a state (' + events.join(' ') + ')');
  const size = (stored as Uint8Array).length;
  // Stopped until 1 ms before the planned wake (the pmax, 200 s after the Observe), then started again.
  if (!(wakeAt > 190_000 && wakeAt < 210_000)) throw new Error('persist scenario: offline until ' + wakeAt);
  net.run({ until: wakeAt - 1 });
  base = net.now;
  board = make(2);
  board.client.start(0);
  net.run({ until: 215_000 });
  const resumed = events.filter((e) => e.split(':')[1] === String(Ev.SLEEP_RESUMED)).length;
  const registers = events.filter((e) => e.split(':')[1] === String(Ev.REGISTER_SENT)).length;
  if (resumed !== 1 || registers !== 1) throw new Error('persist scenario: resumed ' + resumed + ', Registers ' + registers + ' (' + events.join(' ') + ')');
  if (server.notifications.length !== 1) throw new Error('persist scenario: ' + server.notifications.length + ' notifications');
  return JSON.stringify({ size, events, notifications: server.notifications });
}

same('deep sleep (esp32 config): state written at offline, a new program takes it back at the pmax: no Register, the notification', runPersistScenario);
