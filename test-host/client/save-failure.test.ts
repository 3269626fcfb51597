// A configuration the store refuses is never answered as durable (issue 13, point 12), under the
// simulator: a Bootstrap-Finish is refused with 5.00 and nothing is committed (the bootstrap server
// may finish again once the store works); a Write to the Server object is 5.00; each failure is an
// Ev.SAVE_FAILED, and the next save is attempted again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, BS_URI, SERVER_URI, serverAccountTlv, MemStore } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';

const TLV = 11542;

class FlakyStore extends MemStore {
  broken = true;
  attempts = 0;
  override save(buf: Uint8Array, off: number, len: number): boolean { this.attempts++; return this.broken ? false : super.save(buf, off, len); }
}

test('Finish refused (5.00) while the store fails, accepted once it works; a Write to /1 is 5.00 while it fails', () => {
  const store = new FlakyStore();
  const w = world(31, {}, { bootstrap: { uri: BS_URI }, store });
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.some((r) => r.path === '/bs'), until: 100_000 });
  w.net.run({ until: w.net.now + 20_000 });
  const acc = serverAccountTlv(1, 0, SERVER_URI, 7, 300);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/0/1', { cf: TLV, payload: acc.sec }).code, Code.CHANGED);
  assert.is(w.bs.call(w.bsPeer, Code.PUT, '/1/0', { cf: TLV, payload: acc.srv }).code, Code.CHANGED);
  const before = store.attempts;
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.INTERNAL_SERVER_ERROR, 'not durable: not finished');
  assert.ok(store.attempts > before, 'a save was tried');
  assert.ok(w.events.some((e) => e.e === Ev.SAVE_FAILED && e.a === 1));
  assert.not.ok(w.events.some((e) => e.e === Ev.BOOTSTRAP_FINISHED));
  assert.ok(w.board.client.bsFlag, 'still bootstrapping: the staging is kept');
  assert.not.ok(w.board.client.table.hasInstance(0, 1), 'nothing committed');
  store.broken = false;
  assert.is(w.bs.call(w.bsPeer, Code.POST, '/bs').code, Code.CHANGED, 'the next Finish saves and commits');
  assert.ok(store.data && store.data.length > 0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: w.net.now + 300_000 });
  store.broken = true;
  const wr = w.server.call(w.serverPeer, Code.PUT, '/1/0/1', { cf: 0, payload: Buffer.from('600') });
  assert.is(wr.code, Code.INTERNAL_SERVER_ERROR);
  assert.ok(w.events.some((e) => e.e === Ev.SAVE_FAILED && e.a === 0));
  store.broken = false;
  assert.is(w.server.call(w.serverPeer, Code.PUT, '/1/0/1', { cf: 0, payload: Buffer.from('700') }).code, Code.CHANGED);
});

test.run();
