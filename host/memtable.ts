// Prints the README's memory table from src/config.ts (`node build/host/memtable.js [board]`):
// the bytes each config key buys, for the default config and a board's. The README carries the
// output between the markers <!-- memtable:begin --> and <!-- memtable:end -->; a test keeps it true.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, makeConfig, memoryTable, type Config } from '../src/config.js';

function root(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

export function boardConfig(board: string): Config {
  const f = join(root(), 'boards', board, 'config.json');
  const raw = JSON.parse(readFileSync(f, 'utf8'));
  return makeConfig(raw.config ?? raw);
}

export function renderMemoryTable(): string {
  const dflt = makeConfig(DEFAULT_CONFIG);
  const esp = boardConfig('esp32');
  const a = memoryTable(dflt), b = memoryTable(esp);
  const lines = [
    '| config key | what it sizes | bytes each (ESP32, measured under XS) | default: count | default: bytes | esp32: count | esp32: bytes |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  let ta = 0, tb = 0;
  for (let k = 0; k < a.length; k++) {
    const r = a[k], e = b[k];
    ta += r.total; tb += e.total;
    lines.push(`| \`${r.key}\` | ${r.what} | ${r.bytesEach === e.bytesEach ? r.bytesEach : r.bytesEach + ' / ' + e.bytesEach} | ${r.count} | ${r.total} | ${e.count} | ${e.total} |`);
  }
  lines.push(`| **total** | everything one client allocates, once, in its constructor | | | **${ta}** | | **${tb}** |`);
  return lines.join('\n');
}

const BEGIN = '<!-- memtable:begin -->', END = '<!-- memtable:end -->';

/** The README's text with the table between the markers replaced by the current one. */
export function readmeWithTable(readme: string): string {
  const a = readme.indexOf(BEGIN), b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('docs/performance.md lacks the memtable markers');
  return readme.slice(0, a + BEGIN.length) + '\n' + renderMemoryTable() + '\n' + readme.slice(b);
}

/** The document that carries the table (docs/performance.md; it was the README's until the docs split). */
export function readmePath(): string { return join(root(), 'docs', 'performance.md'); }

if (process.argv[1] && process.argv[1].endsWith('memtable.js')) {
  if (process.argv[2] === '--write') {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(readmePath(), readmeWithTable(readFileSync(readmePath(), 'utf8')));
  } else process.stdout.write(renderMemoryTable() + '\n');
}
