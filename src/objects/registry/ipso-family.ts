// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/3300.xml, registry/3301.xml, registry/3303.xml, registry/3304.xml, registry/3313.xml, registry/3314.xml, registry/3315.xml, registry/3316.xml, registry/3317.xml, registry/3318.xml, registry/3319.xml, registry/3320.xml, registry/3321.xml, registry/3322.xml, registry/3323.xml, registry/3324.xml, registry/3325.xml, registry/3326.xml, registry/3327.xml, registry/3328.xml, registry/3329.xml, registry/3330.xml, registry/3331.xml, registry/3334.xml, registry/3346.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.

// The IPSO sensor family: for each sensor object, which of the resources the family shares it defines,
// so that one implementation parameterised by object id serves them all (its types and operations are
// the same in every object that has it; host/gen-objects.ts checks). Masks: bit k ↔ IPSO_RESOURCE_IDS[k].

/** The shared resources, in bit order. */
export const IPSO_RESOURCE_IDS: readonly number[] = Object.freeze([5700, 5701, 5601, 5602, 5603, 5604, 5605, 5750, 5751, 5518, 6050, 6042, 6049, 5821, 5822, 5702, 5703, 5704, 5705, 5508, 5509, 5510, 5511, 5512, 5513]);

/** 5700 Sensor Value: Float, R. */
export const IPSO_SENSOR_VALUE = 0x0000001;
/** 5701 Sensor Units: String, R. */
export const IPSO_SENSOR_UNITS = 0x0000002;
/** 5601 Min Measured Value: Float, R. */
export const IPSO_MIN_MEASURED = 0x0000004;
/** 5602 Max Measured Value: Float, R. */
export const IPSO_MAX_MEASURED = 0x0000008;
/** 5603 Min Range Value: Float, R. */
export const IPSO_MIN_RANGE = 0x0000010;
/** 5604 Max Range Value: Float, R. */
export const IPSO_MAX_RANGE = 0x0000020;
/** 5605 Reset Min and Max Measured Values: Execute. */
export const IPSO_RESET_MIN_MAX = 0x0000040;
/** 5750 Application Type: String, RW. */
export const IPSO_APPLICATION_TYPE = 0x0000080;
/** 5751 Sensor Type: String, R. */
export const IPSO_SENSOR_TYPE = 0x0000100;
/** 5518 Timestamp: Time, R. */
export const IPSO_TIMESTAMP = 0x0000200;
/** 6050 Fractional Timestamp: Float, R. */
export const IPSO_FRACTIONAL_TIMESTAMP = 0x0000400;
/** 6042 Measurement Quality Indicator: Integer, R. */
export const IPSO_QUALITY_INDICATOR = 0x0000800;
/** 6049 Measurement Quality Level: Integer, R. */
export const IPSO_QUALITY_LEVEL = 0x0001000;
/** 5821 Current Calibration: Float, RW. */
export const IPSO_CURRENT_CALIBRATION = 0x0002000;
/** 5822 Reset Cumulative energy: Execute. */
export const IPSO_RESET_CUMULATIVE = 0x0004000;
/** 5702 X Value: Float, R. */
export const IPSO_X_VALUE = 0x0008000;
/** 5703 Y Value: Float, R. */
export const IPSO_Y_VALUE = 0x0010000;
/** 5704 Z Value: Float, R. */
export const IPSO_Z_VALUE = 0x0020000;
/** 5705 Compass Direction: Float, R. */
export const IPSO_COMPASS_DIRECTION = 0x0040000;
/** 5508 Min X Value: Float, R. */
export const IPSO_MIN_X = 0x0080000;
/** 5509 Max X Value: Float, R. */
export const IPSO_MAX_X = 0x0100000;
/** 5510 Min Y Value: Float, R. */
export const IPSO_MIN_Y = 0x0200000;
/** 5511 Max Y Value: Float, R. */
export const IPSO_MAX_Y = 0x0400000;
/** 5512 Min Z Value: Float, R. */
export const IPSO_MIN_Z = 0x0800000;
/** 5513 Max Z Value: Float, R. */
export const IPSO_MAX_Z = 0x1000000;

/** The single-value sensors (Sensor Value 5700), ascending id: pairs of (object id, mask). */
export const IPSO_SENSORS: readonly number[] = Object.freeze([
  3300, 0x0001fff, // Generic Sensor
  3301, 0x0001eff, // Illuminance
  3303, 0x0001eff, // Temperature
  3304, 0x0001eff, // Humidity
  3315, 0x0001eff, // Barometer
  3316, 0x0003eff, // Voltage
  3317, 0x0003eff, // Current
  3318, 0x0003eff, // Frequency
  3319, 0x0003eff, // Depth
  3320, 0x0003eff, // Percentage
  3321, 0x0003eff, // Altitude
  3322, 0x0003eff, // Load
  3323, 0x0003eff, // Pressure
  3324, 0x0003eff, // Loudness
  3325, 0x0003eff, // Concentration
  3326, 0x0003eff, // Acidity
  3327, 0x0003eff, // Conductivity
  3328, 0x0003eff, // Power
  3329, 0x0003eff, // Power Factor
  3330, 0x0003eff, // Distance
  3331, 0x0005e83, // Energy
  3346, 0x0003eff, // Rate
]);

/** The three-axis sensors (X/Y/Z Value 5702–5704), ascending id: pairs of (object id, mask). */
export const IPSO_AXIS_SENSORS: readonly number[] = Object.freeze([
  3313, 0x0039eb2, // Accelerometer
  3314, 0x0079e82, // Magnetometer
  3334, 0x1fb9ef2, // Gyrometer
]);

/** The mask of object `o` in either table; 0 when it is not a sensor of the family. Allocation-free. */
export function ipsoMask(o: number): number {
  for (let k = 0; k < IPSO_SENSORS.length; k += 2) if (IPSO_SENSORS[k] === o) return IPSO_SENSORS[k + 1];
  for (let k = 0; k < IPSO_AXIS_SENSORS.length; k += 2) if (IPSO_AXIS_SENSORS[k] === o) return IPSO_AXIS_SENSORS[k + 1];
  return 0;
}
