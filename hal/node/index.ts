// The Node.js entry of lwm2m-mcu (the package's root on Node): registers the Node platform (dgram
// UDP, a file-backed store, crypto random bytes, the wall clock) and re-exports the public API.
//   import { Lwm2mClient, TemperatureSensor } from 'lwm2m-mcu';
import { randomFillSync } from 'node:crypto';
import { freemem } from 'node:os';
import { registerPlatform, type Platform } from '../../src/api/platform.js';
import { addObjectDefs } from '../../src/api/defs.js';
import { ALL_REGISTRY_DEFS } from '../../src/objects/registry/all.js';
import { NodeHal } from './hal.js';
import { LogLevel } from '../hal.js';

export interface NodePlatformOptions {
  /** JSON file that keeps the configuration between runs (none: memory only). */
  stateFile?: string;
  /** Log level of the platform's log lines (default warnings and errors). */
  logLevel?: LogLevel;
  logger?: (level: LogLevel, msg: string) => void;
}

/** A Node platform (the default one is registered at import; make another for a state file). */
export function nodePlatform(opts: NodePlatformOptions = {}): Platform {
  return {
    name: 'node',
    random: (buf, off, len) => { randomFillSync(buf, off, len); },
    open: (o) => NodeHal.open({ address: o.address ?? '::', port: o.port ?? 0, stateFile: opts.stateFile, logLevel: opts.logLevel ?? LogLevel.WARN, logger: opts.logger }),
    wallClock: () => Math.floor(Date.now() / 1000),
    memoryFree: () => Math.floor(freemem() / 1024),
  };
}

registerPlatform(nodePlatform());
// Objects made by id (new IpsoSensor(3325)) find every registry definition on the host.
addObjectDefs(ALL_REGISTRY_DEFS);

export * from '../../src/index.js';
