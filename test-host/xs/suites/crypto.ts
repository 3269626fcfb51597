// src/crypto under XS: SHA-256 (FIPS 180-2), HMAC-SHA256 (RFC 4231), the TLS 1.2 PRF (the IETF
// TLS-WG P_SHA256 vector), AES-128-CCM (RFC 3610, Wycheproof, DTLS records), from
// test-host/vectors; and a DTLS-record-sized seal/open loop for the heap and compute meters.
import { Sha256 } from '../../../src/crypto/sha256.js';
import { HmacSha256 } from '../../../src/crypto/hmac.js';
import { TlsPrf } from '../../../src/crypto/prf.js';
import { Aes128 } from '../../../src/crypto/aes.js';
import { AesCcm } from '../../../src/crypto/ccm.js';
import { test, loop, is, bytes, hex, toHex, vectors } from '../harness.js';

const out = new Uint8Array(64);

for (const v of vectors('sha256.json').vectors) {
  test('sha256: ' + v.name, () => {
    const h = new Sha256();
    if (v.messageRepeat) {
      const unit = hex(v.messageRepeat.byteHex);
      const chunk = new Uint8Array(1000 * unit.length);
      for (let i = 0; i < chunk.length; i++) chunk[i] = unit[i % unit.length];
      for (let i = 0; i < v.messageRepeat.count / 1000; i++) h.update(chunk, 0, chunk.length);
    } else {
      const m = hex(v.messageHex);
      h.update(m, 0, m.length);
    }
    h.final(out, 0);
    bytes(out, 0, 32, v.sha256);
  });
}

for (const v of vectors('hmac_sha256.json').vectors) {
  test('hmac-sha256: ' + v.name, () => {
    const k = hex(v.key), d = hex(v.data);
    new HmacSha256().setKey(k, 0, k.length).update(d, 0, d.length).final(out, 0);
    bytes(out, 0, 32, v.hmacSha256);
  });
}

test('tls12 prf: ' + vectors('tls12_prf_sha256.json').vectors[0].name, () => {
  const v = vectors('tls12_prf_sha256.json').vectors[0];
  const s = hex(v.secret), l = hex(v.labelHex), seed = hex(v.seed), e = new Uint8Array(0);
  const o = new Uint8Array(v.outputLength);
  new TlsPrf().prf(s, 0, s.length, l, 0, l.length, seed, 0, seed.length, e, 0, 0, o, 0, o.length);
  is(toHex(o), v.output);
});

for (const v of vectors('aes128_ccm.json').vectors) {
  test('aes-128-ccm: ' + v.name, () => {
    const aes = new Aes128();
    aes.setKey(hex(v.key), 0);
    const ccm = new AesCcm(aes);
    const n = hex(v.nonce), a = hex(v.aad), p = hex(v.plaintext);
    const sealed = new Uint8Array(p.length + v.tagLength);
    is(ccm.seal(n, 0, n.length, a, 0, a.length, p, 0, p.length, sealed, 0, v.tagLength), p.length + v.tagLength, 'seal');
    const want = v.ciphertext + v.tag;
    if (v.valid) bytes(sealed, 0, sealed.length, want);
    else is(toHex(sealed) === want, false, 'tampered vector must differ');
    const ct = hex(want);
    const opened = new Uint8Array(p.length);
    const r = ccm.open(n, 0, n.length, a, 0, a.length, ct, 0, ct.length, opened, 0, v.tagLength);
    if (v.valid) { is(r, p.length, 'open'); bytes(opened, 0, opened.length, v.plaintext); }
    else is(r, -1, 'open of a tampered record');
  });
}

// ---- hot loop: seal and open one 64-byte DTLS 1.2 CCM_8 record (RFC 6655), same buffers. ----
const aesL = new Aes128();
aesL.setKey(hex('000102030405060708090a0b0c0d0e0f'), 0);
const ccmL = new AesCcm(aesL);
const nonceL = hex('010203040000000000000001');
const aadL = hex('00000000000000011703030040');
const recL = new Uint8Array(64 + 8);

loop('crypto.ccm-record', (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) {
    recL[0] = i & 0xff;
    if (ccmL.seal(nonceL, 0, 12, aadL, 0, 13, recL, 0, 64, recL, 0, 8) !== 72) return -1;
    if (ccmL.open(nonceL, 0, 12, aadL, 0, 13, recL, 0, 72, recL, 0, 8) !== 64) return -2;
    s = (s + recL[0] + recL[63]) | 0;
  }
  return s;
});
