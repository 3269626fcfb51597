// Application events, in a fixed ring the application drains with nextEvent() (ARCHITECTURE.md §1).
// An event is a kind and up to two numeric arguments; nothing is allocated per event.

import { Slab } from '../slab.js';

export const enum Ev {
  NONE = 0,
  BOOTSTRAP_STARTED = 1,     // a: 0 client-initiated, 1 server-initiated, 2 smartcard, 3 factory
  BOOTSTRAP_FINISHED = 2,
  BOOTSTRAP_FAILED = 3,      // a: reason (BsFail)
  BOOTSTRAP_REQUEST_SENT = 4,
  BOOTSTRAP_WRITE = 5,       // a: object, b: instance (-1 for the object)
  BOOTSTRAP_DELETE = 6,      // a: object (-1 "/"), b: instance
  BOOTSTRAP_READ = 7,        // a: object, b: instance
  BOOTSTRAP_DISCOVER = 8,    // a: object (-1 "/")
  BOOTSTRAP_ROLLBACK = 9,
  REGISTER_SENT = 10,        // a: ssid
  REGISTERED = 11,           // a: ssid
  UPDATE_SENT = 12,          // a: ssid
  UPDATED = 13,              // a: ssid
  REGISTRATION_FAILED = 14,  // a: ssid, b: CoAP code or 0 for a timeout
  DEREGISTERED = 15,         // a: ssid
  REQUEST = 16,              // a: method code << 16 | response code, b: ssid (0 unknown peer)
  OBSERVE_STARTED = 17,      // a: ssid, b: observation slot
  OBSERVE_CANCELLED = 18,    // a: ssid, b: observation slot
  NOTIFY_SENT = 19,          // a: ssid, b: observation slot
  DROPPED_BY_BOOTSTRAP = 20, // a: datagrams dropped so far, b: ring messages flushed
  CONFIG_ERROR = 21,         // a: 1 no server account at all, 2 server account b (ssid) cannot be used (its URI's name does not resolve, its security is not built),
                             //    3 Security instance b refused: its URI scheme contradicts its Security Mode (coap:// with a key, coaps:// with NoSec),
                             //    4 Security instance b: no DTLS session left for it (config.dtlsSessions)
  PROVISIONING_FAILED = 22,  // a: reason code
  BOOTSTRAP_ACCOUNT_PURGED = 23,
  SEND_SENT = 24,            // a: ssid
  SEND_DONE = 25,            // a: ssid, b: CoAP code
  REBOOT = 26,
  FACTORY_RESET = 27,
  LOADED = 28,               // a: 1 from storage, 2 smartcard, 3 factory
  DTLS_FAILED = 29,          // a: ssid (0: the bootstrap server), b: DtlsError code
  SECURITY_UNSUPPORTED = 30, // a: Security instance, b: its mode (/0/x/2): only PSK (0) and NoSec (3) are built
  REGISTRATION_EXHAUSTED = 31, // a: ssid, b: s between the Registers that follow (the retry sequence is exhausted)
  SAVE_FAILED = 40,          // the store refused the configuration: a: 0 a Write/Create/Delete (answered 5.00), 1 Bootstrap-Finish (refused), 2 other
  CIPHERSUITE_UNSUPPORTED = 42, // a: Security instance, b: the first suite /0/x/16 lists (none of them is built)
  FIRMWARE = 41,
  // Queue Mode (src/client/queue.ts; 50…59).
  OFFLINE = 50,              // a: the deadline until which the HAL may sleep (ms on the client's clock; -1: none)
  ONLINE = 51,               // a: why it woke (Wake: 1 a deadline/Update, 2 a notification, 3 a datagram, 4 a Send, 5 a Register, 6 other), b: s offline
  QUEUE_DROPPED = 52,        // a: stored notifications dropped so far (the ring was full: the oldest goes), b: ssid             // a: Firmware Update State (/5/0/3), b: Update Result (/5/0/5) (41: clear of the numbers other branches add)
  // Deep sleep that restarts the program (src/client/persist.ts; 53…56).
  SLEEP_RESUMED = 53,        // a: server registrations taken back from the persisted state (no Register), b: s the program was stopped
  SLEEP_DISCARDED = 54,      // the persisted state was not used (the client registers afresh): a: why (SleepDiscard: 1 damaged, 2 another endpoint, 3 another configuration or sizes, 4 expired, 5 wall clock went back, 6 another format)
  SLEEP_SAVED = 55,          // the state was written at going offline: a: bytes
  SLEEP_SAVE_FAILED = 56,    // the store refused it: a: bytes (a restart then resumes from the previous state, or registers)
  SLEEP_CID = 57,            // after SLEEP_RESUMED: a: DTLS sessions taken back with the server's RFC 9146 Connection ID (the next record goes with no handshake)
}

export class EventRing {
  private readonly kind: Int32Array;
  /** Both arguments of event k, at 2k and 2k + 1 (one array: each typed array is an XS object). */
  private readonly args: Float64Array;
  private head = 0;
  private count = 0;
  /** Events lost because the application did not drain the ring. */
  lost = 0;
  /** The arguments of the event nextEvent() returned last. */
  argA = 0;
  argB = 0;

  constructor(readonly depth: number, slab: Slab = new Slab()) {
    this.kind = slab.i32(depth);
    this.args = slab.f64(2 * depth);
  }

  push(kind: number, a: number, b: number): void {
    if (this.count === this.depth) { this.head = (this.head + 1) % this.depth; this.count--; this.lost++; }
    const k = (this.head + this.count) % this.depth;
    this.kind[k] = kind; this.args[2 * k] = a; this.args[2 * k + 1] = b;
    this.count++;
  }

  /** The next event's kind (Ev), its arguments in argA/argB; Ev.NONE when empty. */
  pop(): number {
    if (this.count === 0) return Ev.NONE;
    const k = this.head;
    this.head = (this.head + 1) % this.depth;
    this.count--;
    this.argA = this.args[2 * k]; this.argB = this.args[2 * k + 1];
    return this.kind[k];
  }
}
