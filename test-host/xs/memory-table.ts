// Prints docs/xs-memory.md's per-item table: the footprint under XS of one client built with a
// board's config (default esp32), and per configuration item (the key moved by its step, the
// difference per unit). A process of its own (@endo/init locks the process down).
//
// Run: node build/test-host/xs/memory-table.js [board] [--write]   (--write: the esp32 table into
// README.md between its xs-memtable markers; test-host/xs/xs.test.ts checks it is current)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForXs, XsWorker } from './host.js';
import { clientFootprint, itemRows, xsTableMarkdown, xsTableIn, XS_TABLE_BEGIN, XS_TABLE_END, ESP32_BUDGET, ESP32_SLOT_BYTES } from './memory.js';
import { makeConfig, type Config } from '../../src/config.js';
import { repoRoot } from '../vectors.js';

const args = process.argv.slice(2);
const write = args.includes('--write');
const board = args.find((a) => !a.startsWith('--')) || 'esp32';
const cfg = (JSON.parse(readFileSync(join(repoRoot(), 'boards', board, 'config.json'), 'utf8')) as { config: Partial<Config> }).config;
const full = makeConfig(cfg);
const valid = (c: Partial<Config>) => { try { makeConfig(c); return true; } catch { return false; } };
const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 });

const xs = await XsWorker.load(await bundleForXs());
try {
  // First, in the fresh worker: the module-level state the program creates once, at run time.
  const ms = await xs.footprint<null>('module-state', '');
  const xs2 = await XsWorker.load(await bundleForXs());
  const msChunks = await xs2.footprint<{ chunkBytes32: number; arrays: number }>('module-state', 'chunks').finally(() => xs2.close());
  const msBytes = ms.slots * ESP32_SLOT_BYTES + msChunks.report.chunkBytes32;
  await clientFootprint(xs, cfg); // warm-up
  const base = await clientFootprint(xs, cfg);
  const rows = await itemRows(xs, cfg, base, valid);
  // Marginal costs: the cost of one more unit of the key, the others as the board sets them (the
  // ring rows include their maxDatagram-sized buffers; maxDatagram's row counts every buffer it sizes).
  const table = xsTableMarkdown(board, full, rows, base);
  console.log(table);
  if (write) {
    const readme = join(repoRoot(), 'docs', 'performance.md');
    const doc = readFileSync(readme, 'utf8');
    if (xsTableIn(doc) === null) throw new Error('docs/performance.md has no xs-memtable markers');
    writeFileSync(readme, doc.slice(0, doc.indexOf(XS_TABLE_BEGIN) + XS_TABLE_BEGIN.length) + '\n' + table + '\n' + doc.slice(doc.indexOf(XS_TABLE_END)));
    console.log('(docs/performance.md updated)');
  }
  console.log(`\n(${base.arrays} typed arrays holding ${n(base.bytes)} B of data; ESP32 bytes = ${n(base.slots)} × ${ESP32_SLOT_BYTES} + ${n(base.chunkBytes)})`);
  console.log(`\ntarget ${ESP32_BUDGET} B: ${base.esp32Bytes < ESP32_BUDGET ? 'met' : 'NOT met'}`);
  console.log(`once per program, at module level (all six formats' codecs and the float scratch, each created on first use): ${ms.slots} slots, ${msChunks.report.chunkBytes32} chunk bytes (${msChunks.report.arrays} arrays) = ${msBytes} ESP32 bytes; with one client: ${base.esp32Bytes + msBytes} B`);
  const nosec = await clientFootprint(xs, { ...cfg, dtlsSessions: 0 });
  console.log(`the same sizes with dtlsSessions 0: ${nosec.slots} slots, ${nosec.chunkBytes} chunk bytes, ${nosec.esp32Bytes} ESP32 bytes`);
} finally {
  await xs.close();
}
