// Firmware Update (object 5) on Espruino, under a real Espruino on Linux (needs $ESPRUINO; skipped
// without): the device bundle built with lwm2mFirmware=1, stored in Storage and booted by BOOT_CODE
// as on a device; its firmware store (hal/espruino/firmware.ts) stages an image in the other Storage
// slot. Over real UDP on loopback, against the host LwM2M server:
//  - fw-push of an image one byte over the slot (the slot's size as the client logs it: Storage's
//    room, honest) → 4.13 at the first block, Update Result 2;
//  - libcoap's coap-client-notls pushes it too (-b 256): refused, Update Result 2; then a small
//    image with -b 64 → Downloaded, the slot holds it;
//  - an empty Package → Idle; fw-serve + fw-pull of another image → Downloaded;
//  - Execute /5/0/2 → the store writes lwm2m.boot and calls E.reboot() (on Linux the interpreter
//    exits: "Not implemented"); the interpreter started again on the same Storage boots the new
//    slot → Update Result 1, State 0, and the new version in /3/0/3.
// The images are small bundles ("// lwm2m-mcu version=…" and a line that runs the first bundle):
// the Linux build's Storage is 256 KB, the bundle ~200 KB, so a second whole bundle does not fit
// there (on an ESP32's 896 KB it does; the slot's size says so).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_CODE, buildDeviceBundle } from '../../host/espruino-build.js';
import { Lwm2mServer } from '../../host/server.js';
import { ESPRUINO, runEspruino, storeScripts, tagged } from './espruino.js';
import { freePort, run, sleep } from '../peers.js';

const NAME = 'espruino firmware store: a push over the slot → Update Result 2; coap-client push and fw-pull into the Storage slot; Execute /5/0/2 → restart → Update Result 1, new /3/0/3';

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error('timed out: ' + what)), ms))]);
}

/** A small bundle: its version line, then the first bundle run from Storage. */
const image = (v: string) => `// lwm2m-mcu version=${v}\neval(require("Storage").read("lwm2m-mcu.js"));\n`;

if (!ESPRUINO) {
  test.skip(NAME, () => {});
} else {
  test(NAME, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lwm2m-espfw-'));
    const log: string[] = [];
    const srv = await Lwm2mServer.start({ port: 0, address: '127.0.0.1', log: (l) => log.push(l) });
    const ep = 'esp-fw', local = await freePort();
    const bundle = await buildDeviceBundle(`lwm2mEndpoint=${ep} lwm2mServer=coap://127.0.0.1:${srv.port} lwm2mLocalPort=${local} lwm2mFirmware=1 lwm2mFirmwareVersion=0.1.0 lwm2mServeAnyPeer=1`);
    assert.ok(bundle.code.startsWith('// lwm2m-mcu version=0.1.0\n'));
    let out = '';
    let write: (s: string) => void = () => {};
    const registered = new Promise<any>((r) => srv.once('registered', r));
    const run1 = runEspruino(ESPRUINO, [...storeScripts('lwm2m-mcu.js', bundle.code), ['boot.js', BOOT_CODE]], {
      timeoutMs: 150_000, until: /@end/, keep: true, onOutput: (t, w) => { out = t; write = w; },
    });
    let dir = '';
    const num = async (path: string): Promise<number> => Number((await srv.read(ep, path, 'text')).value);
    const state = async (want: number, what: string): Promise<void> => {
      for (let k = 0; k < 100 && (await num('/5/0/3')) !== want; k++) await sleep(200);
      assert.is(await num('/5/0/3'), want, what);
    };
    try {
      await within(registered, 120_000, 'Register'); // Espruino evaluates a ~200 KB bundle from Storage first: slow on a busy machine
      const m = /firmware slot (\S+), (\d+) bytes/.exec(out);
      assert.ok(m, 'the store logs its slot');
      const [slot, max] = [m![1], Number(m![2])];
      assert.is(slot, 'lwm2m-mcu.b');
      assert.ok(max > 0 && max < 256 * 1024 - bundle.code.length, `slot ${max} bytes: Storage's room beside the bundle`);
      assert.is((await srv.read(ep, '/3/0/3')).value, '0.1.0');

      // One byte over the slot (host server, Block1 of 256 with Size1): 4.13 at once, Update Result 2.
      const big = join(tmp, 'big.bin');
      writeFileSync(big, Buffer.alloc(max + 1, 0x20));
      const said: string[] = [];
      await srv.command(`fw-push ${ep} ${big} 256`, (s) => said.push(s));
      assert.match(said.join('\n'), /block 0 → 4\.13/);
      assert.is(await num('/5/0/5'), 2, 'Update Result 2: not enough storage');
      assert.is(await num('/5/0/3'), 0);

      // An empty Package (cancel): Update Result 0. Then libcoap pushes the same one-over image
      // (256-byte blocks): refused too, Update Result 2.
      const c0 = await run('coap-client-notls', ['-m', 'put', '-t', '42', '-e', '', '-B', '10', `coap://127.0.0.1:${local}/5/0/0`]);
      assert.is(c0.code, 0, c0.stderr);
      assert.is(await num('/5/0/5'), 0, 'Update Result 0 after the cancel');
      const over = await run('coap-client-notls', ['-m', 'put', '-t', '42', '-b', '256', '-f', big, '-B', '60', `coap://127.0.0.1:${local}/5/0/0`], 90_000);
      assert.match(over.stdout + over.stderr, /4\.13/, 'coap-client-notls: 4.13 Request Entity Too Large');
      assert.is(await num('/5/0/5'), 2, 'Update Result 2 after the libcoap push');
      assert.is(await num('/5/0/3'), 0);

      // libcoap pushes a small image, 64-byte blocks.
      const img2 = image('0.2.0'), f2 = join(tmp, 'image.bin');
      writeFileSync(f2, img2);
      const r = await run('coap-client-notls', ['-m', 'put', '-t', '42', '-b', '64', '-f', f2, '-B', '30', `coap://127.0.0.1:${local}/5/0/0`], 60_000);
      assert.is(r.code, 0, r.stderr);
      await state(2, 'Downloaded after the push');
      const n0 = tagged(out, 'slot').length;
      write(`print("@slot "+btoa(require("Storage").read("${slot}",0,${img2.length})));\n`);
      for (let k = 0; k < 50 && tagged(out, 'slot').length === n0; k++) await sleep(100);
      assert.is(Buffer.from(tagged(out, 'slot')[n0], 'base64').toString('latin1'), img2, 'the slot holds the pushed image');

      // An empty Package: Idle again; then a pull of another image from the host server.
      const e = await run('coap-client-notls', ['-m', 'put', '-t', '42', '-e', '', '-B', '10', `coap://127.0.0.1:${local}/5/0/0`]);
      assert.is(e.code, 0, e.stderr);
      await state(0, 'Idle after an empty Package');
      const img3 = image('0.3.0'), f3 = join(tmp, 'next.bin');
      writeFileSync(f3, img3);
      const uri: string[] = [];
      await srv.command(`fw-serve ${f3}`, (s) => uri.push(s));
      assert.match(uri[0], /^coap:\/\/127\.0\.0\.1:\d+\/fw\/next\.bin$/);
      await srv.command(`fw-pull ${ep} ${uri[0]}`, (s) => said.push(s));
      await state(2, 'Downloaded after the pull');

      // Update: the 2.04, then the store switches the boot slot and resets.
      const registeredAgain = new Promise<any>((res) => srv.once('registered', res));
      assert.is((await srv.execute(ep, '/5/0/2')).codeText, '2.04');
      const first = await within(run1, 20_000, 'the reset after Execute /5/0/2');
      dir = first.dir;
      assert.match(first.out, /firmware: rebooting into lwm2m-mcu\.b/);
      assert.match(first.out, /Not implemented/, "E.reboot() on Linux: the interpreter exits");
      const run2 = runEspruino(ESPRUINO, [['boot.js', BOOT_CODE]], { dir, timeoutMs: 60_000, until: /@end/, keep: true, onOutput: (t, w) => { out = t; write = w; } });
      try {
        await within(registeredAgain, 120_000, 'Register after the update');
        assert.is(await num('/5/0/5'), 1, 'Update Result 1: success');
        assert.is(await num('/5/0/3'), 0, 'State Idle');
        assert.is((await srv.read(ep, '/3/0/3')).value, '0.3.0', 'the new firmware version');
        assert.match(out, /firmware slot lwm2m-mcu\.js/, 'the next update would go to the other slot');
      } finally {
        write('lwm2m.stop();\n');
        await sleep(600);
        write('print("@end");\n');
        await run2.catch(() => {});
      }
    } catch (err) {
      (err as Error).message += '\n--- espruino output ---\n' + out.replace(/ {20,}/g, ' ').slice(-4000) + '\n--- server ---\n' + log.slice(-30).join('\n');
      throw err;
    } finally {
      write('print("@end");\n');
      const r1 = await run1.catch(() => null);
      rmSync(tmp, { recursive: true, force: true });
      if (r1) rmSync(r1.dir, { recursive: true, force: true });
      await srv.stop();
    }
  });
}

test.run();
