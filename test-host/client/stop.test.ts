// stop() while a Register is unanswered (issue 20.7): the server may already hold the registration,
// its 2.01 on the way back. The stop must end in a De-register of that location (or, when no answer
// comes, a bounded wait), then the client is idle. The server's replies are delayed by 1.5 s on the
// simulator's virtual clock, as the relay that reproduced it under mcsim did.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, World, SERVER_URI, SERVER_PORT } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { stopWait } from '../../src/client/client.js';

/** Delays every datagram from the server to the client by `ms` (the other direction is untouched). */
function delayServerReplies(w: World, ms: number): void {
  const from = new PeerAddress();
  parseAddress('127.0.0.1', SERVER_PORT, from);
  w.net.filter = (f, to, bytes) => {
    if (f !== 'server' || to !== 'client') return true;
    w.net.inject(from, w.clientAddr, bytes, ms);
    return false;
  };
}

function stopOnceTheServerHasTheRegister(seed: number, registerCode: number | null) {
  const w = world(seed, {}, { server: { uri: SERVER_URI, lifetime: 300 } });
  delayServerReplies(w, 1500);
  w.server.registerCode = registerCode;
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => w.server.requests.some((r) => r.path === '/rd'), until: 60_000 });
  assert.ok(w.server.requests.some((r) => r.path === '/rd'), 'the server saw the Register');
  assert.not.ok(w.events.some((e) => e.e === Ev.REGISTERED), 'its 2.01 is still on the way');
  const t0 = w.net.now;
  c.stop(t0);
  w.net.run({ done: () => c.idle(), until: t0 + 120_000 });
  return { w, c, t0, idleAt: w.net.now };
}

test('stop() while the 2.01 is on its way: the client de-registers that location, then is idle', () => {
  const { w, c, t0, idleAt } = stopOnceTheServerHasTheRegister(1, Code.CREATED);
  assert.ok(c.idle(), 'idle');
  const del = w.server.requests.find((r) => r.code === Code.DELETE);
  assert.ok(del, 'a De-register reached the server');
  assert.is(del!.path, '/rd/r1', 'of the location the 2.01 gave');
  assert.ok(w.events.some((e) => e.e === Ev.DEREGISTERED && e.a === 1));
  assert.ok(idleAt - t0 < 5_000, `stopped ${idleAt - t0} ms after stop()`);
  // Nothing more goes out afterwards: no Register retransmission, no Update.
  const before = w.net.wire.filter((r) => r.from === 'client').length;
  w.net.run({ until: w.net.now + 300_000 });
  assert.is(w.net.wire.filter((r) => r.from === 'client').length, before);
  assert.is(w.server.requests.filter((r) => r.path === '/rd').length, 1, 'one Register');
});

test('stop() while a Register is never answered: a bounded wait (stopWait), then idle; no De-register', () => {
  const { w, c, t0, idleAt } = stopOnceTheServerHasTheRegister(2, null);
  assert.ok(c.idle(), 'idle');
  assert.ok(idleAt - t0 <= stopWait(c.config) + 1, `idle ${idleAt - t0} ms after stop() (bound ${stopWait(c.config)} ms)`);
  assert.not.ok(w.server.requests.some((r) => r.code === Code.DELETE), 'no registration known: nothing to end');
  const before = w.net.wire.filter((r) => r.from === 'client').length;
  w.net.run({ until: w.net.now + 300_000 });
  assert.is(w.net.wire.filter((r) => r.from === 'client').length, before, 'the Register is abandoned, not retransmitted');
});

test('stop() while registered still de-registers at once (unchanged)', () => {
  const w = world(3, {}, { server: { uri: SERVER_URI, lifetime: 300 } });
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  c.stop(w.net.now);
  w.net.run({ done: () => c.idle(), until: w.net.now + 60_000 });
  assert.is(w.server.requests.filter((r) => r.code === Code.DELETE).map((r) => r.path).join(), '/rd/r1');
});

test.run();
