// Our SenML CBOR and LwM2M CBOR read by a Java CBOR decoder that tells integers from floats, as
// Leshan's server does: Leshan decodes SenML CBOR with permissive number conversion off, so a
// Float resource must arrive as a float (Java Float/Double/BigDecimal: NumberUtil.numberToDouble)
// and an Integer one as an integer (issue 20 #2). The decoder is Jackson's CBOR parser (Debian:
// `apt-get install libjackson2-dataformat-cbor`; Leshan itself uses com.upokecenter's CBOR, which is
// not packaged). Runs when $JACKSON_CBOR_CLASSPATH is set (and `javac` is on the PATH), e.g.
//   JACKSON_CBOR_CLASSPATH=/usr/share/java/jackson-dataformat-cbor.jar:/usr/share/java/jackson-core.jar
// skipped otherwise. Jackson reads map keys as field names, and cannot read an array as a key, so
// LwM2M CBOR is checked on an object-level Read (/3303: integer keys only).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SenmlCborEncoder } from '../../src/formats/senml-cbor.js';
import { Lwm2mCborEncoder } from '../../src/formats/lwm2m-cbor.js';
import { encodeAll, Plain } from './helpers.js';
import { toHex } from '../vectors.js';

const CP = process.env.JACKSON_CBOR_CLASSPATH ?? '';
const SRC = fileURLToPath(new URL('../../../test-host/formats/java/CborNumbers.java', import.meta.url));

/** Each payload's numbers as Jackson reads them ("FLOAT:22.0 INT:30"). */
function jackson(payloads: Uint8Array[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cbor-java-'));
  try {
    const c = spawnSync('javac', ['-cp', CP, '-d', dir, SRC], { encoding: 'utf8' });
    assert.is(c.status, 0, 'javac: ' + c.stderr);
    const r = spawnSync('java', ['-cp', CP + ':' + dir, 'CborNumbers'], { input: payloads.map((p) => toHex(p)).join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, 'java: ' + r.stderr);
    return r.stdout.trim().split('\n');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const t = CP ? test : test.skip;

t('Jackson CBOR: Float resources (integral or not) are floats, Integer ones integers, in SenML CBOR and LwM2M CBOR', () => {
  const one = (type: string, value: number): Plain[] => [{ path: '/3303/0/5700', type, value }];
  const composite: Plain[] = [
    { path: '/1/0/1', type: 'integer', value: 300 },
    { path: '/3303/0/5601', type: 'float', value: 18 },
    { path: '/3303/0/5700', type: 'float', value: 22 },
  ];
  const object: Plain[] = [
    { path: '/3303/0/5601', type: 'float', value: 18 },
    { path: '/3303/0/5602', type: 'integer', value: 30 },
    { path: '/3303/0/5603', type: 'float', value: 1e10 },
    { path: '/3303/0/5604', type: 'float', value: 0.1 },
    { path: '/3303/0/5700', type: 'float', value: 22 },
  ];
  const sc = new SenmlCborEncoder();
  const lc = new Lwm2mCborEncoder();
  const payloads = [
    encodeAll(sc, one('float', 22), '/3303/0/5700'),
    encodeAll(sc, one('float', 0.5), '/3303/0/5700'),
    encodeAll(sc, one('integer', 22), '/3303/0/5700'),
    encodeAll(sc, composite, '/'),
    encodeAll(lc, object, '/3303'),
    // the control: 22 as the integer 0x16 (what the encoder wrote for a Float before the fix)
    Uint8Array.from(Buffer.from('81a2216c2f333330332f302f353730300216', 'hex')),
  ] as Uint8Array[];
  const lines = jackson(payloads);
  assert.equal(lines, [
    'FLOAT:22.0',
    'FLOAT:0.5',
    'INT:22',
    'INT:300 FLOAT:18.0 FLOAT:22.0',
    'FLOAT:18.0 INT:30 FLOAT:1.0E10 DOUBLE:0.1 FLOAT:22.0',
    'INT:22',
  ]);
});

test.run();
