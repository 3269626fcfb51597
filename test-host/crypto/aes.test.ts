import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Aes128 } from '../../src/crypto/aes.js';
import { hex, toHex } from '../vectors.js';

test('FIPS 197 Appendix C.1 AES-128 encrypt and decrypt', () => {
  const aes = new Aes128();
  aes.setKey(hex('000102030405060708090a0b0c0d0e0f'), 0);
  const out = new Uint8Array(16);
  aes.encryptBlock(hex('00112233445566778899aabbccddeeff'), 0, out, 0);
  assert.is(toHex(out), '69c4e0d86a7b0430d8cdb78070b4c55a');
  aes.decryptBlock(out, 0, out, 0);
  assert.is(toHex(out), '00112233445566778899aabbccddeeff');
});

test('randomized against node:crypto aes-128-ecb (offsets, in place)', () => {
  const aes = new Aes128();
  for (let n = 0; n < 300; n++) {
    const key = randomBytes(16), blk = randomBytes(16);
    const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    const want = Buffer.concat([c.update(blk), c.final()]);
    const kb = new Uint8Array(20); kb.set(key, 3);
    aes.setKey(kb, 3);
    const buf = new Uint8Array(40); buf.set(blk, 7);
    aes.encryptBlock(buf, 7, buf, 7);
    assert.is(toHex(buf, 7, 16), want.toString('hex'));
    aes.decryptBlock(buf, 7, buf, 20);
    assert.is(toHex(buf, 20, 16), blk.toString('hex'));
  }
});

test.run();
