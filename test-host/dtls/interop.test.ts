// Interop against real DTLS 1.2 PSK peers over UDP on 127.0.0.1: openssl s_server, and libcoap's
// coap-server with OpenSSL and GnuTLS back ends. Each test starts and kills its own peer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { CipherSuite, DtlsError, DtlsState } from '../../src/dtls/session.js';
import { coapGet, connect, freeUdpPort, killPeer, spawnPeer, waitFor } from './udp-client.js';

const PSK_HEX = '000102030405060708090a0b0c0d0e0f';
const PSK = Uint8Array.from(Buffer.from(PSK_HEX, 'hex'));

function have(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}

async function opensslEcho(cipher: string, suite: number, hint: boolean, offerCid = false): Promise<void> {
  const port = await freeUdpPort();
  const args = ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-nocert', '-psk', PSK_HEX,
    '-psk_identity', 'lwm2m-client', '-cipher', cipher, '-naccept', '1'];
  if (hint) args.push('-psk_hint', 'openssl-hint');
  const peer = spawnPeer('openssl', args);
  try {
    assert.ok(await waitFor(() => peer.out.includes('ACCEPT'), 5000), 'openssl s_server started');
    const run = await connect(port, 'lwm2m-client', PSK, { offerCid });
    try {
      assert.ok(await waitFor(() => run.session.state !== DtlsState.Handshaking, 8000), 'handshake ended');
      assert.is(run.session.state, DtlsState.Connected, `state (error ${run.session.error})`);
      assert.is(run.session.cipherSuite, suite);
      if (hint) assert.is(Buffer.from(run.session.pskHint.subarray(0, run.session.pskHintLen)).toString(), 'openssl-hint');
      else assert.is(run.session.pskHintLen, -1);
      run.send(Buffer.from('hello from lwm2m-mcu\n'));
      assert.ok(await waitFor(() => peer.out.includes('hello from lwm2m-mcu'), 5000), 'server received our data');
      peer.proc.stdin!.write('hello from openssl\n');
      assert.ok(await waitFor(() => run.received.length > 0, 5000), 'we received the server data');
      assert.is(Buffer.concat(run.received).toString(), 'hello from openssl\n');
      assert.is(run.session.droppedAuth, 0);
    } finally { await run.close(); }
  } finally { await killPeer(peer); }
}

test('openssl s_server: PSK-AES128-CCM8 with a hint, HelloVerifyRequest, data both ways', async () => {
  if (!have('openssl')) return;
  await opensslEcho('PSK-AES128-CCM8', CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, true);
});

test('openssl s_server: PSK-AES128-CCM8 without a hint; an offered connection_id is ignored by the server', async () => {
  if (!have('openssl')) return;
  await opensslEcho('PSK-AES128-CCM8', CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, false, true);
});

test('openssl s_server: PSK-AES128-CBC-SHA256', async () => {
  if (!have('openssl')) return;
  await opensslEcho('PSK-AES128-CBC-SHA256', CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256, true);
});

test('openssl s_server: a wrong key fails with FinishedTimeout (the server drops our Finished)', async () => {
  if (!have('openssl')) return;
  const port = await freeUdpPort();
  const peer = spawnPeer('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-nocert', '-psk', PSK_HEX,
    '-psk_identity', 'lwm2m-client', '-cipher', 'PSK-AES128-CCM8']);
  try {
    assert.ok(await waitFor(() => peer.out.includes('ACCEPT'), 5000));
    const wrong = PSK.slice(); wrong[0] ^= 0xff;
    const run = await connect(port, 'lwm2m-client', wrong, { speed: 20, maxRetx: 3 });
    try {
      assert.ok(await waitFor(() => run.session.state !== DtlsState.Handshaking, 8000));
      assert.is(run.session.state, DtlsState.Failed);
      const e = run.session.error;
      assert.ok(e === DtlsError.FinishedTimeout || e === DtlsError.AlertDecryptError || e === DtlsError.AlertBadRecordMac, `error ${e}`);
    } finally { await run.close(); }
  } finally { await killPeer(peer); }
});

test('openssl s_server: session resumption (abbreviated handshake) after close_notify', async () => {
  if (!have('openssl')) return;
  const port = await freeUdpPort();
  const peer = spawnPeer('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-nocert', '-psk', PSK_HEX,
    '-psk_identity', 'lwm2m-client', '-cipher', 'PSK-AES128-CCM8']);
  try {
    assert.ok(await waitFor(() => peer.out.includes('ACCEPT'), 5000));
    const first = await connect(port, 'lwm2m-client', PSK);
    const s = first.session;
    try {
      assert.ok(await waitFor(() => s.state !== DtlsState.Handshaking, 8000));
      assert.is(s.state, DtlsState.Connected);
      assert.not.ok(s.resumed);
      assert.ok(s.resumable);
    } finally { await first.close(); }
    const fullFlights = s.hsRecvDatagrams;
    // s_server goes back to accepting after the close_notify.
    assert.ok(await waitFor(() => peer.out.split('ACCEPT').length > 2 || /shutting down|DONE/i.test(peer.out), 5000));
    const second = await connect(port, 'lwm2m-client', PSK, { session: s, resume: true });
    try {
      assert.ok(await waitFor(() => s.state !== DtlsState.Handshaking, 8000));
      assert.is(s.state, DtlsState.Connected, `error ${s.error}`);
      assert.ok(s.resumed, 'abbreviated handshake');
      assert.ok(s.hsRecvDatagrams < fullFlights, `server datagrams ${s.hsRecvDatagrams} vs ${fullFlights} (one flight fewer)`);
      second.send(Buffer.from('resumed hello\n'));
      assert.ok(await waitFor(() => peer.out.includes('resumed hello'), 5000));
    } finally { await second.close(); }
  } finally { await killPeer(peer); }
});

async function coapServer(bin: string, hint: string | null, key = 'lwm2m-secret-key'): Promise<void> {
  const port = await freeUdpPort(2);
  const args = ['-A', '127.0.0.1', '-p', String(port), '-k', 'lwm2m-secret-key'];
  if (hint !== null) args.push('-h', hint);
  const peer = spawnPeer(bin, args);
  try {
    const psk = Uint8Array.from(Buffer.from(key));
    const run = await connect(port + 1, 'lwm2m-client', psk, key === 'lwm2m-secret-key' ? {} : { speed: 20, maxRetx: 3 });
    try {
      assert.ok(await waitFor(() => run.session.state !== DtlsState.Handshaking, 8000), 'handshake ended');
      if (key !== 'lwm2m-secret-key') {
        assert.is(run.session.state, DtlsState.Failed);
        const e = run.session.error;
        assert.ok(e === DtlsError.FinishedTimeout || e === DtlsError.AlertDecryptError || e === DtlsError.AlertBadRecordMac, `error ${e}`);
        return;
      }
      assert.is(run.session.state, DtlsState.Connected, `state (error ${run.session.error})`);
      assert.is(run.session.cipherSuite, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
      const expectHint = hint === null ? 'CoAP' : hint;
      if (expectHint === '') assert.ok(run.session.pskHintLen <= 0);
      else assert.is(Buffer.from(run.session.pskHint.subarray(0, run.session.pskHintLen)).toString(), expectHint);
      run.send(coapGet(0x1234, '.well-known', 'core'));
      assert.ok(await waitFor(() => run.received.length > 0, 5000), 'a CoAP response arrived');
      const r = run.received[0];
      assert.is(r[0] & 0xf0, 0x60, 'ACK'); // version 1, type ACK, TKL 0
      assert.is(r[1], 0x45, '2.05 Content');
      assert.is(r.readUInt16BE(2), 0x1234, 'message id echoed');
      assert.ok(r.toString('latin1').includes('</time>'), 'link-format payload');
    } finally { await run.close(); }
  } finally { await killPeer(peer); }
}

for (const bin of ['coap-server-openssl', 'coap-server-gnutls']) {
  test(`${bin}: default hint "CoAP", GET /.well-known/core over CCM_8`, async () => {
    if (!have(bin)) return;
    await coapServer(bin, null);
  });
  test(`${bin}: no hint (-h ""), GET /.well-known/core`, async () => {
    if (!have(bin)) return;
    await coapServer(bin, '');
  });
  test(`${bin}: a wrong key fails with a clear error`, async () => {
    if (!have(bin)) return;
    await coapServer(bin, 'CoAP', 'not-the-right-key');
  });
}

test.run();
