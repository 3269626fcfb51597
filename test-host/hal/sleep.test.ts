// Queue Mode in the HAL: sendQueued() (hal/hal.ts) puts the HAL to sleep once an offline core has
// sent its last datagram (a DTLS close_notify) and wakes it before the next send; the Node HAL closes
// its UDP socket while asleep and binds the same port again at the wake.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { sendQueued, type Hal, type SansIoCore } from '../../hal/hal.js';
import { NodeHal } from '../../hal/node/hal.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';

function fakeHal(log: string[]): Hal {
  let asleep = false;
  return {
    now: () => 0, random: () => {}, send: (_b, _o, len) => { log.push(`send ${len}${asleep ? ' ASLEEP' : ''}`); },
    onReceive: () => {}, setTimer: () => {}, storageRead: () => -1, storageWrite: () => true, storageDelete: () => {},
    log: () => {}, resolve: async () => false, close: () => {}, reboot: () => {}, factoryReset: () => {}, provisioning: () => null,
    sleep: (until: number) => { asleep = true; log.push(`sleep ${until}`); },
    wake: () => { asleep = false; log.push('wake'); },
    get asleep() { return asleep; },
  };
}

test('sendQueued: the last datagram goes out before sleep(deadline); a core back online gets wake() before its send', () => {
  const log: string[] = [];
  const hal = fakeHal(log);
  const peer = new PeerAddress();
  let queue = [31], offline = true;
  const core: SansIoCore = {
    receive: () => 0, poll: () => 5000, get txPeer() { return peer; }, get offline() { return offline; },
    transmit: () => queue.shift() ?? 0,
  };
  assert.is(sendQueued(core, hal, new Uint8Array(64)), 5000);
  assert.equal(log, ['send 31', 'sleep 5000']);
  sendQueued(core, hal, new Uint8Array(64)); // nothing new: stays asleep
  assert.equal(log, ['send 31', 'sleep 5000']);
  offline = false; queue = [40];
  sendQueued(core, hal, new Uint8Array(64));
  assert.equal(log, ['send 31', 'sleep 5000', 'wake', 'send 40']);
});

test('NodeHal: sleep() closes the socket (nothing received), wake() binds the same port again and sends', async () => {
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logger: () => {} });
  const peer = dgram.createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  try {
    const port = hal.port;
    const got: number[] = [];
    hal.onReceive((_b, _o, len) => got.push(len));
    hal.sleep(Infinity);
    assert.ok(hal.asleep);
    assert.is(hal.port, port);
    peer.send(Buffer.alloc(7), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(got, [], 'nothing heard while asleep');
    hal.wake();
    assert.not.ok(hal.asleep);
    const to = new PeerAddress();
    parseAddress('127.0.0.1', peer.address().port, to);
    const heard = new Promise<{ port: number; len: number }>((r) => peer.once('message', (m, ri) => r({ port: ri.port, len: m.length })));
    hal.send(Uint8Array.of(1, 2, 3), 0, 3, to); // sent while the bind completes: dgram queues it
    const h = await heard;
    assert.is(h.port, port, 'the same port as before the sleep');
    assert.is(h.len, 3);
    peer.send(Buffer.alloc(5), port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(got, [5], 'heard again after the wake');
  } finally { hal.close(); peer.close(); }
});

test.run();
