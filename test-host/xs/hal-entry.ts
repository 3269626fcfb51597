// The entry of the hal/moddable XS bundle (host.ts bundleHalForXs): the harness, then the suites of
// host.ts EXTRA_SUITES, bundled once per Moddable platform by test-host/xs/moddable.test.ts.
import { install } from './harness.js';

install();
