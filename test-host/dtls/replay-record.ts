// Records the transcript test-host/dtls/xs-replay.ts replays (under V8, XS and Espruino): a full PSK
// handshake (HelloVerifyRequest, a hint) of the seeded client against the in-process server with a
// seeded random, then three application records from the server. Host side only (node:crypto).
import { TestDtlsServer } from './server.js';
import { IDENTITY, PSK_HEX, resetRng, rng, type TranscriptHex } from './xs-replay.js';
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';

export function recordTranscript(): TranscriptHex {
  let s = 99;
  const srnd = (n: number): Buffer => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; b[i] = s >>> 24; } return b; };
  const server = new TestDtlsServer({ psk: new Map([[IDENTITY, Buffer.from(PSK_HEX, 'hex')]]), hint: 'CoAP', cookie: true, random: srnd, resumption: false });
  resetRng();
  const c = new DtlsSession(1152, rng);
  const id = Buffer.from(IDENTITY), psk = Buffer.from(PSK_HEX, 'hex');
  c.start(id, id.length, psk, psk.length, 0, false);
  const out = new Uint8Array(1152), plain = new Uint8Array(1152);
  const serverDatagrams: string[] = [];
  for (let step = 0; step < 20 && c.state === DtlsState.Handshaking; step++) {
    let n;
    while ((n = c.transmit(out, 0)) > 0) server.receive(out.subarray(0, n), 0);
    for (const d of server.transmit()) { serverDatagrams.push(d.toString('hex')); c.receive(d, 0, d.length, 0, plain, 0); }
  }
  const appRecords = ['first', 'second record', 'third'].map((m) => server.appRecord(Buffer.from(m)).toString('hex'));
  return { serverDatagrams, appRecords };
}
