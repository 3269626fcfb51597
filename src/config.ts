// Every size the client will ever use, in one place. The config *is* the memory budget: the client
// allocates everything from it in its constructor and nothing afterwards (ARCHITECTURE.md §2).
// `memoryTable()` turns a config into the README's table (bytes per item × count).

export interface Config {
  /** Largest datagram received or sent, in bytes (RFC 7252 §4.6 suggests 1152 for CoAP without
   *  block-wise; DTLS adds up to 29 bytes of record overhead). */
  maxDatagram: number;
  /** Slots of the request ring: inbound requests parsed and waiting for dispatch. */
  requestRingDepth: number;
  /** Slots of the response ring: outbound messages waiting to be sent or acknowledged. */
  responseRingDepth: number;
  /** Message-ID deduplication entries (RFC 7252 §4.5), each keeping the response it sent. */
  dedupEntries: number;
  /** Peers (bootstrap server + LwM2M servers) the client talks to at once. */
  maxPeers: number;
  /** LwM2M server accounts (Server object instances) served at once. */
  maxServers: number;
  /** DTLS sessions (coaps:// accounts: the bootstrap server takes the last one). 0 builds a
   *  NoSec-only client. Default maxServers + 1. */
  dtlsSessions: number;
  /** Observations (RFC 7641) held at once, all servers together. */
  maxObservations: number;
  /** Object instances in the object table, all objects together. */
  maxInstances: number;
  /** Resource values (single resources and resource instances) in the object table. */
  maxValues: number;
  /** Bytes of the arena that holds string and opaque values. */
  arenaBytes: number;
  /** Largest payload the client encodes (a Read answered in Block2 blocks) or reassembles from
   *  Block1 blocks (a large Write or Bootstrap-Write). */
  maxPayload: number;
  /** Block-wise transfer block size (RFC 7959 SZX: 16…1024). */
  blockSize: number;
  /** RFC 7252 §4.8 transmission parameters, milliseconds where a time. */
  ackTimeout: number;
  ackRandomFactor: number;
  maxRetransmit: number;
  nstart: number;
  /** Queue Mode (TS Core §6.5): ms the client stays reachable after its last exchange before it goes
   *  offline; 0 is MAX_TRANSMIT_WAIT (93 s with the RFC 7252 defaults). */
  queueTime: number;
  /** Notifications stored while offline or while the server is unreachable (/1/x/6 true), and the
   *  largest encoded notification a slot holds (bytes). 0 slots: none stored. */
  storedNotifications: number;
  storedNotificationBytes: number;
}

/** RFC 7252 §4.8 defaults. */
export const ACK_TIMEOUT = 2000;
export const ACK_RANDOM_FACTOR = 1.5;
export const MAX_RETRANSMIT = 4;
export const NSTART = 1;
/** RFC 7252 §4.8.2: MAX_TRANSMIT_SPAN = ACK_TIMEOUT * (2^MAX_RETRANSMIT - 1) * ACK_RANDOM_FACTOR. */
export function maxTransmitSpan(c: Config): number {
  return c.ackTimeout * ((1 << c.maxRetransmit) - 1) * c.ackRandomFactor;
}
/** RFC 7252 §4.8.2: MAX_TRANSMIT_WAIT = ACK_TIMEOUT * (2^(MAX_RETRANSMIT + 1) - 1) * ACK_RANDOM_FACTOR. */
export function maxTransmitWait(c: Config): number {
  return c.ackTimeout * ((1 << (c.maxRetransmit + 1)) - 1) * c.ackRandomFactor;
}
/** RFC 7252 §4.8.2: MAX_LATENCY, 100 s. */
export const MAX_LATENCY = 100_000;
/** RFC 7252 §4.8.2: PROCESSING_DELAY = ACK_TIMEOUT. */
export function processingDelay(c: Config): number { return c.ackTimeout; }
/** RFC 7252 §4.8.2: EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2 * MAX_LATENCY + PROCESSING_DELAY (247 s). */
export function exchangeLifetime(c: Config): number {
  return maxTransmitSpan(c) + 2 * MAX_LATENCY + processingDelay(c);
}
/** RFC 7252 §4.8.2: NON_LIFETIME = MAX_TRANSMIT_SPAN + MAX_LATENCY (145 s). */
export function nonLifetime(c: Config): number { return maxTransmitSpan(c) + MAX_LATENCY; }

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  maxDatagram: 1280,
  requestRingDepth: 4,
  responseRingDepth: 8,
  dedupEntries: 8,
  maxPeers: 4,
  maxServers: 2,
  dtlsSessions: 3,
  maxObservations: 16,
  maxInstances: 48,
  maxValues: 384,
  arenaBytes: 6144,
  maxPayload: 4096,
  blockSize: 512,
  ackTimeout: ACK_TIMEOUT,
  ackRandomFactor: ACK_RANDOM_FACTOR,
  maxRetransmit: MAX_RETRANSMIT,
  nstart: NSTART,
  queueTime: 0,
  storedNotifications: 4,
  storedNotificationBytes: 48,
});

export class ConfigError extends Error {}

/** A config with defaults filled in, checked. Throws ConfigError naming the key to change. */
export function makeConfig(overrides?: Partial<Config>): Config {
  // A config made here and frozen is one already: the same object back (a client given one keeps
  // one copy, not two: under XS each is 21 heap slots).
  if (overrides && Object.isFrozen(overrides) && overrides !== DEFAULT_CONFIG && isMade(overrides)) return overrides as Config;
  const c: Config = Object.assign({}, DEFAULT_CONFIG, overrides || {});
  // dtlsSessions follows maxServers unless given: one per server account and one for the bootstrap server.
  if (!overrides || overrides.dtlsSessions === undefined) c.dtlsSessions = c.maxServers + 1;
  const positive: (keyof Config)[] = ['maxDatagram', 'requestRingDepth', 'responseRingDepth', 'dedupEntries',
    'maxPeers', 'maxServers', 'maxObservations', 'maxInstances', 'maxValues', 'arenaBytes', 'maxPayload', 'ackTimeout',
    'maxRetransmit', 'nstart'];
  for (const k of positive) {
    const v = c[k];
    if (typeof v !== 'number' || !(v >= 1) || Math.floor(v) !== v) {
      throw new ConfigError(`config.${k} must be a positive integer (got ${String(v)})`);
    }
  }
  if (c.maxDatagram < 64 || c.maxDatagram > 65507) throw new ConfigError('config.maxDatagram must be 64…65507 bytes');
  if (c.blockSize !== 16 && c.blockSize !== 32 && c.blockSize !== 64 && c.blockSize !== 128 &&
      c.blockSize !== 256 && c.blockSize !== 512 && c.blockSize !== 1024) {
    throw new ConfigError('config.blockSize must be a power of two from 16 to 1024 (RFC 7959 §2.2)');
  }
  if (c.blockSize + 64 > c.maxDatagram) throw new ConfigError('config.blockSize must leave 64 bytes for the CoAP header and options within config.maxDatagram');
  if (c.ackRandomFactor < 1) throw new ConfigError('config.ackRandomFactor must be at least 1 (RFC 7252 §4.8)');
  if (!(c.dtlsSessions >= 0 && c.dtlsSessions <= c.maxServers + 1) || Math.floor(c.dtlsSessions) !== c.dtlsSessions) {
    throw new ConfigError('config.dtlsSessions must be an integer from 0 to config.maxServers + 1');
  }
  if (!(c.queueTime >= 0)) throw new ConfigError('config.queueTime must be 0 (MAX_TRANSMIT_WAIT) or a number of ms');
  if (!(c.storedNotifications >= 0 && c.storedNotifications <= 255) || Math.floor(c.storedNotifications) !== c.storedNotifications) {
    throw new ConfigError('config.storedNotifications must be an integer from 0 to 255');
  }
  // The default follows a small maxPayload down (a notification never encodes larger than it).
  if (!overrides || overrides.storedNotificationBytes === undefined) c.storedNotificationBytes = Math.min(DEFAULT_CONFIG.storedNotificationBytes, c.maxPayload);
  if (!(c.storedNotificationBytes >= 1 && c.storedNotificationBytes <= c.maxPayload) || Math.floor(c.storedNotificationBytes) !== c.storedNotificationBytes) {
    throw new ConfigError('config.storedNotificationBytes must be an integer from 1 to config.maxPayload');
  }
  if (c.maxServers + 1 > c.maxPeers) throw new ConfigError('config.maxPeers must be at least config.maxServers + 1 (the bootstrap server)');
  return c;
}

/** Whether `c` has every key of a made config, each as makeConfig would leave it (it checks them). */
function isMade(c: Partial<Config>): boolean {
  for (const k of Object.keys(DEFAULT_CONFIG) as (keyof Config)[]) if (typeof c[k] !== 'number') return false;
  const again = makeConfig(Object.assign({}, c));
  for (const k of Object.keys(DEFAULT_CONFIG) as (keyof Config)[]) if (again[k] !== c[k]) return false;
  return true;
}

export interface MemoryRow { key: string; count: number; bytesEach: number; total: number; what: string }

/** The memory budget of a config: one row per item (bytes of the buffers and records it sizes, per
 *  unit), and one for what does not scale with any key. */
export function memoryTable(c: Config): MemoryRow[] {
  // Bytes per unit as measured under the XS engine on a 32-bit target (heap slots × 16 + the bytes
  // of the arrays, a shared page's unused tail left out: the marginal cost of one more unit,
  // test-host/xs/memory.ts, docs/xs-memory.md). The fixed row is the rest of the esp32 board's
  // measured footprint (the client's objects: classes, the object table's records, the codecs'
  // state...). Code and frozen tables live in flash and are not counted.
  const rows: MemoryRow[] = [];
  const row = (key: string, count: number, bytesEach: number, what: string) =>
    rows.push({ key, count, bytesEach, total: count * bytesEach, what });
  const dtls = c.dtlsSessions > 0 ? 1 : 0;
  row('maxDatagram', 1 + dtls, c.maxDatagram, 'DTLS plaintext scratch; the DTLS workspace\'s record scratch');
  row('requestRingDepth', c.requestRingDepth, c.maxDatagram + 12, 'inbound request slot (a datagram)');
  row('responseRingDepth', c.responseRingDepth, c.maxDatagram + 56, 'outbound message slot (datagram + retransmission state)');
  row('dedupEntries', c.dedupEntries, c.maxDatagram + 44, 'dedup entry (message id, token, peer, the response it sent)');
  row('maxPeers', c.maxPeers, 360, 'peer (address record, PSK identity and key)');
  row('maxServers', c.maxServers, 156, 'server account state (registration, location path, timers)');
  row('dtlsSessions', c.dtlsSessions, DTLS_SESSION_BYTES, 'DTLS session (record keys both ways, epochs, replay window, resumption, CID)');
  row('dtlsSessions > 0', dtls, DTLS_WORKSPACE_BYTES, 'DTLS handshake workspace shared by all sessions (reassembly, flight, key schedule)');
  row('maxObservations', c.maxObservations, 300, 'observation (token, paths, attributes, last value) and its attribute rows');
  row('maxInstances', c.maxInstances, 12, 'object instance entry, live table + bootstrap staging copy');
  row('maxValues', c.maxValues, 86, 'resource value, live table + staging copy + persistence buffer');
  row('arenaBytes', c.arenaBytes, 3, 'string/opaque arena byte: live table, staging copy, persistence buffer');
  row('maxPayload', c.maxPayload, 2, 'payload byte: Block2 encode scratch and Block1 reassembly');
  row('fixed', 1, CLIENT_FIXED_BYTES, 'the client\'s objects and small state, whatever the sizes');
  return rows;
}

/** One DTLS session, and the shared handshake workspace without its maxDatagram scratch (counted in
 *  the maxDatagram row), measured under XS (see memoryTable). */
export const DTLS_SESSION_BYTES = 2592;
/** (The esp32 client minus the same sizes without DTLS, minus two sessions and one maxDatagram scratch:
 *  43,824 − 32,840 − 2 × 2,592 − 576; 96 B of it the handshake state's own object, src/dtls/hs-state.ts.) */
export const DTLS_WORKSPACE_BYTES = 5224;
/** The esp32 board's measured footprint (43,824 B: 1,115 slots × 16 + 25,984 chunk bytes; 45,976 before XS's
 *  slab pages grew to what they hold, src/slab.ts; 42,840 before the XS measurement stopped counting a
 *  retained object table as freed, test-host/xs/harness.ts displacer) minus its rows above. */
export const CLIENT_FIXED_BYTES = 12896;
