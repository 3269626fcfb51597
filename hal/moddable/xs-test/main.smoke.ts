// hal/moddable/main.ts under XS on the stand-in Moddable modules, reached from the manifest's entry
// module as on the device (bundled once per platform: test-host/xs/moddable.test.ts). It reads mc/config,
// opens the HAL, builds the client and registers with the configured server; a Read is answered.
import "./smoke-config.js";
import "moddable:entry"; // the manifest's entry module ("main", start.ts), resolved as XS does (test-host/xs/host.ts)
import { FakeTimer, FakeUDP } from "./fakes.js";
import { CoapMessage, MessageWriter, Parse, parseMessage, ascii } from "../../../src/coap/message.js";
import { test, is, ok } from "../../../test-host/xs/harness.js";

function path(m: CoapMessage): string {
  let p = "";
  for (let k = 0; k < m.optCount; k++) if (m.optNum[k] === 11) {
    p += "/";
    for (let j = 0; j < m.optLen[k]; j++) p += String.fromCharCode(m.buf[m.optOff[k] + j]);
  }
  return p;
}

test("moddable main: boots from mc/config, binds its port, registers with the server, answers a Read", () => {
  // main.ts opened its socket while this bundle loaded (boot() awaits the settings' name resolution and
  // the client's start(): jobs that ran before this command).
  const udp = FakeUDP.last;
  ok(udp !== null, "main opened a socket");
  const u = udp!;
  is(u.options.port, 56830);
  ok(u.sent.length >= 1, "a datagram was sent");
  const reg = new CoapMessage();
  is(parseMessage(u.sent[0].bytes, 0, u.sent[0].bytes.length, reg), Parse.OK);
  is(u.sent[0].address, "192.0.2.1"); is(u.sent[0].port, 5683);
  is(reg.type, 0, "CON"); is(reg.code, 2, "POST"); is(path(reg), "/rd");
  let q = "";
  for (let k = 0; k < reg.optCount; k++) if (reg.optNum[k] === 15) { for (let j = 0; j < reg.optLen[k]; j++) q += String.fromCharCode(reg.buf[reg.optOff[k] + j]); q += "&"; }
  ok(q.indexOf("ep=xs-smoke&") >= 0, "query " + q);
  // 2.01 Created, Location-Path rd/7
  const w = new MessageWriter();
  const ack = new Uint8Array(64);
  w.begin(ack, 0, 64, 2, 0x41, reg.mid, reg.token, 0, reg.tokenLen);
  w.option(8, ascii("rd"), 0, 2); w.option(8, ascii("7"), 0, 1);
  u.deliver(ack.slice(0, w.end()), "192.0.2.1", 5683);
  // Read /3/0/1 (model: the board name from mc/config)
  const n0 = u.sent.length;
  w.begin(ack, 0, 64, 0, 0x01, 0x4242, Uint8Array.of(9, 9), 0, 2);
  w.option(11, ascii("3"), 0, 1); w.option(11, ascii("0"), 0, 1); w.option(11, ascii("1"), 0, 1);
  u.deliver(ack.slice(0, w.end()), "192.0.2.1", 5683);
  is(u.sent.length, n0 + 1, "one response");
  const res = new CoapMessage();
  const b = u.sent[n0].bytes;
  is(parseMessage(b, 0, b.length, res), Parse.OK);
  is(res.type, 2, "ACK"); is(res.code, 0x45, "2.05"); is(res.mid, 0x4242);
  let text = "";
  for (let j = 0; j < res.payloadLen; j++) text += String.fromCharCode(b[res.payloadOff + j]);
  is(text, "esp32");
  FakeTimer.advance(0);
});
