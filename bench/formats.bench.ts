// Payload codecs: encode + decode of the /3/0 Device instance (the OMA TS TLV example's 16
// values) in TLV and SenML CBOR, ours against cborg encoding/decoding the same SenML records in
// the same run; prints the ratios. Then the allocation proof: after warm-up, 100,000 encodes (and
// 100,000 decodes) per format cause zero garbage collections, Float values of /3303/0 included.
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import { DataRecord, ValueType } from '../src/model/record.js';
import { TlvDecoder, TlvEncoder } from '../src/formats/tlv.js';
import { SenmlCborEncoder } from '../src/formats/senml-cbor.js';
import { SenmlCborDecoder } from '../src/formats/senml-cbor-dec.js';
import { SenmlJsonDecoder, SenmlJsonEncoder } from '../src/formats/senml-json.js';
import { Lwm2mCborDecoder, Lwm2mCborEncoder } from '../src/formats/lwm2m-cbor.js';
import type { PayloadDecoder, PayloadEncoder } from '../src/formats/codec.js';
import { coerceRecord } from '../src/formats/coerce.js';
import { GcCounter, expectNoGc, interleaved, opsPerSec, size, wrong } from './gc.js';

const te = new TextEncoder();
type V = [number, number, ValueType, number | string];
const DEVICE: V[] = [
  [0, -1, ValueType.String, 'Open Mobile Alliance'], [1, -1, ValueType.String, 'Lightweight M2M Client'],
  [2, -1, ValueType.String, '345000123'], [3, -1, ValueType.String, '1.0'],
  [6, 0, ValueType.Integer, 1], [6, 1, ValueType.Integer, 5], [7, 0, ValueType.Integer, 3800], [7, 1, ValueType.Integer, 5000],
  [8, 0, ValueType.Integer, 125], [8, 1, ValueType.Integer, 900], [9, -1, ValueType.Integer, 100], [10, -1, ValueType.Integer, 15],
  [11, 0, ValueType.Integer, 0], [13, -1, ValueType.Time, 1367491215], [14, -1, ValueType.String, '+02:00'], [16, -1, ValueType.String, 'U'],
];
const recs: DataRecord[] = DEVICE.map(([r, ri, t, v]) => {
  const d = new DataRecord();
  d.o = 3; d.i = 0; d.r = r; d.ri = ri; d.type = t;
  if (typeof v === 'string') { d.buf = te.encode(v); d.off = 0; d.len = d.buf.length; } else d.num = v;
  return d;
});
// The same data as SenML records for cborg (the shape a JS LwM2M stack would hand it).
const senml = DEVICE.map(([r, ri, , v], k) => {
  const o: Record<string, unknown> = {};
  if (k === 0) o.bn = '/3/0/';
  o.n = ri < 0 ? String(r) : r + '/' + ri;
  if (typeof v === 'string') o.vs = v; else o.v = v;
  return o;
});
// cborg with its defaults: plain CBOR maps with text keys (sorted) and arrays, no extensions.
const cx = { encode: (v: unknown): Uint8Array => cborgEncode(v), decode: (b: Uint8Array): unknown => cborgDecode(b) };

// Float resources of /3303/0 (a half, a single, a double, integral and not): the float path of the
// CBOR encoders (a Float is a CBOR float by its type) in the zero-GC proof.
const floats: DataRecord[] = [[5601, 22], [5602, 21.3], [5603, -40], [5604, 1e10], [5700, 22.5]].map(([r, v]) => {
  const d = new DataRecord();
  d.o = 3303; d.i = 0; d.r = r; d.ri = -1; d.type = ValueType.Float; d.num = v;
  return d;
});

const out = new Uint8Array(1024);
const rec = new DataRecord();

function roundTrip(enc: PayloadEncoder, dec: PayloadDecoder): () => number {
  return () => {
    enc.begin(out, 0, out.length, 3, 0, -1, -1);
    for (let k = 0; k < recs.length; k++) if (enc.add(recs[k]) < 0) throw new Error('add');
    const n = enc.end();
    if (n < 0) throw new Error('end');
    dec.begin(out, 0, n, 3, 0, -1, -1);
    let c = 0;
    while (dec.next(rec) > 0) c++;
    if (c !== recs.length) throw new Error('decoded ' + c);
    return 1;
  };
}
function encodeOnly(enc: PayloadEncoder): () => number {
  return () => {
    enc.begin(out, 0, out.length, 3, 0, -1, -1);
    for (let k = 0; k < recs.length; k++) enc.add(recs[k]);
    if (enc.end() <= 0) throw new Error('encode /3/0');
    enc.begin(out, 0, out.length, 3303, 0, -1, -1);
    for (let k = 0; k < floats.length; k++) enc.add(floats[k]);
    if (enc.end() <= 0) throw new Error('encode /3303/0');
    return 1;
  };
}
function theirs(): number {
  const b = cx.encode(senml);
  const back = cx.decode(b) as unknown[];
  if (back.length !== senml.length) throw new Error('cborg');
  return 1;
}

const tlv = roundTrip(new TlvEncoder(), new TlvDecoder());
const sc = roundTrip(new SenmlCborEncoder(), new SenmlCborDecoder());
const sj = roundTrip(new SenmlJsonEncoder(), new SenmlJsonDecoder());
const lc = roundTrip(new Lwm2mCborEncoder(), new Lwm2mCborDecoder());

// The results are right, not only fast: each format decodes back exactly the records it encoded
// (paths, types, values), and cborg's round trip gives back its SenML objects.
function same(a: DataRecord, b: DataRecord): boolean {
  if (a.o !== b.o || a.i !== b.i || a.r !== b.r || a.ri !== b.ri) return false;
  if (b.type === ValueType.String || b.type === ValueType.Opaque || b.type === ValueType.CoreLnk) return Buffer.from(a.buf.subarray(a.off, a.off + a.len)).equals(Buffer.from(b.buf.subarray(b.off, b.off + b.len)));
  return a.num === b.num;
}
function checkRoundTrip(name: string, enc: PayloadEncoder, dec: PayloadDecoder, list: DataRecord[], o: number, i: number): void {
  enc.begin(out, 0, out.length, o, i, -1, -1);
  for (const r of list) if (enc.add(r) < 0) { wrong(`${name}: add`); return; }
  const n = enc.end();
  if (n < 0) { wrong(`${name}: end ${n}`); return; }
  const copy = out.slice(0, n);
  dec.begin(copy, 0, n, o, i, -1, -1);
  for (let k = 0; k <= list.length; k++) {
    const r = new DataRecord();
    const got = dec.next(r);
    if (k === list.length) { if (got !== 0) wrong(`${name}: more records than encoded`); return; }
    if (got !== 1 || coerceRecord(r, list[k].type) !== 0 || r.type !== list[k].type || !same(r, list[k])) { wrong(`${name}: record ${k} of /${o}/${i} decodes differently`); return; }
  }
}
for (const [name, enc, dec] of [['TLV', new TlvEncoder(), new TlvDecoder()], ['SenML CBOR', new SenmlCborEncoder(), new SenmlCborDecoder()],
  ['SenML JSON', new SenmlJsonEncoder(), new SenmlJsonDecoder()], ['LwM2M CBOR', new Lwm2mCborEncoder(), new Lwm2mCborDecoder()]] as const) {
  checkRoundTrip(name, enc, dec, recs, 3, 0);
  checkRoundTrip(name, enc, dec, floats, 3303, 0);
}
const sorted = (xs: unknown): string => JSON.stringify((xs as Record<string, unknown>[]).map((o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)))));
if (sorted(cx.decode(cx.encode(senml))) !== sorted(senml)) wrong('cborg round trip');

const sizeOf = (enc: PayloadEncoder): number => { enc.begin(out, 0, out.length, 3, 0, -1, -1); for (const r of recs) enc.add(r); return enc.end(); };
console.log(`/3/0 Device, 16 values: TLV ${sizeOf(new TlvEncoder())} B, SenML CBOR ${sizeOf(new SenmlCborEncoder())} B, ` +
  `SenML JSON ${sizeOf(new SenmlJsonEncoder())} B, LwM2M CBOR ${sizeOf(new Lwm2mCborEncoder())} B, cborg SenML ${cx.encode(senml).length} B`);

for (const f of [tlv, sc, sj, lc, theirs]) opsPerSec(f, 300); // warm-up
// Interleaved (10 rounds of 150 ms of CPU time each), per CPU second: see gc.ts.
const rows: [string, () => number][] = [['TLV', tlv], ['SenML CBOR', sc], ['SenML JSON', sj], ['LwM2M CBOR', lc]];
const [rTheirs, ...rOurs] = interleaved([theirs, ...rows.map(([, f]) => f)], 10, 150);
console.log(`encode+decode /3/0 (per CPU second, interleaved): cborg (SenML objects) ${(rTheirs / 1e3).toFixed(0)} k/s`);
rows.forEach(([name], k) => {
  const r = rOurs[k];
  console.log(`  ours ${name.padEnd(10)} ${(r / 1e3).toFixed(0)} k/s, ratio ${(r / rTheirs).toFixed(2)}x vs cborg`);
});

// Zero-GC proof: 100,000 encodes and 100,000 decodes per format after warm-up.
const N = size(100_000, 1_000);
let gcs = 0;
for (const [name, enc, dec] of [['TLV', new TlvEncoder(), new TlvDecoder()], ['SenML CBOR', new SenmlCborEncoder(), new SenmlCborDecoder()],
  ['SenML JSON', new SenmlJsonEncoder(), new SenmlJsonDecoder()], ['LwM2M CBOR', new Lwm2mCborEncoder(), new Lwm2mCborDecoder()]] as const) {
  const e = encodeOnly(enc);
  const rt = roundTrip(enc, dec);
  for (let k = 0; k < size(20000, 200); k++) { e(); rt(); }
  const gc = new GcCounter();
  await gc.start();
  for (let k = 0; k < N; k++) e();
  for (let k = 0; k < N; k++) rt();
  const count = await gc.stop();
  console.log(`zero-GC ${name}: ${N} encodes (/3/0 and /3303/0 Floats) + ${N} encode/decode round trips → ${count} GCs`);
  gcs += count;
}
expectNoGc(gcs);
