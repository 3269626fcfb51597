// espruino-sensor: the moddable-sensor device on Espruino. Temperature (IPSO 3303) from the chip's
// E.getTemperature() and a humidity (3304) reading, a relay on Light Control 3311 with digitalWrite,
// a Push Button 3347 from setWatch. Build: npx lwm2m-mcu espruino-build app.ts --settings
// "lwm2mEndpoint=… lwm2mServer=coap://…" (test-host/espruino/sensor.test.ts runs it from Storage in
// 16,383 variables against the host server).
import { Lwm2mClient, TemperatureSensor, HumiditySensor, LightControl, PushButton, settings, accounts, boardSizes } from 'lwm2m-mcu';

const RELAY = D2; // the relay's pin (an ESP32 DevKit's LED is on D2)
const BUTTON = D0; // the BOOT button, pulled up: low while pressed

const s = settings();
// One instance each and no room for a server's Create (maxInstances 1): the board's table is small.
const temperature = new TemperatureSensor({ range: [-40, 125], maxInstances: 1 });
const humidity = new HumiditySensor({ range: [0, 100], maxInstances: 1 });
const relay = new LightControl({
  maxInstances: 1,
  onSwitch: (on) => { digitalWrite(RELAY, on ? 1 : 0); print('relay ' + (on ? 'on' : 'off')); },
});
const button = new PushButton({ maxInstances: 1 });
setWatch((e) => { if (e.state) button.release(); else button.press(); }, BUTTON, { repeat: true, edge: 'both', debounce: 20 });

const a = accounts(); // lwm2mServer / lwm2mBootstrap with lwm2mPskIdentity and lwm2mPskKey (hex)
const client = new Lwm2mClient({
  endpoint: String(s.lwm2mEndpoint || 'espruino-sensor'),
  server: a.server, bootstrap: a.bootstrap,
  objects: [temperature, humidity, relay, button],
  sizes: { ...boardSizes(), maxValues: 72 }, // the board's table holds 48 values: these objects need more
  device: { manufacturer: 'ACME', model: 'espruino-sensor' },
  onRegistered: (srv) => print('registered with ' + srv.uri),
  onUnreachable: (w) => print('server unreachable: ' + w.reason),
  onError: (e) => print('lwm2m error: ' + e.message),
});

// The humidity sensor here is a stand-in that follows the temperature (wire a real one's reading in).
let n = 0;
function sample(): void {
  let t = E.getTemperature();
  if (t !== t) t = 20 + (n++ % 10) / 2; // no sensor (Espruino for Linux: NaN): a simulated reading
  t = Math.round(t * 10) / 10;
  temperature.set(t);
  humidity.set(Math.max(0, Math.min(100, Math.round(60 - t))));
}
sample();
setInterval(sample, 5000);
client.start();
