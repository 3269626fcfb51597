// The peer of the XS benchmark: coap-packet (node-coap's codec, objects and Buffers per message)
// doing the same work as the `coap.roundtrip` loop of suites/coap-message.ts, under the same XS.
import './buffer-global.js';
import { parse, generate } from 'coap-packet';
import { loop, hex, vectors } from '../harness.js';

const V = vectors('coap_messages.json');
function find(name: string): Uint8Array {
  for (const v of V.vectors) if (v.name.indexOf(name) >= 0) return hex(v.hex);
  throw new Error('no vector ' + name);
}
const REGISTER = Buffer.from(find('LwM2M Register request'));
const NOTIFY = Buffer.from(find('Observe notification'));
const RD = Buffer.from('rd');
const LOC = Buffer.from('5a3f');

function uint(v: number): Buffer {
  const n = v === 0 ? 0 : v < 0x100 ? 1 : v < 0x10000 ? 2 : 3;
  const b = Buffer.alloc(n);
  for (let j = n - 1; j >= 0; j--) { b[j] = v & 0xff; v = Math.floor(v / 256); }
  return b;
}

export function peerRoundTrip(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const req = parse(REGISTER);
    const ack = generate({ messageId: req.messageId, token: req.token, code: '2.01', ack: true,
      options: [{ name: 'Location-Path', value: RD }, { name: 'Location-Path', value: LOC }] });
    const back = parse(ack);
    const note = parse(NOTIFY);
    const out = generate({ messageId: (i + 1) & 0xffff, token: note.token, code: '2.05', confirmable: false,
      options: [{ name: 'Observe', value: uint(i & 0xffffff) }, { name: 'Content-Format', value: uint(11542) }],
      payload: note.payload });
    sum = (sum + ack.length + out.length + note.options.length + back.options.length - 2) | 0;
  }
  return sum;
}

loop('peer.coap-packet.roundtrip', peerRoundTrip);
