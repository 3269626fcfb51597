// The CLI's event lines (host/client-main.ts eventText): every client event has words, and a DTLS
// failure says what most likely went wrong (a wrong PSK shows as the server never accepting our
// Finished: DTLS servers drop a record they cannot decrypt, RFC 6347 §4.1.2.7).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventText, eventLevel, EventLines, rxText, dtlsRecords } from '../../host/client-main.js';
import { LogLevel } from '../../hal/hal.js';
import { Ev } from '../../src/client/events.js';
import { DtlsError } from '../../src/dtls/constants.js';
import type { Lwm2mClient } from '../../src/client/client.js';
import { createBoardClient } from '../../src/client/setup.js';

const c = { bsFlushed: 0 } as unknown as Lwm2mClient;

test('every event from BOOTSTRAP_STARTED to SECURITY_UNSUPPORTED has its own line', () => {
  for (let e = Ev.BOOTSTRAP_STARTED; e <= Ev.SECURITY_UNSUPPORTED; e++) {
    const line = eventText(c, e, 1, 0);
    assert.not.match(line, /^event \d+/, `event ${e}: ${line}`);
  }
});

test('DTLS failures name the likely cause', () => {
  assert.match(eventText(c, Ev.DTLS_FAILED, 1, DtlsError.FinishedTimeout), /server 1 failed: .*wrong PSK/);
  assert.match(eventText(c, Ev.DTLS_FAILED, 0, DtlsError.Timeout), /bootstrap server failed: no answer/);
  assert.match(eventText(c, Ev.DTLS_FAILED, 2, DtlsError.AlertUnknownPskIdentity), /unknown_psk_identity/);
  assert.match(eventText(c, Ev.DTLS_FAILED, 2, DtlsError.PeerAlert + 42), /fatal alert 42/);
});

test('an observation by an unknown peer says so (not "server 0"); levels: failures warn, flag drops and notifications debug', () => {
  assert.is(eventText(c, Ev.OBSERVE_STARTED, 0, 0), 'observation 0 started by an unknown peer');
  assert.is(eventText(c, Ev.OBSERVE_STARTED, 2, 1), 'observation 1 started by server 2');
  for (const e of [Ev.REGISTRATION_FAILED, Ev.BOOTSTRAP_FAILED, Ev.DTLS_FAILED]) assert.is(eventLevel(e, 1, 0), LogLevel.WARN, `event ${e}`);
  for (const e of [Ev.SAVE_FAILED, Ev.CONFIG_ERROR]) assert.is(eventLevel(e, 0, 0), LogLevel.ERROR);
  assert.is(eventLevel(Ev.DROPPED_BY_BOOTSTRAP, 3, 0), LogLevel.DEBUG);
  assert.is(eventLevel(Ev.REGISTERED, 1, 0), LogLevel.INFO);
});

test('debug lines: why a datagram was not processed; the DTLS records of a datagram', () => {
  assert.is(rxText(0), null);
  assert.is(rxText(1), null);
  assert.match(rxText(2)!, /duplicate/);
  assert.match(rxText(3)!, /malformed or unexpected/);
  assert.match(rxText(4)!, /bootstrap flag/);
  assert.match(rxText(6)!, /peer table is full/);
  const rec = (type: number, epoch: number, n: number) => [type, 0xfe, 0xfd, epoch >> 8, epoch & 255, 0, 0, 0, 0, 0, 1, n >> 8, n & 255, ...new Array(n).fill(0)];
  const d = Uint8Array.from([...rec(20, 0, 1), ...rec(22, 1, 40)]);
  assert.is(dtlsRecords(d, 0, d.length), 'change_cipher_spec epoch 0 1 B, handshake epoch 1 40 B');
  assert.is(dtlsRecords(Uint8Array.from([0x40, 1, 0, 0]), 0, 4), '', 'CoAP is not DTLS');
});

test('a failure after a DTLS alert names the alert, not a timeout', () => {
  const l = new EventLines();
  l.text(c, Ev.DTLS_FAILED, 1, DtlsError.AlertBadRecordMac);
  assert.match(l.text(c, Ev.REGISTRATION_FAILED, 1, 0), /failed \(DTLS: alert bad_record_mac/);
  assert.match(l.text(c, Ev.REGISTRATION_FAILED, 1, 0), /failed \(timeout\)/, 'a later plain timeout is a timeout');
  l.text(c, Ev.DTLS_FAILED, 0, DtlsError.AlertDecryptError);
  assert.match(l.text(c, Ev.BOOTSTRAP_FAILED, 2, 0), /bootstrap attempt failed \(DTLS: alert decrypt_error/);
});

test('a Security instance refused for its scheme and mode names the instance, the URI and the real cause (issue 20.1)', () => {
  const b = createBoardClient({ endpoint: 'x', seed: Uint8Array.of(1), server: { uri: 'coap://127.0.0.1:56841', pskIdentity: 'id', pskKey: Uint8Array.of(1, 2) } });
  b.client.start(0); // writes the factory configuration (and refuses it)
  const line = eventText(b.client, Ev.CONFIG_ERROR, 3, 0);
  assert.match(line, /^Security instance \/0\/0 refused: its URI coap:\/\/127\.0\.0\.1:56841 contradicts Security Mode 0 \(PSK\): .*never used in clear/);
  const b2 = createBoardClient({ endpoint: 'x', seed: Uint8Array.of(1), server: { uri: 'coaps://127.0.0.1:5684' } });
  b2.client.start(0);
  assert.match(eventText(b2.client, Ev.CONFIG_ERROR, 3, 0), /coaps:\/\/127\.0\.0\.1:5684 contradicts Security Mode 3 \(NoSec\): coaps:\/\/ is DTLS, which needs a key/);
  assert.is(eventLevel(Ev.CONFIG_ERROR, 3, 0), LogLevel.ERROR);
  // The old line contradicted itself ("mode 3 is not supported (only PSK, 0, and NoSec, 3)").
  for (const m of [0, 1, 2, 3, 4]) assert.not.match(eventText(c, Ev.SECURITY_UNSUPPORTED, 0, m), /only PSK, 0, and NoSec, 3/);
  assert.match(eventText(c, Ev.SECURITY_UNSUPPORTED, 2, 1), /Security Mode 1 \(Raw Public Key\) is not implemented/);
  assert.match(eventText(c, Ev.CONFIG_ERROR, 4, 1), /raise config\.dtlsSessions/);
});

test.run();
