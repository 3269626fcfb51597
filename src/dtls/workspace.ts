// The handshake-only working state of DTLS sessions (RFC 6347 §4.2): the key schedule (PRF, HMAC,
// SHA-256 transcript), reassembly, the flight being built, the server's hint, and the copies of the
// PSK identity and key. A session needs it only from start() until the handshake ends (Connected,
// Failed, Closed, reset), so the sessions of one client share one workspace and run their handshakes
// one at a time: a session acquires it in start() and releases it when its handshake ends
// (DtlsSession documents the protocol). The datagram scratch and the record-protection scratch are
// used only within one call, so every session sharing the workspace uses them, also while another
// session holds the handshake state.
// Allocation-free after construction.
import { HANDSHAKE_HEADER_LEN, MAX_PSK, MAX_PSK_IDENTITY, MAX_SESSION_ID, VERIFY_DATA_LEN } from './constants.js';
import { KeySchedule } from './keys.js';
import { CLIENT_HELLO_MAX, Reassembler, ServerHelloRecord } from './handshake.js';
import { RecordScratch } from './record.js';
import { Slab } from '../slab.js';
import type { Sha256Provider } from '../crypto/provider.js';

/**
 * Our largest flight: the ClientHello with the longest session id and cookie (352 bytes). Flight 5
 * (ClientKeyExchange with a 128-byte identity, Finished) is 166, the resumed final Finished 24.
 */
export const FLIGHT_CAP = HANDSHAKE_HEADER_LEN + CLIENT_HELLO_MAX;
/** Messages of the server's flight that may wait for an earlier one (ServerHello, ServerKeyExchange,
 *  ServerHelloDone, and one spare). */
export const REASSEMBLY_SLOTS = 4;
/**
 * The bytes of the server messages pending at once: one server flight. A PSK flight 4 is a
 * ServerHello (70 bytes, + 2 + 5 renegotiation_info + 260 for a 255-byte connection ID = 337) and a
 * ServerKeyExchange (2 + a hint of up to HINT_CAP = 130): 467 bytes; 512 leaves room for extensions
 * we ignore. A HelloVerifyRequest is at most 258. A larger flight still completes (Reassembler), a
 * single longer message fails the handshake (internal_error).
 */
export const REASSEMBLY_CAP = 512;
/** The longest PSK identity hint kept (RFC 4279 §5.3: implementations support hints of 128 bytes). */
export const HINT_CAP = 128;

/**
 * The most handshake bytes one handshake hashes (its transcript, headers included): our longest
 * ClientHello, the server's ServerHello and ServerKeyExchange (each at most REASSEMBLY_CAP: a longer
 * message fails the handshake), ServerHelloDone, our ClientKeyExchange with the longest identity,
 * and both Finished (an abbreviated handshake hashes less). The buffer of a transcript kept for a
 * one-shot native SHA-256 (KeySchedule): 1,602 bytes.
 */
export const TRANSCRIPT_MAX = FLIGHT_CAP + 2 * (HANDSHAKE_HEADER_LEN + REASSEMBLY_CAP) + HANDSHAKE_HEADER_LEN +
  (HANDSHAKE_HEADER_LEN + 2 + MAX_PSK_IDENTITY) + 2 * (HANDSHAKE_HEADER_LEN + VERIFY_DATA_LEN);

/** Offsets in DtlsWorkspace.b (one array: XS charges each typed array on top of its bytes). The session
 *  id is at 0, where writeClientHello() reads it. */
export const WS_SID = 0;
/** A handshake header (12), then verify_data (12). */
export const WS_HV = WS_SID + MAX_SESSION_ID;
export const WS_IDENTITY = WS_HV + HANDSHAKE_HEADER_LEN + VERIFY_DATA_LEN;
export const WS_PSK = WS_IDENTITY + MAX_PSK_IDENTITY;
const WS_LEN = WS_PSK + MAX_PSK;

export class DtlsWorkspace {
  /** The session whose handshake runs now (null when free). */
  owner: object | null = null;
  /** When the owner's handshake next needs a poll() (its retransmission deadline); Infinity when free. */
  ownerDeadline = Infinity;

  readonly keys: KeySchedule;
  readonly sh = new ServerHelloRecord();
  readonly reasm: Reassembler;
  readonly flight: Uint8Array;
  /** The offered session id, then the server's (WS_SID); a handshake header and verify_data (WS_HV);
   *  the copies of the PSK identity (WS_IDENTITY) and key (WS_PSK). */
  readonly b: Uint8Array;
  /** The server's PSK identity hint of the last handshake run in this workspace. */
  readonly hint: Uint8Array;

  // Used within one call only (shared by every session of the workspace at any time):
  /**
   * maxDatagram bytes: receive() decrypts a handshake or alert record into it (a record is never
   * longer than its datagram), transmit() builds an epoch-1 handshake fragment or an alert in it
   * before protection (the two never nest).
   */
  readonly scratch: Uint8Array;
  readonly record: RecordScratch;

  /**
   * @param maxDatagram the largest maxDatagram of the sessions that will share this workspace.
   * @param slab where the arrays come from (the sessions sharing the workspace default to it too).
   * @param sha256 a native one-shot SHA-256 for the handshake's transcript and PRF (the transcript is
   *               then kept, TRANSCRIPT_MAX bytes); default: the portable SHA-256.
   */
  constructor(readonly maxDatagram: number, readonly slab: Slab = new Slab(), sha256?: Sha256Provider) {
    if (!(maxDatagram >= 128)) throw new RangeError('DtlsWorkspace: maxDatagram must be at least 128 bytes');
    this.keys = new KeySchedule(MAX_PSK, slab, sha256, TRANSCRIPT_MAX);
    this.reasm = new Reassembler(REASSEMBLY_SLOTS, REASSEMBLY_CAP, slab);
    this.flight = slab.u8(FLIGHT_CAP);
    this.b = slab.u8(WS_LEN);
    this.hint = slab.u8(HINT_CAP);
    this.scratch = slab.u8(maxDatagram);
    this.record = new RecordScratch(slab);
  }

  /** True while a session's handshake holds the workspace. */
  get busy(): boolean { return this.owner !== null; }
}
