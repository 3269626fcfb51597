// Both host servers under mutated Register / Update / Bootstrap-Request datagrams: they must keep
// answering (never throw, never stop) and still serve a well-formed request afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { Lwm2mServer } from '../../host/server.js';
import { BootstrapServer } from '../../host/bootstrap-server.js';
import { ScriptedClient } from './scripted-client.js';
import { Code } from '../../src/coap/codes.js';
import { sleep } from '../peers.js';

/** A deterministic PRNG (xorshift32). */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

function opt(delta: number, v: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(delta << 4) | v.length]), v]);
}

/** CON POST /<p1>[/<p2>]?<queries> with a payload: a valid base message to mutate. */
function base(mid: number, p1: string, p2: string | null, q: string[], payload: string): Buffer {
  const parts: Buffer[] = [Buffer.from([0x40, 0x02, mid >> 8, mid & 255])];
  parts.push(opt(11, Buffer.from(p1)));
  if (p2 !== null) parts.push(opt(0, Buffer.from(p2)));
  let last = 11;
  for (const x of q) { const b = Buffer.from(x); parts.push(Buffer.from([((15 - last) << 4) | Math.min(b.length, 12)]), b.subarray(0, 12)); last = 15; }
  if (payload) parts.push(Buffer.from([0xff]), Buffer.from(payload));
  return Buffer.concat(parts);
}

function mutate(b: Buffer, r: () => number): Buffer {
  const out = Buffer.from(b);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const what = r();
    const at = Math.floor(r() * out.length);
    if (what < 0.6) out[at] = Math.floor(r() * 256);
    else if (what < 0.8) out[at] ^= 1 << Math.floor(r() * 8);
    else return out.subarray(0, Math.max(4, at));
  }
  return out;
}

test('mutated requests never stop either server', async () => {
  const logs: string[] = [];
  const server = await Lwm2mServer.start({ port: 0, log: (l) => logs.push(l), expiryGraceMs: 0 });
  const bs = await BootstrapServer.start({ port: 0, log: (l) => logs.push(l), config: { '*': { servers: [{ ssid: 1, uri: 'coap://127.0.0.1:5683', securityMode: 'nosec' }] } } });
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  sock.on('message', () => { /* answers and bootstrap requests to us: ignored */ });
  const client = await ScriptedClient.open();
  const r = rng(12345);
  try {
    const seeds = [
      base(1, 'rd', null, ['ep=fz', 'lt=5', 'lwm2m=1.1', 'b=U'], '</1/0>,</3/0>;ver="1.1",</3303/0>'),
      base(2, 'rd', '1', ['lt=7'], '</3/0>'),
      base(3, 'dp', null, [], '[{"n":"/3/0/0","vs":"x"}]'),
      base(4, 'bs', null, ['ep=fz', 'pct=110'], ''),
    ];
    for (let n = 0; n < 3000; n++) {
      const m = mutate(seeds[n % seeds.length], r);
      m[2] = (n >> 8) & 255; m[3] = n & 255; // fresh message IDs
      sock.send(m, n % 2 ? server.port : bs.port, '127.0.0.1');
      if (n % 200 === 199) await sleep(20);
    }
    await sleep(300);
    const reg = await client.send(server.port, { code: Code.POST, path: ['rd'], query: ['ep=ok', 'lt=60'], payload: new TextEncoder().encode('</3/0>') });
    assert.is(reg.code, Code.CREATED);
    client.responder = () => ({ code: Code.NOT_FOUND });
    const b = await client.send(bs.port, { code: Code.POST, path: ['bs'], query: ['ep=ok'] });
    assert.is(b.code, Code.CHANGED);
    assert.not.ok(logs.some((l) => /^error /.test(l)), logs.filter((l) => /^error /.test(l)).join('\n'));
  } finally {
    sock.close(); await client.stop(); await server.stop(); await bs.stop();
  }
});

test.run();
