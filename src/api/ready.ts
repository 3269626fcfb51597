// Ready objects, each on its OMA registry definition: the IPSO sensor family as one class
// parameterised by object id (Sensor Value 5700, Units 5701, Min/Max Measured 5601/5602 with their
// Reset 5605, Min/Max Range 5603/5604, Application Type 5750), the three-axis sensors, the
// actuators and inputs, Location (6) and Connectivity Statistics (7). Anjay's IPSO basic sensor
// and Zephyr's IPSO objects are the models; only resources the definition has are used.
//
// The hot setters (IpsoSensor.set, ThreeAxisSensor.set, the inputs' set/press) are small so that an
// optimising engine inlines them: the number goes into the client's Float64Array at once, and the
// work that follows takes no double argument (V8 would box one: an allocation per call).
import { NONE } from '../model/record.js';
import type { ObjectDef } from '../model/defs.js';
import { Lwm2mError, Lwm2mCode, pathText } from './errors.js';
import { LwObject, ObjectInstance, type ObjectHost, type ObjectOptions, type Reply, type Value } from './object.js';
import { objectDef } from './defs.js';
import { OBJ_6 } from '../objects/registry/6.js';
import { OBJ_7 } from '../objects/registry/7.js';
import { OBJ_3200 } from '../objects/registry/3200.js';
import { OBJ_3201 } from '../objects/registry/3201.js';
import { OBJ_3300 } from '../objects/registry/3300.js';
import { OBJ_3301 } from '../objects/registry/3301.js';
import { OBJ_3303 } from '../objects/registry/3303.js';
import { OBJ_3304 } from '../objects/registry/3304.js';
import { OBJ_3306 } from '../objects/registry/3306.js';
import { OBJ_3311 } from '../objects/registry/3311.js';
import { OBJ_3313 } from '../objects/registry/3313.js';
import { OBJ_3314 } from '../objects/registry/3314.js';
import { OBJ_3315 } from '../objects/registry/3315.js';
import { OBJ_3316 } from '../objects/registry/3316.js';
import { OBJ_3317 } from '../objects/registry/3317.js';
import { OBJ_3318 } from '../objects/registry/3318.js';
import { OBJ_3319 } from '../objects/registry/3319.js';
import { OBJ_3320 } from '../objects/registry/3320.js';
import { OBJ_3321 } from '../objects/registry/3321.js';
import { OBJ_3322 } from '../objects/registry/3322.js';
import { OBJ_3323 } from '../objects/registry/3323.js';
import { OBJ_3324 } from '../objects/registry/3324.js';
import { OBJ_3325 } from '../objects/registry/3325.js';
import { OBJ_3326 } from '../objects/registry/3326.js';
import { OBJ_3327 } from '../objects/registry/3327.js';
import { OBJ_3328 } from '../objects/registry/3328.js';
import { OBJ_3329 } from '../objects/registry/3329.js';
import { OBJ_3330 } from '../objects/registry/3330.js';
import { OBJ_3331 } from '../objects/registry/3331.js';
import { OBJ_3334 } from '../objects/registry/3334.js';
import { OBJ_3342 } from '../objects/registry/3342.js';
import { OBJ_3346 } from '../objects/registry/3346.js';
import { OBJ_3347 } from '../objects/registry/3347.js';

const SENSOR_VALUE = 5700, UNITS = 5701, MIN_MEASURED = 5601, MAX_MEASURED = 5602, MIN_RANGE = 5603, MAX_RANGE = 5604,
  RESET_MIN_MAX = 5605, RESET_CUMULATIVE = 5822, APPLICATION_TYPE = 5750, SENSOR_TYPE = 5751, TIMESTAMP = 5518;

function defOf(d: ObjectDef | number, what: string): ObjectDef {
  if (typeof d !== 'number') return d;
  const def = objectDef(d);
  if (def === null) throw new Lwm2mError(`${what}: object ${d}'s definition is not in this build (generate it with \`lwm2m-mcu gen-object ${d}\` and pass the definition)`);
  return def;
}

/** Initial values: `extra` for the resources the definition has (optional resources it lacks are
 *  left out; a value the application asked for that the definition lacks is a mistake). */
function withValues(def: ObjectDef, opts: ObjectOptions, extra: { [rid: number]: Value | undefined }, asked: readonly number[]): ObjectOptions {
  const values: { [rid: number]: Value | readonly Value[] } = { ...(opts.values ?? {}) };
  const has = (rid: number) => def.resources.some((r) => r.id === rid);
  for (const key of Object.keys(extra)) {
    const rid = Number(key), v = extra[rid];
    if (v === undefined) continue;
    if (!has(rid)) {
      if (asked.indexOf(rid) >= 0) throw new Lwm2mError(`object ${def.id} (${def.name}) has no resource ${rid}: leave that option out`);
      continue;
    }
    if (values[rid] === undefined) values[rid] = v;
  }
  return { ...opts, values };
}

/** The position of instance i among the object's instances (its slot in per-instance state). */
function slotOf(ob: LwObject, i: number): number {
  const hs = ob.instances;
  for (let k = 0; k < hs.length; k++) if (hs[k].id === i) return k;
  return -1;
}

function noInstance(ob: LwObject, i: number, rid: number): boolean {
  const h = ob.hostOf();
  if (h === null) throw new Lwm2mError(`object ${ob.id}: give the object to a Lwm2mClient (options.objects) before setting values`);
  h.error(new Lwm2mError(`object ${ob.id} has no instance ${i}`, pathText(ob.id, i, rid, NONE)));
  return false;
}

// ------------------------------------------------------------------------------------ IPSO sensors

export interface SensorOptions extends ObjectOptions {
  /** Sensor Units 5701 (UCUM: "Cel", "%RH", "lx", "Pa", "V", "A", "W", …). */
  units?: string;
  /** Min/Max Range Value 5603/5604: what the sensor can measure. */
  range?: readonly [number, number];
  /** Application Type 5750. */
  applicationType?: string;
  /** Sensor Type 5751 (objects that have it). */
  sensorType?: string;
  /** The first Sensor Value (mandatory resource); default 0. */
  initial?: number;
  /** Read on demand: a server's Read of 5700 calls it (min/max measured are then not tracked). */
  read?: (instance: number) => number;
}

/** An IPSO sensor of the 3300 family (3300 generic, 3301 illuminance, 3303 temperature, 3304
 *  humidity, 3316 voltage, 3317 current, 3323 pressure, 3328 power, …): `set(value)` updates the
 *  Sensor Value and the min/max measured; Execute 5605 resets them. */
export class IpsoSensor extends LwObject {
  /** Min and max measured of each instance slot (NaN: none yet): a view of the client's slab, made
   *  when a client adopts the object (init). */
  #mm!: Float64Array;
  readonly #initial: number;
  readonly #trackMin: boolean;
  readonly #trackMax: boolean;

  constructor(def: ObjectDef | number, opts: SensorOptions = {}) {
    const d = defOf(def, 'IpsoSensor');
    if (!d.resources.some((r) => r.id === SENSOR_VALUE)) throw new Lwm2mError(`IpsoSensor: object ${d.id} (${d.name}) has no Sensor Value (5700): it is not an IPSO sensor; use LwObject`);
    const range = opts.range;
    if (range !== undefined && !(range.length === 2 && range[0] <= range[1])) throw new Lwm2mError(`object ${d.id}: range must be [min, max] with min <= max`);
    const o: ObjectOptions = withValues(d, opts, {
      [UNITS]: opts.units, [MIN_RANGE]: range?.[0], [MAX_RANGE]: range?.[1], [APPLICATION_TYPE]: opts.applicationType, [SENSOR_TYPE]: opts.sensorType,
    }, [...(opts.units !== undefined ? [UNITS] : []), ...(range ? [MIN_RANGE, MAX_RANGE] : []), ...(opts.applicationType !== undefined ? [APPLICATION_TYPE] : []), ...(opts.sensorType !== undefined ? [SENSOR_TYPE] : [])]);
    const read = opts.read;
    super(d, read ? { ...o, onRead: { ...(o.onRead ?? {}), [SENSOR_VALUE]: (i: number) => read(i) } } : o);
    this.#initial = opts.initial ?? 0;
    this.#trackMin = !read && this.resourceIndex(MIN_MEASURED) >= 0;
    this.#trackMax = !read && this.resourceIndex(MAX_MEASURED) >= 0;
  }

  protected override init(): void {
    this.#mm = (this.hostOf() as ObjectHost).table.slab.f64(2 * this.maxInstances).fill(NaN);
    if (this.hasReader(SENSOR_VALUE)) return;
    // The first value is a placeholder (the resource is mandatory): min/max measured start with the first set().
    const host = this.hostOf() as { num: Float64Array };
    for (const h of this.instances) {
      host.num[0] = this.#initial;
      if (!this.storeNumber(h.id, SENSOR_VALUE, NONE)) throw new Lwm2mError(`object ${this.id}: the initial Sensor Value does not fit: raise sizes.maxValues`);
    }
  }

  /** Sets Sensor Value 5700 of instance `instance` (default 0) and the min/max measured. Observers
   *  are notified per their attributes. Allocation-free; false (and onError) when it does not fit. */
  set(value: number, instance = 0): boolean {
    const h = this.hostOf();
    if (h === null) return noInstance(this, instance, SENSOR_VALUE);
    h.num[0] = value;
    return this.#update(instance);
  }

  #update(i: number): boolean {
    const slot = slotOf(this, i);
    if (slot < 0) return noInstance(this, i, SENSOR_VALUE);
    if (!this.storeNumber(i, SENSOR_VALUE, NONE)) return false;
    const num = (this.hostOf() as { num: Float64Array }).num, mm = this.#mm, v = num[0], a = 2 * slot;
    let ok = true;
    if (this.#trackMin && !(mm[a] <= v)) { mm[a] = v; ok = this.storeNumber(i, MIN_MEASURED, NONE); }
    if (this.#trackMax && !(mm[a + 1] >= v)) { mm[a + 1] = v; ok = this.storeNumber(i, MAX_MEASURED, NONE) && ok; }
    return ok;
  }

  /** The Sensor Value of instance `instance` (NaN when it has none). */
  get(instance = 0): number {
    const h = this.hostOf();
    return h !== null && this.readNumber(instance, SENSOR_VALUE, NONE, 1) ? h.num[1] : NaN;
  }

  /** Min/max measured restart from the current value (what Execute 5605 does). */
  resetMinMax(instance = 0): boolean {
    const slot = slotOf(this, instance), h = this.hostOf();
    if (slot < 0 || h === null) return noInstance(this, instance, RESET_MIN_MAX);
    this.#mm[2 * slot] = NaN; this.#mm[2 * slot + 1] = NaN;
    if (!this.readNumber(instance, SENSOR_VALUE, NONE, 0)) {
      this.clearValues(instance, MIN_MEASURED); this.clearValues(instance, MAX_MEASURED);
      return true;
    }
    return this.#update(instance);
  }

  protected override onServerExecute(rid: number, args: string, i: number): Reply {
    if (rid === RESET_CUMULATIVE) { this.set(0, i); return undefined; }
    if (rid !== RESET_MIN_MAX) return super.onServerExecute(rid, args, i);
    this.resetMinMax(i);
    return undefined;
  }
}

/** Sensor factories by name: one class each, on the registry definition of its id. */
/** A ready sensor class (typed explicitly: the package's declarations must name it, TS4094). */
export type SensorClass = new (opts?: SensorOptions) => IpsoSensor;

function sensorClass(def: ObjectDef, name: string, units: string): SensorClass {
  const C = class extends IpsoSensor {
    constructor(opts: SensorOptions = {}) { super(def, units ? { units, ...opts } : opts); }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

export const GenericSensor = sensorClass(OBJ_3300, 'GenericSensor', '');
export const IlluminanceSensor = sensorClass(OBJ_3301, 'IlluminanceSensor', 'lx');
export const TemperatureSensor = sensorClass(OBJ_3303, 'TemperatureSensor', 'Cel');
export const HumiditySensor = sensorClass(OBJ_3304, 'HumiditySensor', '%RH');
export const Barometer = sensorClass(OBJ_3315, 'Barometer', 'hPa');
export const VoltageSensor = sensorClass(OBJ_3316, 'VoltageSensor', 'V');
export const CurrentSensor = sensorClass(OBJ_3317, 'CurrentSensor', 'A');
export const FrequencySensor = sensorClass(OBJ_3318, 'FrequencySensor', 'Hz');
export const DepthSensor = sensorClass(OBJ_3319, 'DepthSensor', 'm');
export const PercentageSensor = sensorClass(OBJ_3320, 'PercentageSensor', '%');
export const AltitudeSensor = sensorClass(OBJ_3321, 'AltitudeSensor', 'm');
export const LoadSensor = sensorClass(OBJ_3322, 'LoadSensor', 'kg');
export const PressureSensor = sensorClass(OBJ_3323, 'PressureSensor', 'Pa');
export const LoudnessSensor = sensorClass(OBJ_3324, 'LoudnessSensor', 'dB');
export const ConcentrationSensor = sensorClass(OBJ_3325, 'ConcentrationSensor', 'ppm');
export const AciditySensor = sensorClass(OBJ_3326, 'AciditySensor', 'pH');
export const ConductivitySensor = sensorClass(OBJ_3327, 'ConductivitySensor', 'S/m');
export const PowerSensor = sensorClass(OBJ_3328, 'PowerSensor', 'W');
export const PowerFactorSensor = sensorClass(OBJ_3329, 'PowerFactorSensor', '');
export const DistanceSensor = sensorClass(OBJ_3330, 'DistanceSensor', 'm');
export const EnergySensor = sensorClass(OBJ_3331, 'EnergySensor', 'Wh');
export const RateSensor = sensorClass(OBJ_3346, 'RateSensor', '');

// ------------------------------------------------------------------------------------ three-axis

const X_VALUE = 5702, Y_VALUE = 5703, Z_VALUE = 5704, MIN_X = 5508;

export interface ThreeAxisOptions extends ObjectOptions {
  units?: string;
  range?: readonly [number, number];
  applicationType?: string;
}

/** Accelerometer (3313), Magnetometer (3314), Gyrometer (3334): set(x, y, z); where the object has
 *  them, the min/max of each axis (5508…5513) are tracked and Execute 5605 resets them. */
export class ThreeAxisSensor extends LwObject {
  /** Per instance slot: min X, max X, min Y, max Y, min Z, max Z (NaN: none yet); the client's slab's (init). */
  #mm!: Float64Array;
  readonly #axes: number;
  readonly #track: boolean;

  constructor(def: ObjectDef | number, opts: ThreeAxisOptions = {}) {
    const d = defOf(def, 'ThreeAxisSensor');
    if (!d.resources.some((r) => r.id === X_VALUE)) throw new Lwm2mError(`ThreeAxisSensor: object ${d.id} (${d.name}) has no X Value (5702)`);
    const range = opts.range;
    super(d, withValues(d, opts, { [UNITS]: opts.units, [MIN_RANGE]: range?.[0], [MAX_RANGE]: range?.[1], [APPLICATION_TYPE]: opts.applicationType, [X_VALUE]: 0, [Y_VALUE]: 0, [Z_VALUE]: 0 },
      [...(opts.units !== undefined ? [UNITS] : []), ...(range ? [MIN_RANGE, MAX_RANGE] : [])]));
    this.#axes = this.resourceIndex(Z_VALUE) >= 0 ? 3 : this.resourceIndex(Y_VALUE) >= 0 ? 2 : 1;
    this.#track = this.resourceIndex(MIN_X) >= 0;
  }

  protected override init(): void { this.#mm = (this.hostOf() as ObjectHost).table.slab.f64(6 * this.maxInstances).fill(NaN); }

  /** Sets X, Y (when the object has it) and Z (when it has it). Allocation-free. */
  set(x: number, y: number, z: number, instance = 0): boolean {
    const h = this.hostOf();
    if (h === null) return noInstance(this, instance, X_VALUE);
    h.num[1] = y; h.num[2] = z; h.num[3] = x;
    return this.#update(instance);
  }

  #update(i: number): boolean {
    const num = (this.hostOf() as { num: Float64Array }).num, slot = slotOf(this, i);
    if (slot < 0) return noInstance(this, i, X_VALUE);
    const mm = this.#mm;
    let ok = true;
    for (let a = 0; a < this.#axes && ok; a++) {
      const v = num[a === 0 ? 3 : a], q = 6 * slot + 2 * a;
      num[0] = v;
      ok = this.storeNumber(i, X_VALUE + a, NONE);
      if (ok && this.#track && !(mm[q] <= v)) { mm[q] = v; ok = this.storeNumber(i, MIN_X + 2 * a, NONE); }
      if (ok && this.#track && !(mm[q + 1] >= v)) { mm[q + 1] = v; num[0] = v; ok = this.storeNumber(i, MIN_X + 2 * a + 1, NONE); }
    }
    return ok;
  }

  protected override onServerExecute(rid: number, args: string, i: number): Reply {
    if (rid !== RESET_MIN_MAX) return super.onServerExecute(rid, args, i);
    const slot = slotOf(this, i), h = this.hostOf();
    if (slot < 0 || h === null) return Lwm2mCode.NotFound;
    this.#mm.fill(NaN, 6 * slot, 6 * slot + 6);
    for (let a = 0; a < this.#axes; a++) {
      if (!this.readNumber(i, X_VALUE + a, NONE, 1)) continue;
      h.num[0] = h.num[1];
      this.storeNumber(i, MIN_X + 2 * a, NONE); this.storeNumber(i, MIN_X + 2 * a + 1, NONE);
      this.#mm[6 * slot + 2 * a] = h.num[1]; this.#mm[6 * slot + 2 * a + 1] = h.num[1];
    }
    return undefined;
  }
}

export class Accelerometer extends ThreeAxisSensor { constructor(opts: ThreeAxisOptions = {}) { super(OBJ_3313, { units: 'm/s2', ...opts }); } }
export class Magnetometer extends ThreeAxisSensor { constructor(opts: ThreeAxisOptions = {}) { super(OBJ_3314, { units: 'T', ...opts }); } }
export class Gyrometer extends ThreeAxisSensor { constructor(opts: ThreeAxisOptions = {}) { super(OBJ_3334, { units: 'deg/s', ...opts }); } }

// ------------------------------------------------------------------------------------ inputs

const INPUT_STATE = 5500, INPUT_COUNTER = 5501, COUNTER_RESET = 5505;

export interface InputOptions extends ObjectOptions {
  applicationType?: string;
}

/** A digital input (Push Button 3347, On/Off Switch 3342, Digital Input 3200): set(state) updates
 *  Digital Input State 5500 and counts the rising edges in 5501. */
export class DigitalInputObject extends LwObject {
  constructor(def: ObjectDef | number, opts: InputOptions = {}) {
    const d = defOf(def, 'DigitalInputObject');
    if (!d.resources.some((r) => r.id === INPUT_STATE)) throw new Lwm2mError(`object ${d.id} (${d.name}) has no Digital Input State (5500)`);
    super(d, withValues(d, opts, { [INPUT_STATE]: false, [INPUT_COUNTER]: 0, [APPLICATION_TYPE]: opts.applicationType },
      opts.applicationType !== undefined ? [APPLICATION_TYPE] : []));
  }

  /** The input's state; a rising edge counts (5501). Allocation-free. */
  set(on: boolean, instance = 0): boolean {
    const h = this.hostOf();
    if (h === null) return noInstance(this, instance, INPUT_STATE);
    if (!this.readNumber(instance, INPUT_STATE, NONE, 1)) return noInstance(this, instance, INPUT_STATE);
    const was = h.num[1] !== 0;
    h.num[0] = on ? 1 : 0;
    if (!this.storeNumber(instance, INPUT_STATE, NONE)) return false;
    if (on && !was && this.resourceIndex(INPUT_COUNTER) >= 0) {
      h.num[0] = this.readNumber(instance, INPUT_COUNTER, NONE, 1) ? h.num[1] + 1 : 1;
      return this.storeNumber(instance, INPUT_COUNTER, NONE);
    }
    return true;
  }

  /** The current state. */
  get(instance = 0): boolean {
    const h = this.hostOf();
    return h !== null && this.readNumber(instance, INPUT_STATE, NONE, 1) && h.num[1] !== 0;
  }

  /** The rising edges counted (5501). */
  count(instance = 0): number {
    const h = this.hostOf();
    return h !== null && this.readNumber(instance, INPUT_COUNTER, NONE, 1) ? h.num[1] : 0;
  }

  protected override onServerExecute(rid: number, args: string, i: number): Reply {
    if (rid !== COUNTER_RESET) return super.onServerExecute(rid, args, i);
    const h = this.hostOf();
    if (h !== null) { h.num[0] = 0; this.storeNumber(i, INPUT_COUNTER, NONE); }
    return undefined;
  }
}

/** Push Button (3347): press() (state on, counter + 1), release(). */
export class PushButton extends DigitalInputObject {
  constructor(opts: InputOptions = {}) { super(OBJ_3347, opts); }
  press(instance = 0): boolean { return this.set(true, instance); }
  release(instance = 0): boolean { return this.set(false, instance); }
}

/** On/Off Switch (3342): an input the user flips; set(on). */
export class OnOffSwitch extends DigitalInputObject {
  constructor(opts: InputOptions = {}) { super(OBJ_3342, opts); }
}

/** Digital Input (3200); Execute 5505 resets the counter. */
export class DigitalInput extends DigitalInputObject {
  constructor(opts: InputOptions = {}) { super(OBJ_3200, opts); }
}

// ------------------------------------------------------------------------------------ actuators

const ON_OFF = 5850, DIMMER = 5851, COLOUR = 5706, OUTPUT_STATE = 5550;

export interface ActuatorOptions extends ObjectOptions {
  /** A server switched it (On/Off 5850, or Digital Output State 5550): drive the hardware; refuse
   *  by returning false or a code (the value stays). */
  onSwitch?: (on: boolean, instance: number) => Reply;
  /** A server dimmed it (5851, 0…100 %). */
  onDimmer?: (level: number, instance: number) => Reply;
  /** A server set its colour (5706). */
  onColour?: (colour: string, instance: number) => Reply;
  /** The initial state (default off). */
  on?: boolean;
  applicationType?: string;
}

/** An actuator switched by a server: Light Control (3311), Actuation (3306), Digital Output (3201).
 *  The application reports its own changes with setOn()/setDimmer(). */
export class Actuator extends LwObject {
  readonly #switchRid: number;
  readonly #a: ActuatorOptions;

  constructor(def: ObjectDef | number, opts: ActuatorOptions = {}) {
    const d = defOf(def, 'Actuator');
    const has = (rid: number) => d.resources.some((r) => r.id === rid);
    const sw = has(ON_OFF) ? ON_OFF : has(OUTPUT_STATE) ? OUTPUT_STATE : -1;
    if (sw < 0) throw new Lwm2mError(`Actuator: object ${d.id} (${d.name}) has no On/Off (5850) or Digital Output State (5550)`);
    if (opts.onDimmer && !has(DIMMER)) throw new Lwm2mError(`object ${d.id} (${d.name}) has no Dimmer (5851): leave onDimmer out`);
    if (opts.onColour && !has(COLOUR)) throw new Lwm2mError(`object ${d.id} (${d.name}) has no Colour (5706): leave onColour out`);
    super(d, withValues(d, opts, { [sw]: opts.on === true, [APPLICATION_TYPE]: opts.applicationType }, opts.applicationType !== undefined ? [APPLICATION_TYPE] : []));
    this.#switchRid = sw;
    this.#a = opts;
  }

  protected override hasWriter(rid: number): boolean {
    return rid === this.#switchRid || rid === DIMMER || rid === COLOUR || super.hasWriter(rid);
  }

  protected override onServerWrite(rid: number, value: Value, i: number, ri: number): Reply {
    const a = this.#a;
    if (rid === this.#switchRid && a.onSwitch) return a.onSwitch(value === true, i);
    if (rid === DIMMER && a.onDimmer) return a.onDimmer(value as number, i);
    if (rid === COLOUR && a.onColour) return a.onColour(value as string, i);
    return super.onServerWrite(rid, value, i, ri);
  }

  /** The application switched it itself. Allocation-free. */
  setOn(on: boolean, instance = 0): boolean {
    const h = this.hostOf();
    if (h === null) return noInstance(this, instance, this.#switchRid);
    h.num[0] = on ? 1 : 0;
    return this.storeNumber(instance, this.#switchRid, NONE);
  }

  isOn(instance = 0): boolean {
    const h = this.hostOf();
    return h !== null && this.readNumber(instance, this.#switchRid, NONE, 1) && h.num[1] !== 0;
  }

  /** Dimmer 5851 (0…100). */
  setDimmer(level: number, instance = 0): boolean {
    const h = this.hostOf();
    if (h === null) return noInstance(this, instance, DIMMER);
    h.num[0] = level;
    return this.storeNumber(instance, DIMMER, NONE);
  }
}

export class LightControl extends Actuator { constructor(opts: ActuatorOptions = {}) { super(OBJ_3311, opts); } }
export class Actuation extends Actuator { constructor(opts: ActuatorOptions = {}) { super(OBJ_3306, opts); } }
export class DigitalOutput extends Actuator { constructor(opts: ActuatorOptions = {}) { super(OBJ_3201, opts); } }

// ------------------------------------------------------------------------------------ Location, Connectivity Statistics

/** Location (6): set(latitude, longitude[, altitude]) with the Timestamp (5) from `now`. */
export class Location extends LwObject {
  readonly #now: () => number;
  constructor(opts: ObjectOptions & { now?: () => number } = {}) {
    const d = OBJ_6;
    super(d, withValues(d, opts, { 0: 0, 1: 0, 5: 0 }, []));
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Latitude and longitude in degrees, altitude in m (NaN: none), and the timestamp. */
  set(latitude: number, longitude: number, altitude = NaN): boolean {
    const h = this.hostOf();
    if (h === null) return noInstance(this, 0, 0);
    h.num[1] = longitude; h.num[2] = altitude; h.num[0] = latitude;
    return this.#update();
  }

  #update(): boolean {
    const num = (this.hostOf() as { num: Float64Array }).num;
    let ok = this.storeNumber(0, 0, NONE);
    num[0] = num[1]; ok = ok && this.storeNumber(0, 1, NONE);
    if (num[2] === num[2]) { num[0] = num[2]; ok = ok && this.storeNumber(0, 2, NONE); }
    num[0] = Math.floor(this.#now());
    return ok && this.storeNumber(0, 5, NONE);
  }
}

/** Connectivity Statistics (7): count(txBytes, rxBytes) while collecting; Execute 6 Start resets
 *  and starts, Execute 7 Stop stops (TS: the counters are kept until the next Start). */
export class ConnectivityStatistics extends LwObject {
  #collecting = true;
  /** Bytes sent and received, the largest message and the message count since Start. */
  readonly #n = new Float64Array(4);
  constructor(opts: ObjectOptions = {}) {
    const d = OBJ_7;
    super(d, withValues(d, opts, { 2: 0, 3: 0, 4: 0, 5: 0 }, []));
  }

  /** Counts one message: its bytes sent and received go to Tx Data / Rx Data (2, 3: kB), Max and
   *  Average Message Size (4, 5: B). Allocation-free. */
  count(txBytes: number, rxBytes: number): boolean {
    const h = this.hostOf();
    if (h === null || !this.#collecting) return false;
    const n = this.#n, num = h.num;
    n[0] += txBytes; n[1] += rxBytes; n[3]++;
    if (txBytes + rxBytes > n[2]) n[2] = txBytes + rxBytes;
    num[0] = Math.floor(n[0] / 1024); let ok = this.storeNumber(0, 2, NONE);
    num[0] = Math.floor(n[1] / 1024); ok = this.storeNumber(0, 3, NONE) && ok;
    num[0] = n[2]; ok = this.storeNumber(0, 4, NONE) && ok;
    num[0] = Math.round((n[0] + n[1]) / n[3]); ok = this.storeNumber(0, 5, NONE) && ok;
    return ok;
  }

  protected override onServerExecute(rid: number, args: string, i: number): Reply {
    if (rid === 6) { // Start: the counters restart from 0
      const h = this.hostOf();
      this.#n.fill(0);
      if (h !== null) for (const r of [2, 3, 4, 5]) { h.num[0] = 0; this.storeNumber(0, r, NONE); }
      this.#collecting = true;
      return undefined;
    }
    if (rid === 7) { this.#collecting = false; return undefined; }
    return super.onServerExecute(rid, args, i);
  }
}

export { ObjectInstance };
