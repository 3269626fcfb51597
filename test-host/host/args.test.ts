// Command-line parsing and CoAP URI validation (host/args.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgError, parseCommandLine, parseCoapUri, formatCoapUri, ClientCliOptions } from '../../host/args.js';

test('coap and coaps URIs: IPv4, [IPv6], names, default ports', () => {
  assert.equal(parseCoapUri('coap://127.0.0.1:5683'), { scheme: 'coap', host: '127.0.0.1', port: 5683, secure: false, ipv6: false });
  assert.equal(parseCoapUri('coaps://[::1]:6000'), { scheme: 'coaps', host: '::1', port: 6000, secure: true, ipv6: true });
  assert.is(parseCoapUri('coap://localhost').port, 5683);
  assert.is(parseCoapUri('coaps://localhost').port, 5684);
  assert.is(parseCoapUri('COAP://leshan.eclipseprojects.io:5683/').host, 'leshan.eclipseprojects.io');
  assert.is(parseCoapUri('coap://[2001:db8::1]').port, 5683);
  assert.is(parseCoapUri('coap://[::ffff:192.0.2.1]:1').port, 1);
  assert.is(formatCoapUri(parseCoapUri('coaps://[fe80::1]:5')), 'coaps://[fe80::1]:5');
});

test('malformed URIs say what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['http://x', /unsupported scheme "http"/],
    ['127.0.0.1:5683', /not a URI/],
    ['coap://', /missing host/],
    ['coap://1.2.3:5683', /not an IPv4 address/],
    ['coap://300.1.1.1', /not an IPv4 address/],
    ['coap://host:0', /out of range/],
    ['coap://host:65536', /out of range/],
    ['coap://host:abc', /port "abc" is not a number/],
    ['coap://::1:5683', /IPv6 address must be written in brackets/],
    ['coap://[::1', /unclosed/],
    ['coap://[xyz]:5', /not an IPv6 address/],
    ['coap://host/rd', /path, query or fragment/],
    ['coap://user@host', /user information/],
    ['coap://bad_host!', /not a valid host name/],
  ];
  for (const [uri, re] of bad) {
    try { parseCoapUri(uri); assert.unreachable(uri); } catch (e) {
      assert.instance(e, ArgError, uri);
      assert.match((e as Error).message, re, uri);
    }
  }
});

function err(argv: string[]): string {
  try { parseCommandLine(argv); } catch (e) { assert.instance(e, ArgError); return (e as Error).message; }
  assert.unreachable(argv.join(' '));
  return '';
}

test('client options parsed and validated', () => {
  const c = parseCommandLine(['client', '--endpoint', 'node-1', '--server', 'coaps://[::1]:5684', '--bootstrap', 'coap://localhost:5783',
    '--lifetime', '120', '--local-port', '56830', '--state', 's.json', '--provisioning', 'p.bin', '--psk-identity', 'me', '--psk-key', '00ff10', '--log-level', 'debug']);
  assert.is(c.cmd, 'client');
  const o = (c as { opts: ClientCliOptions }).opts;
  assert.is(o.endpoint, 'node-1');
  assert.is(o.server!.port, 5684);
  assert.is(o.bootstrap!.host, 'localhost');
  assert.is(o.lifetime, 120);
  assert.is(o.localPort, 56830);
  assert.is(o.stateFile, 's.json');
  assert.is(o.provisioningFile, 'p.bin');
  assert.is(o.pskIdentity, 'me');
  assert.equal([...o.pskKey!], [0, 255, 16]);
  assert.is(o.logLevel, 'debug');
  const d = parseCommandLine(['client', '--endpoint=x', '--server=coap://127.0.0.1']);
  assert.is((d as { opts: ClientCliOptions }).opts.logLevel, 'info');
  assert.is((d as { opts: ClientCliOptions }).opts.lifetime, undefined);
});

test('bad command lines', () => {
  assert.match(err(['client', '--server', 'coap://127.0.0.1']), /needs --endpoint/);
  assert.match(err(['client', '--endpoint']), /--endpoint needs a value/);
  assert.match(err(['client', '--endpoint', 'x', '--server', '--lifetime', '5']), /--server needs a value/);
  assert.match(err(['client', '--endpoint', 'x', '--frob']), /unknown option --frob/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--lifetime', '-5']), /--lifetime/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--lifetime', '1.5']), /--lifetime "1.5": not a whole number/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--lifetime', '0']), /out of range/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--local-port', '70000']), /--local-port 70000: out of range 0–65535/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'ftp://h']), /--server "ftp:\/\/h": unsupported scheme/);
  assert.match(err(['client', '--endpoint', 'x', '--bootstrap', 'coap://h:99999']), /--bootstrap .*out of range/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--psk-identity', 'a']), /go together/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coaps://h', '--psk-identity', 'a', '--psk-key', 'abc']), /3 hex digits, an odd number/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coaps://h']), /coaps:\/\/ URI needs --psk-identity/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--log-level', 'loud']), /--log-level "loud"/);
  assert.match(err(['client', '--endpoint', 'x']), /somewhere to connect/);
  assert.match(err(['client', '--endpoint', 'a b', '--server', 'coap://h']), /--endpoint/);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', 'extra']), /unexpected argument "extra"/);
  assert.match(err(['server', '--port', 'http']), /--port "http": not a whole number/);
  assert.match(err(['server', '--address', 'nowhere']), /--address "nowhere"/);
  assert.match(err(['bootstrap-server', '--port', '5683']), /needs --config/);
  assert.match(err(['serve']), /unknown command "serve"/);
});

test('no --psk-key message contains key material (odd length, non-hex, empty: each its own words)', () => {
  const key = '73656372657420707363';
  const cases: [string, RegExp][] = [
    [key + '3', /21 hex digits, an odd number/],
    [key.slice(0, 8) + 'zz' + key.slice(10), /character 9 of 20 is not a hex digit/],
    ['0x' + key + 'g', /character 21 of 21 is not a hex digit/],
    ['0x', /--psk-key is empty/],
  ];
  for (const [k, re] of cases) {
    for (const sub of [['client', '--endpoint', 'x', '--server', 'coaps://h', '--psk-identity', 'id'], ['server', '--psk-identity', 'id'], ['bootstrap-server', '--config', 'c', '--psk-identity', 'id']]) {
      const m = err([...sub, '--psk-key', k]);
      assert.match(m, re, m);
      // Not the key, nor any 4-character run of it.
      const h = k.replace(/^0x/, '');
      for (let i = 0; i + 4 <= h.length; i++) assert.not.ok(m.includes(h.slice(i, i + 4)), `"${m}" contains part of the key`);
    }
  }
});

test('--psk-identity/--psk-key with only coap:// URIs is refused, naming the mismatch', () => {
  const psk = ['--psk-identity', 'id', '--psk-key', '00ff'];
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://127.0.0.1:5683', ...psk]), /for coaps:\/\/ \(DTLS\), but --server coap:\/\/127\.0\.0\.1:5683 is coap:\/\//);
  assert.match(err(['client', '--endpoint', 'x', '--server', 'coap://h', '--bootstrap', 'coap://b', ...psk]), /--server coap:\/\/h:5683 and --bootstrap coap:\/\/b:5683 are coap:\/\//);
  assert.match(err(['client', '--endpoint', 'x', '--state', 's.json', ...psk]), /no --server or --bootstrap URI is given/);
  // One coaps:// URI uses the key: accepted.
  assert.is(parseCommandLine(['client', '--endpoint', 'x', '--server', 'coap://h', '--bootstrap', 'coaps://b', ...psk]).cmd, 'client');
});

test('server and bootstrap-server options, help', () => {
  assert.equal(parseCommandLine(['server']), { cmd: 'server', opts: { port: 5683, address: '127.0.0.1' } });
  assert.equal(parseCommandLine(['server', '--port', '0', '--address', '::']), { cmd: 'server', opts: { port: 0, address: '::' } });
  assert.equal(parseCommandLine(['bootstrap-server', '--config', 'c.json', '--port', '5783']),
    { cmd: 'bootstrap-server', opts: { port: 5783, address: '127.0.0.1', config: 'c.json' } });
  assert.equal(parseCommandLine(['server', '--psk-identity', 'srv', '--psk-key', '0xA0b1']),
    { cmd: 'server', opts: { port: 5683, address: '127.0.0.1', psk: { pskIdentity: 'srv', pskKey: 'a0b1' } } });
  assert.match(err(['server', '--psk-key', 'a0']), /go together/);
  assert.match(err(['bootstrap-server', '--config', 'c', '--psk-identity', 'a', '--psk-key', 'xyz']), /character 1 of 3 is not a hex digit/);
  assert.is(parseCommandLine(['--help']).cmd, 'help');
  assert.is(parseCommandLine([]).cmd, 'help');
  assert.is(parseCommandLine(['client', '--help']).cmd, 'help');
  assert.is(parseCommandLine(['server', '-h']).cmd, 'help');
});

test.run();
