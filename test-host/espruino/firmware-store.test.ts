// The Espruino firmware store (hal/espruino/firmware.ts) without Espruino (CI): over a stand-in for
// Espruino's Storage that behaves as its flash does (a file has its size from its creation, a write
// at an offset only clears bits, the room is the area's size less the files and their headers) and a
// byte store for the committed state. The slot's size is the room left; a package over it is
// refused; a push (size known) and a pull (size unknown: the file takes the whole slot) are staged
// in the other slot, checked and applied (lwm2m.boot names the new slot, the restart is asked for);
// after the "reboot" the outcome is 1 and the version the new one's, or 8 when the old slot booted.
// Real Espruino runs: firmware.test.ts ($ESPRUINO).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EspruinoFirmwareStore, SLOT_A, SLOT_B, BOOT_FILE, type FlashStorage, type FirmwareHal } from '../../hal/espruino/firmware.js';

const HEADER = 32;

class FakeFlash implements FlashStorage {
  files = new Map<string, Uint8Array>();
  corruptNext = false;
  constructor(readonly total: number) {}
  used(): number { let n = 0; for (const f of this.files.values()) n += f.length + HEADER; return n; }
  read(name: string, offset = 0, length = 0): string | undefined {
    const f = this.files.get(name);
    if (!f) return undefined;
    const end = length > 0 ? Math.min(f.length, offset + length) : f.length;
    return Buffer.from(f.subarray(offset, end)).toString('latin1');
  }
  readJSON(name: string): unknown { const s = this.read(name); try { return s === undefined ? undefined : JSON.parse(s); } catch { return undefined; } }
  write(name: string, data: string, offset = 0, size?: number): boolean {
    const bytes = Buffer.from(data, 'latin1');
    if (!offset) {
      this.files.delete(name);
      const n = size ?? bytes.length;
      if (this.used() + n + HEADER > this.total || bytes.length > n) return false;
      const f = new Uint8Array(n).fill(0xff);
      f.set(bytes);
      this.files.set(name, f);
    } else {
      const f = this.files.get(name);
      if (!f || offset + bytes.length > f.length) return false;
      for (let j = 0; j < bytes.length; j++) f[offset + j] &= bytes[j]; // flash: bits only cleared
    }
    if (this.corruptNext) { this.corruptNext = false; this.files.get(name)![offset] ^= 0x01; }
    return true;
  }
  writeJSON(name: string, data: unknown): boolean { return this.write(name, JSON.stringify(data)); }
  erase(name: string): void { this.files.delete(name); }
  getStats() { return { totalBytes: this.total, fileBytes: this.used() }; }
}

class FakeHal implements FirmwareHal {
  kv = new Map<string, Uint8Array>();
  logs: string[] = [];
  storageRead(key: string, out: Uint8Array): number { const v = this.kv.get(key); if (!v) return -1; out.set(v); return v.length; }
  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean { this.kv.set(key, buf.slice(off, off + len)); return true; }
  storageDelete(key: string): void { this.kv.delete(key); }
  log(_l: number, m: string): void { this.logs.push(m); }
}

const bundle = (v: string, n: number) => { const head = `// lwm2m-mcu version=${v}\n`; return Buffer.from(head + 'x'.repeat(Math.max(0, n - head.length)), 'latin1'); };

function device(total = 256 * 1024, running = bundle('0.1.0', 200 * 1024)) {
  const flash = new FakeFlash(total), hal = new FakeHal();
  flash.write(SLOT_A, running.toString('latin1'));
  let restarts = 0;
  const make = () => new EspruinoFirmwareStore({ hal, storage: flash, bytesToString: (b) => Buffer.from(b).toString('latin1'), restart: () => { restarts++; } });
  return { flash, hal, make, restarts: () => restarts };
}

/** Streams `img` into the store in blocks of `block` (the core's calls). */
function stream(s: EspruinoFirmwareStore, img: Uint8Array, block: number): number {
  for (let at = 0; at < img.length; at += block) {
    const rc = s.write(at, img, at, Math.min(block, img.length - at));
    if (rc < 0) return rc;
  }
  return 0;
}

test('espruino firmware store: the slot is the room beside the running bundle (less 4 KB); one byte over is refused', () => {
  const d = device();
  const s = d.make();
  assert.is(s.slot, SLOT_B);
  assert.is(s.maxSize, (256 * 1024 - (200 * 1024 + HEADER) - 4096) & ~3);
  assert.is(s.begin(s.maxSize + 1), -2);
  assert.is(s.begin(-1), 0);
  const over = new Uint8Array(s.maxSize + 1);
  assert.is(stream(s, over, 256), -2, 'a pull past the slot');
  assert.ok(d.flash.files.has(SLOT_A), 'the running bundle untouched');
});

test('espruino firmware store: push (Size1) into the other slot, apply → lwm2m.boot, restart; after it Update Result 1 and the new version', () => {
  const d = device();
  let s = d.make();
  const img = bundle('0.2.0', 3000);
  assert.is(s.begin(img.length), 0);
  assert.is(stream(s, img, 256), 0);
  assert.is(s.write(0, img, 0, 256), 0, 'a block again (retransmission): nothing rewritten');
  assert.is(s.write(img.length + 256, img, 0, 16), -8, 'a gap');
  assert.is(s.finish(), 0);
  assert.equal(d.flash.files.get(SLOT_B), new Uint8Array(img), 'the slot holds the image');
  assert.is(s.apply(), 0);
  assert.is(d.restarts(), 1);
  assert.equal(d.flash.readJSON(BOOT_FILE), { file: SLOT_B, length: img.length });
  s = d.make(); // the reboot
  assert.is(s.version(), '0.2.0');
  assert.is(s.applied(), 1);
  assert.is(s.applied(), 0, 'read once');
  assert.is(s.slot, SLOT_A, 'the next update goes to the first slot');
  s.abort(); // what object 5 does after a success: the previous firmware stays in its slot
  assert.ok(d.flash.files.has(SLOT_A));
});

test('espruino firmware store: pull (size unknown) takes the whole slot; lwm2m.boot gives the image length; a cut switch boots the old slot → 8', () => {
  const d = device();
  let s = d.make();
  const img = bundle('0.3.0', 1000);
  assert.is(s.begin(-1), 0);
  assert.is(stream(s, img, 512), 0);
  assert.is(d.flash.files.get(SLOT_B)!.length, s.maxSize, 'the file has the slot size (Storage files cannot grow)');
  assert.is(s.finish(), 0);
  assert.is(s.apply(), 0);
  assert.equal(d.flash.readJSON(BOOT_FILE), { file: SLOT_B, length: 1000 });
  d.flash.erase(BOOT_FILE); // the switch lost: the first slot boots
  s = d.make();
  assert.is(s.version(), '0.1.0');
  assert.is(s.applied(), 8, 'the update failed');
});

test('espruino firmware store: a short image → -5, not a bundle → -6, a flash write that reads back wrong → -8; abort erases what this boot staged', () => {
  const d = device();
  const s = d.make();
  const img = bundle('0.2.0', 600);
  assert.is(s.begin(1000), 0);
  assert.is(stream(s, img, 256), 0);
  assert.is(s.finish(), -5, 'fewer bytes than Size1');
  assert.is(s.begin(600), 0);
  assert.is(stream(s, Buffer.alloc(600, 0x41), 256), 0);
  assert.is(s.finish(), -6, 'no version line: not a bundle');
  assert.is(s.begin(600), 0);
  d.flash.corruptNext = true;
  assert.is(s.write(0, img, 0, 256), -8);
  s.abort();
  assert.not.ok(d.flash.files.has(SLOT_B), 'the staged file erased');
  assert.ok(d.flash.files.has(SLOT_A));
});

test.run();
