// TLV (LwM2M TS Core §7.4.3): every vector of test-host/vectors/lwm2m_tlv.json decoded and
// re-encoded byte for byte, property round-trips, and a 20,000-payload fuzz.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { loadVectors, hex, toHex } from '../vectors.js';
import { TlvDecoder, TlvEncoder } from '../../src/formats/tlv.js';
import { Code } from '../../src/coap/codes.js';
import { DataRecord, ValueType } from '../../src/model/record.js';
import { coerceRecord } from '../../src/formats/coerce.js';
import { decodeAll, encodeAll, fuzzOne, mutate, parsePath, Plain, prng, TYPE_NAMES } from './helpers.js';

const V = loadVectors('lwm2m_tlv.json');
const enc = new TlvEncoder();
const dec = new TlvDecoder();

function concretePath(p: string): string {
  return p.replace('<any object>', '9').replace('<o>', '9').replace('<i>', '0');
}

interface Res { id: number; type: string; value?: unknown; instances?: Record<string, unknown> }

function valueOf(type: string, v: unknown): unknown {
  if (type === 'integer' || type === 'time' || type === 'unsignedInteger') return typeof v === 'string' ? Number(v) : v;
  return v;
}

/** The records a vector's `decoded` stands for, in payload order. */
function expected(vec: { path: string; decoded: any }): Plain[] {
  const [o, i, r] = parsePath(concretePath(vec.path));
  const out: Plain[] = [];
  const res = (inst: number, list: Res[]): void => {
    for (const x of list) {
      if (x.instances) {
        for (const [ri, v] of Object.entries(x.instances)) out.push({ path: `/${o}/${inst}/${x.id}/${ri}`, type: x.type, value: valueOf(x.type, v) });
      } else out.push({ path: `/${o}/${inst}/${x.id}`, type: x.type, value: valueOf(x.type, x.value) });
    }
  };
  const d = vec.decoded;
  if (d.instances) for (const inst of d.instances) res(inst.id, inst.resources);
  else if (d.resources) res(i, d.resources);
  else for (const [ri, v] of Object.entries(d.resourceInstances)) out.push({ path: `/${o}/${i}/${r}/${ri}`, type: d.type, value: valueOf(d.type, v) });
  return out;
}

for (const vec of V.vectors) {
  test(`vector decode: ${vec.name}`, () => {
    const path = concretePath(vec.path);
    const exp = expected(vec);
    let k = 0;
    const got = decodeAll(dec, hex(vec.hex), path, () => TYPE_NAMES[exp[k++].type]);
    assert.equal(got, exp);
  });
  test(`vector re-encode: ${vec.name}`, () => {
    let path = concretePath(vec.path);
    // an Object Instance TLV is what a Read on /o writes (the 3442 vector wraps a Read on /o/i)
    if (vec.decoded.instances) path = '/' + parsePath(path)[0];
    const bytes = encodeAll(enc, expected(vec), path);
    assert.ok(bytes instanceof Uint8Array, 'encode failed: ' + bytes);
    if (vec.name.startsWith('Multiple-instance resource as bare')) {
      // we always wrap resource instances in their Multiple Resource TLV (the other vector's form)
      assert.is(toHex(bytes as Uint8Array), '8606410001410105');
    } else {
      assert.is(toHex(bytes as Uint8Array), vec.hex);
    }
  });
}

test('invalid vectors → 4.00', () => {
  for (const v of V.invalid) {
    const got = decodeAll(dec, hex(v.valueHex), '/3/0');
    assert.is(got, -Code.BAD_REQUEST, v.reason);
  }
});

test('integers take the shortest of 1/2/4/8 bytes, floats 4 or 8', () => {
  const cases: [Plain, string][] = [
    [{ path: '/1/0/1', type: 'integer', value: 127 }, 'c1017f'],
    [{ path: '/1/0/1', type: 'integer', value: -128 }, 'c10180'],
    [{ path: '/1/0/1', type: 'integer', value: 128 }, 'c2010080'],
    [{ path: '/1/0/1', type: 'integer', value: -32769 }, 'c401ffff7fff'],
    [{ path: '/1/0/1', type: 'integer', value: 2147483648 }, 'c8010800000000800000 00'.replace(/ /g, '')],
    [{ path: '/1/0/1', type: 'integer', value: -9007199254740991 }, 'c80108ffe0000000000001'],
    [{ path: '/1/0/1', type: 'unsignedInteger', value: 255 }, 'c101ff'],
    [{ path: '/1/0/1', type: 'unsignedInteger', value: 4294967295 }, 'c401ffffffff'],
    [{ path: '/1/0/1', type: 'float', value: 1.5 }, 'c4013fc00000'],
    [{ path: '/1/0/1', type: 'float', value: 0.1 }, 'c801083fb999999999999a'],
    [{ path: '/1/0/1', type: 'boolean', value: true }, 'c10101'],
    [{ path: '/1/0/1', type: 'objlnk', value: '3:65535' }, 'c4010003ffff'],
    [{ path: '/1/0/1', type: 'time', value: 1367491215 }, 'c40151824 28f'.replace(/ /g, '')],
  ];
  for (const [p, h] of cases) {
    const b = encodeAll(enc, [p], '/1/0/1');
    assert.is(toHex(b as Uint8Array), h, JSON.stringify(p));
    const back = decodeAll(dec, b as Uint8Array, '/1/0/1', () => TYPE_NAMES[p.type]);
    assert.equal(back, [p]);
  }
});

test('16-bit ids, 16- and 24-bit lengths', () => {
  const long = 'x'.repeat(300);
  const huge = 'y'.repeat(70000);
  const b = encodeAll(enc, [{ path: '/9/0/300', type: 'string', value: long }, { path: '/9/0/301', type: 'string', value: huge }], '/9/0', 80000) as Uint8Array;
  assert.is(toHex(b.subarray(0, 5)), 'f0012c012c');
  assert.is(toHex(b.subarray(305, 311)), 'f8012d011170');
  const back = decodeAll(dec, b, '/9/0', () => ValueType.String) as Plain[];
  assert.is(back.length, 2);
  assert.is(back[1].value, huge);
  // instance container longer than 255 bytes
  const inst = encodeAll(enc, [{ path: '/9/1/0', type: 'string', value: long }], '/9') as Uint8Array;
  assert.is(inst[0], 0x10); // object instance, 8-bit id, 16-bit length
  assert.is(inst[2] << 8 | inst[3], 300 + 4);
});

test('empty instance and empty multiple resource', () => {
  const b = encodeAll(enc, [{ path: '/9/0', type: 'none' }, { path: '/9/1/5', type: 'none' }], '/9') as Uint8Array;
  assert.is(toHex(b), '0000' + '0201' + '8005');
  const back = decodeAll(dec, b, '/9') as Plain[];
  assert.equal(back.map((p) => [p.path, p.type]), [['/9/0', 'none'], ['/9/1/5', 'none']]);
});

test('encoder refusals: root path, unknown raw, out of space', () => {
  assert.is(encodeAll(enc, [{ path: '/9/0/1', type: 'integer', value: 1 }], '/'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/9/0/1', type: 'string', value: 'abcdefgh' }], '/9/0', 8), -Code.REQUEST_ENTITY_TOO_LARGE);
  const rec = new DataRecord();
  rec.o = 9; rec.i = 0; rec.r = 1; rec.type = ValueType.Raw; rec.rawFormat = 0; rec.buf = new Uint8Array(1); rec.len = 1;
  enc.begin(new Uint8Array(16), 0, 16, 9, 0, -1, -1);
  assert.is(enc.add(rec), -Code.NOT_ACCEPTABLE);
  assert.is(enc.end(), -Code.NOT_ACCEPTABLE);
});

test('decoder structure checks', () => {
  // a resource outside an instance on /o
  assert.is(decodeAll(dec, hex('c10114'), '/9'), -Code.BAD_REQUEST);
  // instance id differs from the request's /o/i
  assert.is(decodeAll(dec, hex('0301c10114'), '/9/0'), -Code.BAD_REQUEST);
  // instance wrapper with the request's id is accepted on /o/i
  assert.equal((decodeAll(dec, hex('0300c10114'), '/9/0') as Plain[]).map((p) => p.path), ['/9/0/1']);
  // resource id differs from /o/i/r
  assert.is(decodeAll(dec, hex('c10214'), '/9/0/1'), -Code.BAD_REQUEST);
  // resource instance on /o/i/r/ri
  assert.equal((decodeAll(dec, hex('410314'), '/9/0/1/3') as Plain[]).map((p) => p.path), ['/9/0/1/3']);
  assert.is(decodeAll(dec, hex('410414'), '/9/0/1/3'), -Code.BAD_REQUEST);
  // nested instance, length past the container
  assert.is(decodeAll(dec, hex('03000300'), '/9'), -Code.BAD_REQUEST);
  assert.is(decodeAll(dec, hex('0302c2021415'), '/9'), -Code.BAD_REQUEST);
  // empty payload: no records
  assert.equal(decodeAll(dec, new Uint8Array(0), '/9/0'), []);
  // raw value kept as bytes, coerced on demand
  const rec = new DataRecord();
  dec.begin(hex('c20100ff'), 0, 4, 9, 0, 1, -1);
  assert.is(dec.next(rec), 1);
  assert.is(rec.type, ValueType.Raw);
  assert.is(coerceRecord(rec, ValueType.Integer), 0);
  assert.is(rec.num, 255);
  assert.is(dec.next(rec), 0);
});

const arbValue = fc.oneof(
  fc.record({ type: fc.constant('integer'), value: fc.maxSafeInteger().filter((v) => v >= -9007199254740991) }),
  fc.record({ type: fc.constant('unsignedInteger'), value: fc.integer({ min: 0, max: 2 ** 53 }) }),
  fc.record({ type: fc.constant('float'), value: fc.double({ noNaN: true }) }),
  fc.record({ type: fc.constant('boolean'), value: fc.boolean() }),
  fc.record({ type: fc.constant('string'), value: fc.string({ maxLength: 300 }) }),
  fc.record({ type: fc.constant('opaque'), value: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('hex')) }),
  fc.record({ type: fc.constant('objlnk'), value: fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => a + ':' + b) }),
  fc.record({ type: fc.constant('time'), value: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) }),
);

/** Random sorted records under /o: instances, resources, resource instances. */
export const arbObjectRecords = fc.uniqueArray(
  fc.record({ i: fc.integer({ min: 0, max: 700 }), r: fc.integer({ min: 0, max: 700 }), ri: fc.integer({ min: -1, max: 400 }), v: arbValue }),
  { selector: (x) => `${x.i}/${x.r}`, minLength: 1, maxLength: 12 },
).map((xs) => {
  xs.sort((a, b) => a.i - b.i || a.r - b.r);
  const out: Plain[] = [];
  for (const x of xs) {
    if (x.ri < 0) out.push({ path: `/7/${x.i}/${x.r}`, type: x.v.type, value: x.v.value });
    else {
      out.push({ path: `/7/${x.i}/${x.r}/${x.ri}`, type: x.v.type, value: x.v.value });
      out.push({ path: `/7/${x.i}/${x.r}/${x.ri + 1}`, type: x.v.type, value: x.v.value });
    }
  }
  return out;
});

test('property: encode → decode round-trips random records (fast-check)', () => {
  fc.assert(fc.property(arbObjectRecords, (recs) => {
    const b = encodeAll(enc, recs, '/7', 100000);
    if (!(b instanceof Uint8Array)) return false;
    let k = 0;
    const back = decodeAll(dec, b, '/7', () => TYPE_NAMES[recs[k++].type]);
    assert.equal(back, recs);
    return true;
  }), { numRuns: 300 });
});

test('fuzz: 20,000 random and mutated payloads never throw', () => {
  const rnd = prng(0x7171);
  const seeds = V.vectors.map((v: { hex: string }) => hex(v.hex));
  const paths: [number, number, number, number][] = [[3, -1, -1, -1], [3, 0, -1, -1], [3, 0, 6, -1], [3, 0, 6, 1]];
  let errors = 0;
  for (let k = 0; k < 20000; k++) {
    let b: Uint8Array;
    if (k % 4 === 0) { b = new Uint8Array(Math.floor(rnd() * 40)); for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256); }
    else b = mutate(seeds[k % seeds.length], rnd);
    const r = fuzzOne(dec, b, paths[k % 4]);
    if (r < 0) { assert.is(r, -Code.BAD_REQUEST); errors++; }
  }
  assert.ok(errors > 1000, 'mutations were rejected: ' + errors);
});

test.run();
