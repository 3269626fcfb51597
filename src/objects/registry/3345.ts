// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3345.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3345 Multiple Axis Joystick v1.0 (urn:oma:lwm2m:ext:3345, LwM2M 1.0; registry/3345.xml). */
export const OBJ_3345: ObjectDef = freezeObjectDef({
  id: 3345, version: "1.0", name: "Multiple Axis Joystick", multiple: true, mandatory: false,
  resources: [
    { id: 5500, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: false, name: "Digital Input State" },
    { id: 5501, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Digital Input Counter" },
    { id: 5702, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "X Value" },
    { id: 5703, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Y Value" },
    { id: 5704, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Z Value" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
  ],
});
