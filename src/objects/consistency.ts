// Configuration check at Bootstrap-Finish. OMA LwM2M TS Core §6.1.7 (Bootstrap-Finish): on
// Bootstrap-Finish the Client checks that the configuration it was given is usable — at least one
// LwM2M Server account (a non-bootstrap Security instance plus the Server instance with the same
// Short Server ID), every account complete — and when it is not, answers 4.06 Not Acceptable
// (keeping the bootstrap flag set) instead of 2.04 Changed. The checks here are that rule made
// concrete; each failure has a number and a static message (no string building) plus the path
// and ssid it concerns.
import { Code } from '../coap/codes.js';
import { NONE } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { OBJ_SECURITY, SecurityMode, SecurityRes, UriRecord, parseUri, schemeModeProblem } from './security.js';
import { OBJ_SERVER, ServerRes } from './server.js';
import { getNumber } from './values.js';
import { DataRecord } from '../model/record.js';

/** The code the Client answers an inconsistent Bootstrap-Finish with (TS Core §6.1.7): 4.06. */
export const BOOTSTRAP_FINISH_REJECT = Code.NOT_ACCEPTABLE;

export const enum ConfigProblem {
  Ok = 0,
  MissingUri = 1,
  BadUri = 2,
  MissingBootstrapFlag = 3,
  MissingSecurityMode = 4,
  UnsupportedSecurityMode = 5,
  PskWithoutCredentials = 6,
  TwoBootstrapAccounts = 7,
  SecurityWithoutSsid = 8,
  TwoSecurityForSsid = 9,
  ServerWithoutSsid = 10,
  TwoServersForSsid = 11,
  ServerWithoutSecurity = 12,
  SecurityWithoutServer = 13,
  NoServerAccount = 14,
  /** coap:// with a Security Mode other than 3 NoSec: an account with a key would talk in clear. */
  CoapWithSecurity = 15,
  /** coaps:// with Security Mode 3 NoSec: DTLS without a key. */
  CoapsWithNoSec = 16,
}

const MESSAGES: readonly string[] = Object.freeze([
  'consistent',
  'missing mandatory resource /0/x/0 URI',
  'Security /0/x/0 URI is not a coap:// or coaps:// URI',
  'missing mandatory resource /0/x/1 Bootstrap-Server',
  'missing mandatory resource /0/x/2 Security Mode',
  'Security Mode not supported (only 0 PSK and 3 NoSec)',
  'PSK Security Mode without /0/x/3 identity or /0/x/5 key',
  'more than one bootstrap-server account',
  'LwM2M Server Security instance without /0/x/10 Short Server ID',
  'two Security instances for ssid N',
  'Server instance without /1/x/0 Short Server ID',
  'two Server instances for ssid N',
  'Server instance with no Security instance for ssid N',
  'Security instance for ssid N with no Server instance',
  'no LwM2M server account: Security instance with /0/x/1 false and matching Server instance',
  'URI scheme contradicts the Security Mode: coap:// (no DTLS) with /0/x/2 Security Mode not 3 NoSec; never used in clear: give coaps:// or mode 3',
  'URI scheme contradicts the Security Mode: coaps:// (DTLS) with /0/x/2 Security Mode 3 NoSec; give mode 0 PSK with identity and key, or coap://',
]);

/** What checkBootstrapConfig found: the problem, its static message, the instance and ssid. */
export class ConfigDiag {
  problem: ConfigProblem = ConfigProblem.Ok;
  message = MESSAGES[0];
  /** The object (0 or 1) and instance concerned, -1 when none. */
  o = NONE;
  i = NONE;
  ssid = NONE;
}

const scratch = new DataRecord();
const uri = new UriRecord();

function fail(diag: ConfigDiag, p: ConfigProblem, o: number, i: number, ssid: number): number {
  diag.problem = p; diag.message = MESSAGES[p]; diag.o = o; diag.i = i; diag.ssid = ssid;
  return p;
}

/** 0 when the Security/Server configuration is consistent, else a ConfigProblem (> 0) with `diag`
 *  filled. Allocation-free. Checks, in order: every Security instance has URI (parseable), the
 *  bootstrap flag, a supported mode (PSK with identity and key) that its URI scheme agrees with
 *  (schemeModeProblem); at most one bootstrap account;
 *  every server Security instance has a unique ssid; every Server instance has a unique ssid with a
 *  Security instance; every server Security instance has a Server instance; at least one account. */
export function checkBootstrapConfig(table: ObjectTable, diag: ConfigDiag): number {
  diag.problem = ConfigProblem.Ok; diag.message = MESSAGES[0]; diag.o = NONE; diag.i = NONE; diag.ssid = NONE;
  const S = OBJ_SECURITY, V = OBJ_SERVER;
  let bootstrap = -1;
  for (let i = table.firstInstance(S); i >= 0; i = table.nextInstance(S, i)) {
    if (table.getValue(S, i, SecurityRes.Uri, NONE, scratch) !== 0) return fail(diag, ConfigProblem.MissingUri, S, i, NONE);
    if (parseUri(scratch.buf, scratch.off, scratch.len, uri) !== 0) return fail(diag, ConfigProblem.BadUri, S, i, NONE);
    const bs = getNumber(table, S, i, SecurityRes.Bootstrap, NONE, -1);
    if (bs < 0) return fail(diag, ConfigProblem.MissingBootstrapFlag, S, i, NONE);
    const mode = getNumber(table, S, i, SecurityRes.Mode, NONE, -1);
    if (mode < 0) return fail(diag, ConfigProblem.MissingSecurityMode, S, i, NONE);
    if (mode !== SecurityMode.Psk && mode !== SecurityMode.NoSec) return fail(diag, ConfigProblem.UnsupportedSecurityMode, S, i, NONE);
    if (mode === SecurityMode.Psk) {
      const hasId = table.getValue(S, i, SecurityRes.Identity, NONE, scratch) === 0 && scratch.len > 0;
      const hasKey = table.getValue(S, i, SecurityRes.SecretKey, NONE, scratch) === 0 && scratch.len > 0;
      if (!hasId || !hasKey) return fail(diag, ConfigProblem.PskWithoutCredentials, S, i, NONE);
    }
    const sm = schemeModeProblem(uri.scheme, mode);
    if (sm !== 0) return fail(diag, sm, S, i, NONE);
    if (bs !== 0) {
      if (bootstrap >= 0) return fail(diag, ConfigProblem.TwoBootstrapAccounts, S, i, NONE);
      bootstrap = i;
      continue;
    }
    const ssid = getNumber(table, S, i, SecurityRes.ShortServerId, NONE, -1);
    if (ssid < 0) return fail(diag, ConfigProblem.SecurityWithoutSsid, S, i, NONE);
    for (let j = table.firstInstance(S); j >= 0 && j < i; j = table.nextInstance(S, j)) {
      if (getNumber(table, S, j, SecurityRes.Bootstrap, NONE, 0) === 0 &&
          getNumber(table, S, j, SecurityRes.ShortServerId, NONE, -1) === ssid) return fail(diag, ConfigProblem.TwoSecurityForSsid, S, i, ssid);
    }
  }
  let accounts = 0;
  for (let i = table.firstInstance(V); i >= 0; i = table.nextInstance(V, i)) {
    const ssid = getNumber(table, V, i, ServerRes.ShortServerId, NONE, -1);
    if (ssid < 0) return fail(diag, ConfigProblem.ServerWithoutSsid, V, i, NONE);
    for (let j = table.firstInstance(V); j >= 0 && j < i; j = table.nextInstance(V, j)) {
      if (getNumber(table, V, j, ServerRes.ShortServerId, NONE, -1) === ssid) return fail(diag, ConfigProblem.TwoServersForSsid, V, i, ssid);
    }
    if (securityFor(table, ssid) < 0) return fail(diag, ConfigProblem.ServerWithoutSecurity, V, i, ssid);
    accounts++;
  }
  for (let i = table.firstInstance(S); i >= 0; i = table.nextInstance(S, i)) {
    if (i === bootstrap) continue;
    const ssid = getNumber(table, S, i, SecurityRes.ShortServerId, NONE, -1);
    if (serverFor(table, ssid) < 0) return fail(diag, ConfigProblem.SecurityWithoutServer, S, i, ssid);
  }
  if (accounts === 0) return fail(diag, ConfigProblem.NoServerAccount, NONE, NONE, NONE);
  return 0;
}

function securityFor(table: ObjectTable, ssid: number): number {
  for (let i = table.firstInstance(OBJ_SECURITY); i >= 0; i = table.nextInstance(OBJ_SECURITY, i)) {
    if (getNumber(table, OBJ_SECURITY, i, SecurityRes.Bootstrap, NONE, 0) === 0 &&
        getNumber(table, OBJ_SECURITY, i, SecurityRes.ShortServerId, NONE, -1) === ssid) return i;
  }
  return -1;
}

function serverFor(table: ObjectTable, ssid: number): number {
  for (let i = table.firstInstance(OBJ_SERVER); i >= 0; i = table.nextInstance(OBJ_SERVER, i)) {
    if (getNumber(table, OBJ_SERVER, i, ServerRes.ShortServerId, NONE, -1) === ssid) return i;
  }
  return -1;
}

/** The static message of a problem code. */
export function configProblemMessage(p: ConfigProblem): string {
  return p >= 0 && p < MESSAGES.length ? MESSAGES[p] : 'unknown problem';
}
