// src/formats under XS, checked differentially: every TLV, SenML-CBOR and SenML-JSON vector (and
// 40 deterministic mutations of each) is decoded, and the decoded records re-encoded, under XS and
// under V8; the record lists and bytes must be identical. (test-host/formats/ checks them against
// the vectors' expected values under V8; equality here carries that to XS.)
import { TlvDecoder, TlvEncoder } from '../../../src/formats/tlv.js';
import { SenmlCborEncoder } from '../../../src/formats/senml-cbor.js';
import { SenmlCborDecoder } from '../../../src/formats/senml-cbor-dec.js';
import { SenmlJsonDecoder, SenmlJsonEncoder } from '../../../src/formats/senml-json.js';
import type { PayloadDecoder, PayloadEncoder } from '../../../src/formats/codec.js';
import { DataRecord } from '../../../src/model/record.js';
import { same, hex, toHex, vectors } from '../harness.js';

function parsePath(p: string): number[] {
  const ids = p === '/' || !p ? [] : p.substring(1).split('/').map(Number);
  return [ids[0] ?? -1, ids[1] ?? -1, ids[2] ?? -1, ids[3] ?? -1];
}

function concretePath(p: string): string {
  return p.replace('<any object>', '9').replace('<o>', '9').replace('<i>', '0');
}

function show(r: DataRecord): string {
  return '/' + r.o + '/' + r.i + '/' + r.r + '/' + r.ri + ' t' + r.type + ' n' + String(r.num) + ' l' + r.lnkO + ':' + r.lnkI +
    ' f' + r.rawFormat + ' @' + String(r.time) + ' ' + toHex(r.buf, r.off, r.len);
}

/** Decodes, then re-encodes what was decoded; a transcript of both. */
function transcript(dec: PayloadDecoder, enc: PayloadEncoder, payload: Uint8Array, path: string): string {
  const [o, i, r, ri] = parsePath(path);
  const buf = payload.slice();
  const b = dec.begin(buf, 0, buf.length, o, i, r, ri);
  if (b < 0) return 'begin ' + b;
  const recs: DataRecord[] = [];
  let out = '';
  for (let guard = 0; guard < 10000; guard++) {
    const rec = new DataRecord();
    const n = dec.next(rec);
    if (n < 0) return out + 'next ' + n;
    if (n === 0) break;
    recs.push(rec);
    out += show(rec) + '\n';
  }
  const bytes = new Uint8Array(4104);
  enc.begin(bytes, 3, 4096, o, i, r, ri);
  for (const rec of recs) {
    const n = enc.add(rec);
    if (n < 0) return out + 'add ' + n;
  }
  const len = enc.end();
  return out + (len < 0 ? 'end ' + len : 'encoded ' + toHex(bytes, 3, len));
}

/** Mulberry32, as test-host/formats/helpers.ts: deterministic mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const a = Array.from(src);
  const n = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < n; k++) {
    const op = Math.floor(rnd() * 4);
    const at = Math.floor(rnd() * (a.length + 1));
    if (op === 0 && a.length) a[at % a.length] ^= 1 << Math.floor(rnd() * 8);
    else if (op === 1) a.splice(at, 0, Math.floor(rnd() * 256));
    else if (op === 2 && a.length) a.splice(at % a.length, 1);
    else a.splice(Math.min(a.length, at)); // truncate (not `a.length = n`: Espruino throws on it)
  }
  return Uint8Array.from(a);
}

function check(format: string, name: string, dec: PayloadDecoder, enc: PayloadEncoder, payload: Uint8Array, path: string, seed: number): void {
  same(format + ': ' + name, () => {
    let s = transcript(dec, enc, payload, path);
    const rnd = prng(seed);
    for (let k = 0; k < 40; k++) s += '\n#' + k + ' ' + transcript(dec, enc, mutate(payload, rnd), path);
    return s;
  });
}

const utf8 = new TextEncoder();
let seed = 1;
for (const v of vectors('lwm2m_tlv.json').vectors) {
  check('tlv', v.name, new TlvDecoder(), new TlvEncoder(), hex(v.hex), concretePath(v.path), seed++);
}
for (const v of vectors('lwm2m_senml_cbor.json').vectors) {
  check('senml-cbor', v.name, new SenmlCborDecoder(), new SenmlCborEncoder(), hex(v.hex), v.path || '/', seed++);
}
for (const v of vectors('lwm2m_senml_json.json').vectors) {
  check('senml-json', v.name, new SenmlJsonDecoder(), new SenmlJsonEncoder(), utf8.encode(v.payload), v.path || '/', seed++);
}
