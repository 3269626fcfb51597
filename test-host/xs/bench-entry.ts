// The script bench/xs.bench.ts runs inside XS: our codec's loop and the peer's (coap-packet).
import { install } from './harness.js';
import './suites/coap-message.js';
import './suites/crypto.js';
import './suites/client.js';
import './suites/scenario.js';
import './suites/firmware.js';
import './peer/coap-packet.js';

install();
