import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Aes128 } from '../../src/crypto/aes.js';
import { AesCcm } from '../../src/crypto/ccm.js';
import { hex, toHex, loadVectors } from '../vectors.js';

const V = loadVectors('aes128_ccm.json').vectors as any[];

for (const v of V) {
  test(`vector: ${v.name}`, () => {
    const aes = new Aes128();
    aes.setKey(hex(v.key), 0);
    const ccm = new AesCcm(aes);
    const n = hex(v.nonce), a = hex(v.aad), p = hex(v.plaintext), c = hex(v.ciphertext), t = hex(v.tag);
    assert.is(n.length, v.nonceLength);
    const sealed = new Uint8Array(p.length + v.tagLength);
    const r = ccm.seal(n, 0, n.length, a, 0, a.length, p, 0, p.length, sealed, 0, v.tagLength);
    assert.is(r, p.length + v.tagLength);
    const ct = new Uint8Array(c.length + t.length); ct.set(c); ct.set(t, c.length);
    if (v.valid) assert.is(toHex(sealed), toHex(ct));
    else assert.is.not(toHex(sealed), toHex(ct));
    const opened = new Uint8Array(p.length);
    const o = ccm.open(n, 0, n.length, a, 0, a.length, ct, 0, ct.length, opened, 0, v.tagLength);
    if (v.valid) { assert.is(o, p.length); assert.is(toHex(opened), v.plaintext); }
    else assert.is(o, -1);
    if (v.rfcResult) assert.is(v.aad + toHex(sealed), v.rfcResult);
    if (v.dtls) {
      // The record layout (RFC 6655 §3): header || explicit nonce || ciphertext || tag.
      assert.is(v.dtls.explicitNonce + toHex(sealed), v.dtls.fragment);
    }
  });
}

test('randomized against node:crypto aes-128-ccm, tags 8 and 16, in place and offset', () => {
  const aes = new Aes128();
  const ccm = new AesCcm(aes);
  for (let it = 0; it < 400; it++) {
    const tagLen = it & 1 ? 16 : 8;
    const nLen = 7 + (it % 7); // 7..13
    const key = randomBytes(16), nonce = randomBytes(nLen);
    const aad = randomBytes(it % 40), pt = randomBytes(1 + ((it * 7) % 200)); // node:crypto refuses an empty CCM message
    const c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLen });
    if (aad.length) c.setAAD(aad, { plaintextLength: pt.length });
    else c.setAAD(Buffer.alloc(0), { plaintextLength: pt.length });
    const want = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
    aes.setKey(key, 0);
    const buf = new Uint8Array(pt.length + tagLen + 5); buf.set(pt, 5);
    assert.is(ccm.seal(nonce, 0, nLen, aad, 0, aad.length, buf, 5, pt.length, buf, 5, tagLen), pt.length + tagLen);
    assert.is(toHex(buf, 5), want);
    assert.is(ccm.open(nonce, 0, nLen, aad, 0, aad.length, buf, 5, pt.length + tagLen, buf, 5, tagLen), pt.length);
    assert.is(toHex(buf, 5, pt.length), pt.toString('hex'));
    // Flip a bit anywhere: authentication fails.
    const sealed = Buffer.from(want, 'hex');
    sealed[it % sealed.length] ^= 1 << (it & 7);
    const out = new Uint8Array(sealed.length);
    assert.is(ccm.open(nonce, 0, nLen, aad, 0, aad.length, sealed, 0, sealed.length, out, 0, tagLen), -1);
  }
});

test.run();
