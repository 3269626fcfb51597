// The Espruino benchmark bundle (bench/espruino.bench.ts): the XS suites' hot loops, plus the
// 64-byte CCM_8 record on Espruino's native AES-ECB (hal/espruino/aes.ts), which only Espruino has.
import '../xs/entry.js';
import { loop } from '../xs/harness.js';
import { AesCcm } from '../../src/crypto/ccm.js';
import { EspruinoAes128 } from '../../hal/espruino/aes.js';

const key = new Uint8Array(16);
for (let j = 0; j < 16; j++) key[j] = j;
const nonce = new Uint8Array(12), aad = new Uint8Array(13), rec = new Uint8Array(72);
nonce[11] = 1; aad[8] = 0x17; aad[9] = 3; aad[10] = 3; aad[12] = 0x40;

loop('crypto.ccm-record-native', (n: number): number => {
  const aes = new EspruinoAes128();
  aes.setKey(key, 0);
  const ccm = new AesCcm(aes);
  let s = 0;
  for (let i = 0; i < n; i++) {
    rec[0] = i & 0xff;
    if (ccm.seal(nonce, 0, 12, aad, 0, 13, rec, 0, 64, rec, 0, 8) !== 72) return -1;
    if (ccm.open(nonce, 0, 12, aad, 0, 13, rec, 0, 72, rec, 0, 8) !== 64) return -2;
    s = (s + rec[0] + rec[63]) | 0;
  }
  return s;
});
