// The DTLS handshake's hashing on a one-shot native SHA-256 (src/crypto/oneshot.ts, as Espruino's
// require("crypto").SHA256 supplies it): here a fake one-shot provider backed by node:crypto. HMAC on
// it gives RFC 4231's MACs, the PRF the vectors' output, the buffered transcript the streaming
// digest, and a whole DTLS client handshake the same bytes as on the portable SHA-256.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { BlockCipherProvider, Sha256Provider } from '../../src/crypto/provider.js';
import { BufferedSha256, OneShotHmacSha256 } from '../../src/crypto/oneshot.js';
import { HmacSha256 } from '../../src/crypto/hmac.js';
import { TlsPrf } from '../../src/crypto/prf.js';
import { Sha256 } from '../../src/crypto/sha256.js';
import { Aes128 } from '../../src/crypto/aes.js';
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';
import { TRANSCRIPT_MAX } from '../../src/dtls/workspace.js';
import { Replay } from '../dtls/xs-replay.js';
import { recordTranscript } from '../dtls/replay-record.js';
import { TestDtlsServer } from '../dtls/server.js';
import { Sim, seededRandom } from '../dtls/sim.js';
import { hex, toHex, loadVectors } from '../vectors.js';

/** node:crypto's SHA-256, one whole message per call (what Espruino offers); counts its calls. */
class NodeOneShot implements Sha256Provider {
  calls = 0;
  hash(data: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): void {
    this.calls++;
    out.set(createHash('sha256').update(data.subarray(off, off + len)).digest(), outOff);
  }
}

/** The portable AES carrying the one-shot SHA-256, as a HAL's native crypto provider would. */
class AesWithSha extends Aes128 implements BlockCipherProvider {
  constructor(readonly sha256: Sha256Provider) { super(); }
}

const HV = loadVectors('hmac_sha256.json').vectors as any[];
const PV = loadVectors('tls12_prf_sha256.json').vectors as any[];
const E = new Uint8Array(0);

test('HMAC on a one-shot SHA-256: the RFC 4231 vectors (keys longer than a block included), as HmacSha256', () => {
  const h = new OneShotHmacSha256(new NodeOneShot(), 256);
  const out = new Uint8Array(32), ref = new Uint8Array(32);
  for (const v of HV) {
    const k = hex(v.key), d = hex(v.data);
    h.setKey(k, 0, k.length).update(d, 0, d.length).final(out, 0);
    assert.is(toHex(out), v.hmacSha256, v.name);
    new HmacSha256().setKey(k, 0, k.length).update(d, 0, d.length).final(ref, 0);
    assert.equal(out, ref, v.name + ': equal to the portable HMAC');
  }
  assert.ok(HV.some((v) => hex(v.key).length > 64), 'a vector with a key longer than a block');
});

test('HMAC on a one-shot SHA-256: random keys and messages, split updates, the key kept across MACs, against createHmac', () => {
  const h = new OneShotHmacSha256(new NodeOneShot(), 200);
  const out = new Uint8Array(40);
  for (let it = 0; it < 200; it++) {
    const key = randomBytes(it % 151), d1 = randomBytes(it % 200), d2 = randomBytes(it % 33);
    const cut = d1.length >> 1;
    h.setKey(key, 0, key.length).update(d1, 0, cut).update(d1, cut, d1.length - cut).final(out, 3);
    assert.is(toHex(out, 3, 32), createHmac('sha256', key).update(d1).digest('hex'));
    h.update(d2, 0, d2.length).final(out, 0);
    assert.is(toHex(out, 0, 32), createHmac('sha256', key).update(d2).digest('hex'));
  }
  assert.throws(() => h.update(new Uint8Array(201), 0, 201), /capacity \(200 bytes\): construct it larger/);
});

test('the TLS 1.2 PRF on a one-shot SHA-256: the vectors, and random secrets/seeds equal to the portable PRF', () => {
  const sha = new NodeOneShot();
  const ascii = (t: string) => Uint8Array.from(Buffer.from(t, 'ascii'));
  const v0 = PV[0], s0 = hex(v0.secret), l0 = hex(v0.labelHex), seed = hex(v0.seed);
  const out = new Uint8Array(v0.outputLength);
  new TlsPrf(undefined, sha).prf(s0, 0, s0.length, l0, 0, l0.length, seed, 0, seed.length, E, 0, 0, out, 0, out.length);
  assert.is(toHex(out), v0.output, v0.name);
  // The PSK key schedule (premaster → master secret → key block) and Finished verify_data.
  const v1 = PV[1], pre = hex(v1.premasterSecret), cr = hex(v1.clientRandom), sr = hex(v1.serverRandom);
  const ms = new Uint8Array(48), kb = new Uint8Array(40), vd = new Uint8Array(12);
  const prf = new TlsPrf(undefined, sha);
  const lm = ascii(v1.masterSecretLabel), lk = ascii(v1.keyExpansionLabel);
  prf.prf(pre, 0, pre.length, lm, 0, lm.length, cr, 0, 32, sr, 0, 32, ms, 0, 48);
  assert.is(toHex(ms), v1.masterSecret);
  prf.prf(ms, 0, 48, lk, 0, lk.length, sr, 0, 32, cr, 0, 32, kb, 0, 40);
  assert.is(toHex(kb), v1.keyBlock);
  const v2 = PV[2], m2 = hex(v2.masterSecret), hh = hex(v2.handshakeHash);
  for (const [label, want] of [[v2.label, v2.verifyData], [v2.serverFinishedLabel, v2.serverVerifyData]]) {
    const l = ascii(label);
    prf.prf(m2, 0, m2.length, l, 0, l.length, hh, 0, 32, E, 0, 0, vd, 0, 12);
    assert.is(toHex(vd), want, label);
  }
  const native = new TlsPrf(undefined, sha), portable = new TlsPrf();
  for (let it = 0; it < 50; it++) {
    const s = randomBytes(1 + (it * 7) % 140), l = Buffer.from('key expansion'), s1 = randomBytes(32), s2 = randomBytes(32);
    const a = new Uint8Array(104), b = new Uint8Array(104);
    native.prf(s, 0, s.length, l, 0, l.length, s1, 0, 32, s2, 0, 32, a, 0, 104);
    portable.prf(s, 0, s.length, l, 0, l.length, s1, 0, 32, s2, 0, 32, b, 0, 104);
    assert.equal(a, b);
  }
});

test('the buffered transcript: a digest mid-stream equals the streaming SHA-256\'s, and the hash keeps running; too long gives zeros', () => {
  const t = new BufferedSha256(new NodeOneShot(), 600), s = new Sha256(), copy = new Sha256();
  const a = new Uint8Array(32), b = new Uint8Array(32);
  for (let it = 0; it < 3; it++) {
    t.init(); s.init();
    for (let k = 0; k < 6; k++) {
      const m = randomBytes(k * 17 + it);
      t.update(m, 0, m.length); s.update(m, 0, m.length);
      t.digest(a, 0); copy.copyFrom(s).final(b, 0);
      assert.equal(a, b);
    }
  }
  t.init().update(new Uint8Array(600), 0, 600).update(new Uint8Array(1), 0, 1);
  t.digest(a, 0);
  assert.equal(a, new Uint8Array(32), 'past its capacity: zeros, so the Finished check fails');
  assert.is(TRANSCRIPT_MAX, 1602, 'the workspace keeps 1,602 bytes of transcript for a one-shot SHA-256');
});

test('a DTLS client handshake on a one-shot SHA-256 (the provider carried by the AES): the same bytes as on the portable one, every hash one-shot', () => {
  const t = recordTranscript();
  const sha = new NodeOneShot();
  const portable = new Replay(t).run(), native = new Replay(t, new AesWithSha(sha)).run();
  assert.ok(portable >= 0, 'portable replay: ' + portable);
  assert.is(native, portable, 'checksum of everything the client sent and decrypted');
  assert.ok(sha.calls >= 20, sha.calls + ' one-shot hashes');
});

test('a DTLS handshake on a one-shot SHA-256 keys its PRF twice (premaster, then the master secret for the key block and both Finished); same bytes', () => {
  const t = recordTranscript();
  const proto = OneShotHmacSha256.prototype as unknown as { setKey: (...a: unknown[]) => unknown };
  const setKey = proto.setKey;
  let keyed = 0;
  proto.setKey = function (this: unknown, ...a: unknown[]): unknown { keyed++; return setKey.apply(this, a); };
  try {
    const r = new Replay(t, new AesWithSha(new NodeOneShot()));
    keyed = 0;
    assert.is(r.run(), new Replay(t).run(), 'the portable handshake\'s checksum');
    assert.is(keyed, 2, 'HMAC keys made in one handshake');
  } finally { proto.setKey = setKey; }
  // sameKey is ignored by the portable PRF (its hash is lent to digestOf between PRFs).
  const p = new TlsPrf(), k = randomBytes(48), k2 = randomBytes(48), l = Buffer.from('client finished'), s1 = randomBytes(32);
  const a = new Uint8Array(12), b = new Uint8Array(12);
  p.prf(k2, 0, 48, l, 0, l.length, s1, 0, 32, E, 0, 0, a, 0, 12);
  p.prf(k, 0, 48, l, 0, l.length, s1, 0, 32, E, 0, 0, a, 0, 12, true);
  new TlsPrf().prf(k, 0, 48, l, 0, l.length, s1, 0, 32, E, 0, 0, b, 0, 12);
  assert.equal(a, b);
});

test('a DTLS client on a one-shot SHA-256 completes against the in-process server, full and abbreviated (resumed), with fragmentation', () => {
  const sha = new NodeOneShot();
  const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'), ID = Buffer.from('dev');
  const client = new DtlsSession(1152, seededRandom(7), new AesWithSha(sha), new AesWithSha(sha));
  const server = new TestDtlsServer({ psk: new Map([['dev', PSK]]), hint: 'CoAP', cookie: true, fragment: 40 });
  const sim = new Sim(client, server);
  client.start(ID, ID.length, PSK, PSK.length, 0, false);
  assert.ok(sim.run(() => client.state !== DtlsState.Handshaking));
  assert.is(client.state, DtlsState.Connected);
  const full = sha.calls;
  client.reset(true);
  const server2 = new TestDtlsServer({ ...server.opt });
  server2.sessions = server.sessions;
  const sim2 = new Sim(client, server2);
  client.start(ID, ID.length, PSK, PSK.length, 0, true);
  assert.ok(sim2.run(() => client.state !== DtlsState.Handshaking));
  assert.is(client.state, DtlsState.Connected, 'resumed');
  assert.ok(client.resumed, 'abbreviated handshake');
  assert.ok(full > 0 && sha.calls > full);
});

test.run();
