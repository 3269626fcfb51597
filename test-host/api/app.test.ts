// An application written only against the public entry point (hal/node/index.ts = the package's
// root on Node): three ready objects, registered with the host LwM2M server, read, written,
// observed and executed; its callbacks fire and can refuse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Lwm2mClient, TemperatureSensor, LightControl, PushButton, Lwm2mCode, type Lwm2mError } from '../../hal/node/index.js';
import { Lwm2mServer } from '../../host/server.js';
import { BootstrapServer } from '../../host/bootstrap-server.js';
import dgram from 'node:dgram';
import { IrrigationValve } from './irrigation-valve.js';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}
const until = async (f: () => boolean, ms: number, what: string) => {
  const t = Date.now();
  while (!f()) { if (Date.now() - t > ms) throw new Error('timed out: ' + what); await new Promise((r) => setTimeout(r, 20)); }
};

test('three ready objects: register, read, write (accepted and refused), observe, execute', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const switched: boolean[] = [];
  const errors: Lwm2mError[] = [];
  const observed: string[] = [];
  let registered = 0, deregistered = 0;
  const temperature = new TemperatureSensor({ range: [-40, 125], initial: 21.5 });
  const light = new LightControl({
    onSwitch: (on) => { switched.push(on); },
    onDimmer: (level) => (level > 80 ? Lwm2mCode.MethodNotAllowed : undefined), // refuses above 80 %
  });
  const button = new PushButton();
  const client = new Lwm2mClient({
    endpoint: 'api-app', server: { uri: `coap://127.0.0.1:${server.port}`, lifetime: 60 }, storage: false, address: '127.0.0.1',
    objects: [temperature, light, button],
    device: { manufacturer: 'ACME', batteryLevel: () => 87, onReboot: () => false },
    onRegistered: () => { registered++; }, onDeregistered: () => { deregistered++; },
    onObserveStarted: (p) => { observed.push(p); },
    onError: (e) => { errors.push(e); },
  });
  const reg = new Promise<any>((r) => server.once('registered', r));
  await client.start();
  try {
    const r = await within(reg, 8000, 'registration');
    assert.is(r.endpoint, 'api-app');
    await until(() => registered === 1, 2000, 'onRegistered');
    // Read: the sensor's value, units and range; the device's battery from its callback.
    const t = await server.read('api-app', '/3303/0');
    assert.is(t.codeText, '2.05');
    const tv = t.value as Record<string, unknown>;
    assert.is(tv['/3303/0/5700'], 21.5);
    assert.is(tv['/3303/0/5701'], 'Cel');
    assert.is(tv['/3303/0/5603'], -40);
    assert.is((await server.read('api-app', '/3/0/9', 'text')).value, 87);
    assert.is((await server.read('api-app', '/3/0/0', 'text')).value, 'ACME');
    // Write: accepted (the callback sees it, the value is stored), refused (4.05, value unchanged).
    assert.is((await server.write('api-app', '/3311/0/5850', true, 'text')).codeText, '2.04');
    assert.equal(switched, [true]);
    assert.is(light.isOn(), true);
    assert.is((await server.write('api-app', '/3311/0/5851', 50, 'text')).codeText, '2.04');
    assert.is((await server.write('api-app', '/3311/0/5851', 90, 'text')).codeText, '4.05');
    assert.is((await server.read('api-app', '/3311/0/5851', 'text')).value, 50);
    // Out of the definition's range (0…100): 4.00, the callback is not called.
    assert.is((await server.write('api-app', '/3311/0/5851', 101, 'text')).codeText, '4.00');
    // Observe: set() notifies with no call to notify.
    const values: unknown[] = [];
    await server.writeAttributes('api-app', '/3303/0/5700', { pmin: 0 });
    const h = await server.observe('api-app', '/3303/0/5700', 'text', (n: any) => { values.push(n.value); });
    assert.is(h.response.codeText, '2.05');
    await until(() => observed.length === 1, 2000, 'onObserveStarted');
    assert.is(observed[0], '/3303/0/5700');
    temperature.set(23.25);
    await until(() => values.includes(23.25), 4000, 'a notification of 23.25');
    assert.is(temperature.get(), 23.25);
    assert.is((await server.read('api-app', '/3303/0/5602', 'text')).value, 23.25);
    button.press();
    assert.is((await server.read('api-app', '/3347/0/5501', 'text')).value, 1);
    assert.is((await server.read('api-app', '/3347/0/5500', 'text')).value, true);
    // Execute: Reset Min/Max (the sensor's own), Reboot refused by the callback (false → 4.00),
    // Factory Reset without a callback: 4.05.
    assert.is((await server.execute('api-app', '/3303/0/5605')).codeText, '2.04');
    assert.is((await server.read('api-app', '/3303/0/5601', 'text')).value, 23.25);
    assert.is((await server.execute('api-app', '/3/0/4')).codeText, '4.00');
    assert.is((await server.execute('api-app', '/3/0/5')).codeText, '4.05');
    assert.equal(errors, []);
  } finally {
    await within(client.stop(), 8000, 'stop');
    await server.stop();
  }
  assert.is(deregistered, 1);
});

test('a generated vendor object (26241): Execute with arguments, writes that may refuse, strings, multiple resources, Create and Delete callbacks', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const opened: string[] = [];
  const created: number[] = [], deleted: number[] = [];
  const errors: string[] = [];
  const valve = new IrrigationValve({
    instances: [0], maxInstances: 3,
    values: { [IrrigationValve.FlowRate]: 0, [IrrigationValve.ZoneName]: 'front lawn' },
    onExecute: {
      [IrrigationValve.Open]: (args, iid) => { opened.push(iid + ':' + args); },
      [IrrigationValve.Close]: () => { throw new Error('valve stuck'); },
    },
    onWrite: {
      [IrrigationValve.DutyLimit]: (v) => (v === 13 ? false : undefined), // 13 refused (4.00)
      [IrrigationValve.ZoneName]: (v) => (String(v).length > 20 ? Lwm2mCode.NotAcceptable : undefined),
    },
    onCreate: (inst) => { created.push(inst.id); inst.set(IrrigationValve.FlowRate, 0); return inst.id === 2 ? Lwm2mCode.Forbidden : undefined; },
    onDelete: (inst) => { deleted.push(inst.id); return inst.id !== 0; }, // instance 0 is the device's: refused
  });
  const temperature = new TemperatureSensor();
  const client = new Lwm2mClient({
    endpoint: 'api-vendor', server: { uri: `coap://127.0.0.1:${server.port}`, lifetime: 60 }, storage: false, address: '127.0.0.1',
    objects: [temperature, valve], onError: (e) => { errors.push(e.message); },
  });
  const reg = new Promise<any>((r) => server.once('registered', r));
  await client.start();
  try {
    const r = await within(reg, 8000, 'registration');
    assert.ok(r.objects.some((l: { path: string }) => l.path === '/26241/0'), JSON.stringify(r.objects));
    const inst = valve.instance(0);
    inst.set(IrrigationValve.FlowRate, 3.5);
    inst.set(IrrigationValve.Schedule, 1_700_000_000, 0);
    inst.set(IrrigationValve.Schedule, 1_700_003_600, 1);
    inst.setLink(IrrigationValve.WaterMeter, 3303, 0);
    const rd = await server.read('api-vendor', '/26241/0', 'senml-json');
    assert.is(rd.codeText, '2.05');
    const v = rd.value as Record<string, unknown>;
    assert.is(v['/26241/0/0'], 3.5);
    assert.is(v['/26241/0/4'], 'front lawn');
    assert.is(v['/26241/0/5/1'], 1_700_003_600);
    assert.is(v['/26241/0/8'], '3303:0');
    assert.is((await server.execute('api-vendor', '/26241/0/1', "0='15'")).codeText, '2.04');
    assert.equal(opened, ["0:0='15'"]);
    // A callback that throws: 5.00 and an error naming the path; the client runs on.
    assert.is((await server.execute('api-vendor', '/26241/0/2')).codeText, '5.00');
    assert.ok(errors.some((m) => m.startsWith('/26241/0/2: onExecute threw: valve stuck')), errors.join('\n'));
    assert.is((await server.write('api-vendor', '/26241/0/3', 30, 'text')).codeText, '2.04');
    assert.is((await server.write('api-vendor', '/26241/0/3', 13, 'text')).codeText, '4.00');
    assert.is((await server.write('api-vendor', '/26241/0/3', 121, 'text')).codeText, '4.00'); // outside 0..120
    assert.is((await server.read('api-vendor', '/26241/0/3', 'text')).value, 30);
    assert.is((await server.write('api-vendor', '/26241/0/4', 'back yard', 'text')).codeText, '2.04');
    assert.is(inst.get(IrrigationValve.ZoneName), 'back yard');
    assert.is((await server.write('api-vendor', '/26241/0/4', 'a name much too long for it', 'text')).codeText, '4.06');
    assert.is(inst.get(IrrigationValve.ZoneName), 'back yard');
    // Create: accepted (instance 1, a handle for it), refused by the callback's code (instance 2).
    const c1 = await server.create('api-vendor', '/26241', { '/26241/1/0': 0 }, { format: 'senml-json' });
    assert.is(c1.codeText, '2.01');
    valve.instance(1).set(IrrigationValve.FlowRate, 1.25);
    assert.is((await server.read('api-vendor', '/26241/1/0', 'text')).value, 1.25);
    const c2 = await server.create('api-vendor', '/26241', { '/26241/2/0': 0 }, { format: 'senml-json' });
    assert.is(c2.codeText, '4.03');
    assert.equal(created, [1, 2]);
    assert.is((await server.read('api-vendor', '/26241/2', 'text')).codeText, '4.04');
    // Delete: refused for 0 (4.00, still there), accepted for 1.
    assert.is((await server.delete('api-vendor', '/26241/0')).codeText, '4.00');
    assert.is((await server.delete('api-vendor', '/26241/1')).codeText, '2.02');
    assert.equal(deleted, [0, 1]);
    assert.is((await server.read('api-vendor', '/26241/0/0', 'text')).value, 3.5);
    assert.is(errors.length, 1, errors.join('\n'));
  } finally {
    await within(client.stop(), 8000, 'stop');
    await server.stop();
  }
});

test('events: bootstrap started/finished, registered, observation stopped on its path; a server that does not answer: onUnreachable with the reason', async () => {
  const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
  const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: () => {},
    config: { '*': { servers: [{ ssid: 5, uri: `coap://127.0.0.1:${server.port}`, securityMode: 'nosec', lifetime: 60 }] } } });
  const seen: string[] = [];
  const temperature = new TemperatureSensor();
  const client = new Lwm2mClient({
    endpoint: 'api-events', bootstrap: { uri: `coap://127.0.0.1:${bs.port}` }, storage: false, address: '127.0.0.1', objects: [temperature],
    onBootstrapStarted: () => { seen.push('bs-started'); }, onBootstrapFinished: () => { seen.push('bs-finished'); },
    onRegistered: (s) => { seen.push(`registered ${s.ssid} ${s.uri}`); },
    onObserveStarted: (p, ssid) => { seen.push(`observe ${p} ${ssid}`); }, onObserveStopped: (p, ssid) => { seen.push(`stopped ${p} ${ssid}`); },
  });
  const reg = new Promise<any>((r) => server.once('registered', r));
  await client.start();
  try {
    await within(reg, 8000, 'registration after bootstrap');
    await until(() => seen.some((x) => x.startsWith('registered')), 2000, 'onRegistered');
    const h = await server.observe('api-events', '/3303/0/5700', 'text', () => {});
    await h.cancel();
    await until(() => seen.some((x) => x.startsWith('stopped')), 3000, 'onObserveStopped');
    assert.equal(seen, ['bs-started', 'bs-finished', `registered 5 coap://127.0.0.1:${server.port}`, 'observe /3303/0/5700 5', 'stopped /3303/0/5700 5']);
  } finally {
    await within(client.stop(), 8000, 'stop');
    await server.stop(); await bs.stop();
  }
  // Nobody answers on this port: a short retransmission schedule, then onUnreachable.
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const port = (silent.address() as { port: number }).port;
  const why: string[] = [];
  const lonely = new Lwm2mClient({
    endpoint: 'api-unreachable', server: { uri: `coap://127.0.0.1:${port}` }, storage: false, address: '127.0.0.1',
    sizes: { ackTimeout: 100, maxRetransmit: 1 }, onUnreachable: (u) => { why.push(`${u.ssid} ${u.uri} ${u.reason} ${u.code}`); },
  });
  await lonely.start();
  try {
    await until(() => why.length > 0, 5000, 'onUnreachable');
    assert.is(why[0], `1 coap://127.0.0.1:${port} no answer 0`);
  } finally { lonely.close(); silent.close(); }
});

test.run();
