// The handshake-only working state of DTLS sessions (RFC 6347 §4.2): the key schedule (PRF, HMAC,
// SHA-256 transcript), reassembly, the flight being built, the cookie, the server's hint, and the
// copies of the PSK identity and key. A session needs it only from start() until the handshake ends
// (Connected, Failed, Closed, reset), so the sessions of one client share one workspace and run
// their handshakes one at a time: a session acquires it in start() and releases it when its
// handshake ends (DtlsSession documents the protocol). The decrypt scratch, the fragment buffer and
// the record-protection scratch are used only within one call, so every session sharing the
// workspace uses them, also while another session holds the handshake state.
// Allocation-free after construction.
import { MAX_COOKIE, MAX_PSK, MAX_PSK_IDENTITY, MAX_SESSION_ID, HANDSHAKE_HEADER_LEN, VERIFY_DATA_LEN } from './constants.js';
import { KeySchedule } from './keys.js';
import { Reassembler, ServerHelloRecord } from './handshake.js';
import { RecordScratch } from './record.js';

export const FLIGHT_CAP = 768;
export const REASSEMBLY_SLOTS = 4;
export const REASSEMBLY_SLOT_CAP = 512;
export const HINT_CAP = 128;

export class DtlsWorkspace {
  /** The session whose handshake runs now (null when free). */
  owner: object | null = null;
  /** When the owner's handshake next needs a poll() (its retransmission deadline); Infinity when free. */
  ownerDeadline = Infinity;

  readonly keys = new KeySchedule(MAX_PSK);
  readonly sh = new ServerHelloRecord();
  readonly reasm = new Reassembler(REASSEMBLY_SLOTS, REASSEMBLY_SLOT_CAP);
  readonly flight = new Uint8Array(FLIGHT_CAP);
  readonly identity = new Uint8Array(MAX_PSK_IDENTITY);
  readonly psk = new Uint8Array(MAX_PSK);
  readonly cookie = new Uint8Array(MAX_COOKIE);
  /** The offered session id, then the server's. */
  readonly sid = new Uint8Array(MAX_SESSION_ID);
  /** The server's PSK identity hint of the last handshake run in this workspace. */
  readonly hint = new Uint8Array(HINT_CAP);
  /** A handshake header (12) at 0, then verify_data (12) at HANDSHAKE_HEADER_LEN. */
  readonly hv = new Uint8Array(HANDSHAKE_HEADER_LEN + VERIFY_DATA_LEN);

  // Used within one call only (shared by every session of the workspace at any time):
  /** Decrypted handshake/alert records. */
  readonly scratch: Uint8Array;
  /** One epoch-1 handshake fragment or an alert body before protection. */
  readonly frag: Uint8Array;
  readonly record = new RecordScratch();

  /** @param maxDatagram the largest maxDatagram of the sessions that will share this workspace. */
  constructor(readonly maxDatagram: number) {
    if (!(maxDatagram >= 128)) throw new RangeError('DtlsWorkspace: maxDatagram must be at least 128 bytes');
    this.scratch = new Uint8Array(maxDatagram > 2048 ? maxDatagram : 2048);
    this.frag = new Uint8Array(maxDatagram);
  }

  /** True while a session's handshake holds the workspace. */
  get busy(): boolean { return this.owner !== null; }
}
