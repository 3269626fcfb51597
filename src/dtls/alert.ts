// Alerts (RFC 5246 §7.2): the two-byte body, and the mapping of a received fatal alert to DtlsError.
import { AlertLevel, DtlsError } from './constants.js';

export const ALERT_LEN = 2;

export function writeAlert(out: Uint8Array, o: number, level: number, description: number): number {
  out[o] = level; out[o + 1] = description;
  return ALERT_LEN;
}

/** The session error for a fatal alert from the peer: PeerAlert + description. */
export function alertError(description: number): number { return DtlsError.PeerAlert + description; }

export function isFatal(level: number): boolean { return level === AlertLevel.Fatal; }
