// The espruino-esp32 board's device app (build/espruino/lwm2m-mcu.js runs it), written on the public
// API as any user's app is: three IPSO sensors — Temperature 3303 (the chip's E.getTemperature()),
// Humidity 3304 and Barometer 3315 (stand-ins that follow it: wire a real sensor's readings into
// sample()) — with the board's objects 0…4 (and 5, Firmware Update, with lwm2mFirmware=1). The
// settings baked in by `make espruino SETTINGS="lwm2mEndpoint=… lwm2mServer=coap://10.0.0.5:5683 …"`
// (host/espruino-build.ts defines LWM2M_SETTINGS), each overridden by the Storage file lwm2m.json on
// the device (e.g. require("Storage").writeJSON("lwm2m.json", {lwm2mEndpoint: "dev-42"})); the
// board's sizes from boards/espruino-esp32/config.json. The running client is global `lwm2m` for
// the REPL (lwm2m.stop() de-registers).
import {
  Lwm2mClient, TemperatureSensor, HumiditySensor, Barometer, EventKind, espruinoPlatform, settings, accounts, boardSizes,
  type ClientOptions,
} from './index.js';
import { EspruinoHal } from './hal.js';
import { EspruinoFirmwareStore } from './firmware.js';
import { LogLevel } from '../hal.js';

declare const LWM2M_T0: number;

const temperature = new TemperatureSensor({ range: [-40, 125], maxInstances: 1 });
const humidity = new HumiditySensor({ range: [0, 100], maxInstances: 1 });
const barometer = new Barometer({ range: [300, 1100], maxInstances: 1 });

/** One reading of each sensor (Espruino for Linux has no temperature sensor: NaN, a simulated one). */
let n = 0;
function sample(): void {
  let t = E.getTemperature();
  if (t !== t) t = 20 + (n++ % 10) / 2;
  t = Math.round(t * 10) / 10;
  temperature.set(t);
  humidity.set(Math.max(0, Math.min(100, Math.round(60 - t))));
  barometer.set(Math.round(10132 - t * 2) / 10);
}

/** Reads the settings and makes the client (nothing made here outlives it but the client: on
 *  Espruino a closure keeps every variable of the scope it was made in). */
function makeClient(): Lwm2mClient {
  const s = settings();
  const str = (k: string): string => (s[k] === undefined || s[k] === null ? '' : String(s[k]));
  const endpoint = str('lwm2mEndpoint') || 'lwm2m-mcu';
  const sizes = boardSizes();
  // lwm2mQueueMode=1: Queue Mode (binding UQ, the socket released while offline, the state kept for
  // a restart); lwm2mQueueTime: seconds reachable after the last exchange (0: 93). Baked in only
  // (not lwm2m.json), as lwm2mFirmware: the build keeps Queue Mode's code only then.
  const queue = !!(LWM2M_SETTINGS && LWM2M_SETTINGS.lwm2mQueueMode);
  if (queue && Number(s.lwm2mQueueTime ?? 0) > 0) sizes.queueTime = Number(s.lwm2mQueueTime) * 1000;
  const hal = new EspruinoHal({ port: Number(s.lwm2mLocalPort ?? 0), logLevel: LogLevel.INFO, peerCache: sizes.maxPeers,
    sleep: str('lwm2mSleep') as 'deep' || undefined }); // lwm2mSleep: none (default), light, deep (ESP32)
  const a = accounts();
  hal.log(LogLevel.INFO, 'lwm2m-mcu: endpoint ' + endpoint + ', server ' + (a.server ? a.server.uri : '-') + ', bootstrap ' + (a.bootstrap ? a.bootstrap.uri : '-'));
  // Object 5 (lwm2mFirmware=1): the bundle in the other Storage slot (firmware.ts, loaded only then).
  // Baked in only (not lwm2m.json): the build keeps object 5's definition only then.
  const restart = (): void => { setTimeout(() => E.reboot(), 200); }; // after the logs went out
  const fw = LWM2M_SETTINGS && LWM2M_SETTINGS.lwm2mFirmware
    ? new EspruinoFirmwareStore({ hal: hal, storage: require('Storage'), bytesToString: (b: Uint8Array) => E.toString(b), restart: restart }) : undefined;
  if (fw) hal.log(LogLevel.INFO, 'lwm2m-mcu: firmware slot ' + fw.slot + ', ' + fw.maxSize + ' bytes');
  const o: ClientOptions & { engineHooks?: { acceptUnknownPeers?: boolean } } = {
    endpoint: endpoint, server: a.server, bootstrap: a.bootstrap, sizes: sizes, platform: espruinoPlatform(hal),
    storage: 'config', // Storage files lwm2m.config.0/1 (hal/espruino/storage.ts); the sleep state: lwm2m.config.sleep.0/1
    objects: [temperature, humidity, barometer], firmware: fw,
    // lwm2mQueueDtls: what a DTLS session becomes across a sleep: resume (default), keep, full, cid.
    queueMode: queue, queueDtls: queue && str('lwm2mQueueDtls') ? str('lwm2mQueueDtls') as 'cid' : undefined,
    device: {
      manufacturer: 'lwm2m-mcu', model: str('lwm2mBoard') || 'espruino', serial: endpoint, firmwareVersion: str('lwm2mFirmwareVersion') || '0.1.0',
      // After the 2.04 of the Execute has gone out.
      onReboot: () => { setTimeout(() => hal.reboot(), 0); },
      onFactoryReset: () => { setTimeout(() => hal.factoryReset(), 0); },
    },
    onEvent: (kind: number, x: number) => {
      if (kind === EventKind.Registered) hal.log(LogLevel.INFO, 'lwm2m-mcu: registered, ' + Math.round((getTime() - LWM2M_T0) * 1000) + ' ms after start');
      else if (kind === EventKind.BootstrapFinished) hal.log(LogLevel.INFO, 'lwm2m-mcu: bootstrap finished');
      else if (kind === EventKind.Deregistered) hal.log(LogLevel.INFO, 'lwm2m-mcu: deregistered');
      // Queue Mode's events by number (src/client/events.ts Ev; not in EventKind).
      else if (kind === 50) hal.log(LogLevel.INFO, 'lwm2m-mcu: queue mode: offline');
      else if (kind === 53) hal.log(LogLevel.INFO, 'lwm2m-mcu: resumed from the persisted sleep state: no Register');
      else if (kind === 57) hal.log(LogLevel.INFO, 'lwm2m-mcu: DTLS session taken back with its Connection ID: no handshake');
      else if (kind === 54) hal.log(LogLevel.WARN, 'lwm2m-mcu: the persisted sleep state is not used (reason ' + x + '): registering afresh');
    },
    onError: (e) => hal.log(LogLevel.WARN, 'lwm2m-mcu: ' + e.message),
  };
  // INSECURE development switch (the CLI's --insecure-serve-any-peer): requests from any peer served.
  if (s.lwm2mServeAnyPeer) o.engineHooks = { acceptUnknownPeers: true };
  return new Lwm2mClient(o);
}

const client = makeClient();
LWM2M_SETTINGS = null; // read once: its variables go back to the application
sample(); // (once the client has the objects)
setInterval(sample, 10000);
client.start();
