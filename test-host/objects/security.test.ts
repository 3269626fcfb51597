import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseUri, UriRecord, UriScheme, readSecurity, SecurityRecord, findBootstrapInstance, findSecurityForSsid, SecurityMode } from '../../src/objects/security.js';
import { Code } from '../../src/coap/codes.js';
import { stdTable, addSecurity, win } from './helpers.js';
import { gcsDuring } from '../model/zero-gc.js';

const enc = new TextEncoder();
function uri(s: string, pad = 0): { rc: number; u: UriRecord; host: string; path: string } {
  const b = new Uint8Array(pad + s.length + 3);
  b.set(enc.encode(s), pad);
  const u = new UriRecord();
  const rc = parseUri(b, pad, s.length, u);
  return { rc, u, host: win(b, u.hostOff, u.hostLen), path: win(b, u.pathOff, u.pathLen) };
}

test('URI: coap://127.0.0.1:5683', () => {
  const r = uri('coap://127.0.0.1:5683', 5);
  assert.is(r.rc, 0); assert.is(r.u.scheme, UriScheme.Coap); assert.is(r.host, '127.0.0.1'); assert.is(r.u.port, 5683);
  assert.not.ok(r.u.ipv6); assert.is(r.path, '');
});

test('URI: coaps://[::1]:5684 and IPv6 default port', () => {
  let r = uri('coaps://[::1]:5684');
  assert.is(r.rc, 0); assert.is(r.u.scheme, UriScheme.Coaps); assert.is(r.host, '::1'); assert.ok(r.u.ipv6); assert.is(r.u.port, 5684);
  r = uri('coap://[2001:db8::7]');
  assert.is(r.rc, 0); assert.is(r.host, '2001:db8::7'); assert.is(r.u.port, 5683);
});

test('URI: default ports, names, paths, case-insensitive scheme', () => {
  let r = uri('coap://leshan.eclipseprojects.io');
  assert.is(r.rc, 0); assert.is(r.u.port, 5683); assert.is(r.host, 'leshan.eclipseprojects.io');
  r = uri('coaps://example.com');
  assert.is(r.rc, 0); assert.is(r.u.port, 5684);
  r = uri('COAPS://example.com:9999/bs?ep=x');
  assert.is(r.rc, 0); assert.is(r.u.scheme, UriScheme.Coaps); assert.is(r.u.port, 9999); assert.is(r.path, '/bs?ep=x');
  r = uri('coap://h:');
  assert.is(r.rc, 0); assert.is(r.u.port, 5683);
});

test('URI: bad ones → -4.00', () => {
  for (const s of ['', 'coap:/x', 'http://x', 'coap+tcp://x', 'coap://', 'coap://:5683', 'coap://[::1', 'coap://[]:1',
    'coap://h:65536', 'coap://h:0', 'coap://h:12a', 'coap://user@h', 'coap://h/p#frag', 'coap://h p', 'coap://[fe80::1%eth0]', 'coapx://h']) {
    assert.is(uri(s).rc, -Code.BAD_REQUEST, s);
  }
});

test('readSecurity, findBootstrapInstance, findSecurityForSsid', () => {
  const t = stdTable();
  addSecurity(t, 0, { uri: 'coap://bs:5683', bootstrap: true, mode: SecurityMode.NoSec, holdOff: 10, bsTimeout: 3600 });
  addSecurity(t, 1, { uri: 'coaps://srv', bootstrap: false, mode: SecurityMode.Psk, identity: 'me', key: 'sekrit', ssid: 101 });
  addSecurity(t, 2, { uri: 'coap://srv2', bootstrap: false, mode: SecurityMode.NoSec, ssid: 102 });
  assert.is(findBootstrapInstance(t), 0);
  assert.is(findSecurityForSsid(t, 101), 1);
  assert.is(findSecurityForSsid(t, 102), 2);
  assert.is(findSecurityForSsid(t, 103), -1);
  const s = new SecurityRecord();
  assert.is(readSecurity(t, 0, s), 0);
  assert.ok(s.isBootstrap); assert.is(s.mode, SecurityMode.NoSec); assert.is(s.clientHoldOff, 10); assert.is(s.bootstrapAccountTimeout, 3600);
  assert.is(win(s.uriBuf, s.uriOff, s.uriLen), 'coap://bs:5683'); assert.is(s.ssid, 0); assert.is(s.identityLen, 0);
  assert.is(readSecurity(t, 1, s), 0);
  assert.not.ok(s.isBootstrap); assert.is(s.mode, SecurityMode.Psk); assert.is(s.ssid, 101);
  assert.is(win(s.identityBuf, s.identityOff, s.identityLen), 'me'); assert.is(win(s.secretBuf, s.secretOff, s.secretLen), 'sekrit');
  assert.is(s.clientHoldOff, 0);
  assert.is(readSecurity(t, 9, s), -Code.NOT_FOUND);
  const empty = stdTable();
  assert.is(findBootstrapInstance(empty), -1);
});

test('zero GC: 100,000 URI parses and readSecurity after warm-up', async () => {
  const t = stdTable();
  addSecurity(t, 1, { uri: 'coaps://[::1]:5684', bootstrap: false, mode: SecurityMode.Psk, identity: 'me', key: 'k', ssid: 101 });
  const b = enc.encode('coaps://[2001:db8::1]:5684/x');
  const u = new UriRecord(); const s = new SecurityRecord();
  const acc = new Int32Array(2);
  const pass = (n: number) => {
    for (let k = 0; k < n; k++) {
      acc[1]++;
      if (parseUri(b, 0, b.length, u) === 0 && u.port === 5684) acc[0]++;
      readSecurity(t, 1, s);
      if (parseUri(s.uriBuf, s.uriOff, s.uriLen, u) === 0 && u.ipv6 && findSecurityForSsid(t, 101) === 1) acc[0]++;
    }
  };
  const gcs = await gcsDuring(pass, 100_000);
  assert.is(acc[0], 2 * acc[1]);
  assert.is(gcs, 0);
});

test.run();
