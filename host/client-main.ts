// `lwm2m-mcu client`: the host board, built on the public API (src/index.ts, hal/node/index.ts) on the
// Node HAL: objects 0, 1, 2, 3, 4 and a temperature sensor (3303) whose value drifts, or the ready
// objects of --object with simulated values (host/sim-objects.ts); one readable line per protocol
// event (the engine's events through onEvent). SIGINT/SIGTERM de-register, then exit.

import { NodeHal } from '../hal/node/hal.js';
import { LogLevel } from '../hal/hal.js';
import type { ClientCliOptions, CoapUri } from './args.js';
import { formatCoapUri } from './args.js';
import { Lwm2mClient as PublicClient, type Account, type ClientOptions, type Platform, type Transport } from '../hal/node/index.js';
import { engineOf, sleepDiscardText } from '../src/api/client.js';
import { simObject, type SimObject } from './sim-objects.js';
import { Ev } from '../src/client/events.js';
import { codeString } from '../src/coap/codes.js';
import { Reg, type Lwm2mClient } from '../src/client/client.js';
import { lastProblem } from '../src/client/bootstrap.js';
import { lookup } from 'node:dns/promises';
import { execFileSync } from 'node:child_process';
import { isIP } from 'node:net';
import { DtlsError } from '../src/dtls/constants.js';
import { DataRecord, NONE } from '../src/model/record.js';
import { Rx } from '../src/coap/endpoint.js';
import { PeerAddress, formatAddress } from '../src/coap/peer.js';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { NodeFirmwareStore } from '../hal/node/firmware.js';
import { mkdirSync } from 'node:fs';

function mkdirFirmware(dir: string | undefined): void { if (dir) mkdirSync(dir, { recursive: true }); }

export type { ClientCliOptions } from './args.js';

const METHOD = ['EMPTY', 'GET', 'POST', 'PUT', 'DELETE', 'FETCH', 'PATCH', 'iPATCH'];
const BS_MODE = ['client-initiated', 'server-initiated', 'smartcard', 'factory'];

/** Why a DTLS handshake failed (DtlsError), for people. */
export function dtlsErrorText(code: number): string {
  switch (code) {
    case DtlsError.Timeout: return 'no answer from the server (unreachable, or not speaking DTLS on that port)';
    case DtlsError.FinishedTimeout: return 'the server never accepted our Finished: almost always a wrong PSK or PSK identity';
    case DtlsError.BadServerHello: return 'the server chose a version or cipher suite we did not offer (we offer TLS_PSK_WITH_AES_128_CCM_8 and TLS_PSK_WITH_AES_128_CBC_SHA256)';
    case DtlsError.BadFinished: return "the server's Finished did not verify: the server holds another PSK";
    case DtlsError.BadHandshake: return 'a malformed or unexpected handshake message';
    case DtlsError.AlertBadRecordMac: return 'alert bad_record_mac from the server (wrong PSK?)';
    case DtlsError.AlertHandshakeFailure: return 'alert handshake_failure from the server (no common cipher suite, or the identity is unknown)';
    case DtlsError.AlertDecryptError: return 'alert decrypt_error from the server (wrong PSK?)';
    case DtlsError.AlertUnknownPskIdentity: return 'alert unknown_psk_identity from the server: check the PSK identity';
    default: return code >= DtlsError.PeerAlert ? `fatal alert ${code - DtlsError.PeerAlert} from the server` : `error ${code}`;
  }
}

const SEC_MODE = ['PSK', 'Raw Public Key', 'Certificate', 'NoSec', 'Certificate with EST'];

/** The line for CONFIG_ERROR a = 3: Security instance `sec`'s URI scheme contradicts its mode. */
function schemeModeText(c: Lwm2mClient, sec: number): string {
  let uri = '', mode = -1;
  const t = (c as Partial<Lwm2mClient>).table;
  if (t) {
    const r = new DataRecord();
    if (t.getValue(0, sec, 0, NONE, r) === 0) uri = new TextDecoder().decode(r.buf.subarray(r.off, r.off + r.len));
    if (t.getValue(0, sec, 2, NONE, r) === 0) mode = r.num;
  }
  const plain = !/^coaps:/i.test(uri);
  const m = mode >= 0 ? `Security Mode ${mode}${SEC_MODE[mode] ? ` (${SEC_MODE[mode]})` : ''}` : 'its Security Mode';
  return `Security instance /0/${sec} refused: its URI${uri ? ' ' + uri : ''} contradicts ${m}: `
    + (plain ? 'coap:// is plain UDP and an account with a key is never used in clear; give coaps://, or Security Mode 3 (NoSec)'
      : 'coaps:// is DTLS, which needs a key; give Security Mode 0 (PSK) with an identity and key, or coap://');
}

/** One readable line for a client event (host-side: allocates). */
export function eventText(c: Lwm2mClient, e: number, a: number, b: number): string {
  switch (e) {
    case Ev.LOADED: return `configuration loaded from ${['', 'storage', 'smartcard', 'factory defaults'][a]}`;
    case Ev.BOOTSTRAP_STARTED: return `bootstrap started (${BS_MODE[a]}); bootstrap flag set, ${b} pending message(s) flushed`;
    case Ev.BOOTSTRAP_REQUEST_SENT: return `Bootstrap-Request sent (attempt ${a + 1})`;
    case Ev.BOOTSTRAP_WRITE: return `Bootstrap-Write /${a}${b >= 0 ? '/' + b : ''}`;
    case Ev.BOOTSTRAP_DELETE: return `Bootstrap-Delete /${a >= 0 ? a : ''}${b >= 0 ? '/' + b : ''}`;
    case Ev.BOOTSTRAP_READ: return `Bootstrap-Read /${a}${b >= 0 ? '/' + b : ''}`;
    case Ev.BOOTSTRAP_DISCOVER: return `Bootstrap-Discover /${a >= 0 ? a : ''}`;
    case Ev.BOOTSTRAP_FINISHED: return `Bootstrap-Finish accepted: configuration committed, starting fresh (${c.bsFlushed} datagram(s)/message(s) dropped by the bootstrap flag)`;
    case Ev.BOOTSTRAP_FAILED:
      return a === 3 ? `Bootstrap-Finish refused (4.06): ${lastProblem()}` : a === 1 ? 'bootstrap impossible: no bootstrap-server account'
        : `bootstrap attempt failed (${b ? codeString(b) : 'timeout'})`;
    case Ev.BOOTSTRAP_ROLLBACK: return 'bootstrap abandoned: rolled back to the last committed configuration';
    case Ev.BOOTSTRAP_ACCOUNT_PURGED: return `bootstrap-server account /0/${a} purged (Bootstrap-Server Account Timeout)`;
    case Ev.REGISTER_SENT: return `Register sent to server ${a}`;
    case Ev.REGISTERED: return `registered with server ${a}`;
    case Ev.UPDATE_SENT: return `Update sent to server ${a}`;
    case Ev.UPDATED: return `registration updated with server ${a}`;
    case Ev.REGISTRATION_FAILED: return `registration with server ${a} failed (${b ? codeString(b) : 'timeout'})`;
    case Ev.REGISTRATION_EXHAUSTED: return `registration with server ${a}: the retry sequence is exhausted; trying again every ${b} s`;
    case Ev.DEREGISTERED: return `de-registered from server ${a}`;
    case Ev.REQUEST: return `${METHOD[Math.floor(a / 65536)] ?? 'request'} from ${b ? 'server ' + b : 'an unknown peer'} → ${codeString(a & 0xff)}`;
    case Ev.OBSERVE_STARTED: return `observation ${b} started by ${a ? 'server ' + a : 'an unknown peer'}`;
    case Ev.OBSERVE_CANCELLED: return `observation ${b} cancelled`;
    case Ev.NOTIFY_SENT: return `notification sent for observation ${b}`;
    case Ev.CONFIG_ERROR: return a === 2 ? `server ${b}: its URI cannot be used (the host name does not resolve, or its security mode is not supported)`
      : a === 3 ? schemeModeText(c, b)
      : a === 4 ? `Security instance /0/${b}: no DTLS session left for this coaps:// account: raise config.dtlsSessions (one per coaps:// server, plus one for a coaps:// bootstrap server); account not used`
      : 'no usable configuration: give --server or --bootstrap (or a provisioning file)';
    case Ev.PROVISIONING_FAILED: return `provisioning data refused (${codeString(a)}): ${lastProblem()}; nothing stored changed`;
    case Ev.SEND_SENT: return `Send to server ${a}`;
    case Ev.SEND_DONE: return `Send answered ${b ? codeString(b) : 'timeout'}`;
    case Ev.DROPPED_BY_BOOTSTRAP: return `bootstrap flag: ${a} datagram(s) from other peers dropped, ${b} pending message(s) flushed`;
    case Ev.REBOOT: return 'Execute /3/0/4: reboot';
    case Ev.FACTORY_RESET: return 'Execute /3/0/5: factory reset';
    case Ev.DTLS_FAILED: return `DTLS handshake with ${a ? 'server ' + a : 'the bootstrap server'} failed: ${dtlsErrorText(b)}`;
    case Ev.FIRMWARE: return `firmware: State ${a} (${['Idle', 'Downloading', 'Downloaded', 'Updating'][a] ?? '?'}), Update Result ${b}`;
    case Ev.SECURITY_UNSUPPORTED: return b === 0 ? `Security instance /0/${a}: its PSK identity (/0/${a}/3) or key (/0/${a}/5) is missing or cannot be used; account not used`
      : `Security instance /0/${a}: Security Mode ${b}${SEC_MODE[b] ? ` (${SEC_MODE[b]})` : ''} is not implemented (only 0 PSK and 3 NoSec are); account not used`;
    case Ev.SAVE_FAILED: return a === 0 ? 'a Write to the Security, Server or Access Control object could not be saved: answered 5.00 (the change is only in memory)'
      : a === 1 ? 'Bootstrap-Finish refused (5.00): the new configuration could not be saved; the last saved one stays'
      : 'the configuration could not be saved (the change is only in memory until a save succeeds)';
    case Ev.OFFLINE: return a < 0 ? 'queue mode: offline (socket closed) until woken' : `queue mode: offline (socket closed) until ${(a / 1000).toFixed(1)} s (in ${Math.max(0, (a - c.now) / 1000).toFixed(1)} s)`;
    case Ev.ONLINE: return `queue mode: woken by ${['', 'a deadline (Update)', 'a notification', 'a datagram', 'a Send', 'a Register', 'the application'][a] ?? 'event ' + a} after ${b} s offline: awake`;
    case Ev.QUEUE_DROPPED: return `queue mode: the stored-notification ring is full: the oldest dropped (${a} so far)`;
    case Ev.SLEEP_RESUMED: return `queue mode: resumed from the persisted sleep state (${a} registration${a === 1 ? '' : 's'}, stopped ${b} s): no Register`;
    case Ev.SLEEP_DISCARDED: return `queue mode: the persisted sleep state is not used (${sleepDiscardText(a)}): registering afresh`;
    case Ev.SLEEP_SAVED: return `queue mode: sleep state saved (${a} bytes)`;
    case Ev.SLEEP_CID: return `queue mode: DTLS session taken back with the server's Connection ID (${a}): no handshake`;
    case Ev.SLEEP_SAVE_FAILED: return `queue mode: the sleep state (${a} bytes) could not be saved: a restart would resume from the previous one, or register`;
    case Ev.CIPHERSUITE_UNSUPPORTED: return `Security instance /0/${a}: its DTLS ciphersuites (/0/${a}/16, e.g. 0x${b.toString(16).padStart(4, '0')}) are not implemented (only 0xc0a8 TLS_PSK_WITH_AES_128_CCM_8 and 0x00ae TLS_PSK_WITH_AES_128_CBC_SHA256): account not used`;
    default: return `event ${e} (${a}, ${b})`;
  }
}

/** The log level of an event's line: failures warn, what only a developer needs is debug. */
export function eventLevel(e: number, a: number, b: number): LogLevel {
  switch (e) {
    case Ev.CONFIG_ERROR: case Ev.SAVE_FAILED: return LogLevel.ERROR;
    case Ev.BOOTSTRAP_FAILED: case Ev.REGISTRATION_FAILED: case Ev.DTLS_FAILED: case Ev.SECURITY_UNSUPPORTED:
    case Ev.QUEUE_DROPPED: case Ev.SLEEP_DISCARDED: case Ev.SLEEP_SAVE_FAILED:
    case Ev.PROVISIONING_FAILED: case Ev.BOOTSTRAP_ROLLBACK: case Ev.REGISTRATION_EXHAUSTED: case Ev.CIPHERSUITE_UNSUPPORTED: return LogLevel.WARN;
    case Ev.SEND_DONE: return b >= 0x40 || b === 0 ? LogLevel.WARN : LogLevel.INFO;
    // A 2.31 Continue (one per Block1 block of a firmware push) is for debug only.
    case Ev.REQUEST: return (a & 0xff) === 0x5f ? LogLevel.DEBUG : (a & 0xff) >= 0x80 ? LogLevel.WARN : LogLevel.INFO;
    case Ev.DROPPED_BY_BOOTSTRAP: case Ev.NOTIFY_SENT: case Ev.SLEEP_SAVED: return LogLevel.DEBUG;
    default: return LogLevel.INFO;
  }
}

/** The event's line, with what the client knows besides: a failure "timeout" that followed a DTLS
 *  failure of the same account says the DTLS reason instead (an alert is not a timeout). */
export class EventLines {
  private readonly dtls = new Map<number, number>(); // ssid (0: bootstrap server) → DtlsError
  text(c: Lwm2mClient, e: number, a: number, b: number): string {
    if (e === Ev.DTLS_FAILED) this.dtls.set(a, b);
    const key = e === Ev.REGISTRATION_FAILED ? a : e === Ev.BOOTSTRAP_FAILED && a === 2 ? 0 : -1;
    const d = key >= 0 && b === 0 ? this.dtls.get(key) : undefined;
    if (key >= 0) this.dtls.delete(key);
    if (d !== undefined) {
      return e === Ev.REGISTRATION_FAILED ? `registration with server ${a} failed (DTLS: ${dtlsErrorText(d)})`
        : `bootstrap attempt failed (DTLS: ${dtlsErrorText(d)})`;
    }
    return eventText(c, e, a, b);
  }
}

function peerText(p: PeerAddress): string {
  return p.family === 6 ? `[${formatAddress(p)}]:${p.port}` : `${formatAddress(p)}:${p.port}`;
}

const DTLS_TYPE: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };

/** The DTLS records of a datagram, for a debug line ("" when it is not DTLS). */
export function dtlsRecords(buf: Uint8Array, off: number, len: number): string {
  const out: string[] = [];
  let p = off;
  while (p + 13 <= off + len && DTLS_TYPE[buf[p]] && buf[p + 1] === 0xfe) {
    const epoch = (buf[p + 3] << 8) | buf[p + 4], n = (buf[p + 11] << 8) | buf[p + 12];
    out.push(`${DTLS_TYPE[buf[p]]} epoch ${epoch} ${n} B`);
    p += 13 + n;
  }
  return out.join(', ');
}

/** Why receive() did not process a datagram (Rx), for a debug line; null when it did. */
export function rxText(r: number): string | null {
  switch (r) {
    case Rx.QUEUED: case Rx.HANDLED: return null;
    case Rx.DUPLICATE: return 'duplicate (deduplication: answered from the cache or ignored)';
    case Rx.IGNORED: return 'dropped: malformed or unexpected (no matching exchange)';
    case Rx.DROPPED: return 'dropped unparsed: not from a configured server over its security, or the bootstrap flag is up and it is not the bootstrap server';
    case Rx.REJECTED: return 'answered with an error without dispatch (a critical option, too large, or busy)';
    case Rx.NO_PEER: return 'dropped: the peer table is full';
    default: return `dropped (receive result ${r})`;
  }
}

/** A literal-address URI for the core (the HAL resolves names: the core takes literal addresses). */
async function resolveUri(u: CoapUri, what: string): Promise<string> {
  if (isIP(u.host)) return formatCoapUri(u);
  let r;
  try { r = await lookup(u.host); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${what} ${formatCoapUri(u)}: cannot resolve "${u.host}"` + (code === 'ENOTFOUND' ? ': no such host' : ` (${code ?? (e as Error).message})`));
  }
  return formatCoapUri({ ...u, host: r.address, ipv6: r.family === 6 });
}

/** A synchronous name lookup for the core (getent, the system resolver); null when it fails. */
function resolveSync(name: string): string | null {
  try {
    const out = execFileSync('getent', ['ahosts', name], { encoding: 'utf8', timeout: 3000 });
    const addrs = out.split('\n').map((l) => l.split(/\s+/)[0]).filter((a) => isIP(a));
    return addrs.find((a) => isIP(a) === 4) ?? addrs[0] ?? null;
  } catch { return null; }
}

/** Runs the client until SIGINT/SIGTERM (then de-registers): resolves with the exit code. Throws
 *  (exit 1, one line) when it cannot start: a name that does not resolve, an unreadable state file. */
export async function runClient(o: ClientCliOptions): Promise<number> {
  const levels = { error: LogLevel.ERROR, warn: LogLevel.WARN, info: LogLevel.INFO, debug: LogLevel.DEBUG };
  // A closed stdout (`| head`) must not kill the client: the lines are lost, the client runs on.
  process.stdout.on('error', () => { /* EPIPE: nobody reads the log any more */ });
  // SIGINT/SIGTERM are caught from the start: a signal that arrived before the listeners existed
  // would end the process at once (no de-registration), and the start-up below logs before the
  // stop logic is ready. One that comes early is kept and acted on as soon as it is.
  let onStop: (() => void) | null = null, stopAsked = false;
  const onSignal = () => { if (onStop) onStop(); else stopAsked = true; };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Names first: a server that does not resolve is an error before anything is opened.
  const serverUri = o.server ? await resolveUri(o.server, '--server') : undefined;
  const bootstrapUri = o.bootstrap ? await resolveUri(o.bootstrap, '--bootstrap') : undefined;
  const hal = await NodeHal.open({ address: o.address ?? '::', port: o.localPort ?? 0, stateFile: o.stateFile, provisioningFile: o.provisioningFile, logLevel: levels[o.logLevel] });
  const file = o.stateFile ?? '';
  const setAside = () => `state file ${file}: ${hal.stateProblem}; ` + (hal.stateCopy ? `a copy is kept at ${hal.stateCopy}, ` : 'no copy could be kept, ') + 'and it is not used';
  if (hal.stateProblem) hal.log(LogLevel.ERROR, setAside());
  // The platform of the public client: this HAL, opened above, shared by every client core the
  // process runs (a firmware update's simulated reboot starts a new one on the same socket and
  // storage). Saving logs what went wrong; datagrams out are logged at debug.
  const debug = o.logLevel === 'debug';
  let engine: Lwm2mClient | null = null; // the core of the client running now
  let retransmissions = 0, heardSince = true;
  const transport: Transport = {
    now: () => hal.now(),
    send: (buf, off, len, to) => {
      const c = engine;
      if (c !== null && c.ep.retransmissions > retransmissions) {
        // Retransmissions: the first after the peer was last heard at info (an unreachable server is
        // otherwise silent until the exchange times out, ~93 s), each one at debug.
        retransmissions = c.ep.retransmissions;
        hal.log(heardSince ? LogLevel.INFO : LogLevel.DEBUG, `no answer yet: retransmitting (retransmission ${retransmissions} since start)`);
        heardSince = false;
      }
      if (debug) { const rec = dtlsRecords(buf, off, len); if (rec) hal.log(LogLevel.DEBUG, `DTLS out to ${peerText(to)}: ${rec}`); }
      hal.send(buf, off, len, to);
    },
    onReceive: (cb) => hal.onReceive(cb),
    setTimer: (deadline, cb) => hal.setTimer(deadline, cb),
    storageRead: (key, out) => hal.storageRead(key, out),
    storageWrite: (key, buf, off, len) => {
      if (hal.storageWrite(key, buf, off, len)) return true;
      hal.log(LogLevel.ERROR, `cannot save the state file ${file}: ${hal.saveError}`);
      return false;
    },
    storageDelete: (key) => hal.storageDelete(key),
    // Queue Mode: the socket is released while the client is offline.
    sleep: (until) => hal.sleep(until),
    wake: () => hal.wake(),
    get asleep() { return hal.asleep; },
    log: (level, msg) => hal.log(level as LogLevel, msg),
    close: () => { /* the HAL outlives the client cores: closed at exit */ },
  };
  const platform: Platform = {
    name: 'host', random: (buf, off, len) => hal.random(buf, off, len), open: () => transport,
    wallClock: () => Math.floor(Date.now() / 1000),
  };
  // The key goes only to a coaps:// account: a coap:// one with a key would be refused (its scheme
  // contradicts its Security Mode), e.g. a plain --bootstrap beside a coaps:// --server.
  const account = (u: string): Account => ({ uri: u, ssid: 1, lifetime: o.lifetime ?? 86400, ...(/^coaps:/i.test(u) ? { pskIdentity: o.pskIdentity, pskKey: o.pskKey } : {}) });
  const server = serverUri ? account(serverUri) : undefined;
  const bootstrap = bootstrapUri ? { ...account(bootstrapUri) } : undefined;
  let rebootAsked = false;
  // Firmware Update (--firmware-dir): "apply" swaps the files; the platform's reboot is simulated by
  // starting a new client core on the same socket and storage, which reports the outcome (/5/0/5).
  let rebootInto: string | null = null;
  mkdirFirmware(o.firmwareDir);
  const fw = o.firmwareDir ? new NodeFirmwareStore({ dir: o.firmwareDir, log: (m) => hal.log(LogLevel.INFO, m), onApply: (v) => { rebootInto = v; reboot(); } }) : undefined;
  const lines = new EventLines();
  let configError = false;
  let onConfigError: (() => void) | null = null;
  // Accounts refused for their security (CONFIG_ERROR a = 3): said once the engine's events of that
  // poll are in, unless nothing usable is left (a = 1 follows): then the exit line says why, once.
  const refused: string[] = [];
  const flushRefused = () => { if (!configError) { for (const l of refused) hal.log(LogLevel.ERROR, l); refused.length = 0; } };
  // The board's objects: a temperature sensor, or the ready objects of --object, with simulated values.
  const makeObjects = () => (o.objects && o.objects.length ? o.objects : [{ id: 3303, instances: 1 }])
    .map((x) => simObject(x.id, x.instances, (line) => hal.log(LogLevel.INFO, line)));
  let sims: SimObject[];
  try { sims = makeObjects(); } catch (e) {
    process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); hal.close();
    throw e;
  }
  const boot = () => new PublicClient({
    endpoint: o.endpoint, server, bootstrap, platform, address: o.address, port: o.localPort,
    provisioning: hal.provisioning(),
    objects: sims.map((x) => x.object),
    device: {
      manufacturer: 'lwm2m-mcu', model: 'host', serial: o.endpoint, firmwareVersion: fw?.version() ?? '0.1.0',
      onReboot: () => { rebootAsked = true; },
      onFactoryReset: () => { hal.storageDelete('lwm2m.config'); },
    },
    connectivity: { ipAddresses: ['127.0.0.1'] },
    // Server URIs written by a bootstrap server may carry host names; the core asks here
    // (synchronously, only when it reads its configuration).
    resolveHost: resolveSync,
    firmware: fw,
    ...(o.queueMode ? { queueMode: true, queueDtls: o.queueDtls } : {}),
    ...(o.queueTime !== undefined ? { sizes: { queueTime: o.queueTime * 1000 } } : {}),
    onEvent: (e, a, b) => {
      const c = engine as Lwm2mClient;
      // Only "no account at all" (a = 1) is fatal; an unusable account is a failed registration.
      if (e === Ev.CONFIG_ERROR && a === 1) { configError = true; if (onConfigError) setImmediate(onConfigError); return; }
      if (e === Ev.CONFIG_ERROR && a === 3) { if (refused.push(lines.text(c, e, a, b)) === 1) setImmediate(flushRefused); return; }
      hal.log(eventLevel(e, a, b), lines.text(c, e, a, b));
    },
    // The engine's own events are logged above (onEvent); what is left are the application's errors.
    onError: (err) => { if (err.path) hal.log(LogLevel.WARN, err.message); },
    engineHooks: {
      received: (r: number, buf: Uint8Array, off: number, len: number, from: PeerAddress) => {
        heardSince = true;
        if (debug) {
          const why = rxText(r), rec = dtlsRecords(buf, off, len);
          if (rec) hal.log(LogLevel.DEBUG, `DTLS in from ${peerText(from)}: ${rec}`);
          if (why) hal.log(LogLevel.DEBUG, `datagram from ${peerText(from)} (${len} B): ${why}`);
        }
      },
      storeUnusable: () => { hal.stateUnusable('the stored configuration does not decode'); hal.log(LogLevel.ERROR, setAside()); },
      acceptUnknownPeers: o.serveAnyPeer === true,
    },
  } as ClientOptions);
  let client = boot();
  engine = engineOf(client);
  function reboot(): void {
    hal.log(LogLevel.INFO, `firmware: rebooting into ${rebootInto} (simulated: a new client core on the same socket and storage)`);
    client.close();
    // The application's objects belong to the old core: the new one gets new ones (a real reboot
    // starts the application again).
    sims = makeObjects();
    client = boot();
    engine = engineOf(client);
    retransmissions = 0; // the new core's endpoint counts from 0
    void client.start();
  }
  if (o.serveAnyPeer) hal.log(LogLevel.WARN, 'INSECURE: --insecure-serve-any-peer serves requests from any address, not only the configured servers');
  hal.log(LogLevel.INFO, `client ${o.endpoint} on UDP port ${hal.port}` + (server ? `, server ${server.uri}` : '') + (bootstrap ? `, bootstrap server ${bootstrap.uri}` : '') + (fw ? `, firmware store ${o.firmwareDir} (running ${fw.version() ?? 'no image yet'})` : ''));
  await client.start();
  // The objects' values move (temperature: a random walk), so observations have something to report.
  const sensor = setInterval(() => {
    for (const x of sims) x.tick();
    if (rebootAsked) { rebootAsked = false; hal.log(LogLevel.INFO, 'reboot requested by the server (simulated: the host client keeps running)'); }
  }, 5000);
  let code = 0;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) { resolve(); return; }
      stopping = true;
      const c = engine as Lwm2mClient;
      let registered = false;
      for (let s = 0; s < c.nServers; s++) registered ||= c.serverState(s) === Reg.REGISTERED || c.serverState(s) === Reg.UPDATING;
      hal.log(LogLevel.INFO, c.bsFlag ? 'stopping (during bootstrap: no registration to end)' : registered ? 'stopping: de-registering' : 'stopping (not registered: nothing to de-register)');
      clearInterval(sensor);
      void client.stop().then(resolve);
    };
    onStop = stop;
    // Nothing to connect to: say what to do and exit 1 (no idle process waiting forever).
    onConfigError = () => {
      if (stopping) return;
      stopping = true;
      const missing = o.stateFile && !existsSync(o.stateFile) ? (existsSync(dirname(o.stateFile)) ? ` (state file ${o.stateFile} does not exist yet)` : ` (the folder of the state file, ${dirname(o.stateFile)}, does not exist)`) : '';
      hal.log(LogLevel.ERROR, refused.length > 0 ? `no usable configuration: ${refused.join('; ')}`
        : `no usable configuration${missing}${hal.stateProblem ? ' (the state file was set aside, see above)' : ''}: give --server URI or --bootstrap URI (or --provisioning FILE)`);
      code = 1;
      clearInterval(sensor);
      resolve();
    };
    if (configError) onConfigError();
    else if (stopAsked) stop();
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  client.close();
  hal.close();
  return code;
}
