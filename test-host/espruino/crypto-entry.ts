// The Espruino crypto bundle (test-host/espruino/crypto.test.ts, bench/espruino.bench.ts): the native
// crypto of hal/espruino/aes.ts under a real Espruino. Tests: EspruinoAes128 seals and opens CCM
// records constructing no typed array and keeping memory flat; the replayed DTLS client handshake
// (test-host/dtls/xs-replay.ts) on Espruino's AES and SHA-256 gives V8's checksum and loses nothing.
// Loops: the raw native AES call and the wrapper's encryptBlock, the replayed handshake on the native
// crypto and on the portable one. The host injects __dtlsTranscript and __replayChecksum (V8's).
import { install, loop, test, ok, is } from '../xs/harness.js';
import { AesCcm } from '../../src/crypto/ccm.js';
import { EspruinoAes128, EspruinoSha256 } from '../../hal/espruino/aes.js';
import { Replay, type TranscriptHex } from '../dtls/xs-replay.js';

const G = globalThis as unknown as { [k: string]: any };
const t = G.__dtlsTranscript as TranscriptHex;
const native = new Replay(t, new EspruinoAes128(new EspruinoSha256()));
let portable: Replay | null = null; // made on first use: it loads the portable AES (lazy in this bundle)
/** Variables in use after fn less before (both after a collection; fn's own locals are gone by then). */
function grows(fn: () => void): number {
  let u0 = 0, u1 = 0;
  u0 = G.process.memory().usage;
  fn();
  u1 = G.process.memory().usage;
  return u1 - u0;
}

const key = new Uint8Array(16);
for (let j = 0; j < 16; j++) key[j] = j;
const nonce = new Uint8Array(12), aad = new Uint8Array(13), rec = new Uint8Array(72);

/** n records sealed and opened in place; false if one does not come back. */
function records(ccm: AesCcm, n: number): boolean {
  for (let i = 0; i < n; i++) {
    rec[0] = i;
    if (ccm.seal(nonce, 0, 12, aad, 0, 13, rec, 0, 64, rec, 0, 8) !== 72) return false;
    if (ccm.open(nonce, 0, 12, aad, 0, 13, rec, 0, 72, rec, 0, 8) !== 64 || rec[0] !== i) return false;
  }
  return true;
}

/** Runs fn (which must not allocate what outlives it) with the global Uint8Array counting constructions. */
function counting(fn: () => boolean): number {
  const U8 = Uint8Array;
  let made = 0;
  G.Uint8Array = function (a: unknown, b?: number, c?: number): Uint8Array {
    made++;
    return c !== undefined ? new U8(a as ArrayBuffer, b, c) : b !== undefined ? new U8(a as ArrayBuffer, b) : new U8(a as number);
  };
  try { ok(fn(), 'records round trip'); } finally { G.Uint8Array = U8; }
  return made;
}

test('EspruinoAes128: 50 CCM records sealed and opened construct no typed array; memory flat', () => {
  const aes = new EspruinoAes128();
  aes.setKey(key, 0);
  const ccm = new AesCcm(aes);
  ok(records(ccm, 1), 'the first record (its input views are made here)');
  let made = -1;
  const d = grows(() => { made = counting(() => records(ccm, 50)); });
  is(made, 0, 'typed arrays constructed');
  is(d, 0, 'variables gained over 50 records');
});

test('the replayed DTLS client handshake on Espruino\'s AES and SHA-256: V8\'s bytes, nothing lost over 3 runs', () => {
  let r = native.run();
  is(r, G.__replayChecksum, 'checksum of everything the client sent and decrypted');
  const d = grows(() => { for (let i = 0; i < 3; i++) r = native.run(); });
  is(r, G.__replayChecksum);
  is(d, 0, 'variables gained over 3 handshakes');
});

const ECB = { mode: 'ECB' };
const raw = require('crypto').AES;
const b16 = new Uint8Array(16), blk = new Uint8Array(32);
const wrapped = new EspruinoAes128();
wrapped.setKey(key, 0);

/** The raw native call on a 16-byte array (what the wrapper costs is measured against this). */
loop('aes.native-raw', (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + raw.encrypt(b16, key, ECB)[0]) | 0;
  return s;
});
/** The wrapper, as AesCcm calls it: its encryptor of a block (the native call bound to a view of
 *  it) and the copy-out into the block. */
const encA = wrapped.encryptor(blk, 16);
loop('aes.native-wrapper', (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) { blk.set(encA(), 16); s = (s + blk[16]) | 0; }
  return s;
});
/** The provider's method (in place, at an offset): what the CBC suites' record layer calls. */
loop('aes.native-method', (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) { wrapped.encryptBlock(blk, 16, blk, 16); s = (s + blk[16]) | 0; }
  return s;
});
/** The least a provider method can cost: a method whose body is the native call on a fixed view
 *  and the copy-out (no choice of input block). (Above 1.6× the raw call: a method call is what costs.) */
const floor = {
  v: new Uint8Array(blk.buffer, 16, 16),
  encryptBlock(_inp: Uint8Array, _inOff: number, out: Uint8Array, outOff: number): void { out.set(raw.encrypt(this.v, key, ECB), outOff); },
};
loop('aes.native-floor', (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) { floor.encryptBlock(blk, 16, blk, 16); s = (s + blk[16]) | 0; }
  return s;
});
// (The lengths summed, not the bytes checksummed: the client's computing only.)
loop('dtls.handshake-native', (n: number): number => {
  let r = 0;
  for (let i = 0; i < n; i++) r = native.run(false);
  return r;
});
loop('dtls.handshake-portable', (n: number): number => {
  if (portable === null) portable = new Replay(t);
  let r = 0;
  for (let i = 0; i < n; i++) r = portable.run(false);
  return r;
});

install();
