// The Moddable entry of lwm2m-mcu: registers the Moddable platform (one ECMA-419 UDP socket, the
// `timer`/`time` clocks, key-value storage, the platform RNG re-keyed at boot, `crypt`'s AES in C)
// and re-exports the public API. An application reaches it as the module "lwm2m-mcu" of the library
// manifest (manifest_lwm2m.json, which maps that specifier to hal/moddable/lwm2m-mcu.ts):
//   "include": ["$(LWM2M_MCU)/manifest_lwm2m.json"]      (the app's manifest.json)
//   import { Lwm2mClient, TemperatureSensor } from "lwm2m-mcu";   (the app's main)
import RNG from "rng";
import { registerPlatform, type Platform } from "../../src/api/platform.js";
import { ModdableHal, reseedRng } from "./hal.js";
import { CryptAes128 } from "./aes.js";
import { openStore } from "./storage.js";
import { LogLevel } from "../hal.js";

export interface ModdablePlatformOptions {
  /** The key-value domain (preference domain on lin) the configuration is kept in (default "lwm2m"). */
  domain?: string;
  /** The least important log level printed with trace() (default INFO: one line per protocol event). */
  logLevel?: LogLevel;
  /** The board's sleep while the client is offline in Queue Mode (the setting lwm2mSleep): "none"
   *  (default), "light" or "deep" — ESP-IDF's sleep on esp32 (hal.ts sleep()); none in the simulator. */
  sleep?: "none" | "light" | "deep";
}

let seeded = false;
let pool = new Uint8Array(0);
let poolPos = 0;

/** The Moddable platform (the default one is registered when "lwm2m-mcu" loads). */
export function moddablePlatform(opts: ModdablePlatformOptions = {}): Platform {
  return {
    name: "moddable",
    // The client draws its seed at construction, before any socket: the RNG is re-keyed first
    // (on the simulators it is unseeded: see reseedRng in hal.ts).
    random(buf: Uint8Array, off: number, len: number): void {
      if (!seeded) { reseedRng(); seeded = true; }
      for (let j = 0; j < len; j++) {
        if (poolPos >= pool.length) { pool = new Uint8Array(RNG.get(64)); poolPos = 0; }
        buf[off + j] = pool[poolPos++];
      }
    },
    open: (o) => new ModdableHal({ port: o.port ?? 0, store: openStore(opts.domain ?? "lwm2m"), logLevel: opts.logLevel ?? LogLevel.INFO, sleep: opts.sleep }),
    aes: () => new CryptAes128(),
    // Before SNTP has set the clock an ESP32 counts from 1970: no Current Time then.
    wallClock: () => { const s = Math.floor(Date.now() / 1000); return s > 1_600_000_000 ? s : 0; },
  };
}

registerPlatform(moddablePlatform());

export { ModdableFirmwareStore } from "./firmware.js";
export * from "../../src/index.js";
