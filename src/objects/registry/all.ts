// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Every registry object definition of the project: src/objects/defs.generated.ts and src/objects/registry/<id>.ts.
// For host tools (servers, the CLI): importing this module loads every definition. A device application
// imports the modules of the objects it serves instead.

import type { ObjectDef } from '../../model/defs.js';
import { OBJ_0, OBJ_1, OBJ_2, OBJ_3, OBJ_4, OBJ_5 } from '../defs.generated.js';
import { OBJ_6 } from './6.js';
import { OBJ_7 } from './7.js';
import { OBJ_3200 } from './3200.js';
import { OBJ_3201 } from './3201.js';
import { OBJ_3300 } from './3300.js';
import { OBJ_3301 } from './3301.js';
import { OBJ_3302 } from './3302.js';
import { OBJ_3303 } from './3303.js';
import { OBJ_3304 } from './3304.js';
import { OBJ_3305 } from './3305.js';
import { OBJ_3306 } from './3306.js';
import { OBJ_3308 } from './3308.js';
import { OBJ_3310 } from './3310.js';
import { OBJ_3311 } from './3311.js';
import { OBJ_3312 } from './3312.js';
import { OBJ_3313 } from './3313.js';
import { OBJ_3314 } from './3314.js';
import { OBJ_3315 } from './3315.js';
import { OBJ_3316 } from './3316.js';
import { OBJ_3317 } from './3317.js';
import { OBJ_3318 } from './3318.js';
import { OBJ_3319 } from './3319.js';
import { OBJ_3320 } from './3320.js';
import { OBJ_3321 } from './3321.js';
import { OBJ_3322 } from './3322.js';
import { OBJ_3323 } from './3323.js';
import { OBJ_3324 } from './3324.js';
import { OBJ_3325 } from './3325.js';
import { OBJ_3326 } from './3326.js';
import { OBJ_3327 } from './3327.js';
import { OBJ_3328 } from './3328.js';
import { OBJ_3329 } from './3329.js';
import { OBJ_3330 } from './3330.js';
import { OBJ_3331 } from './3331.js';
import { OBJ_3332 } from './3332.js';
import { OBJ_3333 } from './3333.js';
import { OBJ_3334 } from './3334.js';
import { OBJ_3335 } from './3335.js';
import { OBJ_3336 } from './3336.js';
import { OBJ_3337 } from './3337.js';
import { OBJ_3338 } from './3338.js';
import { OBJ_3339 } from './3339.js';
import { OBJ_3340 } from './3340.js';
import { OBJ_3341 } from './3341.js';
import { OBJ_3342 } from './3342.js';
import { OBJ_3343 } from './3343.js';
import { OBJ_3344 } from './3344.js';
import { OBJ_3345 } from './3345.js';
import { OBJ_3346 } from './3346.js';
import { OBJ_3347 } from './3347.js';
import { OBJ_3348 } from './3348.js';
import { OBJ_3349 } from './3349.js';
import { OBJ_3350 } from './3350.js';

/** Every definition, ascending object id (the newest edition of each). */
export const ALL_REGISTRY_DEFS: readonly ObjectDef[] = Object.freeze([OBJ_0, OBJ_1, OBJ_2, OBJ_3, OBJ_4, OBJ_5, OBJ_6, OBJ_7, OBJ_3200, OBJ_3201, OBJ_3300, OBJ_3301, OBJ_3302, OBJ_3303, OBJ_3304, OBJ_3305, OBJ_3306, OBJ_3308, OBJ_3310, OBJ_3311, OBJ_3312, OBJ_3313, OBJ_3314, OBJ_3315, OBJ_3316, OBJ_3317, OBJ_3318, OBJ_3319, OBJ_3320, OBJ_3321, OBJ_3322, OBJ_3323, OBJ_3324, OBJ_3325, OBJ_3326, OBJ_3327, OBJ_3328, OBJ_3329, OBJ_3330, OBJ_3331, OBJ_3332, OBJ_3333, OBJ_3334, OBJ_3335, OBJ_3336, OBJ_3337, OBJ_3338, OBJ_3339, OBJ_3340, OBJ_3341, OBJ_3342, OBJ_3343, OBJ_3344, OBJ_3345, OBJ_3346, OBJ_3347, OBJ_3348, OBJ_3349, OBJ_3350]);

/** The definition of object `id`, or null. */
export function allRegistryDef(id: number): ObjectDef | null {
  for (let k = 0; k < ALL_REGISTRY_DEFS.length; k++) if (ALL_REGISTRY_DEFS[k].id === id) return ALL_REGISTRY_DEFS[k];
  return null;
}
