// Temperature object (3303, IPSO): Sensor Value 5700 set by the application (marking it changed
// for observations), Units 5701 ("Cel" by default), Min/Max Measured Value 5601/5602 tracked on
// every set, Min/Max Range 5603/5604, Reset Min and Max 5605 (executable), Application Type 5750.
import { Code } from '../coap/codes.js';
import { DataRecord, NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { getNumber, setNumber, setString } from './values.js';

export const OBJ_TEMPERATURE = 3303;

export const enum TempRes {
  MinMeasured = 5601, MaxMeasured = 5602, MinRange = 5603, MaxRange = 5604, ResetMinMax = 5605,
  SensorValue = 5700, Units = 5701, ApplicationType = 5750,
}

export interface TemperatureOptions {
  /** Instance ids to create; default [0]. */
  instances?: readonly number[];
  /** 5701, default "Cel" (UCUM, as the IPSO guidelines use). */
  units?: string;
  minRange?: number;
  maxRange?: number;
  applicationType?: string;
  /** Initial sensor value (the resource is mandatory); default 0. */
  initial?: number;
}

export class TemperatureObject {
  readonly #table: ObjectTable;

  constructor(table: ObjectTable, opts: TemperatureOptions = {}) {
    this.#table = table;
    this.input = table.slab.f64(3); // the table's slab: a view costs XS fewer slots than an array of its own
    if (!table.hasObject(OBJ_TEMPERATURE)) throw new Error('TemperatureObject: object 3303 is not enabled in the table');
    table.bindExecute(OBJ_TEMPERATURE, TempRes.ResetMinMax, (i) => this.resetMinMax(i));
    const ids = opts.instances ?? [0];
    let rc = 0;
    for (let k = 0; k < ids.length && rc === 0; k++) {
      const i = ids[k];
      rc = table.createInstance(OBJ_TEMPERATURE, i);
      if (rc === 0) rc = setString(table, OBJ_TEMPERATURE, i, TempRes.Units, NONE, opts.units ?? 'Cel');
      if (rc === 0 && opts.minRange !== undefined) rc = setNumber(table, OBJ_TEMPERATURE, i, TempRes.MinRange, NONE, ValueType.Float, opts.minRange);
      if (rc === 0 && opts.maxRange !== undefined) rc = setNumber(table, OBJ_TEMPERATURE, i, TempRes.MaxRange, NONE, ValueType.Float, opts.maxRange);
      if (rc === 0 && opts.applicationType !== undefined) rc = setString(table, OBJ_TEMPERATURE, i, TempRes.ApplicationType, NONE, opts.applicationType);
      if (rc === 0) rc = this.set(opts.initial ?? 0, i);
    }
    if (rc < 0) throw new Error('TemperatureObject: could not create /3303 (code ' + rc + '): raise config.maxInstances / maxValues / arenaBytes');
  }

  /** The value update() stores. Write it, then call update(): the allocation-free way to feed a
   *  reading (V8 boxes a fractional double passed as an argument to a call it does not inline). */
  readonly input: Float64Array;
  readonly #rec = new DataRecord();

  /** Sets Sensor Value of instance i (default 0) and updates min/max measured. The table's
   *  change listener sees /3303/i/5700 (and 5601/5602 when they move). */
  set(value: number, i = 0): number {
    this.input[0] = value;
    return this.update(i);
  }

  /** set() of input[0]. */
  update(i: number): number {
    const t = this.#table, r = this.#rec, f = this.input;
    let rc = storeInput(t, r, f, i, TempRes.SensorValue);
    if (rc < 0) return rc;
    // Min and max measured: compared in the Float64Array, never through a double-valued call. The
    // record is getNumber's scratch too (a bound reader would fill it): storeInput sets it up again.
    if (t.getNumber(OBJ_TEMPERATURE, i, TempRes.MinMeasured, NONE, f, 1, r) !== 0 || f[0] < f[1]) {
      rc = storeInput(t, r, f, i, TempRes.MinMeasured);
    }
    if (rc === 0 && (t.getNumber(OBJ_TEMPERATURE, i, TempRes.MaxMeasured, NONE, f, 2, r) !== 0 || f[0] > f[2])) {
      rc = storeInput(t, r, f, i, TempRes.MaxMeasured);
    }
    return rc;
  }

  /** The current Sensor Value of instance i (NaN when absent). */
  get(i = 0): number {
    return getNumber(this.#table, OBJ_TEMPERATURE, i, TempRes.SensorValue, NONE, NaN);
  }

  /** Execute 5605: min and max measured restart from the current value. */
  resetMinMax(i = 0): number {
    const t = this.#table;
    if (!t.hasInstance(OBJ_TEMPERATURE, i)) return -Code.NOT_FOUND;
    const v = this.get(i);
    if (v !== v) { // NaN: no value yet
      t.deleteValues(OBJ_TEMPERATURE, i, TempRes.MinMeasured);
      t.deleteValues(OBJ_TEMPERATURE, i, TempRes.MaxMeasured);
      return 0;
    }
    const rc = setNumber(t, OBJ_TEMPERATURE, i, TempRes.MinMeasured, NONE, ValueType.Float, v);
    return rc < 0 ? rc : setNumber(t, OBJ_TEMPERATURE, i, TempRes.MaxMeasured, NONE, ValueType.Float, v);
  }
}

/** Stores input[0] as the Float /3303/i/res through the record r. (A module function, not a private
 *  method: under XS (xsnap), with a private method here the heap kept the last client alive after
 *  gc(), as test-host/xs's footprint probe showed.) */
function storeInput(t: ObjectTable, r: DataRecord, input: Float64Array, i: number, res: TempRes): number {
  r.clear();
  r.o = OBJ_TEMPERATURE; r.i = i; r.r = res; r.type = ValueType.Float;
  r.num = input[0];
  return t.setValue(r);
}
