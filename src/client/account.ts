// A server or bootstrap-server account written into the Security (0) and Server (1) objects: the
// factory configuration (TS Core §6.1.2.1) of the public client (src/api/client.ts) and of the board
// client (setup.ts). Apart from setup.ts so that an application's build (Espruino: every module
// loaded costs variables) does not load the board client and its Temperature object with it.
import { NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { setNumber, setString, setBytes } from '../objects/values.js';
import { utf8Bytes } from '../model/utf8.js';

export interface AccountOptions {
  /** coap://IP:PORT or coaps://IP:PORT (a literal address). */
  uri: string;
  /** Short Server ID (servers; default 1). */
  ssid?: number;
  /** Registration lifetime, s (servers; default 300). */
  lifetime?: number;
  binding?: string;
  pskIdentity?: string;
  pskKey?: Uint8Array;
  /** Client Hold Off Time /0/x/11, s (bootstrap account). */
  holdOff?: number;
  /** Bootstrap-Server Account Timeout /0/x/12, s (bootstrap account; 0 keeps it). */
  accountTimeout?: number;
  /** Server object extras (tests): /1/x/17…20, /1/x/16, default pmin/pmax. */
  retryCount?: number;
  retryTimer?: number;
  sequenceDelay?: number;
  sequenceRetry?: number;
  bootstrapOnFailure?: boolean;
  /** Initial Registration Delay Timer /1/x/14, s; Disable Timeout /1/x/5, s. */
  initialDelay?: number;
  disableTimeout?: number;
  pmin?: number;
  pmax?: number;
}

/** Writes a Security instance (and, for a server, its Server instance) into t. Returns 0 or a code. */
export function writeAccount(t: ObjectTable, secInstance: number, a: AccountOptions, bootstrap: boolean): number {
  let rc = t.createInstance(0, secInstance);
  if (rc < 0) return rc;
  const psk = a.pskIdentity !== undefined && a.pskKey !== undefined;
  rc = setString(t, 0, secInstance, 0, NONE, a.uri);
  if (rc === 0) rc = setNumber(t, 0, secInstance, 1, NONE, ValueType.Boolean, bootstrap ? 1 : 0);
  if (rc === 0) rc = setNumber(t, 0, secInstance, 2, NONE, ValueType.Integer, psk ? 0 : 3);
  if (rc === 0 && psk) { const id = utf8Bytes(a.pskIdentity!); rc = setBytes(t, 0, secInstance, 3, NONE, ValueType.Opaque, id, 0, id.length); }
  if (rc === 0 && psk) rc = setBytes(t, 0, secInstance, 5, NONE, ValueType.Opaque, a.pskKey!, 0, a.pskKey!.length);
  if (rc === 0 && psk) rc = setBytes(t, 0, secInstance, 4, NONE, ValueType.Opaque, new Uint8Array(0), 0, 0);
  if (rc === 0 && !psk) { // NoSec: empty identity / public key / secret key (mandatory resources)
    const e = new Uint8Array(0);
    rc = setBytes(t, 0, secInstance, 3, NONE, ValueType.Opaque, e, 0, 0);
    if (rc === 0) rc = setBytes(t, 0, secInstance, 4, NONE, ValueType.Opaque, e, 0, 0);
    if (rc === 0) rc = setBytes(t, 0, secInstance, 5, NONE, ValueType.Opaque, e, 0, 0);
  }
  if (bootstrap) {
    if (rc === 0 && a.holdOff !== undefined) rc = setNumber(t, 0, secInstance, 11, NONE, ValueType.Integer, a.holdOff);
    if (rc === 0 && a.accountTimeout !== undefined) rc = setNumber(t, 0, secInstance, 12, NONE, ValueType.Integer, a.accountTimeout);
    return rc;
  }
  const ssid = a.ssid ?? 1;
  if (rc === 0) rc = setNumber(t, 0, secInstance, 10, NONE, ValueType.Integer, ssid);
  const si = t.freeInstanceId(1);
  if (rc === 0) rc = t.createInstance(1, si);
  if (rc === 0) rc = setNumber(t, 1, si, 0, NONE, ValueType.Integer, ssid);
  if (rc === 0) rc = setNumber(t, 1, si, 1, NONE, ValueType.Integer, a.lifetime ?? 300);
  if (rc === 0) rc = setNumber(t, 1, si, 6, NONE, ValueType.Boolean, 1);
  if (rc === 0) rc = setString(t, 1, si, 7, NONE, a.binding ?? 'U');
  if (rc === 0 && a.pmin !== undefined) rc = setNumber(t, 1, si, 2, NONE, ValueType.Integer, a.pmin);
  if (rc === 0 && a.pmax !== undefined) rc = setNumber(t, 1, si, 3, NONE, ValueType.Integer, a.pmax);
  if (rc === 0 && a.bootstrapOnFailure !== undefined) rc = setNumber(t, 1, si, 16, NONE, ValueType.Boolean, a.bootstrapOnFailure ? 1 : 0);
  if (rc === 0 && a.initialDelay !== undefined) rc = setNumber(t, 1, si, 14, NONE, ValueType.UnsignedInteger, a.initialDelay);
  if (rc === 0 && a.disableTimeout !== undefined) rc = setNumber(t, 1, si, 5, NONE, ValueType.Integer, a.disableTimeout);
  if (rc === 0 && a.retryCount !== undefined) rc = setNumber(t, 1, si, 17, NONE, ValueType.UnsignedInteger, a.retryCount);
  if (rc === 0 && a.retryTimer !== undefined) rc = setNumber(t, 1, si, 18, NONE, ValueType.UnsignedInteger, a.retryTimer);
  if (rc === 0 && a.sequenceDelay !== undefined) rc = setNumber(t, 1, si, 19, NONE, ValueType.UnsignedInteger, a.sequenceDelay);
  if (rc === 0 && a.sequenceRetry !== undefined) rc = setNumber(t, 1, si, 20, NONE, ValueType.UnsignedInteger, a.sequenceRetry);
  return rc;
}
