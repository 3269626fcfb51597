// LwM2M Server object (1): an instance's fields with the defaults the specification gives when a
// resource is absent. Allocation-free.
import { Code } from '../coap/codes.js';
import { DataRecord, EMPTY_BYTES, NONE } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';

export const OBJ_SERVER = 1;

/** Resource ids of object 1 (registry/1.xml). */
export const enum ServerRes {
  ShortServerId = 0, Lifetime = 1, DefaultPmin = 2, DefaultPmax = 3, Disable = 4, DisableTimeout = 5,
  NotificationStoring = 6, Binding = 7, UpdateTrigger = 8, BootstrapRequestTrigger = 9,
  PriorityOrder = 13, InitialDelay = 14, FailureBlock = 15, BootstrapOnFailure = 16,
  RetryCount = 17, RetryTimer = 18, SequenceDelayTimer = 19, SequenceRetryCount = 20,
}

// Defaults when the resource is absent.
/** Registration lifetime when /1/x/1 is absent: 86400 s (TS Core §5.3.1, Register "lt"). */
export const DEFAULT_LIFETIME = 86400;
/** /1/x/2 description: "If this Resource doesn't exist, the default value is 0." */
export const DEFAULT_PMIN = 0;
/** /1/x/5 description: "a default timeout value is 86400 (1 day)". */
export const DEFAULT_DISABLE_TIMEOUT = 86400;
/** /1/x/6 absent: store notifications (the 1.1 default, "true"). */
export const DEFAULT_NOTIFICATION_STORING = true;
// TS Core 1.1 §6.2.1.2, "Registration procedures default values" (resources 13…20 absent):
export const DEFAULT_INITIAL_REGISTRATION_DELAY = 0;
export const DEFAULT_REGISTRATION_FAILURE_BLOCK = false;
export const DEFAULT_BOOTSTRAP_ON_REGISTRATION_FAILURE = true;
export const DEFAULT_COMMUNICATION_RETRY_COUNT = 5;
export const DEFAULT_COMMUNICATION_RETRY_TIMER = 60;
export const DEFAULT_COMMUNICATION_SEQUENCE_DELAY_TIMER = 86400;
export const DEFAULT_COMMUNICATION_SEQUENCE_RETRY_COUNT = 1;
/** The binding when /1/x/7 is absent. */
const BINDING_U = new Uint8Array([0x55]);

export class ServerRecord {
  i = NONE;
  ssid = 0;
  lifetime = DEFAULT_LIFETIME;
  defaultPmin = DEFAULT_PMIN;
  /** /1/x/3, 0 when absent (no default maximum period). */
  defaultPmax = 0;
  disableTimeout = DEFAULT_DISABLE_TIMEOUT;
  notificationStoring = DEFAULT_NOTIFICATION_STORING;
  /** /1/x/7 Binding ("U", "UQ", …), a window into the table's arena (or a constant "U"). */
  bindingBuf: Uint8Array = BINDING_U; bindingOff = 0; bindingLen = 1;
  /** /1/x/13, -1 when absent (registration not ordered against other servers). */
  priorityOrder = -1;
  initialDelay = DEFAULT_INITIAL_REGISTRATION_DELAY;
  failureBlock = DEFAULT_REGISTRATION_FAILURE_BLOCK;
  bootstrapOnFailure = DEFAULT_BOOTSTRAP_ON_REGISTRATION_FAILURE;
  retryCount = DEFAULT_COMMUNICATION_RETRY_COUNT;
  retryTimer = DEFAULT_COMMUNICATION_RETRY_TIMER;
  sequenceDelayTimer = DEFAULT_COMMUNICATION_SEQUENCE_DELAY_TIMER;
  sequenceRetryCount = DEFAULT_COMMUNICATION_SEQUENCE_RETRY_COUNT;
}

const scratch = new DataRecord();

function num(table: ObjectTable, i: number, r: number, dflt: number): number {
  return table.getValue(OBJ_SERVER, i, r, NONE, scratch) === 0 ? scratch.num : dflt;
}

/** Fills `out` from /1/i. 0, or -4.04 when the instance does not exist. */
export function readServer(table: ObjectTable, i: number, out: ServerRecord): number {
  if (!table.hasInstance(OBJ_SERVER, i)) return -Code.NOT_FOUND;
  out.i = i;
  out.ssid = num(table, i, ServerRes.ShortServerId, 0);
  out.lifetime = num(table, i, ServerRes.Lifetime, DEFAULT_LIFETIME);
  out.defaultPmin = num(table, i, ServerRes.DefaultPmin, DEFAULT_PMIN);
  out.defaultPmax = num(table, i, ServerRes.DefaultPmax, 0);
  out.disableTimeout = num(table, i, ServerRes.DisableTimeout, DEFAULT_DISABLE_TIMEOUT);
  out.notificationStoring = num(table, i, ServerRes.NotificationStoring, DEFAULT_NOTIFICATION_STORING ? 1 : 0) !== 0;
  if (table.getValue(OBJ_SERVER, i, ServerRes.Binding, NONE, scratch) === 0 && scratch.len > 0) {
    out.bindingBuf = scratch.buf; out.bindingOff = scratch.off; out.bindingLen = scratch.len;
  } else { out.bindingBuf = BINDING_U; out.bindingOff = 0; out.bindingLen = 1; }
  out.priorityOrder = num(table, i, ServerRes.PriorityOrder, -1);
  out.initialDelay = num(table, i, ServerRes.InitialDelay, DEFAULT_INITIAL_REGISTRATION_DELAY);
  out.failureBlock = num(table, i, ServerRes.FailureBlock, DEFAULT_REGISTRATION_FAILURE_BLOCK ? 1 : 0) !== 0;
  out.bootstrapOnFailure = num(table, i, ServerRes.BootstrapOnFailure, DEFAULT_BOOTSTRAP_ON_REGISTRATION_FAILURE ? 1 : 0) !== 0;
  out.retryCount = num(table, i, ServerRes.RetryCount, DEFAULT_COMMUNICATION_RETRY_COUNT);
  out.retryTimer = num(table, i, ServerRes.RetryTimer, DEFAULT_COMMUNICATION_RETRY_TIMER);
  out.sequenceDelayTimer = num(table, i, ServerRes.SequenceDelayTimer, DEFAULT_COMMUNICATION_SEQUENCE_DELAY_TIMER);
  out.sequenceRetryCount = num(table, i, ServerRes.SequenceRetryCount, DEFAULT_COMMUNICATION_SEQUENCE_RETRY_COUNT);
  return 0;
}

/** /1/i/0 of instance i, or -1 when absent. */
export function serverSsid(table: ObjectTable, i: number): number {
  return num(table, i, ServerRes.ShortServerId, -1);
}

/** Lowest Server instance with /1/x/0 = ssid, or -1. */
export function findServerForSsid(table: ObjectTable, ssid: number): number {
  for (let i = table.firstInstance(OBJ_SERVER); i >= 0; i = table.nextInstance(OBJ_SERVER, i)) {
    if (num(table, i, ServerRes.ShortServerId, -1) === ssid) return i;
  }
  return -1;
}

/** True when the Binding window (buf, off, len) contains the letter `c` (e.g. 0x51 'Q' queue mode). */
export function bindingHas(buf: Uint8Array, off: number, len: number, c: number): boolean {
  for (let k = off; k < off + len; k++) if (buf[k] === c) return true;
  return false;
}
