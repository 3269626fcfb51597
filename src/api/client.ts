// The public client: one options object (endpoint, server and/or bootstrap account, sizes, the
// application's objects, the Device object's information and callbacks, on… event callbacks),
// start(), stop() (de-registers) and close(). It builds the engine (src/client/client.ts) once, at
// construction, sized from the options, and drives it on the registered platform's transport.
//
// Events: the engine's fixed event ring is drained after every turn of the driver and handed to the
// callbacks; a callback that throws is reported to onError, never to the engine.
import { makeConfig, type Config } from '../config.js';
import { Lwm2mClient as Core, Reg, Sv, stopWait, type ConfigStore } from '../client/client.js';
import type { SleepStore } from '../client/persist.js';
import { sendQueued } from '../client/send-loop.js';
import { Ev } from '../client/events.js';
import { COMPOSITE_PATHS, Ob } from '../client/observe.js';
import { FirmwareUpdate, FIRMWARE_DEF, type FirmwareOptions } from '../client/firmware.js';
import type { FirmwareStore } from '../client/firmware-store.js';
import { writeAccount } from '../client/account.js';
import { DataRecord, NONE, ValueType } from '../model/record.js';
import type { ObjectDef } from '../model/defs.js';
import type { ObjectTable } from '../model/table.js';
import { standardDefs } from '../objects/standard.js';
import { DeviceObject, type DeviceInfo } from '../objects/device.js';
import { ConnectivityObject, type ConnectivityInfo } from '../objects/connectivity.js';
import { Slab } from '../slab.js';
import type { PeerAddress } from '../coap/peer.js';
import { Code } from '../coap/codes.js';
import { Lwm2mError, codeText } from './errors.js';
import { LwObject, replyCode, utf8Text, type ObjectHost, type Reply } from './object.js';
import { currentPlatform, type Platform, type Transport } from './platform.js';

/** A server or bootstrap-server account (written into the Security and Server objects at the
 *  first start: the factory configuration; later starts use the stored one). */
export interface Account {
  /** coap://host:port or coaps://host:port. */
  uri: string;
  /** PSK identity (UTF-8) and key: coaps:// with DTLS 1.2 PSK. */
  pskIdentity?: string;
  pskKey?: Uint8Array;
  /** Short Server ID (servers; default 1). */
  ssid?: number;
  /** Registration lifetime, s (servers; default 300). */
  lifetime?: number;
  /** Default minimum and maximum notification periods, s (/1/x/2, /1/x/3). */
  pmin?: number;
  pmax?: number;
  /** Client Hold Off Time, s (bootstrap account). */
  holdOff?: number;
  /** Bootstrap from the bootstrap server when every registration attempt failed (default true). */
  bootstrapOnFailure?: boolean;
  /** Binding (/1/x/7; default "U", "UQ" with ClientOptions.queueMode). */
  binding?: string;
}

/** The Device object (/3/0): its information (manufacturer, model, serial, firmwareVersion, …,
 *  utcOffset "+01:00", timezone, powerSources, memoryTotal KiB) and callbacks. */
export interface DeviceOptions extends DeviceInfo {
  /** /3/0/9 battery level (0…100 %), read when a server asks; absent without it. */
  batteryLevel?: () => number;
  /** /3/0/20 battery status (0 normal, 1 charging, 2 charge complete, 3 damaged, 4 low, …). */
  batteryStatus?: () => number;
  /** /3/0/10 free memory, KiB (default: the platform's figure, when it has one). */
  memoryFree?: () => number;
  /** /3/0/13 current time, s since the Unix epoch (default: the platform's wall clock). A server's
   *  Write of /3/0/13 sets an offset to it. */
  currentTime?: () => number;
  /** Execute /3/0/4 Reboot: schedule the reboot and return (the 2.04 goes out first). 4.05 without it. */
  onReboot?: () => Reply;
  /** Execute /3/0/5 Factory Reset (same rule). 4.05 without it. */
  onFactoryReset?: () => Reply;
}

/** The server an event concerns: its Short Server ID (0: the bootstrap server) and URI. Reused. */
export interface ServerInfo { ssid: number; uri: string }

/** Why a server could not be reached (onUnreachable). Reused. */
export interface Unreachable extends ServerInfo {
  /** For people: "no answer", "refused with 4.03", "DTLS handshake failed: …", … */
  reason: string;
  /** The CoAP code a server answered with, 0 when it did not answer. */
  code: number;
}

export interface ClientOptions {
  /** Endpoint Client Name (1…128 characters). */
  endpoint: string;
  /** The LwM2M server account. */
  server?: Account;
  /** The bootstrap-server account (with or instead of `server`). */
  bootstrap?: Account;
  /** The application's objects (ready objects, LwObject, generated ones). Objects 0…5 are the
   *  client's own: Security, Server, Access Control, Device (see `device`), Connectivity
   *  Monitoring and Firmware Update (see `firmware`). */
  objects?: readonly LwObject[];
  device?: DeviceOptions;
  /** Connectivity Monitoring (/4/0): bearer and addresses. */
  connectivity?: ConnectivityInfo;
  /** Memory sizes (src/config.ts). maxInstances and maxValues default to what the objects need. */
  sizes?: Partial<Config>;
  /** LwM2M version to register as ("1.0", "1.1"; default "1.1"). */
  version?: string;
  /** Local UDP port (default 0: any) and address. */
  port?: number;
  address?: string;
  /** Storage key of the configuration (default "lwm2m.config"); false keeps it in memory only. */
  storage?: string | false;
  /** Firmware Update (object 5): the platform's firmware store. */
  firmware?: FirmwareStore;
  firmwareOptions?: FirmwareOptions;
  /** Send notifications as CON (default NON). */
  confirmableNotifications?: boolean;
  /** Queue Mode (TS Core §6.5): register with Q; after sizes.queueTime ms without an exchange (0:
   *  MAX_TRANSMIT_WAIT, 93 s) the client goes offline and the platform's transport may sleep until the
   *  next Update or notification is due; notifications made meanwhile are stored per /1/x/6. */
  queueMode?: boolean;
  /** Queue Mode: the DTLS session across a sleep — "resume" (default: closed, resumed at the wake),
   *  "full" (closed, a full handshake at the wake), "keep" (kept: the platform binds the same port
   *  again), or "cid" (RFC 9146 Connection ID offered; when the server grants one the session is kept
   *  and used from whatever port the platform binds at the wake, no handshake; otherwise as "resume"). */
  queueDtls?: 'keep' | 'resume' | 'full' | 'cid';
  /** Queue Mode, deep sleep that restarts the program: each time the client goes offline it keeps its
   *  registration, observations, stored notifications and DTLS session (resumption) in storage, beside
   *  the configuration (key "lwm2m.sleep"), so that a restarted program carries on with an Update —
   *  no Register, no full handshake. Default: on with queueMode when `storage` is not false (one write
   *  of a few hundred bytes per sleep); false turns it off. A registration taken back calls
   *  onRegistered as a Register does. docs/queue-mode.md. */
  persistSleep?: boolean;
  /** Resolves server host names (synchronously) to literal addresses; literals and localhost need none. */
  resolveHost?: (name: string) => string | null;
  /** Smartcard/provisioning bootstrap data (TLV or SenML CBOR of "/"). */
  provisioning?: Uint8Array | null;
  /** The platform (default: the one the engine's entry module registered). */
  platform?: Platform;

  onRegistered?(server: ServerInfo): void;
  onUpdated?(server: ServerInfo): void;
  onDeregistered?(server: ServerInfo): void;
  onBootstrapStarted?(): void;
  onBootstrapFinished?(): void;
  /** A server (ssid 0: the bootstrap server) could not be reached or refused the client. */
  onUnreachable?(why: Unreachable): void;
  /** A server began / ended observing `path` ("/3303/0/5700"; a composite: paths joined by ","). */
  onObserveStarted?(path: string, ssid: number): void;
  onObserveStopped?(path: string, ssid: number): void;
  /** Firmware Update State (/5/0/3) and Update Result (/5/0/5). */
  onFirmware?(state: number, result: number): void;
  /** An error at run time (a callback that threw, a value that did not fit; `error.path` says where),
   *  or the configuration unusable. Without it errors go to the platform's log. */
  onError?(error: Lwm2mError): void;
  /** stop() finished (de-registered, or gave up after 5 s). */
  onStopped?(): void;
  /** Every engine event, for logs (kind: EventKind; a, b: its numbers). */
  onEvent?(kind: number, a: number, b: number): void;
}

/** The Device object's values the application sets (allocation-free). */
export interface DeviceControl {
  /** Adds an error code to /3/0/11 (1 low battery, 2 external power off, 3 GPS, 4 low signal,
   *  5 out of memory, 6 SMS, 7 IP connectivity, 8 peripheral malfunction). */
  addError(code: number): boolean;
  /** /3/0/11 back to "0: no error" (what Execute /3/0/12 does). */
  clearErrors(): void;
  /** /3/0/9 battery level and, given, /3/0/20 battery status (when no batteryLevel callback). */
  setBattery(level: number, status?: number): boolean;
}

const RESERVED = [0, 1, 2, 3, 4, 5];
/** Reboot / Factory Reset without the application's callback (one function for every client: under
 *  XS each closure a client keeps is about 12 heap slots). */
const notAllowed = (): number => -Code.METHOD_NOT_ALLOWED;
const STD_INSTANCE_VALUES = 24; // a Security or Server instance's values, at most (sizing)

export class Lwm2mClient implements DeviceControl {
  readonly endpoint: string;
  readonly #o: ClientOptions;
  readonly #platform: Platform;
  readonly #core: Core;
  readonly #device: DeviceObject;
  readonly #objects: readonly LwObject[];
  #transport: Transport | null = null;
  #kicked = false;
  #started = false;
  #stopping = false;
  #stopTimer = 0;
  #stopWaiters: (() => void)[] = [];
  readonly #out: Uint8Array;
  readonly #tick = (): void => this.#pump();
  readonly #server: ServerInfo = { ssid: 0, uri: '' };
  readonly #unreach: Unreachable = { ssid: 0, uri: '', reason: '', code: 0 };
  #dtlsSsid = -1;
  #dtlsCode = 0;
  /** The last turn's time (ms, the transport's clock). */
  #now = 0;
  readonly #timeRec = new DataRecord();
  readonly #hooks: EngineHooks | undefined;

  constructor(o: ClientOptions) {
    if (o === null || typeof o !== 'object') throw new Lwm2mError('new Lwm2mClient(options): give an options object with at least { endpoint, server or bootstrap }');
    const platform = o.platform ?? currentPlatform();
    if (platform === null) throw new Lwm2mError('no platform registered: import the client from the entry of your engine (Node: "lwm2m-mcu" / hal/node/index.js; Moddable and Espruino: their lwm2m-mcu module), or pass options.platform');
    if (typeof o.endpoint !== 'string' || o.endpoint.length === 0 || o.endpoint.length > 128) throw new Lwm2mError('options.endpoint must be a string of 1…128 characters (the Endpoint Client Name)');
    // (With storage, a configuration saved by an earlier run may be all there is.)
    if (!o.server && !o.bootstrap && !o.provisioning && o.storage === false) throw new Lwm2mError('give options.server or options.bootstrap (an account { uri: "coap://host:5683" }), or provisioning data');
    checkAccount('server', o.server);
    checkAccount('bootstrap', o.bootstrap);
    this.endpoint = o.endpoint;
    this.#o = o;
    this.#platform = platform;
    const objects = o.objects ?? [];
    this.#objects = objects;
    // Object ids: each once, none of the client's own.
    const defs: ObjectDef[] = standardDefs(o.version ?? '1.1').filter((d) => d !== null && d.id !== 3303) as ObjectDef[];
    let instances = 0, values = 0;
    for (let k = 0; k < objects.length; k++) {
      const ob = objects[k];
      if (!(ob instanceof LwObject)) throw new Lwm2mError(`options.objects[${k}] is not an LwM2M object (make it with a ready class such as new TemperatureSensor(), or new LwObject(definition, options))`);
      if (RESERVED.indexOf(ob.id) >= 0) throw new Lwm2mError(`options.objects[${k}]: object ${ob.id} is the client's own (${ob.id === 3 ? 'use options.device' : ob.id === 5 ? 'use options.firmware' : ob.id === 4 ? 'use options.connectivity' : 'accounts come from options.server / options.bootstrap'})`);
      for (let j = 0; j < k; j++) if (objects[j].id === ob.id) throw new Lwm2mError(`two objects with id ${ob.id} (options.objects[${j}] and [${k}]): give one object with several instances ({ instances: [0, 1] })`);
      defs.push(ob.def as ObjectDef);
      instances += ob.maxInstances;
      values += ob.maxInstances * ob.valuesPerInstance;
    }
    if (o.firmware) defs.push(FIRMWARE_DEF);
    // Sizes: what the objects need unless given; given too small, the fix is named.
    const sz: Partial<Config> = { ...(o.sizes ?? {}) };
    const servers = sz.maxServers ?? 2;
    const needInstances = instances + 2 * servers + 1 /* bootstrap */ + 2 /* device, connectivity */ + (o.firmware ? 1 : 0) + 2 /* access control */;
    if (sz.maxInstances === undefined) sz.maxInstances = Math.max(48, needInstances);
    else if (sz.maxInstances < needInstances) throw new Lwm2mError(`sizes.maxInstances ${sz.maxInstances} is too small for these objects and ${servers} server accounts: raise sizes.maxInstances to ${needInstances}`);
    if (sz.maxValues === undefined) sz.maxValues = Math.max(384, 160 + (2 * servers + 1) * STD_INSTANCE_VALUES + values);
    const slab = new Slab();
    this.#out = slab.u8(sz.maxDatagram ?? 1280);
    const seed = new Uint8Array(16);
    platform.random(seed, 0, 16);
    const keep = [3, 4];
    for (const ob of objects) keep.push(ob.id); // the application's objects describe its hardware: a Bootstrap-Delete of "/" leaves them
    if (o.firmware) keep.push(5);
    const factory = (o.server || o.bootstrap) ? (t: ObjectTable) => {
      let rc = 0;
      if (o.bootstrap) rc = writeAccount(t, 0, { ...o.bootstrap, bootstrapOnFailure: undefined }, true);
      if (rc === 0 && o.server) rc = writeAccount(t, o.bootstrap ? 1 : 0, o.queueMode === true && o.server.binding === undefined ? { ...o.server, binding: 'UQ' } : o.server, false);
      if (rc < 0) throw new Lwm2mError('the server accounts do not fit (code ' + codeText(-rc) + '): raise sizes.maxValues / sizes.arenaBytes');
    } : undefined;
    const hooks = (o as ClientOptions & { engineHooks?: EngineHooks }).engineHooks;
    this.#hooks = hooks;
    const key = o.storage === undefined ? 'lwm2m.config' : o.storage;
    const store: ConfigStore | null = key === false ? null : new Lwm2mClient.#Store(this, key, false);
    // Deep sleep that restarts the program (src/client/persist.ts): beside the configuration.
    const sleepKey = key === false ? '' : key === 'lwm2m.config' ? 'lwm2m.sleep' : key + '.sleep';
    const sleepStore: SleepStore | null = key === false || o.queueMode !== true || o.persistSleep === false ? null : new Lwm2mClient.#Store(this, sleepKey, true);
    const core = new Core({
      // (The config made and frozen here is the one the engine keeps: one copy, not two.)
      endpoint: o.endpoint, seed, config: Object.freeze(makeConfig(sz)), objects: defs, factory, store, version: o.version,
      provisioning: o.provisioning ?? null, confirmableNotifications: o.confirmableNotifications,
      keepOnBootstrapDelete: keep, resolveHost: o.resolveHost,
      random: (b, off, len) => platform.random(b, off, len),
      ...(hooks?.acceptUnknownPeers === true ? { acceptUnknownPeers: true } : {}),
      ...(o.queueMode === true ? { queueMode: true, queueDtls: o.queueDtls, ...(sleepStore ? { sleepStore } : {}) } : {}),
      ...(platform.aes ? { aes: () => (platform.aes as () => ReturnType<NonNullable<Platform['aes']>>)() } : {}),
      ...(platform.transientHandshake ? { transientHandshake: () => (platform.transientHandshake as () => void)() } : {}),
      ...(platform.lowMemory === true ? { lowMemory: true } : {}),
    }, slab);
    this.#core = core;
    const t = core.table;
    // The Device object: information, and the callbacks with their defaults.
    const d = o.device ?? {};
    const now = d.currentTime ?? (platform.wallClock ? () => (platform.wallClock as () => number)() : undefined);
    const memFree = d.memoryFree ?? (platform.memoryFree ? () => (platform.memoryFree as () => number)() : undefined);
    const guard = (what: string, fn: (() => Reply) | undefined) => fn === undefined ? notAllowed : () => {
      try { return replyCode(fn()); } catch (e) { this.#error(new Lwm2mError(`${what} threw: ${e instanceof Error ? e.message : String(e)}`, what === 'onReboot' ? '/3/0/4' : '/3/0/5', Code.INTERNAL_SERVER_ERROR, e)); return -Code.INTERNAL_SERVER_ERROR; }
    };
    this.#device = new DeviceObject(t, {
      manufacturer: d.manufacturer ?? 'lwm2m-mcu', model: d.model ?? platform.name, serial: d.serial ?? o.endpoint,
      firmwareVersion: d.firmwareVersion ?? '0.1.0', hardwareVersion: d.hardwareVersion, softwareVersion: d.softwareVersion,
      deviceType: d.deviceType, utcOffset: d.utcOffset, timezone: d.timezone, powerSources: d.powerSources, memoryTotal: d.memoryTotal,
    }, { reboot: guard('onReboot', d.onReboot), factoryReset: guard('onFactoryReset', d.onFactoryReset), now, memoryFree: memFree });
    const reader = (path: string, fn: () => number) => (_i: number, _ri: number, out: DataRecord) => {
      try { const v = fn(); if (typeof v !== 'number' || v !== v) throw new Error('returned ' + String(v) + ', not a number'); out.num = v; return 0; }
      catch (e) { this.#error(new Lwm2mError(`device callback failed: ${e instanceof Error ? e.message : String(e)}`, path, Code.INTERNAL_SERVER_ERROR, e)); return -Code.INTERNAL_SERVER_ERROR; }
    };
    if (d.batteryLevel) t.bindRead(3, 9, reader('/3/0/9', d.batteryLevel));
    if (d.batteryStatus) t.bindRead(3, 20, reader('/3/0/20', d.batteryStatus));
    new ConnectivityObject(t, o.connectivity ?? { ipAddresses: ['0.0.0.0'] });
    if (o.firmware) {
      core.firmware = new FirmwareUpdate(core, o.firmware, { now, ...o.firmwareOptions });
    }
    // The application's objects.
    const host: ObjectHost = new Lwm2mClient.#Host(this, t, this.#timeRec, slab.f64(4));
    for (const ob of objects) ob.attach(host);
    if (objects.length > 0) {
      core.instanceHook = (create, o, i) => {
        for (let k = 0; k < objects.length; k++) if (objects[k].id === o) return objects[k].serverInstance(create, i);
        return 0;
      };
    }
  }

  /** The application objects given in the options. */
  get objects(): readonly LwObject[] { return this.#objects; }

  /** Opens the transport and begins: registration with the server, or bootstrap. Resolves once the
   *  transport is open. */
  start(): Promise<void> {
    if (this.#started) return Promise.reject(new Lwm2mError('start(): the client is started already (stop() first, or make a new client)'));
    this.#started = true;
    const o = this.#o;
    // (Not an async function: Espruino's ES5 build has no __awaiter/__generator helpers.)
    return new Promise<Transport>((ok) => ok(this.#platform.open({ port: o.port, address: o.address }))).then((tr) => {
      this.#transport = tr;
      const core = this.#core;
      const hooks = this.#hooks;
      tr.onReceive((buf, off, len, from) => {
        if (this.#transport === null) return;
        const r = core.receive(buf, off, len, from, tr.now());
        if (hooks?.received) hooks.received(r, buf, off, len, from);
        this.#pump();
      });
      this.#now = tr.now();
      core.start(this.#now);
      this.#pump();
    });
  }

  /** De-registers from the servers, then closes the transport. Resolves (and calls onStopped)
   *  when done, or at most stopWait() (a Register still in flight may be answered and then ended by a
   *  De-register: 6 s with the RFC 7252 defaults) plus 5 s for the De-registers after it. */
  stop(): Promise<void> {
    const done = new Promise<void>((r) => this.#stopWaiters.push(r));
    const tr = this.#transport;
    if (tr === null) { this.#finishStop(); return done; }
    if (!this.#stopping) {
      this.#stopping = true;
      this.#stopTimer = tr.now() + stopWait(this.#core.config) + 5000;
      this.#core.stop(tr.now());
      this.#pump();
    }
    return done;
  }

  /** Closes at once: no de-registration (the server's registration expires with its lifetime). */
  close(): void {
    const tr = this.#transport;
    this.#transport = null;
    if (tr !== null) { tr.setTimer(Infinity, this.#tick); tr.close(); }
  }

  /** Asks for a Registration Update now (all servers). */
  update(): void {
    const c = this.#core;
    for (let s = 0; s < c.nServers; s++) if (c.srv[s * Sv.SIZE + Sv.USED]) c.triggerUpdate(c.serverSsid(s));
    this.#kick();
  }

  // DeviceControl
  addError(code: number): boolean { const ok = this.#device.addError(code) === 0; this.#kick(); return ok; }
  clearErrors(): void { this.#device.clearErrors(); this.#kick(); }
  setBattery(level: number, status = -1): boolean { const ok = this.#device.setBattery(level, status) === 0; this.#kick(); return ok; }
  /** The Device object's values (the same methods as on the client). */
  get device(): DeviceControl { return this; }

  #kick(): void {
    if (!this.#kicked && this.#transport !== null) { this.#kicked = true; this.#transport.setTimer(this.#now, this.#tick); }
  }

  #finishStop(): void {
    this.close();
    const w = this.#stopWaiters;
    this.#stopWaiters = [];
    const cb = this.#o.onStopped;
    if (cb) { try { cb.call(this.#o); } catch (e) { this.#error(new Lwm2mError('onStopped threw: ' + String(e), '', 0, e)); } }
    for (const r of w) r();
  }

  /** Runs the engine's timers, sends what it queued, hands out its events, re-arms the timer. */
  #pump(): void {
    const tr = this.#transport;
    if (tr === null) return;
    this.#kicked = false;
    // The drivers' loop: at most 64 datagrams a turn (an engine that keeps producing cannot starve
    // the event loop), and Queue Mode's sleep and wake of the transport.
    const deadline = sendQueued(this.#core, tr, this.#out);
    this.#now = tr.now();
    this.#events();
    if (this.#stopping && (this.#core.idle() || this.#now >= this.#stopTimer)) { this.#finishStop(); return; }
    if (this.#transport !== null) tr.setTimer(this.#stopping ? Math.min(deadline, this.#now + 50) : deadline, this.#tick);
  }

  #events(): void {
    const c = this.#core, o = this.#o;
    for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) {
      const a = c.eventA, b = c.eventB;
      try {
        if (o.onEvent) o.onEvent(e, a, b);
        switch (e) {
          case Ev.REGISTERED: if (o.onRegistered) o.onRegistered(this.#serverInfo(a)); break;
          case Ev.UPDATED: if (o.onUpdated) o.onUpdated(this.#serverInfo(a)); break;
          case Ev.DEREGISTERED: if (o.onDeregistered) o.onDeregistered(this.#serverInfo(a)); break;
          case Ev.BOOTSTRAP_STARTED: if (o.onBootstrapStarted) o.onBootstrapStarted(); break;
          case Ev.BOOTSTRAP_FINISHED: if (o.onBootstrapFinished) o.onBootstrapFinished(); break;
          case Ev.DTLS_FAILED: this.#dtlsSsid = a; this.#dtlsCode = b; break;
          case Ev.REGISTRATION_FAILED: this.#unreachable(a, b, b ? 'refused with ' + codeText(b) : 'no answer'); break;
          case Ev.REGISTRATION_EXHAUSTED: this.#unreachable(a, 0, `every registration attempt failed; trying again every ${b} s`); break;
          case Ev.BOOTSTRAP_FAILED:
            if (a === 2) this.#unreachable(0, b, b ? 'bootstrap refused with ' + codeText(b) : 'no answer from the bootstrap server');
            else this.#error(new Lwm2mError(a === 1 ? 'bootstrap impossible: no bootstrap-server account' : 'the bootstrap server\'s configuration was refused (Bootstrap-Finish answered 4.06)'));
            break;
          case Ev.CONFIG_ERROR:
            this.#error(new Lwm2mError(a === 2 ? `server ${b}: its URI cannot be used (a host name that does not resolve: give options.resolveHost, or a security mode other than PSK/NoSec)` : 'no usable server account: give options.server or options.bootstrap'));
            break;
          case Ev.OBSERVE_STARTED: if (o.onObserveStarted) o.onObserveStarted(this.#observedPath(b), a); break;
          case Ev.OBSERVE_CANCELLED: if (o.onObserveStopped) o.onObserveStopped(this.#observedPath(b), a); break;
          case Ev.FIRMWARE: if (o.onFirmware) o.onFirmware(a, b); break;
          // One line each (an application with onEvent logs them itself).
          case Ev.SLEEP_RESUMED: {
            if (!o.onEvent) this.#log(2, `resumed from the persisted sleep state (${a} registration${a === 1 ? '' : 's'}, stopped ${b} s): no Register`);
            // The registrations taken back are registrations: onRegistered for each, as after a Register.
            const sv = c.srv;
            if (o.onRegistered) {
              for (let s = 0; s < c.nServers; s++) {
                const st = sv[s * Sv.SIZE + Sv.STATE]; // (its Update may be out already)
                if (sv[s * Sv.SIZE + Sv.USED] && (st === Reg.REGISTERED || st === Reg.UPDATING)) o.onRegistered(this.#serverInfo(sv[s * Sv.SIZE + Sv.SSID]));
              }
            }
            break;
          }
          case Ev.SLEEP_DISCARDED: if (!o.onEvent) this.#log(1, `the persisted sleep state is not used (${sleepDiscardText(a)}): registering afresh`); break;
          default: break;
        }
      } catch (err) {
        this.#error(new Lwm2mError(`an event callback threw: ${err instanceof Error ? err.message : String(err)}`, '', 0, err));
      }
    }
  }

  #unreachable(ssid: number, code: number, reason: string): void {
    const u = this.#unreach;
    u.ssid = ssid; u.code = code;
    u.uri = this.#uriOf(ssid);
    u.reason = this.#dtlsSsid === ssid && code === 0 ? `DTLS handshake failed (error ${this.#dtlsCode}: a wrong PSK or identity, or no DTLS on that port)` : reason;
    this.#dtlsSsid = -1;
    const cb = this.#o.onUnreachable;
    if (cb) cb(u);
    else this.#log(1, `server ${ssid ? ssid : '(bootstrap)'} ${u.uri}: ${u.reason}`);
  }

  #serverInfo(ssid: number): ServerInfo {
    const s = this.#server;
    s.ssid = ssid;
    s.uri = this.#uriOf(ssid);
    return s;
  }

  /** The URI of server ssid's account (0: the bootstrap server), "" when unknown. */
  #uriOf(ssid: number): string {
    const c = this.#core, t = c.table, r = this.#timeRec;
    const sec = ssid === 0 ? c.findBootstrapSecurity(t) : c.securityForSsid(t, ssid);
    if (sec < 0 || t.getValue(0, sec, 0, NONE, r) !== 0 || r.type !== ValueType.String) return '';
    return utf8Text(r.buf, r.off, r.len);
  }

  /** "/o/i/r" of observation slot k (its paths, joined by "," for a composite). */
  #observedPath(k: number): string {
    const obs = this.#core.obs;
    if (!(k >= 0 && k < obs.n)) return '';
    const n = Math.max(1, Math.min(COMPOSITE_PATHS, obs.get(k, Ob.PATH_COUNT)));
    let s = '';
    for (let q = 0; q < n; q++) {
      const p = (k * COMPOSITE_PATHS + q) * 4, P = obs.paths;
      if (q > 0) s += ',';
      s += P[p] < 0 ? '/' : '/' + P[p] + (P[p + 1] >= 0 ? '/' + P[p + 1] + (P[p + 2] >= 0 ? '/' + P[p + 2] + (P[p + 3] >= 0 ? '/' + P[p + 3] : '') : '') : '');
    }
    return s;
  }

  #error(e: Lwm2mError): void {
    const cb = this.#o.onError;
    if (cb) { try { cb(e); return; } catch { /* an onError that throws: logged below */ } }
    this.#log(0, e.message);
  }

  #log(level: number, msg: string): void {
    const tr = this.#transport;
    if (tr !== null) tr.log(level, 'lwm2m-mcu: ' + msg);
    else (globalThis as { console?: { log(s: string): void } }).console?.log('lwm2m-mcu: ' + msg);
  }

  /** The engine, for the project's own tools and tests (not part of the public entry point). */
  static engineOf(c: Lwm2mClient): Core { return c.#core; }

  // The client's side of its objects (ObjectHost) and of the storage (ConfigStore, SleepStore): objects
  // with their methods on the prototype, not closures (under XS a closure a client keeps is about 12
  // heap slots, an object 1 + 1 per field). Classes in the class body: they reach its private members.

  /** What the application's objects use (LwObject.attach): the table, the record values cross into
   *  the table through (shared with #uriOf: neither keeps it across a call), the number scratch. */
  static readonly #Host = class implements ObjectHost {
    constructor(readonly c: Lwm2mClient, readonly table: ObjectTable, readonly rec: DataRecord, readonly num: Float64Array) {}
    error(e: Lwm2mError): void { this.c.#error(e); }
    changed(): void { this.c.#kick(); }
  };

  /** The configuration (sleep false) or the sleep state (true) under `key` in the transport's storage. */
  static readonly #Store = class implements ConfigStore, SleepStore {
    constructor(readonly c: Lwm2mClient, readonly key: string, readonly sleep: boolean) {}
    load(out: Uint8Array): number { const tr = this.c.#transport; return tr ? tr.storageRead(this.key, out) : -1; }
    save(buf: Uint8Array, off: number, len: number): boolean { const tr = this.c.#transport; return tr ? tr.storageWrite(this.key, buf, off, len) : !this.sleep; }
    unusable(): void {
      const hooks = this.c.#hooks;
      if (hooks?.storeUnusable) hooks.storeUnusable(); else this.c.#log(0, `the stored configuration (${this.key}) does not decode: not used`);
    }
    erase(): void { const tr = this.c.#transport; if (tr) tr.storageDelete(this.key); }
    wallClock(): number { return Date.now(); }
  };
}

/** An account's URI and keys (no regular expression: Espruino's does not match `[^/]`). */
function checkAccount(what: string, a: Account | undefined): void {
  if (a === undefined) return;
  const u = a.uri, at = typeof u !== 'string' ? -1 : u.indexOf('coap://') === 0 ? 7 : u.indexOf('coaps://') === 0 ? 8 : -1;
  if (at < 0 || u.length <= at || u.charAt(at) === '/') throw new Lwm2mError(`options.${what}.uri must be coap://host:port or coaps://host:port (got ${String(u)})`);
  if (at === 8 && (a.pskIdentity === undefined || !(a.pskKey instanceof Uint8Array))) throw new Lwm2mError(`options.${what}: a coaps:// account needs pskIdentity (a string) and pskKey (a Uint8Array)`);
}

/** For the project's own tools (the CLI's debug log and state file), given as options.engineHooks:
 *  not part of the public options. */
export interface EngineHooks {
  /** After each datagram the engine received: what it did with it (Rx). */
  received?(result: number, buf: Uint8Array, off: number, len: number, from: PeerAddress): void;
  /** The stored configuration does not decode (before anything overwrites it). */
  storeUnusable?(): void;
  /** INSECURE development switch: serve requests from any peer. */
  acceptUnknownPeers?: boolean;
}

/** The engine under a public client (host tools, tests and benchmarks; not exported by src/index.ts). */
export function engineOf(c: Lwm2mClient): Core { return Lwm2mClient.engineOf(c); }

export type { PeerAddress };

/** Why a persisted sleep state was not used (Ev.SLEEP_DISCARDED a, src/client/persist.ts SleepDiscard). */
export function sleepDiscardText(why: number): string {
  return ['', 'damaged', 'written for another endpoint', 'written under another configuration', 'the registration has expired',
    'the wall clock went back', 'another format'][why] ?? 'reason ' + why;
}
