// The host server's RFC 9146 Connection IDs (host/server.ts DtlsPskLayer) with a third-party client:
// Anjay's `demo` built with mbed TLS 3.x (whose RFC 9146 support its --use-connection-id turns on), in
// Queue Mode (binding UQ; queue time MAX_TRANSMIT_WAIT of --ack-timeout 1 --max-retransmit 1, 4.5 s).
// Its Updates after each wake go in tls12_cid records inside the first session: one full handshake,
// no resumption. Runs when $ANJAY_CID_CLIENT names such a binary (neither fetched nor built here),
// skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { Lwm2mServer } from '../../host/server.js';

const BIN = process.env.ANJAY_CID_CLIENT ?? '';
const KEY = '00112233445566778899aabbccddeeff';

function waitFor(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const iv = setInterval(() => { if (cond()) { clearInterval(iv); clearTimeout(t); resolve(); } }, 50);
    const t = setTimeout(() => { clearInterval(iv); reject(new Error('timed out: ' + what())); }, ms);
  });
}

const t = BIN ? test : test.skip;

t('Anjay (mbed TLS, --use-connection-id) in Queue Mode: granted a CID, its Updates after each sleep go with no handshake', async () => {
  const log: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => log.push(l), psk: { pskIdentity: 'anjay-cid', pskKey: KEY } });
  let updated = 0;
  server.on('updated', () => updated++);
  // Its console reads stdin: a pipe kept open (at end of input the demo quits).
  const a = spawn(BIN, ['-e', 'anjay-cid', '-u', `coaps://127.0.0.1:${server.port}`, '-s', 'psk', '-i', Buffer.from('anjay-cid').toString('hex'), '-k', KEY,
    '-q', 'UQ', '-l', '15', '--ack-timeout', '1', '--max-retransmit', '1', '--use-connection-id'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  a.stdout.on('data', (d) => (out += d)); a.stderr.on('data', (d) => (out += d));
  const all = () => log.join('\n') + '\n--- anjay (tail) ---\n' + out.slice(-4000);
  try {
    await waitFor(() => server.registrations.has('anjay-cid'), 20_000, all);
    assert.ok(server.registrations.get('anjay-cid')!.queueMode, 'registered with Q');
    await waitFor(() => updated >= 2, 40_000, all);
    const d = server.dtls!;
    assert.is(d.handshakes, 1, 'one full handshake: ' + all());
    assert.is(d.resumptions, 0);
    assert.ok(d.cidRecords >= 2, `${d.cidRecords} records with a CID`);
  } finally {
    a.kill('SIGKILL');
    await server.stop();
  }
});

test.run();
