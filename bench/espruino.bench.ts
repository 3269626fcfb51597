// The core under Espruino (needs $ESPRUINO, an Espruino built for Linux; prints a skip line without):
// a Read /3/0 (TLV) exchange through the whole esp32-sized client (the XS suites' `client.read-3-0`
// loop: CON GET in, piggybacked 2.05 out) and a 64-byte DTLS CCM_8 record sealed and opened, with
// the portable AES and with Espruino's native AES-ECB, each timed inside Espruino (getTime()) and
// beside V8 running the same loop in this process. XS's compute figures for the same loops are in
// xs.bench (instructions, not time).
import { buildEspruino } from '../host/espruino-build.js';
import { vectorStore, injectVectorsHere } from '../test-host/xs/host.js';
import { ESPRUINO, TEST_PROLOGUE, runEspruino, tagged } from '../test-host/espruino/espruino.js';
import { size, wrong } from './gc.js';

// Short mode (BENCH_SHORT=1): a few iterations of each loop, the same code paths.
const LOOPS: [name: string, n: number][] = [['client.read-3-0', size(300, 10)], ['crypto.ccm-record', size(30, 2)], ['crypto.ccm-record-native', size(100, 5)]];

if (!ESPRUINO) {
  console.log('espruino: skipped ($ESPRUINO, an Espruino interpreter built for Linux, is not set)');
} else {
  const epilogue = `
(function(){
  function cmd(s){ return E.toString(new Uint8Array(handleCommand(E.toUint8Array(s).buffer))); }
  var L = ${JSON.stringify(LOOPS)};
  for (var k = 0; k < L.length; k++) {
    cmd('loop ' + L[k][0] + ' 5');
    var t0 = getTime(); cmd('loop ' + L[k][0] + ' ' + L[k][1]); var t = getTime() - t0;
    print('@bench ' + L[k][0] + ' ' + L[k][1] + ' ' + t + ' ' + cmd('result'));
  }
})();`;
  const b = await buildEspruino({ entry: 'test-host/espruino/bench-entry.ts', prologue: TEST_PROLOGUE, epilogue, globals: { __lwm2mVectors: vectorStore() } });
  const run = await runEspruino(ESPRUINO, [['bench.js', b.code]], { timeoutMs: 300_000 });
  const esp = new Map(tagged(run.out, 'bench').map((l) => {
    const [name, n, t, result] = l.split(' ');
    if (!(Number(result) >= 0)) wrong(`espruino: ${name} returned ${result}`);
    return [name, (Number(t) * 1e6) / Number(n)];
  }));
  injectVectorsHere();
  await import('../test-host/xs/entry.js');
  const handle = (globalThis as unknown as { handleCommand: (m: ArrayBuffer) => ArrayBuffer }).handleCommand;
  const cmd = (s: string): void => { handle(new TextEncoder().encode(s).buffer as ArrayBuffer); };
  for (const [name, n0] of LOOPS) {
    const e = esp.get(name);
    if (name.endsWith('-native')) { console.log(`espruino: ${name} (Espruino's AES-ECB): ${e === undefined ? 'failed' : e.toFixed(0) + ' µs/op'}`); continue; }
    const n = n0 * 100;
    cmd(`loop ${name} ${n}`);
    const t0 = performance.now(); cmd(`loop ${name} ${n}`); const v8 = ((performance.now() - t0) * 1000) / n;
    console.log(`espruino: ${name}: Espruino ${e === undefined ? 'failed' : e.toFixed(0) + ' µs/op'}, V8 ${v8.toFixed(2)} µs/op${e === undefined ? '' : ` (${(e / v8).toFixed(0)}× V8)`}`);
  }
  if (esp.size !== LOOPS.length) { console.log(run.out.slice(-2000)); wrong(`espruino: ${esp.size} of ${LOOPS.length} loops reported`); }
}
