// The app itself (build/espruino/lwm2m-mcu.js: hal/espruino/main.ts on the Espruino HAL) under a real
// Espruino on Linux, over real UDP on loopback, against the host bootstrap server and LwM2M servers
// (needs $ESPRUINO; skipped without): bootstrap → Register → Read /3/0, Write /1/0/1, Observe
// /3303/0/5700 with notifications → a server-initiated re-bootstrap (Execute /1/0/9) during which the
// old server's requests go unanswered, to a coaps:// server with PSK (DTLS 1.2 on Espruino's native
// AES-ECB) → a fresh Register there, Read over DTLS → De-register (lwm2m.stop() typed at the REPL).
// The bundle is run from Storage, as on a device. Ports: 21000–21999 (this file: 21100–21199 are not
// needed: every server here takes an ephemeral port).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildDeviceBundle } from '../../host/espruino-build.js';
import { Lwm2mServer } from '../../host/server.js';
import { BootstrapServer, validateBsConfig } from '../../host/bootstrap-server.js';
import { ESPRUINO, runEspruino, storeScripts } from './espruino.js';

const NAME = 'espruino app over UDP: bootstrap → register → read/write/observe → re-bootstrap to coaps:// (old server ignored) → register afresh → de-register';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}

if (!ESPRUINO) {
  test.skip(NAME, () => {});
} else {
  test(NAME, async () => {
    const psk = { pskIdentity: 'esp-dev', pskKey: '000102030405060708090a0b0c0d0e0f' };
    const a = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {} });
    const b = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: () => {}, psk });
    const bsLog: string[] = [];
    const bs = await BootstrapServer.start({ port: 0, address: '127.0.0.1', log: (l) => bsLog.push(l),
      config: { '*': { servers: [{ ssid: 1, uri: `coap://127.0.0.1:${a.port}`, securityMode: 'nosec', lifetime: 120 }] } } });
    const ep = 'esp-app';
    const bundle = await buildDeviceBundle(`lwm2mEndpoint=${ep} lwm2mBootstrap=coap://127.0.0.1:${bs.port}`);
    let out = '';
    let write: (s: string) => void = () => {};
    const registeredA = new Promise<any>((r) => a.once('registered', r));
    const registeredB = new Promise<any>((r) => b.once('registered', r));
    const deregisteredB = new Promise<any>((r) => b.once('deregistered', r));
    const run = runEspruino(ESPRUINO, [...storeScripts('lwm2m-mcu.js', bundle.code), ['boot.js', 'eval(require("Storage").read("lwm2m-mcu.js"));']], {
      timeoutMs: 120_000, until: /@end/, onOutput: (t, w) => { out = t; write = w; },
    });
    try {
      const regA = await within(registeredA, 30_000, 'Register with server A');
      assert.is(regA.endpoint, ep);
      const r3 = await a.read(ep, '/3/0');
      assert.ok(r3.ok, 'Read /3/0: ' + r3.codeText);
      assert.is((r3.value as Record<string, unknown>)['/3/0/0'], 'lwm2m-mcu');
      const w = await a.write(ep, '/1/0/1', 90);
      assert.is(w.codeText, '2.04');
      assert.is((await a.read(ep, '/1/0/1')).value, 90);
      assert.is((await a.writeAttributes(ep, '/3303/0/5700', { pmin: 0, pmax: 1 })).codeText, '2.04');
      const notes: unknown[] = [];
      const gotTwo = new Promise<void>((r) => { void a.observe(ep, '/3303/0/5700', undefined, (n) => { notes.push(n.value); if (notes.length === 3) r(); }); });
      await within(gotTwo, 20_000, 'notifications of /3303/0/5700');
      // The board app's temperature (hal/espruino/main.ts sample(): Espruino for Linux has no sensor, a
      // simulated 20…24.5 °C every 10 s).
      assert.ok(typeof notes[1] === 'number' && (notes[1] as number) >= 20 && (notes[1] as number) < 25, String(notes[1]));

      // Server-initiated re-bootstrap, to a coaps:// server this time.
      bs.config = validateBsConfig({ '*': { servers: [{ ssid: 2, uri: `coaps://127.0.0.1:${b.port}`, securityMode: 'psk', ...psk, lifetime: 120 }] } });
      const finished = new Promise<void>((r) => bs.once('finished', () => r()));
      assert.is((await a.execute(ep, '/1/0/9')).codeText, '2.04');
      // The old server is not answered while the client bootstraps: its Read gets no 2.05 (none by
      // the time the client has registered with the new server, and 3 s later).
      const stale = a.read(ep, '/3/0').then((r) => r.codeText, (e: Error) => 'no answer: ' + e.message);
      await within(finished, 30_000, 'second bootstrap');
      const regB = await within(registeredB, 40_000, 'Register with server B over DTLS');
      assert.is(regB.endpoint, ep);
      const r3b = await b.read(ep, '/3/0/0');
      assert.is(r3b.value, 'lwm2m-mcu', 'Read over coaps://');
      const staleCode = await Promise.race([stale, new Promise<string>((r) => setTimeout(() => r('no answer yet'), 3000))]);
      assert.ok(staleCode !== '2.05', 'the old server got ' + staleCode);

      write('lwm2m.stop();\n');
      await within(deregisteredB, 20_000, 'De-register from server B');
      write('print("@end");\n');
      const r = await run;
      assert.ok(/lwm2m-mcu: registered/.test(r.out), r.out.slice(-2000));
    } catch (e) {
      (e as Error).message += '\n--- espruino output ---\n' + out.replace(/ {20,}/g, ' ').slice(-4000) + '\n--- bootstrap server ---\n' + bsLog.join('\n');
      throw e;
    } finally {
      write('print("@end");\n');
      await run.catch(() => {});
      await a.stop().catch(() => {}); await b.stop(); await bs.stop();
    }
  });
}

test.run();
