import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConnectivityObject, Bearer } from '../../src/objects/connectivity.js';
import { DataRecord, NONE } from '../../src/model/record.js';
import { ValueCursor } from '../../src/model/table.js';
import { stdTable, win } from './helpers.js';

function list(t: ReturnType<typeof stdTable>, r: number): string[] {
  const c = new ValueCursor(); const d = new DataRecord(); const out: string[] = [];
  c.begin(t, 4, 0, r, NONE);
  while (c.next(d) === 1) out.push(d.len ? win(d.buf, d.off, d.len) : String(d.num));
  return out;
}

test('defaults: Ethernet bearer, signal 0, no addresses', () => {
  const t = stdTable();
  new ConnectivityObject(t);
  assert.equal(list(t, 0), ['41']);
  assert.equal(list(t, 1), ['41']);
  assert.equal(list(t, 2), ['0']);
  assert.equal(list(t, 4), []);
});

test('host info: bearer, addresses, routers; setters', () => {
  const t = stdTable();
  const c = new ConnectivityObject(t, { bearer: Bearer.Wlan, availableBearers: [Bearer.Wlan, Bearer.Bluetooth], ipAddresses: ['192.0.2.7', '2001:db8::7'], routerAddresses: ['192.0.2.1'], signalStrength: -60, linkQuality: 80 });
  assert.equal(list(t, 0), ['21']);
  assert.equal(list(t, 1), ['21', '22']);
  assert.equal(list(t, 4), ['192.0.2.7', '2001:db8::7']);
  assert.equal(list(t, 5), ['192.0.2.1']);
  assert.equal(list(t, 3), ['80']);
  assert.is(c.setSignal(-70, 60), 0);
  assert.equal(list(t, 2), ['-70']);
  assert.equal(list(t, 3), ['60']);
  const b = new TextEncoder().encode('xx10.0.0.9');
  assert.is(c.setIpAddress(0, b, 2, 8), 0);
  assert.equal(list(t, 4), ['10.0.0.9', '2001:db8::7']);
});

test.run();
