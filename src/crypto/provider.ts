// The native-crypto seams: a HAL may hand the core a native AES-128 (Moddable's `crypt` BlockCipher,
// Node's crypto, Espruino's require("crypto").AES) through BlockCipherProvider, and with it a native
// one-shot SHA-256 (Espruino's require("crypto").SHA256) through Sha256Provider. The portable `Aes128`
// (aes.ts) and `Sha256` (sha256.ts) are the defaults. Implementations must not allocate per call,
// except where the platform's native call itself returns a new buffer (a HAL edge).

export interface BlockCipherProvider {
  /** Load a 16-byte AES-128 key from key[off…off+16]. */
  setKey(key: Uint8Array, off: number): void;
  /** Encrypt one 16-byte block inp[inOff…] into out[outOff…] (the two may be the same bytes). */
  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void;
  /**
   * Optional: a function of no arguments that encrypts block[off…off+16] under the current key (setKey
   * changes it in place) and returns the ciphertext block, valid until the next call. AesCcm asks for
   * its two blocks' (the CBC-MAC state and the counter) once, when it is made or a record layer's
   * cipher state is, and calls them per block with no wrapper in between: where a method call costs
   * about what the cipher does (Espruino interprets every call), the function is the native AES bound
   * to a view of the block. Called at construction only: it may allocate. Without it AesCcm calls
   * encryptBlock().
   */
  encryptor?(block: Uint8Array, off: number): () => Uint8Array;
  /** Decrypt one block (only CBC suites need it; a provider without it gets the portable AES). */
  decryptBlock?(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void;
  /** A native SHA-256 that comes with this native crypto: the DTLS session given this provider
   *  (ClientOptions.aes) runs its handshake's transcript hash and PRF on it (src/crypto/oneshot.ts).
   *  Without it they run on the portable SHA-256. */
  readonly sha256?: Sha256Provider;
}

/** A one-shot SHA-256: the whole message in one call (all that Espruino's native SHA256 offers). */
export interface Sha256Provider {
  /** Write SHA-256(data[off…off+len]) (32 bytes) to out[outOff…]; out may be data's array. */
  hash(data: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): void;
}
