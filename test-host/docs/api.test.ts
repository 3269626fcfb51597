// The API reference (docs/api/, TypeDoc over the TSDoc comments of src/index.ts, typedoc.json) is the
// one the sources give today: regenerated into a scratch folder, every file equal. `make docs` writes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../vectors.js';

const files = (d: string, out: string[] = []): string[] => {
  for (const n of readdirSync(d).sort()) { const p = join(d, n); if (statSync(p).isDirectory()) files(p, out); else out.push(p); }
  return out;
};

test('docs/api is up to date (make docs regenerates it)', () => {
  const root = repoRoot();
  const out = mkdtempSync(join(tmpdir(), 'lwm2m-typedoc-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { cwd: root, encoding: 'utf8' });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const committed = files(join(root, 'docs', 'api')).map((f) => relative(join(root, 'docs', 'api'), f));
    const fresh = files(out).map((f) => relative(out, f));
    assert.equal(committed, fresh, 'the same files (make docs)');
    for (const f of fresh) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(root, 'docs', 'api', f))), f + ' is stale: make docs');
    assert.match(readFileSync(join(out, 'classes', 'Lwm2mClient.html'), 'utf8'), /start/);
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test.run();
