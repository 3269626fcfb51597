// application/octet-stream (LwM2M TS Core §7.4.2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpaqueDecoder, OpaqueEncoder } from '../../src/formats/opaque.js';
import { Code } from '../../src/coap/codes.js';
import { decodeAll, encodeAll } from './helpers.js';
import { toHex } from '../vectors.js';

const enc = new OpaqueEncoder();
const dec = new OpaqueDecoder();

test('one opaque value, bytes as they are', () => {
  const b = encodeAll(enc, [{ path: '/5/0/0', type: 'opaque', value: '00ff10' }], '/5/0/0') as Uint8Array;
  assert.is(toHex(b), '00ff10');
  assert.equal(decodeAll(dec, b, '/5/0/0'), [{ path: '/5/0/0', type: 'opaque', value: '00ff10' }]);
  assert.equal(decodeAll(dec, new Uint8Array(0), '/5/0/0/1'), [{ path: '/5/0/0/1', type: 'opaque', value: '' }]);
});

test('refusals', () => {
  assert.is(encodeAll(enc, [{ path: '/5/0/0', type: 'string', value: 'x' }], '/5/0/0'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/5/0/0', type: 'opaque', value: '00' }], '/5/0'), -Code.NOT_ACCEPTABLE);
  assert.is(encodeAll(enc, [{ path: '/5/0/0', type: 'opaque', value: '0011' }], '/5/0/0', 1), -Code.REQUEST_ENTITY_TOO_LARGE);
  assert.is(decodeAll(dec, new Uint8Array(1), '/5'), -Code.BAD_REQUEST);
});

test.run();
