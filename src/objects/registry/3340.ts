// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3340.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3340 Timer v1.0 (urn:oma:lwm2m:ext:3340, LwM2M 1.0; registry/3340.xml). */
export const OBJ_3340: ObjectDef = freezeObjectDef({
  id: 3340, version: "1.0", name: "Timer", multiple: true, mandatory: false,
  resources: [
    { id: 5501, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Digital Input Counter" },
    { id: 5521, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Delay Duration" },
    { id: 5523, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Trigger" },
    { id: 5525, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Minimum Off-time" },
    { id: 5526, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Timer Mode", rangeMin: 0, rangeMax: 4 },
    { id: 5534, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Counter" },
    { id: 5538, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Remaining Time" },
    { id: 5543, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: false, name: "Digital State" },
    { id: 5544, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Cumulative Time" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 5850, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "On/Off" },
  ],
});
