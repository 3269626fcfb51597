// The JSON tokenizer and writer against JSON.parse / JSON.stringify.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import './helpers.js'; // fixed fast-check seed
import { JsonReader, JsonWriter, Tok } from '../../src/formats/json.js';

const te = new TextEncoder();
const td = new TextDecoder();

/** Rebuilds a value from our tokens (test-side parser on top of the tokenizer). */
function parse(r: JsonReader, t: Tok = r.next()): unknown {
  switch (t) {
    case Tok.NUMBER: return r.num;
    case Tok.TRUE: return true;
    case Tok.FALSE: return false;
    case Tok.NULL: return null;
    case Tok.STRING: { if (r.unescape() < 0) throw new Error('escape'); return td.decode(r.buf.subarray(r.sOff, r.sOff + r.sLen)); }
    case Tok.BEGIN_ARRAY: {
      const a: unknown[] = [];
      let x = r.next();
      if (x === Tok.END_ARRAY) return a;
      for (;;) {
        a.push(parse(r, x));
        x = r.next();
        if (x === Tok.END_ARRAY) return a;
        if (x !== Tok.COMMA) throw new Error('comma');
        x = r.next();
      }
    }
    case Tok.BEGIN_OBJECT: {
      const o: Record<string, unknown> = {};
      let x = r.next();
      if (x === Tok.END_OBJECT) return o;
      for (;;) {
        const k = parse(r, x) as string;
        if (r.next() !== Tok.COLON) throw new Error('colon');
        Object.defineProperty(o, k, { value: parse(r), enumerable: true, writable: true, configurable: true });
        x = r.next();
        if (x === Tok.END_OBJECT) return o;
        if (x !== Tok.COMMA) throw new Error('comma');
        x = r.next();
      }
    }
    default: throw new Error('token ' + t);
  }
}

test('property: tokens of JSON.stringify output rebuild the same value', () => {
  fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
    const text = JSON.stringify(v, null, pretty ? 1 : undefined);
    const r = new JsonReader();
    const b = te.encode(text);
    r.begin(b, 0, b.length);
    assert.equal(parse(r), JSON.parse(text));
    assert.is(r.next(), Tok.END);
  }), { numRuns: 1000 });
});

test('property: writer strings and numbers are what JSON.parse reads', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.double({ noNaN: true, noDefaultInfinity: true }), (s, n) => {
    const w = new JsonWriter();
    const out = new Uint8Array(2000);
    w.begin(out, 0, 2000);
    w.byte(0x5b);
    const sb = te.encode(s);
    w.string(sb, 0, sb.length);
    w.byte(0x2c);
    w.number(n);
    w.byte(0x5d);
    assert.ok(!w.overflow);
    assert.equal(JSON.parse(td.decode(out.subarray(0, w.pos))), [s, n === 0 ? 0 : n]);
  }), { numRuns: 1000 });
});

test('bad tokens', () => {
  for (const s of ['tru', 'nul', 'fals', '"abc', '"a\u0001"', '@', '-', '01x', '1.']) {
    const r = new JsonReader();
    const b = te.encode(s);
    r.begin(b, 0, b.length);
    let t = r.next();
    if (t !== Tok.ERROR) t = r.next(); // "01x": 0 then error
    assert.ok(t === Tok.ERROR || (t as number) === Tok.NUMBER, s);
  }
  const r = new JsonReader();
  const b = te.encode('"\\ud800x"');
  r.begin(b, 0, b.length);
  assert.is(r.next(), Tok.STRING);
  assert.is(r.unescape(), -1);
});

test.run();
