import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256 } from '../../src/crypto/hmac.js';
import { hex, toHex, loadVectors } from '../vectors.js';

const V = loadVectors('hmac_sha256.json').vectors as any[];
const out = new Uint8Array(32);

for (const v of V) {
  test(`vector: ${v.name}`, () => {
    const k = hex(v.key), d = hex(v.data);
    new HmacSha256().setKey(k, 0, k.length).update(d, 0, d.length).final(out, 0);
    assert.is(toHex(out), v.hmacSha256);
    if (v.truncatedTo128Bits) assert.is(toHex(out, 0, 16), v.truncatedTo128Bits);
  });
}

test('randomized against node:crypto createHmac (key lengths 0..150, reuse of the key)', () => {
  const h = new HmacSha256();
  for (let it = 0; it < 300; it++) {
    const key = randomBytes(it % 151), d1 = randomBytes(it * 2), d2 = randomBytes(it % 33);
    h.setKey(key, 0, key.length).update(d1, 0, d1.length).final(out, 0);
    assert.is(toHex(out), createHmac('sha256', key).update(d1).digest('hex'));
    h.update(d2, 0, d2.length).final(out, 0);
    assert.is(toHex(out), createHmac('sha256', key).update(d2).digest('hex'));
  }
});

test.run();
