// `lwm2m-mcu client --object ID[:N]`: ready objects (src/index.ts) with simulated values, so that a
// user can present a realistic device to a server without writing code. Built on the public API only.
import {
  IpsoSensor, ThreeAxisSensor, DigitalInputObject, Actuator, Location, ConnectivityStatistics, TemperatureSensor,
  objectDef, Lwm2mError, type LwObject,
} from '../hal/node/index.js';
import { ipsoMask, IPSO_SENSORS, IPSO_AXIS_SENSORS } from '../src/objects/registry/ipso-family.js';

export interface SimObject { object: LwObject; tick(): void }

const INPUTS = [3200, 3342, 3347];
const ACTUATORS = [3201, 3306, 3311];

/** The ids --object accepts. */
export function readyIds(): number[] {
  const ids: number[] = [6, 7, ...INPUTS, ...ACTUATORS];
  for (let k = 0; k < IPSO_SENSORS.length; k += 2) ids.push(IPSO_SENSORS[k]);
  for (let k = 0; k < IPSO_AXIS_SENSORS.length; k += 2) ids.push(IPSO_AXIS_SENSORS[k]);
  return ids.sort((a, b) => a - b);
}

/** A random walk around `mid`, in steps of `step`. */
function walker(mid: number, step: number): () => number {
  let v = mid;
  return () => { v = Math.round((v + (Math.random() - 0.5) * 2 * step) * 100) / 100; return v; };
}

const MIDS: Record<number, [number, number]> = {
  3301: [300, 20], 3303: [21.5, 0.5], 3304: [45, 1], 3315: [1013, 1], 3316: [3.3, 0.02], 3317: [0.12, 0.01], 3323: [101300, 50],
  3328: [40, 2], 3330: [1.5, 0.05], 3325: [420, 5], 3324: [45, 2], 3320: [50, 2],
};

/** Makes the ready object `id` with `n` instances and a tick() that moves its values. Throws
 *  Lwm2mError for an id that is not a ready object. `log` tells what a server did to actuators. */
export function simObject(id: number, n: number, log: (line: string) => void): SimObject {
  const instances = Array.from({ length: n }, (_, k) => k);
  const mask = ipsoMask(id);
  if (id === 3303) {
    const t = new TemperatureSensor({ instances, range: [-40, 125], initial: 21.5 });
    const w = instances.map(() => walker(21.5, 0.5));
    return { object: t, tick: () => instances.forEach((i) => t.set(w[i](), i)) };
  }
  if (mask !== 0 && objectDef(id)?.resources.some((r) => r.id === 5700)) {
    const [mid, step] = MIDS[id] ?? [50, 1];
    const s = new IpsoSensor(id, { instances, initial: mid });
    const w = instances.map(() => walker(mid, step));
    return { object: s, tick: () => instances.forEach((i) => s.set(w[i](), i)) };
  }
  if (mask !== 0) {
    const s = new ThreeAxisSensor(id, { instances });
    const w = instances.map(() => [walker(0, 0.2), walker(0, 0.2), walker(9.81, 0.2)]);
    return { object: s, tick: () => instances.forEach((i) => s.set(w[i][0](), w[i][1](), w[i][2](), i)) };
  }
  if (INPUTS.includes(id)) {
    const s = new DigitalInputObject(id, { instances });
    return { object: s, tick: () => instances.forEach((i) => { if (Math.random() < 0.3) s.set(!s.get(i), i); }) };
  }
  if (ACTUATORS.includes(id)) {
    const a = new Actuator(id, {
      instances,
      onSwitch: (on, i) => { log(`/${id}/${i} switched ${on ? 'on' : 'off'} by the server`); },
      ...(objectDef(id)?.resources.some((r) => r.id === 5851) ? { onDimmer: (l: number, i: number) => { log(`/${id}/${i} dimmed to ${l} % by the server`); } } : {}),
    });
    return { object: a, tick: () => {} };
  }
  if (id === 6) {
    const l = new Location();
    const lat = walker(48.8584, 0.0005), lon = walker(2.2945, 0.0005);
    return { object: l, tick: () => { l.set(lat(), lon(), 35); } };
  }
  if (id === 7) {
    const c = new ConnectivityStatistics();
    return { object: c, tick: () => { c.count(Math.floor(Math.random() * 200), Math.floor(Math.random() * 200)); } };
  }
  throw new Lwm2mError(`--object ${id}: not a ready object; these are: ${readyIds().join(', ')} (for another object, write an application with \`lwm2m-mcu gen-object\`)`);
}
