// PathReader (src/formats/path-text.ts): a SenML name read as bn + n in pieces — bn once, then each
// record's n continuing from a copy of that state — must read exactly what the whole text reads,
// and accept exactly the LwM2M path texts: "/" or "/" and 1…4 components 0…65535 without leading
// zeros, '/'-separated, an optional trailing '/'. The oracle is a regular expression.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import './helpers.js'; // fixed fast-check seed
import { PathReader, writePath } from '../../src/formats/path-text.js';
import { DataRecord } from '../../src/model/record.js';

const te = new TextEncoder();
const VALID = /^\/(?:(0|[1-9][0-9]{0,4})(?:\/(0|[1-9][0-9]{0,4})){0,3}\/?)?$/;

/** The oracle: the path's components, or null when the text is not a path. */
function oracle(s: string): number[] | null {
  const m = VALID.exec(s);
  if (!m) return null;
  const comps = s.split('/').filter((x) => x !== '').map(Number);
  return comps.some((c) => c > 65535) ? null : comps;
}

/** Reads s cut at `cut` (bn = s[0, cut), n = the rest), the bn state copied as the decoders do. */
function read(s: string, cut: number): number[] | null {
  const b = te.encode(s);
  const bn = new PathReader(), name = new PathReader();
  bn.reset();
  bn.feed(b, 0, cut);
  name.copyFrom(bn);
  name.feed(b, cut, b.length - cut);
  const rec = new DataRecord();
  if (name.finish(rec) < 0) return null;
  return [rec.o, rec.i, rec.r, rec.ri].filter((c) => c >= 0);
}

test('examples', () => {
  const cases: [string, number[] | null][] = [['/', []], ['/3', [3]], ['/3/0/', [3, 0]], ['/3/0/7/1', [3, 0, 7, 1]], ['/65535/0', [65535, 0]],
    ['', null], ['3/0', null], ['//', null], ['/3//0', null], ['/03', null], ['/65536', null], ['/1/2/3/4/5', null], ['/1/2/3/4/', [1, 2, 3, 4]],
    ['/a', null], ['/3/0//', null], ['/0', [0]], ['/3/00', null]];
  for (const [s, want] of cases) {
    assert.equal(oracle(s), want, 'oracle ' + s);
    for (let cut = 0; cut <= s.length; cut++) assert.equal(read(s, cut), want, `${JSON.stringify(s)} cut at ${cut}`);
  }
});

test('property: any text, cut anywhere, reads as the oracle says (bn state reused across names)', () => {
  const alphabet = fc.constantFrom('/', '0', '1', '5', '6', '9', 'x');
  const arb = fc.oneof(
    fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
    fc.tuple(fc.integer({ min: -1, max: 70000 }), fc.integer({ min: -1, max: 70000 }), fc.integer({ min: -1, max: 70000 }), fc.boolean())
      .map(([a, b, c, slash]) => '/' + [a, b, c].filter((x) => x >= 0).join('/') + (slash ? '/' : '')),
  );
  fc.assert(fc.property(arb, fc.nat(), (s, k) => {
    const cut = s.length === 0 ? 0 : k % (s.length + 1);
    assert.equal(read(s, cut), oracle(s));
  }), { numRuns: 5000 });
});

test('the writer and the reader agree', () => {
  const out = new Uint8Array(40);
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 4 }), fc.boolean(), (ids, slash) => {
    const [o = -1, i = -1, r = -1, ri = -1] = ids;
    const n = writePath(out, 0, 40, o, i, r, ri, slash);
    const s = new TextDecoder().decode(out.subarray(0, n));
    assert.equal(read(s, Math.floor(s.length / 2)), ids);
  }), { numRuns: 1000 });
});

test.run();
