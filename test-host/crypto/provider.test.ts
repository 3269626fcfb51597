// The BlockCipherProvider seam: a native AES (here node:crypto, as a HAL would supply it) runs the
// CCM and a whole DTLS session in place of the portable AES, with identical bytes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { BlockCipherProvider } from '../../src/crypto/provider.js';
import { Aes128 } from '../../src/crypto/aes.js';
import { AesCcm } from '../../src/crypto/ccm.js';
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';
import { TestDtlsServer } from '../dtls/server.js';
import { Sim, seededRandom } from '../dtls/sim.js';

/** node:crypto AES-128-ECB as a provider (allocates per call: acceptable at a HAL edge, and only in tests). */
class NodeAes implements BlockCipherProvider {
  private key = Buffer.alloc(16);
  setKeys = 0;
  setKey(key: Uint8Array, off: number): void { this.key = Buffer.from(key.slice(off, off + 16)); this.setKeys++; }
  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const c = createCipheriv('aes-128-ecb', this.key, null).setAutoPadding(false);
    out.set(c.update(inp.subarray(inOff, inOff + 16)), outOff);
  }
  decryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const d = createDecipheriv('aes-128-ecb', this.key, null).setAutoPadding(false);
    out.set(d.update(inp.subarray(inOff, inOff + 16)), outOff);
  }
}

/** An encrypt-only provider (like a HAL whose native block cipher has no decrypt direction wired). */
class EncryptOnly implements BlockCipherProvider {
  private readonly a = new NodeAes();
  setKey(key: Uint8Array, off: number): void { this.a.setKey(key, off); }
  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void { this.a.encryptBlock(inp, inOff, out, outOff); }
}

test('CCM over a native provider gives the same bytes as over the portable AES', () => {
  const key = randomBytes(16), nonce = randomBytes(12), aad = randomBytes(13), p = randomBytes(100);
  const n = new NodeAes(); n.setKey(key, 0);
  const a = new Aes128(); a.setKey(key, 0);
  const o1 = new Uint8Array(108), o2 = new Uint8Array(108);
  new AesCcm(n).seal(nonce, 0, 12, aad, 0, 13, p, 0, 100, o1, 0, 8);
  new AesCcm(a).seal(nonce, 0, 12, aad, 0, 13, p, 0, 100, o2, 0, 8);
  assert.equal(o1, o2);
});

/** A provider with encryptor() the way the Espruino one works: a function per (block, offset) that
 *  reads the block and the current key at each call and returns a new result array. */
class BoundAes extends NodeAes {
  made = 0;
  calls = 0;
  encryptor(block: Uint8Array, off: number): () => Uint8Array {
    this.made++;
    return (): Uint8Array => { this.calls++; const r = new Uint8Array(16); this.encryptBlock(block, off, r, 0); return r; };
  }
}

test('CCM over a provider\'s encryptors (BlockCipherProvider.encryptor): the portable AES\'s bytes; asked once per block; the key changed in place seen; without them, encryptBlock', () => {
  const key = randomBytes(16), key2 = randomBytes(16), nonce = randomBytes(12), aad = randomBytes(13);
  const b = new BoundAes(); b.setKey(key, 0);
  const a = new Aes128(); a.setKey(key, 0);
  const cb = new AesCcm(b), ca = new AesCcm(a);
  assert.is(b.made, 2, 'two encryptors (the CBC-MAC state, the counter), made with the CCM');
  const both = (len: number, what: string): void => {
    const p = randomBytes(len), o1 = new Uint8Array(len + 8), o2 = new Uint8Array(len + 8);
    assert.is(cb.seal(nonce, 0, 12, aad, 0, 13, p, 0, len, o1, 0, 8), len + 8);
    ca.seal(nonce, 0, 12, aad, 0, 13, p, 0, len, o2, 0, 8);
    assert.equal(o1, o2, what + ': sealed ' + len);
    const back = new Uint8Array(len);
    assert.is(cb.open(nonce, 0, 12, aad, 0, 13, o1, 0, len + 8, back, 0, 8), len);
    assert.equal(Buffer.from(back), Buffer.from(p));
  };
  for (const len of [0, 1, 15, 16, 17, 100]) both(len, 'encryptors');
  assert.ok(b.calls > 20, 'the encryptors did the work');
  assert.is(b.made, 2, 'no encryptor made per record');
  b.setKey(key2, 0); a.setKey(key2, 0);
  both(40, 'after setKey');
  const calls = b.calls;
  cb.use(b, null);
  both(40, 'encryptBlock');
  assert.is(b.calls, calls, 'use(c, null): encryptBlock, not the encryptors');
});

const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const ID = Buffer.from('dev');

for (const [name, make] of [['', () => new NodeAes()], [' (its encryptors)', () => new BoundAes()]] as [string, () => NodeAes][]) test('a DtlsSession with one shared native provider' + name + ' (re-keyed per direction) completes and exchanges data', () => {
  const aes = make();
  const client = new DtlsSession(1152, seededRandom(5), aes);
  const server = new TestDtlsServer({ psk: new Map([['dev', PSK]]), hint: 'CoAP', cookie: true });
  const sim = new Sim(client, server);
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  assert.ok(sim.run(() => client.state !== DtlsState.Handshaking));
  assert.is(client.state, DtlsState.Connected);
  const out = new Uint8Array(200);
  for (let i = 0; i < 3; i++) {
    const msg = Buffer.from('x' + i);
    const n = client.seal(msg, 0, msg.length, out, 0);
    server.receive(out.subarray(0, n), 0);
    for (const d of server.transmit()) sim.deliverToClient(d);
  }
  assert.equal(sim.app.map((b) => b.toString()), ['x0', 'x1', 'x2']);
  assert.ok(aes.setKeys >= 4, 'the shared provider was re-keyed as directions alternated');
});

test('separate write/read providers; an encrypt-only provider works for CCM', () => {
  const client = new DtlsSession(1152, seededRandom(6), new EncryptOnly(), new EncryptOnly());
  const server = new TestDtlsServer({ psk: new Map([['dev', PSK]]), hint: null });
  const sim = new Sim(client, server);
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  assert.ok(sim.run(() => client.state !== DtlsState.Handshaking));
  assert.is(client.state, DtlsState.Connected);
});

test.run();
