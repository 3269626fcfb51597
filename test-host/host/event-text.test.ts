// The CLI's event lines (host/client-main.ts eventText): every client event has words, and a DTLS
// failure says what most likely went wrong (a wrong PSK shows as the server never accepting our
// Finished: DTLS servers drop a record they cannot decrypt, RFC 6347 §4.1.2.7).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventText } from '../../host/client-main.js';
import { Ev } from '../../src/client/events.js';
import { DtlsError } from '../../src/dtls/constants.js';
import type { Lwm2mClient } from '../../src/client/client.js';

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

test.run();
