// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).
// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):
//   registry/0.xml, registry/1.xml, registry/2.xml, registry/3.xml, registry/4.xml, registry/5.xml, registry/6.xml, registry/7.xml, registry/3303.xml, registry/3311.xml, registry/3347.xml, registry/version_history/0-1_0.xml, registry/version_history/0-1_1.xml, registry/version_history/1-1_0.xml, registry/version_history/1-1_1.xml, registry/version_history/3-1_0.xml, registry/version_history/3-1_1.xml
// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):
// redistribution and use in source and binary forms, with or without modification, are permitted
// provided the copyright notice, the conditions and the disclaimer are retained; the name of the
// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.
// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.

import { ValueType } from '../model/record.js';
import { Op, freezeObjectDef, type ObjectDef } from '../model/defs.js';

/** 0 LWM2M Security v1.2 (urn:oma:lwm2m:oma:0:1.2, LwM2M 1.1; registry/0.xml). */
export const OBJ_0: ObjectDef = freezeObjectDef({
  id: 0, version: "1.2", name: "LWM2M Security", multiple: true, mandatory: true,
  resources: [
    { id: 0, type: ValueType.String, ops: 0, multiple: false, mandatory: true, name: "LWM2M Server URI" },
    { id: 1, type: ValueType.Boolean, ops: 0, multiple: false, mandatory: true, name: "Bootstrap-Server" },
    { id: 2, type: ValueType.Integer, ops: 0, multiple: false, mandatory: true, name: "Security Mode", rangeMin: 0, rangeMax: 4 },
    { id: 3, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Public Key or Identity" },
    { id: 4, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Server Public Key" },
    { id: 5, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Secret Key" },
    { id: 6, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "SMS Security Mode", rangeMin: 0, rangeMax: 255 },
    { id: 7, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: false, name: "SMS Binding Key Parameters" },
    { id: 8, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: false, name: "SMS Binding Secret Key(s)" },
    { id: 9, type: ValueType.String, ops: 0, multiple: false, mandatory: false, name: "LwM2M Server SMS Number" },
    { id: 10, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Short Server ID", rangeMin: 1, rangeMax: 65534 },
    { id: 11, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Client Hold Off Time" },
    { id: 12, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Bootstrap-Server Account Timeout" },
    { id: 13, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Matching Type", rangeMin: 0, rangeMax: 3 },
    { id: 14, type: ValueType.String, ops: 0, multiple: false, mandatory: false, name: "SNI" },
    { id: 15, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Certificate Usage", rangeMin: 0, rangeMax: 3 },
    { id: 16, type: ValueType.UnsignedInteger, ops: 0, multiple: true, mandatory: false, name: "DTLS/TLS Ciphersuite" },
    { id: 17, type: ValueType.ObjLnk, ops: 0, multiple: false, mandatory: false, name: "OSCORE Security Mode" },
    { id: 18, type: ValueType.UnsignedInteger, ops: 0, multiple: true, mandatory: false, name: "Groups To Use by Client", rangeMin: 0, rangeMax: 65535 },
    { id: 19, type: ValueType.UnsignedInteger, ops: 0, multiple: true, mandatory: false, name: "Signature Algorithms Supported by Server", rangeMin: 0, rangeMax: 65535 },
    { id: 20, type: ValueType.UnsignedInteger, ops: 0, multiple: true, mandatory: false, name: "Signature Algorithms To Use by Client", rangeMin: 0, rangeMax: 65535 },
    { id: 21, type: ValueType.UnsignedInteger, ops: 0, multiple: true, mandatory: false, name: "Signature Algorithm Certs Supported by Server", rangeMin: 0, rangeMax: 65535 },
    { id: 22, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "TLS 1.3 Features To Use by Client", rangeMin: 0, rangeMax: 65535 },
    { id: 23, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "TLS Extensions Supported by Server", rangeMin: 0, rangeMax: 65535 },
    { id: 24, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "TLS Extensions To Use by Client", rangeMin: 0, rangeMax: 65535 },
    { id: 25, type: ValueType.String, ops: 0, multiple: true, mandatory: false, name: "Secondary LwM2M Server URI" },
    { id: 26, type: ValueType.ObjLnk, ops: 0, multiple: false, mandatory: false, name: "MQTT Server" },
    { id: 27, type: ValueType.ObjLnk, ops: 0, multiple: true, mandatory: false, name: "LwM2M COSE Security" },
    { id: 28, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "RDS Destination Port", rangeMin: 0, rangeMax: 15 },
    { id: 29, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "RDS Source Port", rangeMin: 0, rangeMax: 15 },
    { id: 30, type: ValueType.String, ops: 0, multiple: false, mandatory: false, name: "RDS Application ID" },
  ],
});

/** 1 LwM2M Server v1.2 (urn:oma:lwm2m:oma:1:1.2, LwM2M 1.2; registry/1.xml). */
export const OBJ_1: ObjectDef = freezeObjectDef({
  id: 1, version: "1.2", name: "LwM2M Server", multiple: true, mandatory: true,
  resources: [
    { id: 0, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Short Server ID", rangeMin: 1, rangeMax: 65534 },
    { id: 1, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Lifetime", rangeMin: 0, rangeMax: 2147483647 },
    { id: 2, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Minimum Period", rangeMin: 0, rangeMax: 2147483647 },
    { id: 3, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Maximum Period", rangeMin: 0, rangeMax: 2147483647 },
    { id: 4, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Disable" },
    { id: 5, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Disable Timeout", rangeMin: 0, rangeMax: 2147483647 },
    { id: 6, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Notification Storing When Disabled or Offline" },
    { id: 7, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Binding" },
    { id: 8, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Registration Update Trigger" },
    { id: 9, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Bootstrap-Request Trigger" },
    { id: 10, type: ValueType.ObjLnk, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "APN Link" },
    { id: 11, type: ValueType.UnsignedInteger, ops: Op.R, multiple: false, mandatory: false, name: "TLS-DTLS Alert Code", rangeMin: 0, rangeMax: 255 },
    { id: 12, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Last Bootstrapped" },
    { id: 13, type: ValueType.UnsignedInteger, ops: Op.R, multiple: false, mandatory: false, name: "Registration Priority Order" },
    { id: 14, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Initial Registration Delay Timer", rangeMin: 0, rangeMax: 2147483647 },
    { id: 15, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: false, name: "Registration Failure Block" },
    { id: 16, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: false, name: "Bootstrap on Registration Failure" },
    { id: 17, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Communication Retry Count" },
    { id: 18, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Communication Retry Timer" },
    { id: 19, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Communication Sequence Delay Timer" },
    { id: 20, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Communication Sequence Retry Count" },
    { id: 21, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Trigger" },
    { id: 22, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Preferred Transport" },
    { id: 23, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Mute Send" },
    { id: 24, type: ValueType.ObjLnk, ops: Op.R | Op.W, multiple: true, mandatory: false, name: "Alternate APN Links" },
    { id: 25, type: ValueType.String, ops: Op.R | Op.W, multiple: true, mandatory: false, name: "Supported Server Versions" },
    { id: 26, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Notification Mode", rangeMin: 0, rangeMax: 1 },
    { id: 27, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Profile ID Hash Algorithm", rangeMin: 0, rangeMax: 255 },
  ],
});

/** 2 LwM2M Access Control v1.1 (urn:oma:lwm2m:oma:2:1.1, LwM2M 1.0; registry/2.xml). */
export const OBJ_2: ObjectDef = freezeObjectDef({
  id: 2, version: "1.1", name: "LwM2M Access Control", multiple: true, mandatory: false,
  resources: [
    { id: 0, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Object ID", rangeMin: 1, rangeMax: 65534 },
    { id: 1, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Object Instance ID", rangeMin: 0, rangeMax: 65535 },
    { id: 2, type: ValueType.Integer, ops: Op.R | Op.W, multiple: true, mandatory: false, name: "ACL", rangeMin: 0, rangeMax: 31 },
    { id: 3, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Access Control Owner", rangeMin: 0, rangeMax: 65535 },
  ],
});

/** 3 Device v1.2 (urn:oma:lwm2m:oma:3:1.2, LwM2M 1.1; registry/3.xml). */
export const OBJ_3: ObjectDef = freezeObjectDef({
  id: 3, version: "1.2", name: "Device", multiple: false, mandatory: true,
  resources: [
    { id: 0, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Manufacturer" },
    { id: 1, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Model Number" },
    { id: 2, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Serial Number" },
    { id: 3, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Firmware Version" },
    { id: 4, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Reboot" },
    { id: 5, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Factory Reset" },
    { id: 6, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Available Power Sources", rangeMin: 0, rangeMax: 7 },
    { id: 7, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Power Source Voltage" },
    { id: 8, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Power Source Current" },
    { id: 9, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Battery Level", rangeMin: 0, rangeMax: 100 },
    { id: 10, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Memory Free" },
    { id: 11, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: true, name: "Error Code", rangeMin: 0, rangeMax: 32 },
    { id: 12, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Reset Error Code" },
    { id: 13, type: ValueType.Time, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Current Time" },
    { id: 14, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "UTC Offset" },
    { id: 15, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Timezone" },
    { id: 16, type: ValueType.String, ops: Op.R, multiple: false, mandatory: true, name: "Supported Binding and Modes" },
    { id: 17, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Device Type" },
    { id: 18, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Hardware Version" },
    { id: 19, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Software Version" },
    { id: 20, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Battery Status", rangeMin: 0, rangeMax: 6 },
    { id: 21, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Memory Total" },
    { id: 22, type: ValueType.ObjLnk, ops: Op.R, multiple: true, mandatory: false, name: "ExtDevInfo" },
  ],
});

/** 4 Connectivity Monitoring v1.3 (urn:oma:lwm2m:oma:4:1.3, LwM2M 1.1; registry/4.xml). */
export const OBJ_4: ObjectDef = freezeObjectDef({
  id: 4, version: "1.3", name: "Connectivity Monitoring", multiple: false, mandatory: false,
  resources: [
    { id: 0, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Network Bearer", rangeMin: 0, rangeMax: 50 },
    { id: 1, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: true, name: "Available Network Bearer", rangeMin: 0, rangeMax: 50 },
    { id: 2, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Radio Signal Strength" },
    { id: 3, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Link Quality" },
    { id: 4, type: ValueType.String, ops: Op.R, multiple: true, mandatory: true, name: "IP Addresses" },
    { id: 5, type: ValueType.String, ops: Op.R, multiple: true, mandatory: false, name: "Router IP Addresses" },
    { id: 6, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Link Utilization", rangeMin: 0, rangeMax: 100 },
    { id: 7, type: ValueType.String, ops: Op.R, multiple: true, mandatory: false, name: "APN" },
    { id: 8, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Cell ID" },
    { id: 9, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "SMNC", rangeMin: 0, rangeMax: 999 },
    { id: 10, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "SMCC", rangeMin: 0, rangeMax: 999 },
    { id: 11, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "SignalSNR" },
    { id: 12, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "LAC" },
    { id: 13, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Coverage Enhancement Level", rangeMin: 0, rangeMax: 4 },
  ],
});

/** 5 Firmware Update v1.2 (urn:oma:lwm2m:oma:5:1.2, LwM2M 1.1; registry/5.xml). */
export const OBJ_5: ObjectDef = freezeObjectDef({
  id: 5, version: "1.2", name: "Firmware Update", multiple: false, mandatory: false,
  resources: [
    { id: 0, type: ValueType.Opaque, ops: Op.W, multiple: false, mandatory: true, name: "Package" },
    { id: 1, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Package URI" },
    { id: 2, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Update" },
    { id: 3, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "State", rangeMin: 0, rangeMax: 3 },
    { id: 5, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Update Result", rangeMin: 0, rangeMax: 11 },
    { id: 6, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "PkgName" },
    { id: 7, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "PkgVersion" },
    { id: 8, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Firmware Update Protocol Support", rangeMin: 0, rangeMax: 5 },
    { id: 9, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Firmware Update Delivery Method", rangeMin: 0, rangeMax: 2 },
    { id: 10, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Cancel" },
    { id: 11, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Severity", rangeMin: 0, rangeMax: 2 },
    { id: 12, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Last State Change Time" },
    { id: 13, type: ValueType.UnsignedInteger, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Maximum Defer Period" },
    { id: 14, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Automatic Upgrade at Download" },
  ],
});

/** 6 Location v1.0 (urn:oma:lwm2m:oma:6, LwM2M 1.0; registry/6.xml). */
export const OBJ_6: ObjectDef = freezeObjectDef({
  id: 6, version: "1.0", name: "Location", multiple: false, mandatory: false,
  resources: [
    { id: 0, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: true, name: "Latitude" },
    { id: 1, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: true, name: "Longitude" },
    { id: 2, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Altitude" },
    { id: 3, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Radius" },
    { id: 4, type: ValueType.Opaque, ops: Op.R, multiple: false, mandatory: false, name: "Velocity" },
    { id: 5, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: true, name: "Timestamp" },
    { id: 6, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Speed" },
  ],
});

/** 7 Connectivity Statistics v1.0 (urn:oma:lwm2m:oma:7, LwM2M 1.0; registry/7.xml). */
export const OBJ_7: ObjectDef = freezeObjectDef({
  id: 7, version: "1.0", name: "Connectivity Statistics", multiple: false, mandatory: false,
  resources: [
    { id: 0, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "SMS Tx Counter" },
    { id: 1, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "SMS Rx Counter" },
    { id: 2, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Tx Data" },
    { id: 3, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Rx Data" },
    { id: 4, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Max Message Size" },
    { id: 5, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Average Message Size" },
    { id: 6, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Start" },
    { id: 7, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Stop" },
    { id: 8, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Collection Period" },
  ],
});

/** 3303 Temperature v1.1 (urn:oma:lwm2m:ext:3303:1.1, LwM2M 1.0; registry/3303.xml). */
export const OBJ_3303: ObjectDef = freezeObjectDef({
  id: 3303, version: "1.1", name: "Temperature", multiple: true, mandatory: false,
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
    { id: 6042, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Measurement Quality Indicator", rangeMin: 0, rangeMax: 23 },
    { id: 6049, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Measurement Quality Level", rangeMin: 0, rangeMax: 100 },
    { id: 6050, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Fractional Timestamp", rangeMin: 0, rangeMax: 1 },
  ],
});

/** 3311 Light Control v1.0 (urn:oma:lwm2m:ext:3311, LwM2M 1.0; registry/3311.xml). */
export const OBJ_3311: ObjectDef = freezeObjectDef({
  id: 3311, version: "1.0", name: "Light Control", multiple: true, mandatory: false,
  resources: [
    { id: 5701, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Sensor Units" },
    { id: 5706, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Colour" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 5805, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Cumulative active power" },
    { id: 5820, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Power factor" },
    { id: 5850, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "On/Off" },
    { id: 5851, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Dimmer", rangeMin: 0, rangeMax: 100 },
    { id: 5852, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "On time" },
  ],
});

/** 3347 Push button v1.1 (urn:oma:lwm2m:ext:3347:1.1, LwM2M 1.0; registry/3347.xml). */
export const OBJ_3347: ObjectDef = freezeObjectDef({
  id: 3347, version: "1.1", name: "Push button", multiple: true, mandatory: false,
  resources: [
    { id: 5500, type: ValueType.Boolean, ops: Op.R, multiple: false, mandatory: true, name: "Digital Input State" },
    { id: 5501, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Digital Input Counter" },
    { id: 5518, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Timestamp" },
    { id: 5750, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Application Type" },
    { id: 6050, type: ValueType.Float, ops: Op.R, multiple: false, mandatory: false, name: "Fractional Timestamp", rangeMin: 0, rangeMax: 1 },
  ],
});

/** 0 LWM2M Security v1.0 (urn:oma:lwm2m:oma:0, LwM2M 1.0; registry/version_history/0-1_0.xml). */
export const OBJ_0_V1_0: ObjectDef = freezeObjectDef({
  id: 0, version: "1.0", name: "LWM2M Security", multiple: true, mandatory: true,
  resources: [
    { id: 0, type: ValueType.String, ops: 0, multiple: false, mandatory: true, name: "LWM2M Server URI" },
    { id: 1, type: ValueType.Boolean, ops: 0, multiple: false, mandatory: true, name: "Bootstrap-Server" },
    { id: 2, type: ValueType.Integer, ops: 0, multiple: false, mandatory: true, name: "Security Mode" },
    { id: 3, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Public Key or Identity" },
    { id: 4, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Server Public Key" },
    { id: 5, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Secret Key" },
    { id: 6, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "SMS Security Mode" },
    { id: 7, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: false, name: "SMS Binding Key Parameters" },
    { id: 8, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: false, name: "SMS Binding Secret Key(s)" },
    { id: 9, type: ValueType.String, ops: 0, multiple: false, mandatory: false, name: "LwM2M Server SMS Number" },
    { id: 10, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Short Server ID" },
    { id: 11, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Client Hold Off Time" },
    { id: 12, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Bootstrap-Server Account Timeout" },
  ],
});

/** 0 LWM2M Security v1.1 (urn:oma:lwm2m:oma:0:1.1, LwM2M 1.1; registry/version_history/0-1_1.xml). */
export const OBJ_0_V1_1: ObjectDef = freezeObjectDef({
  id: 0, version: "1.1", name: "LWM2M Security", multiple: true, mandatory: true,
  resources: [
    { id: 0, type: ValueType.String, ops: 0, multiple: false, mandatory: true, name: "LWM2M Server URI" },
    { id: 1, type: ValueType.Boolean, ops: 0, multiple: false, mandatory: true, name: "Bootstrap-Server" },
    { id: 2, type: ValueType.Integer, ops: 0, multiple: false, mandatory: true, name: "Security Mode", rangeMin: 0, rangeMax: 4 },
    { id: 3, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Public Key or Identity" },
    { id: 4, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Server Public Key" },
    { id: 5, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: true, name: "Secret Key" },
    { id: 6, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "SMS Security Mode", rangeMin: 0, rangeMax: 255 },
    { id: 7, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: false, name: "SMS Binding Key Parameters" },
    { id: 8, type: ValueType.Opaque, ops: 0, multiple: false, mandatory: false, name: "SMS Binding Secret Key(s)" },
    { id: 9, type: ValueType.String, ops: 0, multiple: false, mandatory: false, name: "LwM2M Server SMS Number" },
    { id: 10, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Short Server ID", rangeMin: 1, rangeMax: 65534 },
    { id: 11, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Client Hold Off Time" },
    { id: 12, type: ValueType.Integer, ops: 0, multiple: false, mandatory: false, name: "Bootstrap-Server Account Timeout" },
    { id: 13, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Matching Type", rangeMin: 0, rangeMax: 3 },
    { id: 14, type: ValueType.String, ops: 0, multiple: false, mandatory: false, name: "SNI" },
    { id: 15, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Certificate Usage", rangeMin: 0, rangeMax: 3 },
    { id: 16, type: ValueType.UnsignedInteger, ops: 0, multiple: true, mandatory: false, name: "DTLS/TLS Ciphersuite" },
    { id: 17, type: ValueType.ObjLnk, ops: 0, multiple: false, mandatory: false, name: "OSCORE Security Mode" },
  ],
});

/** 1 LwM2M Server v1.0 (urn:oma:lwm2m:oma:1, LwM2M 1.0; registry/version_history/1-1_0.xml). */
export const OBJ_1_V1_0: ObjectDef = freezeObjectDef({
  id: 1, version: "1.0", name: "LwM2M Server", multiple: true, mandatory: true,
  resources: [
    { id: 0, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Short Server ID" },
    { id: 1, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Lifetime", rangeMin: 0, rangeMax: 2147483647 },
    { id: 2, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Minimum Period", rangeMin: 0, rangeMax: 2147483647 },
    { id: 3, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Maximum Period", rangeMin: 0, rangeMax: 2147483647 },
    { id: 4, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Disable" },
    { id: 5, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Disable Timeout", rangeMin: 0, rangeMax: 2147483647 },
    { id: 6, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Notification Storing When Disabled or Offline" },
    { id: 7, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Binding" },
    { id: 8, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Registration Update Trigger" },
  ],
});

/** 1 LwM2M Server v1.1 (urn:oma:lwm2m:oma:1:1.1, LwM2M 1.1; registry/version_history/1-1_1.xml). */
export const OBJ_1_V1_1: ObjectDef = freezeObjectDef({
  id: 1, version: "1.1", name: "LwM2M Server", multiple: true, mandatory: true,
  resources: [
    { id: 0, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: true, name: "Short Server ID", rangeMin: 1, rangeMax: 65534 },
    { id: 1, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Lifetime", rangeMin: 0, rangeMax: 2147483647 },
    { id: 2, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Minimum Period", rangeMin: 0, rangeMax: 2147483647 },
    { id: 3, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Default Maximum Period", rangeMin: 0, rangeMax: 2147483647 },
    { id: 4, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Disable" },
    { id: 5, type: ValueType.Integer, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Disable Timeout", rangeMin: 0, rangeMax: 2147483647 },
    { id: 6, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Notification Storing When Disabled or Offline" },
    { id: 7, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: true, name: "Binding" },
    { id: 8, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Registration Update Trigger" },
    { id: 9, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Bootstrap-Request Trigger" },
    { id: 10, type: ValueType.ObjLnk, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "APN Link" },
    { id: 11, type: ValueType.UnsignedInteger, ops: Op.R, multiple: false, mandatory: false, name: "TLS-DTLS Alert Code", rangeMin: 0, rangeMax: 255 },
    { id: 12, type: ValueType.Time, ops: Op.R, multiple: false, mandatory: false, name: "Last Bootstrapped" },
    { id: 13, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Registration Priority Order" },
    { id: 14, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Initial Registration Delay Timer", rangeMin: 0, rangeMax: 2147483647 },
    { id: 15, type: ValueType.Boolean, ops: 0, multiple: false, mandatory: false, name: "Registration Failure Block" },
    { id: 16, type: ValueType.Boolean, ops: 0, multiple: false, mandatory: false, name: "Bootstrap on Registration Failure" },
    { id: 17, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Communication Retry Count" },
    { id: 18, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Communication Retry Timer" },
    { id: 19, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Communication Sequence Delay Timer" },
    { id: 20, type: ValueType.UnsignedInteger, ops: 0, multiple: false, mandatory: false, name: "Communication Sequence Retry Count" },
    { id: 21, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Trigger" },
    { id: 22, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Preferred Transport" },
    { id: 23, type: ValueType.Boolean, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Mute Send" },
  ],
});

/** 3 Device v1.0 (urn:oma:lwm2m:oma:3, LwM2M 1.0; registry/version_history/3-1_0.xml). */
export const OBJ_3_V1_0: ObjectDef = freezeObjectDef({
  id: 3, version: "1.0", name: "Device", multiple: false, mandatory: true,
  resources: [
    { id: 0, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Manufacturer" },
    { id: 1, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Model Number" },
    { id: 2, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Serial Number" },
    { id: 3, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Firmware Version" },
    { id: 4, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Reboot" },
    { id: 5, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Factory Reset" },
    { id: 6, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Available Power Sources" },
    { id: 7, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Power Source Voltage" },
    { id: 8, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Power Source Current" },
    { id: 9, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Battery Level" },
    { id: 10, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Memory Free" },
    { id: 11, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: true, name: "Error Code" },
    { id: 12, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Reset Error Code" },
    { id: 13, type: ValueType.Time, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Current Time" },
    { id: 14, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "UTC Offset" },
    { id: 15, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Timezone" },
    { id: 16, type: ValueType.String, ops: Op.R, multiple: false, mandatory: true, name: "Supported Binding and Modes" },
    { id: 17, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Device Type" },
    { id: 18, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Hardware Version" },
    { id: 19, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Software Version" },
    { id: 20, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Battery Status" },
    { id: 21, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Memory Total" },
    { id: 22, type: ValueType.ObjLnk, ops: Op.R, multiple: true, mandatory: false, name: "ExtDevInfo" },
  ],
});

/** 3 Device v1.1 (urn:oma:lwm2m:oma:3:1.1, LwM2M 1.1; registry/version_history/3-1_1.xml). */
export const OBJ_3_V1_1: ObjectDef = freezeObjectDef({
  id: 3, version: "1.1", name: "Device", multiple: false, mandatory: true,
  resources: [
    { id: 0, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Manufacturer" },
    { id: 1, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Model Number" },
    { id: 2, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Serial Number" },
    { id: 3, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Firmware Version" },
    { id: 4, type: ValueType.None, ops: Op.E, multiple: false, mandatory: true, name: "Reboot" },
    { id: 5, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Factory Reset" },
    { id: 6, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Available Power Sources", rangeMin: 0, rangeMax: 7 },
    { id: 7, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Power Source Voltage" },
    { id: 8, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: false, name: "Power Source Current" },
    { id: 9, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Battery Level", rangeMin: 0, rangeMax: 100 },
    { id: 10, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Memory Free" },
    { id: 11, type: ValueType.Integer, ops: Op.R, multiple: true, mandatory: true, name: "Error Code", rangeMin: 0, rangeMax: 8 },
    { id: 12, type: ValueType.None, ops: Op.E, multiple: false, mandatory: false, name: "Reset Error Code" },
    { id: 13, type: ValueType.Time, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Current Time" },
    { id: 14, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "UTC Offset" },
    { id: 15, type: ValueType.String, ops: Op.R | Op.W, multiple: false, mandatory: false, name: "Timezone" },
    { id: 16, type: ValueType.String, ops: Op.R, multiple: false, mandatory: true, name: "Supported Binding and Modes" },
    { id: 17, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Device Type" },
    { id: 18, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Hardware Version" },
    { id: 19, type: ValueType.String, ops: Op.R, multiple: false, mandatory: false, name: "Software Version" },
    { id: 20, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Battery Status", rangeMin: 0, rangeMax: 6 },
    { id: 21, type: ValueType.Integer, ops: Op.R, multiple: false, mandatory: false, name: "Memory Total" },
    { id: 22, type: ValueType.ObjLnk, ops: Op.R, multiple: true, mandatory: false, name: "ExtDevInfo" },
  ],
});

/** Every generated definition, ascending object id (the newest edition of each). */
export const REGISTRY_DEFS: readonly ObjectDef[] = Object.freeze([OBJ_0, OBJ_1, OBJ_2, OBJ_3, OBJ_4, OBJ_5, OBJ_6, OBJ_7, OBJ_3303, OBJ_3311, OBJ_3347]);

/** An edition of an object and the LwM2M version it belongs to (the DDF's <LWM2MVersion>). */
export interface ObjectEdition { readonly def: ObjectDef; readonly lwm2m: string }

/** Every edition generated: the newest of each object and the older ones of registry/version_history/,
 *  ascending object id, then ascending object version. */
export const REGISTRY_EDITIONS: readonly ObjectEdition[] = Object.freeze([
  Object.freeze({ def: OBJ_0_V1_0, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_0_V1_1, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_0, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_1_V1_0, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_1_V1_1, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_1, lwm2m: "1.2" }),
  Object.freeze({ def: OBJ_2, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_3_V1_0, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_3_V1_1, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_3, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_4, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_5, lwm2m: "1.1" }),
  Object.freeze({ def: OBJ_6, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_7, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_3303, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_3311, lwm2m: "1.0" }),
  Object.freeze({ def: OBJ_3347, lwm2m: "1.0" }),
]);
