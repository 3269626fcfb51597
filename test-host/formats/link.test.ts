// CoRE Link Format writer (RFC 6690): the payloads of corelink.json written again byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadVectors } from '../vectors.js';
import { ATTR_DIM, ATTR_GT, ATTR_PMIN, ATTR_RT, ATTR_SSID, ATTR_VER, LinkWriter, VAL_OMA_LWM2M } from '../../src/formats/link.js';
import { parseLinks } from '../../src/formats/link-parse.js';
import { Code } from '../../src/coap/codes.js';

const V = loadVectors('corelink.json');
const te = new TextEncoder();
const td = new TextDecoder();
const w = new LinkWriter();

for (const vec of V.vectors) {
  if (vec.kind === 'register-invalid') continue;
  test(`write: ${vec.name}`, () => {
    const out = new Uint8Array(1024);
    w.begin(out, 4, 1000);
    for (const l of vec.links) {
      const ids = l.uri === '/' ? [] : l.uri.slice(1).split('/').map(Number);
      w.link(ids[0] ?? -1, ids[1] ?? -1, ids[2] ?? -1);
      for (const a of l.attributes) {
        const name = te.encode(a.name);
        if (a.value === null) w.attrFlag(name);
        else if (a.quoted) { const v = te.encode(a.value); w.attrQuoted(name, v, 0, v.length); }
        else if (/^[0-9]+$/.test(a.value)) w.attrUint(name, Number(a.value));
        else { const v = te.encode(a.value); w.attrStr(name, v, 0, v.length); }
      }
    }
    const n = w.end();
    assert.is(td.decode(out.subarray(4, 4 + n)), vec.payload.trim());
  });
}

test('constants, floats, resource instances, overflow', () => {
  const out = new Uint8Array(200);
  w.begin(out, 0, 200);
  w.link(-1, -1, -1);
  w.attrQuoted(ATTR_RT, VAL_OMA_LWM2M, 0, VAL_OMA_LWM2M.length);
  w.link(3, 0, 7); w.attrUint(ATTR_DIM, 2); w.attrUint(ATTR_PMIN, 10); w.attrFloat(ATTR_GT, 22.5);
  w.link4(3, 0, 7, 1); w.attrFloat(ATTR_GT, -0.1);
  w.link(1, 0, -1); w.attrUint(ATTR_SSID, 101);
  const v = te.encode('1.1');
  w.link(3, -1, -1); w.attrStr(ATTR_VER, v, 0, v.length);
  const n = w.end();
  const text = td.decode(out.subarray(0, n));
  assert.is(text, '</>;rt="oma.lwm2m",</3/0/7>;dim=2;pmin=10;gt=22.5,</3/0/7/1>;gt=-0.1,</1/0>;ssid=101,</3>;ver=1.1');
  assert.is(parseLinks(text).length, 5);
  w.begin(out, 0, 10);
  w.link(3, 0, 7); w.attrUint(ATTR_DIM, 2);
  assert.is(w.end(), -Code.REQUEST_ENTITY_TOO_LARGE);
  const q = te.encode('a"b\\c');
  w.begin(out, 0, 200); w.link(1, -1, -1); w.attrQuoted(ATTR_RT, q, 0, q.length);
  const t2 = td.decode(out.subarray(0, w.end()));
  assert.is(t2, '</1>;rt="a\\"b\\\\c"');
  assert.is(parseLinks(t2)[0].attrs[0].value, 'a"b\\c');
});

test.run();
