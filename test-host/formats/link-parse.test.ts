// CoRE Link Format parser (RFC 6690) on every payload of corelink.json.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadVectors } from '../vectors.js';
import { LinkParseError, lwm2mIds, parseLinks } from '../../src/formats/link-parse.js';

const V = loadVectors('corelink.json');

for (const vec of V.vectors) {
  test(`parse: ${vec.name}`, () => {
    if (vec.kind === 'register-invalid') {
      assert.throws(() => parseLinks(vec.payload), (e: unknown) => e instanceof LinkParseError);
      return;
    }
    const got = parseLinks(new TextEncoder().encode(vec.payload));
    assert.equal(got.map((l) => ({
      uri: l.path,
      attributes: l.attrs.map((a) => (a.value === null ? { name: a.name, value: null } : { name: a.name, value: a.value, quoted: a.quoted })),
    })), vec.links);
  });
}

test('LwM2M ids and malformed payloads', () => {
  assert.equal(lwm2mIds('/'), []);
  assert.equal(lwm2mIds('/3/0/11'), [3, 0, 11]);
  assert.is(lwm2mIds('/3/a'), null);
  assert.is(lwm2mIds('/65536'), null);
  assert.is(lwm2mIds('/1/2/3/4/5'), null);
  assert.equal(parseLinks(''), []);
  for (const s of ['<', '</1', '/1>', '</1>;', '</1>;=3', '</1>;a=', '</1>;a="x', '</1>,', '</1> </2>', '</1>;a=1;a=2', '</1>;a="x"y']) {
    assert.throws(() => parseLinks(s), (e: unknown) => e instanceof LinkParseError, s);
  }
});

test.run();
