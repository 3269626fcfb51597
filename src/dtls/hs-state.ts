// The handshake's own working state (RFC 6347 §4.2): the key schedule (PRF, HMAC, the SHA-256
// transcript), the reassembly of the server's flight, the flight we build, and the offered/server
// session id, a handshake header with verify_data, and the copies of the PSK identity and key
// (WS_* offsets in src/dtls/workspace.ts). A DtlsWorkspace holds one: made once with the workspace
// (the default: allocation-free after construction), or — a transient workspace — made when a
// handshake starts and dropped when it ends, so that a device with little memory holds neither
// these ~4 KB nor the handshake's code (this module, handshake.ts, keys.ts and the PRF: the
// Espruino builds load them on first use and give them back, host/espruino-build.ts) while it is
// connected or idle.
import { MAX_PSK } from './constants.js';
import { KeySchedule } from './keys.js';
import { Reassembler, ServerHelloRecord } from './handshake.js';
import { Slab } from '../slab.js';
import type { Sha256Provider } from '../crypto/provider.js';
import { FLIGHT_CAP, REASSEMBLY_CAP, REASSEMBLY_SLOTS, TRANSCRIPT_MAX, WS_LEN } from './workspace.js';

export class HandshakeState {
  readonly keys: KeySchedule;
  readonly sh = new ServerHelloRecord();
  readonly reasm: Reassembler;
  readonly flight: Uint8Array;
  /** The offered session id, then the server's (WS_SID); a handshake header and verify_data (WS_HV);
   *  the copies of the PSK identity (WS_IDENTITY) and key (WS_PSK). */
  readonly b: Uint8Array;

  /** @param sha256 a native one-shot SHA-256 for the transcript and the PRF (the transcript is then
   *  kept, TRANSCRIPT_MAX bytes); default: the portable SHA-256. */
  constructor(slab: Slab, sha256?: Sha256Provider) {
    this.keys = new KeySchedule(MAX_PSK, slab, sha256, TRANSCRIPT_MAX);
    this.reasm = new Reassembler(REASSEMBLY_SLOTS, REASSEMBLY_CAP, slab);
    this.flight = slab.u8(FLIGHT_CAP);
    this.b = slab.u8(WS_LEN);
  }
}
