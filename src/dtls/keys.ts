// The PSK key schedule (RFC 4279 §2, RFC 5246 §6.3, §7.4.9, §8.1), allocation-free after construction.
import { TlsPrf } from '../crypto/prf.js';
import { Sha256 } from '../crypto/sha256.js';
import { BufferedSha256 } from '../crypto/oneshot.js';
import type { Sha256Provider } from '../crypto/provider.js';
import { Slab } from '../slab.js';
import { ascii, copyRange } from './bytes.js';
import { KS_MASTER, KS_SERVER_RANDOM, KS_WORK, MASTER_SECRET_LEN, RANDOM_LEN, VERIFY_DATA_LEN } from './constants.js';
import { keyBlockLength } from './record.js';

const MASTER_SECRET = ascii('master secret');
const KEY_EXPANSION = ascii('key expansion');
const CLIENT_FINISHED = ascii('client finished');
const SERVER_FINISHED = ascii('server finished');
const EMPTY = new Uint8Array(0);

/** The longest key block (RFC 5246 §6.3): CBC_SHA256's two MAC keys, two keys, two IVs. */
const KEY_BLOCK_MAX = 2 * (32 + 16 + 16);

export { KS_SERVER_RANDOM, KS_MASTER, KS_WORK } from './constants.js';

export class KeySchedule {
  readonly prf: TlsPrf;
  readonly clientRandom: Uint8Array;
  /** The server random at KS_SERVER_RANDOM, the master secret at KS_MASTER, working bytes at KS_WORK. */
  readonly b: Uint8Array;
  /** Running hash of the handshake messages (RFC 6347 §4.2.6: as if each were one fragment): the
   *  portable streaming SHA-256, or on a native one-shot SHA-256 the messages kept and hashed whole. */
  readonly transcript: Sha256 | BufferedSha256;
  /** The PRF was last keyed with the master secret (deriveKeyBlock): verifyData needs no new key. */
  private masterKeyed = false;

  /**
   * @param sha256 a native one-shot SHA-256 for the transcript and the PRF (default: the portable one).
   * @param transcriptMax with `sha256`: the most handshake bytes one handshake hashes (DtlsWorkspace
   *        TRANSCRIPT_MAX); a longer transcript gives a wrong verify_data, which fails the handshake.
   */
  constructor(maxPsk: number, slab: Slab = new Slab(), sha256?: Sha256Provider, transcriptMax = 0) {
    this.prf = new TlsPrf(slab, sha256);
    this.clientRandom = slab.u8(RANDOM_LEN);
    const premaster = 4 + 2 * maxPsk;
    this.b = slab.u8(KS_WORK + (premaster > KEY_BLOCK_MAX ? premaster : KEY_BLOCK_MAX));
    this.transcript = sha256 !== undefined ? new BufferedSha256(sha256, transcriptMax, slab) : new Sha256(slab);
  }

  /** master_secret from the PSK premaster secret: uint16 N, N zero bytes, uint16 N, psk. */
  deriveMaster(psk: Uint8Array, pskOff: number, pskLen: number): void {
    const b = this.b, pm = KS_WORK;
    b.fill(0, pm);
    b[pm] = pskLen >>> 8; b[pm + 1] = pskLen;
    b[pm + 2 + pskLen] = pskLen >>> 8; b[pm + 3 + pskLen] = pskLen;
    copyRange(psk, pskOff, b, pm + 4 + pskLen, pskLen);
    this.masterKeyed = false;
    this.prf.prf(b, pm, 4 + 2 * pskLen, MASTER_SECRET, 0, MASTER_SECRET.length,
      this.clientRandom, 0, RANDOM_LEN, b, KS_SERVER_RANDOM, RANDOM_LEN, b, KS_MASTER, MASTER_SECRET_LEN);
    b.fill(0, pm);
  }

  /** key_block = PRF(master_secret, "key expansion", server_random + client_random), into b at KS_WORK. */
  deriveKeyBlock(suite: number): void {
    const b = this.b;
    this.prf.prf(b, KS_MASTER, MASTER_SECRET_LEN, KEY_EXPANSION, 0, KEY_EXPANSION.length,
      b, KS_SERVER_RANDOM, RANDOM_LEN, this.clientRandom, 0, RANDOM_LEN, b, KS_WORK, keyBlockLength(suite));
    this.masterKeyed = true;
  }

  /** verify_data over the transcript so far (the transcript keeps running). */
  verifyData(client: boolean, out: Uint8Array, o: number): void {
    const b = this.b, t = this.transcript;
    if (t instanceof Sha256) this.prf.digestOf(t, b, KS_WORK);
    else t.digest(b, KS_WORK);
    const label = client ? CLIENT_FINISHED : SERVER_FINISHED;
    this.prf.prf(b, KS_MASTER, MASTER_SECRET_LEN, label, 0, label.length, b, KS_WORK, 32, EMPTY, 0, 0, out, o, VERIFY_DATA_LEN, this.masterKeyed);
  }

  /** Forget the master secret and the working bytes. */
  wipe(): void {
    this.masterKeyed = false;
    this.b.fill(0, KS_MASTER);
  }

  /** Forget the working bytes (the key block, once installed). */
  wipeWork(): void {
    this.b.fill(0, KS_WORK);
  }
}
