// Issue 12 point 15: the DTLS/TLS Ciphersuite resource (/0/x/16) limits what the client offers, and
// an account that allows only suites the client does not implement fails, instead of connecting
// with a suite the account forbids. Against openssl s_server (a real DTLS 1.2 PSK peer) that would
// accept what the client offers, so only the client's restraint keeps the handshake from happening.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { setNumber } from '../../src/objects/values.js';
import { ValueType } from '../../src/model/record.js';
import type { ObjectTable } from '../../src/model/table.js';
import { CipherSuite, DtlsState } from '../../src/dtls/session.js';
import { freeUdpPort, killPeer, spawnPeer, waitFor } from '../dtls/udp-client.js';
import { world, SERVER_URI } from './harness.js';
import { eventText } from '../../host/client-main.js';

const PSK_HEX = '000102030405060708090a0b0c0d0e0f';
const have = (cmd: string) => { try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; } };

/** A client with one coaps:// account at port whose /0/0/16 lists `suites`, against openssl s_server
 *  offering `cipher` (server preference). */
async function against(cipher: string, suites: number[]) {
  const port = await freeUdpPort();
  const peer = spawnPeer('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-nocert', '-psk', PSK_HEX,
    '-psk_identity', 'cs-client', '-cipher', cipher, '-serverpref', '-naccept', '1']);
  assert.ok(await waitFor(() => peer.out.includes('ACCEPT'), 5000), 'openssl s_server started');
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const board = createBoardClient({ endpoint: 'cs', seed: Uint8Array.of(1, 5, 1, 5),
    server: { uri: `coaps://127.0.0.1:${port}`, pskIdentity: 'cs-client', pskKey: Uint8Array.from(Buffer.from(PSK_HEX, 'hex')) } });
  const c = board.client;
  const factory = c.opts.factory!;
  c.opts.factory = (t: ObjectTable) => {
    factory(t);
    suites.forEach((s, k) => assert.is(setNumber(t, 0, 0, 16, k, ValueType.UnsignedInteger, s), 0));
  };
  const events: { e: number; a: number; b: number }[] = [];
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push({ e, a: c.eventA, b: c.eventB }); return d; },
  };
  const drv = new Driver(core, hal, 2048);
  c.start(hal.now());
  drv.pump();
  return { c, peer, events, close: async () => { drv.stop(); hal.close(); await killPeer(peer); } };
}

test('/0/x/16 listing only an unimplemented suite (0x00a8 PSK-AES128-GCM-SHA256): no handshake, the account fails', async () => {
  if (!have('openssl')) return;
  const r = await against('PSK-AES128-GCM-SHA256:PSK-AES128-CCM8', [0x00a8]);
  try {
    await waitFor(() => r.c.dtls[0].state !== DtlsState.Idle, 2000);
    assert.is(r.c.dtls[0].state, DtlsState.Idle, `no ClientHello (state ${r.c.dtls[0].state}, suite ${r.c.dtls[0].cipherSuite.toString(16)})`);
    assert.ok(r.events.some((x) => x.e === Ev.CIPHERSUITE_UNSUPPORTED && x.a === 0 && x.b === 0x00a8), JSON.stringify(r.events));
    assert.not.ok(r.events.some((x) => x.e === Ev.REGISTER_SENT), 'no Register over a forbidden suite');
    assert.not.match(r.peer.out + r.peer.err, /CIPHER is|Shared ciphers/);
  } finally { await r.close(); }
});

test('/0/x/16 = [0x00ae]: only TLS_PSK_WITH_AES_128_CBC_SHA256 is offered, though the server prefers CCM_8', async () => {
  if (!have('openssl')) return;
  const r = await against('PSK-AES128-CCM8:PSK-AES128-CBC-SHA256', [0x00ae]);
  try {
    assert.ok(await waitFor(() => r.c.dtls[0].state === DtlsState.Connected, 8000), `connected (state ${r.c.dtls[0].state})`);
    assert.is(r.c.dtls[0].cipherSuite, CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256);
  } finally { await r.close(); }
});

test('/0/x/16 on the simulator: an account listing only unknown suites sends nothing and is not registered', () => {
  const w = world(151, {}, { server: { uri: SERVER_URI.replace('coap:', 'coaps:'), pskIdentity: 'x', pskKey: Uint8Array.of(1, 2, 3, 4) } });
  const c = w.board.client, factory = c.opts.factory!;
  c.opts.factory = (t: ObjectTable) => { factory(t); setNumber(t, 0, 0, 16, 0, ValueType.UnsignedInteger, 0xc02b); };
  c.start(0);
  w.net.run({ until: 30_000 });
  assert.is(w.net.wire.filter((x) => x.from === 'client').length, 0);
  assert.ok(w.events.some((e) => e.e === Ev.CIPHERSUITE_UNSUPPORTED && e.b === 0xc02b));
});

test('the CLI names the refused account and what is implemented', () => {
  const line = eventText({} as never, Ev.CIPHERSUITE_UNSUPPORTED, 0, 0x00a8);
  assert.match(line, /\/0\/0\/16.*0x00a8.*0xc0a8.*account not used/);
});

test.run();
