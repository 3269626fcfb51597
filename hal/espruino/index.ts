// The Espruino entry of lwm2m-mcu: what `import … from 'lwm2m-mcu'` names in an app built with
// `npx lwm2m-mcu espruino-build APP.ts` (host/espruino-build.ts maps the specifier here). Registers
// the Espruino platform (one dgram socket, getTime, setTimeout, E.hwRand, Storage, the native
// AES-ECB under the core's CCM) and re-exports the public API. Lwm2mClient here is the API's, with
// one line each of free variables when it starts and when it is first registered (the budget of a
// 16,383-variable ESP32 is what an app on Espruino runs out of first).
import { registerPlatform, type Platform } from '../../src/api/platform.js';
import { Lwm2mClient as ApiClient, type Account, type ClientOptions, type ServerInfo } from '../../src/api/client.js';
import type { Config } from '../../src/config.js';
import { EspruinoHal } from './hal.js';
import { EspruinoAes128 } from './aes.js';
import { LogLevel } from '../hal.js';
import { codecs } from '../../src/formats/registry.js';

declare const global: { [k: string]: unknown };

/** The free variables (process.memory(), which collects garbage first). */
export function variablesFree(): number { return process.memory().free; }

/** The Espruino platform (registered at load: an app need not name it). `hal`: the transport to
 *  give the client instead of opening one (a device app that made its HAL itself: its port, log
 *  level, sleep mode and Storage, shared with a firmware store — hal/espruino/main.ts). */
export function espruinoPlatform(hal?: EspruinoHal): Platform {
  const salt = Math.floor((getTime() % 4194304) * 1000) >>> 0; // see EspruinoHal: E.hwRand on Linux is unseeded
  return {
    name: 'espruino',
    random: (buf: Uint8Array, off: number, len: number) => {
      for (let j = 0; j < len; j += 4) {
        const r = (E.hwRand() ^ salt) >>> 0;
        for (let k = 0; k < 4 && j + k < len; k++) buf[off + j + k] = (r >>> (8 * k)) & 0xff;
      }
    },
    open: (o) => hal ?? new EspruinoHal({ port: o.port ?? 0, logLevel: LogLevel.INFO, peerCache: 2 }),
    aes: () => new EspruinoAes128(),
    // The DTLS handshake's state is made per handshake and dropped after it, its code given back
    // (host/espruino-build.ts RELEASABLE, group h): ~650 variables a connected or idle client keeps.
    transientHandshake: () => { if (typeof LWM2M_RELEASE === 'function') LWM2M_RELEASE('h'); },
    // The bootstrap staging table (a second copy of the object table) only while bootstrapping, the
    // configuration buffer only while loading or saving.
    lowMemory: true,
  };
}

registerPlatform(espruinoPlatform());

/** The settings baked in by `espruino-build --settings "lwm2mEndpoint=… lwm2mServer=…"`, each
 *  overridden by the Storage file lwm2m.json on the device; `lwm2mConfig` is the board's sizes. */
export function settings(): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  const baked = typeof LWM2M_SETTINGS === 'object' && LWM2M_SETTINGS ? LWM2M_SETTINGS : {};
  const over = (require('Storage').readJSON('lwm2m.json', true) ?? {}) as { [key: string]: unknown };
  for (const k in baked) out[k] = baked[k];
  for (const k in over) out[k] = over[k];
  return out;
}

/** The accounts the settings name: lwm2mServer and lwm2mBootstrap (coap:// or coaps://), with
 *  lwm2mPskIdentity and lwm2mPskKey (hex) for a coaps:// one. */
export function accounts(): { server?: Account; bootstrap?: Account } {
  const s = settings();
  const id = s.lwm2mPskIdentity ? String(s.lwm2mPskIdentity) : '', hex = s.lwm2mPskKey ? String(s.lwm2mPskKey) : '';
  const account = (uri: unknown): Account | undefined => {
    if (!uri) return undefined;
    const a: Account = { uri: String(uri) };
    if (id && hex && a.uri.indexOf('coaps:') === 0) {
      const key = new Uint8Array(hex.length >> 1);
      for (let j = 0; j < key.length; j++) key[j] = parseInt(hex.substring(2 * j, 2 * j + 2), 16);
      a.pskIdentity = id; a.pskKey = key;
    }
    return a;
  };
  return { server: account(s.lwm2mServer), bootstrap: account(s.lwm2mBootstrap) };
}

/** The board's sizes (boards/<board>/config.json, baked in by espruino-build), with one DTLS
 *  session per coaps:// account of the settings (at most the board's). */
export function boardSizes(): Partial<Config> {
  const s = settings(), out: { [k: string]: unknown } = {};
  const cfg = (s.lwm2mConfig ?? {}) as { [k: string]: unknown };
  for (const k in cfg) out[k] = cfg[k];
  // DTLS sessions (each with its keys: ~220 variables) only for the settings' coaps:// accounts —
  // and, with a bootstrap account, the board's number: the bootstrap server may provision coaps://
  // servers (the bootstrap's own session cannot serve them: both stay configured).
  if (typeof cfg.dtlsSessions === 'number' && !s.lwm2mBootstrap) {
    out.dtlsSessions = Math.min(cfg.dtlsSessions, String(s.lwm2mServer ?? '').indexOf('coaps:') === 0 ? 1 : 0);
  }
  return out as Partial<Config>;
}

/** After Bootstrap-Finish: the bootstrap code and the codecs built for the bootstrap server's
 *  payloads go back to the application (host/espruino-build.ts RELEASABLE, group b); a later
 *  bootstrap, or a server asking for SenML or LwM2M CBOR, loads them again. The codec objects are
 *  dropped from the registry first, so that nothing holds the modules' code. */
function releaseBootstrapCode(): void {
  const c = codecs();
  c.senmlJsonEnc = null; c.senmlJsonDec = null; c.senmlCborEnc = null; c.senmlCborDec = null; c.lwm2mCborEnc = null; c.lwm2mCborDec = null;
  if (typeof LWM2M_RELEASE === 'function') LWM2M_RELEASE('b');
}

/** The API's client; logs its free variables at start() and at the first registration. */
export class Lwm2mClient extends ApiClient {
  constructor(o: ClientOptions) {
    let logged = false;
    const user = o.onRegistered;
    const finished = o.onBootstrapFinished;
    super({
      ...o,
      onRegistered: (s: ServerInfo) => {
        if (!logged) { logged = true; print('lwm2m-mcu: registered, ' + variablesFree() + ' variables free'); }
        if (user) user(s);
      },
      onBootstrapFinished: () => {
        releaseBootstrapCode();
        if (finished) finished();
      },
    });
  }

  override start(): Promise<void> {
    print('lwm2m-mcu: starting, ' + variablesFree() + ' variables free');
    global.lwm2m = this; // the running client, for the REPL (lwm2m.stop()); and kept while --measure counts it
    if (typeof LWM2M_MEASURE !== 'undefined') return Promise.resolve(); // espruino-build --measure: load only
    return super.start();
  }
}

export * from '../../src/index.js';
