// The device entry (the manifest's "main"): reads the board's settings with mc/config (overridable on
// the mcconfig command line: `mcconfig -d -m -p esp32 lwm2mEndpoint=dev-42 lwm2mBootstrap=coap://10.0.0.5:5783`),
// opens the HAL, builds the client from the board's sizes (boards/<board>/manifest.json
// config.lwm2mConfig, the same as boards/<board>/config.json) and drives it: datagrams in, datagrams
// out, one timer at the client's next deadline (the call order of src/client/client.ts).
import config from "mc/config";
import { ModdableHal } from "./hal.js";
import { CryptAes128 } from "./aes.js";
import { openStore } from "./storage.js";
import { onStopRequest, memoryMark, startMemoryLog } from "./hooks.js";
import { LogLevel, sendQueued } from "../hal.js";
import type { Config } from "../../src/config.js";
import { PeerAddress } from "../../src/coap/peer.js";
import { createBoardClient, type AccountOptions } from "../../src/client/setup.js";
import { Ev } from "../../src/client/events.js";
import { ModdableFirmwareStore } from "./firmware.js";

export interface DeviceSettings {
  endpoint: string;
  server: string;
  bootstrap: string;
  pskIdentity: string;
  pskKey: string;
  localPort: number;
  sizes: Partial<Config>;
}

export function settings(): DeviceSettings {
  return {
    endpoint: String(config.lwm2mEndpoint ?? "lwm2m-mcu"),
    server: String(config.lwm2mServer ?? ""),
    bootstrap: String(config.lwm2mBootstrap ?? ""),
    pskIdentity: String(config.lwm2mPskIdentity ?? ""),
    pskKey: String(config.lwm2mPskKey ?? ""),
    localPort: Number(config.lwm2mLocalPort ?? 0),
    sizes: (config.lwm2mConfig ?? {}) as Partial<Config>,
  };
}

function hexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let j = 0; j < out.length; j++) out[j] = parseInt(s.substring(2 * j, 2 * j + 2), 16);
  return out;
}

/** coap[s]://host[:port] with the host resolved to a literal address (the Security object wants one). */
async function literalUri(hal: ModdableHal, uri: string): Promise<string> {
  const m = /^(coaps?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(uri);
  if (!m) throw new Error("lwm2m-mcu: bad server URI '" + uri + "' (coap://host:port or coaps://host:port)");
  const secure = m[1] === "coaps";
  const port = m[3] ? Number(m[3]) : secure ? 5684 : 5683;
  const peer = new PeerAddress();
  if (!(await hal.resolve(m[2], port, peer))) throw new Error("lwm2m-mcu: cannot resolve " + m[2]);
  const host = peer.family === 6 ? "[" + m[2].replace(/^\[|\]$/g, "") + "]" : peer.addr[0] + "." + peer.addr[1] + "." + peer.addr[2] + "." + peer.addr[3];
  return m[1] + "://" + host + ":" + port;
}

/** The account of a server setting, or undefined (logged) when the setting is empty or bad. */
async function account(hal: ModdableHal, key: string, uri: string, psk: object): Promise<AccountOptions | undefined> {
  if (!uri) return undefined;
  try { return { uri: await literalUri(hal, uri), ...psk }; } catch (e) {
    hal.log(LogLevel.ERROR, "lwm2m-mcu: " + key + " ignored: " + String(e));
    return undefined;
  }
}

async function boot(): Promise<void> {
  const s = settings();
  const hal = new ModdableHal({ port: s.localPort, store: openStore("lwm2m"), logLevel: LogLevel.INFO });
  hal.log(LogLevel.INFO, "lwm2m-mcu: endpoint " + s.endpoint + "; settings: server " + (s.server || "-") + ", bootstrap " + (s.bootstrap || "-"));
  // lwm2mFresh=1 (`make sim FRESH=1`): start as a fresh device, without what an earlier run stored.
  // On a board it would forget the bootstrapped configuration at every boot: for the simulator.
  if (String(config.lwm2mFresh ?? "0") === "1") {
    hal.storageDelete("config");
    hal.storageDelete("sleep");
    hal.log(LogLevel.INFO, "lwm2m-mcu: lwm2mFresh=1: the stored configuration is deleted");
  }
  // A bad setting is logged and left out: the app runs with what it can (e.g. the bootstrap server only).
  const hexOk = /^([0-9a-fA-F]{2})+$/.test(s.pskKey);
  if (s.pskKey && !hexOk) hal.log(LogLevel.ERROR, "lwm2m-mcu: lwm2mPskKey ignored: not hex digits, two per byte");
  // Queue Mode (lwm2mQueueMode=1, off by default; lwm2mQueueTime s reachable after the last exchange):
  // binding UQ, the socket closed while offline, and the state to carry on after a restart (a deep
  // sleep, a reset) kept beside the configuration (src/client/persist.ts).
  const queue = String(config.lwm2mQueueMode ?? "0") === "1";
  if (queue && Number(config.lwm2mQueueTime ?? 0) > 0) s.sizes = { ...s.sizes, queueTime: Number(config.lwm2mQueueTime) * 1000 };
  const psk = { ...(s.pskIdentity && hexOk ? { pskIdentity: s.pskIdentity, pskKey: hexBytes(s.pskKey) } : {}), ...(queue ? { binding: "UQ" } : {}) };
  const server = await account(hal, "lwm2mServer", s.server, psk);
  const bootstrap = await account(hal, "lwm2mBootstrap", s.bootstrap, psk);
  const seed = new Uint8Array(16);
  hal.random(seed, 0, 16);
  // Firmware Update (object 5) when the platform can stage an image (ESP32: OTA; lin: files).
  const version = String(config.lwm2mFirmwareVersion ?? "0.1.0");
  // lin: the image files beside the app's other files (mc/config file.root, Moddable's convention).
  const fileRoot = (config.file as { root?: string } | undefined)?.root;
  const fw = new ModdableFirmwareStore({ store: openStore("lwm2mfw"), runningVersion: version, restart: () => hal.reboot(), ...(fileRoot ? { dir: fileRoot } : {}) });
  memoryMark("before the client");
  const { client } = createBoardClient({
    // lwm2mFirmware=0: a board without object 5 (it also spends no heap on it).
    firmware: fw.available && String(config.lwm2mFirmware ?? "1") !== "0" ? fw : undefined,
    endpoint: s.endpoint, seed, config: s.sizes, server, bootstrap,
    store: {
      load: (out: Uint8Array) => hal.storageRead("config", out),
      save: (buf: Uint8Array, off: number, len: number) => hal.storageWrite("config", buf, off, len),
    },
    provisioning: hal.provisioning(),
    ...(queue ? { queueMode: true, sleepStore: {
      load: (out: Uint8Array) => hal.storageRead("sleep", out),
      save: (buf: Uint8Array, off: number, len: number) => hal.storageWrite("sleep", buf, off, len),
      erase: () => hal.storageDelete("sleep"),
      wallClock: () => Date.now(),
    } } : {}),
    // DTLS: ClientHello randoms from the platform's RNG, AES in C (crypt BlockCipher), one per session.
    random: (buf: Uint8Array, off: number, len: number) => hal.random(buf, off, len),
    aes: () => new CryptAes128(),
    device: { manufacturer: "lwm2m-mcu", model: String(config.lwm2mBoard ?? "esp32"), serial: s.endpoint, firmwareVersion: version },
    // Deferred to a microtask: the 2.04 for the Execute goes out first (the pump runs synchronously).
    hooks: {
      reboot: () => { Promise.resolve().then(() => hal.reboot()); return 0; },
      factoryReset: () => { Promise.resolve().then(() => hal.factoryReset()); return 0; },
    },
  });

  // Which configuration the client uses, and where it came from (Ev.LOADED at start): a stored one
  // wins over the settings, as on a device, and it must not pass for them.
  // lin: Moddable's preference module keeps it in a file under file.root (lwm2mFresh=1 deletes it there).
  const where = fileRoot ? " (" + fileRoot + "modpreferences.json; make sim FRESH=1 starts as a fresh device)" : "";
  let loaded = false;
  const sayLoaded = (from: number): void => {
    loaded = true;
    hal.log(LogLevel.INFO, "lwm2m-mcu: configuration: " + (from === 1
      ? "stored by an earlier run, used instead of the settings server/bootstrap" + where
      : from === 2 ? "from the smartcard (provisioning data)"
      : "factory, from the settings (server " + (server ? server.uri : "-") + ", bootstrap " + (bootstrap ? bootstrap.uri : "-") + ")"));
  };

  // The driver: allocated once, no closures per datagram.
  const out = new Uint8Array(s.sizes.maxDatagram ?? 1280);
  const pump = (): void => {
    const deadline = sendQueued(client, hal, out);
    for (let e = client.nextEvent(); e !== Ev.NONE; e = client.nextEvent()) {
      if (e === Ev.LOADED) sayLoaded(client.eventA);
      else if (e === Ev.REGISTERED) hal.log(LogLevel.INFO, "lwm2m-mcu: registered");
      else if (e === Ev.BOOTSTRAP_FINISHED) hal.log(LogLevel.INFO, "lwm2m-mcu: bootstrap finished");
      else if (e === Ev.DEREGISTERED) hal.log(LogLevel.INFO, "lwm2m-mcu: de-registered");
      else if (e === Ev.OFFLINE) hal.log(LogLevel.INFO, "lwm2m-mcu: queue mode: offline");
      else if (e === Ev.SLEEP_RESUMED) hal.log(LogLevel.INFO, "lwm2m-mcu: resumed from the persisted sleep state: no Register");
      else if (e === Ev.SLEEP_DISCARDED) hal.log(LogLevel.WARN, "lwm2m-mcu: the persisted sleep state is not used (reason " + client.eventA + "): registering afresh");
    }
    if (stopping && client.idle()) { hal.log(LogLevel.INFO, "lwm2m-mcu: stopped"); hal.close(); return; }
    hal.setTimer(deadline, pump);
  };
  memoryMark("client constructed");
  startMemoryLog();
  let stopping = false;
  onStopRequest(() => {
    if (stopping) return;
    stopping = true;
    hal.log(LogLevel.INFO, "lwm2m-mcu: stopping: de-registering");
    client.stop(hal.now());
    pump();
  });
  hal.onReceive((buf: Uint8Array, off: number, len: number, from: PeerAddress) => {
    client.receive(buf, off, len, from, hal.now());
    pump();
  });
  client.start(hal.now());
  pump();
  if (!loaded) hal.log(LogLevel.INFO, "lwm2m-mcu: configuration: none (nothing stored, no server or bootstrap setting)");
}

boot().catch((e: unknown) => trace("lwm2m-mcu: " + String(e) + "\n"));
