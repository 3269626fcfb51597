// Queue Mode compared with Anjay's client (issue 21), in real time on loopback: the same workload —
// the host LwM2M server over coaps:// PSK observes the Temperature (/3303/0/5700) with pmin = pmax =
// PERIOD s, the client is registered with b=UQ (lifetime 86,400 s) and sleeps between reports (queue
// time QUEUE s) — scaled down from the reference day (pmax 300 s) to REPORTS reports. Every datagram
// goes through a counting UDP relay between client and server. Rows: our CLI client with
// `--queue-dtls resume` and `cid` (the relay gives each client socket its own upstream port, so a new
// port at a wake reaches the server as a new address); Anjay's `demo` (binding UQ; its queue time is
// MAX_TRANSMIT_WAIT of its CoAP parameters, set with --ack-timeout/--max-retransmit to about QUEUE s)
// when $ANJAY_CLIENT names one built with a DTLS backend (neither fetched nor built here).
//
//   node build/bench/queue-anjay.bench.js            REPORTS=6 PERIOD=10 (about 1.5 min a row)
//   BENCH_SHORT=1 node build/bench/queue-anjay.bench.js   1 report after 6 s (asleep meanwhile)
import dgram from 'node:dgram';
import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Lwm2mServer } from '../host/server.js';
import { repoRoot } from '../test-host/vectors.js';

const SHORT = process.env.BENCH_SHORT === '1';
const REPORTS = Number(process.env.REPORTS ?? (SHORT ? 1 : 6));
const PERIOD = Number(process.env.PERIOD ?? (SHORT ? 6 : 10));
const QUEUE = 5;
const ID = 'queue-bench', KEY = '00112233445566778899aabbccddeeff';

interface Row { mode: string; sent: number; sentBytes: number; received: number; receivedBytes: number; full: number; abbreviated: number; reports: number; ports: number }

/** A UDP relay in front of `to` that counts what crosses it; one upstream socket per client address. */
async function relay(to: number): Promise<{ port: number; row: Omit<Row, 'mode' | 'full' | 'abbreviated' | 'reports'>; close: () => void }> {
  const row = { sent: 0, sentBytes: 0, received: 0, receivedBytes: 0, ports: 0 };
  const front = dgram.createSocket('udp4');
  const ups = new Map<string, dgram.Socket>();
  front.on('message', (m, r) => {
    row.sent++; row.sentBytes += m.length;
    const k = r.address + ':' + r.port;
    let u = ups.get(k);
    if (!u) {
      row.ports++;
      const s = dgram.createSocket('udp4');
      s.on('message', (a) => { row.received++; row.receivedBytes += a.length; front.send(a, r.port, r.address); });
      s.bind(0, '127.0.0.1');
      ups.set(k, s);
      u = s;
    }
    u.send(m, to, '127.0.0.1');
  });
  await new Promise<void>((res) => front.bind(0, '127.0.0.1', () => res()));
  return { port: front.address().port, row, close: () => { front.close(); for (const s of ups.values()) s.close(); } };
}

async function runOne(mode: string, start: (uri: string, ep: string) => ChildProcess): Promise<Row> {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk: { pskIdentity: ID, pskKey: KEY } });
  const r = await relay(server.port);
  const ep = 'qb-' + mode.replace(/\W+/g, '-');
  const child = start(`coaps://127.0.0.1:${r.port}`, ep);
  let out = '';
  child.stdout?.on('data', (d) => (out += d)); child.stderr?.on('data', (d) => (out += d));
  try {
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${mode}: not registered\n${out.slice(-3000)}`)), 30_000);
      server.once('registered', () => { clearTimeout(t); res(); });
    });
    let reports = 0;
    const done = new Promise<void>((res) => server.on('notification', () => { if (++reports >= REPORTS) res(); }));
    const wa = await server.writeAttributes(ep, '/3303/0/5700', { pmin: PERIOD, pmax: PERIOD });
    if (!wa.ok) throw new Error(`${mode}: write-attributes ${wa.code}`);
    const h = await server.observe(ep, '/3303/0/5700', undefined);
    if (!h.response.ok) throw new Error(`${mode}: observe ${h.response.code}`);
    const t0 = { ...r.row };
    const f0 = server.dtls!.handshakes, a0 = server.dtls!.resumptions;
    await Promise.race([done, new Promise((res) => setTimeout(res, (REPORTS + 3) * PERIOD * 1000))]);
    return {
      mode, sent: r.row.sent - t0.sent, sentBytes: r.row.sentBytes - t0.sentBytes, received: r.row.received - t0.received,
      receivedBytes: r.row.receivedBytes - t0.receivedBytes, full: server.dtls!.handshakes - f0, abbreviated: server.dtls!.resumptions - a0,
      reports, ports: r.row.ports,
    };
  } finally {
    child.kill('SIGKILL');
    r.close();
    await server.stop();
  }
}

const cli = join(repoRoot(), 'build', 'host', 'cli.js');
const ours = (dtls: string) => (uri: string, ep: string) => spawn(process.execPath, [cli, 'client', '--endpoint', ep, '--server', uri,
  '--address', '127.0.0.1', '--psk-identity', ID, '--psk-key', KEY, '--queue-mode', '--queue-time', String(QUEUE), '--queue-dtls', dtls]);

const rows: Row[] = [];
for (const d of ['resume', 'cid']) rows.push(await runOne(`lwm2m-mcu, --queue-dtls ${d}`, ours(d)));
const anjay = process.env.ANJAY_CLIENT;
if (anjay) {
  // MAX_TRANSMIT_WAIT = ACK_TIMEOUT × (2^(MAX_RETRANSMIT + 1) − 1) × ACK_RANDOM_FACTOR = 1 × 3 × 5/3 = 5 s
  // (Anjay refuses an ACK_TIMEOUT under 1 s).
  const args = (uri: string, ep: string) => ['-e', ep, '-u', uri, '-s', 'psk', '-i', Buffer.from(ID).toString('hex'), '-k', KEY,
    '-q', 'UQ', '-l', '86400', '--ack-timeout', '1', '--max-retransmit', '1', '--ack-random-factor', '1.6667'];
  rows.push(await runOne('Anjay demo (binding UQ)', (uri, ep) => spawn(anjay, args(uri, ep))));
  // Its --use-connection-id needs a DTLS backend with RFC 9146 (mbed TLS 3.x): ANJAY_CID=1 adds the row.
  if (process.env.ANJAY_CID === '1') rows.push(await runOne('Anjay demo (binding UQ, --use-connection-id)', (uri, ep) => spawn(anjay, [...args(uri, ep), '--use-connection-id'])));
}
console.log(`Queue Mode, ${REPORTS} reports every ${PERIOD} s, queue time ≈ ${QUEUE} s, coaps:// PSK, after the Observe (real time, loopback):\n`);
console.log('| client | datagrams out / in | bytes out / in | bytes per report | handshakes full / abbr. | reports | client ports seen |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.mode} | ${r.sent} / ${r.received} | ${r.sentBytes.toLocaleString('en')} / ${r.receivedBytes.toLocaleString('en')} | ${Math.round((r.sentBytes + r.receivedBytes) / Math.max(1, r.reports))} | ${r.full} / ${r.abbreviated} | ${r.reports} | ${r.ports} |`);
if (!anjay) console.log('\n(Anjay: set ANJAY_CLIENT to its demo binary, built with a DTLS backend.)');
