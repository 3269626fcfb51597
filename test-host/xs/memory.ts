// The client's footprint under XS, measured (the Node side; the probe `client` of
// test-host/xs/suites/scenario.ts builds the client inside XS). Two figures per client:
//   slots       — XS heap slots the client keeps alive: the worker's currentHeapCount with the client
//                 held, after gc(), minus the count with nothing held, after gc() (xsnap reports
//                 currentHeapCount after every command);
//   chunk bytes — the bytes of the typed arrays / ArrayBuffers the constructor allocates. xsnap's meter
//                 does not report XS's chunk heap (the machine's currentChunksSize is not exported;
//                 its `allocate` figure is the malloc'd total, grown a block at a time), so these are
//                 counted in XS while the client is built (scenario.ts countTypedArrays) and sized as
//                 XS chunks on a 32-bit MCU: byteLength rounded up to 4, plus the 8-byte chunk header.
//                 Strings the client keeps (a few short names) are not counted.
// ESP32 bytes = slots × 16 (a txSlot is 16 bytes on a 32-bit MCU) + chunk bytes.
import type { Config } from '../../src/config.js';
import { readFileSync, writeFileSync } from 'node:fs';
import type { XsWorker } from './host.js';

export const ESP32_SLOT_BYTES = 16;
/** Issue 6's target for the default board (objects 0,1,2,3,4 + one sensor object, one server, DTLS buffers). */
export const ESP32_BUDGET = 48 * 1024;

export interface Footprint {
  slots: number; arrays: number; bytes: number; chunkBytes: number; esp32Bytes: number;
  /** The bytes the arrays use, a shared page's unused tail left out (scenario.ts countTypedArrays):
   *  what the per-item rows difference, so that one more unit does not read as 0 or a whole page. */
  dataBytes: number;
}

export async function clientFootprint(xs: XsWorker, config: Partial<Config> = {}): Promise<Footprint> {
  const s = await xs.footprint<null>('client', JSON.stringify({ chunks: false, config }));
  const c = await xs.footprint<{ arrays: number; bytes: number; chunkBytes32: number; dataBytes32: number; ok?: boolean; error?: string }>('client', JSON.stringify({ chunks: true, config }));
  if (!c.report || c.report.ok === false) throw new Error('XS client probe: ' + (c.report?.error ?? 'no report'));
  return { slots: s.slots, arrays: c.report.arrays, bytes: c.report.bytes, chunkBytes: c.report.chunkBytes32, esp32Bytes: s.slots * ESP32_SLOT_BYTES + c.report.chunkBytes32, dataBytes: c.report.dataBytes32 };
}

/** An esp32-sized client on the public API (the probe `api-esp32` of test-host/xs/suites/api.ts):
 *  the objects given (ready objects, `instances` each), boards/esp32/config.json's sizes + `sizes`. */
export interface ApiClientSpec { objects: readonly number[]; instances?: number; sizes?: Partial<Config> }

export async function apiClientFootprint(xs: XsWorker, spec: ApiClientSpec): Promise<Footprint> {
  const s = await xs.footprint<null>('api-esp32', JSON.stringify({ ...spec, chunks: false }));
  const c = await xs.footprint<{ arrays: number; bytes: number; chunkBytes32: number; dataBytes32: number; ok?: boolean; error?: string }>('api-esp32', JSON.stringify({ ...spec, chunks: true }));
  if (!c.report || c.report.ok === false) throw new Error('XS api-esp32 probe: ' + (c.report?.error ?? 'no report'));
  return { slots: s.slots, arrays: c.report.arrays, bytes: c.report.bytes, chunkBytes: c.report.chunkBytes32, esp32Bytes: s.slots * ESP32_SLOT_BYTES + c.report.chunkBytes32, dataBytes: c.report.dataBytes32 };
}

/** The configuration items of the table and the step each is measured with (a size in bytes moves by
 *  a larger step; the figure is per unit of the key). A step that the base config cannot take upward
 *  (dtlsSessions ≤ maxServers + 1) is measured downward; `with` names a key that must move along
 *  (its own row, measured before, is subtracted). */
export const ITEMS: readonly { key: keyof Config; step: number; unit: string; with?: keyof Config }[] = [
  { key: 'maxDatagram', step: 64, unit: 'byte' },
  { key: 'requestRingDepth', step: 1, unit: 'slot' },
  { key: 'responseRingDepth', step: 1, unit: 'slot' },
  { key: 'dedupEntries', step: 1, unit: 'entry' },
  { key: 'maxPeers', step: 1, unit: 'peer' },
  // A server needs a peer (maxPeers ≥ maxServers + 1): measured with maxPeers + 1, minus the peer row.
  { key: 'maxServers', step: 1, unit: 'server', with: 'maxPeers' },
  { key: 'dtlsSessions', step: 1, unit: 'session' },
  { key: 'maxObservations', step: 1, unit: 'observation' },
  { key: 'maxInstances', step: 4, unit: 'instance' },
  { key: 'maxValues', step: 16, unit: 'value' },
  { key: 'arenaBytes', step: 256, unit: 'byte' },
  { key: 'maxPayload', step: 256, unit: 'byte' },
];

export interface ItemRow { key: string; base: number; step: number; unit: string; slots: number; chunkBytes: number; esp32Bytes: number }

/** Per item: the footprint with the key moved by its step minus the base footprint, per unit. */
export async function itemRows(xs: XsWorker, base: Partial<Config>, baseFp: Footprint, valid: (c: Partial<Config>) => boolean): Promise<ItemRow[]> {
  const rows: ItemRow[] = [];
  for (const it of ITEMS) {
    const b = base[it.key] as number;
    const moved = (step: number): Partial<Config> => {
      const c: Partial<Config> = { ...base, [it.key]: b + step };
      if (it.with) c[it.with] = (base[it.with] as number) + step;
      return c;
    };
    let step = it.step;
    if (!valid(moved(step))) step = -step;
    if (!valid(moved(step))) continue;
    const fp = await clientFootprint(xs, moved(step));
    const companion = it.with ? rows.find((r) => r.key === it.with) : undefined;
    if (it.with && !companion) continue;
    rows.push({
      key: it.key, base: b, step, unit: it.unit,
      slots: (fp.slots - baseFp.slots) / step - (companion ? companion.slots : 0),
      chunkBytes: (fp.dataBytes - baseFp.dataBytes) / step - (companion ? companion.chunkBytes : 0),
      esp32Bytes: ((fp.slots - baseFp.slots) * ESP32_SLOT_BYTES + fp.dataBytes - baseFp.dataBytes) / step - (companion ? companion.esp32Bytes : 0),
    });
  }
  return rows;
}

const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** The per-item table as Markdown (README.md between XS_TABLE_BEGIN and XS_TABLE_END, and
 *  docs/xs-memory.md): slots and bytes per unit of each key, and the whole client. */
export function xsTableMarkdown(board: string, full: Config, rows: readonly ItemRow[], base: Footprint): string {
  const out = [`| config key | ${board} value | per | slots | bytes | ESP32 bytes |`, '|---|---:|---|---:|---:|---:|'];
  for (const r of rows) {
    out.push(`| \`${r.key}\` | ${fmt(full[r.key as keyof Config] as number)} | ${r.unit} | ${fmt(r.slots)} | ${fmt(r.chunkBytes)} | ${fmt(r.esp32Bytes)} |`);
  }
  out.push(`| **one client, ${board} config** | | | **${fmt(base.slots)}** | **${fmt(base.chunkBytes)}** (chunks) | **${fmt(base.esp32Bytes)}** |`);
  return out.join('\n');
}

export const XS_TABLE_BEGIN = '<!-- xs-memtable:begin -->';
export const XS_TABLE_END = '<!-- xs-memtable:end -->';

/** The text between the markers in `doc`, or null. */
export function xsTableIn(doc: string): string | null {
  const a = doc.indexOf(XS_TABLE_BEGIN), b = doc.indexOf(XS_TABLE_END);
  return a < 0 || b < a ? null : doc.slice(a + XS_TABLE_BEGIN.length, b).trim();
}

/** The text between two markers of a generated table, or null. */
export function tableBetween(doc: string, begin: string, end: string): string | null {
  const a = doc.indexOf(begin), b = doc.indexOf(end);
  return a < 0 || b < a ? null : doc.slice(a + begin.length, b).trim();
}

/** Writes `table` between the markers of `file` (the --write modes of the table generators). */
export function writeTableBetween(file: string, begin: string, end: string, table: string): void {
  const doc = readFileSync(file, 'utf8');
  if (tableBetween(doc, begin, end) === null) throw new Error(`${file} has no ${begin} … ${end} markers`);
  writeFileSync(file, doc.slice(0, doc.indexOf(begin) + begin.length) + '\n' + table + '\n' + doc.slice(doc.indexOf(end)));
  console.log(`(${file} updated)`);
}
