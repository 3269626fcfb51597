// The DTLS 1.2 record layer (RFC 6347 §4.1): the header view, and record protection for the two
// suites — AES-128-CCM_8 AEAD (RFC 6655 §3, RFC 5246 §6.2.3.3) and AES-128-CBC + HMAC-SHA256
// (RFC 5246 §6.2.3.2, MAC-then-encrypt with an explicit IV). Allocation-free after construction.
import type { BlockCipherProvider } from '../crypto/provider.js';
import { Aes128 } from '../crypto/aes.js';
import { AesCcm } from '../crypto/ccm.js';
import { HmacSha256 } from '../crypto/hmac.js';
import { Slab } from '../slab.js';
import { CipherSuite, ContentType, DTLS12_MAJOR, DTLS12_MINOR, MAX_CID, RECORD_HEADER_LEN } from './constants.js';
import { copyBytes, copyRange, equalBytes, put16, put48 } from './bytes.js';

export const CCM8_TAG = 8;
export const CCM_EXPLICIT_NONCE = 8;
export const CBC_IV = 16;
export const CBC_MAC = 32;

/** Key-block lengths (RFC 5246 §6.3): mac keys, enc keys, fixed IVs — for both directions. */
export function keyBlockLength(suite: number): number {
  return suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8 ? 2 * (16 + 4) : 2 * (32 + 16 + 16);
}

/** Bytes a protected record adds to `plainLen` bytes of content, header included (worst case for CBC). */
export function recordOverhead(suite: number, plainLen: number): number {
  if (suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8) return RECORD_HEADER_LEN + CCM_EXPLICIT_NONCE + CCM8_TAG;
  if (suite === CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256) {
    const body = plainLen + CBC_MAC + 1;
    return RECORD_HEADER_LEN + CBC_IV + (body + ((16 - (body % 16)) % 16)) - plainLen;
  }
  return RECORD_HEADER_LEN;
}

/** Write a record header at out[o…]. */
export function writeRecordHeader(out: Uint8Array, o: number, type: number, epoch: number, seq: number, len: number): void {
  out[o] = type; out[o + 1] = DTLS12_MAJOR; out[o + 2] = DTLS12_MINOR;
  put16(out, o + 3, epoch); put48(out, o + 5, seq); put16(out, o + 11, len);
}

/** Working buffers of record protection, used only within one protect()/unprotect() call, so the
 *  CipherStates of several sessions may share one (DtlsWorkspace holds it). */
export class RecordScratch {
  readonly hmac: HmacSha256;
  /** nonce(12) at NONCE, aad(23 + MAX_CID) at AAD, mac(32) at MAC, blk(16) at BLK, prev(16) at PREV. */
  readonly b: Uint8Array;
  /** Its `cipher` is set to the calling CipherState's provider before each use. */
  readonly ccm: AesCcm;

  constructor(slab: Slab = new Slab()) {
    this.hmac = new HmacSha256(slab);
    this.b = slab.u8(SCRATCH_LEN);
    this.ccm = new AesCcm(UNSET, slab);
  }
}

/** A placeholder provider for the shared CCM until a CipherState sets its own. */
const UNSET: BlockCipherProvider = {
  setKey(): void { /* never keyed */ },
  encryptBlock(): void { throw new Error('RecordScratch: no cipher'); },
};

const NONCE = 0;
const AAD = 12;
const MAC = AAD + 23 + MAX_CID;
const BLK = MAC + CBC_MAC;
const PREV = BLK + 16;
const SCRATCH_LEN = PREV + 16;

/** Bytes and words a CipherState keeps its keys in (CipherKeys). */
export const CIPHER_KEY_BYTES = 20;
export const CIPHER_MAC_WORDS = 16;

/** Where a CipherState keeps its keys: parts of its owner's arrays, so that a session's two directions
 *  cost no typed arrays of their own (XS charges each typed array on top of its bytes). */
export interface CipherKeys {
  /** key(16) then salt(4): CIPHER_KEY_BYTES at bytes[bytesAt…]. */
  bytes: Uint8Array; bytesAt: number;
  /** The HMAC key as its keyed SHA-256 states (HmacSha256.saveKey), CBC only: CIPHER_MAC_WORDS at words[wordsAt…]. */
  words: Int32Array; wordsAt: number;
}

/** One direction's protection state: suite, keys, and the provider that holds the AES key. */
export class CipherState {
  suite = 0;
  /** key(16) at ko, salt(4) at ko + 16. */
  private readonly key: Uint8Array;
  private readonly ko: number;
  /** The HMAC keyed states at mo. */
  private readonly macState: Int32Array;
  private readonly mo: number;
  /** 13 bytes (RFC 5246 §6.2.3.3), or 23 + CID bytes for a CID record (RFC 9146 §5). */
  private aadLen = 13;
  private readonly x: RecordScratch;
  /** A portable AES for CBC decryption when the provider cannot decrypt. */
  private readonly dec: Aes128 | null;
  /** The provider's encryptors of the shared CCM's blocks (AesCcm.encryptors), or null. */
  private readonly enc: (() => Uint8Array)[] | null;

  /**
   * `keyTag` tells sessions that share one provider between directions which key is loaded:
   * `keyTag.loaded` names the CipherState whose key is in the provider (`id`). `scratch`, when given,
   * is shared working memory (any number of CipherStates may share one); else the state has its own.
   * The keys go where `keys` says, else into arrays from `slab`, as do the state's other arrays.
   */
  constructor(private readonly aes: BlockCipherProvider, private readonly keyTag: KeyTag, private readonly id: number,
              scratch?: RecordScratch, slab: Slab = new Slab(), keys?: CipherKeys) {
    this.key = keys !== undefined ? keys.bytes : slab.u8(CIPHER_KEY_BYTES);
    this.ko = keys !== undefined ? keys.bytesAt : 0;
    this.macState = keys !== undefined ? keys.words : slab.i32(CIPHER_MAC_WORDS);
    this.mo = keys !== undefined ? keys.wordsAt : 0;
    this.x = scratch !== undefined ? scratch : new RecordScratch(slab);
    this.dec = aes.decryptBlock === undefined ? new Aes128(slab) : null;
    this.enc = this.x.ccm.encryptors(aes);
  }

  /** Install keys from the key block (RFC 5246 §6.3 order). `client` picks the client_write half. */
  install(suite: number, kb: Uint8Array, kbOff: number, client: boolean): void {
    this.suite = suite;
    if (suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8) {
      // client_write_key(16) server_write_key(16) client_write_IV(4) server_write_IV(4)
      copyRange(kb, kbOff + (client ? 0 : 16), this.key, this.ko, 16); // (a handshake's end: views are fine)
      copyRange(kb, kbOff + 32 + (client ? 0 : 4), this.key, this.ko + 16, 4);
    } else {
      // client_MAC(32) server_MAC(32) client_key(16) server_key(16) [IVs unused with explicit IVs]
      copyRange(kb, kbOff + 64 + (client ? 0 : 16), this.key, this.ko, 16);
      const h = this.x.hmac;
      h.setKey(kb, kbOff + (client ? 0 : 32), 32);
      h.saveKey(this.macState, this.mo);
      if (this.dec !== null) this.dec.setKey(this.key, this.ko);
    }
    this.keyTag.loaded = -1;
    this.load();
  }

  /** Forget keys. */
  clear(): void {
    this.suite = 0;
    this.key.fill(0, this.ko, this.ko + CIPHER_KEY_BYTES);
    this.macState.fill(0, this.mo, this.mo + CIPHER_MAC_WORDS);
    if (this.keyTag.loaded === this.id) this.keyTag.loaded = -1;
  }

  private load(): void {
    if (this.keyTag.loaded !== this.id) { this.aes.setKey(this.key, this.ko); this.keyTag.loaded = this.id; }
  }

  private fillAad(type: number, epoch: number, seq: number, len: number): void {
    const a = this.x.b;
    put16(a, AAD, epoch); put48(a, AAD + 2, seq);
    a[AAD + 8] = type; a[AAD + 9] = DTLS12_MAJOR; a[AAD + 10] = DTLS12_MINOR; put16(a, AAD + 11, len);
    this.aadLen = 13;
  }

  /**
   * RFC 9146 §5: seq_num_placeholder (8 × 0xff) || tls12_cid || cid_length || tls12_cid || version ||
   * epoch || sequence_number || cid || length_of_DTLSInnerPlaintext.
   */
  private fillCidAad(epoch: number, seq: number, cid: Uint8Array, cidLen: number, innerLen: number): void {
    const a = this.x.b;
    for (let i = 0; i < 8; i++) a[AAD + i] = 0xff;
    a[AAD + 8] = ContentType.Tls12Cid; a[AAD + 9] = cidLen; a[AAD + 10] = ContentType.Tls12Cid;
    a[AAD + 11] = DTLS12_MAJOR; a[AAD + 12] = DTLS12_MINOR;
    put16(a, AAD + 13, epoch); put48(a, AAD + 15, seq);
    copyBytes(cid, 0, a, AAD + 21, cidLen);
    put16(a, AAD + 21 + cidLen, innerLen);
    this.aadLen = 23 + cidLen;
  }

  /**
   * Protect src[sOff…sOff+len] as one record at out[o…] (header included). `random` supplies the CBC IV.
   * With `cidLen` > 0 the record is a tls12_cid record carrying cid[0…cidLen] (RFC 9146 §4), its real
   * type at the end of the encrypted DTLSInnerPlaintext (no padding). Returns the record length.
   * src may be out at a later offset only if it does not overlap the header.
   */
  protect(type: number, epoch: number, seq: number, src: Uint8Array, sOff: number, len: number,
          out: Uint8Array, o: number, random: (b: Uint8Array, off: number, len: number) => void,
          cid: Uint8Array, cidLen: number): number {
    this.load();
    const withCid = cidLen > 0;
    const hl = withCid ? RECORD_HEADER_LEN + cidLen : RECORD_HEADER_LEN;
    const body = o + hl;
    const inner = withCid ? len + 1 : len;
    const outerType = withCid ? ContentType.Tls12Cid : type;
    if (withCid) this.fillCidAad(epoch, seq, cid, cidLen, inner);
    else this.fillAad(type, epoch, seq, len);
    let fragLen: number;
    if (this.suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8) {
      const n = this.x.b;
      const p = body + CCM_EXPLICIT_NONCE;
      copyBytes(this.key, this.ko + 16, n, NONCE, 4);
      put16(n, NONCE + 4, epoch); put48(n, NONCE + 6, seq);
      // Sealed straight from src when it can be (no type byte to append; src not before out's
      // plaintext, so CCM's front-to-back pass reads each byte before it writes over it), else
      // copied and sealed in place.
      const direct = !withCid && sOff >= p;
      if (!direct) {
        copyBytes(src, sOff, out, p, len);
        if (withCid) out[p + len] = type;
      }
      copyBytes(n, NONCE + 4, out, body, CCM_EXPLICIT_NONCE);
      const ccm = this.x.ccm;
      ccm.use(this.aes, this.enc);
      fragLen = CCM_EXPLICIT_NONCE + (direct ? ccm.seal(n, NONCE, 12, n, AAD, this.aadLen, src, sOff, inner, out, p, CCM8_TAG)
        : ccm.seal(n, NONCE, 12, n, AAD, this.aadLen, out, p, inner, out, p, CCM8_TAG));
    } else {
      // CBC: IV || E(content || MAC || padding || padding_length)
      const p = body + CBC_IV;
      copyBytes(src, sOff, out, p, len);
      if (withCid) out[p + len] = type;
      this.x.hmac.loadKey(this.macState, this.mo).update(this.x.b, AAD, this.aadLen).update(out, p, inner).final(out, p + inner);
      let total = inner + CBC_MAC + 1;
      const pad = (16 - (total % 16)) % 16;
      for (let i = 0; i <= pad; i++) out[p + inner + CBC_MAC + i] = pad;
      total += pad;
      random(out, body, CBC_IV);
      const aes = this.aes;
      for (let i = 0; i < total; i += 16) {
        for (let j = 0; j < 16; j++) out[p + i + j] ^= out[p + i - 16 + j];
        aes.encryptBlock(out, p + i, out, p + i);
      }
      fragLen = CBC_IV + total;
    }
    writeRecordHeader(out, o, outerType, epoch, seq, fragLen);
    if (withCid) {
      copyBytes(cid, 0, out, o + 11, cidLen);
      put16(out, o + 11 + cidLen, fragLen);
    }
    return hl + fragLen;
  }

  /**
   * Verify and decrypt the fragment in[f…f+fLen] of a record (type, epoch, seq from its header) into
   * out[o…]. Returns the plaintext length or -1 if it does not authenticate or is malformed.
   */
  unprotect(type: number, epoch: number, seq: number, inp: Uint8Array, f: number, fLen: number,
            out: Uint8Array, o: number): number {
    this.load();
    if (this.suite === CipherSuite.TLS_PSK_WITH_AES_128_CCM_8) {
      const pLen = fLen - CCM_EXPLICIT_NONCE - CCM8_TAG;
      if (pLen < 0) return -1;
      const n = this.x.b;
      copyBytes(this.key, this.ko + 16, n, NONCE, 4);
      copyBytes(inp, f, n, NONCE + 4, CCM_EXPLICIT_NONCE);
      this.fillAad(type, epoch, seq, pLen);
      const ccm = this.x.ccm;
      ccm.use(this.aes, this.enc);
      return ccm.open(n, NONCE, 12, n, AAD, 13, inp, f + CCM_EXPLICIT_NONCE, pLen + CCM8_TAG, out, o, CCM8_TAG);
    }
    const cLen = fLen - CBC_IV;
    if (cLen < CBC_MAC + 16 || (cLen & 15) !== 0) return -1;
    const x = this.x.b;
    copyBytes(inp, f, x, PREV, 16);
    for (let i = 0; i < cLen; i += 16) {
      copyBytes(inp, f + CBC_IV + i, x, BLK, 16);
      if (this.dec !== null) this.dec.decryptBlock(x, BLK, out, o + i);
      else (this.aes as Required<BlockCipherProvider>).decryptBlock(x, BLK, out, o + i);
      for (let j = 0; j < 16; j++) { out[o + i + j] ^= x[PREV + j]; x[PREV + j] = x[BLK + j]; }
    }
    const pad = out[o + cLen - 1];
    let bad = 0;
    let pLen = cLen - pad - 1 - CBC_MAC;
    if (pLen < 0) { bad = 1; pLen = 0; }
    else for (let i = 0; i <= pad; i++) bad |= out[o + cLen - 1 - i] ^ pad;
    this.fillAad(type, epoch, seq, pLen);
    this.x.hmac.loadKey(this.macState, this.mo).update(x, AAD, 13).update(out, o, pLen).final(x, MAC);
    if (!equalBytes(x, MAC, out, o + pLen, CBC_MAC)) bad = 1;
    return bad === 0 ? pLen : -1;
  }
}

/** Shared between the two CipherStates of a session: whose key the (possibly shared) provider holds. */
export class KeyTag { loaded = -1; }
