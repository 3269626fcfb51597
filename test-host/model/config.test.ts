import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeConfig, DEFAULT_CONFIG } from '../../src/config.js';

test('makeConfig: a frozen config it made comes back as it is (one copy kept, not two); anything else is a new checked copy', () => {
  const made = Object.freeze(makeConfig({ maxDatagram: 576, blockSize: 256, maxServers: 1, maxPeers: 2 }));
  assert.is(makeConfig(made), made);
  const open = makeConfig({ maxValues: 100 });
  assert.is.not(makeConfig(open), open, 'not frozen: copied');
  assert.equal(makeConfig(open), open);
  assert.is.not(makeConfig(DEFAULT_CONFIG), DEFAULT_CONFIG, 'the defaults: a copy the caller may change');
  // Frozen but not complete, or not what makeConfig would make of it: a new config, checked.
  const partial = Object.freeze({ maxValues: 100 });
  assert.is(makeConfig(partial).maxValues, 100);
  assert.is.not(makeConfig(partial) as unknown, partial);
  const bad = Object.freeze({ ...made, maxPeers: 1 });
  assert.throws(() => makeConfig(bad), /maxPeers must be at least/);
});

test.run();
