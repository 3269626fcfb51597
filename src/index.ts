// lwm2m-mcu: the one entry point of the application API. Everything an application needs — the
// client, the object classes (generic and ready), the error and code constants, the object
// definitions it may register — and nothing internal. An engine's entry module (hal/node/index.ts
// on Node; Moddable and Espruino: their lwm2m-mcu module) registers the platform and re-exports this.
export { Lwm2mClient } from './api/client.js';
export type { ClientOptions, Account, DeviceOptions, DeviceControl, ServerInfo, Unreachable } from './api/client.js';
export { LwObject, ObjectInstance } from './api/object.js';
export type { ObjectOptions, Value, ObjectLink, Reply, WriteCallback, ExecuteCallback, ReadCallback } from './api/object.js';
export { Lwm2mError, Lwm2mCode } from './api/errors.js';
export { registerPlatform } from './api/platform.js';
export type { Platform, Transport, OpenOptions } from './api/platform.js';
export { EventKind } from './api/event-kind.js';
export type { ObjectDef, ResourceDef } from './model/defs.js';
export type { Config as Sizes } from './config.js';
export type { FirmwareStore } from './client/firmware-store.js';
export {
  IpsoSensor, GenericSensor, IlluminanceSensor, TemperatureSensor, HumiditySensor, Barometer, VoltageSensor, CurrentSensor,
  FrequencySensor, DepthSensor, PercentageSensor, AltitudeSensor, LoadSensor, PressureSensor, LoudnessSensor,
  ConcentrationSensor, AciditySensor, ConductivitySensor, PowerSensor, PowerFactorSensor, DistanceSensor, EnergySensor, RateSensor,
  ThreeAxisSensor, Accelerometer, Magnetometer, Gyrometer,
  DigitalInputObject, PushButton, OnOffSwitch, DigitalInput,
  Actuator, LightControl, Actuation, DigitalOutput, Location, ConnectivityStatistics,
} from './api/ready.js';
export type { SensorOptions, ThreeAxisOptions, InputOptions, ActuatorOptions, SensorClass } from './api/ready.js';
export { objectDef, addObjectDefs } from './api/defs.js';
export { defineObject } from './api/define.js';
export type { ObjectSpec, ResourceSpec, TypeName } from './api/define.js';
