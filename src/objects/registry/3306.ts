// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3306.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3306 Actuation v1.1 (urn:oma:lwm2m:ext:3306:1.1, LwM2M 1.0; registry/3306.xml). */
export const OBJ_3306: ObjectDef = freezeObjectDef({
  id: 3306, version: "1.1", name: "Actuation", multiple: true, mandatory: false,
  resources: [
    { id: 5518, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Timestamp" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 5850, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "On/Off" },
    { id: 5851, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Dimmer", rangeMin: 0, rangeMax: 100 },
    { id: 5852, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "On time" },
    { id: 5853, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Multi-state Output" },
    { id: 6050, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Fractional Timestamp", rangeMin: 0, rangeMax: 1 },
  ],
});
