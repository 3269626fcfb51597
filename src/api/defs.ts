// The seam between objects made by id (`new IpsoSensor(3325)`, the CLI's --object) and the object
// definitions: objectDef(id) is the registry definition of object `id` among those this build knows:
// src/objects/defs.generated.ts always, and what an entry module adds (hal/node/index.ts adds every
// registry module, src/objects/registry/all.ts). The ready classes import their own definition
// modules (src/objects/registry/<id>.ts); a device application that wants a small build passes a
// definition (`new IpsoSensor(OBJ_3325)`) instead of an id.
import type { ObjectDef } from '../model/defs.js';
import { REGISTRY_DEFS } from '../objects/defs.generated.js';

// (Replaced, never written into: on a device the modules are preloaded and their objects frozen.)
let extra: readonly ObjectDef[] = [];

/** Makes definitions known to objectDef() (construction time). */
export function addObjectDefs(defs: readonly ObjectDef[]): void {
  extra = extra.concat(defs.filter((d) => objectDef(d.id) === null));
}

export function objectDef(id: number): ObjectDef | null {
  for (let k = 0; k < REGISTRY_DEFS.length; k++) if (REGISTRY_DEFS[k].id === id) return REGISTRY_DEFS[k];
  for (let k = 0; k < extra.length; k++) if (extra[k].id === id) return extra[k];
  return null;
}
