// Deep sleep that restarts the program (src/client/persist.ts) under the simulator: the state written
// when the client goes offline, a new program started from it (its clock from 0 again) carrying on
// without a Register and, over coaps://, with an abbreviated handshake; a state that is damaged, of
// another endpoint, of another configuration, expired, or from a wall clock that went back is
// discarded with one event and the client registers afresh; 4.04 to the Update → Register; a server
// that no longer knows the session → a full handshake; and no write cut anywhere loses the stored
// configuration or the stored state (the reset-safe Storage commit of hal/espruino/storage.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queueWorld, type QueueWorld } from './queue-world.js';
import { Ev } from '../../src/client/events.js';
import { Code } from '../../src/coap/codes.js';
import { SleepDiscard, persistSleep } from '../../src/client/persist.js';
import { SafeStore, type StorageLike } from '../../hal/espruino/storage.js';
import { Ob } from '../../src/client/observe.js';

function offline(w: QueueWorld): number {
  w.net.run({ done: () => w.board.client.offline, until: w.net.now + 400_000 });
  assert.ok(w.board.client.offline, 'offline');
  return w.events.filter((e) => e.e === Ev.OFFLINE).at(-1)!.a;
}

const registers = (w: QueueWorld) => w.server.requests.filter((r) => r.code === Code.POST && r.path === '/rd').length;
const updates = (w: QueueWorld) => w.server.requests.filter((r) => r.code === Code.POST && r.path.startsWith('/rd/')).length;
const count = (w: QueueWorld, e: number, since = 0) => w.events.slice(since).filter((x) => x.e === e).length;

test('restart at the planned wake (pmax): no Register, the notification goes first over an abbreviated handshake, same token, Observe sequence goes on', () => {
  const w = queueWorld({ secure: true, pmax: 300, persist: true });
  w.register();
  w.observe();
  const wake = offline(w);
  assert.is(count(w, Ev.SLEEP_SAVED), 1, 'written when it went offline');
  assert.ok(w.stored.has('sleep'));
  const n0 = w.server.notifications.length, reg0 = registers(w), up0 = updates(w);
  const lastSeq = w.server.notifications.at(-1)?.observe ?? 0;
  // Deep sleep: the program is stopped until its deadline, then starts again.
  w.net.run({ until: wake - 500 });
  const e0 = w.events.length;
  w.restart();
  assert.is(count(w, Ev.SLEEP_RESUMED, e0), 1);
  assert.is(w.board.client.serverState(0), 3 /* REGISTERED */);
  w.net.run({ done: () => w.server.notifications.length > n0, until: w.net.now + 10_000 });
  assert.is(w.server.notifications.length, n0 + 1, 'the notification of the pmax');
  assert.is(registers(w), reg0, 'no Register');
  assert.is(updates(w), up0, 'and no Update before it (the planned wake)');
  const nt = w.server.notifications.at(-1)!;
  assert.is(nt.token, w.server.notifications[0].token, 'the same observation');
  assert.ok(nt.observe! > lastSeq + 256, `Observe ${nt.observe} after ${lastSeq}: newer than anything sent after the state was written`);
  assert.is(w.fullHandshakes, 1, 'one full handshake in all (the first)');
  assert.ok(w.abbreviatedHandshakes >= 1, 'resumed');
  // And on: offline again, written again.
  offline(w);
  assert.is(count(w, Ev.SLEEP_SAVED, e0), 1);
});

test('restart early (a power cycle right after going offline): an Update at once, no Register, abbreviated handshake', () => {
  const w = queueWorld({ secure: true, pmax: 3000, persist: true });
  w.register();
  w.observe();
  offline(w);
  const reg0 = registers(w), up0 = updates(w);
  w.net.advance(5_000);
  w.restart();
  w.net.run({ done: () => updates(w) > up0, until: w.net.now + 20_000 });
  assert.is(updates(w), up0 + 1, 'an Update');
  assert.is(registers(w), reg0, 'no Register');
  const up = w.server.requests.filter((r) => r.path.startsWith('/rd/')).at(-1)!;
  assert.is(up.path, '/rd/r1', 'to the location of the first Register');
  assert.is(w.fullHandshakes, 1);
  assert.is(w.abbreviatedHandshakes, 1);
  // The observation carries on: a change is notified with the old token.
  const n0 = w.server.notifications.length;
  w.board.temperature.set(40);
  w.net.run({ done: () => w.server.notifications.length > n0, until: w.net.now + 10_000 });
  assert.is(w.server.notifications.at(-1)!.token, w.server.notifications[0].token);
});

test('discarded with one event, then a Register: damaged, another endpoint, another configuration, expired, wall clock gone back', () => {
  const cases: [string, (w: QueueWorld) => Parameters<QueueWorld['restart']>[0] | void, number][] = [
    ['damaged', (w) => { const b = w.stored.get('sleep')!; b[b.length - 3] ^= 0x40; }, SleepDiscard.CORRUPT],
    ['another endpoint', () => ({ endpoint: 'another-client' }), SleepDiscard.ENDPOINT],
    ['another configuration', () => ({ lifetime: 7200 }), SleepDiscard.CONFIG],
    ['expired', (w) => { w.wallSkew = 4000_000; }, SleepDiscard.EXPIRED],
    ['clock back', (w) => { w.wallSkew = -60_000; }, SleepDiscard.CLOCK],
    ['another format', (w) => { w.stored.get('sleep')![2] = 9; }, SleepDiscard.VERSION],
  ];
  for (const [what, spoil, why] of cases) {
    const w = queueWorld({ pmax: 300, persist: true, lifetime: 3600 });
    w.register();
    w.observe();
    offline(w);
    const reg0 = registers(w);
    const change = spoil(w) ?? {};
    const e0 = w.events.length;
    w.restart(change);
    const discarded = w.events.slice(e0).filter((x) => x.e === Ev.SLEEP_DISCARDED);
    assert.is(discarded.length, 1, what + ': one event');
    assert.is(discarded[0].a, why, what);
    assert.is(count(w, Ev.SLEEP_RESUMED, e0), 0, what);
    assert.not.ok(w.stored.has('sleep'), what + ': the state is erased');
    w.net.run({ done: () => registers(w) > reg0, until: w.net.now + 30_000 });
    assert.is(registers(w), reg0 + 1, what + ': registers afresh');
  }
});

test('after a restore, 4.04 to the Update → Register', () => {
  const w = queueWorld({ pmax: 3000, persist: true });
  w.register();
  w.observe();
  offline(w);
  w.server.updateCode = Code.NOT_FOUND;
  const reg0 = registers(w), up0 = updates(w);
  w.restart();
  w.net.run({ done: () => registers(w) > reg0, until: w.net.now + 30_000 });
  assert.is(updates(w), up0 + 1);
  assert.is(registers(w), reg0 + 1, 'registered again');
  w.net.run({ done: () => w.board.client.serverState(0) === 3, until: w.net.now + 30_000 });
  assert.is(w.board.client.serverState(0), 3 /* REGISTERED */);
});

test('the server no longer knows the session (its cache cleared): a full handshake, then the Update', () => {
  const w = queueWorld({ secure: true, pmax: 3000, persist: true });
  w.register();
  w.observe();
  offline(w);
  (w.dtls as unknown as { resumable: Map<string, unknown> }).resumable.clear();
  const up0 = updates(w), reg0 = registers(w);
  w.restart();
  w.net.run({ done: () => updates(w) > up0, until: w.net.now + 30_000 });
  assert.is(updates(w), up0 + 1);
  assert.is(registers(w), reg0);
  assert.is(w.fullHandshakes, 2, 'a second full handshake');
  assert.is(w.abbreviatedHandshakes, 0);
});

test('stop() de-registers and erases the state: the next start registers', () => {
  const w = queueWorld({ pmax: 3000, persist: true });
  w.register();
  offline(w);
  w.board.client.stop(w.board.client.now);
  w.net.advance(5000);
  assert.not.ok(w.stored.has('sleep'));
  const reg0 = registers(w);
  w.restart();
  w.net.run({ done: () => registers(w) > reg0, until: w.net.now + 30_000 });
  assert.is(registers(w), reg0 + 1);
});

test('stored notifications survive the restart and are sent in order, with their age', () => {
  const w = queueWorld({ pmax: 3000, persist: true, config: { storedNotifications: 4 } });
  w.register();
  w.observe();
  offline(w);
  const c = w.board.client, qm = c.queue!;
  // Two notifications stored while the server was unreachable (as storeNotification keeps them).
  for (let e = 0; e < 2; e++) {
    const r = qm.entry(e);
    qm.f[r] = 0; qm.f[r + 1] = 0; qm.f[r + 2] = c.obs.get(0, Ob.PEER); qm.f[r + 3] = c.obs.get(0, Ob.TOK_LEN); qm.f[r + 4] = 0; qm.f[r + 5] = 2;
    for (let j = 0; j < 8; j++) qm.b[qm.tokAt + e * 8 + j] = c.obs.tok[j];
    qm.b[qm.dataAt + e * qm.slotBytes] = 0x31 + e; qm.b[qm.dataAt + e * qm.slotBytes + 1] = 0x30;
    qm.v[7 + e] = c.now - 60_000 + e;
  }
  qm.head = 0; qm.count = 2;
  persistSleep(c, c.now);
  const n0 = w.server.notifications.length;
  w.restart();
  w.net.run({ done: () => w.server.notifications.length >= n0 + 2, until: w.net.now + 20_000 });
  const got = w.server.notifications.slice(n0, n0 + 2).map((n) => n.payload.toString());
  assert.equal(got, ['10', '20'], 'in order');
  assert.is(w.board.client.queue!.sent, 2);
});

/** A Storage stand-in that can cut its n-th write short after `cut` bytes (a reset mid-write). */
class CutStorage implements StorageLike {
  files = new Map<string, string>();
  writes = 0;
  cutAt = -1;
  cut = 0;
  /** The size of each write. */
  sizes: number[] = [];
  read(name: string): string | undefined { return this.files.get(name); }
  write(name: string, bytes: Uint8Array): boolean {
    this.sizes.push(bytes.length);
    if (this.writes++ === this.cutAt) { this.files.set(name, String.fromCharCode(...bytes.subarray(0, Math.min(this.cut, bytes.length)))); throw new Error('reset'); }
    this.files.set(name, String.fromCharCode(...bytes)); return true;
  }
  erase(name: string): void { this.files.delete(name); }
}

test('a reset cut into any write (configuration or sleep state, at any byte) loses neither: the restart loads the configuration and resumes or registers', () => {
  // The scenario: start (the factory configuration saved), register, observe, offline (state 1), wake
  // for the pmax, offline again (state 2), then a restart. Each write of it cut short at every byte;
  // then the restart reads what the storage holds.
  const scenario = (fs: CutStorage) => {
    const st = new SafeStore('lwm2m', fs);
    let w: QueueWorld | null = null;
    w = queueWorld({
      pmax: 300, persist: true,
      store: { load: (out) => st.read('config', out), save: (b, off, len) => st.write('config', b, off, len) },
      sleepStore: { load: (out) => st.read('sleep', out), save: (b, off, len) => st.write('sleep', b, off, len), erase: () => st.erase('sleep'), wallClock: () => 1.7e12 + w!.net.now },
    });
    let reset = false;
    try {
      w.register(); w.observe(); offline(w);
      w.net.run({ done: () => !w!.board.client.offline, until: w.net.now + 400_000 });
      offline(w);
    } catch (e) { if ((e as Error).message !== 'reset') throw e; reset = true; }
    const e0 = w.events.length, r0 = registers(w);
    w.restart();
    w.net.run({ until: w.net.now + 5_000 });
    const ev = w.events.slice(e0);
    return { reset, loaded: ev.find((x) => x.e === Ev.LOADED)?.a ?? -1, resumed: ev.some((x) => x.e === Ev.SLEEP_RESUMED), registered: registers(w) > r0 };
  };
  const clean = new CutStorage();
  const base = scenario(clean);
  assert.is(base.loaded, 1, 'the clean run: the configuration from storage');
  assert.ok(base.resumed && !base.registered, 'the clean run resumes');
  const sizes = clean.sizes;
  assert.ok(sizes.length >= 3, `the configuration and two states written (${sizes.length} writes)`);
  let cases = 0;
  for (let n = 0; n < sizes.length; n++) {
    for (let cut = 0; cut < sizes[n]; cut++) {
      const fs = new CutStorage();
      fs.cutAt = n; fs.cut = cut;
      const r = scenario(fs);
      cases++;
      const at = `write ${n} (${sizes[n]} B) cut at ${cut}`;
      assert.ok(r.reset, at + ': the reset happened');
      // The first write is the factory configuration: cut, the restart makes and writes it again.
      assert.ok(n === 0 ? r.loaded === 3 : r.loaded === 1, `${at}: configuration from ${r.loaded}`);
      assert.ok(r.resumed !== r.registered, `${at}: resumed ${r.resumed}, registered ${r.registered}`);
      if (n >= 2) assert.ok(r.resumed, `${at}: the previous state is resumed`);
    }
  }
  assert.ok(cases > 500, `${cases} cuts`);
});

test.run();
