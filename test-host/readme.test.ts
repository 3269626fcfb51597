// The README stays true: its memory table is the one src/config.ts gives today, and the two
// commands it names are the Makefile's and .ci/run's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { readmeWithTable, readmePath } from '../host/memtable.js';
import { repoRoot } from './vectors.js';

test('the memory table (docs/performance.md) is generated from src/config.ts (node build/host/memtable.js --write)', () => {
  const readme = readFileSync(readmePath(), 'utf8');
  assert.is(readme, readmeWithTable(readme));
});

test('the README names make demo and make test; .ci/run runs exactly make test', () => {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  assert.match(readme, /make demo/);
  assert.match(readme, /make test/);
  const ci = readFileSync(join(repoRoot(), '.ci', 'run'), 'utf8');
  assert.match(ci, /^make test$/m);
  const mk = readFileSync(join(repoRoot(), 'Makefile'), 'utf8');
  assert.match(mk, /^demo:/m);
  assert.match(mk, /^test:/m);
});

const DOCS = ['README.md', ...readdirSync(join(repoRoot(), 'docs')).filter((f) => f.endsWith('.md')).map((f) => 'docs/' + f)];
const text = (f: string) => readFileSync(join(repoRoot(), f), 'utf8');
const shellBlocks = (t: string) => [...t.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README is a front page (at most 150 lines) whose links to docs/ and examples/ exist', () => {
  const readme = text('README.md');
  assert.ok(readme.split('\n').length <= 150, 'README: ' + readme.split('\n').length + ' lines');
  for (const f of DOCS) {
    for (const m of text(f).matchAll(/\]\(((?:\.\.\/)?(?:docs|examples)\/[^)#\s]*|[\w-]+\.md)\)/g)) {
      const target = join(repoRoot(), dirname(f), m[1]);
      assert.ok(existsSync(target), f + ' links to ' + m[1]);
    }
  }
});

test('every `make X` in the README and docs/ is a Makefile target', () => {
  const mk = text('Makefile');
  for (const f of DOCS) {
    for (const b of shellBlocks(text(f))) {
      for (const m of b.matchAll(/(?:^|[\s;&])make ([a-z][\w-]*)/gm)) assert.match(mk, new RegExp('^' + m[1] + ':', 'm'), f + ': make ' + m[1]);
    }
  }
});

test('every `npx lwm2m-mcu COMMAND` in the README and docs/ runs (COMMAND --help exits 0)', () => {
  const subs = new Set<string>();
  for (const f of DOCS) for (const b of shellBlocks(text(f))) for (const m of b.matchAll(/npx lwm2m-mcu ([a-z][\w-]*)/g)) subs.add(m[1]);
  assert.ok(subs.size >= 4, [...subs].join(' '));
  for (const sub of subs) {
    const r = spawnSync(process.execPath, [join(repoRoot(), 'build', 'host', 'cli.js'), sub, '--help'], { encoding: 'utf8' });
    assert.is(r.status, 0, sub + ': ' + r.stderr);
    assert.ok(r.stdout.length > 0, sub);
  }
});

test('every `node build/….js` the README and docs/ name (in blocks or inline) is built from a source in the repository', () => {
  const seen = new Set<string>();
  for (const f of DOCS) {
    for (const m of text(f).matchAll(/node (?:--[a-z-]+ )*build\/([\w./-]+)\.js/g)) {
      seen.add(m[1]);
      assert.ok(existsSync(join(repoRoot(), m[1] + '.ts')), f + ' runs build/' + m[1] + '.js, but there is no ' + m[1] + '.ts');
      assert.ok(existsSync(join(repoRoot(), 'build', m[1] + '.js')), f + ': make build gives no build/' + m[1] + '.js');
    }
  }
  assert.ok(seen.size >= 10, [...seen].join(' '));
});

test.run();
