// The host firmware store (hal/node/firmware.ts): blocks written at their offsets into
// DIR/firmware.new, what survives a restart (stored bytes and the resume metadata), apply swapping
// the files and leaving the outcome for the next start, abort leaving the running image alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFirmwareStore, imageVersion } from '../../hal/node/firmware.js';

const dir = mkdtempSync(join(tmpdir(), 'lwm2m-nodefw-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('blocks at their offsets; stored() and the metadata survive a new store over the same directory (a reboot)', () => {
  const s = new NodeFirmwareStore({ dir, maxSize: 4096 });
  assert.is(s.begin(5000), -2, 'larger than the slot');
  assert.is(s.begin(-1), 0);
  const img = Buffer.from('version=9.9.9\n' + 'x'.repeat(2000));
  assert.is(s.write(0, img, 0, 1024), 0);
  assert.ok(s.saveMeta(Uint8Array.of(6, 2, 0xab, 0xcd), 0, 4));
  const again = new NodeFirmwareStore({ dir, maxSize: 4096 });
  assert.is(again.stored(), 1024);
  const meta = new Uint8Array(10);
  assert.is(again.loadMeta(meta), 4);
  assert.equal([...meta.subarray(0, 4)], [6, 2, 0xab, 0xcd]);
  assert.is(again.write(1024, img, 1024, img.length - 1024), 0);
  assert.is(again.write(4000, img, 0, 200), -2, 'past the slot');
  assert.is(again.finish(), 0);
  assert.ok(readFileSync(again.staged).equals(img));
});

test('apply swaps the image in and leaves Update Result 1 and the new version for the next start; abort keeps the running image', () => {
  writeFileSync(join(dir, 'firmware.bin'), 'version=1.0.0\nold');
  let applied = '';
  const s = new NodeFirmwareStore({ dir, maxSize: 4096, onApply: (v) => { applied = v; } });
  s.begin(-1);
  s.write(0, Buffer.from('version=2.0.0\nnew'), 0, 17);
  s.finish();
  assert.is(s.apply(), 0);
  assert.is(readFileSync(s.active, 'latin1'), 'version=2.0.0\nnew');
  const next = new NodeFirmwareStore({ dir });
  assert.is(next.applied(), 1);
  assert.is(next.applied(), 0, 'read once');
  assert.is(next.version(), '2.0.0');
  next.begin(-1);
  next.write(0, Buffer.from('junk'), 0, 4);
  next.abort();
  assert.ok(!existsSync(next.staged));
  assert.is(next.version(), '2.0.0');
  assert.is(imageVersion(Buffer.from('no header')).slice(0, 7), 'sha256:');
  return new Promise<void>((r) => setImmediate(() => { assert.is(applied, '2.0.0'); r(); }));
});

test('a verify hook refuses an image at finish and at apply', () => {
  const s = new NodeFirmwareStore({ dir, verify: (b) => (b[0] === 0x42 ? -5 : 0) });
  s.begin(-1);
  s.write(0, Buffer.from('Bad'), 0, 3);
  assert.is(s.finish(), -5);
  assert.is(s.apply(), -5);
  assert.is(new NodeFirmwareStore({ dir }).version(), '2.0.0');
});

test.run();
