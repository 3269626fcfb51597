// `lwm2m-mcu client`: the host board — the portable core on the Node HAL, with objects 0, 1, 2, 3, 4
// and a temperature sensor (3303) whose value drifts, logging one readable line per protocol event.
// SIGINT/SIGTERM de-register, then exit.

import { NodeHal } from '../hal/node/hal.js';
import { Driver } from '../hal/node/driver.js';
import { LogLevel } from '../hal/hal.js';
import type { ClientCliOptions, CoapUri } from './args.js';
import { formatCoapUri } from './args.js';
import { createBoardClient, type AccountOptions } from '../src/client/setup.js';
import { Ev } from '../src/client/events.js';
import { codeString } from '../src/coap/codes.js';
import type { ConfigStore, Lwm2mClient } from '../src/client/client.js';
import { lastProblem } from '../src/client/bootstrap.js';
import { lookup } from 'node:dns/promises';
import { execFileSync } from 'node:child_process';
import { isIP } from 'node:net';
import { DtlsError } from '../src/dtls/constants.js';
import { NodeFirmwareStore } from '../hal/node/firmware.js';
import type { PeerAddress } from '../src/coap/peer.js';
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
    case Ev.DEREGISTERED: return `de-registered from server ${a}`;
    case Ev.REQUEST: return `${METHOD[Math.floor(a / 65536)] ?? 'request'} from ${b ? 'server ' + b : 'an unknown peer'} → ${codeString(a & 0xff)}`;
    case Ev.OBSERVE_STARTED: return `observation ${b} started by server ${a}`;
    case Ev.OBSERVE_CANCELLED: return `observation ${b} cancelled`;
    case Ev.NOTIFY_SENT: return `notification sent for observation ${b}`;
    case Ev.CONFIG_ERROR: return 'no usable configuration: give --server or --bootstrap (or a provisioning file)';
    case Ev.PROVISIONING_FAILED: return `provisioning data refused (${codeString(a)}): ${lastProblem()}; nothing stored changed`;
    case Ev.SEND_SENT: return `Send to server ${a}`;
    case Ev.SEND_DONE: return `Send answered ${b ? codeString(b) : 'timeout'}`;
    case Ev.DROPPED_BY_BOOTSTRAP: return `bootstrap flag: ${a} datagram(s) from other peers dropped, ${b} pending message(s) flushed`;
    case Ev.REBOOT: return 'Execute /3/0/4: reboot';
    case Ev.FACTORY_RESET: return 'Execute /3/0/5: factory reset';
    case Ev.DTLS_FAILED: return `DTLS handshake with ${a ? 'server ' + a : 'the bootstrap server'} failed: ${dtlsErrorText(b)}`;
    case Ev.FIRMWARE: return `firmware: State ${a} (${['Idle', 'Downloading', 'Downloaded', 'Updating'][a] ?? '?'}), Update Result ${b}`;
    case Ev.SECURITY_UNSUPPORTED: return `Security instance /0/${a}: security mode ${b} is not supported (only PSK, 0, and NoSec, 3)`;
    default: return `event ${e} (${a}, ${b})`;
  }
}

/** A literal-address URI for the core (the HAL resolves names: the core takes literal addresses). */
async function resolveUri(u: CoapUri): Promise<string> {
  if (isIP(u.host)) return formatCoapUri(u);
  const r = await lookup(u.host);
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

export async function runClient(o: ClientCliOptions): Promise<void> {
  const levels = { error: LogLevel.ERROR, warn: LogLevel.WARN, info: LogLevel.INFO, debug: LogLevel.DEBUG };
  const hal = await NodeHal.open({ address: '::', port: o.localPort ?? 0, stateFile: o.stateFile, provisioningFile: o.provisioningFile, logLevel: levels[o.logLevel] });
  const store: ConfigStore = {
    load: (out) => hal.storageRead('lwm2m.config', out),
    save: (buf, off, len) => hal.storageWrite('lwm2m.config', buf, off, len),
  };
  const account = (u: string): AccountOptions => ({ uri: u, ssid: 1, lifetime: o.lifetime ?? 86400, pskIdentity: o.pskIdentity, pskKey: o.pskKey });
  const server = o.server ? account(await resolveUri(o.server)) : undefined;
  const bootstrap = o.bootstrap ? { ...account(await resolveUri(o.bootstrap)) } : undefined;
  const newSeed = () => { const seed = new Uint8Array(16); hal.random(seed, 0, 16); return seed; };
  let rebootAsked = false;
  // Firmware Update (--firmware-dir): "apply" swaps the files; the platform's reboot is simulated by
  // starting a new client core on the same socket and storage, which reports the outcome (/5/0/5).
  let rebootInto: string | null = null;
  mkdirFirmware(o.firmwareDir);
  const fw = o.firmwareDir ? new NodeFirmwareStore({ dir: o.firmwareDir, log: (m) => hal.log(LogLevel.INFO, m), onApply: (v) => { rebootInto = v; reboot(); } }) : undefined;
  const boot = () => createBoardClient({
    endpoint: o.endpoint, seed: newSeed(), server, bootstrap, store,
    provisioning: hal.provisioning(),
    hooks: {
      reboot: () => { rebootAsked = true; return 0; },
      factoryReset: () => { hal.storageDelete('lwm2m.config'); return 0; },
      now: () => Math.floor(Date.now() / 1000),
    },
    device: { manufacturer: 'lwm2m-mcu', model: 'host', serial: o.endpoint, firmwareVersion: fw?.version() ?? '0.1.0' },
    // Server URIs written by a bootstrap server may carry host names; the core asks here
    // (synchronously, only when it reads its configuration).
    resolveHost: resolveSync,
    firmware: fw,
  });
  let board = boot();
  let c = board.client;
  const core = {
    receive: (b: Uint8Array, off: number, len: number, from: PeerAddress, now: number) => c.receive(b, off, len, from, now),
    transmit: (out: Uint8Array, at: number) => c.transmit(out, at), get txPeer() { return c.txPeer; },
    poll: (now: number) => {
      const d = c.poll(now);
      // A 2.31 Continue (one per Block1 block of a firmware push) is logged at debug level only.
      for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) hal.log(e === Ev.REQUEST && (c.eventA & 0xff) === 0x5f ? LogLevel.DEBUG : LogLevel.INFO, eventText(c, e, c.eventA, c.eventB));
      return d;
    },
  };
  const drv = new Driver(core, hal, c.config.maxDatagram);
  function reboot(): void {
    hal.log(LogLevel.INFO, `firmware: rebooting into ${rebootInto} (simulated: a new client core on the same socket and storage)`);
    board = boot();
    c = board.client;
    c.start(hal.now());
    drv.pump();
  }
  hal.log(LogLevel.INFO, `client ${o.endpoint} on UDP port ${hal.port}` + (server ? `, server ${server.uri}` : '') + (bootstrap ? `, bootstrap server ${bootstrap.uri}` : '') + (fw ? `, firmware store ${o.firmwareDir} (running ${fw.version() ?? 'no image yet'})` : ''));
  c.start(hal.now());
  drv.pump();
  // The temperature sensor drifts (a random walk), so observations have something to report.
  let temp = 21.5;
  const sensor = setInterval(() => {
    temp = Math.round((temp + (Math.random() - 0.5)) * 10) / 10;
    board.temperature.set(temp);
    drv.pump();
    if (rebootAsked) { rebootAsked = false; hal.log(LogLevel.INFO, 'reboot requested by the server (simulated: the host client keeps running)'); }
  }, 5000);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) { resolve(); return; }
      stopping = true;
      hal.log(LogLevel.INFO, 'stopping: de-registering');
      clearInterval(sensor);
      c.stop(hal.now());
      drv.pump();
      const t0 = Date.now();
      const wait = setInterval(() => {
        drv.pump();
        if (c.idle() || Date.now() - t0 > 5000) { clearInterval(wait); resolve(); }
      }, 20);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  drv.stop();
  hal.close();
}
