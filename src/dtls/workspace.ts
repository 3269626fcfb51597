// The handshake-only working state of DTLS sessions (RFC 6347 §4.2): the key schedule (PRF, HMAC,
// SHA-256 transcript), reassembly, the flight being built, the server's hint, and the copies of the
// PSK identity and key. A session needs it only from start() until the handshake ends (Connected,
// Failed, Closed, reset), so the sessions of one client share one workspace and run their handshakes
// one at a time: a session acquires it in start() and releases it when its handshake ends
// (DtlsSession documents the protocol). The datagram scratch and the record-protection scratch are
// used only within one call, so every session sharing the workspace uses them, also while another
// session holds the handshake state.
// The handshake state itself (src/dtls/hs-state.ts) is made with the workspace and kept: allocation-free
// after construction. A transient workspace (the `transient` callback: a device with little memory,
// the Espruino builds) makes it when a handshake acquires the workspace and drops it when the
// handshake ends — the handshake then allocates, the connected and idle client holds none of it.
import { CLIENT_HELLO_MAX, HANDSHAKE_HEADER_LEN, MAX_PSK, MAX_PSK_IDENTITY, MAX_SESSION_ID, VERIFY_DATA_LEN } from './constants.js';
import { HandshakeState } from './hs-state.js';
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
export const WS_LEN = WS_PSK + MAX_PSK;

export class DtlsWorkspace {
  /** The session whose handshake runs now (null when free). */
  owner: object | null = null;
  /** When the owner's handshake next needs a poll() (its retransmission deadline); Infinity when free. */
  ownerDeadline = Infinity;
  /** The handshake state: while a session owns the workspace always; between handshakes only if
   *  the workspace is not transient. */
  hs: HandshakeState | null = null;
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
  private readonly sha256: Sha256Provider | undefined;
  private readonly transient: (() => void) | undefined;

  /**
   * @param maxDatagram the largest maxDatagram of the sessions that will share this workspace.
   * @param slab where the arrays come from (the sessions sharing the workspace default to it too).
   * @param sha256 a native one-shot SHA-256 for the handshake's transcript and PRF (the transcript is
   *               then kept, TRANSCRIPT_MAX bytes); default: the portable SHA-256.
   * @param transient when given, the handshake state is made (in a slab of its own) when a session
   *               acquires the workspace and dropped when it releases it, and then this is called
   *               (Espruino: the handshake's code is given back). Default: made now and kept.
   */
  constructor(readonly maxDatagram: number, readonly slab: Slab = new Slab(), sha256?: Sha256Provider, transient?: () => void) {
    if (!(maxDatagram >= 128)) throw new RangeError('DtlsWorkspace: maxDatagram must be at least 128 bytes');
    this.sha256 = sha256;
    this.transient = transient;
    if (transient === undefined) this.hs = new HandshakeState(slab, sha256);
    this.hint = slab.u8(HINT_CAP);
    this.scratch = slab.u8(maxDatagram);
    this.record = new RecordScratch(slab);
  }

  /** True while a session's handshake holds the workspace. */
  get busy(): boolean { return this.owner !== null; }

  /** A session's handshake takes the workspace (free, or already its own): the handshake state. */
  acquire(owner: object): HandshakeState {
    this.owner = owner;
    let hs = this.hs;
    if (hs === null) { hs = new HandshakeState(new Slab(), this.sha256); this.hs = hs; }
    return hs;
  }

  /** The owner's handshake is over (its secrets already wiped): the workspace is free; a transient
   *  one drops its handshake state. */
  release(): void {
    this.owner = null;
    this.ownerDeadline = Infinity;
    if (this.transient !== undefined && this.hs !== null) { this.hs = null; this.transient(); }
  }
}
