// Assembles a client the way a board runs it: the standard objects (0, 1, 2, 3, 4, 3303), the Device,
// Connectivity and Temperature objects bound to the table, and a factory configuration (factory
// bootstrap, TS Core §6.1.2.1) built from a server and/or a bootstrap-server account. Construction
// time only: everything here may allocate.

import type { Config } from '../config.js';
import { DataRecord } from '../model/record.js';
import type { ObjectTable } from '../model/table.js';
import type { ObjectDef } from '../model/defs.js';
import { standardDefs } from '../objects/standard.js';
import { DeviceObject, type DeviceInfo, type DeviceHooks } from '../objects/device.js';
import { ConnectivityObject, type ConnectivityInfo } from '../objects/connectivity.js';
import { TemperatureObject } from '../objects/temperature.js';
import { Lwm2mClient, type ConfigStore } from './client.js';
import { writeAccount, type AccountOptions } from './account.js';
import type { SleepStore } from './persist.js';
import type { Slab } from '../slab.js';
import type { BlockCipherProvider } from '../crypto/provider.js';
import { FirmwareUpdate, FIRMWARE_DEF, type FirmwareOptions } from './firmware.js';
import type { FirmwareStore } from './firmware-store.js';

export interface BoardOptions {
  endpoint: string;
  seed: Uint8Array;
  config?: Partial<Config>;
  server?: AccountOptions;
  bootstrap?: AccountOptions;
  store?: ConfigStore | null;
  provisioning?: Uint8Array | null;
  device?: DeviceInfo;
  hooks?: DeviceHooks;
  connectivity?: ConnectivityInfo;
  extraObjects?: readonly ObjectDef[];
  bootstrapTimeout?: number;
  bootstrapBackoff?: number;
  confirmableNotifications?: boolean;
  version?: string;
  /** Resolves server host names (see ClientOptions.resolveHost). */
  resolveHost?: (name: string) => string | null;
  /** Bootstrap by Bootstrap-Pack-Request (GET /bspack, LwM2M 1.2) instead of POST /bs. */
  bootstrapPack?: boolean;
  /** Objects a Bootstrap-Delete of "/" leaves alone (default [3]: the Device object only). */
  keepOnBootstrapDelete?: readonly number[];
  /** Where the client allocates its typed arrays (default: a slab of its own; src/slab.ts). */
  slab?: Slab;
  /** Cryptographic random bytes for DTLS (the HAL's; see ClientOptions.random). */
  random?: (buf: Uint8Array, off: number, len: number) => void;
  /** Native AES, one provider per DTLS session (see ClientOptions.aes). */
  aes?: () => BlockCipherProvider;
  /** INSECURE development switch: serve any peer (see ClientOptions.acceptUnknownPeers). */
  /** ClientOptions.lowMemory: the staging table and the configuration buffer made when used. */
  lowMemory?: boolean;
  acceptUnknownPeers?: boolean;
  /** The HAL's firmware store: enables Firmware Update (object 5, kept by a Bootstrap-Delete of "/"). */
  firmware?: FirmwareStore;
  firmwareOptions?: FirmwareOptions;
  /** Queue Mode (see ClientOptions.queueMode, queueDtls). */
  queueMode?: boolean;
  queueDtls?: 'keep' | 'resume' | 'full' | 'cid';
  /** Queue Mode, deep sleep that restarts the program (see ClientOptions.sleepStore). */
  sleepStore?: SleepStore | null;
}

export interface Board {
  client: Lwm2mClient;
  device: DeviceObject;
  connectivity: ConnectivityObject;
  temperature: TemperatureObject;
  /** Present when the board has a firmware store (object 5). */
  firmware?: FirmwareUpdate;
}

export function createBoardClient(o: BoardOptions): Board {
  // The standard objects in the editions of the LwM2M version the client registers as.
  const std = standardDefs(o.version ?? '1.1');
  let objects = o.extraObjects ? std.concat(o.extraObjects) : std;
  if (o.firmware) objects = objects.concat([FIRMWARE_DEF]);
  const factory = (o.server || o.bootstrap) ? (t: ObjectTable) => {
    let rc = 0;
    if (o.bootstrap) rc = writeAccount(t, 0, o.bootstrap, true);
    if (rc === 0 && o.server) rc = writeAccount(t, o.bootstrap ? 1 : 0, o.server, false);
    if (rc < 0) throw new Error('factory configuration does not fit (code ' + rc + '): raise config.maxValues / arenaBytes');
  } : undefined;
  const client = new Lwm2mClient({
    endpoint: o.endpoint, seed: o.seed, config: o.config, objects, factory, store: o.store ?? null,
    provisioning: o.provisioning ?? null, bootstrapTimeout: o.bootstrapTimeout, bootstrapBackoff: o.bootstrapBackoff,
    confirmableNotifications: o.confirmableNotifications, version: o.version,
    keepOnBootstrapDelete: o.keepOnBootstrapDelete ?? (o.firmware ? [3, 5] : undefined), bootstrapPack: o.bootstrapPack, resolveHost: o.resolveHost,
    random: o.random, aes: o.aes,
    ...(o.queueMode === true ? { queueMode: true, queueDtls: o.queueDtls, ...(o.sleepStore ? { sleepStore: o.sleepStore } : {}) } : {}),
    // Only when on: a property costs the options object an XS slot on the device.
    ...(o.acceptUnknownPeers === true ? { acceptUnknownPeers: true } : {}),
    ...(o.lowMemory === true ? { lowMemory: true } : {}),
  }, o.slab);
  const device = new DeviceObject(client.table, o.device ?? { manufacturer: 'lwm2m-mcu', model: 'host', serial: '0001', firmwareVersion: '0.1.0' }, o.hooks ?? {});
  const connectivity = new ConnectivityObject(client.table, o.connectivity ?? { ipAddresses: ['127.0.0.1'] });
  const temperature = new TemperatureObject(client.table, { initial: 21.5, minRange: -40, maxRange: 125 });
  const board: Board = { client, device, connectivity, temperature };
  // Only when enabled: a board without object 5 spends no heap slot on it (XS).
  if (o.firmware) board.firmware = new FirmwareUpdate(client, o.firmware, { now: o.hooks?.now, ...o.firmwareOptions });
  return board;
}

export { DataRecord };
export { writeAccount, type AccountOptions };
