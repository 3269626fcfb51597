// The application API on an observed resource, driven by hand (bench/api.bench.ts, test-host/api/
// zero-gc.test.ts): a public Lwm2mClient with a TemperatureSensor on a platform with no transport;
// its server account is played by raw CoAP bytes that answer the Register and observe
// /3303/0/5700. viaApi(n): n TemperatureSensor.set(), each followed by poll and transmit (the
// notification on the wire); viaTable(n): the same with a raw table write through the internal calls.
import { Lwm2mClient, TemperatureSensor, type Platform } from '../src/index.js';
import { engineOf } from '../src/api/client.js';
import { setNumber } from '../src/objects/values.js';
import { MessageWriter, CoapMessage, parseMessage, MsgType } from '../src/coap/message.js';
import { Code } from '../src/coap/codes.js';
import { Opt } from '../src/coap/option.js';
import { PeerAddress, parseAddress } from '../src/coap/peer.js';
import { NONE, ValueType } from '../src/model/record.js';

export interface ObservedSensor {
  viaApi(n: number): void;
  viaTable(n: number): void;
  /** Datagrams sent since the last reset. */
  sent(): number;
  reset(): void;
  /** Moves the clock on (past the dedup lifetime of the Observe: the steady state). */
  advance(ms: number): void;
}

export function observedSensor(): ObservedSensor {
  /** No transport: the benchmark drives the engine itself (receive, poll, transmit). */
  const platform: Platform = {
    name: 'bench',
    random: (b, off, len) => { for (let k = 0; k < len; k++) b[off + k] = (k * 37 + 11) & 0xff; },
    open: () => { throw new Error('the benchmark opens no transport'); },
  };
  const temperature = new TemperatureSensor();
  const client = new Lwm2mClient({ endpoint: 'bench', server: { uri: 'coap://127.0.0.1:40000', lifetime: 86400 }, storage: false, objects: [temperature], platform });
  const c = engineOf(client);
  const peer = new PeerAddress(); parseAddress('127.0.0.1', 40000, peer);
  const out = new Uint8Array(2048);
  const m = new CoapMessage();
  const w = new MessageWriter();
  let now = 1;
  c.start(now);
  c.poll(now);
  // The Register: answered 2.01 with a location, so the client is registered and stays quiet.
  const n = c.transmit(out, 0);
  parseMessage(out, 0, n, m);
  const ack = new Uint8Array(64);
  w.begin(ack, 0, 64, MsgType.ACK, Code.CREATED, m.mid, m.token, 0, m.tokenLen);
  w.optionDecimal(Opt.LOCATION_PATH, 0); // "rd/0" would do as well: any location
  const ackLen = w.end();
  c.receive(ack, 0, ackLen, peer, now); c.poll(now);
  while (c.transmit(out, 0) > 0) { /* nothing else */ }
  // Observe /3303/0/5700 (text/plain notifications).
  const obs = new Uint8Array(64);
  w.begin(obs, 0, 64, MsgType.CON, Code.GET, 60000, Uint8Array.of(7, 7, 7, 7), 0, 4);
  w.optionUint(Opt.OBSERVE, 0); w.optionDecimal(Opt.URI_PATH, 3303); w.optionDecimal(Opt.URI_PATH, 0); w.optionDecimal(Opt.URI_PATH, 5700);
  const obsLen = w.end();
  c.receive(obs, 0, obsLen, peer, now); c.poll(now);
  let notes = 0;
  while (c.transmit(out, 0) > 0) { /* the observe response */ }
  
  function viaApi(count: number): void {
    for (let k = 0; k < count; k++) {
      temperature.set((200 + (k % 100)) / 10); // a reading in tenths, 20.0 … 29.9
      now += 1;
      c.poll(now);
      for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) notes++;
      while (c.nextEvent() !== 0) { /* drain */ }
    }
  }
  
  const table = c.table;
  function viaTable(count: number): void {
    for (let k = 0; k < count; k++) {
      setNumber(table, 3303, 0, 5700, NONE, ValueType.Float, (200 + (k % 100)) / 10);
      now += 1;
      c.poll(now);
      for (let len = c.transmit(out, 0); len > 0; len = c.transmit(out, 0)) notes++;
      while (c.nextEvent() !== 0) { /* drain */ }
    }
  }
  return {
    viaApi, viaTable, sent: () => notes, reset: () => { notes = 0; },
    advance: (ms: number) => { now += ms; c.poll(now); while (c.transmit(out, 0) > 0) notes++; },
  };
}
