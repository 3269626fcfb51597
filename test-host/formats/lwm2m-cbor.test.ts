// LwM2M CBOR (Content-Format 11544, LwM2M TS Core 1.2 §7.4.6). There are no public vectors with a
// free licence (test-host/vectors/README.md), so cborg is the oracle: our output decoded by cborg
// and flattened must give back the records; nested maps encoded by cborg (with and without key
// compression) must decode to what cborg says. Plus fast-check round-trips and a 20,000 fuzz.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import { hex, toHex } from '../vectors.js';
import { Lwm2mCborDecoder, Lwm2mCborEncoder } from '../../src/formats/lwm2m-cbor.js';
import { Code } from '../../src/coap/codes.js';
import { decodeAll, encodeAll, fuzzOne, mutate, Plain, prng } from './helpers.js';
import { lwm2mNumbers, typedDecode } from './cbor-typed.js';

const enc = new Lwm2mCborEncoder();
const dec = new Lwm2mCborDecoder();
// The oracle: cborg, decoding every map as a Map — with useMaps cborg accepts keys of any type,
// including the arrays of compressed paths ({[3, 0]: …}), which come back as JS arrays. Its
// encoder writes plain definite-length maps of the shortest size, keeps entries in insertion
// order (cborg sorts keys unless given a sorter, and cannot order array keys) and writes every
// non-integer number as a 64-bit float (cborg's default is the shortest exact width).
const oracle = { decode: (b: Uint8Array): unknown => cborgDecode(b, { useMaps: true }) };
const oracleEnc = { encode: (v: unknown): Uint8Array => cborgEncode(v, { float64: true, mapSorter: () => 0 }) };

/** cborg's decoded tree as [path, value] leaves (the independent reading). */
function flatten(x: unknown, prefix: number[] = [], out: [string, unknown][] = []): [string, unknown][] {
  assert.ok(x instanceof Map, 'expected a map');
  for (const [k, v] of x as Map<unknown, unknown>) {
    const p = prefix.concat(Array.isArray(k) ? k.map(Number) : [Number(k)]);
    if (v instanceof Map && v.size > 0) flatten(v, p, out);
    else out.push(['/' + p.join('/'), v instanceof Map ? null : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? Number(v) : v]);
  }
  return out;
}

/** Our records as the same [path, value] leaves. */
function leaves(recs: Plain[]): [string, unknown][] {
  return recs.map((p) => [p.path, p.type === 'none' ? null : p.value]);
}

const DEVICE: Plain[] = [
  { path: '/3/0/0', type: 'string', value: 'Open Mobile Alliance' },
  { path: '/3/0/1', type: 'string', value: 'Lightweight M2M Client' },
  { path: '/3/0/6/0', type: 'integer', value: 1 },
  { path: '/3/0/6/1', type: 'integer', value: 5 },
  { path: '/3/0/9', type: 'integer', value: 100 },
  { path: '/3/0/13', type: 'time', value: 1367491215 },
  { path: '/3/0/16', type: 'string', value: 'U' },
];

test('Read /3/0: {[3,0]: {0: …, 6: {0: 1, 1: 5}, …}} as cborg reads it', () => {
  const b = encodeAll(enc, DEVICE, '/3/0') as Uint8Array;
  assert.ok(b instanceof Uint8Array);
  assert.is(toHex(b.subarray(0, 5)), 'a1820300a6'); // map(1), [3, 0], map(7)
  const tree = oracle.decode(b) as Map<unknown, unknown>;
  assert.equal([...tree.keys()], [[3, 0]]);
  assert.equal(flatten(tree), leaves(DEVICE));
  assert.equal(decodeAll(dec, b, '/3/0'), DEVICE.map((p) => (p.type === 'time' ? { ...p, type: 'integer' } : p)));
});

test('single resource, object, root, empty instance, objlnk, opaque, float, bool', () => {
  assert.is(toHex(encodeAll(enc, [{ path: '/3/0/9', type: 'integer', value: 95 }], '/3/0/9') as Uint8Array), 'a18303' + '0009185f');
  const recs: Plain[] = [
    { path: '/9/0', type: 'none' },
    { path: '/9/1/0', type: 'objlnk', value: '3:0' },
    { path: '/9/1/1', type: 'opaque', value: 'abcdef' },
    { path: '/9/1/2', type: 'float', value: 1.5 },
    { path: '/9/1/3', type: 'float', value: 0.1 },
    { path: '/9/1/4', type: 'boolean', value: true },
    { path: '/9/2/7', type: 'none' },
  ];
  for (const path of ['/9', '/']) {
    const b = encodeAll(enc, recs, path) as Uint8Array;
    assert.equal(flatten(oracle.decode(b)), leaves(recs));
    const back = (decodeAll(dec, b, path) as Plain[]).map((p) => (p.path === '/9/1/0' ? { ...p, type: 'objlnk' } : p));
    assert.equal(back, recs);
  }
  assert.is(toHex(encodeAll(enc, [], '/9') as Uint8Array), 'a0');
});

test('a Float resource is a CBOR float even when integral, in the shortest exact width; an Integer one an integer', () => {
  const one = (type: string, value: number): string => toHex(encodeAll(enc, [{ path: '/3303/0/5700', type, value }], '/3303/0/5700') as Uint8Array);
  const head = 'a183190ce700191644'; // {[3303, 0, 5700]: …}
  assert.is(one('float', 22), head + 'f94d80');
  assert.is(one('float', 0.5), head + 'f93800');
  assert.is(one('float', 1e10), head + 'fa501502f9');
  assert.is(one('float', 0.1), head + 'fb3fb999999999999a');
  assert.is(one('float', NaN), head + 'f97e00');
  assert.is(one('float', Infinity), head + 'f97c00');
  assert.is(one('float', -Infinity), head + 'f9fc00');
  assert.is(one('integer', 22), head + '16');
  assert.is(one('unsignedInteger', 22), head + '16');
  const recs: Plain[] = [
    { path: '/3303/0/5601', type: 'float', value: 18 },
    { path: '/3303/0/5602', type: 'integer', value: 30 },
    { path: '/3303/0/5700', type: 'float', value: 22 },
  ];
  const b = encodeAll(enc, recs, '/3303') as Uint8Array;
  assert.equal(lwm2mNumbers(typedDecode(b)), {
    '/3303/0/5601': { major: 7, value: 18 }, '/3303/0/5602': { major: 0, value: 30 }, '/3303/0/5700': { major: 7, value: 22 },
  });
  assert.equal(decodeAll(dec, b, '/3303'), recs);
});

test('decoder: key compression, indefinite maps, tags, errors', () => {
  // {[3, 0, 9]: 95}
  assert.equal(decodeAll(dec, hex('a1830300091 85f'.replace(/ /g, '')), '/3/0/9'), [{ path: '/3/0/9', type: 'integer', value: 95 }]);
  // {3: {_ 0: {9: 95}}} with an indefinite map
  assert.equal(decodeAll(dec, hex('a103bf00a109185fff'), '/3'), [{ path: '/3/0/9', type: 'integer', value: 95 }]);
  // time tag 1, decimal fraction tag 4, null
  assert.equal(decodeAll(dec, hex('a1820300a30dc11a5182428f05c482211903e807f6'), '/3/0'), [
    { path: '/3/0/13', type: 'time', value: 1367491215 },
    { path: '/3/0/5', type: 'float', value: 10 },
    { path: '/3/0/7', type: 'none' },
  ]);
  const bad = ['', 'a1', '81', 'a16161', 'a1030100', 'a1850300000000' + '00', 'a103a103a103a103a10301',
    'a11a0001000001', 'a12001', 'a103bf00', 'a10361', 'a103c501'];
  for (const h of bad) assert.is(decodeAll(dec, hex(h), '/'), -Code.BAD_REQUEST, h);
  // outside the request path
  assert.is(decodeAll(dec, hex('a1820400a1090a'), '/3'), -Code.BAD_REQUEST);
});

const arbVal = fc.oneof(
  fc.record({ type: fc.constant('integer'), value: fc.maxSafeInteger() }),
  fc.record({ type: fc.constant('float'), value: fc.double({ noNaN: true }).filter((v) => !Number.isInteger(v)) }),
  fc.record({ type: fc.constant('string'), value: fc.string({ maxLength: 20 }) }),
  fc.record({ type: fc.constant('boolean'), value: fc.boolean() }),
  fc.record({ type: fc.constant('opaque'), value: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('hex')) }),
);
const arbRecs = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 70000 }), fc.integer({ min: -1, max: 2 }), arbVal),
  { selector: (t) => `${t[0]}/${t[1]}/${t[2]}`, maxLength: 15 })
  .map((xs) => xs.map(([o, i, r, ri, v]) => ({ o, i, r: r % 65536, ri, v }))
    .filter((x, k, a) => a.findIndex((y) => y.o === x.o && y.i === x.i && y.r === x.r) === k)
    .sort((a, b) => a.o - b.o || a.i - b.i || a.r - b.r || a.ri - b.ri)
    .map((x): Plain => ({ path: `/${x.o}/${x.i}/${x.r}` + (x.ri >= 0 ? `/${x.ri}` : ''), type: x.v.type, value: (x.v as { value: unknown }).value })));

test('property: random records → ours → cborg and ours agree', () => {
  fc.assert(fc.property(arbRecs, (recs) => {
    const b = encodeAll(enc, recs, '/', 20000) as Uint8Array;
    assert.ok(b instanceof Uint8Array, 'encode: ' + b);
    assert.equal(flatten(oracle.decode(b)), leaves(recs));
    assert.equal(decodeAll(dec, b, '/'), recs);
  }), { numRuns: 400 });
});

test('oracle: nested maps written by cborg (some keys compressed) decode like cborg reads them', () => {
  fc.assert(fc.property(arbRecs, fc.boolean(), (recs, compress) => {
    const root = new Map<unknown, unknown>();
    for (const p of recs) {
      const ids = p.path.slice(1).split('/').map(Number);
      const v = p.type === 'opaque' ? Buffer.from(p.value as string, 'hex') : p.value;
      if (compress) { root.set(ids, v); continue; }
      let m = root;
      for (let k = 0; k < ids.length - 1; k++) {
        if (!m.has(ids[k])) m.set(ids[k], new Map());
        m = m.get(ids[k]) as Map<unknown, unknown>;
      }
      m.set(ids[ids.length - 1], v);
    }
    const bytes = new Uint8Array(oracleEnc.encode(root));
    const ours = decodeAll(dec, bytes, '/');
    assert.ok(Array.isArray(ours), 'decode: ' + ours);
    assert.equal(leaves(ours as Plain[]), flatten(oracle.decode(bytes)));
  }), { numRuns: 300 });
});

test('encoder refusals', () => {
  assert.is(encodeAll(enc, [{ path: '/3/0/1', type: 'string', value: 'x' }, { path: '/3/0/1', type: 'string', value: 'y' }], '/3/0'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/4/0/1', type: 'string', value: 'x' }], '/3'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, DEVICE, '/3/0', 20), -Code.REQUEST_ENTITY_TOO_LARGE);
});

test('fuzz: 20,000 random and mutated payloads never throw', () => {
  const rnd = prng(0xcb0e);
  const seeds = [encodeAll(enc, DEVICE, '/3/0') as Uint8Array, encodeAll(enc, DEVICE, '/') as Uint8Array, hex('a103bf00a109185fff'),
    hex('a1820300a30dc11a5182428f05c482211903e807f6')];
  let errors = 0;
  for (let k = 0; k < 20000; k++) {
    let b: Uint8Array;
    if (k % 4 === 0) { b = new Uint8Array(Math.floor(rnd() * 40)); for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256); }
    else b = mutate(seeds[k % seeds.length], rnd);
    const r = fuzzOne(dec, b, [-1, -1, -1, -1]);
    if (r < 0) { assert.is(r, -Code.BAD_REQUEST); errors++; }
  }
  assert.ok(errors > 1000);
});

test.run();
