// The application API's hot path (issue 18): 1,000,000 TemperatureSensor.set() on an observed
// resource, each one's notification encoded and put on the wire (transmit), with zero garbage
// collections; and its cost against a raw table write of the same value through the internal calls
// (values.ts setNumber → ObjectTable.setValue), each followed by the same poll and transmit
// (bench/api-harness.ts).
//   node --expose-gc build/bench/api.bench.js       (make bench runs it too)
import { observedSensor } from './api-harness.js';
import { GcCounter } from './gc.js';

const { viaApi, viaTable, sent: sentCount, reset } = observedSensor();
viaApi(100_000); viaTable(100_000); // warm-up: both paths optimised
const gc = new GcCounter();
await gc.start();
reset();
let t0 = performance.now();
viaApi(1_000_000);
const dt = performance.now() - t0;
const gcs = await gc.stop();
const sent = sentCount();
console.log(`zero-GC: 1,000,000 TemperatureSensor.set() on observed /3303/0/5700 in ${(dt / 1000).toFixed(2)} s, ${sent} notifications on the wire, ${gcs} garbage collections${gcs ? ' (kinds ' + gc.kinds.join(',') + ')' : ''}`);

// API against the raw path, alternating rounds (the machine is shared: the best round of each).
let bestApi = Infinity, bestRaw = Infinity;
for (let round = 0; round < 5; round++) {
  t0 = performance.now(); viaApi(200_000); bestApi = Math.min(bestApi, performance.now() - t0);
  t0 = performance.now(); viaTable(200_000); bestRaw = Math.min(bestRaw, performance.now() - t0);
}
const ratio = bestApi / bestRaw;
console.log(`set() → notification on the wire: API ${(bestApi / 200).toFixed(2)} µs, raw table write ${(bestRaw / 200).toFixed(2)} µs per value: ratio ${ratio.toFixed(2)} (limit 1.5)`);
if (sent !== 1_000_000) { console.log('not every set() was notified'); process.exitCode = 1; }
if (gcs !== 0 || ratio > 1.5) process.exitCode = 1;
