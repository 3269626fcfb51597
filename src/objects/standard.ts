// The object definitions a client enables by default: Security (0), Server (1), Access Control (2),
// Device (3), Connectivity Monitoring (4) and Temperature (3303), from the generated registry
// tables. Applications add their own with `defineObject` (src/model/defs.ts).
import { DefRegistry, type ObjectDef } from '../model/defs.js';
import { OBJ_0, OBJ_1, OBJ_2, OBJ_3, OBJ_4, OBJ_3303, REGISTRY_DEFS } from './defs.generated.js';

export const STANDARD_DEFS: readonly ObjectDef[] = Object.freeze([OBJ_0, OBJ_1, OBJ_2, OBJ_3, OBJ_4, OBJ_3303]);

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
