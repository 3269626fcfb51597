// espruino-sensor: the moddable-sensor device on Espruino. Temperature (IPSO 3303) from the chip's
// E.getTemperature(), a relay on Light Control 3311 with digitalWrite, a Push Button 3347 from
// setWatch. Build: npx lwm2m-mcu espruino-build app.ts --settings "lwm2mEndpoint=… lwm2mServer=coap://…"
import { Lwm2mClient, TemperatureSensor, LightControl, PushButton, settings, boardSizes } from 'lwm2m-mcu';

const RELAY = D2; // the relay's pin (an ESP32 DevKit's LED is on D2)
const BUTTON = D0; // the BOOT button, pulled up: low while pressed

const s = settings();
const temperature = new TemperatureSensor({ range: [-40, 125] });
const relay = new LightControl({
  onSwitch: (on) => { digitalWrite(RELAY, on ? 1 : 0); print('relay ' + (on ? 'on' : 'off')); },
});
const button = new PushButton();
setWatch((e) => { if (e.state) button.release(); else button.press(); }, BUTTON, { repeat: true, edge: 'both', debounce: 20 });

const client = new Lwm2mClient({
  endpoint: String(s.lwm2mEndpoint || 'espruino-sensor'),
  server: { uri: String(s.lwm2mServer), lifetime: 120 },
  objects: [temperature, relay, button],
  sizes: boardSizes(),
  device: { manufacturer: 'ACME', model: 'espruino-sensor' },
  onRegistered: (srv) => print('registered with ' + srv.uri),
  onUnreachable: (w) => print('server unreachable: ' + w.reason),
  onError: (e) => print('lwm2m error: ' + e.message),
});

function sample(): void { temperature.set(Math.round(E.getTemperature() * 10) / 10); }
sample();
setInterval(sample, 5000);
client.start();
