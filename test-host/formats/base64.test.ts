// Base64 / base64url (RFC 4648) against Buffer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import './helpers.js'; // fixed fast-check seed
import { base64Decode, base64Encode } from '../../src/formats/base64.js';

const td = new TextDecoder();
const te = new TextEncoder();

test('RFC 4648 §10 vectors', () => {
  const v = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
  const out = new Uint8Array(16);
  for (const [plain, enc] of v) {
    const n = base64Encode(te.encode(plain), 0, plain.length, out, 0, 16, false, true);
    assert.is(td.decode(out.subarray(0, n)), enc);
    const b = te.encode(enc);
    const m = base64Decode(b, 0, b.length, b, 0);
    assert.is(td.decode(b.subarray(0, m)), plain);
  }
});

test('property: both alphabets, padded or not, in place, match Buffer', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), fc.boolean(), (bytes, url, pad) => {
    const out = new Uint8Array(200);
    const n = base64Encode(bytes, 0, bytes.length, out, 5, 195, url, pad);
    let ref = Buffer.from(bytes).toString('base64');
    if (url) ref = ref.replace(/\+/g, '-').replace(/\//g, '_');
    if (!pad) ref = ref.replace(/=+$/, '');
    assert.is(td.decode(out.subarray(5, 5 + n)), ref);
    const m = base64Decode(out, 5, n, out, 5);
    assert.equal(Array.from(out.subarray(5, 5 + m)), Array.from(bytes));
  }));
});

test('malformed input is -1; out of space is -1', () => {
  for (const s of ['a', 'ab=c', 'abc==', 'ab!c', 'Zh==', 'Zm9=', '====']) {
    const b = te.encode(s);
    assert.is(base64Decode(b, 0, b.length, new Uint8Array(8), 0), -1, s);
  }
  assert.is(base64Encode(new Uint8Array(3), 0, 3, new Uint8Array(3), 0, 3, false, true), -1);
});

test.run();
