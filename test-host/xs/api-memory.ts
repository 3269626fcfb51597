// Issue 18's XS figures for the application API, on the xsnap model of docs/xs-memory.md (slots × 16 +
// chunk bytes, the esp32 board's sizes): one esp32 client on the public API with no application
// object and with four (Temperature 3303, Humidity 3304, Light Control 3311, Push Button 3347), and
// what one more sensor instance (3303) costs. A process of its own (@endo/init locks the process down).
//
// Run: node build/test-host/xs/api-memory.js [--write]   (--write: the table into docs/performance.md
// between its xs-api-memtable markers; test-host/xs/xs.test.ts checks it is current and that the
// four-object client stays under 48 KB)
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForXs, XsWorker } from './host.js';
import { apiClientFootprint, tableBetween, writeTableBetween, ESP32_BUDGET, ESP32_SLOT_BYTES, type ApiClientSpec, type Footprint } from './memory.js';
import type { Config } from '../../src/config.js';
import { repoRoot } from '../vectors.js';

/** The esp32 board's sizes (boards/esp32/config.json) are made for objects 0–4 and one Temperature
 *  instance (11 values): four application objects get the room the other three need on top — 3
 *  instances and their 24 values (3304: 11, 3311: 8, 3347: 5) — so that the client keeps the headroom
 *  the esp32 scenario (bootstrap, register, read, observe under XS) runs with. */
export const FOUR_OBJECTS: ApiClientSpec = { objects: [3303, 3304, 3311, 3347], sizes: { maxInstances: 16 + 3, maxValues: 96 + 24 } };
/** Values of one Temperature instance (5700, 5701, 5601–5604, 5750, …: the ready object's slots). */
const TEMPERATURE_VALUES = 11;
const N = 9; // instances of the "more instances" probes (compared with 1)

export interface ApiMemory { none: Footprint; four: Footprint; perSame: { slots: number; bytes: number }; perRoom: { slots: number; bytes: number } }

function per(a: Footprint, b: Footprint, n: number): { slots: number; bytes: number } {
  return { slots: (b.slots - a.slots) / n, bytes: (b.dataBytes - a.dataBytes) / n };
}

export async function measureApiMemory(xs: XsWorker): Promise<ApiMemory> {
  await apiClientFootprint(xs, FOUR_OBJECTS); // warm-up: the first construction interns names, builds module state
  const none = await apiClientFootprint(xs, { objects: [] });
  const four = await apiClientFootprint(xs, FOUR_OBJECTS);
  // One more instance, the table sized the same (room for N already there): what the object itself adds.
  const big: Partial<Config> = { maxInstances: 16 + N, maxValues: 96 + N * TEMPERATURE_VALUES };
  const s1 = await apiClientFootprint(xs, { objects: [3303], instances: 1, sizes: big });
  const sN = await apiClientFootprint(xs, { objects: [3303], instances: N, sizes: big });
  // With its table room: maxInstances + 1 and maxValues + 11 per instance.
  const r1 = await apiClientFootprint(xs, { objects: [3303], instances: 1, sizes: { maxInstances: 17, maxValues: 96 + TEMPERATURE_VALUES } });
  const rN = await apiClientFootprint(xs, { objects: [3303], instances: N, sizes: { maxInstances: 16 + N, maxValues: 96 + N * TEMPERATURE_VALUES } });
  return { none, four, perSame: per(s1, sN, N - 1), perRoom: per(r1, rN, N - 1) };
}

const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });

export function apiMemoryMarkdown(m: ApiMemory): string {
  const whole = (f: Footprint) => `${fmt(f.slots)} | ${fmt(f.chunkBytes)} | ${fmt(f.esp32Bytes)}`;
  const one = (p: { slots: number; bytes: number }) => `${fmt(p.slots)} | ${fmt(p.bytes)} | ${fmt(p.slots * ESP32_SLOT_BYTES + p.bytes)}`;
  return [
    '| esp32 client on the public API (xsnap model) | slots | chunk bytes | ESP32 bytes |',
    '|---|---:|---:|---:|',
    `| no application object (objects 0–4; esp32 sizes) | ${whole(m.none)} |`,
    `| four application objects: 3303, 3304, 3311, 3347 (esp32 sizes + their room: maxInstances 19, maxValues 120) | ${whole(m.four)} |`,
    `| one more Temperature (3303) instance, the table sized the same | ${one(m.perSame)} |`,
    `| one more Temperature (3303) instance with its table room (+1 instance, +${TEMPERATURE_VALUES} values) | ${one(m.perRoom)} |`,
  ].join('\n');
}

export const API_TABLE_BEGIN = '<!-- xs-api-memtable:begin -->';
export const API_TABLE_END = '<!-- xs-api-memtable:end -->';

export function apiTableIn(doc: string): string | null { return tableBetween(doc, API_TABLE_BEGIN, API_TABLE_END); }

/** The bundle with the API suite (its probe `api-esp32`). */
export async function apiWorker(): Promise<XsWorker> {
  return XsWorker.load(await bundleForXs(undefined, ['test-host/xs/suites/api.ts']));
}

/** Where the four-object figure goes (--breakdown): the table room alone (no object, FOUR_OBJECTS'
 *  sizes), each object alone in a client so sized, and each object alone, given to no client. */
export async function apiBreakdown(xs: XsWorker): Promise<string[]> {
  const line = (what: string, f: { slots: number; chunkBytes: number }, base?: { slots: number; chunkBytes: number }) => {
    const s = f.slots - (base?.slots ?? 0), c = f.chunkBytes - (base?.chunkBytes ?? 0);
    return `${what}: ${s} slots + ${c} chunk B = ${s * ESP32_SLOT_BYTES + c} B`;
  };
  await apiClientFootprint(xs, FOUR_OBJECTS);
  const none = await apiClientFootprint(xs, { objects: [] });
  const room = await apiClientFootprint(xs, { objects: [], sizes: FOUR_OBJECTS.sizes });
  const out = [line('no application object', none), line('the four objects\' table room (maxInstances 19, maxValues 120), no object', room, none)];
  for (const id of FOUR_OBJECTS.objects) {
    out.push(line(`object ${id} in the client (table room as above)`, await apiClientFootprint(xs, { objects: [id], sizes: FOUR_OBJECTS.sizes }), room));
    const s = await xs.footprint<null>('api-object', JSON.stringify({ id }));
    const c = await xs.footprint<{ chunkBytes32: number }>('api-object', JSON.stringify({ id, chunks: true }));
    out.push(line(`  object ${id} alone (no client)`, { slots: s.slots, chunkBytes: c.report.chunkBytes32 }));
  }
  out.push(line('four objects over their table room', await apiClientFootprint(xs, FOUR_OBJECTS), room));
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const xs = await apiWorker();
  try {
    if (process.argv.includes('--breakdown')) { for (const l of await apiBreakdown(xs)) console.log(l); process.exit(0); }
    const m = await measureApiMemory(xs);
    const table = apiMemoryMarkdown(m);
    console.log(table);
    console.log(`\nfour application objects: ${m.four.slots} × ${ESP32_SLOT_BYTES} + ${m.four.chunkBytes} = ${m.four.esp32Bytes} B; target ${ESP32_BUDGET} B: ${m.four.esp32Bytes < ESP32_BUDGET ? 'met' : 'NOT met'}`);
    if (process.argv.includes('--write')) {
      writeTableBetween(join(repoRoot(), 'docs', 'performance.md'), API_TABLE_BEGIN, API_TABLE_END, table);
    }
  } finally {
    await xs.close();
  }
}
