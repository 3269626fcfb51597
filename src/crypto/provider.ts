// The block-cipher seam: a HAL may hand the core a native AES-128 (Moddable's `crypt` BlockCipher,
// Node's crypto) through this interface; the portable `Aes128` in aes.ts is the default.
// Implementations must not allocate per call.

export interface BlockCipherProvider {
  /** Load a 16-byte AES-128 key from key[off…off+16]. */
  setKey(key: Uint8Array, off: number): void;
  /** Encrypt one 16-byte block inp[inOff…] into out[outOff…] (the two may be the same bytes). */
  encryptBlock(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void;
  /** Decrypt one block (only CBC suites need it; a provider without it gets the portable AES). */
  decryptBlock?(inp: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void;
}
