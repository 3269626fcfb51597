// The seam between the ready objects and the object definitions: objectDef(id) is the registry
// definition of object `id` among those this build has. Today: src/objects/defs.generated.ts (0…7,
// 3303, 3311, 3347). The per-object modules src/objects/registry/<id>.ts (OBJ_<id>) add the rest of
// the IPSO family; applications that want a small build pass a definition (`new IpsoSensor(OBJ_3325)`)
// instead of an id.
import type { ObjectDef } from '../model/defs.js';
import { REGISTRY_DEFS } from '../objects/defs.generated.js';

const extra: ObjectDef[] = [];

/** Makes definitions known to objectDef() (a generated module may register itself). */
export function addObjectDefs(defs: readonly ObjectDef[]): void {
  for (const d of defs) if (objectDef(d.id) === null) extra.push(d);
}

export function objectDef(id: number): ObjectDef | null {
  for (let k = 0; k < REGISTRY_DEFS.length; k++) if (REGISTRY_DEFS[k].id === id) return REGISTRY_DEFS[k];
  for (let k = 0; k < extra.length; k++) if (extra[k].id === id) return extra[k];
  return null;
}
