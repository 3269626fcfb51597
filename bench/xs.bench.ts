// The CoAP codec under the real XS engine (Moddable's, through @agoric/xsnap), against a peer in the
// same run: coap-packet (node-coap's codec, with the `buffer` package as Buffer) doing the same work
// under the same XS. One operation = parse a Register request, write its 2.01 reply with two
// Location-Path options, parse that reply, parse an Observe notification, write a notification with
// Observe, Content-Format and payload. Prints XS's compute meter per operation (its instruction
// count: deterministic, unlike time) and the heap slots left in use after N operations (each loop
// starts after a gc(), so that is what the operations allocated and still hold, or what a GC in the
// middle left of it).
//
// Then the whole client (boards/esp32 sizes): compute per Read /3/0 exchange and per notification, with
// the heap check (slot count after 10,000 ops = after 100).
//
// Run: node build/bench/xs.bench.js [N]   (a process of its own: @endo/init locks the process down)
// Short mode (BENCH_SHORT=1): N = 200 and the heap check after 100 and 1,000 ops, printed but not
// judged (the no-growth proof needs the long run); the loops' results are still checked.
import { join } from 'node:path';
import { bundleForXs, XsWorker } from '../test-host/xs/host.js';
import { repoRoot } from '../test-host/vectors.js';
import { SHORT, size, wrong } from './gc.js';

const N = Number(process.argv[2]) || size(10_000, 200);
const LONG = size(10_000, 1_000);

async function measure(xs: XsWorker, name: string): Promise<{ computePerOp: number; slots0: number; slotsN: number; checksum: number }> {
  for (let k = 0; k < 3; k++) await xs.loop(name, 200); // warm up
  const zero = await xs.loop(name, 0);
  const full = await xs.loop(name, N);
  const checksum = await xs.result();
  return { computePerOp: (full.compute - zero.compute) / N, slots0: zero.heapCount, slotsN: full.heapCount, checksum };
}

/** Slots in use after 100 ops and after 10,000 ops (each loop starts after a gc()), warmed up. */
async function heapCheck(xs: XsWorker, name: string): Promise<{ after100: number; after10k: number }> {
  for (let k = 0; k < 2; k++) { await xs.loop(name, 100); await xs.loop(name, size(2_000, 200)); }
  const after100 = (await xs.loop(name, 100)).heapCount;
  const after10k = (await xs.loop(name, LONG)).heapCount;
  return { after100, after10k };
}
/** The heap proof's verdict: growth fails the full run; in short mode it is only printed. */
const grows = (h: { after100: number; after10k: number }): boolean => h.after10k !== h.after100 && !SHORT;
const ops = LONG.toLocaleString('en-US');

const bundle = await bundleForXs(join(repoRoot(), 'test-host', 'xs', 'bench-entry.ts'));
const xs = await XsWorker.load(bundle);
try {
  const ours = await measure(xs, 'coap.roundtrip');
  const peer = await measure(xs, 'peer.coap-packet.roundtrip');
  const same = ours.checksum === peer.checksum;
  console.log(`xs bench: CoAP round trip (parse Register, write 2.01, parse it, parse Notify, write Notify), N = ${N}`);
  console.log(`  ours (src/coap/message.ts)     compute/op ${ours.computePerOp.toFixed(0).padStart(8)}   heap slots after 0 ops ${ours.slots0}, after N ops ${ours.slotsN} (+${ours.slotsN - ours.slots0})`);
  console.log(`  peer (coap-packet 1.1.1)       compute/op ${peer.computePerOp.toFixed(0).padStart(8)}   heap slots after 0 ops ${peer.slots0}, after N ops ${peer.slotsN} (+${peer.slotsN - peer.slots0})`);
  console.log(`  ratio peer/ours compute: ${(peer.computePerOp / ours.computePerOp).toFixed(2)}x   same checksum: ${same ? 'yes' : 'NO'} (${ours.checksum}, ${peer.checksum})`);
  const ccm = await measure(xs, 'crypto.ccm-record');
  console.log(`  ours AES-128-CCM_8 seal+open of a 64-byte DTLS record: compute/op ${ccm.computePerOp.toFixed(0)}   heap slots +${ccm.slotsN - ccm.slots0} (no peer: figure only)`);
  if (ccm.checksum < 0) wrong('crypto.ccm-record: a record did not open');
  const cli = await measure(xs, 'client.read');
  console.log(`  ours, the whole client: one Read /3/0/0 (CON GET in, ACK 2.05 out): compute/op ${cli.computePerOp.toFixed(0)}   heap slots +${cli.slotsN - cli.slots0} (no peer: figure only)`);
  if (cli.checksum < 0) wrong('client.read: a Read got no 2.05');
  // The whole client sized by boards/esp32/config.json, registered after the bootstrap scenario
  // (test-host/xs/suites/scenario.ts); the heap check: slots after 10,000 ops vs after 100 (after gc()).
  for (const [name, what] of [
    ['client.read-3-0', 'one Read /3/0 (CON GET Accept TLV in, ACK 2.05 with the whole instance in TLV out)'],
    ['client.notify', 'one notification of /3303/0/5700 (temperature set, poll, NON 2.05 out)'],
  ] as const) {
    const m = await measure(xs, name);
    const h = await heapCheck(xs, name);
    console.log(`  ours, esp32 client: ${what}: compute/op ${m.computePerOp.toFixed(0)}   heap slots after 100 ops ${h.after100}, after ${ops} ${h.after10k} (${h.after10k === h.after100 ? 'no growth' : 'GROWS'})`);
    if (m.checksum < 0) wrong(`${name}: the loop failed (${m.checksum})`);
    if (grows(h)) process.exitCode = 1;
  }
  // Firmware Update (test-host/xs/suites/firmware.ts): one 512-byte Block1 block of a push of /5/0/0
  // into a RAM store (CON PUT in, ACK 2.31 out).
  {
    const m = await measure(xs, 'firmware.push');
    const h = await heapCheck(xs, 'firmware.push');
    console.log(`  ours, the whole client: one 512-byte Block1 block of a firmware push into the store: compute/op ${m.computePerOp.toFixed(0)}   heap slots after 100 blocks ${h.after100}, after ${ops} ${h.after10k} (${h.after10k === h.after100 ? 'no growth' : 'GROWS'})`);
    if (m.checksum < 0) wrong(`firmware.push: the loop failed (${m.checksum})`);
    if (grows(h)) process.exitCode = 1;
  }
  if (!same) wrong('the CoAP round trip: ours and coap-packet disagree');
} finally {
  await xs.close();
}
