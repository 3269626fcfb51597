// Device object (3), instance 0: identity strings, Reboot (/3/0/4) and Factory Reset (/3/0/5)
// wired to application hooks, Error Code (/3/0/11, multiple) with Reset Error Code (/3/0/12),
// Current Time (/3/0/13) read from a clock hook, Supported Binding and Modes (/3/0/16), battery
// and memory readings. Construct it once, after the ObjectTable, before the client starts.
import { Code } from '../coap/codes.js';
import { NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { getNumber, setNumber, setString } from './values.js';

export const OBJ_DEVICE = 3;

export const enum DeviceRes {
  Manufacturer = 0, ModelNumber = 1, SerialNumber = 2, FirmwareVersion = 3, Reboot = 4, FactoryReset = 5,
  AvailablePowerSources = 6, PowerSourceVoltage = 7, PowerSourceCurrent = 8, BatteryLevel = 9, MemoryFree = 10,
  ErrorCode = 11, ResetErrorCode = 12, CurrentTime = 13, UtcOffset = 14, Timezone = 15, SupportedBinding = 16,
  DeviceType = 17, HardwareVersion = 18, SoftwareVersion = 19, BatteryStatus = 20, MemoryTotal = 21,
}

/** /3/0/11 values (registry/3.xml). */
export const enum DeviceError {
  None = 0, LowBattery = 1, ExternalPowerOff = 2, GpsFailure = 3, LowSignal = 4, OutOfMemory = 5,
  SmsFailure = 6, IpConnectivityFailure = 7, PeripheralMalfunction = 8,
}

export interface DeviceInfo {
  manufacturer?: string;
  model?: string;
  serial?: string;
  firmwareVersion?: string;
  hardwareVersion?: string;
  softwareVersion?: string;
  deviceType?: string;
  /** /3/0/16, default "U" (UDP; this client supports only UDP). */
  supportedBinding?: string;
  utcOffset?: string;
  timezone?: string;
  /** /3/0/6 available power sources (0 DC, 1 internal battery, 2 external battery, 4 PoE, 5 USB…). */
  powerSources?: readonly number[];
  /** /3/0/21 in KiB. */
  memoryTotal?: number;
}

export interface DeviceHooks {
  /** Schedules a reboot; must return before rebooting so 2.04 can be sent. 0 or a negative code. */
  reboot?: () => number;
  /** Schedules a factory reset (same rule). */
  factoryReset?: () => number;
  /** Seconds since the Unix epoch (a wall clock); /3/0/13 is absent without it. */
  now?: () => number;
  /** Free memory in KiB (/3/0/10). */
  memoryFree?: () => number;
}

export class DeviceObject {
  readonly #table: ObjectTable;
  readonly #hooks: DeviceHooks;
  /** Seconds added to hooks.now() after a server wrote /3/0/13. */
  #timeOffset = 0;

  /** Creates /3/0 with the given info and binds the executables and dynamic values. Throws at
   *  construction when object 3 is not enabled or the table is too small. */
  constructor(table: ObjectTable, info: DeviceInfo = {}, hooks: DeviceHooks = {}) {
    this.#table = table;
    this.#hooks = hooks;
    if (!table.hasObject(OBJ_DEVICE)) throw new Error('DeviceObject: object 3 is not enabled in the table');
    table.bindExecute(OBJ_DEVICE, DeviceRes.Reboot, () => (hooks.reboot ? hooks.reboot() : -Code.METHOD_NOT_ALLOWED));
    table.bindExecute(OBJ_DEVICE, DeviceRes.FactoryReset, () => (hooks.factoryReset ? hooks.factoryReset() : -Code.METHOD_NOT_ALLOWED));
    table.bindExecute(OBJ_DEVICE, DeviceRes.ResetErrorCode, () => this.clearErrors());
    if (hooks.now) {
      const now = hooks.now;
      table.bindRead(OBJ_DEVICE, DeviceRes.CurrentTime, (_i, _ri, out) => { out.num = Math.floor(now() + this.#timeOffset); return 0; });
      table.bindWrite(OBJ_DEVICE, DeviceRes.CurrentTime, (rec) => {
        if (rec.type !== ValueType.Time && rec.type !== ValueType.Integer) return -Code.BAD_REQUEST;
        this.#timeOffset = rec.num - now();
        table.markChanged(OBJ_DEVICE, 0, DeviceRes.CurrentTime);
        return 0;
      });
    }
    if (hooks.memoryFree) {
      const mf = hooks.memoryFree;
      table.bindRead(OBJ_DEVICE, DeviceRes.MemoryFree, (_i, _ri, out) => { out.num = mf(); return 0; });
    }
    let rc = table.createInstance(OBJ_DEVICE, 0);
    const str = (r: number, s: string | undefined) => { if (rc === 0 && s !== undefined) rc = setString(table, OBJ_DEVICE, 0, r, NONE, s); };
    str(DeviceRes.Manufacturer, info.manufacturer);
    str(DeviceRes.ModelNumber, info.model);
    str(DeviceRes.SerialNumber, info.serial);
    str(DeviceRes.FirmwareVersion, info.firmwareVersion);
    str(DeviceRes.HardwareVersion, info.hardwareVersion);
    str(DeviceRes.SoftwareVersion, info.softwareVersion);
    str(DeviceRes.DeviceType, info.deviceType);
    str(DeviceRes.SupportedBinding, info.supportedBinding ?? 'U');
    str(DeviceRes.UtcOffset, info.utcOffset);
    str(DeviceRes.Timezone, info.timezone);
    if (rc === 0 && info.powerSources) {
      for (let k = 0; k < info.powerSources.length && rc === 0; k++) {
        rc = setNumber(table, OBJ_DEVICE, 0, DeviceRes.AvailablePowerSources, k, ValueType.Integer, info.powerSources[k]);
      }
    }
    if (rc === 0 && info.memoryTotal !== undefined) rc = setNumber(table, OBJ_DEVICE, 0, DeviceRes.MemoryTotal, NONE, ValueType.Integer, info.memoryTotal);
    if (rc === 0) rc = this.clearErrors();
    if (rc < 0) throw new Error('DeviceObject: could not create /3/0 (code ' + rc + '): raise config.maxValues / arenaBytes');
  }

  /** Adds an error code to /3/0/11 (replacing the "0 = no error" entry); no-op when present. */
  addError(code: DeviceError | number): number {
    const t = this.#table;
    const n = t.valueInstances(OBJ_DEVICE, 0, DeviceRes.ErrorCode); // instances 0…n-1, written only here
    // (getNumber reads through values.ts's one scratch record: no DataRecord of our own, 15 XS slots.)
    for (let ri = 0; ri < n; ri++) {
      if (getNumber(t, OBJ_DEVICE, 0, DeviceRes.ErrorCode, ri, NaN) === code) return 0;
    }
    const onlyNoError = n === 1 && getNumber(t, OBJ_DEVICE, 0, DeviceRes.ErrorCode, 0, NaN) === 0;
    return setNumber(t, OBJ_DEVICE, 0, DeviceRes.ErrorCode, onlyNoError ? 0 : n, ValueType.Integer, code);
  }

  /** Resets /3/0/11 to the single value 0 (no error) — also what Execute /3/0/12 does. */
  clearErrors(): number {
    const t = this.#table;
    t.deleteValues(OBJ_DEVICE, 0, DeviceRes.ErrorCode);
    return setNumber(t, OBJ_DEVICE, 0, DeviceRes.ErrorCode, 0, ValueType.Integer, DeviceError.None);
  }

  /** /3/0/9 battery level (0…100 %) and, when given (≥ 0), /3/0/20 battery status. Allocation-free. */
  setBattery(level: number, status = -1): number {
    let rc = setNumber(this.#table, OBJ_DEVICE, 0, DeviceRes.BatteryLevel, NONE, ValueType.Integer, level);
    if (rc === 0 && status >= 0) rc = setNumber(this.#table, OBJ_DEVICE, 0, DeviceRes.BatteryStatus, NONE, ValueType.Integer, status);
    return rc;
  }

  /** Power source k's voltage (mV, /3/0/7/k) and current (mA, /3/0/8/k). */
  setPowerSource(k: number, millivolts: number, milliamps: number): number {
    let rc = setNumber(this.#table, OBJ_DEVICE, 0, DeviceRes.PowerSourceVoltage, k, ValueType.Integer, millivolts);
    if (rc === 0) rc = setNumber(this.#table, OBJ_DEVICE, 0, DeviceRes.PowerSourceCurrent, k, ValueType.Integer, milliamps);
    return rc;
  }
}
