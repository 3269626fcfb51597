// The PSK key schedule (RFC 4279 §2, RFC 5246 §6.3, §7.4.9, §8.1), allocation-free after construction.
import { TlsPrf } from '../crypto/prf.js';
import { Sha256 } from '../crypto/sha256.js';
import { Slab } from '../slab.js';
import { ascii } from './bytes.js';
import { MASTER_SECRET_LEN, RANDOM_LEN, VERIFY_DATA_LEN } from './constants.js';
import { keyBlockLength } from './record.js';

const MASTER_SECRET = ascii('master secret');
const KEY_EXPANSION = ascii('key expansion');
const CLIENT_FINISHED = ascii('client finished');
const SERVER_FINISHED = ascii('server finished');
const EMPTY = new Uint8Array(0);

/** The longest key block (RFC 5246 §6.3): CBC_SHA256's two MAC keys, two keys, two IVs. */
const KEY_BLOCK_MAX = 2 * (32 + 16 + 16);

export class KeySchedule {
  readonly prf: TlsPrf;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly master: Uint8Array;
  /**
   * Working bytes of one derivation at a time (none outlives its call): the premaster secret in
   * deriveMaster(), the key block from deriveKeyBlock() until the caller installs and wipes it, the
   * transcript digest in verifyData().
   */
  readonly keyBlock: Uint8Array;
  /** Running hash of the handshake messages (RFC 6347 §4.2.6: as if each were one fragment). */
  readonly transcript: Sha256;
  private readonly tmpHash: Sha256;

  constructor(maxPsk: number, slab: Slab = new Slab()) {
    this.prf = new TlsPrf(slab);
    this.clientRandom = slab.u8(RANDOM_LEN);
    this.serverRandom = slab.u8(RANDOM_LEN);
    this.master = slab.u8(MASTER_SECRET_LEN);
    const premaster = 4 + 2 * maxPsk;
    this.keyBlock = slab.u8(premaster > KEY_BLOCK_MAX ? premaster : KEY_BLOCK_MAX);
    this.transcript = new Sha256(slab);
    this.tmpHash = new Sha256(slab);
  }

  /** master_secret from the PSK premaster secret: uint16 N, N zero bytes, uint16 N, psk. */
  deriveMaster(psk: Uint8Array, pskLen: number): void {
    const pm = this.keyBlock;
    pm.fill(0);
    pm[0] = pskLen >>> 8; pm[1] = pskLen;
    pm[2 + pskLen] = pskLen >>> 8; pm[3 + pskLen] = pskLen;
    for (let i = 0; i < pskLen; i++) pm[4 + pskLen + i] = psk[i];
    this.prf.prf(pm, 0, 4 + 2 * pskLen, MASTER_SECRET, 0, MASTER_SECRET.length,
      this.clientRandom, 0, RANDOM_LEN, this.serverRandom, 0, RANDOM_LEN, this.master, 0, MASTER_SECRET_LEN);
    pm.fill(0);
  }

  /** key_block = PRF(master_secret, "key expansion", server_random + client_random), into keyBlock. */
  deriveKeyBlock(suite: number): void {
    this.prf.prf(this.master, 0, MASTER_SECRET_LEN, KEY_EXPANSION, 0, KEY_EXPANSION.length,
      this.serverRandom, 0, RANDOM_LEN, this.clientRandom, 0, RANDOM_LEN, this.keyBlock, 0, keyBlockLength(suite));
  }

  /** verify_data over the transcript so far (the transcript keeps running). */
  verifyData(client: boolean, out: Uint8Array, o: number): void {
    const digest = this.keyBlock;
    this.tmpHash.copyFrom(this.transcript).final(digest, 0);
    const label = client ? CLIENT_FINISHED : SERVER_FINISHED;
    this.prf.prf(this.master, 0, MASTER_SECRET_LEN, label, 0, label.length, digest, 0, 32, EMPTY, 0, 0, out, o, VERIFY_DATA_LEN);
  }

  wipe(): void {
    this.master.fill(0); this.keyBlock.fill(0);
  }
}
