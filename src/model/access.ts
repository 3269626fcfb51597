// Access Control (object 2; OMA LwM2M TS Core §7.3 "Access Control", object definition in
// Appendix E.2). Decides whether the LwM2M Server with Short Server ID `ssid` may perform an
// operation on /o/i. Allocation-free: one module-level scratch record.
//
// The rules, in order:
//  1. The Security object (0) is never accessible to an LwM2M Server (only to the Bootstrap-Server,
//     whose requests do not come through here; object 0's description: "MUST NOT be accessible by
//     any other LwM2M Server").
//  2. With a single LwM2M Server account (at most one Server instance /1/x), access control does
//     not apply: everything is allowed (TS Core §7.3: the Access Control Object is used when the
//     Client has more than one Server account). Also when the client does not enable object 2.
//  3. Otherwise the Access Control instance whose /2/x/0 and /2/x/1 name the target is consulted —
//     for Create the object-level one, /2/x/1 = 65535. With no such instance, nothing is allowed.
//     Its ACL resource (/2/x/2) instance whose id is the ssid gives the rights (bits: R 1, W 2,
//     E 4, D 8, C 16). Without one, the Access Control Owner (/2/x/3 = ssid) has every right;
//     otherwise the default ACL (resource instance 0) applies; otherwise nothing.
//  4. Access Control instances themselves: any server may read them; only their owner may write
//     or delete them; servers never create them (the Client does, see createAclFor).
import { Code } from '../coap/codes.js';
import { DataRecord, NONE, ValueType } from './record.js';
import type { ObjectTable } from './table.js';

/** ACL bitmask (object 2, resource 2: 1st LSB R … 5th LSB C). */
export const enum AccessOp { Read = 1, Write = 2, Execute = 4, Delete = 8, Create = 16 }

export const OBJ_ACCESS_CONTROL = 2;
export const ACL_OBJECT_ID = 0;
export const ACL_INSTANCE_ID = 1;
export const ACL_ACL = 2;
export const ACL_OWNER = 3;
/** /2/x/1 value of the object-level instance that holds Create rights; /2/x/3 value meaning
 *  "managed by the Bootstrap-Server only" (MAX_ID). */
export const ACL_MAX_ID = 65535;
const FULL = AccessOp.Read | AccessOp.Write | AccessOp.Execute | AccessOp.Delete | AccessOp.Create;

const scratch = new DataRecord();

function intValue(table: ObjectTable, o: number, i: number, r: number, ri: number): number {
  if (table.getValue(o, i, r, ri, scratch) !== 0) return NONE;
  return scratch.num;
}

/** Instance id of the Access Control instance for /o/i (i = 65535: the object-level one), or -1. */
export function findAcl(table: ObjectTable, o: number, i: number): number {
  for (let a = table.firstInstance(OBJ_ACCESS_CONTROL); a >= 0; a = table.nextInstance(OBJ_ACCESS_CONTROL, a)) {
    if (intValue(table, OBJ_ACCESS_CONTROL, a, ACL_OBJECT_ID, NONE) === o &&
        intValue(table, OBJ_ACCESS_CONTROL, a, ACL_INSTANCE_ID, NONE) === i) return a;
  }
  return -1;
}

/** The rights mask of `ssid` in Access Control instance `a` (rule 3 above). */
export function aclMask(table: ObjectTable, a: number, ssid: number): number {
  const own = intValue(table, OBJ_ACCESS_CONTROL, a, ACL_ACL, ssid);
  if (ssid > 0 && own !== NONE) return own;
  if (intValue(table, OBJ_ACCESS_CONTROL, a, ACL_OWNER, NONE) === ssid) return FULL;
  const dflt = intValue(table, OBJ_ACCESS_CONTROL, a, ACL_ACL, 0);
  return dflt !== NONE ? dflt : 0;
}

/** True when access control is in force: more than one Server account and object 2 enabled. */
export function accessControlActive(table: ObjectTable): boolean {
  return table.instanceCount(1) > 1 && table.hasObject(OBJ_ACCESS_CONTROL);
}

export function checkAccess(table: ObjectTable, ssid: number, op: AccessOp, o: number, i: number): boolean {
  if (o === 0) return false;
  if (!accessControlActive(table)) return true;
  if (o === OBJ_ACCESS_CONTROL) {
    if (op === AccessOp.Read) return true;
    if (op === AccessOp.Create || op === AccessOp.Execute) return false;
    return i >= 0 && intValue(table, OBJ_ACCESS_CONTROL, i, ACL_OWNER, NONE) === ssid;
  }
  const a = findAcl(table, o, op === AccessOp.Create ? ACL_MAX_ID : i);
  if (a < 0) return false;
  return (aclMask(table, a, ssid) & op) !== 0;
}

function setInt(table: ObjectTable, a: number, r: number, ri: number, v: number): number {
  scratch.clear();
  scratch.o = OBJ_ACCESS_CONTROL; scratch.i = a; scratch.r = r; scratch.ri = ri;
  scratch.type = ValueType.Integer; scratch.num = v;
  return table.setValue(scratch);
}

/** After LwM2M Server `ownerSsid` created /o/i in a multi-server setup: creates the Access Control
 *  instance for it with that server as Access Control Owner (which gives it every right; other
 *  servers get none until the owner writes the ACL). Returns the new /2 instance id, the existing
 *  one when there is already an instance for /o/i, or a negative code (-4.04 when object 2 is not
 *  enabled, -5.00/-4.13 when the table is full; nothing is left half-made). */
export function createAclFor(table: ObjectTable, o: number, i: number, ownerSsid: number): number {
  if (!table.hasObject(OBJ_ACCESS_CONTROL)) return -Code.NOT_FOUND;
  const existing = findAcl(table, o, i);
  if (existing >= 0) return existing;
  const a = table.freeInstanceId(OBJ_ACCESS_CONTROL);
  if (a < 0) return a;
  let rc = table.createInstance(OBJ_ACCESS_CONTROL, a);
  if (rc < 0) return rc;
  rc = setInt(table, a, ACL_OBJECT_ID, NONE, o);
  if (rc === 0) rc = setInt(table, a, ACL_INSTANCE_ID, NONE, i);
  if (rc === 0) rc = setInt(table, a, ACL_OWNER, NONE, ownerSsid);
  if (rc < 0) { table.deleteInstance(OBJ_ACCESS_CONTROL, a); return rc; }
  return a;
}

/** Deletes the Access Control instance of /o/i (when /o/i is deleted). 0, or -4.04 when none. */
export function deleteAclFor(table: ObjectTable, o: number, i: number): number {
  const a = findAcl(table, o, i);
  return a < 0 ? -Code.NOT_FOUND : table.deleteInstance(OBJ_ACCESS_CONTROL, a);
}

/** Sets /2/a/2/ssid (ssid 0: the default ACL) to `mask`. 0 or a negative code. */
export function setAcl(table: ObjectTable, a: number, ssid: number, mask: number): number {
  return setInt(table, a, ACL_ACL, ssid, mask);
}
