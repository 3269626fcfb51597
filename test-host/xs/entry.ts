// The script that runs inside XS: the harness and every XS suite, bundled into one file by host.ts
// (esbuild, format iife, target es2022). Adding a suite is one import line below; a suite registers
// its tests (test), hot loops for the heap/compute meters (loop), differential XS-vs-V8 checks
// (same) and whole scenarios (scenario) with harness.ts when it is imported. xs.test.ts runs all
// of them. Suites outside test-host (hal/moddable/xs-test, which the root tsconfig does not
// compile) are listed in host.ts EXTRA_SUITES instead, and bundled once per Moddable platform by
// moddable.test.ts.
//
// suites/client.ts is the whole-client hook: the client built by src/client/setup.ts, driven
// sans-IO on a virtual clock by a hand-written server (Register, then Reads). suites/scenario.ts is
// the whole-client scenario sized by boards/esp32 (bootstrap → register → reads → observe → notify),
// compared XS = V8 with same(), its hot loops (client.read-3-0, client.notify) and the footprint
// probe `client` (test-host/xs/memory.ts). More scenarios (DTLS) go there the same way.
import { install } from './harness.js';
import './suites/coap-message.js';
import './suites/crypto.js';
import './suites/formats.js';
import './suites/client.js';
import './suites/scenario.js';
import './suites/firmware.js';
import './suites/queue.js';
import './suites/persist.js';

install();
