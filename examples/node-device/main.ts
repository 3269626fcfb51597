// node-device: a Node app (a Raspberry Pi gateway, a device simulator) that presents its host to an
// LwM2M server: the 1-minute load average as a Generic Sensor (3300), memory as the Device
// object's resources (/3/0/10 Memory Free, /3/0/21 Memory Total), and a vendor object generated from
// XML (host-info.ts, from host-info.xml by `npx lwm2m-mcu gen-object`).
// Run: node main.js coap://127.0.0.1:5683 [endpoint]   (installed: import from 'lwm2m-mcu')
import { hostname, loadavg, freemem, totalmem, uptime } from 'node:os';
import { Lwm2mClient, GenericSensor } from '../../hal/node/index.js';
import { HostInfo } from './host-info.js';

const [uri = 'coap://127.0.0.1:5683', endpoint = 'node-device-' + hostname()] = process.argv.slice(2);

const load = new GenericSensor({ applicationType: 'load average (1 min)', range: [0, 1000] });
const info = new HostInfo({
  values: { [HostInfo.Hostname]: hostname(), [HostInfo.Label]: '' },
  onRead: { [HostInfo.Uptime]: () => Math.floor(uptime()) }, // sampled when the server asks
  onWrite: { [HostInfo.Label]: (v) => { console.log('label set to', v); } },
});

const client = new Lwm2mClient({
  endpoint, server: { uri, lifetime: 60 }, storage: false,
  objects: [load, info],
  device: {
    manufacturer: 'lwm2m-mcu examples', model: 'node-device',
    memoryFree: () => Math.floor(freemem() / 1024),
    memoryTotal: Math.floor(totalmem() / 1024),
  },
  onRegistered: (s) => console.log('registered with', s.uri),
  onUnreachable: (w) => console.log('server unreachable:', w.reason),
  onError: (e) => console.error('lwm2m:', e.message),
});

const sample = () => { load.set(Math.round(loadavg()[0] * 100) / 100); };
sample();
const timer = setInterval(sample, 5000);
process.on('SIGINT', async () => { clearInterval(timer); await client.stop(); console.log('stopped'); process.exit(0); });
await client.start();
