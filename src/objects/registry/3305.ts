// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3305.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';

/** 3305 Power Measurement v1.1 (urn:oma:lwm2m:ext:3305:1.1, LwM2M 1.0; registry/3305.xml). */
export const OBJ_3305: ObjectDef = freezeObjectDef({
  id: 3305, version: "1.1", name: "Power Measurement", multiple: true, mandatory: false,
  resources: [
    { id: 5518, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Timestamp" },
    { id: 5605, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Reset Min and Max Measured Values" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 5800, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: true, name: "Instantaneous active power" },
    { id: 5801, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Min Measured active power" },
    { id: 5802, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Max Measured active power" },
    { id: 5803, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Min Range active power" },
    { id: 5804, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Max Range active power" },
    { id: 5805, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Cumulative active power" },
    { id: 5806, type: ValueType.Float, ops: Op.W, multiple: false, mandatory: false, name: "Active Power Calibration" },
    { id: 5810, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Instantaneous reactive power" },
    { id: 5811, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Min Measured reactive power" },
    { id: 5812, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Max Measured reactive power" },
    { id: 5813, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Min Range reactive power" },
    { id: 5814, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Max Range reactive power" },
    { id: 5815, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Cumulative reactive power" },
    { id: 5816, type: ValueType.Float, ops: Op.W, multiple: false, mandatory: false, name: "Reactive Power Calibration" },
    { id: 5820, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Power factor" },
    { id: 5821, type: ValueType.Float, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Current Calibration" },
    { id: 5822, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Reset Cumulative energy" },
    { id: 6042, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Measurement Quality Indicator", rangeMin: 0, rangeMax: 23 },
    { id: 6049, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Measurement Quality Level", rangeMin: 0, rangeMax: 100 },
    { id: 6050, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Fractional Timestamp", rangeMin: 0, rangeMax: 1 },
  ],
});
