// moddable-sensor: temperature and humidity (IPSO 3303/3304) from a sensor class, a relay on Light
// Control 3311 driven through ECMA-419 Digital, a Push Button 3347 from a Digital input.
// Build: mcconfig -m -p lin (the simulator) or -d -m -p esp32, with LWM2M_MCU set (see README.md).
import { Lwm2mClient, TemperatureSensor, HumiditySensor, LightControl, PushButton } from "lwm2m-mcu";
import Digital from "embedded:io/digital";
import Timer from "timer";
import config from "mc/config";
import { Climate } from "climate";

const climate = new Climate(); // sim: drifting values; on a board, your sensor's driver
const temperature = new TemperatureSensor({ range: [-40, 85] });
const humidity = new HumiditySensor({ range: [0, 100] });

const relayPin = new Digital({ pin: Number(config.relayPin), mode: Digital.Output });
const relay = new LightControl({
  onSwitch: (on) => { relayPin.write(on ? 1 : 0); trace(`relay ${on ? "on" : "off"}\n`); },
});

const button = new PushButton();
new Digital({
  pin: Number(config.buttonPin), mode: Digital.InputPullUp, edge: Digital.Rising | Digital.Falling,
  onReadable(this: Digital) {
    if (this.read() === 0) button.press(); // pulled up: 0 while pressed
    else button.release();
  },
});

const client = new Lwm2mClient({
  endpoint: String(config.lwm2mEndpoint),
  server: { uri: String(config.lwm2mServer), lifetime: 60 },
  objects: [temperature, humidity, relay, button],
  device: { manufacturer: "ACME", model: "moddable-sensor" },
  onRegistered: (s) => trace(`registered with ${s.uri}\n`),
  onUnreachable: (w) => trace(`server unreachable: ${w.reason}\n`),
  onError: (e) => trace(`lwm2m error: ${e.message}\n`),
});

function sample(): void {
  climate.sample();
  temperature.set(climate.temperature);
  humidity.set(climate.humidity);
}
sample();
Timer.repeat(sample, 2000);
client.start();
