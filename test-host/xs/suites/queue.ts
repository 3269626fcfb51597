// Queue Mode (src/client/queue.ts) under XS and V8, compared with same(): the esp32-sized client
// registered with b=U&Q, observed (pmax 200 s); offline MAX_TRANSMIT_WAIT after the last exchange,
// woken by the pmax notification, offline again, woken early by a value change. Throws when a step
// does not happen, so both engines fail rather than agree on a wrong transcript.
import { createBoardClient } from '../../../src/client/setup.js';
import { Ev } from '../../../src/client/events.js';
import { Code } from '../../../src/coap/codes.js';
import { PeerAddress } from '../../../src/coap/peer.js';
import { SimNetwork } from '../../sim.js';
import { same } from '../harness.js';
import { ScriptedPeer, boardConfig } from './scenario.js';

export function runQueueScenario(): string {
  const net = new SimNetwork(8, { delay: 5 });
  const server = new ScriptedPeer(21);
  const board = createBoardClient({
    endpoint: 'xs-queue', seed: Uint8Array.of(8, 9, 9, 9), config: boardConfig(),
    server: { uri: 'coap://127.0.0.1:5683', binding: 'UQ', lifetime: 86400, pmax: 200 }, queueMode: true,
  });
  const c = board.client;
  const events: string[] = [];
  const core = {
    receive: (b: Uint8Array, o: number, l: number, f: PeerAddress, now: number) => (c.offline ? 0 : c.receive(b, o, l, f, now)),
    poll: (now: number) => {
      const d = c.poll(now);
      for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) {
        if (e === Ev.OFFLINE || e === Ev.ONLINE || e === Ev.NOTIFY_SENT || e === Ev.REGISTERED) events.push(Math.round(now / 1000) + ':' + e + ':' + (e === Ev.OFFLINE ? Math.round(c.eventA / 1000) : c.eventA));
      }
      return d;
    },
    transmit: (out: Uint8Array, at: number) => c.transmit(out, at),
    get txPeer() { return c.txPeer; },
    get offline() { return c.offline; },
  };
  const clientAddr = net.add('client', '127.0.0.1', 56830, core);
  net.add('server', '127.0.0.1', 5683, server.ep);
  const p = server.ep.peerIndex(clientAddr, true);
  c.start(0);
  net.run({ until: 2000 });
  const tag = server.request(p, Code.GET, '/3303/0/5700', { observe: 0 });
  net.run({ done: () => server.responses[tag] !== undefined, until: 10_000 });
  net.run({ until: 320_000 });
  board.temperature.set(30);
  net.kick();
  net.run({ until: 330_000 });
  const want = ['OFFLINE', 'ONLINE', 'OFFLINE', 'ONLINE'];
  const seen = events.filter((e) => e.split(':')[1] === String(Ev.OFFLINE) || e.split(':')[1] === String(Ev.ONLINE)).map((e) => (e.split(':')[1] === String(Ev.OFFLINE) ? 'OFFLINE' : 'ONLINE'));
  if (seen.join() !== want.join()) throw new Error('queue scenario: ' + seen.join() + ' (' + events.join(' ') + ')');
  if (server.notifications.length !== 2) throw new Error('queue scenario: ' + server.notifications.length + ' notifications');
  return JSON.stringify({ events, notifications: server.notifications });
}

same('queue mode (esp32 config): offline after MAX_TRANSMIT_WAIT, woken by pmax, offline, woken by a value change', runQueueScenario);
