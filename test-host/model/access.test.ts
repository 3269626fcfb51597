import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectTable } from '../../src/model/table.js';
import { AccessOp, checkAccess, createAclFor, deleteAclFor, findAcl, setAcl, aclMask } from '../../src/model/access.js';
import { NONE, ValueType } from '../../src/model/record.js';
import { STANDARD_DEFS } from '../../src/objects/standard.js';
import { setNumber } from '../../src/objects/values.js';
import { Code } from '../../src/coap/codes.js';
import { gcsDuring } from './zero-gc.js';

const R = AccessOp.Read, W = AccessOp.Write, E = AccessOp.Execute, D = AccessOp.Delete, C = AccessOp.Create;

function table(servers: number[]): ObjectTable {
  const t = new ObjectTable({ maxInstances: 32, maxValues: 128, arenaBytes: 512 }, STANDARD_DEFS);
  servers.forEach((ssid, k) => {
    t.createInstance(1, k);
    setNumber(t, 1, k, 0, NONE, ValueType.Integer, ssid);
  });
  t.createInstance(3, 0);
  t.createInstance(3303, 0);
  t.createInstance(3303, 1);
  return t;
}

function acl(t: ObjectTable, o: number, i: number, owner: number, entries: [number, number][]): number {
  const a = t.freeInstanceId(2);
  assert.is(t.createInstance(2, a), 0);
  setNumber(t, 2, a, 0, NONE, ValueType.Integer, o);
  setNumber(t, 2, a, 1, NONE, ValueType.Integer, i);
  setNumber(t, 2, a, 3, NONE, ValueType.Integer, owner);
  for (const [ssid, mask] of entries) assert.is(setAcl(t, a, ssid, mask), 0);
  return a;
}

test('single server: everything allowed except the Security object', () => {
  const t = table([101]);
  for (const op of [R, W, E, D, C]) assert.ok(checkAccess(t, 101, op, 3, 0));
  assert.ok(checkAccess(t, 101, C, 3303, 65535));
  assert.not.ok(checkAccess(t, 101, R, 0, 0));
});

test('multi-server: no ACL instance → no access', () => {
  const t = table([101, 102]);
  assert.not.ok(checkAccess(t, 101, R, 3, 0));
  assert.not.ok(checkAccess(t, 102, C, 3303, 2));
});

test('multi-server: ACL instance for the ssid grants exactly its bits', () => {
  const t = table([101, 102]);
  acl(t, 3, 0, 101, [[102, R | E]]);
  assert.ok(checkAccess(t, 102, R, 3, 0));
  assert.ok(checkAccess(t, 102, E, 3, 0));
  assert.not.ok(checkAccess(t, 102, W, 3, 0));
  assert.not.ok(checkAccess(t, 102, D, 3, 0));
});

test('multi-server: owner without its own ACL entry has full rights; an explicit entry wins', () => {
  const t = table([101, 102]);
  const a = acl(t, 3303, 0, 101, [[102, R]]);
  for (const op of [R, W, E, D]) assert.ok(checkAccess(t, 101, op, 3303, 0));
  assert.is(setAcl(t, a, 101, R), 0);
  assert.ok(checkAccess(t, 101, R, 3303, 0));
  assert.not.ok(checkAccess(t, 101, W, 3303, 0));
});

test('multi-server: default ACL (resource instance 0) for servers not listed', () => {
  const t = table([101, 102, 103]);
  acl(t, 3303, 1, 101, [[0, R], [102, R | W]]);
  assert.ok(checkAccess(t, 103, R, 3303, 1));
  assert.not.ok(checkAccess(t, 103, W, 3303, 1));
  assert.ok(checkAccess(t, 102, W, 3303, 1));
  assert.is(aclMask(t, findAcl(t, 3303, 1), 103), R);
});

test('multi-server: Create is checked on the object-level ACL instance (65535)', () => {
  const t = table([101, 102]);
  acl(t, 3303, 65535, 65535, [[101, C]]);
  assert.ok(checkAccess(t, 101, C, 3303, NONE));
  assert.not.ok(checkAccess(t, 102, C, 3303, NONE));
  assert.not.ok(checkAccess(t, 101, R, 3303, 0), 'object-level ACL gives no instance rights');
});

test('multi-server: ACL instances are readable by all, writable/deletable by their owner only', () => {
  const t = table([101, 102]);
  const a = acl(t, 3, 0, 101, []);
  assert.ok(checkAccess(t, 102, R, 2, a));
  assert.ok(checkAccess(t, 101, W, 2, a));
  assert.not.ok(checkAccess(t, 102, W, 2, a));
  assert.not.ok(checkAccess(t, 102, D, 2, a));
  assert.not.ok(checkAccess(t, 101, C, 2, NONE));
  assert.not.ok(checkAccess(t, 101, R, 0, 0));
});

test('createAclFor: owner gets full rights, others none; idempotent; deleteAclFor', () => {
  const t = table([101, 102]);
  const a = createAclFor(t, 3303, 1, 102);
  assert.ok(a >= 0);
  assert.is(findAcl(t, 3303, 1), a);
  for (const op of [R, W, E, D]) assert.ok(checkAccess(t, 102, op, 3303, 1));
  assert.not.ok(checkAccess(t, 101, R, 3303, 1));
  assert.is(createAclFor(t, 3303, 1, 101), a);
  const b = createAclFor(t, 3303, 0, 101);
  assert.ok(b >= 0 && b !== a);
  assert.is(deleteAclFor(t, 3303, 1), 0);
  assert.is(findAcl(t, 3303, 1), -1);
  assert.is(deleteAclFor(t, 3303, 1), -Code.NOT_FOUND);
});

test('createAclFor leaves nothing half-made when the table is full', () => {
  const t = new ObjectTable({ maxInstances: 8, maxValues: 6, arenaBytes: 64 }, STANDARD_DEFS);
  for (let k = 0; k < 2; k++) { t.createInstance(1, k); setNumber(t, 1, k, 0, NONE, ValueType.Integer, 101 + k); }
  t.createInstance(3303, 0);
  // 2 values used, 4 left: the first ACL fits (3 values), the second does not.
  assert.ok(createAclFor(t, 3303, 0, 101) >= 0);
  assert.is(createAclFor(t, 3303, 0 + 1, 101), -Code.INTERNAL_SERVER_ERROR);
  assert.is(t.instanceCount(2), 1);
});

test('zero GC: 100,000 multi-server checks after warm-up', async () => {
  const t = table([101, 102, 103]);
  acl(t, 3303, 1, 101, [[0, R], [102, R | W]]);
  acl(t, 3303, 65535, 65535, [[101, C]]);
  const acc = new Int32Array(2);
  const pass = (n: number) => {
    for (let k = 0; k < n; k++) {
      acc[1]++;
      if (checkAccess(t, 102, W, 3303, 1)) acc[0]++;
      if (checkAccess(t, 103, R, 3303, 1)) acc[0]++;
      if (checkAccess(t, 101, C, 3303, NONE)) acc[0]++;
      if (!checkAccess(t, 102, R, 3303, 0)) acc[0]++;
    }
  };
  const gcs = await gcsDuring(pass, 100_000);
  assert.is(acc[0], 4 * acc[1], 'every check answered as expected');
  assert.is(gcs, 0);
});

test.run();
