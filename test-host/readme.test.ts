// The README stays true: its memory table is the one src/config.ts gives today, and the two
// commands it names are the Makefile's and .ci/run's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readmeWithTable, readmePath } from '../host/memtable.js';
import { repoRoot } from './vectors.js';

test('the README memory table is generated from src/config.ts (node build/host/memtable.js --write)', () => {
  const readme = readFileSync(readmePath(), 'utf8');
  assert.is(readme, readmeWithTable(readme));
});

test('the README names make demo and make test; .ci/run runs exactly make test', () => {
  const readme = readFileSync(readmePath(), 'utf8');
  assert.match(readme, /make demo/);
  assert.match(readme, /make test/);
  const ci = readFileSync(join(repoRoot(), '.ci', 'run'), 'utf8');
  assert.match(ci, /^make test$/m);
  const mk = readFileSync(join(repoRoot(), 'Makefile'), 'utf8');
  assert.match(mk, /^demo:/m);
  assert.match(mk, /^test:/m);
});

test.run();
