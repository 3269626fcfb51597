// The object definitions a client enables by default: Security (0), Server (1), Access Control (2),
// Device (3), Connectivity Monitoring (4) and Temperature (3303), from the generated registry
// tables. Applications add their own with `defineObject` (src/model/defs.ts).
//
// Editions: an object's version must be one the LwM2M version the client registers as knows (the
// Server object 1.2 is LwM2M 1.2's: a client registering as lwm2m=1.1 announces and serves </1>;ver=1.1).
// For each object the newest edition whose DDF <LWM2MVersion> is not above the client's is taken,
// from registry/ and registry/version_history/ (standardDefs). Connectivity Monitoring (4) has no
// LwM2M 1.0 edition in the registry: a 1.0 client keeps its v1.3.
import { DefRegistry, type ObjectDef } from '../model/defs.js';
import { REGISTRY_DEFS, REGISTRY_EDITIONS } from './defs.generated.js';

const STANDARD_IDS = [0, 1, 2, 3, 4, 3303];

/** "1.1" → 1001 (major·1000 + minor), for comparing versions. */
function versionNumber(v: string): number {
  const dot = v.indexOf('.');
  return dot < 0 ? Number(v) * 1000 : Number(v.slice(0, dot)) * 1000 + Number(v.slice(dot + 1));
}

/** The edition of object o for a client of LwM2M version `lwm2m`: the newest whose LwM2M version is
 *  not above it; the oldest there is when every edition is newer; null for an object not generated. */
export function editionFor(o: number, lwm2m: string): ObjectDef | null {
  const want = versionNumber(lwm2m);
  let best: ObjectDef | null = null, oldest: ObjectDef | null = null;
  for (let k = 0; k < REGISTRY_EDITIONS.length; k++) {
    const e = REGISTRY_EDITIONS[k];
    if (e.def.id !== o) continue;
    if (oldest === null) oldest = e.def; // ascending object version
    if (versionNumber(e.lwm2m) <= want) best = e.def;
  }
  return best ?? oldest;
}

/** The standard objects in the editions for LwM2M version `lwm2m` (construction time). */
export function standardDefs(lwm2m: string): readonly ObjectDef[] {
  return Object.freeze(STANDARD_IDS.map((o) => editionFor(o, lwm2m) as ObjectDef));
}

/** The standard objects for the default LwM2M version the client registers as (ClientOptions.version, "1.1"). */
export const STANDARD_DEFS: readonly ObjectDef[] = standardDefs('1.1');

/** A registry of the standard objects plus `extra` (application objects, or more registry
 *  objects such as OBJ_5 firmware update). Construction time; throws DefError on duplicates. */
export function standardRegistry(extra: readonly ObjectDef[] = []): DefRegistry {
  const reg = new DefRegistry(STANDARD_DEFS);
  for (let k = 0; k < extra.length; k++) reg.add(extra[k]);
  return reg;
}

/** The registry definition of object `o` among the generated ones, or null. */
export function registryDef(o: number): ObjectDef | null {
  for (let k = 0; k < REGISTRY_DEFS.length; k++) if (REGISTRY_DEFS[k].id === o) return REGISTRY_DEFS[k];
  return null;
}
