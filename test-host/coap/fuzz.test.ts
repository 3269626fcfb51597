// Bad input: 100,000 seeded random and mutated datagrams through the parser and the message layer.
// No exception escapes, no ring slot or dedup entry leaks, and every CON gets the reply RFC 7252
// names — judged by an independent well-formedness check written here (not our parser).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResourceApp } from './app.js';
import { makeConfig } from '../../src/config.js';
import { CoapMessage, parseMessage, MsgType } from '../../src/coap/message.js';
import { PeerAddress, parseAddress } from '../../src/coap/peer.js';
import { rng } from '../sim.js';
import { loadVectors, hex } from '../vectors.js';

/** RFC 7252 §3 (and §4.1 for Empty), written independently of src/coap/message.ts. */
function wellFormed(b: Uint8Array): 'ignore' | 'format' | 'ok' {
  if (b.length < 4 || b[0] >> 6 !== 1) return 'ignore';
  const tkl = b[0] & 0xf;
  if (tkl > 8 || 4 + tkl > b.length) return 'format';
  const code = b[1];
  if (code === 0) return tkl === 0 && b.length === 4 ? 'ok' : 'format';
  if ([1, 6, 7].includes(code >> 5)) return 'format';
  let i = 4 + tkl, num = 0;
  while (i < b.length) {
    if (b[i] === 0xff) return i + 1 < b.length ? 'ok' : 'format';
    let d = b[i] >> 4, l = b[i] & 15; i++;
    const ext = (n: number): number => {
      if (n < 13) return n;
      if (n === 13) { if (i >= b.length) return -1; return 13 + b[i++]; }
      if (n === 14) { if (i + 1 >= b.length) return -1; const v = 269 + (b[i] << 8 | b[i + 1]); i += 2; return v; }
      return -1;
    };
    d = ext(d); if (d < 0) return 'format';
    l = ext(l); if (l < 0) return 'format';
    num += d; if (num > 65535) return 'format';
    if (i + l > b.length) return 'format';
    i += l;
  }
  return 'ok';
}

test('100,000 random and mutated datagrams: no throw, no leak, the RFC reply to every CON', () => {
  const app = new ResourceApp(makeConfig({ requestRingDepth: 4, dedupEntries: 8 }), 3);
  const peers = [0, 1, 2].map((k) => { const p = new PeerAddress(); parseAddress('127.0.0.1', 6000 + k, p); return p; });
  const seeds = loadVectors('coap_messages.json').vectors.map((v: any) => hex(v.hex));
  const r = rng(1234);
  const out = new Uint8Array(2048);
  const m = new CoapMessage();
  let mid = 0, cons = 0, replied = 0, rsts = 0, acks = 0;
  const N = 100_000;
  for (let n = 0; n < N; n++) {
    let b: Uint8Array;
    const kind = r();
    if (kind < 0.3) { b = new Uint8Array(Math.floor(r() * 40)); for (let j = 0; j < b.length; j++) b[j] = Math.floor(r() * 256); if (b.length) b[0] = (b[0] & 0x3f) | 0x40; }
    else {
      const s = seeds[Math.floor(r() * seeds.length)];
      b = s.slice();
      const muts = 1 + Math.floor(r() * 4);
      for (let k = 0; k < muts; k++) {
        const op = r();
        if (op < 0.5 && b.length) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
        else if (op < 0.7) b = b.slice(0, Math.floor(r() * (b.length + 1)));
        else if (op < 0.85) { const at = Math.floor(r() * (b.length + 1)); const x = new Uint8Array(b.length + 1); x.set(b.subarray(0, at)); x[at] = Math.floor(r() * 256); x.set(b.subarray(at), at + 1); b = x; }
        else if (b.length > 4) b[4 + Math.floor(r() * (b.length - 4))] = 0xff;
      }
    }
    // A fresh message ID each time, so dedup never hides an answer.
    if (b.length >= 4) { mid = (mid + 1) & 0xffff; b[2] = mid >> 8; b[3] = mid & 0xff; }
    const verdict = wellFormed(b);
    const isCon = b.length >= 4 && (b[0] >> 6) === 1 && ((b[0] >> 4) & 3) === MsgType.CON;
    let got: CoapMessage[] = [];
    try {
      app.ep.receive(b, 0, b.length, peers[n % 3], n * 10);
      app.ep.poll(n * 10);
      for (let len = app.ep.transmit(out, 0); len > 0; len = app.ep.transmit(out, 0)) {
        const mm = new CoapMessage(); parseMessage(out.slice(0, len), 0, len, mm); got.push(mm);
      }
    } catch (e) {
      assert.unreachable(`threw on ${Buffer.from(b).toString('hex')}: ${e}`);
    }
    const mine = got.filter((g) => g.mid === mid);
    if (verdict === 'ignore') { assert.is(got.length, 0); continue; }
    if (!isCon) {
      // A malformed NON is ignored (§4.3); a NON response that matches nothing may be rejected with RST (§4.3 "MAY").
      const unmatchedResponse = verdict === 'ok' && b[1] >= 64;
      if (!unmatchedResponse) assert.ok(mine.every((g) => g.type !== MsgType.RST), 'a NON is not answered with RST');
      continue;
    }
    cons++;
    if (verdict === 'format') {
      assert.is(mine.length, 1, `one reply to ${Buffer.from(b).toString('hex')}`);
      assert.is(mine[0].type, MsgType.RST); rsts++;
      continue;
    }
    parseMessage(b, 0, b.length, m);
    assert.is(mine.length, 1, `one reply to ${Buffer.from(b).toString('hex')}`);
    replied++;
    if (m.code === 0 || m.code >= 64) { assert.is(mine[0].type, MsgType.RST); rsts++; }
    else {
      assert.is(mine[0].type, MsgType.ACK); acks++;
      assert.ok(mine[0].code >= 64, 'a response code');
      assert.ok(mine[0].tokenEquals(m.token, 0, m.tokenLen), 'the request token');
    }
  }
  assert.is(app.ep.ringInUse(), 0, 'no response-ring slot leaks');
  assert.is(app.ep.dedupProcessing(), 0, 'no dedup entry left processing');
  assert.is(app.ep.queuedRequests(), 0);
  assert.ok(cons > 20_000 && acks > 1000 && rsts > 1000, `coverage: ${cons} CON, ${acks} ACK, ${rsts} RST`);
});

test.run();
