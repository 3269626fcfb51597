// text/plain (LwM2M TS Core §7.4.1) and its coercions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PlainTextDecoder, PlainTextEncoder } from '../../src/formats/text.js';
import { Code } from '../../src/coap/codes.js';
import { ValueType } from '../../src/model/record.js';
import { decodeAll, encodeAll, fuzzOne, Plain, prng, TYPE_NAMES } from './helpers.js';

const enc = new PlainTextEncoder();
const dec = new PlainTextDecoder();
const td = new TextDecoder();
const te = new TextEncoder();

const CASES: [Plain, string][] = [
  [{ path: '/3/0/0', type: 'string', value: 'Open Mobile Alliance' }, 'Open Mobile Alliance'],
  [{ path: '/3/0/9', type: 'integer', value: -95 }, '-95'],
  [{ path: '/3/0/9', type: 'unsignedInteger', value: 9007199254740991 }, '9007199254740991'],
  [{ path: '/3/0/9', type: 'float', value: 22.4 }, '22.4'],
  [{ path: '/3/0/9', type: 'boolean', value: true }, '1'],
  [{ path: '/3/0/9', type: 'boolean', value: false }, '0'],
  [{ path: '/3/0/9', type: 'time', value: 1367491215 }, '1367491215'],
  [{ path: '/3/0/9', type: 'objlnk', value: '65535:0' }, '65535:0'],
  [{ path: '/3/0/9', type: 'opaque', value: 'abcdef01' }, 'q83vAQ=='],
  [{ path: '/3/0/9/3', type: 'corelnk', value: '</3/0>' }, '</3/0>'],
];

test('encode and decode every type', () => {
  for (const [p, text] of CASES) {
    const path = p.path;
    const b = encodeAll(enc, [p], path) as Uint8Array;
    assert.is(td.decode(b), text, p.type);
    assert.equal(decodeAll(dec, b, path, () => TYPE_NAMES[p.type]), [p]);
    const raw = decodeAll(dec, b, path) as Plain[];
    assert.is(raw[0].type, 'raw0');
  }
});

test('coercion failures are 4.00', () => {
  const cases: [string, string][] = [['abc', 'integer'], ['1.5', 'integer'], ['-1', 'unsignedInteger'], ['2', 'boolean'],
    ['true', 'boolean'], ['', 'integer'], ['x', 'float'], ['3', 'objlnk'], ['3:', 'objlnk'], ['70000:1', 'objlnk'], ['1:-1', 'objlnk'],
    ['q83', 'opaque'], ['q8=v', 'opaque'], ['1e3', 'integer']];
  for (const [text, type] of cases) {
    assert.is(decodeAll(dec, te.encode(text), '/3/0/9', () => TYPE_NAMES[type]), -Code.BAD_REQUEST, text + ' as ' + type);
  }
});

test('only one value at the request depth; not on /o or /o/i', () => {
  assert.is(encodeAll(enc, [{ path: '/3/0/6/0', type: 'integer', value: 1 }], '/3/0/6'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/3/0/1', type: 'integer', value: 1 }], '/3/0'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/3/0/1', type: 'integer', value: 1 }, { path: '/3/0/1', type: 'integer', value: 2 }], '/3/0/1'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/3/0/1', type: 'none' }], '/3/0/1'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/3/0/0', type: 'string', value: 'long' }], '/3/0/0', 3), -Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(decodeAll(dec, te.encode('1'), '/3/0'), -Code.BAD_REQUEST);
});

test('property: floats and integers round-trip through text', () => {
  fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
    const p: Plain = { path: '/3/0/9', type: 'float', value: v };
    const b = encodeAll(enc, [p], '/3/0/9') as Uint8Array;
    assert.equal(decodeAll(dec, b, '/3/0/9', () => ValueType.Float), [{ ...p, value: v === 0 ? 0 : v }]);
  }), { numRuns: 3000 });
  fc.assert(fc.property(fc.maxSafeInteger(), (v) => {
    const p: Plain = { path: '/3/0/9', type: 'integer', value: v };
    assert.equal(decodeAll(dec, encodeAll(enc, [p], '/3/0/9') as Uint8Array, '/3/0/9', () => ValueType.Integer), [p]);
  }), { numRuns: 3000 });
});

test('fuzz: 20,000 random payloads coerced to every type never throw', () => {
  const rnd = prng(0x7e47);
  const types = Object.keys(TYPE_NAMES);
  const alphabet = te.encode('0123456789+-.:eE=/abcxyzAZ ');
  for (let k = 0; k < 20000; k++) {
    const b = new Uint8Array(Math.floor(rnd() * 12));
    for (let j = 0; j < b.length; j++) b[j] = k & 1 ? alphabet[Math.floor(rnd() * alphabet.length)] : Math.floor(rnd() * 256);
    const t = TYPE_NAMES[types[k % types.length]];
    const r = decodeAll(dec, b, '/3/0/9', () => t);
    if (typeof r === 'number') assert.is(r, -Code.BAD_REQUEST);
    assert.is(fuzzOne(dec, b, [3, 0, 9, -1]), 0);
  }
});

test.run();
