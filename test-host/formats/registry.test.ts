// Codec lookup by Content-Format.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decoderFor, encoderFor, isSupported } from '../../src/formats/registry.js';

test('supported formats have singletons; others are null', () => {
  for (const cf of [0, 42, 11542, 110, 112, 11544]) {
    assert.ok(isSupported(cf), String(cf));
    assert.ok(encoderFor(cf) !== null && encoderFor(cf) === encoderFor(cf));
    assert.ok(decoderFor(cf) !== null && decoderFor(cf) === decoderFor(cf));
  }
  for (const cf of [40, 60, 11543, 1542, -1, 99999]) {
    assert.not.ok(isSupported(cf), String(cf));
    assert.is(encoderFor(cf), null);
    assert.is(decoderFor(cf), null);
  }
});

test.run();
