// Espruino's native crypto as the DTLS client uses it (hal/espruino/aes.ts), under the 16,383-variable
// build with the code in Storage, as on a device ($ESPRUINO_ESP32; else $ESPRUINO; skipped without
// either): test-host/espruino/crypto-entry.ts's tests — the AES wrapper seals and opens CCM records
// constructing no typed array with memory flat, and the replayed DTLS client handshake on Espruino's
// AES and SHA-256 gives V8's bytes and loses no variable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ESPRUINO, ESPRUINO_ESP32, runEspruino, storeScripts, suiteRunner, tagged } from './espruino.js';
import { buildCryptoBundle } from './crypto-bundle.js';

const BIN = ESPRUINO_ESP32 || ESPRUINO;
const NAMES = [
  'EspruinoAes128: 50 CCM records sealed and opened construct no typed array; memory flat',
  'the replayed DTLS client handshake on Espruino\'s AES and SHA-256: V8\'s bytes, nothing lost over 3 runs',
];

if (!BIN) {
  for (const n of NAMES) test.skip(`espruino crypto: ${n}`, () => {});
} else {
  const b = await buildCryptoBundle(suiteRunner());
  const run = await runEspruino(BIN, [...storeScripts('crypto.js', b.code), ['boot.js', 'eval(require("Storage").read("crypto.js"));']], { timeoutMs: 120_000 });
  const results = new Map(tagged(run.out, 'test').map((l) => { const [n, ok, err] = JSON.parse(l); return [n as string, { ok: ok as boolean, err: err as string }]; }));
  for (const n of NAMES) {
    test(`espruino crypto: ${n}`, () => {
      const r = results.get(n);
      if (!r) return assert.unreachable('not run under Espruino; output:\n' + run.out.replace(/ {20,}/g, ' ').slice(-3000));
      if (!r.ok) assert.unreachable(r.err);
    });
  }
}

test.run();
