// The project's own device app (the manifest's "main", through start.ts), written on the public API
// as any user's app is: `Lwm2mClient` with a ready object (Temperature 3303) from "lwm2m-mcu"'s entry
// (hal/moddable/index.ts: the Moddable platform + src/index.ts). It reads the board's settings with
// mc/config (overridable on the mcconfig command line: `mcconfig -d -m -p esp32 lwm2mEndpoint=dev-42
// lwm2mBootstrap=coap://10.0.0.5:5783`), sizes the client from boards/<board>/manifest.json
// config.lwm2mConfig (the same as boards/<board>/config.json), and logs what happens.
import config from "mc/config";
import Net from "net";
import {
  Lwm2mClient, TemperatureSensor, EventKind, ModdableFirmwareStore, moddablePlatform,
  type Account, type Platform, type Transport, type Sizes,
} from "./index.js";
import { openStore } from "./storage.js";
import { onStopRequest, memoryMark, startMemoryLog } from "./hooks.js";

export interface DeviceSettings {
  endpoint: string;
  server: string;
  bootstrap: string;
  pskIdentity: string;
  pskKey: string;
  localPort: number;
  sizes: Partial<Sizes>;
}

export function settings(): DeviceSettings {
  return {
    endpoint: String(config.lwm2mEndpoint ?? "lwm2m-mcu"),
    server: String(config.lwm2mServer ?? ""),
    bootstrap: String(config.lwm2mBootstrap ?? ""),
    pskIdentity: String(config.lwm2mPskIdentity ?? ""),
    pskKey: String(config.lwm2mPskKey ?? ""),
    localPort: Number(config.lwm2mLocalPort ?? 0),
    sizes: (config.lwm2mConfig ?? {}) as Partial<Sizes>,
  };
}

/** The key of the stored configuration in the "lwm2m" domain (the key earlier versions of the app
 *  used: a device keeps its bootstrapped configuration across this update). */
const STORAGE_KEY = "config";

// The HAL's log format (hal.ts ModdableHal.log), for the app's own lines.
function info(msg: string): void { trace("INFO  " + msg + "\n"); }
function error(msg: string): void { trace("ERROR " + msg + "\n"); }

function hexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let j = 0; j < out.length; j++) out[j] = parseInt(s.substring(2 * j, 2 * j + 2), 16);
  return out;
}

/** A host name's address (Net.resolve, the network's DNS), or null. Literals need none. */
function resolveName(host: string): Promise<string | null> {
  if (/^[0-9.]+$/.test(host) || host.indexOf(":") >= 0) return Promise.resolve(host);
  return new Promise((resolve) => { Net.resolve(host, (_name: string, address?: string) => resolve(address ?? null)); });
}

/** coap[s]://host[:port] with the host resolved to a literal address (the Security object wants one). */
async function literalUri(uri: string): Promise<string> {
  const m = /^(coaps?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(uri);
  if (!m) throw new Error("bad server URI '" + uri + "' (coap://host:port or coaps://host:port)");
  const port = m[3] ? Number(m[3]) : m[1] === "coaps" ? 5684 : 5683;
  const bare = m[2].replace(/^\[|\]$/g, "");
  const address = await resolveName(bare);
  if (address === null) throw new Error("cannot resolve " + bare);
  return m[1] + "://" + (address.indexOf(":") >= 0 ? "[" + address + "]" : address) + ":" + port;
}

/** The account of a server setting, or undefined (logged) when the setting is empty or bad. */
async function account(key: string, uri: string, psk: { pskIdentity?: string; pskKey?: Uint8Array }): Promise<Account | undefined> {
  if (!uri) return undefined;
  if (uri.startsWith("coaps:") && psk.pskKey === undefined) {
    error("lwm2m-mcu: " + key + " ignored: coaps:// needs lwm2mPskIdentity and lwm2mPskKey");
    return undefined;
  }
  try { return { uri: await literalUri(uri), ...psk }; } catch (e) {
    error("lwm2m-mcu: " + key + " ignored: " + String(e));
    return undefined;
  }
}

async function boot(): Promise<void> {
  const s = settings();
  info("lwm2m-mcu: endpoint " + s.endpoint + "; settings: server " + (s.server || "-") + ", bootstrap " + (s.bootstrap || "-"));
  // A bad setting is logged and left out: the app runs with what it can (e.g. the bootstrap server only).
  const hexOk = /^([0-9a-fA-F]{2})+$/.test(s.pskKey);
  if (s.pskKey && !hexOk) error("lwm2m-mcu: lwm2mPskKey ignored: not hex digits, two per byte");
  // Queue Mode (lwm2mQueueMode=1, off by default; lwm2mQueueTime s reachable after the last exchange):
  // binding UQ, the socket closed while offline, and the state to carry on after a restart (a deep
  // sleep, a reset) kept beside the configuration (persistSleep, on by default with queueMode).
  const queue = String(config.lwm2mQueueMode ?? "0") === "1";
  if (queue && Number(config.lwm2mQueueTime ?? 0) > 0) s.sizes = { ...s.sizes, queueTime: Number(config.lwm2mQueueTime) * 1000 };
  const psk = { ...(s.pskIdentity && hexOk ? { pskIdentity: s.pskIdentity, pskKey: hexBytes(s.pskKey) } : {}), ...(queue ? { binding: "UQ" } : {}) };
  const server = await account("lwm2mServer", s.server, psk);
  const bootstrap = await account("lwm2mBootstrap", s.bootstrap, psk);

  // The Moddable platform (its transport: one ECMA-419 UDP socket, the timer, key-value storage in
  // the "lwm2m" domain). lwm2mFresh=1 (`make sim FRESH=1`): start as a fresh device, without what an
  // earlier run stored (deleted when the transport opens, before the client reads it). On a board it
  // would forget the bootstrapped configuration at every boot: for the simulator.
  const fresh = String(config.lwm2mFresh ?? "0") === "1";
  const base = moddablePlatform({ domain: "lwm2m", sleep: String(config.lwm2mSleep ?? "none") as "deep" }); // lwm2mSleep: none, light, deep (esp32)
  const platform: Platform = {
    name: base.name, random: base.random, aes: base.aes, wallClock: base.wallClock,
    open(o) {
      const tr = base.open(o) as Transport;
      if (fresh) {
        tr.storageDelete(STORAGE_KEY);
        tr.storageDelete(STORAGE_KEY + ".sleep"); // (the Queue Mode sleep state, ClientOptions.persistSleep)
        info("lwm2m-mcu: lwm2mFresh=1: the stored configuration is deleted");
      }
      return tr;
    },
  };

  // Firmware Update (object 5) when the platform can stage an image (ESP32: OTA; lin: files).
  const version = String(config.lwm2mFirmwareVersion ?? "0.1.0");
  // lin: the image files beside the app's other files (mc/config file.root, Moddable's convention).
  const fileRoot = (config.file as { root?: string } | undefined)?.root;
  // Deferred to a microtask: the 2.04 for the Execute goes out first.
  const reboot = (): void => { Promise.resolve().then(() => info("device: reboot requested")); };
  const fw = new ModdableFirmwareStore({ store: openStore("lwm2mfw"), runningVersion: version, restart: reboot, ...(fileRoot ? { dir: fileRoot } : {}) });

  // Which configuration the client uses, and where it came from (EventKind.Loaded at start): a stored
  // one wins over the settings, as on a device, and it must not pass for them. lin: Moddable's
  // preference module keeps it in a file under file.root (lwm2mFresh=1 deletes it there).
  const where = fileRoot ? " (" + fileRoot + "modpreferences.json; make sim FRESH=1 starts as a fresh device)" : "";
  let loaded = false;
  let stopping = false;

  memoryMark("before the client");
  const temperature = new TemperatureSensor({ range: [-40, 125], initial: 21.5 });
  const client = new Lwm2mClient({
    endpoint: s.endpoint, server, bootstrap, sizes: s.sizes, port: s.localPort, platform, storage: STORAGE_KEY,
    objects: [temperature],
    // lwm2mQueueDtls: what a DTLS session becomes across a sleep: resume (default), keep, full, cid.
    ...(queue ? { queueMode: true, ...(config.lwm2mQueueDtls ? { queueDtls: String(config.lwm2mQueueDtls) as "cid" } : {}) } : {}),
    // lwm2mFirmware=0: a board without object 5 (it also spends no heap on it).
    firmware: fw.available && String(config.lwm2mFirmware ?? "1") !== "0" ? fw : undefined,
    device: {
      manufacturer: "lwm2m-mcu", model: String(config.lwm2mBoard ?? "esp32"), serial: s.endpoint, firmwareVersion: version,
      onReboot: reboot,
      onFactoryReset: () => { Promise.resolve().then(() => info("device: factory reset requested")); },
    },
    onEvent(kind, a) {
      // Queue Mode's events by number (src/client/events.ts Ev: 50 offline, 53 resumed from the sleep
      // state, 54 the sleep state discarded; not in EventKind, whose names cost Espruino variables).
      if (kind === 50) info("lwm2m-mcu: queue mode: offline");
      else if (kind === 53) info("lwm2m-mcu: resumed from the persisted sleep state: no Register");
      else if (kind === 57) info("lwm2m-mcu: DTLS session taken back with its Connection ID: no handshake");
      else if (kind === 54) info("lwm2m-mcu: the persisted sleep state is not used (reason " + a + "): registering afresh");
      if (kind !== EventKind.Loaded) return;
      loaded = true;
      info("lwm2m-mcu: configuration: " + (a === 1
        ? "stored by an earlier run, used instead of the settings server/bootstrap" + where
        : a === 2 ? "from the smartcard (provisioning data)"
        : "factory, from the settings (server " + (server ? server.uri : "-") + ", bootstrap " + (bootstrap ? bootstrap.uri : "-") + ")"));
    },
    onRegistered: () => info("lwm2m-mcu: registered"),
    onBootstrapFinished: () => info("lwm2m-mcu: bootstrap finished"),
    onDeregistered: () => info("lwm2m-mcu: de-registered"),
    onError: (e) => error("lwm2m-mcu: " + e.message), // (the message names the path)
    onStopped: () => info("lwm2m-mcu: stopped"),
  });
  memoryMark("client constructed");
  startMemoryLog();
  onStopRequest(() => {
    if (stopping) return;
    stopping = true;
    info("lwm2m-mcu: stopping: de-registering");
    void client.stop();
  });
  await client.start();
  if (!loaded) info("lwm2m-mcu: configuration: none (nothing stored, no server or bootstrap setting)");
}

boot().catch((e: unknown) => trace("lwm2m-mcu: " + String(e) + "\n"));
