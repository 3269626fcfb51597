// hal/moddable under XS, on the stand-in Moddable modules of fakes.ts: address parsing, the receive
// and send paths of the one UDP socket, the wrap-safe clock, the one parked timer, random bytes,
// both storage back ends, and the crypt AES provider under AES-CCM (RFC 3610 / Wycheproof vectors).
import { ModdableHal, parseIPv4 } from "../hal.js";
import { CryptAes128 } from "../aes.js";
import { openStore as openKv } from "../storage.js";
import { openStore as openPref } from "../storage-preference.js";
import { storageKey } from "../store.js";
import { PeerAddress } from "../../../src/coap/peer.js";
import { AesCcm } from "../../../src/crypto/ccm.js";
import { FakeBlockCipher, FakeKeyValue, FakePreference, FakeRNG, FakeTime, FakeTimer, FakeUDP } from "./fakes.js";
import { test, is, ok, bytes, hex, toHex, vectors } from "../../../test-host/xs/harness.js";

function newHal(): { hal: ModdableHal; udp: FakeUDP } {
  const hal = new ModdableHal({ port: 5683, store: openKv("test") });
  const udp = FakeUDP.last;
  if (!udp) throw new Error("no socket");
  return { hal, udp };
}

test("moddable hal: lwm2mSleep where the platform has no sleep module (Modules.has false, as on lin): socket closed, one line with the duration, then a new socket at wake", () => {
  for (const mode of ["deep", "light", "none"] as const) {
    const hal = new ModdableHal({ port: 5683, store: openKv("test"), sleep: mode });
    const udp = FakeUDP.last!;
    const lines: string[] = [];
    hal.log = (_l: number, m: string) => { lines.push(m); };
    hal.sleep(hal.now() + 300000);
    ok(udp.closed && hal.asleep, mode + ": the socket is closed");
    if (mode === "none") is(lines.length, 0, "none: no sleep");
    else is(lines.join("|"), "lwm2m-mcu: sleep: " + mode + " for 300000 ms: no platform sleep on this build: waiting with the socket closed");
    hal.wake();
    ok(FakeUDP.last !== udp && !FakeUDP.last!.closed && !hal.asleep, mode + ": a new socket at wake");
    hal.sleep(Infinity);
    is(lines.length, mode === "none" ? 0 : 1, mode + ": no deadline, no sleep");
    hal.close();
  }
});

test("moddable hal: parseIPv4 accepts dotted quads only, without allocating a record", () => {
  const p = new PeerAddress();
  ok(parseIPv4("192.0.2.17", p)); is(p.family, 4); is(toHex(p.addr, 0, 4), "c0000211");
  ok(parseIPv4("0.0.0.0", p)); ok(parseIPv4("255.255.255.255", p));
  for (const bad of ["256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "", "a.b.c.d", "1.2.3.4 ", "1234.1.1.1", "::1"]) {
    ok(!parseIPv4(bad, p), bad);
  }
});

test("moddable hal: one socket, bound to the configured port; datagrams in with their source", () => {
  const { hal, udp } = newHal();
  is(udp.options.port, 5683);
  const got: string[] = [];
  const seen: PeerAddress[] = [];
  hal.onReceive((buf, off, len, from) => { got.push(toHex(buf, off, len) + " " + from.family + " " + toHex(from.addr, 0, from.family === 4 ? 4 : 16) + " " + from.port); seen.push(from); });
  udp.deliver(hex("40011234"), "10.1.2.3", 5684);
  udp.deliver(hex("40015678"), "10.1.2.3", 40000);
  udp.deliver(hex("4001abcd"), "::1", 5683);
  udp.deliver(hex("4001abce"), "not-an-address", 5683);
  is(got.length, 3, "the unparsable source is dropped");
  is(got[0], "40011234 4 0a010203 5684");
  is(got[1], "40015678 4 0a010203 40000");
  is(got[2], "4001abcd 6 00000000000000000000000000000001 5683");
  ok(seen[0] === seen[1] && seen[1] === seen[2], "the source is one reused record");
  hal.close();
});

test("moddable hal: send writes exactly the datagram to the peer's address text", () => {
  const { hal, udp } = newHal();
  const to = new PeerAddress();
  parseIPv4("198.51.100.9", to); to.port = 5783;
  const buf = hex("ffff4401beef00");
  hal.send(buf, 2, 4, to);
  hal.send(hex("60000001"), 0, 4, to);
  const v6 = new PeerAddress();
  v6.family = 6; v6.addr[15] = 1; v6.port = 5684;
  hal.send(buf, 2, 4, v6);
  is(udp.sent.length, 3);
  bytes(udp.sent[0].bytes, 0, udp.sent[0].bytes.length, "4401beef");
  is(udp.sent[0].address, "198.51.100.9"); is(udp.sent[0].port, 5783);
  is(udp.sent[1].address, "198.51.100.9");
  is(udp.sent[2].address, "::1"); is(udp.sent[2].port, 5684);
  hal.close();
  hal.send(buf, 0, 4, to);
  is(udp.sent.length, 3, "nothing is sent after close()");
  ok(udp.closed);
});

test("moddable hal: now() is monotonic across the 32-bit wrap of Time.ticks", () => {
  FakeTime.ticks = 0xffffffff - 50;
  const { hal } = newHal();
  const t0 = hal.now();
  FakeTimer.advance(30); const t1 = hal.now();
  FakeTimer.advance(40); const t2 = hal.now(); // wraps here
  is(t1 - t0, 30); is(t2 - t0, 70);
  ok(FakeTime.ticks < 100, "ticks wrapped");
  hal.close();
});

test("moddable hal: one timer, rescheduled to each deadline, parked after it fires, cancelled by Infinity", () => {
  const { hal } = newHal();
  let fired = 0;
  const cb = (): void => { fired++; };
  const before = FakeTimer.all.length;
  hal.setTimer(hal.now() + 100, cb);
  FakeTimer.advance(99); is(fired, 0);
  FakeTimer.advance(1); is(fired, 1);
  FakeTimer.advance(10_000); is(fired, 1, "parked after firing");
  hal.setTimer(hal.now() + 5, cb);
  hal.setTimer(hal.now() + 50, cb); // a later deadline replaces the earlier one
  FakeTimer.advance(10); is(fired, 1);
  FakeTimer.advance(40); is(fired, 2);
  hal.setTimer(hal.now() + 20, cb);
  hal.setTimer(Infinity, cb);
  FakeTimer.advance(1000); is(fired, 2, "Infinity cancels");
  hal.setTimer(hal.now() - 5, cb); // a deadline in the past fires at once
  FakeTimer.advance(0); is(fired, 3);
  is(FakeTimer.all.length - before, 1, "one platform timer for all of it");
  hal.close();
  ok(FakeTimer.all[FakeTimer.all.length - 1].cleared, "close() clears it");
});

test("moddable hal: two boots of the simulator draw different random bytes (rng is unseeded on lin)", () => {
  const draw = (): string => {
    FakeRNG.boot(); // a new mcsim process: rand() unseeded, the same RC4 key as the last one
    const { hal } = newHal();
    const a = new Uint8Array(16);
    hal.random(a, 0, 16);
    hal.close();
    return toHex(a, 0, 16);
  };
  const first = draw();
  FakeTime.ticks += 1234; // the next start is later
  const t0 = Date.now();
  while (Date.now() === t0) { /* the next millisecond */ }
  const second = draw();
  ok(first !== second, "the same random bytes after a restart: the same CoAP tokens and message IDs as the last run " + first);
});

test("moddable hal: random bytes come from the platform RNG, drawn 64 at a time", () => {
  const { hal } = newHal();
  const d0 = FakeRNG.draws;
  const a = new Uint8Array(200);
  hal.random(a, 3, 190);
  is(FakeRNG.draws - d0, 3);
  let nonzero = 0;
  for (let j = 3; j < 193; j++) if (a[j] !== 0) nonzero++;
  ok(nonzero > 150, "random-looking");
  is(a[0] + a[1] + a[2] + a[193], 0, "nothing outside the range is written");
  hal.close();
});

for (const [name, open] of [["key-value", openKv], ["preference", openPref]] as const) {
  test("moddable hal: storage through " + name + ": write, read, delete, long keys, small buffers", () => {
    const store = open("lwm2m");
    const hal = new ModdableHal({ store });
    ok(FakeUDP.last !== null && !("port" in FakeUDP.last.options), "no port: the option is absent, not undefined");
    const out = new Uint8Array(16);
    is(hal.storageRead("missing", out), -1);
    ok(hal.storageWrite("sec/0/key", hex("00112233445566"), 1, 4));
    is(hal.storageRead("sec/0/key", out), 4); bytes(out, 0, 4, "11223344");
    const long = "registration/server/101/location";
    ok(hal.storageWrite(long, hex("aabb"), 0, 2));
    is(hal.storageRead(long, out), 2); bytes(out, 0, 2, "aabb");
    is(storageKey(long).length, 15);
    ok(storageKey(long) !== storageKey("registration/server/102/location"));
    is(hal.storageRead(long, new Uint8Array(1)), -1, "too small a buffer");
    hal.storageDelete("sec/0/key");
    is(hal.storageRead("sec/0/key", out), -1);
    hal.close();
  });
}
test("moddable hal: what storage-preference writes is still there after the program restarts", () => {
  const hal = new ModdableHal({ store: openPref("lwm2m") });
  ok(hal.storageWrite("config", hex("0102030405"), 0, 5));
  hal.close();
  FakePreference.restart();
  const again = new ModdableHal({ store: openPref("lwm2m") });
  const out = new Uint8Array(8);
  is(again.storageRead("config", out), 5, "kept across a restart (lin: preference must not be preloaded)");
  bytes(out, 0, 5, "0102030405");
  again.close();
});

test("moddable stand-ins refuse what the real modules refuse: crypt wants ArrayBuffers, UDP a valid port", () => {
  const key = new Uint8Array(16);
  let threw = "";
  try { new FakeBlockCipher("AES", key as unknown as ArrayBuffer); } catch (e) { threw = String(e); }
  is(threw, "TypeError: not an ArrayBuffer instance");
  const c = new FakeBlockCipher("AES", key.buffer);
  threw = "";
  try { c.encrypt(new Uint8Array(16) as unknown as ArrayBuffer, new ArrayBuffer(16)); } catch (e) { threw = String(e); }
  is(threw, "TypeError: not an ArrayBuffer instance");
  threw = "";
  try { c.encrypt(new ArrayBuffer(16), new ArrayBuffer(8)); } catch (e) { threw = String(e); }
  is(threw, "Error: buffer too small");
  threw = "";
  try { new FakeUDP({ port: 70000 }); } catch (e) { threw = String(e); }
  is(threw, "RangeError: invalid port");
});

test("moddable hal: key-value storage keeps keys within NVS's 15 characters", () => {
  for (const d of Object.keys(FakeKeyValue.domains)) for (const k of Object.keys(FakeKeyValue.domains[d])) ok(k.length <= 15, k);
});

for (const v of vectors("aes128_ccm.json").vectors) {
  test("moddable aes (crypt BlockCipher) under AES-CCM: " + v.name, () => {
    const aes = new CryptAes128();
    const key = hex("ff" + v.key); // at an offset, as a key block inside a DTLS key block would be
    aes.setKey(key, 1);
    const ccm = new AesCcm(aes);
    const n = hex(v.nonce), a = hex(v.aad), p = hex(v.plaintext);
    const sealed = new Uint8Array(p.length + v.tagLength + 5);
    is(ccm.seal(n, 0, n.length, a, 0, a.length, p, 0, p.length, sealed, 5, v.tagLength), p.length + v.tagLength);
    if (v.valid) bytes(sealed, 5, p.length + v.tagLength, v.ciphertext + v.tag);
    const opened = new Uint8Array(p.length);
    const ct = hex(v.ciphertext + v.tag);
    is(ccm.open(n, 0, n.length, a, 0, a.length, ct, 0, ct.length, opened, 0, v.tagLength), v.valid ? p.length : -1);
    if (v.valid) bytes(opened, 0, p.length, v.plaintext);
  });
}

test("moddable aes: one native cipher per key, in-place blocks, decrypt inverts encrypt", () => {
  const aes = new CryptAes128();
  const c0 = FakeBlockCipher.created;
  aes.setKey(hex("000102030405060708090a0b0c0d0e0f"), 0);
  const b = hex("00112233445566778899aabbccddeeff");
  for (let k = 0; k < 100; k++) aes.encryptBlock(b, 0, b, 0);
  for (let k = 0; k < 100; k++) aes.decryptBlock!(b, 0, b, 0);
  bytes(b, 0, 16, "00112233445566778899aabbccddeeff");
  aes.encryptBlock(b, 0, b, 0);
  bytes(b, 0, 16, "69c4e0d86a7b0430d8cdb78070b4c55a"); // FIPS 197 Appendix C.1
  is(FakeBlockCipher.created - c0, 1);
});
