import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256 } from '../../src/crypto/sha256.js';
import { hex, toHex, loadVectors } from '../vectors.js';

const V = loadVectors('sha256.json').vectors as any[];
const out = new Uint8Array(32);

for (const v of V) {
  test(`vector: ${v.name}`, () => {
    const h = new Sha256();
    if (v.messageRepeat) {
      const r = v.messageRepeat;
      const unit = r.byteHex !== undefined ? hex(r.byteHex) : r.hex !== undefined ? hex(r.hex) : Uint8Array.from(Buffer.from(r.ascii ?? r.byteAscii ?? 'a'));
      const count = r.count ?? r.times;
      const chunk = new Uint8Array(unit.length * 1000);
      for (let i = 0; i < 1000; i++) chunk.set(unit, i * unit.length);
      for (let i = 0; i < count / 1000; i++) h.update(chunk, 0, chunk.length);
    } else {
      const m = hex(v.messageHex);
      h.update(m, 0, m.length);
    }
    h.final(out, 0);
    assert.is(toHex(out), v.sha256);
  });
}

test('streaming with random split points against node:crypto', () => {
  const h = new Sha256();
  const h2 = new Sha256();
  for (let it = 0; it < 300; it++) {
    const m = randomBytes(it * 3);
    h.init();
    let i = 0;
    while (i < m.length) { const n = Math.min(m.length - i, 1 + ((it * 13 + i) % 70)); h.update(m, i, n); i += n; }
    h2.copyFrom(h);
    h.final(out, 0);
    const want = createHash('sha256').update(m).digest('hex');
    assert.is(toHex(out), want);
    h2.final(out, 0);
    assert.is(toHex(out), want, 'copyFrom gives the same digest');
  }
});

test.run();
