// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3348.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3348 Multi-state Selector v1.1 (urn:oma:lwm2m:ext:3348:1.1, LwM2M 1.0; registry/3348.xml). */
export const OBJ_3348: ObjectDef = freezeObjectDef({
  id: 3348, version: "1.1", name: "Multi-state Selector", multiple: true, mandatory: false,
  resources: [
    { id: 5518, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Timestamp" },
    { id: 5547, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Multi-state Input" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 6050, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Fractional Timestamp", rangeMin: 0, rangeMax: 1 },
  ],
});
