// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3344.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3344 Up/Down Control v1.0 (urn:oma:lwm2m:ext:3344, LwM2M 1.0; registry/3344.xml). */
export const OBJ_3344: ObjectDef = freezeObjectDef({
  id: 3344, version: "1.0", name: "Up/Down Control", multiple: true, mandatory: false,
  resources: [
    { id: 5532, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: true, name: "Increase Input State" },
    { id: 5533, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: true, name: "Decrease Input State" },
    { id: 5541, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Up Counter" },
    { id: 5542, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Down Counter" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
  ],
});
