// SenML CBOR (RFC 8428 §6; LwM2M TS Core §7.4.5): the vectors of lwm2m_senml_cbor.json decoded
// and re-encoded, cborg as the oracle both ways, fast-check round-trips, a 20,000-payload fuzz.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import { loadVectors, hex, toHex } from '../vectors.js';
import { SenmlCborEncoder } from '../../src/formats/senml-cbor.js';
import { SenmlCborDecoder } from '../../src/formats/senml-cbor-dec.js';
import { Code } from '../../src/coap/codes.js';
import { decodeAll, encodeAll, fuzzOne, mutate, Plain, prng } from './helpers.js';
import { senmlNumbers, typedDecode } from './cbor-typed.js';
import { arbComposite, arbVal, asResolved, Resolved, toPlain } from './senml-shared.js';

const V = loadVectors('lwm2m_senml_cbor.json');
const enc = new SenmlCborEncoder();
const dec = new SenmlCborDecoder();
// The oracle: cborg, decoding every map as a Map (SenML CBOR labels are integers). Its encoder
// writes plain definite-length maps of the shortest size, keeps the records' keys in insertion
// order (cborg sorts keys unless given a sorter, which would move bn/bt after n and v) and
// writes every non-integer number as a 64-bit float (cborg's default is the shortest exact width).
const oracle = { decode: (b: Uint8Array): unknown => cborgDecode(b, { useMaps: true }) };
const oracleEnc = { encode: (v: unknown): Uint8Array => cborgEncode(v, { float64: true, mapSorter: () => 0 }) };

// Vectors whose bytes are exactly our canonical form (bn, n, value order; integers as integers).
const EXACT = new Set([
  'Read /3/0 Device object instance (OMA TS 1.1 Table 7.4.4-2)',
  'Single resource /3/0/0 (OMA TS 1.1 Table 7.4.4-5)',
  'Read-Composite request body: paths only (OMA TS 1.1 Table 7.4.4-6)',
  'Read-Composite response (OMA TS 1.1 Table 7.4.4-7)',
  'Write-Composite request with booleans (OMA TS 1.1 Table 7.4.4-8)',
  'Opaque value vd (8) as CBOR byte string',
  'Opaque resource /0/0/3',
]);

for (const vec of V.vectors) {
  const path = vec.path ?? '/';
  test(`vector decode: ${vec.name}`, () => {
    const got = decodeAll(dec, hex(vec.hex), path);
    assert.ok(Array.isArray(got), 'decode failed: ' + got);
    assert.equal(asResolved(got as Plain[]), vec.resolved);
  });
  test(`vector re-encode: ${vec.name}`, () => {
    const bytes = encodeAll(enc, toPlain(vec.resolved), path);
    assert.ok(bytes instanceof Uint8Array, 'encode failed: ' + bytes);
    if (EXACT.has(vec.name)) assert.is(toHex(bytes as Uint8Array), vec.hex);
    // in every case: the same data when read back, by us and by cborg
    assert.equal(asResolved(decodeAll(dec, bytes as Uint8Array, path) as Plain[]), vec.resolved);
    assert.equal(resolveRef(fromOracle(oracle.decode(bytes as Uint8Array))), vec.resolved);
  });
}

for (const vec of V.acceptanceVectors) {
  test(`acceptance: ${vec.name}`, () => {
    const got = decodeAll(dec, hex(vec.hex), '/');
    if (vec.expect === 'error') assert.is(got, -Code.BAD_REQUEST);
    else assert.equal(asResolved(got as Plain[]), [{ path: '/34/0/2', type: 'number', value: 1 }]);
  });
}

// ---- a reference SenML resolver over cborg's output (independent of ours) ----

interface SenmlRec { bn?: string; bt?: number; bv?: number; n?: string; v?: number; vs?: string; vb?: boolean; vd?: Uint8Array; vlo?: string; t?: number }
const LABELS: Record<number, keyof SenmlRec> = { [-2]: 'bn', [-3]: 'bt', [-5]: 'bv', 0: 'n', 2: 'v', 3: 'vs', 4: 'vb', 6: 't', 8: 'vd' };

function fromOracle(x: unknown): SenmlRec[] {
  assert.ok(Array.isArray(x));
  return (x as Map<unknown, unknown>[]).map((m) => {
    const r: Record<string, unknown> = {};
    for (const [k, v0] of m) {
      const v = typeof v0 === 'bigint' ? Number(v0) : v0; // cborg reads integers beyond 2^53 as BigInt
      if (k === 'vlo') r.vlo = v;
      else if (typeof k === 'number' && LABELS[k]) r[LABELS[k]] = v;
    }
    return r as SenmlRec;
  });
}

function resolveRef(recs: SenmlRec[]): Resolved[] {
  let bn = ''; let bt: number | undefined; let bv = 0;
  return recs.map((r) => {
    if (r.bn !== undefined) bn = r.bn;
    if (r.bt !== undefined) bt = r.bt;
    if (r.bv !== undefined) bv = r.bv;
    let path = bn + (r.n ?? '');
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const o: Resolved = { path };
    if (r.v !== undefined) { o.type = 'number'; o.value = r.v + bv; }
    else if (r.vs !== undefined) { o.type = 'string'; o.value = r.vs; }
    else if (r.vb !== undefined) { o.type = 'boolean'; o.value = r.vb; }
    else if (r.vd !== undefined) { o.type = 'opaque'; o.value = Buffer.from(r.vd).toString('hex'); }
    else if (r.vlo !== undefined) { o.type = 'objlnk'; o.value = r.vlo; }
    if (r.t !== undefined || bt !== undefined) o.time = (bt ?? 0) + (r.t ?? 0);
    return o;
  });
}

// ---- random records ----

test('property: composite records round-trip through our encoder and decoder, and cborg agrees', () => {
  fc.assert(fc.property(arbComposite, (recs) => {
    const b = encodeAll(enc, recs, '/', 20000) as Uint8Array;
    assert.ok(b instanceof Uint8Array);
    const back = decodeAll(dec, b, '/') as Plain[];
    assert.equal(back, recs);
    assert.equal(resolveRef(fromOracle(oracle.decode(b))), asResolved(recs));
  }), { numRuns: 300 });
});

test('property: an instance read (bn + relative names) round-trips', () => {
  const arb = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: -1, max: 3 }), arbVal.filter((v) => v.type !== 'none')),
    { selector: (t) => t[0] * 10 + t[1], maxLength: 10 }).map((xs) => xs.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([r, ri, v]): Plain => ({ path: `/3/0/${r}` + (ri >= 0 ? `/${ri}` : ''), type: v.type, value: (v as { value: unknown }).value })));
  fc.assert(fc.property(arb, (recs) => {
    const b = encodeAll(enc, recs, '/3/0', 20000) as Uint8Array;
    assert.equal(decodeAll(dec, b, '/3/0'), recs);
  }), { numRuns: 200 });
});

test('oracle: SenML encoded by cborg (text bn, int/float values, tag-free) decodes to the reference', () => {
  fc.assert(fc.property(arbComposite, fc.boolean(), fc.option(fc.integer({ min: 0, max: 2 ** 30 }), { nil: undefined }), (recs, useBn, bt) => {
    const maps = recs.map((p, k) => {
      const m = new Map<unknown, unknown>();
      if (useBn && k === 0) m.set(-2, '/');
      if (bt !== undefined && k === 0) m.set(-3, bt);
      m.set(0, useBn ? p.path.slice(1) : p.path);
      switch (p.type) {
        case 'integer': case 'float': m.set(2, p.value); break;
        case 'string': m.set(3, p.value); break;
        case 'boolean': m.set(4, p.value); break;
        case 'opaque': m.set(8, Buffer.from(p.value as string, 'hex')); break;
        case 'objlnk': m.set('vlo', p.value); break;
      }
      if (p.time !== undefined) m.set(6, p.time);
      return m;
    });
    const bytes = new Uint8Array(oracleEnc.encode(maps));
    const ours = decodeAll(dec, bytes, '/');
    assert.ok(Array.isArray(ours), 'decode failed: ' + ours);
    const ref = resolveRef(fromOracle(oracle.decode(bytes)));
    assert.equal(asResolved(ours as Plain[]), ref);
  }), { numRuns: 300 });
});

test('half, single and double floats, tag 4 and bver', () => {
  // v as f9 3e00 (1.5), fa (0.1f), fb
  const one = (valHex: string): unknown => (decodeAll(dec, hex('81a200692f332f302f35383530' + '02' + valHex), '/') as Plain[])[0].value;
  assert.is(one('f93e00'), 1.5);
  assert.is(one('f97c00'), Infinity);
  assert.is(one('f90001'), 5.960464477539063e-8);
  assert.is(one('fa3dcccccd'), Math.fround(0.1));
  assert.is(one('fb3fb999999999999a'), 0.1);
  assert.is(one('c482211903e8'), 10); // 1000e-2
  assert.is(one('3863'), -100);
  // the encoder writes the shortest float that is exact
  const b = encodeAll(enc, [{ path: '/3/0/1', type: 'float', value: 1.5 }], '/3/0/1') as Uint8Array;
  assert.is(toHex(b), '81a221662f332f302f3102f93e00');
});

test('a Float resource is a CBOR float even when integral, an Integer one an integer (issue 20 #2: Leshan)', () => {
  // [{-2: "/3303/0/5700", 2: 22.0}] — v as f9 4d80, never 0x16 (Leshan's SenML CBOR decoder is
  // strict: "Floating-point number expected" for an integer in a Float resource).
  const one = (type: string, value: number): string =>
    toHex(encodeAll(enc, [{ path: '/3303/0/5700', type, value }], '/3303/0/5700') as Uint8Array);
  const head = '81a2216c2f333330332f302f3537303002';
  assert.is(one('float', 22), head + 'f94d80');
  assert.is(one('float', 0.5), head + 'f93800');
  assert.is(one('float', 1e10), head + 'fa501502f9');
  assert.is(one('float', -3), head + 'f9c200');
  assert.is(one('float', 2 ** 24 + 1), head + 'fb4170000010000000');
  assert.is(one('integer', 22), head + '16');
  assert.is(one('unsignedInteger', 22), head + '16');
  assert.is(one('integer', -3), head + '22');
  // NaN and ±Infinity: no SenML value (SenML JSON cannot carry them either): 4.06
  for (const v of [NaN, Infinity, -Infinity]) assert.is(encodeAll(enc, [{ path: '/3303/0/5700', type: 'float', value: v }], '/3303/0/5700'), -Code.NOT_ACCEPTABLE);
  // a composite body of both kinds, read by cborg's tokenizer: the major type of every v
  const recs: Plain[] = [
    { path: '/3/0/9', type: 'integer', value: 100 },
    { path: '/3303/0/5601', type: 'float', value: 18 },
    { path: '/3303/0/5700', type: 'float', value: 22 },
    { path: '/3303/0/5701', type: 'string', value: 'Cel' },
  ];
  const b = encodeAll(enc, recs, '/') as Uint8Array;
  const nums = senmlNumbers(typedDecode(b));
  assert.equal(nums, { '/3/0/9': { major: 0, value: 100 }, '/3303/0/5601': { major: 7, value: 18 }, '/3303/0/5700': { major: 7, value: 22 } });
  // and it decodes back with the types it was written with
  assert.equal(decodeAll(dec, b, '/'), recs);
});

test('malformed SenML CBOR → 4.00', () => {
  const bad = [
    'a0', // not an array
    '81a1006a2f332f302f35383530ff', // trailing byte
    '81a10063332f30', // name without leading '/'
    '81a100672f332f302f2f31', // "//"
    '81a100702f3635353336', // component > 65535
    '81a200662f332f302f30026161', // v as text
    '81a300662f332f302f300201036161', // two values
    '81a200662f332f302f3063766c6f6378', // vlo without ':'
    '81a1006c2f312f322f332f342f352f36', // five components
    '82a100662f332f302f30', // array count larger than items
  ];
  for (const h of bad) assert.is(decodeAll(dec, hex(h), '/'), -Code.BAD_REQUEST, h);
  // names outside the request path
  assert.is(decodeAll(dec, hex('81a100662f332f302f30'), '/4'), -Code.BAD_REQUEST);
});

test('encoder: out of space and unsupported values', () => {
  assert.is(encodeAll(enc, [{ path: '/3/0/0', type: 'string', value: 'Open Mobile Alliance' }], '/3/0/0', 10), -Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(encodeAll(enc, [{ path: '/4/0/0', type: 'string', value: 'x' }], '/3/0'), -Code.NOT_ACCEPTABLE);
});

test('a time series of one resource: bn is the path, later records have neither bn nor n', () => {
  const recs: Plain[] = [
    { path: '/3303/0/5700', type: 'float', value: 21.5, time: 1700000000 },
    { path: '/3303/0/5700', type: 'integer', value: 22, time: 1700000010 },
  ];
  const b = encodeAll(enc, recs, '/3303/0/5700') as Uint8Array;
  assert.equal(decodeAll(dec, b, '/3303/0/5700'), recs);
  const x = oracle.decode(b) as Map<number, unknown>[];
  assert.equal([[...x[0].keys()], [...x[1].keys()]], [[-2, 2, 6], [2, 6]]);
});

test('fuzz: 20,000 random and mutated payloads never throw', () => {
  const rnd = prng(0x5e11);
  const seeds = [...V.vectors, ...V.acceptanceVectors].map((v: { hex: string }) => hex(v.hex));
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
