// moddable-sensor: temperature and humidity (IPSO 3303/3304) from a sensor class, a relay on Light
// Control 3311 driven through ECMA-419 Digital, a Push Button 3347 from a Digital input, and the
// board's vendor object Sensor Board (26251: sampling interval, samples taken, Calibrate), generated
// by `lwm2m-mcu gen-object sensor-board.xml` into sensor-board.ts.
// Build: mcconfig -m -p lin (the simulator) or -d -m -p esp32, with LWM2M_MCU set (see README.md).
import { Lwm2mClient, Lwm2mCode, TemperatureSensor, HumiditySensor, LightControl, PushButton } from "lwm2m-mcu";
import Digital from "embedded:io/digital";
import Timer from "timer";
import config from "mc/config";
import { Climate } from "climate";
import { SensorBoard } from "sensor-board";

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

// The vendor object: a server may change the sampling interval (faster than every 2 s is refused:
// 4.00) and calibrate the temperature against a reference it reads (Execute with 0='°C').
let offset = 0, samples = 0;
const board = new SensorBoard({
  values: { [SensorBoard.SampleInterval]: 2, [SensorBoard.Samples]: 0, [SensorBoard.TemperatureOffset]: 0 },
  onWrite: {
    [SensorBoard.SampleInterval]: (v) => {
      if (Number(v) < 2) return Lwm2mCode.BadRequest;
      Timer.schedule(timer, Number(v) * 1000, Number(v) * 1000); trace(`sampling every ${v} s\n`);
    },
  },
  onExecute: {
    [SensorBoard.Calibrate]: (args) => {
      const ref = args.startsWith("0='") ? parseFloat(args.slice(3)) : NaN; // 0='22.5'
      if (isNaN(ref)) return Lwm2mCode.BadRequest;
      offset = Math.round((ref - climate.temperature) * 100) / 100;
      board.instance().set(SensorBoard.TemperatureOffset, offset); trace(`calibrated: offset ${offset}\n`);
    },
  },
});

const client = new Lwm2mClient({
  endpoint: String(config.lwm2mEndpoint),
  server: { uri: String(config.lwm2mServer), lifetime: 60 },
  objects: [temperature, humidity, relay, button, board],
  device: { manufacturer: "ACME", model: "moddable-sensor" },
  onRegistered: (s) => trace(`registered with ${s.uri}\n`),
  onUnreachable: (w) => trace(`server unreachable: ${w.reason}\n`),
  onError: (e) => trace(`lwm2m error: ${e.message}\n`),
});

function sample(): void {
  climate.sample();
  temperature.set(Math.round((climate.temperature + offset) * 100) / 100);
  humidity.set(climate.humidity);
  board.instance().set(SensorBoard.Samples, ++samples);
}
sample();
const timer = Timer.repeat(sample, 2000);
client.start();
