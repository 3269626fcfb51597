import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readServer, ServerRecord, findServerForSsid, serverSsid, bindingHas, DEFAULT_COMMUNICATION_RETRY_COUNT } from '../../src/objects/server.js';
import { Code } from '../../src/coap/codes.js';
import { stdTable, addServer, win } from './helpers.js';

test('readServer: stored values', () => {
  const t = stdTable();
  addServer(t, 0, 101, { 1: 300, 2: 5, 3: 60, 5: 30, 6: 0, 7: 'UQ', 13: 2, 14: 7, 15: 1, 16: 0, 17: 3, 18: 10, 19: 600, 20: 2 });
  const s = new ServerRecord();
  assert.is(readServer(t, 0, s), 0);
  assert.is(s.ssid, 101); assert.is(s.lifetime, 300); assert.is(s.defaultPmin, 5); assert.is(s.defaultPmax, 60);
  assert.is(s.disableTimeout, 30); assert.is(s.notificationStoring, false);
  assert.is(win(s.bindingBuf, s.bindingOff, s.bindingLen), 'UQ');
  assert.ok(bindingHas(s.bindingBuf, s.bindingOff, s.bindingLen, 0x51));
  assert.is(s.priorityOrder, 2); assert.is(s.initialDelay, 7); assert.is(s.failureBlock, true); assert.is(s.bootstrapOnFailure, false);
  assert.is(s.retryCount, 3); assert.is(s.retryTimer, 10); assert.is(s.sequenceDelayTimer, 600); assert.is(s.sequenceRetryCount, 2);
});

test('readServer: LwM2M 1.1 defaults when absent', () => {
  const t = stdTable();
  addServer(t, 3, 7);
  const s = new ServerRecord();
  assert.is(readServer(t, 3, s), 0);
  assert.is(s.ssid, 7); assert.is(s.lifetime, 86400); assert.is(s.defaultPmin, 0); assert.is(s.defaultPmax, 0);
  assert.is(s.disableTimeout, 86400); assert.is(s.notificationStoring, true);
  assert.is(win(s.bindingBuf, s.bindingOff, s.bindingLen), 'U');
  assert.is(s.priorityOrder, -1); assert.is(s.initialDelay, 0); assert.is(s.failureBlock, false); assert.is(s.bootstrapOnFailure, true);
  assert.is(s.retryCount, DEFAULT_COMMUNICATION_RETRY_COUNT); assert.is(s.retryCount, 5); assert.is(s.retryTimer, 60);
  assert.is(s.sequenceDelayTimer, 86400); assert.is(s.sequenceRetryCount, 1);
  assert.is(readServer(t, 4, s), -Code.NOT_FOUND);
});

test('findServerForSsid / serverSsid', () => {
  const t = stdTable();
  addServer(t, 0, 101); addServer(t, 2, 102); addServer(t, 5, undefined);
  assert.is(findServerForSsid(t, 102), 2);
  assert.is(findServerForSsid(t, 101), 0);
  assert.is(findServerForSsid(t, 9), -1);
  assert.is(serverSsid(t, 2), 102);
  assert.is(serverSsid(t, 5), -1);
});

test.run();
