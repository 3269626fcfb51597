import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac, randomBytes } from 'node:crypto';
import { TlsPrf } from '../../src/crypto/prf.js';
import { hex, toHex, loadVectors } from '../vectors.js';

const V = loadVectors('tls12_prf_sha256.json').vectors as any[];
const E = new Uint8Array(0);
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'ascii'));

function pHash(secret: Buffer, seed: Buffer, len: number): Buffer {
  const parts: Buffer[] = [];
  let a = createHmac('sha256', secret).update(seed).digest();
  let n = 0;
  while (n < len) {
    const b = createHmac('sha256', secret).update(a).update(seed).digest();
    parts.push(b); n += b.length;
    a = createHmac('sha256', secret).update(a).digest();
  }
  return Buffer.concat(parts).subarray(0, len);
}

test('IETF TLS WG P_SHA256 vector (100 bytes)', () => {
  const v = V[0];
  const s = hex(v.secret), l = hex(v.labelHex), seed = hex(v.seed);
  const out = new Uint8Array(v.outputLength);
  new TlsPrf().prf(s, 0, s.length, l, 0, l.length, seed, 0, seed.length, E, 0, 0, out, 0, out.length);
  assert.is(toHex(out), v.output);
});

test('PSK key schedule (RFC 4279 §2, RFC 5246 §6.3, §8.1)', () => {
  const v = V[1];
  const psk = hex(v.psk);
  const pre = new Uint8Array(4 + 2 * psk.length);
  pre[1] = psk.length; pre[2 + psk.length + 1] = psk.length; pre.set(psk, 4 + psk.length);
  assert.is(toHex(pre), v.premasterSecret);
  const cr = hex(v.clientRandom), sr = hex(v.serverRandom);
  const prf = new TlsPrf();
  const ms = new Uint8Array(48);
  const l1 = ascii(v.masterSecretLabel);
  prf.prf(pre, 0, pre.length, l1, 0, l1.length, cr, 0, 32, sr, 0, 32, ms, 0, 48);
  assert.is(toHex(ms), v.masterSecret);
  const kb = new Uint8Array(40);
  const l2 = ascii(v.keyExpansionLabel);
  prf.prf(ms, 0, 48, l2, 0, l2.length, sr, 0, 32, cr, 0, 32, kb, 0, 40);
  assert.is(toHex(kb), v.keyBlock);
});

test('Finished verify_data (RFC 5246 §7.4.9)', () => {
  const v = V[2];
  const ms = hex(v.masterSecret), hh = hex(v.handshakeHash);
  const prf = new TlsPrf();
  const out = new Uint8Array(12);
  const l = ascii(v.label);
  prf.prf(ms, 0, ms.length, l, 0, l.length, hh, 0, 32, E, 0, 0, out, 0, 12);
  assert.is(toHex(out), v.verifyData);
  const l2 = ascii(v.serverFinishedLabel);
  prf.prf(ms, 0, ms.length, l2, 0, l2.length, hh, 0, 32, E, 0, 0, out, 0, 12);
  assert.is(toHex(out), v.serverVerifyData);
});

test('randomized against a node:crypto P_SHA256', () => {
  const prf = new TlsPrf();
  for (let it = 0; it < 100; it++) {
    const s = randomBytes(1 + (it % 80)), l = randomBytes(it % 20), a = randomBytes(it % 40), b = randomBytes(it % 17);
    const len = 1 + ((it * 7) % 130);
    const out = new Uint8Array(len);
    prf.prf(s, 0, s.length, l, 0, l.length, a, 0, a.length, b, 0, b.length, out, 0, len);
    assert.is(toHex(out), pHash(s, Buffer.concat([l, a, b]), len).toString('hex'));
  }
});

test.run();
