// A server-initiated bootstrap begun during the client's hold-off (/0/x/11), over real UDP: Debian's
// coap-client-notls (libcoap 4.3) writes from the bootstrap server's address while the hold-off
// runs; a socket on that address then listens past the hold-off for a Bootstrap-Request (none may
// come, issue 12 point 11), and coap-client-notls finishes the sequence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeHal } from '../../hal/node/hal.js';
import { Driver } from '../../hal/node/driver.js';
import { createBoardClient } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { Lwm2mServer } from '../../host/server.js';
import { freePort, run, sleep } from '../peers.js';
import { serverAccountTlv } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'lwm2m-holdoff-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('coap-client-notls writes during the 2 s hold-off: no Bootstrap-Request reaches the bootstrap server address; Finish, then registration', async () => {
  const bsPort = await freePort();
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const hal = await NodeHal.open({ address: '127.0.0.1', port: 0, logLevel: 0 });
  const board = createBoardClient({ endpoint: 'holdoff-node', seed: Uint8Array.of(7, 7, 1, 2), bootstrap: { uri: `coap://127.0.0.1:${bsPort}`, holdOff: 2 } });
  const c = board.client, events: number[] = [];
  const core = {
    receive: c.receive.bind(c), transmit: c.transmit.bind(c), get txPeer() { return c.txPeer; },
    poll: (now: number) => { const d = c.poll(now); for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) events.push(e); return d; },
  };
  const drv = new Driver(core, hal, 2048);
  c.start(hal.now()); drv.pump();
  const url = `coap://127.0.0.1:${hal.port}`;
  let sock: dgram.Socket | null = null;
  try {
    const acc = serverAccountTlv(1, 0, `coap://127.0.0.1:${server.port}`, 4, 60);
    writeFileSync(join(tmp, 'sec.tlv'), acc.sec);
    writeFileSync(join(tmp, 'srv.tlv'), acc.srv);
    const from = ['-p', String(bsPort), '-B', '5'];
    let r = await run('coap-client-notls', [...from, '-m', 'put', '-t', '11542', '-f', join(tmp, 'sec.tlv'), `${url}/0/1`]);
    assert.is(r.code, 0, r.stderr);
    r = await run('coap-client-notls', [...from, '-m', 'put', '-t', '11542', '-f', join(tmp, 'srv.tlv'), `${url}/1/0`]);
    assert.is(r.code, 0, r.stderr);
    // The bootstrap server's address, listening past the hold-off.
    const seen: Buffer[] = [];
    sock = dgram.createSocket('udp4');
    sock.on('message', (m) => seen.push(m));
    await new Promise<void>((res) => sock!.bind(bsPort, '127.0.0.1', () => res()));
    await sleep(3000);
    sock.close(); sock = null;
    assert.is(seen.length, 0, `${seen.length} datagrams (a Bootstrap-Request: ${seen.map((m) => m.toString('latin1')).join(' | ')})`);
    const registered = new Promise<void>((res) => server.once('registered', () => res()));
    r = await run('coap-client-notls', [...from, '-m', 'post', `${url}/bs`]);
    assert.is(r.code, 0, r.stderr);
    await Promise.race([registered, sleep(5000).then(() => { throw new Error('no registration after Finish'); })]);
    assert.ok(events.includes(Ev.BOOTSTRAP_FINISHED));
    assert.not.ok(events.includes(Ev.BOOTSTRAP_REQUEST_SENT), 'no Bootstrap-Request at all');
  } finally { if (sock) sock.close(); drv.stop(); hal.close(); await server.stop(); }
});

test.run();
