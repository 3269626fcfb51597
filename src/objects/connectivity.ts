// Connectivity Monitoring object (4), instance 0: network bearer, available bearers, radio signal
// strength, link quality, IP and router addresses. The addresses come from the HAL (the core
// cannot ask the OS); setters for the values that change are allocation-free.
import { NONE, ValueType } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import { setBytes, setNumber, setString } from './values.js';

export const OBJ_CONNECTIVITY = 4;

export const enum ConnRes {
  NetworkBearer = 0, AvailableBearers = 1, SignalStrength = 2, LinkQuality = 3, IpAddresses = 4,
  RouterAddresses = 5, LinkUtilization = 6, Apn = 7, CellId = 8,
}

/** /4/0/0 values (registry/4.xml): 0…20 cellular, 21…40 wireless, 41…50 wireline. */
export const enum Bearer {
  Gsm = 0, Tdscdma = 1, Wcdma = 2, Cdma2000 = 3, Wimax = 4, LteTdd = 5, LteFdd = 6, NbIot = 7,
  Wlan = 21, Bluetooth = 22, Ieee802154 = 23, Ethernet = 41, Dsl = 42, Plc = 43,
}

export interface ConnectivityInfo {
  /** Default Bearer.Ethernet (a host); an ESP32 on Wi-Fi uses Bearer.Wlan. */
  bearer?: number;
  /** Default [bearer]. */
  availableBearers?: readonly number[];
  /** /4/0/4 (mandatory): the client's addresses as text ("192.0.2.7", "2001:db8::7"). */
  ipAddresses?: readonly string[];
  routerAddresses?: readonly string[];
  /** dBm; default 0 (a wired link has none, the resource is mandatory). */
  signalStrength?: number;
  linkQuality?: number;
  apn?: readonly string[];
}

export class ConnectivityObject {
  readonly #table: ObjectTable;

  constructor(table: ObjectTable, info: ConnectivityInfo = {}) {
    this.#table = table;
    if (!table.hasObject(OBJ_CONNECTIVITY)) throw new Error('ConnectivityObject: object 4 is not enabled in the table');
    const o = OBJ_CONNECTIVITY;
    const bearer = info.bearer ?? Bearer.Ethernet;
    let rc = table.createInstance(o, 0);
    if (rc === 0) rc = setNumber(table, o, 0, ConnRes.NetworkBearer, NONE, ValueType.Integer, bearer);
    const avail = info.availableBearers ?? [bearer];
    for (let k = 0; k < avail.length && rc === 0; k++) rc = setNumber(table, o, 0, ConnRes.AvailableBearers, k, ValueType.Integer, avail[k]);
    if (rc === 0) rc = setNumber(table, o, 0, ConnRes.SignalStrength, NONE, ValueType.Integer, info.signalStrength ?? 0);
    if (rc === 0 && info.linkQuality !== undefined) rc = setNumber(table, o, 0, ConnRes.LinkQuality, NONE, ValueType.Integer, info.linkQuality);
    const lists: [number, readonly string[] | undefined][] = [
      [ConnRes.IpAddresses, info.ipAddresses], [ConnRes.RouterAddresses, info.routerAddresses], [ConnRes.Apn, info.apn]];
    for (const [r, list] of lists) {
      if (!list) continue;
      for (let k = 0; k < list.length && rc === 0; k++) rc = setString(table, o, 0, r, k, list[k]);
    }
    if (rc < 0) throw new Error('ConnectivityObject: could not create /4/0 (code ' + rc + '): raise config.maxValues / arenaBytes');
  }

  /** Radio signal strength (dBm) and, when given (≥ 0), link quality. Allocation-free. */
  setSignal(dBm: number, linkQuality = -1): number {
    let rc = setNumber(this.#table, OBJ_CONNECTIVITY, 0, ConnRes.SignalStrength, NONE, ValueType.Integer, dBm);
    if (rc === 0 && linkQuality >= 0) rc = setNumber(this.#table, OBJ_CONNECTIVITY, 0, ConnRes.LinkQuality, NONE, ValueType.Integer, linkQuality);
    return rc;
  }

  /** Replaces IP address k with the text in (buf, off, len) — e.g. after DHCP. Allocation-free. */
  setIpAddress(k: number, buf: Uint8Array, off: number, len: number): number {
    return setBytes(this.#table, OBJ_CONNECTIVITY, 0, ConnRes.IpAddresses, k, ValueType.String, buf, off, len);
  }
}
