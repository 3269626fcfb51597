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

const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const ID = Buffer.from('dev');

test('a DtlsSession with one shared native provider (re-keyed per direction) completes and exchanges data', () => {
  const aes = new NodeAes();
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
