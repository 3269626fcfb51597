// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3339.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3339 Audio Clip v1.0 (urn:oma:lwm2m:ext:3339, LwM2M 1.0; registry/3339.xml). */
export const OBJ_3339: ObjectDef = freezeObjectDef({
  id: 3339, version: "1.0", name: "Audio Clip", multiple: true, mandatory: false,
  resources: [
    { id: 5522, type: ValueType.Opaque, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Clip" },
    { id: 5523, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Trigger" },
    { id: 5524, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Duration" },
    { id: 5548, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Level", rangeMin: 0, rangeMax: 100 },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
  ],
});
