// A DTLS client handshake replayed from a recorded transcript, deterministic and allocation-free per
// run, so the same code runs under V8 and under XS (test-host/dtls/xs.test.ts) and must produce the
// same bytes. The transcript (the server's datagrams, then server application records) is recorded in
// Node against the in-process server with this file's seeded generator.
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';
import type { BlockCipherProvider } from '../../src/crypto/provider.js';

let state = 0x1234567;
/** The client's random source: xorshift32 from a fixed seed (reset before each run). */
export function rng(b: Uint8Array, o: number, l: number): void {
  for (let i = 0; i < l; i++) { state ^= state << 13; state ^= state >>> 17; state ^= state << 5; b[o + i] = state & 255; }
}
export function resetRng(): void { state = 0x1234567; }

export const IDENTITY = 'xs-client';
export const PSK_HEX = '00112233445566778899aabbccddeeff';

function fromHex(s: string): Uint8Array {
  const b = new Uint8Array(s.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substring(2 * i, 2 * i + 2), 16);
  return b;
}
function fromAscii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

export interface TranscriptHex { serverDatagrams: string[]; appRecords: string[] }

/** Everything one run needs, decoded once. */
export class Replay {
  readonly client: DtlsSession;
  readonly id = fromAscii(IDENTITY);
  readonly psk = fromHex(PSK_HEX);
  readonly dgrams: Uint8Array[];
  readonly apps: Uint8Array[];
  readonly out = new Uint8Array(1152);
  readonly plain = new Uint8Array(1152);
  readonly app = fromAscii('hello from the device');

  /** @param aes a native block cipher (and through it a native SHA-256) for the client; default portable. */
  constructor(t: TranscriptHex, aes?: BlockCipherProvider) {
    this.client = new DtlsSession(1152, rng, aes);
    this.dgrams = t.serverDatagrams.map(fromHex);
    this.apps = t.appRecords.map(fromHex);
  }

  /** Handshake from the transcript, open the server's records, seal two of ours. Returns a checksum of
   *  every byte the client produced, or a negative number on failure. With `bytes` false only the
   *  lengths are summed (timing the client: under Espruino the checksum costs ~0.1 ms a byte). */
  run(bytes = true): number {
    const c = this.client, out = this.out;
    resetRng();
    c.reset(false);
    c.start(this.id, this.id.length, this.psk, this.psk.length, 0, false);
    let sum = 0;
    let n: number;
    for (let i = 0; i < this.dgrams.length; i++) {
      while ((n = c.transmit(out, 0)) > 0) sum = bytes ? mix(sum, out, n) : sum + n;
      const d = this.dgrams[i];
      if (c.receive(d, 0, d.length, 0, this.plain, 0) < 0) return -1;
    }
    while ((n = c.transmit(out, 0)) > 0) sum = bytes ? mix(sum, out, n) : sum + n;
    if (c.state !== DtlsState.Connected) return -2;
    for (let i = 0; i < this.apps.length; i++) {
      const r = this.apps[i];
      const m = c.receive(r, 0, r.length, 0, this.plain, 0);
      if (m <= 0) return -3;
      sum = bytes ? mix(sum, this.plain, m) : sum + m;
    }
    for (let i = 0; i < 2; i++) {
      n = c.seal(this.app, 0, this.app.length, out, 0);
      if (n <= 0) return -4;
      sum = bytes ? mix(sum, out, n) : sum + n;
    }
    return sum >>> 0;
  }
}

/** A checksum of n bytes of b folded into sum. */
export function mix(sum: number, b: Uint8Array, n: number): number {
  for (let i = 0; i < n; i++) sum = (Math.imul(sum, 31) + b[i] + 1) | 0;
  return Math.imul(sum, 31) + n | 0;
}
