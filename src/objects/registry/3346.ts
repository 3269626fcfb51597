// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3346.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3346 Rate v1.1 (urn:oma:lwm2m:ext:3346:1.1, LwM2M 1.0; registry/3346.xml). */
export const OBJ_3346: ObjectDef = freezeObjectDef({
  id: 3346, version: "1.1", name: "Rate", multiple: true, mandatory: false,
  resources: [
    { id: 5518, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Timestamp" },
    { id: 5601, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Min Measured Value" },
    { id: 5602, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Max Measured Value" },
    { id: 5603, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Min Range Value" },
    { id: 5604, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Max Range Value" },
    { id: 5605, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Reset Min and Max Measured Values" },
    { id: 5700, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: true, name: "Sensor Value" },
    { id: 5701, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Sensor Units" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 5821, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Current Calibration" },
    { id: 6042, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Measurement Quality Indicator", rangeMin: 0, rangeMax: 23 },
    { id: 6049, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Measurement Quality Level", rangeMin: 0, rangeMax: 100 },
    { id: 6050, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Fractional Timestamp", rangeMin: 0, rangeMax: 1 },
  ],
});
