// Command-line parsing and CoAP URI validation for the `lwm2m-mcu` CLI (host/cli.ts). Pure functions:
// they throw ArgError (exit code 2) with a message that says what is wrong, so they are unit-testable.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';

/** A bad command line: the CLI prints the message and exits with code 2. */
export class ArgError extends Error {}

export interface CoapUri {
  scheme: 'coap' | 'coaps';
  /** The host as written: an IPv4 literal, an IPv6 literal (without brackets) or a name. */
  host: string;
  port: number;
  secure: boolean;
  /** Whether the host is an IPv6 literal. */
  ipv6: boolean;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function isIpv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/.test(s)) return false;
  const a = s.split('%')[0];
  const dbl = a.indexOf('::');
  if (dbl >= 0 && a.indexOf('::', dbl + 1) >= 0) return false;
  let parts = a.split(':');
  let groups = 8;
  const last = parts[parts.length - 1];
  if (last.indexOf('.') >= 0) {
    if (!isIpv4(last)) return false;
    parts = parts.slice(0, -1); groups = 6;
  }
  if (dbl < 0) return parts.length === groups && parts.every((p) => /^[0-9A-Fa-f]{1,4}$/.test(p));
  const nonEmpty = parts.filter((p) => p !== '');
  return nonEmpty.length < groups && nonEmpty.every((p) => /^[0-9A-Fa-f]{1,4}$/.test(p));
}

function isIpv4(s: string): boolean {
  const m = IPV4.exec(s);
  return !!m && m.slice(1).every((x) => +x <= 255);
}

/** Parses `coap://HOST[:PORT]` or `coaps://HOST[:PORT]` (HOST: IPv4 literal, `[IPv6]` or a name;
 *  PORT 1–65535, default 5683 / 5684). A trailing "/" is allowed; a path, query or user part is not. */
export function parseCoapUri(text: string, what = 'URI'): CoapUri {
  const bad = (why: string): never => { throw new ArgError(`${what} "${text}": ${why}`); };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
  if (!m) bad('not a URI; expected coap://HOST:PORT or coaps://HOST:PORT');
  const scheme = m![1].toLowerCase();
  if (scheme !== 'coap' && scheme !== 'coaps') bad(`unsupported scheme "${m![1]}"; use coap:// or coaps://`);
  let rest = m![2];
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) bad('a path, query or fragment is not allowed here');
  if (rest.indexOf('@') >= 0) bad('user information is not allowed');
  let host: string, portText: string | undefined, ipv6 = false;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) bad('unclosed "[" in IPv6 address');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) bad('unexpected text after "]"');
    portText = after ? after.slice(1) : undefined;
    if (!isIpv6(host)) bad(`"${host}" is not an IPv6 address`);
    ipv6 = true;
  } else {
    const colon = rest.indexOf(':');
    if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) bad('an IPv6 address must be written in brackets, e.g. coap://[::1]:5683');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (host === '') bad('missing host');
    if (/^[\d.]+$/.test(host)) { if (!isIpv4(host)) bad(`"${host}" is not an IPv4 address`); }
    else if (!NAME.test(host)) bad(`"${host}" is not a valid host name`);
  }
  const secure = scheme === 'coaps';
  let port = secure ? 5684 : 5683;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) bad(`port "${portText}" is not a number`);
    port = +portText;
    if (port < 1 || port > 65535) bad(`port ${port} is out of range 1–65535`);
  }
  return { scheme: scheme as 'coap' | 'coaps', host, port, secure, ipv6 };
}

/** The URI text back (IPv6 hosts in brackets). */
export function formatCoapUri(u: CoapUri): string {
  return `${u.scheme}://${u.ipv6 ? '[' + u.host + ']' : u.host}:${u.port}`;
}

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Options of `lwm2m-mcu client`, validated. host/client-main.ts consumes them. */
export interface ClientCliOptions {
  endpoint: string;
  server?: CoapUri;
  bootstrap?: CoapUri;
  /** Registration lifetime in seconds. */
  lifetime?: number;
  /** Local UDP port (0: any). */
  localPort?: number;
  /** Local address to bind (default "::", every interface). */
  address?: string;
  /** INSECURE development switch: serve requests from peers that are not configured servers. */
  serveAnyPeer?: boolean;
  stateFile?: string;
  provisioningFile?: string;
  /** Directory of the firmware store (Firmware Update, object 5; hal/node/firmware.ts). */
  firmwareDir?: string;
  pskIdentity?: string;
  pskKey?: Uint8Array;
  /** Queue Mode (TS Core §6.5): register with Q, go offline after queueTime s without an exchange. */
  queueMode?: boolean;
  queueTime?: number;
  /** Queue Mode: the DTLS session across a sleep (ClientOptions.queueDtls). */
  queueDtls?: 'keep' | 'resume' | 'full' | 'cid';
  logLevel: LogLevelName;
  /** --object: ready objects with simulated values (host/sim-objects.ts). */
  objects?: { id: number; instances: number }[];
}

export interface ServerCliOptions { port: number; address: string; psk?: { pskIdentity: string; pskKey: string } }
export interface BootstrapCliOptions {
  port: number; address: string; config: string; psk?: { pskIdentity: string; pskKey: string };
  /** One-shot server-initiated bootstrap (--client ADDRESS:PORT --endpoint EP), then exit. */
  once?: { endpoint: string; address: string; port: number };
}

export type Command =
  | { cmd: 'help'; text: string }
  | { cmd: 'version' }
  | { cmd: 'server'; opts: ServerCliOptions }
  | { cmd: 'bootstrap-server'; opts: BootstrapCliOptions }
  | { cmd: 'client'; opts: ClientCliOptions };

export const MAIN_HELP = `lwm2m-mcu — an OMA LwM2M client for microcontrollers, and host tools

Usage:
  lwm2m-mcu server [--port P] [--address A] [--psk-identity ID --psk-key HEX]
  lwm2m-mcu bootstrap-server --config FILE [--port P] [--address A] [--psk-identity ID --psk-key HEX]
                             [--client ADDRESS:PORT --endpoint NAME]
  lwm2m-mcu client --endpoint NAME [--server URI | --bootstrap URI] [options]
  lwm2m-mcu gen-object FILE.xml|ID [--out FILE.ts] [--import MODULE]
  lwm2m-mcu mcconfig [mcconfig arguments…]
  lwm2m-mcu espruino-build APP.ts|APP.js [--settings "k=v …"] [--board B] [--out DIR] [--measure BIN]
  lwm2m-mcu <command> --help     options of one command
  lwm2m-mcu --help | --version

Commands:
  server             a small LwM2M server (Registration interface, device management, observe);
                     type "help" on its stdin for the command list
  bootstrap-server   a bootstrap server answering Bootstrap-Request from a JSON configuration;
                     "bootstrap EP" on its stdin (or --client/--endpoint) bootstraps a client
  client             the LwM2M client on this host's UDP stack
  gen-object         a typed TypeScript module for an object (a DDF XML file, or the id of one in
                     registry/), registered by an application like a ready object
  mcconfig           builds a Moddable app that includes $(VAR)/manifest_lwm2m.json, after checking
                     $MODDABLE and VAR (one line and exit 1 when one is missing)
  espruino-build     bundles an app with lwm2m-mcu for Espruino: the Storage file, its boot code and
                     pieces that write it into Storage (one line and exit 1 when it cannot be built)

Exit codes: 0 ok, 1 runtime error, 2 bad command line.
`;

export const SERVER_HELP = `lwm2m-mcu server — a small LwM2M server

Usage: lwm2m-mcu server [--port P] [--address A] [--psk-identity ID --psk-key HEX]

Options:
  --port P        UDP port to listen on, 0–65535 (default 5683; 0 picks a free one)
  --address A     local address to bind (default 127.0.0.1; "::" for all, IPv4 and IPv6)
  --psk-identity ID, --psk-key HEX
                  serve coaps:// (DTLS 1.2, TLS_PSK_WITH_AES_128_CCM_8) with this pre-shared key
  --help, -h      this text

Commands on stdin: list, read <ep> <path> [format], write <ep> <path> <value> [format],
exec <ep> <path> [args], create <ep> <path> <json> [format], delete <ep> <path>, discover <ep> <path>,
attr <ep> <path> pmin=N pmax=N gt=X lt=X st=X, observe <ep> <path> [format], cancel <n>,
composite <ep> <path>… [format], bs <ep>, help, quit. Without a format: the one the client
announced (ct=), else TLV for writes (tlv, senml-json, senml-cbor, lwm2m-cbor, text, opaque).
`;

export const BOOTSTRAP_HELP = `lwm2m-mcu bootstrap-server — a LwM2M bootstrap server

Usage: lwm2m-mcu bootstrap-server --config FILE [--port P] [--address A] [--psk-identity ID --psk-key HEX]
                                 [--client ADDRESS:PORT --endpoint NAME]

Options:
  --config FILE   per-endpoint bootstrap configuration (JSON; see host/bs-config.example.json)
  --client ADDRESS:PORT, --endpoint NAME
                  one shot: bootstrap the client at ADDRESS:PORT (server-initiated) with the
                  configuration of NAME, print the steps, exit 0 when it finished, 1 when not
  --port P        UDP port to listen on, 0–65535 (default 5683; 0 picks a free one)
  --address A     local address to bind (default 127.0.0.1; "::" for all, IPv4 and IPv6)
  --psk-identity ID, --psk-key HEX
                  serve coaps:// (DTLS 1.2, TLS_PSK_WITH_AES_128_CCM_8) with this pre-shared key
  --help, -h      this text

Commands on stdin: list, bootstrap <ep> [address:port] (server-initiated; default: where <ep>
last sent a Bootstrap-Request), help, quit.
`;

export const CLIENT_HELP = `lwm2m-mcu client — run the LwM2M client

Usage: lwm2m-mcu client --endpoint NAME [--server URI | --bootstrap URI] [options]

Options:
  --endpoint NAME       endpoint client name sent in Register / Bootstrap-Request (required)
  --server URI          LwM2M server, coap://HOST:PORT or coaps://HOST:PORT (default port 5683 / 5684);
                        HOST is an IPv4 address, [IPv6] address or a name such as localhost
  --bootstrap URI       bootstrap server, same URI form; used when no server account is provisioned
  --lifetime S          registration lifetime in seconds, 1–4294967295 (default 86400)
  --local-port P        local UDP port, 0–65535 (default 0: any free port)
  --address A           local address to bind (default "::": every interface, IPv4 and IPv6);
                        only the configured servers are served, whatever the address
  --insecure-serve-any-peer
                        INSECURE, for development only: also serve requests from peers that are
                        not a configured server (e.g. coap-client), with no security at all
  --state FILE          file that keeps the client's state (objects, registrations) across restarts
  --provisioning FILE   bootstrap configuration blob to load at start (factory / smartcard bootstrap)
  --firmware-dir DIR    enables Firmware Update (/5): DIR/firmware.bin is the running image, downloads
                        are staged in DIR/firmware.new; an Update swaps them and restarts the client
  --psk-identity ID     DTLS PSK identity (with --psk-key; for coaps:// URIs)
  --psk-key HEX         DTLS PSK key as hex, e.g. 0123456789abcdef (with --psk-identity)
  --object ID[:N]       a ready object with N instances (default 1) and simulated values, e.g.
                        --object 3304 --object 3311:2 (IPSO sensors 3300–3346, 3313/3314/3334,
                        3200, 3201, 3306, 3311, 3342, 3347, 6, 7); repeatable. Without any, the
                        board has a temperature sensor (3303)
  --queue-mode          LwM2M Queue Mode: register with Q; after --queue-time without an exchange the
                        client goes offline (socket closed) until its next Update or notification;
                        with --state its registration, observations and DTLS session are saved at
                        each sleep, so a restarted client carries on with an Update (no Register)
  --queue-time S        seconds reachable after the last exchange, 1–86400 (default 93: MAX_TRANSMIT_WAIT)
  --queue-dtls M        the DTLS session across a sleep: resume (default: closed, resumed at the wake),
                        full (a full handshake at each wake), keep (kept; same port) or cid (an RFC
                        9146 Connection ID offered: kept from any port when granted, else resume)
  --log-level L         error, warn, info (default) or debug
  --help, -h            this text
`;

/** `lwm2m-mcu --help`: everything, so one page documents every option. */
export const FULL_HELP = [MAIN_HELP, SERVER_HELP, BOOTSTRAP_HELP, CLIENT_HELP].join('\n');

function intOption(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new ArgError(`--${name} "${v}": not a whole number`);
  const n = Number(v.trim());
  if (n < min || n > max) throw new ArgError(`--${name} ${n}: out of range ${min}–${max}`);
  return n;
}

/** The key as bytes. No message quotes the key, nor any part of it: only its length and where the
 *  first wrong character is. */
function parseHexKey(v: string): Uint8Array {
  const h = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
  if (h.length === 0) throw new ArgError('--psk-key is empty: expected hex digits, e.g. 0123456789abcdef');
  const bad = h.search(/[^0-9A-Fa-f]/);
  if (bad >= 0) throw new ArgError(`--psk-key: character ${bad + 1} of ${h.length} is not a hex digit (0-9, a-f); the key is not shown`);
  if (h.length % 2 !== 0) throw new ArgError(`--psk-key: ${h.length} hex digits, an odd number: a key is whole bytes, two digits each; the key is not shown`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

type OptSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** util.parseArgs, with its errors turned into ArgError messages. */
function parse(args: string[], options: OptSpec, sub: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as { code?: string; message: string };
    let msg = err.message;
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) msg = `unknown option ${unknown[1]} for "${sub}" (see lwm2m-mcu ${sub} --help)`;
    const missing = /Option '([^']+)' argument missing/.exec(msg);
    const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(msg);
    if (ambiguous) msg = `option ${ambiguous[1]} needs a value (the next argument is an option)`;
    if (missing) msg = `option ${missing[1].replace(/^-\w, /, '').replace(/ <value>$/, '')} needs a value`;
    throw new ArgError(msg);
  }
}

function noPositionals(p: string[], sub: string): void {
  if (p.length) throw new ArgError(`unexpected argument "${p[0]}" for "${sub}" (see lwm2m-mcu ${sub} --help)`);
}

/** A string option given as the next argument must not itself look like an option (--server --lifetime 5). */
function checkValues(values: Record<string, unknown>, spec: OptSpec): void {
  for (const [k, v] of Object.entries(values)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      if (spec[k]?.type === 'string' && typeof x === 'string' && /^--?[A-Za-z]/.test(x)) {
        throw new ArgError(`option --${k} needs a value (got option "${x}")`);
      }
      if (spec[k]?.type === 'string' && x === '') throw new ArgError(`option --${k} needs a non-empty value`);
    }
  }
}

const LISTEN_SPEC: OptSpec = {
  port: { type: 'string' }, address: { type: 'string' }, 'psk-identity': { type: 'string' }, 'psk-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

function serverPsk(v: Record<string, string | undefined>): { pskIdentity: string; pskKey: string } | undefined {
  const id = v['psk-identity'], key = v['psk-key'];
  if ((id === undefined) !== (key === undefined)) throw new ArgError('--psk-identity and --psk-key go together: give both or neither');
  if (id === undefined || key === undefined) return undefined;
  return { pskIdentity: id, pskKey: Buffer.from(parseHexKey(key)).toString('hex') };
}
const BS_SPEC: OptSpec = { ...LISTEN_SPEC, config: { type: 'string' }, client: { type: 'string' }, endpoint: { type: 'string' } };
const CLIENT_SPEC: OptSpec = {
  endpoint: { type: 'string' }, server: { type: 'string' }, bootstrap: { type: 'string' },
  lifetime: { type: 'string' }, 'local-port': { type: 'string' }, state: { type: 'string' },
  provisioning: { type: 'string' }, 'firmware-dir': { type: 'string' }, 'psk-identity': { type: 'string' }, 'psk-key': { type: 'string' },
  'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  address: { type: 'string' }, 'insecure-serve-any-peer': { type: 'boolean' }, object: { type: 'string', multiple: true },
  'queue-mode': { type: 'boolean' }, 'queue-time': { type: 'string' }, 'queue-dtls': { type: 'string' },
};

function listenAddress(a: string | undefined): string {
  if (a === undefined) return '127.0.0.1';
  if (!isIpv4(a) && !isIpv6(a.replace(/^\[|\]$/g, ''))) throw new ArgError(`--address "${a}": not an IPv4 or IPv6 address`);
  return a.replace(/^\[|\]$/g, '');
}

/** Parses the arguments after the program name. Throws ArgError on a bad command line. */
export function parseCommandLine(argv: string[]): Command {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return { cmd: 'help', text: FULL_HELP };
  if (argv[0] === '--version' || argv[0] === '-V') return { cmd: 'version' };
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'server': {
      const r = parse(rest, LISTEN_SPEC, sub);
      if (r.values.help) return { cmd: 'help', text: SERVER_HELP };
      noPositionals(r.positionals, sub);
      checkValues(r.values, LISTEN_SPEC);
      const v = r.values as Record<string, string | undefined>;
      const psk = serverPsk(v);
      return { cmd: 'server', opts: { port: intOption(v.port, 'port', 0, 65535) ?? 5683, address: listenAddress(v.address), ...(psk ? { psk } : {}) } };
    }
    case 'bootstrap-server': {
      const r = parse(rest, BS_SPEC, sub);
      if (r.values.help) return { cmd: 'help', text: BOOTSTRAP_HELP };
      noPositionals(r.positionals, sub);
      checkValues(r.values, BS_SPEC);
      const v = r.values as Record<string, string | undefined>;
      if (!v.config) throw new ArgError('bootstrap-server needs --config FILE (see host/bs-config.example.json)');
      const psk = serverPsk(v);
      if ((v.client === undefined) !== (v.endpoint === undefined)) throw new ArgError('--client ADDRESS:PORT and --endpoint NAME go together: give both or neither');
      let once: BootstrapCliOptions['once'];
      if (v.client !== undefined && v.endpoint !== undefined) {
        const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(v.client);
        if (!m) throw new ArgError(`--client "${v.client}": expected ADDRESS:PORT, e.g. 127.0.0.1:56830 or [::1]:56830`);
        const address = m[1] ?? m[2];
        if (!isIpv4(address) && !isIpv6(address)) throw new ArgError(`--client "${v.client}": "${address}" is not an IPv4 or IPv6 address`);
        once = { endpoint: v.endpoint, address, port: intOption(m[3], 'client port', 1, 65535)! };
      }
      return { cmd: 'bootstrap-server', opts: { port: intOption(v.port, 'port', 0, 65535) ?? 5683, address: listenAddress(v.address), config: v.config, ...(psk ? { psk } : {}), ...(once ? { once } : {}) } };
    }
    case 'client': {
      const r = parse(rest, CLIENT_SPEC, sub);
      if (r.values.help) return { cmd: 'help', text: CLIENT_HELP };
      noPositionals(r.positionals, sub);
      checkValues(r.values, CLIENT_SPEC);
      const { object, ...single } = r.values as Record<string, unknown>;
      const opts = clientOptions(single as Record<string, string | undefined>);
      if (r.values['insecure-serve-any-peer'] === true) opts.serveAnyPeer = true;
      if (object !== undefined) opts.objects = (object as string[]).map(objectOption);
      if (r.values['queue-mode'] === true) opts.queueMode = true;
      if (opts.queueTime !== undefined && opts.queueMode !== true) throw new ArgError('--queue-time is for --queue-mode: give both');
      if (opts.queueDtls !== undefined && opts.queueMode !== true) throw new ArgError('--queue-dtls is for --queue-mode: give both');
      return { cmd: 'client', opts };
    }
    default:
      throw new ArgError(`unknown command "${sub}"; expected server, bootstrap-server or client (see lwm2m-mcu --help)`);
  }
}

/** --object ID[:INSTANCES]: a ready object (e.g. 3304, 3311:2) with simulated values. */
function objectOption(v: string): { id: number; instances: number } {
  const m = /^(\d{1,5})(?::(\d{1,3}))?$/.exec(v.trim());
  if (!m) throw new ArgError(`--object "${v}": expected ID or ID:INSTANCES, e.g. 3304 or 3311:2`);
  const id = Number(m[1]), instances = m[2] === undefined ? 1 : Number(m[2]);
  if (id > 65534) throw new ArgError(`--object ${id}: an object id is 0–65534`);
  if (instances < 1 || instances > 16) throw new ArgError(`--object ${v}: 1–16 instances`);
  return { id, instances };
}

function clientOptions(v: Record<string, string | undefined>): ClientCliOptions {
  const endpoint = v.endpoint;
  if (endpoint === undefined) throw new ArgError('client needs --endpoint NAME');
  if (endpoint.length > 255 || /[\s&?=]/.test(endpoint)) throw new ArgError(`--endpoint "${endpoint}": at most 255 characters, without spaces, "&", "?" or "="`);
  const o: ClientCliOptions = { endpoint, logLevel: 'info' };
  if (v.server !== undefined) o.server = parseCoapUri(v.server, '--server');
  if (v.bootstrap !== undefined) o.bootstrap = parseCoapUri(v.bootstrap, '--bootstrap');
  o.lifetime = intOption(v.lifetime, 'lifetime', 1, 4294967295);
  o.localPort = intOption(v['local-port'], 'local-port', 0, 65535);
  if (o.lifetime === undefined) delete o.lifetime;
  if (o.localPort === undefined) delete o.localPort;
  if (v.address !== undefined) o.address = listenAddress(v.address);
  const qt = intOption(v['queue-time'], 'queue-time', 1, 86400);
  if (qt !== undefined) o.queueTime = qt;
  const qd = v['queue-dtls'];
  if (qd !== undefined) {
    if (qd !== 'keep' && qd !== 'resume' && qd !== 'full' && qd !== 'cid') throw new ArgError(`--queue-dtls "${qd}": expected resume, full, keep or cid`);
    o.queueDtls = qd;
  }
  if (v.state !== undefined) o.stateFile = v.state;
  if (v.provisioning !== undefined) o.provisioningFile = v.provisioning;
  if (v['firmware-dir'] !== undefined) o.firmwareDir = v['firmware-dir'];
  const id = v['psk-identity'], key = v['psk-key'];
  if ((id === undefined) !== (key === undefined)) throw new ArgError('--psk-identity and --psk-key go together: give both or neither');
  if (id !== undefined && key !== undefined) { o.pskIdentity = id; o.pskKey = parseHexKey(key); }
  if (!o.server && !o.bootstrap && !o.stateFile && !o.provisioningFile) {
    throw new ArgError('client needs somewhere to connect: --server URI, --bootstrap URI, --provisioning FILE or --state FILE');
  }
  const secure = (o.server?.secure ?? false) || (o.bootstrap?.secure ?? false);
  if (secure && o.pskKey === undefined) throw new ArgError('a coaps:// URI needs --psk-identity and --psk-key');
  // A key given for plain CoAP would be silently unused: say so.
  if (o.pskKey !== undefined && !secure) {
    const uris = [o.server && `--server ${formatCoapUri(o.server)}`, o.bootstrap && `--bootstrap ${formatCoapUri(o.bootstrap)}`].filter(Boolean);
    throw new ArgError(`--psk-identity/--psk-key are for coaps:// (DTLS), but ${uris.length ? uris.join(' and ') + (uris.length > 1 ? ' are' : ' is') + ' coap://' : 'no --server or --bootstrap URI is given'}: use coaps://, or drop the key`);
  }
  if (v['log-level'] !== undefined) {
    const l = v['log-level'].toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(l)) throw new ArgError(`--log-level "${v['log-level']}": expected one of ${LOG_LEVELS.join(', ')}`);
    o.logLevel = l as LogLevelName;
  }
  return o;
}

/** Reads and parses a JSON file, with an error that names the file. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new ArgError(`cannot read ${file}: ${(e as Error).message}`); }
  try { return JSON.parse(text); } catch (e) { throw new ArgError(`${file} is not valid JSON: ${(e as Error).message}`); }
}
