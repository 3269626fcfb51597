// The core under Espruino (needs $ESPRUINO, an Espruino built for Linux; prints a skip line without):
// a Read /3/0 (TLV) exchange through the whole esp32-sized client (the XS suites' `client.read-3-0`
// loop: CON GET in, piggybacked 2.05 out) and a 64-byte DTLS CCM_8 record sealed and opened, with
// the portable AES and with Espruino's native AES-ECB, each timed inside Espruino (getTime()) and
// beside V8 running the same loop in this process. XS's compute figures for the same loops are in
// xs.bench (instructions, not time).
// Then, under the 16,383-variable build ($ESPRUINO_ESP32) with the code in Storage, as on a device:
// the AES wrapper of hal/espruino/aes.ts against the raw native call it makes, the replayed DTLS
// client handshake (test-host/dtls/xs-replay.ts: the client's computing, the server's flights
// replayed) on Espruino's AES and SHA-256 and on the portable crypto, beside V8, the load of the
// portable AES module (its tables built), and start → registered over coaps:// of the device bundle
// (hal/espruino/main.ts logs "registered, N ms after start") against the host server.
// The figures are of the interpreters /work/tools built (see README, Espruino: -g, no -O).
import { buildEspruino, buildDeviceBundle } from '../host/espruino-build.js';
import { vectorStore, injectVectorsHere } from '../test-host/xs/host.js';
import { ESPRUINO, ESPRUINO_ESP32, TEST_PROLOGUE, runEspruino, storeScripts, tagged } from '../test-host/espruino/espruino.js';
import { buildCryptoBundle } from '../test-host/espruino/crypto-bundle.js';
import { Lwm2mServer } from '../host/server.js';
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

/** Rounds of the loops, interleaved, each after a collection (Espruino allocates a flat string for
 *  every native result: a heap left unsorted slows it down), after one warm-up op: an `@bench name n
 *  seconds result` line per loop per round. The host takes each loop's best round. */
function loopEpilogue(loops: [string, number][], rounds: number): string {
  return `
global.gc = function () { process.memory(); };
(function(){
  function cmd(s){ return E.toString(new Uint8Array(handleCommand(E.toUint8Array(s).buffer))); }
  var L = ${JSON.stringify(loops)};
  for (var k = 0; k < L.length; k++) cmd('loop ' + L[k][0] + ' 1');
  for (var r = 0; r < ${rounds}; r++) for (k = 0; k < L.length; k++) {
    var t0 = getTime(); cmd('loop ' + L[k][0] + ' ' + L[k][1]); var t = getTime() - t0;
    print('@bench ' + L[k][0] + ' ' + L[k][1] + ' ' + t + ' ' + cmd('result'));
  }
})();`;
}

if (!ESPRUINO_ESP32) {
  console.log('espruino-esp32: skipped ($ESPRUINO_ESP32, the 16,383-variable 32-bit Linux build, is not set)');
} else {
  const CRYPTO: [string, number][] = [['aes.native-raw', size(500, 20)], ['aes.native-wrapper', size(500, 20)], ['aes.native-method', size(500, 20)], ['aes.native-floor', size(500, 20)], ['dtls.handshake-native', size(2, 1)], ['dtls.handshake-portable', 1]];
  const ROUNDS = size(5, 1);
  const cb = await buildCryptoBundle(loopEpilogue(CRYPTO, ROUNDS), true);
  const run = await runEspruino(ESPRUINO_ESP32, [...storeScripts('bench.js', cb.code), ['boot.js', 'eval(require("Storage").read("bench.js"));']], { timeoutMs: 600_000 });
  const us = new Map<string, number>();
  // Each loop's result is checked, not only timed: the replayed handshake returns the sum of the
  // lengths the client produced, or a negative number where it failed (test-host/dtls/xs-replay.ts),
  // and must give V8's sum; an AES loop returns a checksum of the blocks (a number).
  const expected = cb.v8.run(false);
  for (const l of tagged(run.out, 'bench')) {
    const [name, n, t, result] = l.split(' ');
    const r = Number(result);
    if (name.startsWith('dtls.handshake') ? r !== expected : !Number.isFinite(r)) wrong(`espruino-esp32: ${name} returned ${result}${name.startsWith('dtls.handshake') ? ` (V8: ${expected})` : ''}`);
    const v = (Number(t) * 1e6) / Number(n);
    if (!(us.get(name)! <= v)) us.set(name, v);
  }
  const f = (name: string): string => { const v = us.get(name); return v === undefined ? 'failed' : v >= 1000 ? (v / 1000).toFixed(1) + ' ms' : v.toFixed(0) + ' µs'; };
  const raw = us.get('aes.native-raw'), wrap = us.get('aes.native-wrapper');
  console.log(`espruino-esp32 (from Storage, best of ${ROUNDS}): AES-128 block, the wrapper as AesCcm calls it (EspruinoAes128.encryptor: the bound native call, the copy-out) ${f('aes.native-wrapper')}, the raw native call ${f('aes.native-raw')}` +
    (raw && wrap ? ` (${(wrap / raw).toFixed(2)}× the raw call; target ≤ 2×)` : '') +
    `; the method (encryptBlock, CBC suites) ${f('aes.native-method')}` + (raw && us.get('aes.native-method') ? ` (${(us.get('aes.native-method')! / raw).toFixed(2)}×)` : '') +
    `; the least a method can cost (the native call on a fixed view, the copy-out) ${f('aes.native-floor')}` + (raw && us.get('aes.native-floor') ? ` (${(us.get('aes.native-floor')! / raw).toFixed(2)}×)` : ''));
  const hn = us.get('dtls.handshake-native'), hp = us.get('dtls.handshake-portable');
  const n8 = 200;
  cb.v8.run(false);
  const t0 = performance.now(); for (let i = 0; i < n8; i++) cb.v8.run(false); const v8 = ((performance.now() - t0) * 1000) / n8;
  console.log(`espruino-esp32 (from Storage, best of ${ROUNDS}): replayed DTLS client handshake (full, PSK, CCM_8; + 3 records opened, 2 sealed), client computing: ` +
    `native AES + SHA-256 ${f('dtls.handshake-native')} (target ≤ 50 ms), portable ${f('dtls.handshake-portable')}; V8 (portable) ${v8.toFixed(0)} µs` +
    (hn && hp ? ` (${(hn / v8).toFixed(0)}× / ${(hp / v8).toFixed(0)}× V8; native ${(hp / hn).toFixed(1)}× faster)` : ''));
  const aesMod = tagged(run.out, 'mod').map((l) => l.split(' ').map(Number)).find((m) => cb.modules[m[0]] === 'src/crypto/aes.ts');
  console.log(`espruino-esp32 (from Storage): loading src/crypto/aes.ts (its tables built from log/antilog tables): ${aesMod ? (aesMod[3] / 1000).toFixed(0) + ' ms' : 'not seen'}`);
  if (us.size !== CRYPTO.length) { console.log(run.out.slice(-2000)); wrong(`espruino-esp32: ${us.size} of ${CRYPTO.length} loops reported`); }

  // Start → registered over coaps:// (a factory-configured device bundle, from Storage), 3 runs.
  const psk = { pskIdentity: 'esp-bench', pskKey: '000102030405060708090a0b0c0d0e0f' };
  const times: number[] = [];
  for (let k = 0; k < size(3, 1); k++) {
    const server = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk });
    const bundle = await buildDeviceBundle(`lwm2mEndpoint=esp-bench lwm2mServer=coaps://127.0.0.1:${server.port} lwm2mPskIdentity=${psk.pskIdentity} lwm2mPskKey=${psk.pskKey}`);
    let write: (s: string) => void = () => {};
    const registered = new Promise<void>((r) => server.once('registered', () => r()));
    const boot = runEspruino(ESPRUINO_ESP32, [...storeScripts('lwm2m-mcu.js', bundle.code), ['boot.js', 'eval(require("Storage").read("lwm2m-mcu.js"));']], {
      timeoutMs: 120_000, until: /@end/, onOutput: (_t, w) => { write = w; },
    });
    const ok = await Promise.race([registered.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100_000))]);
    await new Promise((r) => setTimeout(r, 300));
    write('lwm2m.stop();\n');
    await new Promise((r) => setTimeout(r, 600));
    write('print("@end");\n');
    const out = (await boot).out;
    await server.stop();
    const m = /registered, (\d+) ms after start/.exec(out);
    if (!ok || !m) { console.log(out.replace(/ {20,}/g, ' ').slice(-2000)); wrong('espruino-esp32: start → registered failed'); break; }
    times.push(Number(m[1]));
  }
  if (times.length) {
    times.sort((a, b) => a - b);
    console.log(`espruino-esp32 (from Storage): start → registered over coaps:// (factory-configured, host server on loopback): ${times.join(' / ')} ms (median ${times[times.length >> 1]} ms; target ≤ 1,000 ms)`);
  }
}
