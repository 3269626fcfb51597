// SenML JSON (RFC 8428 §5; LwM2M TS Core §7.4.4): the vectors of lwm2m_senml_json.json decoded and
// re-encoded, JSON.parse as the oracle both ways, fast-check round-trips, a 20,000-payload fuzz.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { loadVectors } from '../vectors.js';
import { SenmlJsonDecoder, SenmlJsonEncoder } from '../../src/formats/senml-json.js';
import { SenmlCborEncoder } from '../../src/formats/senml-cbor.js';
import { SenmlCborDecoder } from '../../src/formats/senml-cbor-dec.js';
import { Code } from '../../src/coap/codes.js';
import { decodeAll, encodeAll, fuzzOne, mutate, Plain, prng } from './helpers.js';
import { arbComposite, asResolved, Resolved, toPlain } from './senml-shared.js';

const V = loadVectors('lwm2m_senml_json.json');
const enc = new SenmlJsonEncoder();
const dec = new SenmlJsonDecoder();
const te = new TextEncoder();
const td = new TextDecoder();

const EXACT = new Set([
  'OMA TS 1.1 Table 7.4.4-2 Read /3/0',
  'OMA TS 1.1 Table 7.4.4-5 single resource',
  'OMA TS 1.1 Table 7.4.4-6 Read-Composite request',
  'Read /3/0 Device object instance (Leshan)',
  'Opaque resource /0/0/3 as base64url "vd"',
  'Multiple-instance resource /3/0/7',
]);

/** Reference resolver over JSON.parse output (independent of ours). */
function resolveRef(recs: Record<string, any>[]): Resolved[] {
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
    else if (r.vd !== undefined) { o.type = 'opaque'; o.value = Buffer.from(r.vd, 'base64url').toString('hex'); }
    else if (r.vlo !== undefined) { o.type = 'objlnk'; o.value = r.vlo; }
    if (r.t !== undefined || bt !== undefined) o.time = (bt ?? 0) + (r.t ?? 0);
    return o;
  });
}

for (const vec of V.vectors) {
  const path = vec.path ?? '/';
  test(`vector decode: ${vec.name}`, () => {
    const got = decodeAll(dec, te.encode(vec.payload), path);
    assert.ok(Array.isArray(got), 'decode failed: ' + got);
    assert.equal(asResolved(got as Plain[]), vec.resolved);
  });
  test(`vector re-encode: ${vec.name}`, () => {
    const bytes = encodeAll(enc, toPlain(vec.resolved), path);
    assert.ok(bytes instanceof Uint8Array, 'encode failed: ' + bytes);
    const text = td.decode(bytes as Uint8Array);
    if (EXACT.has(vec.name)) assert.is(text, vec.payload);
    assert.equal(asResolved(decodeAll(dec, bytes as Uint8Array, path) as Plain[]), vec.resolved);
    assert.equal(resolveRef(JSON.parse(text)), vec.resolved);
  });
}

test('property: random records → our JSON → JSON.parse and our decoder agree', () => {
  fc.assert(fc.property(arbComposite, (recs) => {
    const b = encodeAll(enc, recs, '/', 40000) as Uint8Array;
    assert.ok(b instanceof Uint8Array);
    const text = td.decode(b);
    assert.equal(resolveRef(JSON.parse(text)), asResolved(recs));
    assert.equal(decodeAll(dec, b, '/'), recs);
  }), { numRuns: 400 });
});

test('oracle: JSON.stringify output (escapes, exponents, white space) decodes like JSON.parse says', () => {
  fc.assert(fc.property(arbComposite, fc.boolean(), fc.boolean(), (recs, useBn, pretty) => {
    const objs = recs.map((p, k) => {
      const o: Record<string, unknown> = {};
      if (useBn && k === 0) o.bn = '/';
      o.n = useBn ? p.path.slice(1) : p.path;
      switch (p.type) {
        case 'integer': case 'float': o.v = p.value; break;
        case 'string': o.vs = p.value; break;
        case 'boolean': o.vb = p.value; break;
        case 'opaque': o.vd = Buffer.from(p.value as string, 'hex').toString('base64'); break;
        case 'objlnk': o.vlo = p.value; break;
      }
      if (p.time !== undefined) o.t = p.time;
      o.unknown = { nested: [1, 'x', null] };
      return o;
    });
    const text = JSON.stringify(objs, null, pretty ? 2 : undefined);
    const ours = decodeAll(dec, te.encode(text), '/');
    assert.ok(Array.isArray(ours), 'decode failed: ' + ours + ' ' + text);
    const ref = resolveRef(JSON.parse(text)).map((r) => (r.type === 'opaque' ? r : r));
    // the reference reads vd as base64url; standard base64 gives the same bytes
    assert.equal(asResolved(ours as Plain[]), ref);
  }), { numRuns: 300 });
});

test('escaped strings are decoded in place', () => {
  const text = '[{"n":"/3/0/0","vs":"a\\"b\\\\c\\u00e9\\ud83d\\ude00\\n"}]';
  const got = decodeAll(dec, te.encode(text), '/') as Plain[];
  assert.is(got[0].value, 'a"b\\c\u00e9\u{1F600}\n');
  const back = td.decode(encodeAll(enc, got, '/') as Uint8Array);
  assert.equal(JSON.parse(back)[0].vs, 'a"b\\c\u00e9\u{1F600}\n');
});

test('malformed SenML JSON → 4.00', () => {
  const bad = [
    '', '{}', '[', '[{]', '[{"n":"/3/0/0"}', '[{"n":"/3/0/0"},]', '[{"n":"/3/0/0"}] x', '[{"n":"/3/0/0",}]',
    '[{"n":"/3/0/0","v":"1"}]', '[{"n":"/3/0/0","v":01}]', '[{"n":"/3/0/0","v":1,"vs":"x"}]',
    '[{"n":"3/0/0"}]', '[{"n":"/3/0/0","vd":"a"}]', '[{"n":"/3/0/0","vlo":"3"}]', '[{"n":"/3/0/0","x_":1}]',
    '[{"bver":11,"n":"/3/0/0"}]', '[{"n":"/3/0/0","vs":"\\x"}]', '[{"n":"/3/0/0" "v":1}]', '[{"n":"/1/2/3/4/5"}]',
    '[{"n":"/3/0/0","vb":1}]', '[{"n":"/3/0/0","v":tru}]',
  ];
  for (const t of bad) assert.is(decodeAll(dec, te.encode(t), '/'), -Code.BAD_REQUEST, t);
  assert.equal(decodeAll(dec, te.encode(' [ ] '), '/'), []);
  assert.is(decodeAll(dec, te.encode('[{"n":"/3/0/0"}]'), '/4'), -Code.BAD_REQUEST);
});

test('numbers: integers exact to 2^53, floats shortest round-trip', () => {
  const cases: [number, string][] = [[9007199254740991, '9007199254740991'], [-1, '-1'], [22.4, '22.4'],
    [-52.0006, '-52.0006'], [0.1, '0.1'], [1e-7, '1e-7'], [1e21, '1e+21'], [0.30000000000000004, '0.30000000000000004']];
  for (const [v, s] of cases) {
    const text = td.decode(encodeAll(enc, [{ path: '/3/0/1', type: Number.isInteger(v) ? 'integer' : 'float', value: v }], '/3/0/1') as Uint8Array);
    assert.is(text, `[{"bn":"/3/0/1","v":${s}}]`);
    assert.is(JSON.parse(text)[0].v, v);
  }
});

test('a time series of one resource: bn is the path, later records have neither bn nor n', () => {
  const recs: Plain[] = [
    { path: '/3303/0/5700', type: 'float', value: 21.5, time: 1700000000 },
    { path: '/3303/0/5700', type: 'integer', value: 22, time: 1700000010 },
  ];
  const b = encodeAll(enc, recs, '/3303/0/5700') as Uint8Array;
  assert.equal(decodeAll(dec, b, '/3303/0/5700'), recs);
  assert.is(td.decode(b), '[{"bn":"/3303/0/5700","v":21.5,"t":1700000000},{"v":22,"t":1700000010}]');
});

test('fuzz: 20,000 random and mutated payloads never throw', () => {
  const rnd = prng(0x1500);
  const seeds = V.vectors.map((v: { payload: string }) => te.encode(v.payload));
  const alphabet = te.encode('[]{}:,"0123456789.-+eEtruefalsnbvsdlo/\\ ');
  let errors = 0;
  for (let k = 0; k < 20000; k++) {
    let b: Uint8Array;
    if (k % 4 === 0) { b = new Uint8Array(Math.floor(rnd() * 40)); for (let j = 0; j < b.length; j++) b[j] = alphabet[Math.floor(rnd() * alphabet.length)]; }
    else b = mutate(seeds[k % seeds.length], rnd);
    const r = fuzzOne(dec, b, [-1, -1, -1, -1]);
    if (r < 0) { assert.is(r, -Code.BAD_REQUEST); errors++; }
  }
  assert.ok(errors > 1000);
});

test('the SenML JSON and SenML CBOR decoders share one record state; decodes one after the other keep nothing of each other', () => {
  const j = new SenmlJsonDecoder(), c = new SenmlCborDecoder();
  const st = (d: object) => d as unknown as { f: object; base: object };
  assert.is(st(j).f, st(c).f);
  assert.is(st(j).base, st(c).base);
  // A CBOR decode with a base name, base time and base value, then a JSON one without: no carry-over.
  const recs = [{ path: '/3303/0/5700', type: 'float', value: 21.5 }, { path: '/3303/0/5701', type: 'string', value: 'Cel' }] as Plain[];
  const cbor = encodeAll(new SenmlCborEncoder(), recs, '/3303/0') as Uint8Array;
  const json = te.encode('[{"n":"/1/0/1","v":300},{"n":"/1/0/7","vs":"U"}]');
  for (let k = 0; k < 3; k++) {
    assert.equal(decodeAll(c, cbor, '/3303/0'), decodeAll(new SenmlCborDecoder(), cbor, '/3303/0'));
    const got = decodeAll(j, json, '/') as Plain[];
    assert.equal(got.map((p) => p.path), ['/1/0/1', '/1/0/7']);
    assert.equal(got.map((p) => p.value), [300, 'U']);
  }
  const relative = te.encode('[{"bn":"/3303/0/","n":"5700","v":1,"bv":2}]');
  assert.equal((decodeAll(j, relative, '/3303/0') as Plain[]).map((p) => [p.path, p.value]), [['/3303/0/5700', 3]]);
  assert.equal((decodeAll(c, cbor, '/3303/0') as Plain[]).map((p) => p.value), [21.5, 'Cel'], 'bv 2 of the JSON decode is not added');
});

test.run();
