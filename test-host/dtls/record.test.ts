import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Aes128 } from '../../src/crypto/aes.js';
import { CipherState, KeyTag } from '../../src/dtls/record.js';
import { hex, toHex, loadVectors } from '../vectors.js';

const CCM8 = 0xc0a8, CBC = 0x00ae;
const V = (loadVectors('aes128_ccm.json').vectors as any[]).filter((v) => v.dtls);
const NOCID = new Uint8Array(0);
const rand = (b: Uint8Array, o: number, l: number) => { b.set(randomBytes(l), o); };

function ccmState(key: Uint8Array, salt: Uint8Array, client: boolean): CipherState {
  const kb = new Uint8Array(40);
  kb.set(key, client ? 0 : 16); kb.set(salt, client ? 32 : 36);
  const cs = new CipherState(new Aes128(), new KeyTag(), 1);
  cs.install(CCM8, kb, 0, client);
  return cs;
}

for (const v of V) {
  test(`CCM_8 record: ${v.name} (RFC 6655 §3)`, () => {
    const cs = ccmState(hex(v.key), hex(v.dtls.clientWriteIV_salt), true);
    const p = hex(v.plaintext);
    const out = new Uint8Array(100);
    const n = cs.protect(v.dtls.contentType, v.dtls.epoch, v.dtls.sequenceNumber, p, 0, p.length, out, 0, rand, NOCID, 0);
    assert.is(toHex(out, 0, n), v.dtls.recordHex);
    const back = new Uint8Array(100);
    assert.is(cs.unprotect(v.dtls.contentType, v.dtls.epoch, v.dtls.sequenceNumber, out, 13, n - 13, back, 0), p.length);
    assert.is(toHex(back, 0, p.length), v.plaintext);
    out[n - 1] ^= 1;
    assert.is(cs.unprotect(v.dtls.contentType, v.dtls.epoch, v.dtls.sequenceNumber, out, 13, n - 13, back, 0), -1);
    // The plaintext already in the output array: where the record's plaintext goes (21: header and
    // explicit nonce before it), after it (sealed straight from there), or overlapping before it (copied first).
    for (const at of [21, 40, 16]) {
      const io = new Uint8Array(120);
      io.set(p, at);
      assert.is(cs.protect(v.dtls.contentType, v.dtls.epoch, v.dtls.sequenceNumber, io, at, p.length, io, 0, rand, NOCID, 0), n);
      assert.is(toHex(io, 0, n), v.dtls.recordHex, `plaintext at ${at} of the output array`);
    }
  });
}

test('CBC_SHA256 records against node:crypto (MAC-then-encrypt, explicit IV, RFC 5246 §6.2.3.2)', () => {
  const kb = randomBytes(128);
  const w = new CipherState(new Aes128(), new KeyTag(), 1);
  w.install(CBC, kb, 0, true);
  const r = new CipherState(new Aes128(), new KeyTag(), 2);
  r.install(CBC, kb, 0, true); // same direction's keys: what the peer uses to read us
  const macKey = kb.subarray(0, 32), encKey = kb.subarray(64, 80);
  for (let len = 0; len < 70; len++) {
    const p = randomBytes(len);
    const out = new Uint8Array(200);
    const n = w.protect(23, 1, len + 5, p, 0, len, out, 0, rand, NOCID, 0);
    assert.is(((out[11] << 8) | out[12]), n - 13);
    // Decrypt with node:crypto.
    const iv = out.subarray(13, 29);
    const d = createDecipheriv('aes-128-cbc', encKey, iv).setAutoPadding(false);
    const plain = Buffer.concat([d.update(out.subarray(29, n)), d.final()]);
    const pad = plain[plain.length - 1];
    const body = plain.subarray(0, plain.length - pad - 1 - 32);
    assert.is(body.toString('hex'), p.toString('hex'));
    const hdr = Buffer.from([0, 1, 0, 0, 0, 0, 0, len + 5, 23, 0xfe, 0xfd, len >> 8, len & 255]);
    assert.is(plain.subarray(len, len + 32).toString('hex'), createHmac('sha256', macKey).update(hdr).update(p).digest('hex'));
    // And our reader opens it; a flipped bit fails.
    const back = new Uint8Array(200);
    assert.is(r.unprotect(23, 1, len + 5, out, 13, n - 13, back, 0), len);
    assert.is(toHex(back, 0, len), p.toString('hex'));
    out[20] ^= 4;
    assert.is(r.unprotect(23, 1, len + 5, out, 13, n - 13, back, 0), -1);
  }
  // A record node:crypto built opens with our reader.
  const p = Buffer.from('node-made');
  const hdr = Buffer.from([0, 1, 0, 0, 0, 0, 0, 9, 23, 0xfe, 0xfd, 0, p.length]);
  const mac = createHmac('sha256', macKey).update(hdr).update(p).digest();
  const padLen = 16 - ((p.length + 32 + 1) % 16);
  const plain = Buffer.concat([p, mac, Buffer.alloc(padLen + 1, padLen)]);
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', encKey, iv).setAutoPadding(false);
  const frag = Buffer.concat([iv, c.update(plain), c.final()]);
  const back = new Uint8Array(200);
  assert.is(r.unprotect(23, 1, 9, frag, 0, frag.length, back, 0), p.length);
  assert.is(Buffer.from(back.subarray(0, p.length)).toString(), 'node-made');
});

test('one provider shared by both directions is re-keyed as the direction changes', () => {
  const aes = new Aes128();
  const tag = new KeyTag();
  const kb = randomBytes(40);
  const w = new CipherState(aes, tag, 1); w.install(CCM8, kb, 0, true);
  const r = new CipherState(aes, tag, 2); r.install(CCM8, kb, 0, false);
  const peerW = ccmState(kb.subarray(16, 32), kb.subarray(36, 40), false); // the server's write = our read
  const out = new Uint8Array(64), back = new Uint8Array(64), p = Buffer.from('abc');
  for (let i = 0; i < 3; i++) {
    const n = peerW.protect(23, 1, i, p, 0, 3, out, 0, rand, NOCID, 0);
    assert.is(r.unprotect(23, 1, i, out, 13, n - 13, back, 0), 3);
    const m = w.protect(23, 1, i, p, 0, 3, out, 0, rand, NOCID, 0);
    assert.ok(m > 0);
  }
});

test.run();
