// Issue 18's mcsim figures (test-host/moddable/app-memory.ts): an esp32-sized client on the public API,
// built by mcconfig in a scratch app outside the repository and measured in mcsim. Checks that one more
// sensor instance costs a few slots, that the table room is what costs bytes, and that
// docs/performance.md's mcsim table is the one measured now (regenerate:
// node build/test-host/moddable/app-memory.js --write). Needs $MODDABLE with its Linux tools (skipped
// otherwise, as device.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureInMcsim, simMemoryMarkdown, simTableIn } from './app-memory.js';
import { moddableMissing } from './sdk.js';
import { repoRoot } from '../vectors.js';

const missing = moddableMissing();
const NAME = 'mcsim memory (public API, esp32 sizes): one more sensor instance, four application objects; docs/performance.md\'s mcsim table is current';
if (missing) {
  test.skip(`${NAME} (skipped: ${missing})`, () => {});
} else {
  test(NAME, async () => {
    const m = await measureInMcsim();
    const table = simMemoryMarkdown(m);
    console.log(table);
    assert.ok(m.perSame.slots > 0 && m.perSame.slots <= 48, `${m.perSame.slots} slots per instance`);
    assert.ok(m.perRoom.chunkBytes > m.perSame.chunkBytes, 'the table room costs chunk bytes');
    assert.ok(m.four.slots > m.none.slots && m.four.chunkBytes > m.none.chunkBytes, JSON.stringify(m));
    assert.is(simTableIn(readFileSync(join(repoRoot(), 'docs', 'performance.md'), 'utf8')), table,
      'docs/performance.md\'s mcsim API table is stale: run node build/test-host/moddable/app-memory.js --write');
  });
}

test.run();
