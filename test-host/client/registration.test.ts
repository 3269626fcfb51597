// Registration interface (TS Core §6.2) under the simulator: Register, Update before the lifetime
// ends, Update on object-list change, re-register after 4.04, retries, De-register.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { world, SERVER_URI } from './harness.js';
import { Code } from '../../src/coap/codes.js';
import { Ev } from '../../src/client/events.js';
import { DtlsError } from '../../src/dtls/constants.js';

test('Register: POST /rd with ep, lt, lwm2m, b and the object links; 2.01 → registered', () => {
  const w = world(1, {}, { server: { uri: SERVER_URI, lifetime: 120 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg, 'a Register arrived');
  assert.is(reg.code, Code.POST);
  assert.is(reg.cf, 40);
  assert.ok(reg.query.includes('ep=sim-client'));
  assert.ok(reg.query.includes('lt=120'));
  assert.ok(reg.query.includes('lwm2m=1.1'));
  assert.ok(reg.query.includes('b=U'));
  const links = reg.payload.toString();
  // The root link carries the preferred Content-Format, SenML CBOR, as one ct= value (issue 20.5).
  assert.match(links, /^<\/>;rt="oma.lwm2m";ct=112,/);
  assert.match(links, /<\/1\/0>/);
  assert.match(links, /<\/3\/0>/);
  assert.match(links, /<\/3303\/0>/);
  assert.not.match(links, /<\/0\//, 'the Security object is never listed');
});

test('registering as LwM2M 1.0, the root link announces TLV (ct=11542), that version\'s mandatory format', () => {
  const w = world(1, {}, { version: '1.0', server: { uri: SERVER_URI, lifetime: 120 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg.query.includes('lwm2m=1.0'));
  assert.match(reg.payload.toString(), /^<\/>;rt="oma.lwm2m";ct=11542,/);
});

test('a non-ASCII endpoint name goes out as UTF-8 in the ep= Uri-Query (RFC 7252 §5.10.1)', () => {
  const w = world(1, {}, { endpoint: 'capteur-été-\u{1F321}', server: { uri: SERVER_URI, lifetime: 120 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg.query.includes('ep=capteur-été-\u{1F321}'), reg.query.join('&'));
});

test('coaps:// to a server that never answers DTLS: DTLS_FAILED names the server (its ssid) and the cause, then registration fails', () => {
  const w = world(3, {}, { server: { uri: SERVER_URI.replace('coap:', 'coaps:'), ssid: 7, lifetime: 120, pskIdentity: 'id', pskKey: Uint8Array.of(1, 2, 3, 4) } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTRATION_FAILED), until: 200_000 });
  const f = w.events.find((e) => e.e === Ev.DTLS_FAILED);
  assert.ok(f, 'a DTLS_FAILED event');
  assert.is(f!.a, 7, 'the server account\'s ssid');
  assert.is(f!.b, DtlsError.Timeout);
  assert.ok(f!.t >= 60_000 && f!.t <= 66_000, `given up after the 5th retransmission (1+2+4+8+16+32 s): ${f!.t} ms`);
  assert.ok(w.events.some((e) => e.e === Ev.REGISTRATION_FAILED && e.a === 7));
});

test('Update before the lifetime ends, with the location path; again and again', () => {
  const w = world(2, {}, { server: { uri: SERVER_URI, lifetime: 60 } });
  w.board.client.start(0);
  w.net.run({ until: 200_000 });
  const upd = w.server.requests.filter((r) => r.path === '/rd/r1');
  assert.ok(upd.length >= 5, `updates: ${upd.length}`);
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  let prev = reg.t;
  for (const u of upd) { assert.ok(u.t - prev < 60_000, 'each update before the lifetime ends'); prev = u.t; }
  assert.is(upd[0].payload.length, 0, 'no object list when nothing changed');
});

test('an Update answered 4.04 makes the client register again', () => {
  const w = world(3, {}, { server: { uri: SERVER_URI, lifetime: 60 } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  w.server.updateCode = Code.NOT_FOUND;
  w.net.run({ done: () => w.server.requests.filter((r) => r.path === '/rd').length === 2, until: 200_000 });
  assert.is(w.server.requests.filter((r) => r.path === '/rd').length, 2);
});

test('registration retries per /1/x/17-20, then bootstrap on registration failure', () => {
  const w = world(4, {}, { server: { uri: SERVER_URI, lifetime: 60, retryCount: 3, retryTimer: 10, sequenceRetry: 1 }, bootstrap: { uri: 'coap://127.0.0.1:5783' } });
  w.server.registerCode = Code.FORBIDDEN;
  w.bs.bootstrapRequestCode = null; // never answers: we only look at the attempt
  w.board.client.start(0);
  w.net.run({ done: () => w.bs.requests.length > 0, until: 2_000_000 });
  const regs = w.server.requests.filter((r) => r.path === '/rd');
  assert.is(regs.length, 3);
  assert.ok(Math.abs((regs[1].t - regs[0].t) - 10_000) < 200, 'first retry after the retry timer');
  assert.ok(Math.abs((regs[2].t - regs[1].t) - 20_000) < 200, 'then doubled');
  assert.is(w.bs.requests[0].path, '/bs');
  assert.ok(w.bs.requests[0].query.includes('ep=sim-client'));
});

test('an object instance created changes the object list: the next Update carries it', () => {
  const w = world(5, {}, { server: { uri: SERVER_URI, lifetime: 300 } });
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  c.table.createInstance(3303, 1);
  c.triggerUpdate(1);
  w.net.run({ done: () => w.server.requests.some((r) => r.path === '/rd/r1'), until: 400_000 });
  const u = w.server.requests.find((r) => r.path === '/rd/r1')!;
  assert.match(u.payload.toString(), /<\/3303\/1>/);
  assert.is(u.cf, 40);
});

test('stop(): De-register (DELETE /rd/r1)', () => {
  const w = world(6, {}, { server: { uri: SERVER_URI } });
  const c = w.board.client;
  c.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  c.stop(w.net.now);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.DEREGISTERED), until: w.net.now + 100_000 });
  const d = w.server.requests.find((r) => r.code === Code.DELETE)!;
  assert.is(d.path, '/rd/r1');
  assert.ok(c.idle());
});

test('queue mode: a Server binding "UQ" registers as b=U with the Q parameter (LwM2M 1.1)', () => {
  const w = world(7, {}, { server: { uri: SERVER_URI, binding: 'UQ' } });
  w.board.client.start(0);
  w.net.run({ done: () => w.events.some((e) => e.e === Ev.REGISTERED), until: 60_000 });
  const reg = w.server.requests.find((r) => r.path === '/rd')!;
  assert.ok(reg.query.includes('b=U'), reg.query.join('&'));
  assert.ok(reg.query.includes('Q'));
});

test.run();
