// The `buffer` package (the browser Buffer, a dependency of node-coap) as the global Buffer, for the
// peer codec under XS, which has no Node Buffer. Imported before coap-packet.
import { Buffer } from 'buffer';

(globalThis as unknown as { Buffer: typeof Buffer }).Buffer = Buffer;
