// The LwM2M client engine: registration, bootstrap, device management and reporting on one CoAP
// endpoint, sans-IO.
//
// Call order (the HAL's driver does this; ARCHITECTURE.md §1):
//   const c = createClient(options)        — everything allocated here, from options.config
//   c.table … bind application resources    — before start()
//   c.start(now)                           — loads the configuration (smartcard, storage or factory)
//                                            and begins registering or bootstrapping
//   loop:
//     c.receive(buf, off, len, peer, now)  — each inbound datagram
//     deadline = c.poll(now)               — timers: retransmission, updates, notifications, bootstrap
//     while ((n = c.transmit(out, 0)) > 0) send(out, n, c.txPeer)
//     while ((e = c.nextEvent()) !== Ev.NONE) log(e, c.eventA, c.eventB)
//     sleep until the deadline or the next datagram
//   c.stop(now)                            — de-registers; keep polling until idle() to let it go out
//
// The bootstrap flag (ARCHITECTURE.md §3; TS Core §6.1.6: "During the Bootstrap Phase, the Client
// MUST ignore requests and flush all pending responses not related to the Bootstrap sequence. The
// LwM2M Client MUST start fresh, further to the bootstrap completion"): while it is set, the endpoint
// drops every datagram not from the bootstrap server before parsing it (accept()), the response ring
// and the dedup cache are flushed of every other peer (its dedup entries stay, silent: a late
// duplicate is neither answered nor executed again), no Register/Update/Notify/Send starts; a 2.04
// Bootstrap-Finish commits the staged configuration and starts fresh. Without the flag, only the
// peers the client holds an account for are heard (accept()).

import { Config, makeConfig, exchangeLifetime, maxTransmitWait } from '../config.js';
import { Code } from '../coap/codes.js';
import { CoapMessage, MessageWriter, MsgType, ascii } from '../coap/message.js';
import { Endpoint, EndpointHandler, Failure, Reply } from '../coap/endpoint.js';
import { Opt } from '../coap/option.js';
import { PeerAddress, parseAddress } from '../coap/peer.js';
import { ObjectTable, ValueCursor } from '../model/table.js';
import { DataRecord, NONE, ValueType } from '../model/record.js';
import { Ev, EventRing } from './events.js';
import { LwPath } from './path.js';
import { AttributeTable, Ob, ObservationTable } from './observe.js';
import { Slab } from '../slab.js';
import { utf8Bytes } from '../model/utf8.js';
import { DefRegistry, type ObjectDef } from '../model/defs.js';
import { handleDm, notifyDue, sendNotification, criticalNotForMethod } from './dm.js';
import { handleBootstrap, checkConsistency, applyProvisioning, applyPack } from './bootstrap.js';
import { DtlsSession, DtlsWorkspace } from '../dtls/session.js';
import { parseUri, UriRecord, findBootstrapInstance, findSecurityForSsid, schemeModeProblem } from '../objects/security.js';
import type { BlockCipherProvider } from '../crypto/provider.js';
import type { FirmwareUpdate } from './firmware.js';
import { QueueMode, queueOnEvent, queueHeard, queueDeadline, queueBeforeSend, queueKeepsObservation } from './queue.js';
import { SleepState, restoreSleep, forgetSleep, type SleepStore } from './persist.js';

/** Persistent storage for the committed configuration (the HAL's key-value store behind it). */
export interface ConfigStore {
  /** Copies the stored configuration into out; its length, or -1 when there is none. */
  load(out: Uint8Array): number;
  /** Stores it durably and atomically; false on failure. */
  save(buf: Uint8Array, off: number, len: number): boolean;
  /** Called when the stored bytes load() gave do not decode, before anything overwrites them (the
   *  host keeps a copy and says so). */
  unusable?(): void;
}

export interface ClientOptions {
  /** Endpoint Client Name (TS Core §6.2.1 "ep"). */
  endpoint: string;
  config?: Partial<Config>;
  /** Object definitions the client enables (0 and 1 are required). */
  objects: readonly ObjectDef[];
  /** Random bytes from the HAL (seeds message IDs, tokens, jitter). */
  seed: Uint8Array;
  /** LwM2M version announced at registration (default "1.1"). */
  version?: string;
  /** Factory bootstrap: writes Security/Server instances into an empty table. */
  factory?: (t: ObjectTable) => void;
  /** Smartcard bootstrap: a provisioning blob (TLV or SenML CBOR of "/"), read at start. */
  provisioning?: Uint8Array | null;
  store?: ConfigStore | null;
  /** Bootstrap inactivity timeout in ms (default EXCHANGE_LIFETIME). */
  bootstrapTimeout?: number;
  /** Base and cap (ms) of the back-off between failed bootstrap attempts (default 10 s, 1 h). */
  bootstrapBackoff?: number;
  bootstrapBackoffMax?: number;
  /** Send notifications as CON (default NON, with a CON at least every 24 h: RFC 7641 §4.5). */
  confirmableNotifications?: boolean;
  /** Depth of the application event ring (default 32). */
  eventDepth?: number;
  /** Cryptographic random bytes (the HAL's): DTLS ClientHello randoms. Without it, a generator
   *  seeded from `seed` is used — fine for tests, not for a device in the field. */
  random?: (buf: Uint8Array, off: number, len: number) => void;
  /** Native AES for DTLS (Moddable's crypt BlockCipher, Node's crypto): a factory, called twice per
   *  DTLS session (a provider holds one key schedule: one per direction, and sessions must not share
   *  one). Portable AES by default. */
  aes?: () => BlockCipherProvider;
  /** A device short of memory: the DTLS handshake's working state (~4 KB: key schedule, transcript,
   *  reassembly, flight) is made when a handshake starts and dropped when it ends, and this is called
   *  then (Espruino: the handshake's code is given back, host/espruino-build.ts). The handshake then
   *  allocates; a connected or idle client holds none of it. Default: made once and kept
   *  (allocation-free). */
  transientHandshake?: () => void;
  /** A device short of memory (Espruino): the bootstrap staging table (a second copy of the object
   *  table) is made when a bootstrap (or smartcard provisioning) begins, in a slab of its own, and
   *  dropped when it is finished or rolled back; the configuration's serialization buffer is made
   *  for each load or save. Default: both made once and kept (allocation-free). */
  lowMemory?: boolean;
  /** Client-initiated bootstrap by Bootstrap-Pack-Request (LwM2M 1.2: GET /bspack, the whole
   *  configuration in one SenML CBOR answer) instead of POST /bs and a write sequence. */
  bootstrapPack?: boolean;
  /** Resolves a host name of a server URI to a literal address ("192.0.2.1", "2001:db8::1"), or
   *  null. Synchronous; called only when the configuration is read. Without it only literal
   *  addresses and "localhost" work. */
  resolveHost?: (name: string) => string | null;
  /** Objects whose instances a Bootstrap-Delete of "/" leaves alone (default [3], the Device). */
  keepOnBootstrapDelete?: readonly number[];
  /** INSECURE, for development only (talking to the client with coap-client): serve requests from
   *  any peer, not only from the configured servers. Off by default: a datagram from an address and
   *  port the client holds no account for is dropped (and counted in unknownDropped). */
  acceptUnknownPeers?: boolean;
  /** Queue Mode (TS Core §6.5, src/client/queue.ts): the client may go offline when its server
   *  registration says Q (as Anjay Lite's queue_mode_enabled). Off by default: a client without it
   *  builds no Queue Mode state (XS: no heap slot; Espruino: the module is not loaded). */
  queueMode?: boolean;
  /** Queue Mode: what a DTLS session becomes across a sleep — closed and
   *  resumed at the wake ("resume", the default), closed and renegotiated ("full"), kept ("keep":
   *  the HAL keeps or rebinds the same port), or kept when the server granted an RFC 9146 Connection
   *  ID, else resumed ("cid": the HAL may bind any port at the wake). */
  queueDtls?: 'keep' | 'resume' | 'full' | 'cid';
  /** Queue Mode, deep sleep that restarts the program (src/client/persist.ts): where the client keeps,
   *  each time it goes offline, its registrations, observations, stored notifications and DTLS
   *  resumption state, so that after a restart it carries on with an Update rather than a Register (the
   *  HAL's storage, beside the configuration). Used only with queueMode; none: nothing is kept. */
  sleepStore?: SleepStore | null;
}

export const enum Reg { IDLE = 0, WAIT = 1, REGISTERING = 2, REGISTERED = 3, UPDATING = 4, DEREGISTERING = 5, FAILED = 6, DISABLED = 7 }
export const enum Bs { IDLE = 0, HOLDOFF = 1, REQUESTING = 2, ACTIVE = 3 }
export const enum BsMode { CLIENT = 0, SERVER = 1, SMARTCARD = 2, FACTORY = 3 }
export const enum Tag { REGISTER = 1, UPDATE = 2, DEREGISTER = 3, BOOTSTRAP_REQUEST = 4, NOTIFY = 5, SEND = 6, BOOTSTRAP_PACK = 7, FIRMWARE = 8 }

export const LOC_BYTES = 64;
/** The slot of Lwm2mClient.f64 the endpoint's deadline crosses in: read at once (dm.ts notifyDue uses every slot as scratch). */
const F64_DEADLINE = 7;
const RD = ascii('rd');
const BS = ascii('bs');
const BSPACK = ascii('bspack');
const Q_EP = ascii('ep=');
const Q_LT = ascii('lt=');
const Q_LWM2M = ascii('lwm2m=');
const Q_B = ascii('b=');
const Q_PCT = ascii('pct=');
const Q_Q = ascii('Q');
// The root link of Register/Update (TS Core §6.2.1.1): rt="oma.lwm2m" and ct= the client's preferred
// Content-Format, so that a server knows what to ask for (without it Leshan's server assumes only
// text, opaque and link format). LwM2M 1.1 and later: SenML CBOR (112), the client's preferred format
// (as pct= in its Bootstrap-Request; Wakaama's and Zephyr's clients announce ct=112 too); 1.0: TLV
// (11542), that version's mandatory format. One value, which Leshan's server accepts.
const LINK_ROOT = ascii('</>;rt="oma.lwm2m";ct=112');
const LINK_ROOT_10 = ascii('</>;rt="oma.lwm2m";ct=11542');

// Server object (1) resources (TS Core Appendix E.2).
const SRV_SSID = 0, SRV_LIFETIME = 1, SRV_PMIN = 2, SRV_PMAX = 3, SRV_DISABLE_TIMEOUT = 5, SRV_BINDING = 7, SRV_INITIAL_DELAY = 14,
  SRV_BS_ON_FAILURE = 16, SRV_RETRY_COUNT = 17, SRV_RETRY_TIMER = 18, SRV_SEQ_DELAY = 19, SRV_SEQ_RETRY = 20;
/** Largest lifetime (/1/x/1) the client registers with: a signed 32-bit count of seconds, as Anjay's
 *  Server object keeps it (the DDF gives no range; 0 is "infinite"). A Write outside 0…LIFETIME_MAX
 *  gets 4.00 (the range host/gen-objects.ts supplements), so this bound only guards a configuration
 *  from elsewhere. */
export const LIFETIME_MAX = 2147483647;
// Security object (0) resources (TS Core Appendix E.1).
const SEC_URI = 0, SEC_MODE = 2, SEC_HOLDOFF = 11, SEC_BS_TIMEOUT = 12, SEC_CIPHERSUITE = 16;

/** A server account's integer fields: row s of Lwm2mClient.srv (stride Sv.SIZE). One strided array,
 *  not one per field: under XS every typed array is an object of its own (4 to 7 heap slots). */
export const enum Sv {
  USED = 0, SSID = 1,
  /** Its Security and Server (/1/x) instances. */
  SEC = 2, INST = 3,
  PEER = 4, STATE = 5, RETRY = 6, SEQ = 7,
  /** Bytes of srvLoc used. */
  LOC_LEN = 8,
  /** Ring slot of its request in flight, -1 when none. */
  SLOT = 9,
  /** What changed since the last Register/Update, a bit mask (Dirty): the object list, the binding;
   *  and a Disable (/1/x/4) executed but not yet carried out. */
  DIRTY = 10,
  /** 1 when SvT.PMIN/PMAX hold /1/x/2 and /1/x/3 (serverPeriods). */
  PERIODS = 11,
  /** linksHash() of the object list the last Register (or Update with links) told the server. */
  LINKS = 12,
  SIZE = 13,
}
/** Its doubles: row s of Lwm2mClient.srvTime (stride SvT.SIZE). Lifetime in s, deadline in ms; the
 *  Server instance's default pmin and pmax in s (0 when absent), valid while Sv.PERIODS is 1; when
 *  the last Register/Update was sent (ms: the lifetime counts from there). */
export const enum SvT { LIFETIME = 0, DEADLINE = 1, PMIN = 2, PMAX = 3, SENT = 4, SIZE = 5 }
/** Bits of Sv.DIRTY. OBJECTS: the object list differs from what the server was told; CHECK: an
 *  instance was created or deleted, the list may differ (resolveObjects compares); TRIGGER: an
 *  Update was asked for (/1/x/8, triggerUpdate) and goes out even when nothing changed. */
export const enum Dirty { OBJECTS = 1, BINDING = 2, DISABLE = 4, CHECK = 8, TRIGGER = 16 }

export class Lwm2mClient implements EndpointHandler {
  readonly config: Config;
  readonly ep: Endpoint;
  readonly table: ObjectTable;
  /** The bootstrap staging copy of the table (made on first use with `lowMemory`). */
  private stagingTable: ObjectTable | null;
  private readonly defs: DefRegistry;
  readonly events: EventRing;
  readonly obs: ObservationTable;
  readonly attrs: AttributeTable;
  readonly endpointName: Uint8Array;
  readonly version: Uint8Array;
  readonly opts: ClientOptions;
  readonly bootstrapTimeout: number;

  private readonly keep: Int32Array;
  /** One DTLS session per server slot, and the last one for the bootstrap server. */
  readonly dtls: DtlsSession[];
  private lastScheme = 0;
  /** The binding letters other than Q, for Register (b=). */
  private readonly bindTmp: Uint8Array;

  // Scratch, reused by every operation.
  readonly rec = new DataRecord();
  readonly rec2 = new DataRecord();
  /** Double scratch: numbers cross calls here, not as arguments or return values (V8 boxes those). */
  readonly f64: Float64Array;
  readonly path = new LwPath();
  readonly cursor = new ValueCursor();
  /** Payload scratch: responses are encoded here, then copied whole or by Block2 block. */
  readonly scratch: Uint8Array;
  /** Block1 reassembly (RFC 7959 §2.5): one transfer at a time. */
  readonly block1: Uint8Array;
  block1Len = 0;
  block1Peer = -1;
  /** The body of the request being handled: its own payload, or the reassembled Block1 body. */
  bodyBuf: Uint8Array;
  bodyOff = 0;
  /** Bootstrap-Request Trigger executed: bootstrap once its 2.04 has gone out. */
  bsTriggerPending = false;
  /** The configuration's serialization buffer (persistBuf; persist.ts writes the sleep state there
   *  too), kept unless lowMemory. */
  private readonly persistKept: Uint8Array | null;
  private readonly persistLen: number;
  private readonly addr = new PeerAddress();

  // Server accounts: row s of each (serverSsid(s) etc. read them from outside).
  readonly nServers: number;
  /** Integer fields, row s at s * Sv.SIZE. */
  readonly srv: Int32Array;
  /** Lifetime and deadline, row s at s * SvT.SIZE. */
  readonly srvTime: Float64Array;
  /** Location-Path segments from the 2.01 to Register, length-prefixed, LOC_BYTES per server. */
  readonly srvLoc: Uint8Array;

  // Bootstrap.
  bsFlag = false;
  bsState: number = Bs.IDLE;
  bsMode: number = BsMode.CLIENT;
  bsPeer = -1;
  bsSec = -1;
  bsDeadline = Infinity;
  bsTimeoutAt = Infinity;
  bsAttempt = 0;
  bsSlot = -1;
  bsPurgeAt = Infinity;
  /** Datagrams and ring messages the bootstrap flag dropped (ARCHITECTURE.md §3 counter). */
  bsFlushed = 0;
  /** Datagrams dropped because they came from a peer the client holds no account for (accept()). */
  unknownDropped = 0;

  /** Firmware Update (object 5, src/client/firmware.ts) when the board has one: it sets this.
   *  Declared only (no property until then): a client without object 5 spends no heap slot on it. */
  declare firmware: FirmwareUpdate | undefined;
  /** The application API's hook (src/api/client.ts) for a server's Create (create true, after the
   *  instance and its values exist) and Delete (before it goes) of an instance: 0, or a negative
   *  code that refuses it. Declared only, like `firmware`. */
  declare instanceHook: ((create: boolean, o: number, i: number) => number) | undefined;

  started = false;
  stopping = false;
  now = 0;
  /** Queue Mode state and the stored notifications (src/client/queue.ts), when ClientOptions.queueMode.
   *  Declared only (no property until then), as `firmware`. */
  declare queue: QueueMode | undefined;
  /** The persisted sleep state (src/client/persist.ts), with queueMode and a sleepStore. Declared only. */
  declare sleep: SleepState | undefined;
  /** Arguments of the event nextEvent() returned. */
  eventA = 0;
  eventB = 0;

  /** Where the client's own typed arrays come from (src/slab.ts: views into shared pages, which
   *  cost XS less than arrays with buffers of their own). */
  readonly slab: Slab;

  constructor(opts: ClientOptions, slab: Slab = new Slab()) {
    this.opts = opts;
    this.slab = slab;
    const c = makeConfig(opts.config);
    this.config = c;
    this.ep = new Endpoint(c, this, opts.seed, slab);
    // One registry (its resource index built once) and one slab for the live table and the
    // bootstrap staging copy.
    const defs = new DefRegistry(opts.objects);
    this.defs = defs;
    this.table = new ObjectTable(c, defs, slab);
    this.stagingTable = opts.lowMemory === true ? null : new ObjectTable(c, defs, slab);
    this.events = new EventRing(opts.eventDepth ?? 32, slab);
    this.obs = new ObservationTable(c.maxObservations, slab);
    this.attrs = new AttributeTable(c.maxObservations * 2, slab);
    const name = opts.endpoint, version = opts.version ?? '1.1';
    if (name.length === 0 || name.length > 128) throw new Error('endpoint name must be 1…128 characters');
    // UTF-8: a CoAP Uri-Query is a UTF-8 string (RFC 7252 §5.10.1), and an endpoint name need not be ASCII.
    this.endpointName = utf8Bytes(name, slab);
    this.version = utf8Bytes(version, slab);
    const keep = opts.keepOnBootstrapDelete ?? [3];
    this.keep = slab.i32(keep.length);
    for (let k = 0; k < keep.length; k++) this.keep[k] = keep[k];
    this.bindTmp = slab.u8(8);
    this.f64 = slab.f64(8);
    this.bootstrapTimeout = opts.bootstrapTimeout ?? exchangeLifetime(c);
    this.scratch = slab.u8(c.maxPayload);
    this.block1 = slab.u8(c.maxPayload);
    this.bodyBuf = this.block1; // set per request before it is read
    this.persistLen = c.arenaBytes + c.maxValues * 32 + c.maxInstances * 4 + 64;
    this.persistKept = opts.lowMemory === true ? null : slab.u8(this.persistLen);
    const n = c.maxServers;
    this.nServers = n;
    this.srv = slab.i32(n * Sv.SIZE);
    this.srvTime = slab.f64(n * SvT.SIZE);
    this.srvLoc = slab.u8(n * LOC_BYTES);
    for (let s = 0; s < n; s++) {
      const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
      sv[b + Sv.PEER] = -1; sv[b + Sv.SLOT] = -1;
      tm[d + SvT.DEADLINE] = Infinity;
    }
    if (!this.table.hasObject(0) || !this.table.hasObject(1)) throw new Error('objects must include 0 (Security) and 1 (Server)');
    const prng = this.ep; // fallback randomness: the endpoint's generator (tests)
    const random = opts.random ?? ((buf: Uint8Array, off: number, len: number) => {
      for (let j = 0; j < len; j++) buf[off + j] = prng.random32() & 0xff;
    });
    this.dtls = [];
    // All sessions share the first one's handshake workspace (src/dtls/workspace.ts): one handshake at a time.
    // A native AES gets two providers per session, one per direction: re-keying a native cipher
    // creates a cipher object (Moddable's crypt), which one provider would do at every change of
    // direction, i.e. about every record.
    const aes = opts.aes;
    for (let k = 0; k < c.dtlsSessions; k++) {
      const w = aes ? aes() : undefined;
      const ws = k > 0 ? this.dtls[0].workspace : new DtlsWorkspace(c.maxDatagram, slab, w ? w.sha256 : undefined, opts.transientHandshake);
      this.dtls.push(new DtlsSession(c.maxDatagram, random, w, aes ? aes() : undefined, ws, slab));
    }
    if (opts.queueMode === true) this.queue = new QueueMode(this, slab);
    if (this.queue !== undefined && opts.sleepStore) this.sleep = new SleepState(this, slab, opts.sleepStore);
    this.table.onChange((o, i, r) => this.onTableChange(o, i, r));
  }

  // ------------------------------------------------------------------ the sans-IO surface

  get txPeer(): PeerAddress { return this.ep.txPeer; }

  receive(buf: Uint8Array, off: number, len: number, from: PeerAddress, now: number): number {
    this.now = now;
    if (this.queue !== undefined) queueHeard(this, now);
    return this.ep.receive(buf, off, len, from, now);
  }

  transmit(out: Uint8Array, at: number): number {
    const n = this.ep.transmit(out, at);
    if (n > 0 && this.queue !== undefined) this.queue.lastActivity = this.now;
    return n;
  }

  /** Queue Mode: true while the client is offline (the HAL may close its socket and sleep until the
   *  deadline poll() returned; Ev.OFFLINE / Ev.ONLINE mark the changes). */
  get offline(): boolean { return this.queue !== undefined && this.queue.offline; }

  /** Pops the next application event (Ev); its arguments are in eventA / eventB. */
  nextEvent(): number {
    const e = this.events.pop();
    this.eventA = this.events.argA; this.eventB = this.events.argB;
    return e;
  }

  emit(kind: number, a: number, b: number): void {
    if (this.queue !== undefined) queueOnEvent(this, kind, a, b);
    this.events.push(kind, a, b);
  }

  poll(now: number): number {
    this.now = now;
    const f = this.f64;
    this.ep.pollInto(now, f, F64_DEADLINE); // (the deadline through an array: a returned double is boxed)
    let next = f[F64_DEADLINE];
    if (this.started) {
      next = Infinity; // the client's own deadlines; the endpoint's are read again below
      if (this.bsTriggerPending && !this.ep.hasOutput()) { this.bsTriggerPending = false; this.requestBootstrap(); }
      next = Math.min(next, this.runBootstrapTimers(now));
      if (!this.bsFlag) {
        for (let s = 0; s < this.nServers; s++) {
          const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
          if (!sv[b + Sv.USED]) continue;
          if (tm[d + SvT.DEADLINE] <= now) this.serverTimer(s, now);
          if (tm[d + SvT.DEADLINE] < next) next = tm[d + SvT.DEADLINE];
        }
        next = Math.min(next, notifyDue(this, now));
        // A server's timer may have begun a bootstrap (Bootstrap on Registration Failure): its
        // hold-off is a deadline too.
        if (this.bsState === Bs.HOLDOFF && this.bsDeadline < next) next = this.bsDeadline;
      }
      if (this.firmware !== undefined) next = Math.min(next, this.firmware.poll(now));
      if (this.queue !== undefined) queueBeforeSend(this);
      // Work queued by timers is sent now.
      if (this.ep.hasOutput()) next = now;
      else if (this.queue !== undefined) { this.ep.pollInto(now, f, F64_DEADLINE); next = queueDeadline(this, now, next, f[F64_DEADLINE]); }
      else { this.ep.pollInto(now, f, F64_DEADLINE); next = Math.min(next, f[F64_DEADLINE]); }
    }
    return next;
  }

  /** True when nothing is in flight (for a clean shutdown). */
  idle(): boolean { return this.ep.ringInUse() === 0 && !this.ep.hasOutput(); }

  // ------------------------------------------------------------------ start, stop, configuration

  start(now: number): void {
    this.now = now;
    this.started = true;
    this.loadConfiguration();
    if (this.firmware !== undefined) this.firmware.onStart(); // before a bootstrap stages a copy of the table
    this.startFresh();
    if (this.sleep !== undefined) restoreSleep(this, now);
  }

  /** De-registers from every server that holds a registration (DELETE /rd/loc); poll and transmit
   *  until idle(). A Register still unanswered may have reached its server already, its 2.01 on the
   *  way back: its exchange is kept (a lost 2.01 is sent again for a retransmission), and a 2.01
   *  within stopWait() is answered at once by a De-register of that location; after that the
   *  Register is abandoned. Never a stop that leaves a registration the client knows of behind. */
  stop(now: number): void {
    this.now = now;
    this.stopping = true;
    if (this.sleep !== undefined) forgetSleep(this);
    for (let s = 0; s < this.nServers; s++) {
      const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
      if (!sv[b + Sv.USED]) continue;
      const st = sv[b + Sv.STATE];
      tm[d + SvT.DEADLINE] = Infinity;
      if (st === Reg.REGISTERED || st === Reg.UPDATING) this.sendDeregister(s);
      else if (st === Reg.REGISTERING && sv[b + Sv.SLOT] >= 0) tm[d + SvT.DEADLINE] = now + stopWait(this.config);
      else if (st !== Reg.DEREGISTERING) sv[b + Sv.STATE] = Reg.DISABLED;
    }
    this.obs.clear();
  }

  private loadConfiguration(): void {
    const prov = this.opts.provisioning;
    if (prov) {
      const rc = applyProvisioning(this, prov, 0, prov.length);
      if (rc === 0) { this.commitStaging(); this.dropStaging(); this.emit(Ev.LOADED, 2, 0); return; }
      this.dropStaging();
      this.emit(Ev.PROVISIONING_FAILED, -rc, 0);
    }
    const store = this.opts.store;
    if (store) {
      const buf = this.persistBuf;
      const n = store.load(buf);
      if (n > 0 && this.table.deserialize(buf, 0, n) === 0) { this.emit(Ev.LOADED, 1, 0); return; }
      if (n > 0) store.unusable?.();
    }
    if (this.opts.factory) {
      this.opts.factory(this.table);
      this.persist();
      this.emit(Ev.LOADED, 3, 0);
    }
  }

  /** The configuration's serialization buffer: the kept one, or (lowMemory) a new one per call. */
  get persistBuf(): Uint8Array {
    const b = this.persistKept;
    return b !== null ? b : new Uint8Array(this.persistLen);
  }

  /** The bootstrap staging table (TS Core §6.1: the bootstrap's writes go here until Finish). */
  get staging(): ObjectTable {
    let t = this.stagingTable;
    if (t === null) { t = new ObjectTable(this.config, this.defs, new Slab()); this.stagingTable = t; }
    return t;
  }

  /** The bootstrap (or provisioning) is over: a transient staging table is dropped. */
  private dropStaging(): void {
    if (this.opts.lowMemory === true) this.stagingTable = null;
  }

  /** Writes the committed configuration to storage; false (and Ev.SAVE_FAILED, a = `why`) when the
   *  store refused it. Every save writes the whole table, so the next one retries what failed. */
  persist(why = 2): boolean {
    return this.save(this.table, why);
  }

  private save(t: ObjectTable, why: number): boolean {
    const store = this.opts.store;
    if (!store) return true;
    // (lowMemory: a buffer of the serialization's own length, for this save only.)
    const kept = this.persistKept, buf = kept !== null ? kept : new Uint8Array(t.serializedLength());
    const n = t.serialize(buf, 0);
    if (n >= 0 && store.save(buf, 0, n)) return true;
    this.emit(Ev.SAVE_FAILED, why, 0);
    return false;
  }

  /** Bootstrap-Finish (or a valid smartcard): the staged configuration becomes the live one. With
   *  `durable`, only once it is stored: false (nothing committed) when the store refuses it. */
  commitStaging(durable = false): boolean {
    if (durable && !this.save(this.staging, 1)) return false;
    this.table.copyFrom(this.staging);
    if (!durable) this.persist();
    return true;
  }

  /** Reads the Security and Server objects and (re)starts everything from them (TS Core §6.1.6
   *  "start fresh"): old registrations, observations, replies and queued messages of every LwM2M
   *  server are gone (its dedup entries stay, silent, until they expire: Endpoint.resetPeer); each
   *  server account registers anew. */
  startFresh(): void {
    for (let s = 0; s < this.nServers; s++) {
      const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
      // Not forgotten but reset: its late duplicates of requests from before stay ignored (resetPeer).
      if (sv[b + Sv.USED] && sv[b + Sv.PEER] >= 0 && sv[b + Sv.PEER] !== this.bsPeer) this.ep.resetPeer(sv[b + Sv.PEER]);
      sv[b + Sv.USED] = 0; sv[b + Sv.STATE] = Reg.IDLE; tm[d + SvT.DEADLINE] = Infinity; sv[b + Sv.SLOT] = -1; sv[b + Sv.PEER] = -1;
    }
    this.obs.clear();
    this.attrs.clear();
    this.block1Peer = -1;
    // Bootstrap account.
    this.bsSec = this.findBootstrapSecurity(this.table);
    this.bsPeer = -1;
    // An account whose URI scheme contradicts its Security Mode is refused whole (not used at all):
    // a configuration from the factory or storage that a Bootstrap-Finish would have refused (4.06).
    if (this.bsSec >= 0 && this.schemeContradicts(this.bsSec)) this.bsSec = -1;
    if (this.bsSec >= 0 && this.peerFromSecurity(this.table, this.bsSec)) {
      this.bsPeer = this.ep.peerIndex(this.addr, true);
      // An account whose security cannot be applied is not used (never plain CoAP instead).
      if (this.bsPeer >= 0 && !this.applySecurity(this.bsSec, this.bsPeer, this.dtls.length - 1, 0)) { this.ep.unpinPeer(this.bsPeer); this.bsPeer = -1; }
    }
    // LwM2M server accounts, in Server instance order. An account whose URI cannot be used (a name
    // that does not resolve, a security mode not built) is kept: its registration fails, and the
    // registration-failure procedure (/1/x/16…20) runs for it like for any other (TS Core §6.2.1.1).
    let n = 0;
    for (let i = this.table.firstInstance(1); i >= 0 && n < this.nServers; i = this.table.nextInstance(1, i)) {
      const ssid = this.intRes(this.table, 1, i, SRV_SSID, -1);
      if (ssid <= 0) continue;
      const sec = this.securityForSsid(this.table, ssid);
      if (sec < 0 || this.schemeContradicts(sec)) continue;
      const s = n++, sv = this.srv, b = s * Sv.SIZE;
      sv[b + Sv.USED] = 1; sv[b + Sv.SSID] = ssid; sv[b + Sv.SEC] = sec; sv[b + Sv.INST] = i; sv[b + Sv.PERIODS] = 0;
      this.bindAccount(s); // false: peer -1, tried again at each Register (serverTimer)
      // Initial Registration Delay Timer (/1/x/14): the first Register waits that long.
      sv[b + Sv.STATE] = Reg.WAIT; this.srvTime[s * SvT.SIZE + SvT.DEADLINE] = this.now + this.intRes(this.table, 1, i, SRV_INITIAL_DELAY, 0) * 1000;
      sv[b + Sv.RETRY] = 0; sv[b + Sv.SEQ] = 0; sv[b + Sv.DIRTY] = 0;
    }
    // No server account at all: bootstrap. Accounts that cannot be used yet are not "none": they
    // fail their registrations, and Bootstrap on Registration Failure (/1/x/16) decides (a bootstrap
    // at once would loop: the bootstrap server would give the same configuration again).
    if (n === 0 && !this.bsFlag) {
      if (this.bsSec >= 0 && this.bsPeer >= 0) this.beginClientBootstrap();
      else this.emit(Ev.CONFIG_ERROR, 1, 0);
    }
  }

  /** Whether Security instance `sec`'s URI scheme contradicts its Security Mode (coap:// with a mode
   *  other than NoSec, coaps:// with NoSec: objects/security.ts schemeModeProblem); when it does,
   *  Ev.CONFIG_ERROR (a = 3, b = the instance) says so and the account is not used — an account that
   *  names a key never goes out in clear. An absent mode counts as NoSec (3), as applySecurity reads it. */
  private schemeContradicts(sec: number): boolean {
    const t = this.table;
    if (t.getValue(0, sec, SEC_URI, NONE, this.rec2) !== 0 || parseUri(this.rec2.buf, this.rec2.off, this.rec2.len, URI) !== 0) return false;
    if (schemeModeProblem(URI.scheme, this.intRes(t, 0, sec, SEC_MODE, 3)) === 0) return false;
    this.emit(Ev.CONFIG_ERROR, 3, sec);
    return true;
  }

  /** Resolves server account s's URI and sets up its peer and security; false (peer -1) when the
   *  account cannot be used now. At start fresh, and again before each Register of an account
   *  that could not (a name may resolve later): never in the steady state. */
  private bindAccount(s: number): boolean {
    const sv = this.srv, b = s * Sv.SIZE;
    sv[b + Sv.PEER] = -1;
    if (!this.peerFromSecurity(this.table, sv[b + Sv.SEC])) return false;
    const p = this.ep.peerIndex(this.addr, true);
    if (p < 0) return false;
    if (!this.applySecurity(sv[b + Sv.SEC], p, s, sv[b + Sv.SSID])) {
      if (p !== this.bsPeer && this.serverIndexByPeer(p) < 0) this.ep.forgetPeer(p); // no pinned entry left behind
      return false;
    }
    sv[b + Sv.PEER] = p;
    return true;
  }

  // ------------------------------------------------------------------ small table readers

  intRes(t: ObjectTable, o: number, i: number, r: number, dflt: number): number {
    return t.getValue(o, i, r, NONE, this.rec2) === 0 ? this.rec2.num : dflt;
  }

  findBootstrapSecurity(t: ObjectTable): number { return findBootstrapInstance(t); }

  securityForSsid(t: ObjectTable, ssid: number): number { return findSecurityForSsid(t, ssid); }

  /** Parses /0/i/0 (coap:// or coaps://, objects/security.ts parseUri) into this.addr, and its
   *  scheme into lastScheme. A literal host is parsed in place; "localhost" is the loopback address
   *  (RFC 6761 §6.3); other names go to the HAL's resolver — at start and after a bootstrap, not in
   *  the steady state, so building the name string there is acceptable. */
  peerFromSecurity(t: ObjectTable, i: number): boolean {
    this.lastScheme = 0;
    if (t.getValue(0, i, SEC_URI, NONE, this.rec2) !== 0) return false;
    const b = this.rec2.buf, u = URI;
    if (parseUri(b, this.rec2.off, this.rec2.len, u) !== 0) return false;
    if (!this.resolveUriHost(b, u, this.addr)) return false;
    this.lastScheme = u.scheme;
    return true;
  }

  /** The address of a parsed URI's host and port (b holds the URI) into out; false when it is neither
   *  a literal nor a name the resolver knows. Also used for firmware Package URIs. */
  resolveUriHost(b: Uint8Array, u: UriRecord, out: PeerAddress): boolean {
    out.clear();
    if (!hostLiteral(b, u.hostOff, u.hostLen, u.ipv6, out)) {
      if (u.ipv6) return false;
      let name = '';
      for (let j = 0; j < u.hostLen; j++) name += String.fromCharCode(b[u.hostOff + j] | (b[u.hostOff + j] >= 65 && b[u.hostOff + j] <= 90 ? 32 : 0));
      const lit = name === 'localhost' ? '127.0.0.1' : this.opts.resolveHost ? this.opts.resolveHost(name) : null;
      if (lit === null || !parseAddress(lit, u.port, out)) return false;
    }
    out.port = u.port;
    return true;
  }

  keepsOnDelete(o: number): boolean {
    for (let k = 0; k < this.keep.length; k++) if (this.keep[k] === o) return true;
    return false;
  }

  /** coaps:// with PSK (/0/x/2 = 0): DTLS with the Security instance's identity (/0/x/3) and key
   *  (/0/x/5), copied into the endpoint; coap:// with NoSec (3): plain. The scheme never overrides
   *  the mode: a pair that contradicts (schemeModeProblem) is refused (Ev.CONFIG_ERROR a = 3), so an
   *  account with a key is never used in clear. Other modes are not built: refused with an event.
   *  The key is never logged and never readable by a server (/0 answers 4.01). */
  private applySecurity(sec: number, p: number, slot: number, ssid: number): boolean {
    const t = this.table;
    const mode = this.intRes(t, 0, sec, SEC_MODE, 3);
    if (schemeModeProblem(this.lastScheme, mode) !== 0) { this.emit(Ev.CONFIG_ERROR, 3, sec); return false; }
    if (this.lastScheme !== 2) { this.ep.setSecurity(p, null, this.scratch, 0, 0, this.scratch, 0, 0); return true; }
    if (mode !== 0 || t.getValue(0, sec, 3, NONE, this.rec) !== 0 || t.getValue(0, sec, 5, NONE, this.rec2) !== 0) {
      this.emit(Ev.SECURITY_UNSUPPORTED, sec, mode);
      return false;
    }
    // The bootstrap server takes the last session; server slot s takes session s (config.dtlsSessions).
    if (slot < 0 || slot >= this.dtls.length || (ssid > 0 && slot === this.dtls.length - 1 && this.bsSec >= 0)) {
      this.emit(Ev.CONFIG_ERROR, 4, sec);
      return false;
    }
    // DTLS/TLS Ciphersuite (/0/x/16, IANA values): when given, only the listed suites are offered;
    // an account that allows none the client implements fails (TS Core E.1: "the Client MUST use
    // one of the listed ciphersuites"), rather than connecting with a suite the account forbids.
    const suites = this.ciphersuites(sec);
    if (suites === 0) { this.emit(Ev.CIPHERSUITE_UNSUPPORTED, sec, this.rec2.num); return false; }
    this.dtls[slot].offerSuites = suites;
    if (t.getValue(0, sec, 3, NONE, this.rec) !== 0 || t.getValue(0, sec, 5, NONE, this.rec2) !== 0) return false;
    const rc = this.ep.setSecurity(p, this.dtls[slot], this.rec.buf, this.rec.off, this.rec.len, this.rec2.buf, this.rec2.off, this.rec2.len);
    if (rc < 0) { this.emit(Ev.SECURITY_UNSUPPORTED, sec, mode); return false; }
    return true;
  }

  /** The DtlsSession.offerSuites mask /0/sec/16 allows (bit 0 CCM_8 0xC0A8, bit 1 CBC_SHA256
   *  0x00AE): both when the resource is absent or empty; 0 when it lists only others (the first
   *  of them is left in rec2.num). */
  private ciphersuites(sec: number): number {
    const cur = this.cursor, rec = this.rec2;
    cur.begin(this.table, 0, sec, SEC_CIPHERSUITE, NONE);
    let listed = 0, mask = 0, first = 0;
    for (let k = cur.next(rec); k === 1; k = cur.next(rec)) {
      if (rec.r !== SEC_CIPHERSUITE) continue;
      if (listed++ === 0) first = rec.num;
      if (rec.num === 0xc0a8) mask |= 1;
      else if (rec.num === 0x00ae) mask |= 2;
    }
    rec.num = first;
    return listed === 0 ? 3 : mask;
  }

  serverIndexByPeer(p: number): number {
    const sv = this.srv;
    for (let s = 0; s < this.nServers; s++) if (sv[s * Sv.SIZE + Sv.USED] && sv[s * Sv.SIZE + Sv.PEER] === p) return s;
    return -1;
  }

  /** Server account s's default pmin and pmax (/1/x/2 and /1/x/3, in s; 0 when absent) into out[at]
   *  and out[at + 1]. notifyDue wants them at every poll and a table lookup costs XS about 1,000
   *  instructions: they are kept in srvTime and read again after any change to object 1
   *  (onTableChange), or every time when a reader is bound to them (it may change unseen). */
  serverPeriods(s: number, out: Float64Array, at: number): void {
    const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
    if (sv[b + Sv.PERIODS] === 0) {
      const t = this.table, i = sv[b + Sv.INST];
      tm[d + SvT.PMIN] = 0; tm[d + SvT.PMAX] = 0;
      t.getNumber(1, i, SRV_PMIN, NONE, tm, d + SvT.PMIN, this.rec2);
      t.getNumber(1, i, SRV_PMAX, NONE, tm, d + SvT.PMAX, this.rec2);
      sv[b + Sv.PERIODS] = t.isBoundRead(1, SRV_PMIN) || t.isBoundRead(1, SRV_PMAX) ? 0 : 1;
    }
    out[at] = tm[d + SvT.PMIN]; out[at + 1] = tm[d + SvT.PMAX];
  }

  /** Server account s's Short Server ID; 0 for -1 (an unknown peer). */
  serverSsid(s: number): number { return s >= 0 ? this.srv[s * Sv.SIZE + Sv.SSID] : 0; }
  /** Server account s's registration state (Reg). */
  serverState(s: number): number { return this.srv[s * Sv.SIZE + Sv.STATE]; }
  /** Server account s's Server object instance (/1/x). */
  serverInstance(s: number): number { return this.srv[s * Sv.SIZE + Sv.INST]; }
  /** Server account s's peer index in the endpoint. */
  serverPeer(s: number): number { return this.srv[s * Sv.SIZE + Sv.PEER]; }

  /** How many server accounts are in use. */
  usedServers(): number {
    let n = 0;
    for (let s = 0; s < this.nServers; s++) if (this.srv[s * Sv.SIZE + Sv.USED]) n++;
    return n;
  }

  serverIndexBySsid(ssid: number): number {
    const sv = this.srv;
    for (let s = 0; s < this.nServers; s++) if (sv[s * Sv.SIZE + Sv.USED] && sv[s * Sv.SIZE + Sv.SSID] === ssid) return s;
    return -1;
  }

  // ------------------------------------------------------------------ EndpointHandler

  /** Only the peers the client holds an account for are heard (TS Core §7.1: the client talks to
   *  its bootstrap server and its LwM2M servers over their accounts' security), and, while the
   *  bootstrap flag is up, only the bootstrap server. A server account's address and port are a
   *  pinned peer, with its DTLS channel when the account is coaps:// (a plain datagram from it is
   *  then a record the channel drops). Anything else is dropped unparsed, silently, and counted in
   *  unknownDropped — unless the development switch acceptUnknownPeers is on. */
  accept(p: number): boolean {
    if (this.bsFlag) {
      if (p >= 0 && p === this.bsPeer) return true;
      this.bsFlushed++;
      return false;
    }
    if (p >= 0 && (p === this.bsPeer || this.serverIndexByPeer(p) >= 0)) return !this.disabledPeer(p);
    // The file server of a firmware pull (/5/0/1) answers the client's own Block2 GETs; a request
    // from it is not served (onRequest).
    if (this.firmware !== undefined && this.firmware.pullsFrom(p)) return true;
    if (this.opts.acceptUnknownPeers === true) return true;
    this.unknownDropped++;
    return false;
  }

  /** A server disabled by /1/x/4 (or after stop()): its messages are ignored until it registers
   *  again ("the LwM2M Client MUST NOT send any message to the Server and ignore all the messages
   *  from the LwM2M Server for the period", /1/x/4). */
  private disabledPeer(p: number): boolean {
    const s = this.serverIndexByPeer(p);
    return s >= 0 && this.srv[s * Sv.SIZE + Sv.STATE] === Reg.DISABLED;
  }

  onRequest(req: CoapMessage, p: number, res: MessageWriter): number {
    if (criticalNotForMethod(req)) { // RFC 7252 §5.4.1 (dm.ts)
      if (req.type !== MsgType.CON) return Reply.SILENT;
      res.setCode(Code.BAD_OPTION);
      return Reply.RESPOND;
    }
    if (p === this.bsPeer && this.bsPeer >= 0) return handleBootstrap(this, req, p, res);
    const s = this.serverIndexByPeer(p);
    // No account: only a firmware pull's file server gets here without the development switch.
    if (s < 0 && this.opts.acceptUnknownPeers !== true) return Reply.SILENT;
    return handleDm(this, req, p, res, s);
  }

  onResponse(tag: number, res: CoapMessage, p: number): void {
    const kind = tag >> 8, s = tag & 0xff, sv = this.srv, b = s * Sv.SIZE;
    switch (kind) {
      case Tag.REGISTER: this.onRegisterResponse(s, res); break;
      case Tag.UPDATE: this.onUpdateResponse(s, res); break;
      case Tag.DEREGISTER: this.deregistered(s, res.code); break;
      case Tag.BOOTSTRAP_REQUEST: this.onBootstrapRequestResponse(res.code); break;
      case Tag.BOOTSTRAP_PACK: {
        this.bsSlot = -1;
        if (!this.bsFlag) break;
        const rc = res.code === Code.CONTENT ? applyPack(this, res.buf, res.payloadOff, res.payloadLen, res.contentFormat) : -res.code;
        if (rc === 0) this.finishBootstrap();
        else this.bootstrapAttemptFailed(-rc);
        break;
      }
      case Tag.SEND: this.emit(Ev.SEND_DONE, sv[b + Sv.SSID], res.code); break;
      case Tag.FIRMWARE: if (this.firmware !== undefined) this.firmware.onResponse(res); break;
    }
    void p;
  }

  onUnmatchedResponse(): boolean { return false; }

  onDelivered(tag: number): void {
    if ((tag >> 8) === Tag.NOTIFY) this.obs.set(tag & 0xff, Ob.INFLIGHT, -1);
  }

  onFailure(tag: number, reason: number): void {
    const kind = tag >> 8, s = tag & 0xff, sv = this.srv, b = s * Sv.SIZE;
    if (reason === Failure.SECURITY) {
      // The tag's index is a server account, except for the bootstrap server (ssid 0) and for a
      // notification (an observation: its server's ssid).
      const ssid = kind === Tag.BOOTSTRAP_REQUEST || kind === Tag.BOOTSTRAP_PACK ? 0
        : kind === Tag.NOTIFY ? (this.obs.get(s, Ob.USED) ? this.serverSsid(this.obs.get(s, Ob.SERVER)) : 0)
        : sv[b + Sv.SSID];
      this.emit(Ev.DTLS_FAILED, ssid, this.ep.lastSecurityError);
    }
    switch (kind) {
      case Tag.REGISTER: case Tag.UPDATE: sv[b + Sv.SLOT] = -1; this.registrationFailed(s, 0); break;
      case Tag.DEREGISTER: this.deregistered(s, 0); break;
      case Tag.BOOTSTRAP_REQUEST: case Tag.BOOTSTRAP_PACK: this.bsSlot = -1; this.bootstrapAttemptFailed(0); break;
      case Tag.NOTIFY:
        if (reason === Failure.SECURITY && this.queue !== undefined && queueKeepsObservation(this, s)) { this.obs.set(s, Ob.INFLIGHT, -1); break; }
        // RFC 7641 §3.6: an RST to a notification cancels the observation; a timeout too (§4.5).
        if (this.obs.get(s, Ob.USED)) {
          this.emit(Ev.OBSERVE_CANCELLED, this.serverSsid(this.obs.get(s, Ob.SERVER)), s);
          this.obs.free(s);
        }
        break;
      case Tag.SEND: this.emit(Ev.SEND_DONE, sv[b + Sv.SSID], 0); break;
      case Tag.FIRMWARE: if (this.firmware !== undefined) this.firmware.onFailure(reason); break;
    }
    void reason;
  }

  onReset(mid: number, p: number): void {
    // An RST to a NON notification: RFC 7641 §3.6, the observation is cancelled.
    const obs = this.obs;
    for (let k = 0; k < obs.n; k++) {
      if (obs.get(k, Ob.USED) && obs.get(k, Ob.PEER) === p && obs.get(k, Ob.LAST_MID) === mid) {
        this.emit(Ev.OBSERVE_CANCELLED, this.serverSsid(obs.get(k, Ob.SERVER)), k);
        obs.free(k);
      }
    }
  }

  private onTableChange(o: number, i: number, r: number): void {
    this.obs.touch(o, i, r);
    if (o === 1 || o < 0) for (let s = 0; s < this.nServers; s++) this.srv[s * Sv.SIZE + Sv.PERIODS] = 0;
    // A change of what Register told a server goes to it at once in an Update (as Anjay's client
    // does; TS Core §6.2.2: the Update carries the lifetime, binding and object list when they
    // changed): an instance created or deleted (the object list), its Lifetime or Binding written.
    // (No SMS binding is built: the client never sends sms=, so no SMS number can change.)
    const sv = this.srv;
    if (this.bsFlag) return;
    // An instance created or deleted: the list may have changed — or not (a Create refused after its
    // instance was made, an instance made and deleted again): the Update's timer compares it with
    // what the server was told (resolveObjects) and sends an Update only for a real change.
    if (r < 0 && o > 0) {
      for (let s = 0; s < this.nServers; s++) if (sv[s * Sv.SIZE + Sv.USED]) { sv[s * Sv.SIZE + Sv.DIRTY] |= Dirty.CHECK; this.updateSoon(s); }
    } else if (o === 1 && (r === SRV_LIFETIME || r === SRV_BINDING)) {
      for (let s = 0; s < this.nServers; s++) {
        const b = s * Sv.SIZE;
        if (!sv[b + Sv.USED] || sv[b + Sv.INST] !== i) continue;
        if (r === SRV_BINDING) sv[b + Sv.DIRTY] |= Dirty.BINDING;
        else if (this.lifetimeOf(s) === this.srvTime[s * SvT.SIZE + SvT.LIFETIME]) continue;
        this.updateSoon(s);
      }
    }
  }

  /** An Update as soon as the registration allows (a Register or Update in flight: when it ends). */
  private updateSoon(s: number): void {
    if (this.srv[s * Sv.SIZE + Sv.STATE] === Reg.REGISTERED) this.srvTime[s * SvT.SIZE + SvT.DEADLINE] = this.now;
  }

  /** Whether the Server instance says something Register/Update has not told server s yet. */
  private changePending(s: number): boolean {
    this.resolveObjects(s);
    return (this.srv[s * Sv.SIZE + Sv.DIRTY] & (Dirty.OBJECTS | Dirty.BINDING)) !== 0
      || this.lifetimeOf(s) !== this.srvTime[s * SvT.SIZE + SvT.LIFETIME];
  }

  /** Dirty.CHECK becomes Dirty.OBJECTS when the object list now differs from what server s was told. */
  private resolveObjects(s: number): void {
    const sv = this.srv, b = s * Sv.SIZE;
    if ((sv[b + Sv.DIRTY] & Dirty.CHECK) === 0) return;
    sv[b + Sv.DIRTY] &= ~Dirty.CHECK;
    if (this.linksHash() !== sv[b + Sv.LINKS]) sv[b + Sv.DIRTY] |= Dirty.OBJECTS;
  }

  /** A 32-bit digest (FNV-1a style) of the object list writeObjectLinks writes: each object and
   *  instance id in table order (the versions are fixed per build). Allocation-free; computed at a
   *  Register or Update and when an instance was created or deleted, never per request. */
  private linksHash(): number {
    const t = this.table, defs = t.defs;
    let h = 0x811c9dc5 | 0;
    for (let k = 0; k < defs.size; k++) {
      const o = defs.at(k).id;
      if (o === 0 || o === 21) continue;
      h = Math.imul(h ^ (o + 0x10000), 0x01000193);
      for (let i = t.firstInstance(o); i >= 0; i = t.nextInstance(o, i)) h = Math.imul(h ^ (i + 1), 0x01000193);
    }
    return h;
  }

  /** /1/x/1 of server s (86400 when absent, TS Core §6.2.1; the same for a value outside
   *  0…LIFETIME_MAX, which a Write refuses but a configuration from elsewhere might hold). */
  private lifetimeOf(s: number): number {
    const lt = this.intRes(this.table, 1, this.srv[s * Sv.SIZE + Sv.INST], SRV_LIFETIME, 86400);
    return lt >= 0 && lt <= LIFETIME_MAX && lt === Math.floor(lt) ? lt : 86400;
  }

  // ------------------------------------------------------------------ registration (TS Core §6.2)

  private serverTimer(s: number, now: number): void {
    const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
    const st = sv[b + Sv.STATE];
    tm[d + SvT.DEADLINE] = Infinity;
    if (this.stopping) {
      // stop()'s wait for an unanswered Register is over: abandon it.
      if (st === Reg.REGISTERING) { if (sv[b + Sv.SLOT] >= 0) this.ep.cancel(sv[b + Sv.SLOT]); sv[b + Sv.SLOT] = -1; sv[b + Sv.STATE] = Reg.DISABLED; }
      return;
    }
    if ((sv[b + Sv.DIRTY] & Dirty.DISABLE) !== 0) {
      // The Execute's 2.04 goes out first ("MUST send response of the operation and perform
      // de-registration", /1/x/4): until then, this timer stays due.
      if (this.ep.hasOutput()) { tm[d + SvT.DEADLINE] = this.now; return; }
      this.disableNow(s);
      return;
    }
    if (st === Reg.WAIT || st === Reg.FAILED || st === Reg.DISABLED) {
      // An account that could not be used (its URI's name did not resolve, …): try again; when it
      // still cannot, that is a failed registration like any other.
      if (sv[b + Sv.PEER] < 0 && !this.bindAccount(s)) {
        this.emit(Ev.CONFIG_ERROR, 2, sv[b + Sv.SSID]);
        this.registrationFailed(s, 0);
        return;
      }
      this.sendRegister(s);
    } else if (st === Reg.REGISTERED) {
      // Woken by an instance created or deleted that left the object list as the server knows it
      // (e.g. a Create refused with 4.00): no Update for that; the periodic one stays as it was.
      const dirty = sv[b + Sv.DIRTY];
      if ((dirty & Dirty.CHECK) !== 0 && (dirty & Dirty.TRIGGER) === 0 && !this.changePending(s)) {
        this.scheduleUpdate(s);
        if (tm[d + SvT.DEADLINE] > now) return;
      }
      this.sendUpdate(s, false);
    }
  }

  private writeLocation(s: number, w: MessageWriter): void {
    const sv = this.srv, b = s * Sv.SIZE;
    // Location-Path segments were stored length-prefixed; each becomes one Uri-Path.
    const base = s * LOC_BYTES, n = sv[b + Sv.LOC_LEN];
    for (let p = 0; p < n;) {
      const len = this.srvLoc[base + p];
      w.option(Opt.URI_PATH, this.srvLoc, base + p + 1, len);
      p += 1 + len;
    }
  }

  sendRegister(s: number): void {
    const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
    const ep = this.ep;
    const k = ep.beginRequest(sv[b + Sv.PEER], MsgType.CON, Code.POST, Tag.REGISTER * 256 + s);
    if (k < 0) { tm[d + SvT.DEADLINE] = this.now + 1000; sv[b + Sv.STATE] = Reg.WAIT; return; }
    const w = ep.w;
    w.option(Opt.URI_PATH, RD, 0, RD.length);
    w.optionUint(Opt.CONTENT_FORMAT, 40);
    w.optionPrefixBytes(Opt.URI_QUERY, Q_EP, this.endpointName, 0, this.endpointName.length);
    const lt = this.lifetimeOf(s);
    tm[d + SvT.LIFETIME] = lt;
    w.optionPrefixDecimal(Opt.URI_QUERY, Q_LT, lt);
    w.optionPrefixBytes(Opt.URI_QUERY, Q_LWM2M, this.version, 0, this.version.length);
    this.writeBinding(s, w);
    this.writeObjectLinks(w);
    if (ep.commit(k) < 0) { this.registrationFailed(s, Code.REQUEST_ENTITY_TOO_LARGE); return; }
    sv[b + Sv.LINKS] = this.linksHash();
    // A new registration ends every observation made under the old one: a Register starts a new
    // registration, and a server that observes again after it would otherwise get both streams.
    this.endObservations(s);
    tm[d + SvT.SENT] = this.now;
    sv[b + Sv.SLOT] = k;
    sv[b + Sv.STATE] = Reg.REGISTERING;
    sv[b + Sv.DIRTY] &= Dirty.DISABLE;
    this.emit(Ev.REGISTER_SENT, sv[b + Sv.SSID], 0);
  }

  /** b= (and Q) from /1/x/7, for Register and for an Update after the binding changed. */
  private writeBinding(s: number, w: MessageWriter): void {
    if (this.table.getValue(1, this.srv[s * Sv.SIZE + Sv.INST], SRV_BINDING, NONE, this.rec2) !== 0 || this.rec2.len === 0) return;
    // LwM2M 1.1 (TS Core §6.2.1): queue mode is the "Q" parameter, no longer a binding letter;
    // a 1.0-style "UQ" in /1/x/7 registers as b=U&Q.
    const b = this.rec2.buf, off = this.rec2.off, len = this.rec2.len;
    let q = -1;
    for (let j = 0; j < len; j++) if (b[off + j] === 81 /* Q */) q = j;
    if (q < 0 || this.version[2] === 48 /* 1.0 */) { w.optionPrefixBytes(Opt.URI_QUERY, Q_B, b, off, len); return; }
    // The letters other than Q (at most a few: U, S, T, N).
    let n = 0;
    for (let j = 0; j < len && n < 8; j++) if (j !== q) this.bindTmp[n++] = b[off + j];
    if (n > 0) w.optionPrefixBytes(Opt.URI_QUERY, Q_B, this.bindTmp, 0, n);
    w.option(Opt.URI_QUERY, Q_Q, 0, 1);
  }

  /** Ends every observation of server s (a new Register, a Disable). */
  private endObservations(s: number): void {
    const obs = this.obs;
    for (let k = 0; k < obs.n; k++) {
      if (!obs.get(k, Ob.USED) || obs.get(k, Ob.SERVER) !== s) continue;
      obs.free(k);
      this.emit(Ev.OBSERVE_CANCELLED, this.srv[s * Sv.SIZE + Sv.SSID], k);
    }
  }

  /** The Register/Update payload (TS Core §6.2.1, CoRE link format): every object and instance
   *  the client has, except Security (0) and OSCORE (21), with ver= for objects above 1.0. */
  private writeObjectLinks(w: MessageWriter): void {
    const at = w.beginPayload();
    if (at < 0) return;
    const b = w.buf, end = at + w.room();
    let p = at;
    const root = this.version[2] === 48 /* '1.0' */ ? LINK_ROOT_10 : LINK_ROOT;
    for (let j = 0; j < root.length && p < end; j++) b[p++] = root[j];
    const defs = this.table.defs;
    for (let k = 0; k < defs.size; k++) {
      const d = defs.at(k), o = d.id;
      if (o === 0 || o === 21) continue;
      const ver = d.version;
      const first = this.table.firstInstance(o);
      if (first < 0 || (ver !== '1.0' && ver !== '')) {
        p = linkPath(b, p, end, o, NONE);
        if (ver !== '1.0' && ver !== '') p = linkVer(b, p, end, ver);
      }
      for (let i = first; i >= 0; i = this.table.nextInstance(o, i)) p = linkPath(b, p, end, o, i);
    }
    if (p >= end) { w.ok = false; return; }
    w.payloadWritten(p - at);
  }

  private onRegisterResponse(s: number, res: CoapMessage): void {
    const sv = this.srv, b = s * Sv.SIZE;
    sv[b + Sv.SLOT] = -1;
    if (res.code !== Code.CREATED) { this.registrationFailed(s, res.code); return; }
    // Store the Location-Path segments, length-prefixed.
    const base = s * LOC_BYTES;
    let n = 0;
    for (let k = 0; k < res.optCount; k++) {
      if (res.optNum[k] !== Opt.LOCATION_PATH) continue;
      const len = res.optLen[k];
      if (n + 1 + len > LOC_BYTES) { this.registrationFailed(s, Code.BAD_OPTION); return; }
      this.srvLoc[base + n] = len;
      for (let j = 0; j < len; j++) this.srvLoc[base + n + 1 + j] = res.buf[res.optOff[k] + j];
      n += 1 + len;
    }
    sv[b + Sv.LOC_LEN] = n;
    sv[b + Sv.STATE] = Reg.REGISTERED;
    sv[b + Sv.RETRY] = 0; sv[b + Sv.SEQ] = 0;
    this.emit(Ev.REGISTERED, sv[b + Sv.SSID], 0);
    if (this.stopping) {
      // Answered after stop(): the server holds this registration; end it now.
      this.srvTime[s * SvT.SIZE + SvT.DEADLINE] = Infinity;
      this.sendDeregister(s);
      if (sv[b + Sv.STATE] !== Reg.DEREGISTERING) sv[b + Sv.STATE] = Reg.DISABLED;
      return;
    }
    this.scheduleUpdate(s);
  }

  /** The next Update: before the lifetime ends, leaving MAX_TRANSMIT_WAIT (or half the lifetime,
   *  when that is shorter) for the exchange and its retransmissions — what Anjay and Leshan's
   *  clients do too. The lifetime counts from when the Register/Update was sent, not from its
   *  answer (a server starts it on the first copy it receives; the answer may come after several
   *  retransmissions). Lifetime 0 is infinite (/1/x/1): no periodic Update. A change the server
   *  has not been told yet: an Update now. */
  private scheduleUpdate(s: number): void {
    const tm = this.srvTime, d = s * SvT.SIZE;
    if (this.changePending(s)) { tm[d + SvT.DEADLINE] = this.now; return; }
    const lt = tm[d + SvT.LIFETIME] * 1000;
    if (lt <= 0) { tm[d + SvT.DEADLINE] = Infinity; return; }
    const margin = Math.min(maxTransmitWait(this.config), lt / 2);
    tm[d + SvT.DEADLINE] = tm[d + SvT.SENT] + Math.max(1000, lt - margin);
  }

  sendUpdate(s: number, withLifetime: boolean): void {
    const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
    const ep = this.ep;
    const k = ep.beginRequest(sv[b + Sv.PEER], MsgType.CON, Code.POST, Tag.UPDATE * 256 + s);
    if (k < 0) { tm[d + SvT.DEADLINE] = this.now + 1000; return; }
    const w = ep.w;
    this.writeLocation(s, w);
    this.resolveObjects(s);
    const objects = (sv[b + Sv.DIRTY] & Dirty.OBJECTS) !== 0;
    if (objects) w.optionUint(Opt.CONTENT_FORMAT, 40);
    const lt = this.lifetimeOf(s);
    if (withLifetime || lt !== tm[d + SvT.LIFETIME]) { tm[d + SvT.LIFETIME] = lt; w.optionPrefixDecimal(Opt.URI_QUERY, Q_LT, lt); }
    if ((sv[b + Sv.DIRTY] & Dirty.BINDING) !== 0) this.writeBinding(s, w);
    if (objects) this.writeObjectLinks(w);
    if (ep.commit(k) < 0) { this.registrationFailed(s, Code.REQUEST_ENTITY_TOO_LARGE); return; }
    if (objects) sv[b + Sv.LINKS] = this.linksHash();
    sv[b + Sv.DIRTY] &= Dirty.DISABLE;
    tm[d + SvT.SENT] = this.now;
    sv[b + Sv.SLOT] = k;
    sv[b + Sv.STATE] = Reg.UPDATING;
    this.emit(Ev.UPDATE_SENT, sv[b + Sv.SSID], 0);
  }

  private onUpdateResponse(s: number, res: CoapMessage): void {
    const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
    sv[b + Sv.SLOT] = -1;
    if (res.code === Code.CHANGED) {
      sv[b + Sv.STATE] = Reg.REGISTERED;
      this.scheduleUpdate(s);
      this.emit(Ev.UPDATED, sv[b + Sv.SSID], 0);
      return;
    }
    // 4.04 (the server forgot us) or another error: register again (TS Core §6.2.2).
    this.emit(Ev.REGISTRATION_FAILED, sv[b + Sv.SSID], res.code);
    sv[b + Sv.STATE] = Reg.WAIT;
    tm[d + SvT.DEADLINE] = this.now;
  }

  /** Registration failed (timeout: code 0): the LwM2M 1.1 retry procedure (TS Core §6.2.1.1) with
   *  the Server object's Communication Retry Count/Timer and Sequence Delay/Retry Count, then
   *  Bootstrap on Registration Failure (/1/x/16). */
  private registrationFailed(s: number, code: number): void {
    const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
    this.emit(Ev.REGISTRATION_FAILED, sv[b + Sv.SSID], code);
    // After stop(): no registration to end, nothing to retry.
    if (this.stopping) { sv[b + Sv.STATE] = Reg.DISABLED; tm[d + SvT.DEADLINE] = Infinity; return; }
    const t = this.table, i = sv[b + Sv.INST];
    const retryCount = this.intRes(t, 1, i, SRV_RETRY_COUNT, 5);
    const retryTimer = this.intRes(t, 1, i, SRV_RETRY_TIMER, 60);
    const seqDelay = this.intRes(t, 1, i, SRV_SEQ_DELAY, 86400);
    const seqRetry = this.intRes(t, 1, i, SRV_SEQ_RETRY, 1);
    // The longest back-off of the sequence: once every sequence has failed and no bootstrap is
    // asked for (or possible), the client says so (REGISTRATION_EXHAUSTED) and keeps trying at that
    // interval, so that a device in the field comes back when its server does. (The TS leaves the
    // client unregistered there; Anjay reports it, anjay_all_connections_failed(), and leaves the
    // retrying to the application: on a device there is nobody else to do it.)
    const longest = Math.max(1000, retryTimer * 1000 * Math.pow(2, Math.max(0, retryCount - 2)));
    sv[b + Sv.STATE] = Reg.FAILED;
    if (sv[b + Sv.SEQ] >= seqRetry) { tm[d + SvT.DEADLINE] = this.now + longest; return; } // exhausted already
    sv[b + Sv.RETRY]++;
    if (sv[b + Sv.RETRY] < retryCount) {
      tm[d + SvT.DEADLINE] = this.now + retryTimer * 1000 * Math.pow(2, sv[b + Sv.RETRY] - 1);
      return;
    }
    sv[b + Sv.SEQ]++;
    if (sv[b + Sv.SEQ] < seqRetry) {
      sv[b + Sv.RETRY] = 0;
      tm[d + SvT.DEADLINE] = this.now + seqDelay * 1000;
      return;
    }
    tm[d + SvT.DEADLINE] = Infinity;
    const bsOnFailure = this.intRes(t, 1, i, SRV_BS_ON_FAILURE, 1);
    if (bsOnFailure === 1 && this.bsSec >= 0 && this.bsPeer >= 0) { this.beginClientBootstrap(); return; }
    this.emit(Ev.REGISTRATION_EXHAUSTED, sv[b + Sv.SSID], longest / 1000);
    tm[d + SvT.DEADLINE] = this.now + longest;
  }

  /** The De-register's answer (or its failure): a Disable's timeout runs from here. */
  private deregistered(s: number, code: number): void {
    const sv = this.srv, b = s * Sv.SIZE;
    sv[b + Sv.SLOT] = -1; sv[b + Sv.STATE] = Reg.DISABLED;
    this.emit(Ev.DEREGISTERED, sv[b + Sv.SSID], code);
    if (!this.stopping) this.disabledFor(s);
  }

  /** Disable (/1/x/4) executed: once its 2.04 is out, de-register (poll → serverTimer). */
  disableServer(ssid: number): number {
    const s = this.serverIndexBySsid(ssid);
    if (s < 0) return -Code.NOT_FOUND;
    this.srv[s * Sv.SIZE + Sv.DIRTY] |= Dirty.DISABLE;
    this.srvTime[s * SvT.SIZE + SvT.DEADLINE] = this.now;
    return 0;
  }

  private disableNow(s: number): void {
    const sv = this.srv, b = s * Sv.SIZE;
    sv[b + Sv.DIRTY] &= ~Dirty.DISABLE;
    this.endObservations(s);
    const st = sv[b + Sv.STATE];
    if (st === Reg.REGISTERED || st === Reg.UPDATING) {
      this.sendDeregister(s);
      if (sv[b + Sv.STATE] === Reg.DEREGISTERING) return; // the answer calls deregistered()
    }
    if (sv[b + Sv.SLOT] >= 0) { this.ep.cancel(sv[b + Sv.SLOT]); sv[b + Sv.SLOT] = -1; }
    sv[b + Sv.STATE] = Reg.DISABLED;
    this.disabledFor(s);
  }

  /** Disabled: the connection dropped (a DTLS session closed), nothing sent or heard for the
   *  Disable Timeout (/1/x/5, 86400 s when absent), then a new Register. */
  private disabledFor(s: number): void {
    const sv = this.srv, b = s * Sv.SIZE, p = sv[b + Sv.PEER];
    if (p >= 0) {
      this.ep.flushPeer(p);
      const ch = this.ep.channel(p);
      if (ch !== null) ch.reset(false);
    }
    const timeout = this.intRes(this.table, 1, sv[b + Sv.INST], SRV_DISABLE_TIMEOUT, 86400);
    this.srvTime[s * SvT.SIZE + SvT.DEADLINE] = this.now + Math.max(0, timeout) * 1000;
  }

  private sendDeregister(s: number): void {
    const sv = this.srv, b = s * Sv.SIZE;
    if (sv[b + Sv.SLOT] >= 0) { this.ep.cancel(sv[b + Sv.SLOT]); sv[b + Sv.SLOT] = -1; }
    const k = this.ep.beginRequest(sv[b + Sv.PEER], MsgType.CON, Code.DELETE, Tag.DEREGISTER * 256 + s);
    if (k < 0) return;
    this.writeLocation(s, this.ep.w);
    if (this.ep.commit(k) === 0) { sv[b + Sv.SLOT] = k; sv[b + Sv.STATE] = Reg.DEREGISTERING; }
  }

  /** Registration Update Trigger (/1/x/8) or an application's request. */
  triggerUpdate(ssid: number): number {
    const s = this.serverIndexBySsid(ssid);
    if (s < 0) return -Code.NOT_FOUND;
    if (this.serverState(s) === Reg.REGISTERED) { this.srv[s * Sv.SIZE + Sv.DIRTY] |= Dirty.TRIGGER; this.srvTime[s * SvT.SIZE + SvT.DEADLINE] = this.now; }
    return 0;
  }

  // ------------------------------------------------------------------ bootstrap control (TS Core §6.1)

  /** Sets the bootstrap flag: from now on only the bootstrap server is heard (ARCHITECTURE.md §3). */
  enterBootstrap(mode: number): void {
    if (!this.bsFlag) {
      this.bsFlag = true;
      this.bsMode = mode;
      this.staging.copyFrom(this.table);
      // Flush every pending message not related to the bootstrap sequence.
      const flushed = this.ep.flushAllExcept(this.bsPeer);
      this.bsFlushed += flushed;
      for (let s = 0; s < this.nServers; s++) {
        const sv = this.srv, b = s * Sv.SIZE, tm = this.srvTime, d = s * SvT.SIZE;
        if (!sv[b + Sv.USED]) continue;
        sv[b + Sv.SLOT] = -1; sv[b + Sv.STATE] = Reg.IDLE; tm[d + SvT.DEADLINE] = Infinity;
      }
      this.obs.clear();
      this.block1Peer = -1;
      this.emit(Ev.BOOTSTRAP_STARTED, mode, flushed);
    }
    this.bsTimeoutAt = this.now + this.bootstrapTimeout;
  }

  /** Client-initiated bootstrap: hold off (/0/x/11) or back off, then POST /bs?ep=… */
  beginClientBootstrap(): void {
    if (this.bsSec < 0 || this.bsPeer < 0) { this.emit(Ev.BOOTSTRAP_FAILED, 1, 0); return; }
    this.enterBootstrap(BsMode.CLIENT);
    this.bsState = Bs.HOLDOFF;
    const holdOff = this.bsAttempt === 0 ? this.intRes(this.table, 0, this.bsSec, SEC_HOLDOFF, 0) * 1000 : this.backoff();
    this.bsDeadline = this.now + holdOff;
    this.bsTimeoutAt = Infinity; // the inactivity timeout runs from the Bootstrap-Request on
  }

  /** Exponential back-off with jitter between failed bootstrap attempts. */
  private backoff(): number {
    const base = this.opts.bootstrapBackoff ?? 10_000, max = this.opts.bootstrapBackoffMax ?? 3_600_000;
    const d = Math.min(max, base * Math.pow(2, Math.max(0, this.bsAttempt - 1)));
    return d * (0.75 + 0.5 * (this.ep.random32() / 4294967296));
  }

  private sendBootstrapRequest(): void {
    const pack = this.opts.bootstrapPack === true;
    const k = this.ep.beginRequest(this.bsPeer, MsgType.CON, pack ? Code.GET : Code.POST, (pack ? Tag.BOOTSTRAP_PACK : Tag.BOOTSTRAP_REQUEST) * 256);
    if (k < 0) { this.bsDeadline = this.now + 1000; return; }
    const w = this.ep.w;
    if (pack) w.option(Opt.URI_PATH, BSPACK, 0, BSPACK.length);
    else w.option(Opt.URI_PATH, BS, 0, BS.length);
    w.optionPrefixBytes(Opt.URI_QUERY, Q_EP, this.endpointName, 0, this.endpointName.length);
    // pct= (preferred content type, TS Core 1.1 §5.2.7.1): SenML CBOR when we speak 1.1.
    if (pack) w.optionUint(Opt.ACCEPT, 112);
    else if (this.version[2] !== 48 /* '0' */) w.optionPrefixDecimal(Opt.URI_QUERY, Q_PCT, 112);
    if (this.ep.commit(k) < 0) return;
    this.bsSlot = k;
    this.bsState = Bs.REQUESTING;
    this.bsTimeoutAt = this.now + this.bootstrapTimeout;
    this.emit(Ev.BOOTSTRAP_REQUEST_SENT, this.bsAttempt, 0);
  }

  private onBootstrapRequestResponse(code: number): void {
    this.bsSlot = -1;
    if (!this.bsFlag) return; // finished already (Write/Finish overtook the ACK: UDP reordering)
    if (code === Code.CHANGED) { this.bsState = Bs.ACTIVE; return; }
    this.bootstrapAttemptFailed(code);
  }

  /** A bootstrap attempt failed: roll back to the committed configuration and retry with back-off
   *  (or, when the committed configuration has servers, go back to them). */
  bootstrapAttemptFailed(code: number): void {
    this.emit(Ev.BOOTSTRAP_FAILED, 2, code);
    this.rollback();
    this.bsAttempt++;
    this.startFreshOrRetry();
  }

  rollback(): void {
    if (this.bsSlot >= 0) { this.ep.cancel(this.bsSlot); this.bsSlot = -1; }
    this.bsFlag = false;
    this.bsState = Bs.IDLE;
    this.bsTimeoutAt = Infinity;
    this.bsDeadline = Infinity;
    this.dropStaging();
    this.emit(Ev.BOOTSTRAP_ROLLBACK, 0, 0);
  }

  private startFreshOrRetry(): void {
    let usable = 0;
    for (let i = this.table.firstInstance(1); i >= 0; i = this.table.nextInstance(1, i)) {
      const ssid = this.intRes(this.table, 1, i, SRV_SSID, -1);
      if (ssid > 0 && this.securityForSsid(this.table, ssid) >= 0) usable++;
    }
    if (usable > 0 && this.bsMode !== BsMode.CLIENT) { this.startFresh(); return; }
    if (usable > 0 && this.bsAttempt > 3) { this.startFresh(); return; }
    this.beginClientBootstrap();
  }

  /** Bootstrap-Finish accepted: commit, start fresh (the 2.04 itself still goes to the bootstrap server).
   *  False, with nothing changed, when the configuration cannot be stored (the Finish is refused: a
   *  bootstrap the client would lose at its next restart is not finished). */
  finishBootstrap(): boolean {
    if (!this.commitStaging(true)) return false;
    if (this.bsSlot >= 0) { this.ep.cancel(this.bsSlot); this.bsSlot = -1; }
    this.bsFlag = false;
    this.bsState = Bs.IDLE;
    this.bsTimeoutAt = Infinity;
    this.bsDeadline = Infinity;
    this.bsAttempt = 0;
    this.dropStaging();
    this.emit(Ev.BOOTSTRAP_FINISHED, this.bsMode, 0);
    const keepBs = this.bsPeer;
    this.startFresh();
    if (this.bsPeer !== keepBs && keepBs >= 0) this.ep.unpinPeer(keepBs);
    // Bootstrap-Server Account Timeout (/0/x/12): purge the account that many seconds later.
    const t = this.bsSec >= 0 ? this.intRes(this.table, 0, this.bsSec, SEC_BS_TIMEOUT, 0) : 0;
    this.bsPurgeAt = t > 0 ? this.now + t * 1000 : Infinity;
    return true;
  }

  private runBootstrapTimers(now: number): number {
    if (this.bsState === Bs.HOLDOFF && this.bsDeadline <= now) { this.bsDeadline = Infinity; this.sendBootstrapRequest(); }
    if (this.bsFlag && this.bsTimeoutAt <= now) {
      // No Finish within the inactivity timeout: roll back, retry with back-off.
      this.bootstrapAttemptFailed(0);
    }
    if (this.bsPurgeAt <= now) {
      this.bsPurgeAt = Infinity;
      const i = this.findBootstrapSecurity(this.table);
      if (i >= 0) {
        this.table.deleteInstance(0, i);
        this.persist();
        if (this.bsPeer >= 0) { this.ep.unpinPeer(this.bsPeer); }
        this.bsSec = -1; this.bsPeer = -1;
        this.emit(Ev.BOOTSTRAP_ACCOUNT_PURGED, i, 0);
      }
    }
    let next = Infinity;
    if (this.bsState === Bs.HOLDOFF) next = this.bsDeadline;
    if (this.bsFlag && this.bsTimeoutAt < next) next = this.bsTimeoutAt;
    if (this.bsPurgeAt < next) next = this.bsPurgeAt;
    return next;
  }

  /** Execute /1/x/9 (Bootstrap-Request Trigger): the bootstrap starts once the 2.04 has been sent. */
  requestBootstrapLater(): number {
    if (this.bsSec < 0 || this.bsPeer < 0) return -Code.METHOD_NOT_ALLOWED;
    this.bsTriggerPending = true;
    return 0;
  }

  /** Bootstrap-Request Trigger (/1/x/9) and the application's request: a client-initiated bootstrap. */
  requestBootstrap(): number {
    if (this.bsSec < 0 || this.bsPeer < 0) return -Code.METHOD_NOT_ALLOWED;
    this.bsAttempt = 0;
    this.beginClientBootstrap();
    return 0;
  }

  // ------------------------------------------------------------------ reporting

  /** The application changed a value the table cannot see (a bound reader). */
  valueChanged(o: number, i: number, r: number): void { this.table.markChanged(o, i, r); }

  /** Queues a notification for observation k (used by dm.ts). */
  notify(k: number): number { return sendNotification(this, k); }

  /** Send (TS Core §6.4.6, 1.1): POST /dp to server ssid with the values of up to 4 paths in SenML CBOR. */
  send(ssid: number, paths: Int32Array, count: number): number {
    const s = this.serverIndexBySsid(ssid);
    if (s < 0 || this.serverState(s) !== Reg.REGISTERED || this.bsFlag) return -Code.SERVICE_UNAVAILABLE;
    return sendData(this, s, paths, count);
  }

  /** Whether the configuration is consistent (used at Finish and in tests). */
  checkStaging(): number { return checkConsistency(this, this.staging, null); }
}

import { sendData } from './dm.js';


/** "</o>" or "</o/i>" at b[p], preceded by a comma. */
function linkPath(b: Uint8Array, p: number, end: number, o: number, i: number): number {
  if (p + 16 > end) return end;
  b[p++] = 44; b[p++] = 60; b[p++] = 47;
  p = writeUint(b, p, o);
  if (i >= 0) { b[p++] = 47; p = writeUint(b, p, i); }
  b[p++] = 62;
  return p;
}

function linkVer(b: Uint8Array, p: number, end: number, ver: string): number {
  if (p + 5 + ver.length > end) return end;
  b[p++] = 59; b[p++] = 118; b[p++] = 101; b[p++] = 114; b[p++] = 61; // ;ver=
  for (let j = 0; j < ver.length; j++) b[p++] = ver.charCodeAt(j);
  return p;
}

export function writeUint(b: Uint8Array, p: number, v: number): number {
  let digits = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
  for (let j = digits - 1; j >= 0; j--) { b[p + j] = 48 + (v % 10); v = Math.floor(v / 10); }
  return p + digits;
}

/** Parses a literal host (dotted IPv4, or the inside of "[…]" for IPv6) at b[off…off+len) into
 *  `out` (allocation-free). False when it is not a literal (a host name). */
function hostLiteral(b: Uint8Array, off: number, len: number, ipv6: boolean, out: PeerAddress): boolean {
  if (ipv6) return parseV6(b, off, off + len, out);
  let part = 0, v = -1;
  for (let p = off; p < off + len; p++) {
    const c = b[p];
    if (c === 46) { if (v < 0 || part > 2) return false; out.addr[part++] = v; v = -1; continue; }
    if (c < 48 || c > 57) return false;
    v = (v < 0 ? 0 : v * 10) + (c - 48);
    if (v > 255) return false;
  }
  if (part !== 3 || v < 0) return false;
  out.addr[3] = v;
  out.family = 4;
  return true;
}

function parseV6(b: Uint8Array, start: number, end: number, out: PeerAddress): boolean {
  // Groups of hex digits separated by ':', with at most one '::'. Each group goes to out.addr as it
  // is read (no scratch: a module-level one would be preloaded into flash, read-only on the device);
  // the groups after '::' are moved to the end at the end.
  const a = out.addr;
  let n = 0, gap = -1, p = start;
  if (p < end && b[p] === 58) { if (p + 1 >= end || b[p + 1] !== 58) return false; gap = 0; p += 2; }
  while (p < end) {
    let v = 0, digits = 0;
    while (p < end && digits < 5) {
      const c = b[p];
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      v = v * 16 + h; digits++; p++;
    }
    if (digits === 0 || digits > 4 || n >= 8) return false;
    a[2 * n] = v >> 8; a[2 * n + 1] = v & 0xff; n++;
    if (p === end) break;
    if (b[p] !== 58) return false;
    p++;
    if (p < end && b[p] === 58) { if (gap >= 0) return false; gap = n; p++; }
  }
  if (gap < 0 && n !== 8) return false;
  if (gap >= 0 && n > 7) return false;
  if (gap >= 0) {
    const fill = 8 - n;
    a.copyWithin(2 * (gap + fill), 2 * gap, 2 * n);
    a.fill(0, 2 * gap, 2 * (gap + fill));
  }
  out.family = 6;
  return true;
}
/** How long stop() waits for the answer to a Register still in flight: two initial ACK timeouts at
 *  their longest (RFC 7252 §4.8: ACK_TIMEOUT × ACK_RANDOM_FACTOR each; 6 s with the defaults) —
 *  the answer to the copy the server saw, or to the next retransmission when that answer was lost.
 *  Bounded, so that a stop never waits out a whole exchange (MAX_TRANSMIT_WAIT, 93 s) for a server
 *  that is not there. */
export function stopWait(c: Config): number { return 2 * c.ackTimeout * c.ackRandomFactor; }

/** The parsed server URI (module scratch, like objects/consistency.ts: preloaded, not per client). */
const URI = new UriRecord();

export function createClient(opts: ClientOptions, slab?: Slab): Lwm2mClient {
  return new Lwm2mClient(opts, slab);
}


// Re-exported for the host and the tests.
export { Ev, parseAddress, ValueType, Failure, Reply };
