// The script that runs inside XS: the harness and every XS suite, bundled into one file by host.ts
// (esbuild, format iife, target es2022). Adding a suite is one import line below; a suite registers
// its tests, hot loops and scenarios with harness.ts when it is imported.
//
// The hook for a whole client scenario under XS: write test-host/xs/suites/client.ts that builds the
// client with a virtual clock and an in-memory peer and calls `scenario('client.bootstrap', () => …)`
// (and `loop('client.request', n => …)` for the heap meter), then import it here. xs.test.ts runs
// every registered scenario and every loop; nothing else needs to change.
import { install } from './harness.js';
import './suites/coap-message.js';
import './suites/crypto.js';
import './suites/formats.js';
import './suites/client.js';

install();
