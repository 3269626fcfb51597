// The Espruino device entry (build/espruino/lwm2m-mcu.js runs it): the settings baked in by
// `make espruino SETTINGS="lwm2mEndpoint=… lwm2mServer=coap://10.0.0.5:5683 …"` (the Moddable build's
// keys, host/espruino-build.ts defines LWM2M_SETTINGS), each overridden by the Storage file
// lwm2m.json on the device (e.g. require("Storage").writeJSON("lwm2m.json", {lwm2mEndpoint: "dev-42"})),
// the board's sizes (boards/espruino-esp32/config.json), the Espruino HAL, and the driver: datagrams
// in, datagrams out, one timer at the client's next deadline (the call order of src/client/client.ts).
// The running client is global `lwm2m` ({client, hal, stop()}) for the REPL.
import { EspruinoHal } from './hal.js';
import { EspruinoAes128, EspruinoSha256 } from './aes.js';
import { EspruinoFirmwareStore } from './firmware.js';
import { LogLevel, sendQueued } from '../hal.js';
import type { Config } from '../../src/config.js';
import type { PeerAddress } from '../../src/coap/peer.js';
import { createBoardClient, type AccountOptions, type Board } from '../../src/client/setup.js';
import { Ev } from '../../src/client/events.js';
import { codecs } from '../../src/formats/registry.js';

declare const global: { [k: string]: unknown };

function setting(key: string, over: { [k: string]: unknown } | null): unknown {
  if (over && over[key] !== undefined) return over[key];
  return LWM2M_SETTINGS ? LWM2M_SETTINGS[key] : undefined;
}

function hexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let j = 0; j < out.length; j++) out[j] = parseInt(s.substring(2 * j, 2 * j + 2), 16);
  return out;
}

/** The HAL's callbacks for the client, made in a scope that holds only the HAL (on Espruino a
 *  closure keeps every variable of the scope it was made in: the settings must not stay alive). */
function halHooks(hal: EspruinoHal) {
  const sha256 = new EspruinoSha256();
  return {
    store: {
      load: (out: Uint8Array) => hal.storageRead('config', out),
      save: (buf: Uint8Array, off: number, len: number) => hal.storageWrite('config', buf, off, len),
    },
    // Queue Mode's deep-sleep state (src/client/persist.ts), beside the configuration: passed only
    // with lwm2mQueueMode=1.
    sleepStore: {
      load: (out: Uint8Array) => hal.storageRead('sleep', out),
      save: (buf: Uint8Array, off: number, len: number) => hal.storageWrite('sleep', buf, off, len),
      erase: () => hal.storageDelete('sleep'),
      wallClock: () => Date.now(),
    },
    random: (buf: Uint8Array, off: number, len: number) => hal.random(buf, off, len),
    // Native AES, and native SHA-256 for the DTLS handshake (its transcript hash and PRF).
    aes: () => new EspruinoAes128(sha256),
    // Firmware Update: after apply() has switched the boot slot (the logs flushed first).
    restart: () => { setTimeout(() => E.reboot(), 200); },
    bytesToString: (b: Uint8Array) => E.toString(b),
    // After the 2.04 of the Execute has gone out (the pump runs synchronously).
    hooks: {
      reboot: () => { setTimeout(() => hal.reboot(), 0); return 0; },
      factoryReset: () => { setTimeout(() => hal.factoryReset(), 0); return 0; },
    },
  };
}

/** Reads the settings and builds the board's client (nothing made here outlives it but the client). */
function makeBoard(): { hal: EspruinoHal; board: Board } {
  const over = require('Storage').readJSON('lwm2m.json', true) as { [k: string]: unknown } | null;
  const str = (k: string): string => { const v = setting(k, over); return v === undefined || v === null ? '' : String(v); };
  const sizes = (setting('lwm2mConfig', over) ?? {}) as Partial<Config>;
  const endpoint = str('lwm2mEndpoint') || 'lwm2m-mcu';
  const hal = new EspruinoHal({ port: Number(setting('lwm2mLocalPort', over) ?? 0), logLevel: LogLevel.INFO, peerCache: sizes.maxPeers,
    sleep: str('lwm2mSleep') as 'deep' || undefined }); // lwm2mSleep: none (default), light, deep (ESP32)
  const server = str('lwm2mServer'), bootstrap = str('lwm2mBootstrap'), id = str('lwm2mPskIdentity'), key = str('lwm2mPskKey');
  hal.log(LogLevel.INFO, 'lwm2m-mcu: endpoint ' + endpoint + ', server ' + (server || '-') + ', bootstrap ' + (bootstrap || '-'));
  // lwm2mQueueMode=1: Queue Mode (binding UQ, the socket released while offline, the state kept for a
  // restart); lwm2mQueueTime: seconds reachable after the last exchange (0: 93).
  const queue = !!setting('lwm2mQueueMode', over);
  if (queue && Number(setting('lwm2mQueueTime', over) ?? 0) > 0) sizes.queueTime = Number(setting('lwm2mQueueTime', over)) * 1000;
  const account = (uri: string): AccountOptions => {
    const a: AccountOptions = id && key ? { uri: uri, pskIdentity: id, pskKey: hexBytes(key) } : { uri: uri };
    if (queue) a.binding = 'UQ';
    return a;
  };
  const seed = new Uint8Array(16);
  hal.random(seed, 0, 16);
  const h = halHooks(hal);
  // Object 5 (lwm2mFirmware=1): the bundle in the other Storage slot (firmware.ts, loaded only then).
  // Baked in only (not lwm2m.json): the build keeps object 5's definition only then.
  const fw = setting('lwm2mFirmware', null) ? new EspruinoFirmwareStore({ hal: hal, storage: require('Storage'), bytesToString: h.bytesToString, restart: h.restart }) : undefined;
  if (fw) hal.log(LogLevel.INFO, 'lwm2m-mcu: firmware slot ' + fw.slot + ', ' + fw.maxSize + ' bytes');
  const board = createBoardClient({
    endpoint: endpoint, seed: seed, config: sizes,
    server: server ? account(server) : undefined, bootstrap: bootstrap ? account(bootstrap) : undefined,
    store: h.store, provisioning: hal.provisioning(), random: h.random, aes: h.aes, hooks: h.hooks, firmware: fw,
    acceptUnknownPeers: !!setting('lwm2mServeAnyPeer', over),
    queueDtls: queue && str('lwm2mQueueDtls') ? str('lwm2mQueueDtls') as 'cid' : undefined, // lwm2mQueueDtls: keep, resume (default), full, cid
    queueMode: queue, sleepStore: queue ? h.sleepStore : undefined, // INSECURE development switch (the CLI's --insecure-serve-any-peer)
    device: { manufacturer: 'lwm2m-mcu', model: str('lwm2mBoard') || 'espruino', serial: endpoint, firmwareVersion: str('lwm2mFirmwareVersion') || '0.1.0' },
  });
  LWM2M_SETTINGS = null; // read once: its variables go back to the application
  return { hal: hal, board: board };
}

/** After Bootstrap-Finish: the bootstrap code (src/client/bootstrap.ts and what only it loads) and
 *  the codecs built for the bootstrap server's payloads go back to the application (the loader's
 *  LWM2M_RELEASE, host/espruino-build.ts `releasable`); a later bootstrap, or a server asking for
 *  SenML or LwM2M CBOR, loads them again. The codec objects are dropped from the registry first, so
 *  that nothing holds the modules' code. The client holds nothing of them between two calls. */
function releaseBootstrapCode(): void {
  const c = codecs();
  c.senmlJsonEnc = null; c.senmlJsonDec = null; c.senmlCborEnc = null; c.senmlCborDec = null; c.lwm2mCborEnc = null; c.lwm2mCborDec = null;
  LWM2M_RELEASE();
}

function boot(): void {
  const made = makeBoard();
  const hal = made.hal, board = made.board, client = board.client;
  const out = new Uint8Array(client.config.maxDatagram);
  let stopped = false;
  const pump = (): void => {
    const deadline = sendQueued(client, hal, out);
    for (let e = client.nextEvent(); e !== Ev.NONE; e = client.nextEvent()) {
      if (e === Ev.REGISTERED) hal.log(LogLevel.INFO, 'lwm2m-mcu: registered, ' + Math.round((getTime() - LWM2M_T0) * 1000) + ' ms after start');
      else if (e === Ev.BOOTSTRAP_FINISHED) { hal.log(LogLevel.INFO, 'lwm2m-mcu: bootstrap finished'); releaseBootstrapCode(); }
      else if (e === Ev.DEREGISTERED) hal.log(LogLevel.INFO, 'lwm2m-mcu: deregistered');
      else if (e === Ev.OFFLINE) hal.log(LogLevel.INFO, 'lwm2m-mcu: queue mode: offline');
      else if (e === Ev.SLEEP_RESUMED) hal.log(LogLevel.INFO, 'lwm2m-mcu: resumed from the persisted sleep state: no Register');
      else if (e === Ev.SLEEP_CID) hal.log(LogLevel.INFO, 'lwm2m-mcu: DTLS session taken back with its Connection ID: no handshake');
      else if (e === Ev.SLEEP_DISCARDED) hal.log(LogLevel.WARN, 'lwm2m-mcu: the persisted sleep state is not used (reason ' + client.eventA + '): registering afresh');
    }
    hal.setTimer(stopped ? Infinity : deadline, pump);
  };
  hal.onReceive((buf: Uint8Array, off: number, len: number, from: PeerAddress) => {
    client.receive(buf, off, len, from, hal.now());
    pump();
  });
  client.start(hal.now());
  pump();
  global.lwm2m = {
    client: client, hal: hal, board: board,
    /** De-registers, then closes the socket a little later (the De-register goes out first). */
    stop: () => { client.stop(hal.now()); pump(); stopped = true; setTimeout(() => hal.close(), 500); },
  };
}

boot();
