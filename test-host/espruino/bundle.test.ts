// The Espruino build without Espruino (CI): `make espruino`'s bundle parses as ES5 (acorn,
// ecmaVersion 5), mentions no built-in Espruino lacks unless hal/espruino/prelude.js supplies it, has
// no label or name Espruino cannot use, and declares every function before other statements
// (Espruino does not hoist function declarations); the settings are baked in; the reset-safe
// Storage commit of hal/espruino/storage.ts keeps the previous configuration when a write is cut.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as acorn from 'acorn';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeviceBundle, checkEspruinoBundle, hoistAndRename, importedNames, parseSettings, trimDefs, REPO } from '../../host/espruino-build.js';
import { SafeStore, type StorageLike } from '../../hal/espruino/storage.js';

const bundle = await buildDeviceBundle('lwm2mEndpoint=ci-dev lwm2mServer=coap://192.0.2.1:5683 lwm2mLocalPort=56830');

test('espruino bundle: parses as ES5 and passes the built-in / hoisting / name scan', () => {
  assert.equal(checkEspruinoBundle(bundle.code).errors, []);
  acorn.parse(bundle.code, { ecmaVersion: 5, sourceType: 'script' });
  assert.ok(bundle.modules[0] === 'hal/espruino/main.ts', 'the entry is module 0');
  assert.ok(bundle.modules.includes('src/client/client.ts'));
});

test('espruino bundle: the settings and the board sizes are baked in', () => {
  assert.match(bundle.code, 'lwm2mEndpoint:"ci-dev"');
  assert.match(bundle.code, 'lwm2mServer:"coap://192.0.2.1:5683"');
  assert.match(bundle.code, 'lwm2mLocalPort:56830');
  assert.match(bundle.code, 'maxDatagram:512', 'boards/espruino-esp32/config.json');
  assert.throws(() => parseSettings('endpoint=x'), /unknown key/);
  assert.throws(() => parseSettings('lwm2mEndpoint'), /key=value/);
});

test('espruino release: after Bootstrap-Finish the bootstrap code and the lazily loaded codecs (group b), after a handshake its code (group h) — and only what nothing else loads — go back', () => {
  const k = /=\s*"(,\d+:[a-z](?:,\d+:[a-z])*,)#"/.exec(bundle.code);
  assert.ok(k, 'the loader lists the releasable modules with their groups');
  const entries = k![1].split(',').filter(Boolean).map((e) => e.split(':')).map(([i, g]) => [bundle.modules[Number(i)], g]);
  const group = new Map(entries as [string, string][]);
  for (const m of ['src/client/bootstrap.ts', 'src/objects/consistency.ts', 'src/formats/senml-cbor.ts', 'src/formats/senml.ts', 'src/formats/lwm2m-cbor.ts'])
    assert.is(group.get(m), 'b', m + ' is released with the bootstrap');
  for (const m of ['src/dtls/hs-state.ts', 'src/dtls/handshake.ts', 'src/dtls/keys.ts', 'src/crypto/prf.ts', 'src/crypto/oneshot.ts'])
    assert.is(group.get(m), 'h', m + ' is released after a handshake');
  for (const m of ['src/client/client.ts', 'src/formats/registry.ts', 'src/objects/security.ts', 'src/client/dm.ts', 'src/formats/link.ts', 'src/client/firmware.ts',
    'src/dtls/session.ts', 'src/dtls/workspace.ts', 'src/dtls/record.ts', 'src/crypto/hmac.ts', 'src/crypto/sha256.ts', 'src/dtls/bytes.ts'])
    assert.not.ok(group.has(m), m + ' stays (loaded by the client, or holding objects)');
  assert.match(bundle.code, /LWM2M_RELEASE=\s*function/); // (the bundle is in ~100-character lines)
});

test('espruino lazy modules: each use asks the loader (no object of getters per importer); re-exports of loaded modules are plain properties', async () => {
  const plain = await buildDeviceBundle('lwm2mEndpoint=ci-dev', 'espruino-esp32', false);
  // Before: `var q_1 = { get QueueMode() { return require(50).QueueMode; }, … }` in every importer
  // (a getter function each: variables for as long as the importer lives).
  assert.not.match(plain.code, /get \w+\(\)\s*\{\s*return require\(\d+\)/);
  const n = plain.modules.indexOf('src/formats/senml-cbor.ts');
  assert.ok(n > 0);
  assert.ok(plain.code.includes('new (require(' + n + ').SenmlCborEncoder)()'), 'a lazy class constructed through the loader, parenthesised');
  // tsc's re-export getters (Object.defineProperty(exports, "x", { get: … })) of modules loaded first.
  assert.not.match(plain.code, /defineProperties\(exports, \{ *\w+: \{ enumerable: true, get/);
  assert.match(plain.code, /exports\.sendQueued = send_loop_js_1\.sendQueued;/);
});

test('espruino trim: a resource keeps no `mandatory: false` / `multiple: false` (read as falsy), an object keeps both flags', () => {
  const t = trimDefs([0, 1, 3])(readFileSync(join(REPO, 'src', 'objects', 'defs.generated.ts'), 'utf8'));
  assert.not.match(t, /\{ id: \d+, type: [^}]*(?:mandatory|multiple): false/);
  assert.match(t, /\{ id: 0, type: ValueType\.String, ops: 0, mandatory: true \}/, '/0/x/0: single, mandatory');
  assert.match(t, /\{ id: 11, type: ValueType\.Integer, ops: Op\.R, multiple: true, mandatory: true, rangeMin/, '/3/0/11: multiple');
  assert.match(t, /id: 3, version: "[\d.]+", multiple: false, mandatory: true/, 'object 3: single');
});

test('espruino check: ES2015 syntax, a missing built-in, a label, a late function and "of" are each caught', () => {
  assert.match(checkEspruinoBundle('let a = 1;').errors[0], /not ES5/);
  assert.match(checkEspruinoBundle('var a = () => 1;').errors[0], /not ES5/);
  assert.match(checkEspruinoBundle('var x = Math.clz32(1);').errors.join(), /Math\.clz32/);
  assert.match(checkEspruinoBundle('var m = new Map();').errors.join(), /Map/);
  assert.equal(checkEspruinoBundle('var ok = typeof Symbol;').errors, []);
  assert.equal(checkEspruinoBundle('var x = Math.imul(3, 5);').errors, [], 'supplied by the prelude');
  assert.match(checkEspruinoBundle('a: for (;;) { break a; }').errors.join(), /label/);
  assert.match(checkEspruinoBundle('f(); function f() {}').errors.join(), /declared after/);
  assert.match(checkEspruinoBundle('var of = 1;').errors.join(), /"of"/);
  assert.equal(checkEspruinoBundle('var o = { of: 1 }; o.of = 2;').errors, [], 'a property may be called of');
});

test('espruino hoisting pass: declarations move first in every body, names are renamed, meaning kept', () => {
  const src = 'var r = f(); function f() { return g(); var z = 1; function g() { return of; } } var of = 7;';
  const out = hoistAndRename(src);
  assert.equal(checkEspruinoBundle(out).errors, []);
  assert.equal(new Function(out + '; return r;')(), undefined, 'of is read before it is set, as in the original');
  const out2 = hoistAndRename('var of = 7; var r = f(); function f() { return of + 1; }');
  assert.equal(new Function(out2 + '; return r;')(), 8);
  assert.ok(out2.startsWith('function f()'), out2);
});

/** A Storage stand-in that can cut a write short (a reset mid-write). */
class FakeStorage implements StorageLike {
  files = new Map<string, string>();
  cutAfter = -1;
  read(name: string): string | undefined { return this.files.get(name); }
  write(name: string, bytes: Uint8Array): boolean {
    const data = String.fromCharCode(...bytes);
    if (this.cutAfter >= 0) { this.files.set(name, data.slice(0, this.cutAfter)); this.cutAfter = -1; throw new Error('reset'); }
    this.files.set(name, data); return true;
  }
  erase(name: string): void { this.files.delete(name); }
}

test('espruino storage: the newest commit is read; a reset mid-write keeps the previous one', () => {
  const fs = new FakeStorage();
  const st = new SafeStore('lwm2m', fs);
  const out = new Uint8Array(64);
  assert.is(st.read('config', out), -1);
  assert.ok(st.write('config', Uint8Array.of(9, 1, 2, 3), 1, 3));
  assert.is(st.read('config', out), 3); assert.equal([...out.subarray(0, 3)], [1, 2, 3]);
  assert.ok(st.write('config', Uint8Array.of(4, 5), 0, 2));
  assert.is(st.read('config', out), 2); assert.equal([...out.subarray(0, 2)], [4, 5]);
  for (const cut of [0, 5, 12, 13]) {
    fs.cutAfter = cut;
    assert.throws(() => st.write('config', Uint8Array.of(7, 7, 7, 7), 0, 4));
    assert.is(st.read('config', out), 2, 'cut after ' + cut + ' bytes: the previous commit');
    assert.equal([...out.subarray(0, 2)], [4, 5]);
  }
  // A damaged byte in the newest file: the other one is read.
  assert.ok(st.write('config', Uint8Array.of(6), 0, 1));
  const newest = [...fs.files.entries()].find(([, v]) => v.length === 13)!;
  fs.files.set(newest[0], newest[1].slice(0, 12) + String.fromCharCode(newest[1].charCodeAt(12) ^ 1));
  assert.is(st.read('config', out), 2);
  st.erase('config');
  assert.is(st.read('config', out), -1);
});

test('espruino omit: Firmware Update and Queue Mode are in the device bundle only when baked in; the portable AES never (the platform gives the native one)', async () => {
  const notIn = (code: string, m: string) => code.includes(JSON.stringify(m + ': not in this build'));
  for (const m of ['src/client/firmware.ts', 'hal/espruino/firmware.ts', 'src/client/queue.ts', 'src/client/persist.ts', 'src/crypto/aes.ts'])
    assert.ok(notIn(bundle.code, m), m + ' left out of the plain board bundle');
  const both = await buildDeviceBundle('lwm2mEndpoint=ci-dev lwm2mFirmware=1 lwm2mQueueMode=1');
  for (const m of ['src/client/firmware.ts', 'hal/espruino/firmware.ts', 'src/client/queue.ts', 'src/client/persist.ts'])
    assert.not.ok(notIn(both.code, m), m + ' in the bundle that bakes it in');
  assert.ok(notIn(both.code, 'src/crypto/aes.ts'));
  assert.ok(both.code.length - bundle.code.length > 20_000, 'their code is what the plain bundle saves: ' + (both.code.length - bundle.code.length) + ' bytes');
  // With one of them, within the 256 KB Storage of Espruino's Linux build, where the firmware and
  // sleep tests run (an ESP32 has 896 KB: both, and a second slot for a Firmware Update image).
  for (const one of ['lwm2mFirmware=1', 'lwm2mQueueMode=1']) {
    const b = await buildDeviceBundle('lwm2mEndpoint=ci-dev ' + one);
    assert.ok(b.code.length < 250_000, one + ': ' + b.code.length + ' bytes');
  }
  assert.ok(bundle.code.length < 240_000, bundle.code.length + ' bytes');
});

test('espruino-build keeps the library exports the app\'s own modules import too (a gen-object module imports LwObject, defineObject), not only its entry\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwm2m-names-'));
  try {
    writeFileSync(join(dir, 'app.ts'), "import { Lwm2mClient } from 'lwm2m-mcu';\nimport { Valve } from './valve.js';\nimport { x } from './sub/util';\nvoid Lwm2mClient; void Valve; void x;\n");
    writeFileSync(join(dir, 'valve.ts'), "import { LwObject, defineObject, type ObjectOptions } from 'lwm2m-mcu';\nexport const Valve = [LwObject, defineObject];\n");
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'util.ts'), "import { Lwm2mCode } from 'lwm2m-mcu';\nimport { Valve } from '../valve.js';\nexport const x = [Lwm2mCode, Valve];\n");
    assert.equal([...importedNames(join(dir, 'app.ts'))!].sort(), ['LwObject', 'Lwm2mClient', 'Lwm2mCode', 'ObjectOptions', 'defineObject']);
    writeFileSync(join(dir, 'sub', 'util.ts'), "import * as all from 'lwm2m-mcu';\nexport const x = all;\n");
    assert.is(importedNames(join(dir, 'app.ts')), null, 'a namespace import anywhere keeps every export');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
