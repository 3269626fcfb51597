// The XS bundle entry for test-host/dtls/xs.test.ts: the replayed DTLS client handshake (xs-replay.ts)
// as a test, a scenario (its checksum) and a hot loop for the heap meter. The transcript is injected
// by the host as globalThis.__dtlsTranscript before this bundle runs.
import { install, loop, scenario, test, ok } from '../xs/harness.js';
import { Replay, type TranscriptHex } from './xs-replay.js';
import { cidRestore } from './xs-cid-restore.js';

const t = (globalThis as unknown as { __dtlsTranscript: TranscriptHex }).__dtlsTranscript;
const replay = new Replay(t);

test('dtls: a replayed full handshake (HelloVerifyRequest, hint) connects and opens/seals records', () => {
  const r = replay.run();
  ok(r >= 0, 'replay failed with ' + r);
});

scenario('dtls.checksum', () => replay.run());

test('dtls: a connection with a CID written and taken back (deep-sleep restart) seals as the old one at its bound, drops a replay', () => {
  const r = cidRestore(new Replay(t));
  ok(r >= 0, 'cidRestore failed with ' + r);
});

scenario('dtls.cid-restore', () => cidRestore(new Replay(t)));

loop('dtls.handshake', (n: number): number => {
  let r = 0;
  for (let i = 0; i < n; i++) { r = replay.run(); if (r < 0) return r; }
  return r;
});

install();
