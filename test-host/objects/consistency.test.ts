import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBootstrapConfig, ConfigDiag, ConfigProblem, BOOTSTRAP_FINISH_REJECT, configProblemMessage } from '../../src/objects/consistency.js';
import { SecurityMode, SCHEME_MODE_COAP, SCHEME_MODE_COAPS } from '../../src/objects/security.js';
import { Code } from '../../src/coap/codes.js';
import { stdTable, addSecurity, addServer } from './helpers.js';

const BS = { uri: 'coap://127.0.0.1:5783', bootstrap: true, mode: SecurityMode.NoSec };
const SRV = (ssid: number, uri = 'coap://127.0.0.1:5683') => ({ uri, bootstrap: false, mode: SecurityMode.NoSec, ssid });

function check(build: (t: ReturnType<typeof stdTable>) => void): ConfigDiag {
  const t = stdTable();
  build(t);
  const d = new ConfigDiag();
  const rc = checkBootstrapConfig(t, d);
  assert.is(rc, d.problem);
  return d;
}

test('consistent: bootstrap account plus one server account', () => {
  const d = check((t) => { addSecurity(t, 0, BS); addSecurity(t, 1, SRV(101)); addServer(t, 0, 101, { 1: 300, 7: 'U' }); });
  assert.is(d.problem, ConfigProblem.Ok);
  assert.is(d.message, 'consistent');
});

test('consistent: two server accounts, PSK with credentials, no bootstrap account', () => {
  const d = check((t) => {
    addSecurity(t, 3, { uri: 'coaps://[::1]:5684', bootstrap: false, mode: SecurityMode.Psk, identity: 'id', key: 'k', ssid: 1 });
    addSecurity(t, 4, SRV(2)); addServer(t, 0, 2); addServer(t, 1, 1);
  });
  assert.is(d.problem, ConfigProblem.Ok);
});

test('empty configuration / only a bootstrap account → no LwM2M server account', () => {
  let d = check(() => {});
  assert.is(d.problem, ConfigProblem.NoServerAccount);
  assert.is(d.message, 'no LwM2M server account: Security instance with /0/x/1 false and matching Server instance');
  d = check((t) => addSecurity(t, 0, BS));
  assert.is(d.problem, ConfigProblem.NoServerAccount);
});

test('Server instance with no Security instance for its ssid', () => {
  const d = check((t) => { addSecurity(t, 0, BS); addSecurity(t, 1, SRV(101)); addServer(t, 0, 101); addServer(t, 1, 102); });
  assert.is(d.problem, ConfigProblem.ServerWithoutSecurity);
  assert.is(d.o, 1); assert.is(d.i, 1); assert.is(d.ssid, 102);
  assert.is(d.message, 'Server instance with no Security instance for ssid N');
});

test('Security instance for a server with no Server instance', () => {
  const d = check((t) => { addSecurity(t, 1, SRV(101)); addSecurity(t, 2, SRV(102)); addServer(t, 0, 101); });
  assert.is(d.problem, ConfigProblem.SecurityWithoutServer);
  assert.is(d.i, 2); assert.is(d.ssid, 102);
});

test('missing mandatory resources: URI, bootstrap flag, mode; bad URI', () => {
  assert.is(check((t) => addSecurity(t, 0, { bootstrap: false, mode: 3, ssid: 1 })).message, 'missing mandatory resource /0/x/0 URI');
  assert.is(check((t) => addSecurity(t, 0, { uri: 'coap://h', mode: 3, ssid: 1 })).problem, ConfigProblem.MissingBootstrapFlag);
  assert.is(check((t) => addSecurity(t, 0, { uri: 'coap://h', bootstrap: false, ssid: 1 })).problem, ConfigProblem.MissingSecurityMode);
  assert.is(check((t) => addSecurity(t, 0, { uri: 'http://h', bootstrap: false, mode: 3, ssid: 1 })).problem, ConfigProblem.BadUri);
});

test('unsupported security mode, PSK without key', () => {
  assert.is(check((t) => addSecurity(t, 0, { ...SRV(1), mode: SecurityMode.Certificate })).problem, ConfigProblem.UnsupportedSecurityMode);
  assert.is(check((t) => addSecurity(t, 0, { ...SRV(1), mode: SecurityMode.Psk, identity: 'id' })).problem, ConfigProblem.PskWithoutCredentials);
});

test('a URI scheme that contradicts the Security Mode: coap:// with PSK, coaps:// with NoSec (issue 20.1)', () => {
  // coap:// names no DTLS: an account with an identity and a key there would register in clear.
  let d = check((t) => { addSecurity(t, 0, { uri: 'coap://127.0.0.1:56841', bootstrap: false, mode: SecurityMode.Psk, identity: 'id', key: 'k', ssid: 1 }); addServer(t, 0, 1); });
  assert.is(d.problem, ConfigProblem.CoapWithSecurity);
  assert.is(d.o, 0); assert.is(d.i, 0);
  assert.match(d.message, /coap:\/\/ .*Security Mode not 3 NoSec/);
  // coaps:// with NoSec: DTLS without a key.
  d = check((t) => { addSecurity(t, 2, { uri: 'coaps://127.0.0.1:5684', bootstrap: false, mode: SecurityMode.NoSec, ssid: 1 }); addServer(t, 0, 1); });
  assert.is(d.problem, ConfigProblem.CoapsWithNoSec);
  assert.is(d.i, 2);
  assert.match(d.message, /coaps:\/\/ .*Security Mode 3 NoSec/);
  // The bootstrap account too.
  d = check((t) => { addSecurity(t, 0, { ...BS, uri: 'coaps://127.0.0.1:5784' }); addSecurity(t, 1, SRV(1)); addServer(t, 0, 1); });
  assert.is(d.problem, ConfigProblem.CoapsWithNoSec);
  assert.is(d.i, 0);
  // security.ts keeps the same numbers for the client (which does not load this module).
  assert.is(SCHEME_MODE_COAP, ConfigProblem.CoapWithSecurity); assert.is(SCHEME_MODE_COAPS, ConfigProblem.CoapsWithNoSec);
  // The pairs that agree stay consistent (coap:// NoSec, coaps:// PSK: the tests above).
  for (const p of [ConfigProblem.CoapWithSecurity, ConfigProblem.CoapsWithNoSec]) assert.not.match(configProblemMessage(p), /not supported/);
});

test('two Security instances for one ssid; two bootstrap accounts; missing ssids; duplicate Server', () => {
  let d = check((t) => { addSecurity(t, 0, SRV(5)); addSecurity(t, 1, SRV(5)); addServer(t, 0, 5); });
  assert.is(d.problem, ConfigProblem.TwoSecurityForSsid); assert.is(d.ssid, 5); assert.is(d.i, 1);
  assert.is(d.message, 'two Security instances for ssid N');
  d = check((t) => { addSecurity(t, 0, BS); addSecurity(t, 1, BS); });
  assert.is(d.problem, ConfigProblem.TwoBootstrapAccounts);
  assert.is(d.message, 'more than one bootstrap-server account');
  d = check((t) => addSecurity(t, 0, { uri: 'coap://h', bootstrap: false, mode: 3 }));
  assert.is(d.problem, ConfigProblem.SecurityWithoutSsid);
  d = check((t) => { addSecurity(t, 0, SRV(5)); addServer(t, 0, undefined); });
  assert.is(d.problem, ConfigProblem.ServerWithoutSsid);
  d = check((t) => { addSecurity(t, 0, SRV(5)); addServer(t, 0, 5); addServer(t, 1, 5); });
  assert.is(d.problem, ConfigProblem.TwoServersForSsid);
});

test('reject code and messages', () => {
  assert.is(BOOTSTRAP_FINISH_REJECT, Code.NOT_ACCEPTABLE);
  assert.is(configProblemMessage(ConfigProblem.NoServerAccount).startsWith('no LwM2M server account'), true);
  assert.is(configProblemMessage(99 as ConfigProblem), 'unknown problem');
});

test.run();
