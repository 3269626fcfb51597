// hal/espruino/aes.ts under Node (CI, no Espruino): require('crypto') is a stand-in with Espruino's
// API backed by node:crypto (AES.encrypt/decrypt in ECB mode and SHA256 returning new byte arrays,
// as Espruino's do). EspruinoAes128 gives the portable AES's bytes at any offset, in place, with
// more (array, offset) pairs than it keeps views for, and constructs no typed array per block once
// it has seen its callers' pairs (the per-block copy loops and `new Uint8Array(result)` it had cost
// 15× the native call under Espruino); EspruinoSha256 is SHA-256. Under Espruino the same properties
// are measured by test-host/espruino/crypto.test.ts and bench/espruino.bench.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Aes128 } from '../../src/crypto/aes.js';
import { AesCcm } from '../../src/crypto/ccm.js';

const U8 = Uint8Array;
const bytes = (b: Buffer): Uint8Array => new U8(b.buffer, b.byteOffset, b.length);
const stand = {
  AES: {
    encrypt: (d: Uint8Array, k: Uint8Array, o: { mode: string }) => { assert.is(o.mode, 'ECB'); assert.is(d.length, 16); return bytes(createCipheriv('aes-128-ecb', k, null).setAutoPadding(false).update(d)); },
    decrypt: (d: Uint8Array, k: Uint8Array, o: { mode: string }) => { assert.is(o.mode, 'ECB'); assert.is(d.length, 16); return bytes(createDecipheriv('aes-128-ecb', k, null).setAutoPadding(false).update(d)); },
  },
  SHA256: (m: Uint8Array) => bytes(createHash('sha256').update(m).digest()),
};
(globalThis as unknown as { require: (n: string) => unknown }).require = (n: string) => { assert.is(n, 'crypto'); return stand; };
// E.getAddressOf(v): the variable's address (here a number per object).
const ids = new WeakMap<object, number>();
let nextId = 1;
(globalThis as unknown as { E: unknown }).E = { getAddressOf: (v: object, flat?: boolean) => { assert.ok(!flat); if (!ids.has(v)) ids.set(v, nextId++); return ids.get(v); } };
const { EspruinoAes128, EspruinoSha256 } = await import('../../hal/espruino/aes.js');

/** Runs f with the global Uint8Array counting its constructions (the stand-in's results excepted:
 *  it holds the real constructor). */
function countU8(f: () => void): number {
  let n = 0;
  const G = globalThis as unknown as { Uint8Array: typeof Uint8Array };
  G.Uint8Array = class extends U8 { constructor(...a: any[]) { super(...(a as [number])); n++; } } as typeof Uint8Array;
  try { f(); } finally { G.Uint8Array = U8; }
  return n;
}

test('EspruinoAes128: the portable AES\'s blocks at any offset, in place, encrypt and decrypt, past its kept views', () => {
  const e = new EspruinoAes128(), p = new Aes128();
  for (let it = 0; it < 50; it++) {
    const key = new U8(randomBytes(20));
    e.setKey(key, 3); p.setKey(key, 3);
    const src = new U8(randomBytes(96)), a = new U8(96), b = new U8(96);
    for (let o = 0; o + 16 <= 96; o += 8) { // 11 offsets: more than the 4 views it keeps
      const w = 80 - o;
      e.encryptBlock(src, o, a, w); p.encryptBlock(src, o, b, w);
      assert.equal(a.subarray(w, w + 16), b.subarray(w, w + 16));
      e.decryptBlock(a, w, a, w);
      assert.equal(a.subarray(w, w + 16), src.subarray(o, o + 16));
    }
    const c = new U8(randomBytes(32)), d = c.slice();
    e.encryptBlock(c, 16, c, 16); p.encryptBlock(d, 16, d, 16);
    assert.equal(c, d, 'in place');
  }
});

test('EspruinoAes128: no typed array made per block once its callers\' (array, offset) pairs are known: a CCM record seals and opens allocating nothing', () => {
  const e = new EspruinoAes128();
  e.setKey(new U8(16), 0);
  const ccm = new AesCcm(e), ref = new AesCcm(new Aes128());
  (ref.cipher as Aes128).setKey(new U8(16), 0);
  const nonce = new U8(12), aad = new U8(13), rec = new U8(72), want = new U8(72);
  ccm.seal(nonce, 0, 12, aad, 0, 13, rec, 0, 64, rec, 0, 8); // first use: its views are made
  rec.fill(0);
  const made = countU8(() => {
    for (let i = 0; i < 20; i++) {
      rec[0] = i;
      assert.is(ccm.seal(nonce, 0, 12, aad, 0, 13, rec, 0, 64, rec, 0, 8), 72);
      want.fill(0); want[0] = i;
      ref.seal(nonce, 0, 12, aad, 0, 13, want, 0, 64, want, 0, 8);
      assert.equal(rec, want);
      assert.is(ccm.open(nonce, 0, 12, aad, 0, 13, rec, 0, 72, rec, 0, 8), 64);
    }
  });
  assert.is(made, 0, 'typed arrays constructed over 20 records (40 CCM passes)');
});

test('EspruinoSha256: SHA-256 of data[off…off+len] into out[outOff…], the result in the input\'s own array', () => {
  const h = new EspruinoSha256();
  for (let it = 0; it < 50; it++) {
    const d = new U8(randomBytes(200)), off = it, len = it * 3;
    const out = new U8(40);
    h.hash(d, off, len, out, 5);
    assert.is(Buffer.from(out.subarray(5, 37)).toString('hex'), createHash('sha256').update(d.subarray(off, off + len)).digest('hex'));
    h.hash(d, 0, 64, d, 0);
    assert.ok(d.length === 200);
  }
});

test.run();
