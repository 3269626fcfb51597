import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Aes128, AES_SBOX, AES_INV_SBOX, AES_TE0, AES_TD0 } from '../../src/crypto/aes.js';
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

// FIPS 197 Figure 7 (the S-box, row by row).
const FIPS197_SBOX =
  '637c777bf26b6fc53001672bfed7ab76ca82c97dfa5947f0add4a2af9ca472c0b7fd9326363ff7cc34a5e5f171d8311504c723c31896059a071280e2eb27b275' +
  '09832c1a1b6e5aa0523bd6b329e32f8453d100ed20fcb15b6acbbe394a4c58cfd0efaafb434d338545f9027f503c9fa851a3408f929d38f5bcb6da2110fff3d2' +
  'cd0c13ec5f974417c4a77e3d645d197360814fdc222a908846eeb814de5e0bdbe0323a0a4906245cc2d3ac629195e479e7c8376d8dd54ea96c56f4ea657aae08' +
  'ba78252e1ca6b4c6e8dd741f4bbd8b8a703eb5664803f60e613557b986c11d9ee1f8981169d98e949b1e87e9ce5528df8ca1890dbfe6426841992d0fb054bb16';

/** GF(2^8) multiplication by shift-and-add (the definition, FIPS 197 §4.2), for the reference tables. */
function gmul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if ((b & 1) !== 0) p ^= a;
    a = ((a << 1) ^ ((a & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
    b >>= 1;
  }
  return p;
}

test('the tables built from log/antilog tables are FIPS 197\'s: the S-box (Figure 7), its inverse, and the round tables from the definition', () => {
  assert.is(toHex(AES_SBOX), FIPS197_SBOX);
  for (let x = 0; x < 256; x++) {
    assert.is(AES_INV_SBOX[AES_SBOX[x]], x, 'InvSubBytes undoes SubBytes at ' + x);
    const s = AES_SBOX[x], si = AES_INV_SBOX[x];
    // Each S-box entry is the affine map of the inverse found by trial (the construction it replaced).
    let inv = 0;
    if (x !== 0) for (let y = 1; y < 256; y++) if (gmul(x, y) === 1) { inv = y; break; }
    let a = inv, r = inv;
    for (let i = 0; i < 4; i++) { r = ((r << 1) | (r >>> 7)) & 0xff; a ^= r; }
    assert.is(s, a ^ 0x63, 'S-box at ' + x);
    assert.is(AES_TE0[x], (gmul(s, 2) << 24) | (s << 16) | (s << 8) | gmul(s, 3), 'TE0 at ' + x);
    assert.is(AES_TD0[x], (gmul(si, 14) << 24) | (gmul(si, 9) << 16) | (gmul(si, 13) << 8) | gmul(si, 11), 'TD0 at ' + x);
  }
});

test.run();
