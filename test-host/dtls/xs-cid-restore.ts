// A deep-sleep restart with a Connection ID on the replayed DTLS connection (xs-replay.ts), under V8
// and XS (test-host/dtls/xs.test.ts). A module of its own: it brings src/client/persist.ts (and the
// client with it), which the Espruino crypto bundle of the same replay (test-host/espruino/
// crypto-bundle.ts) must not carry — its Storage file would outgrow the Linux build's 256 KB.
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';
import { exportConnection, importConnection } from '../../src/client/persist.js';
import { mix, rng, type Replay } from './xs-replay.js';

/** A deep-sleep restart with a Connection ID (src/client/persist.ts exportConnection/importConnection)
 *  on the replayed connection: its state written as the sleep state holds it (a 6-byte CID of the
 *  server's set on it: the recorded server grants none) and taken back into a new session. The new one
 *  seals, byte for byte, what the old one seals at the bound (the next number + 2^24), and drops a
 *  record the old one had already received (the replay window came along). A checksum of its records
 *  and results, or a negative number on failure. */
export function cidRestore(r: Replay): number {
  if (r.run() < 0) return -10;
  const a = r.client;
  for (let i = 0; i < 6; i++) a.peerCid[i] = 0xc0 + i;
  a.peerCidLen = 6;
  const d = new Float64Array(1), st = { d, d8: new Uint8Array(d.buffer) };
  const state = new Uint8Array(400);
  const n = exportConnection(st, a, state, 0);
  if (n <= 0) return -11;
  const b = new DtlsSession(1152, rng);
  if (!importConnection(st, b, state, 0, n)) return -12;
  if (b.state !== DtlsState.Connected || b.peerCidLen !== 6) return -13;
  (a as unknown as { sendSeq1: number }).sendSeq1 += 16777216;
  const out = r.out, other = new Uint8Array(1152);
  let sum = 0;
  for (let i = 0; i < 2; i++) {
    const m = b.seal(r.app, 0, r.app.length, out, 0), k = a.seal(r.app, 0, r.app.length, other, 0);
    if (m <= 0 || m !== k || out[0] !== 25) return -14;
    for (let j = 0; j < m; j++) if (out[j] !== other[j]) return -15;
    sum = mix(sum, out, m);
  }
  const old = r.apps[0];
  if (b.receive(old, 0, old.length, 0, r.plain, 0) >= 0) return -16; // a replay
  if (importConnection(st, b, state, 0, n - 1)) return -17; // a length that does not hold
  return sum >>> 0;
}
