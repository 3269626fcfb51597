// The application API under XS (issue 18): an application written only against the public entry
// point (src/index.ts) — three ready objects and a generated vendor object (test-host/api/
// irrigation-valve.ts) — on a platform with no transport, driven sans-IO by a hand-written server:
// Register, Read, Write (accepted and refused by the callback), Execute (a callback with its
// arguments), Observe and a notification after set(). The loop `api.set-notify` is the zero-slot
// claim (xs.test.ts: heap slots flat over 10,000 set() with a notification each); the probe `api-esp32`
// builds an esp32-sized client with application objects (docs/performance.md, api-memory.ts). Bundled for XS by
// xs.test.ts (not in entry.ts: the Espruino build of the API is the packaging issue's).
import { Lwm2mClient, TemperatureSensor, HumiditySensor, LightControl, PushButton, Lwm2mCode, type LwObject, type Platform, type Sizes } from '../../../src/index.js';
import { engineOf } from '../../../src/api/client.js';
import { IrrigationValve } from '../../api/irrigation-valve.js';
import { Ev } from '../../../src/client/events.js';
import { CoapMessage, MessageWriter, MsgType, Parse, parseMessage, ascii } from '../../../src/coap/message.js';
import { Code } from '../../../src/coap/codes.js';
import { Opt } from '../../../src/coap/option.js';
import { PeerAddress } from '../../../src/coap/peer.js';
import { test, loop, probe, is, ok, displacer } from '../harness.js';
import { boardConfig, countTypedArrays } from './scenario.js';

const SERVER = new PeerAddress();
SERVER.family = 4; SERVER.addr[0] = 192; SERVER.addr[1] = 0; SERVER.addr[2] = 2; SERVER.addr[3] = 7; SERVER.port = 5683;

const platform: Platform = {
  name: 'xs-test',
  random: (b, off, len) => { for (let k = 0; k < len; k++) b[off + k] = (k * 53 + 7) & 0xff; },
  open: () => { throw new Error('no transport under the XS test: driven sans-IO'); },
};

interface App { client: Lwm2mClient; temperature: InstanceType<typeof TemperatureSensor>; switched: boolean[]; opened: string[] }

function makeApp(): App {
  const switched: boolean[] = [], opened: string[] = [];
  const temperature = new TemperatureSensor({ range: [-40, 125] });
  const light = new LightControl({ onSwitch: (on) => { switched.push(on); }, onDimmer: (l) => (l > 80 ? Lwm2mCode.MethodNotAllowed : undefined) });
  const button = new PushButton();
  const valve = new IrrigationValve({ values: { [IrrigationValve.FlowRate]: 0 }, onExecute: { [IrrigationValve.Open]: (args, iid) => { opened.push(iid + ':' + args); } } });
  const client = new Lwm2mClient({ endpoint: 'xs-api', server: { uri: 'coap://192.0.2.7:5683', lifetime: 86400 }, storage: false, platform, objects: [temperature, light, button, valve] });
  return { client, temperature, switched, opened };
}

const out = new Uint8Array(1500);
const req = new Uint8Array(128);
const rx = new CoapMessage();
const w = new MessageWriter();
let now = 0, mid = 0x300;

/** Starts the engine and answers its Register with 2.01. */
function register(c: ReturnType<typeof engineOf>): boolean {
  c.start(now);
  let registered = false;
  for (let step = 0; step < 20 && !registered; step++) {
    c.poll(now);
    for (let n = c.transmit(out, 0); n > 0; n = c.transmit(out, 0)) {
      if (parseMessage(out, 0, n, rx) === Parse.OK && rx.type === MsgType.CON && rx.code === Code.POST) {
        w.begin(req, 0, req.length, MsgType.ACK, Code.CREATED, rx.mid, rx.token, 0, rx.tokenLen);
        w.option(Opt.LOCATION_PATH, ascii('rd'), 0, 2);
        c.receive(req, 0, w.end(), SERVER, now);
      }
    }
    c.poll(now);
    for (let e = c.nextEvent(); e !== Ev.NONE; e = c.nextEvent()) if (e === Ev.REGISTERED) registered = true;
    now += 100;
  }
  return registered;
}

/** One request (path "/a/b/c", a text payload or none); the response's code, its payload in `text`. */
let text = '';
function request(c: ReturnType<typeof engineOf>, code: number, path: string, payload: string | null, observe = -1): number {
  const tok = Uint8Array.of(9, 8, 7, mid & 0xff);
  w.begin(req, 0, req.length, MsgType.CON, code, mid++, tok, 0, 4);
  if (observe >= 0) w.optionUint(Opt.OBSERVE, observe);
  const segs = path.split('/').filter((s) => s !== '');
  for (const s of segs) w.optionDecimal(Opt.URI_PATH, +s);
  if (payload !== null) { w.optionUint(Opt.CONTENT_FORMAT, 0); w.payload(ascii(payload), 0, payload.length); }
  else if (code === Code.GET) w.optionUint(Opt.ACCEPT, 0);
  c.receive(req, 0, w.end(), SERVER, now);
  c.poll(now);
  let got = -1;
  for (let n = c.transmit(out, 0); n > 0; n = c.transmit(out, 0)) {
    if (parseMessage(out, 0, n, rx) !== Parse.OK) continue;
    got = rx.code;
    text = '';
    for (let k = 0; k < rx.payloadLen; k++) text += String.fromCharCode(out[rx.payloadOff + k]);
  }
  while (c.nextEvent() !== Ev.NONE) { /* drain */ }
  now += 10;
  return got;
}

test('api: three ready objects and a generated vendor object, on the public entry point, served under XS', () => {
  const app = makeApp();
  const c = engineOf(app.client);
  ok(register(c), 'registered');
  app.temperature.set(21.5);
  is(request(c, Code.GET, '/3303/0/5700', null), Code.CONTENT);
  is(text, '21.5');
  is(request(c, Code.PUT, '/3311/0/5850', '1'), Code.CHANGED);
  is(app.switched.join(','), 'true');
  is(request(c, Code.PUT, '/3311/0/5851', '90'), Code.METHOD_NOT_ALLOWED, 'refused by the callback');
  is(request(c, Code.PUT, '/3311/0/5851', '101'), Code.BAD_REQUEST, 'outside 0..100');
  is(request(c, Code.POST, '/26241/0/1', "0='15'"), Code.CHANGED);
  is(app.opened.join(','), "0:0='15'");
  is(request(c, Code.POST, '/26241/0/2', null), Code.METHOD_NOT_ALLOWED, 'Execute with no callback');
  is(request(c, Code.GET, '/3303/0/5700', null, 0), Code.CONTENT, 'observe');
  app.temperature.set(23.25);
  now += 1000;
  c.poll(now);
  let note = '';
  for (let n = c.transmit(out, 0); n > 0; n = c.transmit(out, 0)) {
    if (parseMessage(out, 0, n, rx) === Parse.OK && rx.observe >= 0) { note = ''; for (let k = 0; k < rx.payloadLen; k++) note += String.fromCharCode(out[rx.payloadOff + k]); }
  }
  is(note, '23.25', 'the notification carries the value set()');
});

// The hot loop: set() with a notification on the wire each time (observed, pmin 0).
let hot: { c: ReturnType<typeof engineOf>; temperature: InstanceType<typeof TemperatureSensor> } | null = null;
loop('api.set-notify', (n) => {
  if (hot === null) {
    const app = makeApp();
    const c = engineOf(app.client);
    register(c);
    hot = { c, temperature: app.temperature };
    request(c, Code.GET, '/3303/0/5700', null, 0);
  }
  const { c, temperature } = hot;
  let sent = 0;
  for (let k = 0; k < n; k++) {
    temperature.set((200 + (k % 100)) / 10);
    now += 1;
    c.poll(now);
    for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) sent++;
    while (c.nextEvent() !== Ev.NONE) { /* drain */ }
  }
  return sent;
});

// ---- the esp32 client on the public API (test-host/xs/api-memory.ts; docs/performance.md) ----

// XS keeps the last instance of each class with private methods alive (harness.ts displacer): the
// public client (its constructor throws at once on null options, after the instance exists), LwObject
// and IpsoSensor (a TemperatureSensor is both).
displacer(() => { try { return new Lwm2mClient(null as never); } catch { return new TemperatureSensor(); } });

/** The ready objects of the figures, one instance slot each unless `instances` (a server's Create
 *  has no room: maxInstances is the instances given). */
function readyObject(id: number, instances: number): LwObject {
  const ids: number[] = [];
  for (let k = 0; k < instances; k++) ids.push(k);
  const o = { instances: ids, maxInstances: instances };
  if (id === 3303) return new TemperatureSensor({ ...o, range: [-40, 125] });
  if (id === 3304) return new HumiditySensor({ ...o, range: [0, 100] });
  if (id === 3311) return new LightControl({ ...o, onSwitch: () => undefined });
  if (id === 3347) return new PushButton(o);
  throw new Error('api-esp32: no ready object ' + id);
}

/** An esp32 client as an application builds it on the public API: boards/esp32/config.json's sizes
 *  (+ `sizes`), a bootstrap account (as the board client of docs/xs-memory.md), the objects given. */
export function esp32ApiClient(objects: readonly number[], instances = 1, sizes: Partial<Sizes> = {}): Lwm2mClient {
  const obs: LwObject[] = [];
  for (const id of objects) obs.push(readyObject(id, instances));
  return new Lwm2mClient({
    endpoint: 'lwm2m-mcu-esp32', bootstrap: { uri: 'coap://127.0.0.1:5783' }, platform,
    sizes: Object.assign({}, boardConfig(), sizes), objects: obs,
  });
}

// arg: JSON {"chunks": bool, "objects": [ids], "instances": n, "sizes": {overrides}}. As the probe
// `client` (scenario.ts): the slots from a run without counting, the chunk bytes from one with.
probe('api-esp32', (arg, report) => {
  const a = JSON.parse(arg || '{}') as { chunks?: boolean; objects?: number[]; instances?: number; sizes?: Partial<Sizes> };
  const build = () => esp32ApiClient(a.objects || [], a.instances || 1, a.sizes || {});
  if (!a.chunks) return build();
  const r = countTypedArrays(build);
  report.value = { arrays: r.arrays, bytes: r.bytes, chunkBytes32: r.chunkBytes32, dataBytes32: r.dataBytes32 };
  return r.value;
});

// arg: JSON {"chunks": bool, "id": n}: one ready object (as api-esp32 makes it), given to no client —
// what the object itself keeps before a client adopts it (api-memory.ts --breakdown).
probe('api-object', (arg, report) => {
  const a = JSON.parse(arg || '{}') as { chunks?: boolean; id: number };
  if (!a.chunks) return readyObject(a.id, 1);
  const r = countTypedArrays(() => readyObject(a.id, 1));
  report.value = { arrays: r.arrays, bytes: r.bytes, chunkBytes32: r.chunkBytes32, dataBytes32: r.dataBytes32 };
  return r.value;
});
