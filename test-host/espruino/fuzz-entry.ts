// The Espruino fuzz bundle (fuzz.test.ts): the XS harness and the fuzz suite.
import { install } from '../xs/harness.js';
import './fuzz-suite.js';

install();
