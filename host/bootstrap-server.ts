// A LwM2M bootstrap server for the host (LwM2M TS Core 1.1 §5.2 Bootstrap interface, §6.1 bootstrap
// sequence, server side), on the project's CoAP engine. Client-initiated: POST /bs?ep=NAME is answered
// 2.04, then Bootstrap-Delete "/" (optional), Bootstrap-Write of /0/i and /1/i for each configured
// server, and Bootstrap-Finish. Server-initiated: bootstrapClient(address, port, name). Host code.
import { CoapMessage, MessageWriter, MsgType } from '../src/coap/message.js';
import { Code } from '../src/coap/codes.js';
import { Reply } from '../src/coap/endpoint.js';
import { Opt } from '../src/coap/option.js';
import { ContentFormat } from '../src/formats/content-format.js';
import { ValueType } from '../src/model/record.js';
import { CoapHost, CoapResponse, HostOptions, Link, Lwm2mValue, decodePayload, encodePayload, parseLinks, splitWords, uriPath, uriQuery } from './server.js';
import { createInterface, Interface } from 'node:readline';

// ------------------------------------------------------------------------------------ configuration

export type BsFormat = 'tlv' | 'senml-json' | 'senml-cbor';

export interface BsServerEntry {
  /** Short Server ID (1–65534); required unless bootstrapServer. */
  ssid?: number;
  /** coap://host:port or coaps://host:port */
  uri: string;
  securityMode: 'nosec' | 'psk';
  pskIdentity?: string;
  /** Hex. */
  pskKey?: string;
  /** Registration lifetime (s), default 300. */
  lifetime?: number;
  /** Binding, default "U". */
  binding?: string;
  /** Notification Storing When Disabled or Offline (/1/i/6), default true. */
  notificationStoring?: boolean;
  /** This entry is a bootstrap server account (/0/i/1 true; no Server object instance). */
  bootstrapServer?: boolean;
  /** Bootstrap on Registration Failure (/1/i/16) and the Communication Retry resources
   *  (/1/i/17 count, /1/i/18 timer s, /1/i/19 sequence delay s, /1/i/20 sequence retry count);
   *  written only when given (the client's defaults otherwise: true, 5, 60, 86400, 1). */
  bootstrapOnFailure?: boolean;
  retryCount?: number;
  retryTimer?: number;
  sequenceDelay?: number;
  sequenceRetry?: number;
}

export interface BsEndpointConfig {
  servers: BsServerEntry[];
  /** Bootstrap-Delete before writing (default true): of the paths in `delete`. */
  deleteFirst?: boolean;
  /** What deleteFirst deletes (default ["/0", "/1"]: the Security and Server objects, as Leshan's
   *  bootstrap server's usual configuration does; "/" also removes the client's device-owned
   *  instances such as its sensors — TS Core §5.2.7.5 keeps only the bootstrap-server account). */
  delete?: string[];
  /** Payload format of the Bootstrap-Writes (default tlv, or the client's pct= preference). */
  format?: BsFormat;
}

/** Endpoint name (or "*" for any other endpoint) → configuration. Keys starting with "_" are comments. */
export type BsConfig = Record<string, BsEndpointConfig>;

/** Checks a parsed configuration; throws with a message naming the wrong field. */
export function validateBsConfig(raw: unknown): BsConfig {
  const fail = (where: string, why: string): never => { throw new Error(`bootstrap config: ${where}: ${why}`); };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('top level', 'must be an object of endpoint name → { servers: [...] }');
  const out: BsConfig = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    if (name.startsWith('_') || name === '$schema') continue;
    const c = v as Record<string, unknown>;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) fail(name, 'must be an object with "servers"');
    if (!Array.isArray(c.servers)) fail(name, '"servers" must be a list');
    if (c.deleteFirst !== undefined && typeof c.deleteFirst !== 'boolean') fail(name, '"deleteFirst" must be true or false');
    if (c.delete !== undefined && (!Array.isArray(c.delete) || !c.delete.every((x) => typeof x === 'string' && /^\/(\d+(\/\d+)?)?$/.test(x)))) fail(name, '"delete" must be a list of paths like "/", "/0", "/1/0"');
    if (c.format !== undefined && c.format !== 'tlv' && c.format !== 'senml-json' && c.format !== 'senml-cbor') fail(name, '"format" must be "tlv", "senml-json" or "senml-cbor"');
    const servers: BsServerEntry[] = [];
    const ssids = new Set<number>();
    (c.servers as unknown[]).forEach((s0, k) => {
      const where = `${name}.servers[${k}]`;
      const s = s0 as Record<string, unknown>;
      if (s === null || typeof s !== 'object') fail(where, 'must be an object');
      if (typeof s.uri !== 'string' || !/^coaps?:\/\/(\[[0-9A-Fa-f:.]+\]|[^/:[\]]+)(:\d{1,5})?\/?$/.test(s.uri)) fail(where, '"uri" must be coap://HOST:PORT or coaps://HOST:PORT');
      const bs = s.bootstrapServer === true;
      if (s.bootstrapServer !== undefined && typeof s.bootstrapServer !== 'boolean') fail(where, '"bootstrapServer" must be true or false');
      if (s.ssid !== undefined || !bs) {
        if (!Number.isInteger(s.ssid) || (s.ssid as number) < 1 || (s.ssid as number) > 65534) fail(where, '"ssid" must be an integer 1–65534');
        if (!bs) { if (ssids.has(s.ssid as number)) fail(where, `ssid ${String(s.ssid)} is used twice`); ssids.add(s.ssid as number); }
      }
      if (s.securityMode !== 'nosec' && s.securityMode !== 'psk') fail(where, '"securityMode" must be "nosec" or "psk"');
      if (s.securityMode === 'psk') {
        if (typeof s.pskIdentity !== 'string' || s.pskIdentity === '') fail(where, 'psk needs "pskIdentity"');
        if (typeof s.pskKey !== 'string' || !/^([0-9A-Fa-f]{2})+$/.test(s.pskKey)) fail(where, 'psk needs "pskKey" as hex');
      }
      if (s.lifetime !== undefined && (!Number.isInteger(s.lifetime) || (s.lifetime as number) < 1)) fail(where, '"lifetime" must be a positive integer (seconds)');
      if (s.binding !== undefined && (typeof s.binding !== 'string' || !/^[UTSNQ]+$/.test(s.binding))) fail(where, '"binding" must be like "U", "UQ", "T"');
      if (s.notificationStoring !== undefined && typeof s.notificationStoring !== 'boolean') fail(where, '"notificationStoring" must be true or false');
      if (s.bootstrapOnFailure !== undefined && typeof s.bootstrapOnFailure !== 'boolean') fail(where, '"bootstrapOnFailure" must be true or false');
      for (const k of ['retryCount', 'retryTimer', 'sequenceDelay', 'sequenceRetry']) {
        if (s[k] !== undefined && (!Number.isInteger(s[k]) || (s[k] as number) < 0)) fail(where, `"${k}" must be an integer ≥ 0`);
      }
      servers.push(s as unknown as BsServerEntry);
    });
    out[name] = { servers, deleteFirst: c.deleteFirst as boolean | undefined, delete: c.delete as string[] | undefined, format: c.format as BsFormat | undefined };
  }
  return out;
}

/** The records of Security instance /0/i and Server instance /1/j for one entry. */
export function securityValues(s: BsServerEntry, i: number): Record<string, Lwm2mValue> {
  const v: Record<string, Lwm2mValue> = {
    [`/0/${i}/0`]: s.uri,
    [`/0/${i}/1`]: s.bootstrapServer === true,
    [`/0/${i}/2`]: s.securityMode === 'psk' ? 0 : 3,
    [`/0/${i}/3`]: new TextEncoder().encode(s.securityMode === 'psk' ? s.pskIdentity ?? '' : ''),
    [`/0/${i}/5`]: new Uint8Array(s.securityMode === 'psk' ? Buffer.from(s.pskKey ?? '', 'hex') : Buffer.alloc(0)),
  };
  if (s.ssid !== undefined) v[`/0/${i}/10`] = s.ssid;
  return v;
}

export function serverValues(s: BsServerEntry, j: number): Record<string, Lwm2mValue> {
  const v: Record<string, Lwm2mValue> = {
    [`/1/${j}/0`]: s.ssid ?? 0,
    [`/1/${j}/1`]: s.lifetime ?? 300,
    [`/1/${j}/6`]: s.notificationStoring ?? true,
    [`/1/${j}/7`]: s.binding ?? 'U',
  };
  if (s.bootstrapOnFailure !== undefined) v[`/1/${j}/16`] = s.bootstrapOnFailure;
  if (s.retryCount !== undefined) v[`/1/${j}/17`] = s.retryCount;
  if (s.retryTimer !== undefined) v[`/1/${j}/18`] = s.retryTimer;
  if (s.sequenceDelay !== undefined) v[`/1/${j}/19`] = s.sequenceDelay;
  if (s.sequenceRetry !== undefined) v[`/1/${j}/20`] = s.sequenceRetry;
  return v;
}

// ------------------------------------------------------------------------------------ the server

export interface BsStep {
  endpoint: string;
  /** "delete /", "write /0/0", "write /1/0", "finish", "discover /", "read /1" */
  step: string;
  code: number;
  /** "2.02", or "timeout" / "RST" */
  codeText: string;
  ok: boolean;
  payload?: Uint8Array;
}

export interface BsResult {
  endpoint: string;
  ok: boolean;
  steps: BsStep[];
  /** Bootstrap-Discover answer (server-initiated with discover). */
  links?: Link[];
  /** Bootstrap-Read of /1 (server-initiated with readServers). */
  servers?: Record<string, Lwm2mValue>;
}

export interface BsStartOptions extends HostOptions {
  /** The configuration object, or a file name of JSON. */
  config: BsConfig | unknown;
}

export interface BootstrapOptions {
  /** Start with Bootstrap-Discover (GET / with Accept 40), default true: the instance ids written
   *  avoid the client's own (its bootstrap account may be at /0/1, as Anjay's is). With false, or
   *  when the client does not answer it with 2.05 (a LwM2M 1.0 client), the ids follow the
   *  convention of a bootstrap account at /0/0. */
  discover?: boolean;
  /** Bootstrap-Read of /1 before writing. */
  readServers?: boolean;
  /** Overrides the configured format. */
  format?: BsFormat;
}

const FORMATS: Record<BsFormat, number> = { 'tlv': ContentFormat.TLV, 'senml-json': ContentFormat.SENML_JSON, 'senml-cbor': ContentFormat.SENML_CBOR };

/**
 * Events: 'request'(endpoint, address), 'step'(BsStep), 'finished'(endpoint, code, result),
 * 'failed'(endpoint, step, code, result).
 */
export class BootstrapServer extends CoapHost {
  config: BsConfig;
  /** Where each endpoint last spoke from (for a server-initiated bootstrap by name), and the format
   *  its Bootstrap-Request preferred (pct=), if any: a server-initiated sequence has no request to
   *  name one, so it uses the one the endpoint last announced. */
  readonly seen = new Map<string, { address: string; port: number; format?: BsFormat }>();
  private readonly running = new Map<string, number>(); // endpoint → session number
  private session = 0;
  /** Endpoints remembered in `seen` at most (the oldest is forgotten first). */
  static readonly SEEN_MAX = 10_000;

  protected override get role(): string { return 'bootstrap-server'; }

  private constructor(hal: Awaited<ReturnType<typeof CoapHost['openHal']>>, o: BsStartOptions, config: BsConfig) {
    super(hal, o);
    this.config = config;
  }

  static async start(o: BsStartOptions): Promise<BootstrapServer> {
    let raw = o.config;
    if (typeof raw === 'string') {
      const { readFileSync } = await import('node:fs');
      raw = JSON.parse(readFileSync(raw, 'utf8'));
    }
    const config = validateBsConfig(raw);
    const s = new BootstrapServer(await CoapHost.openHal(o), o, config);
    s.log(`bootstrap-server: listening on ${s.address}:${s.port}${s.dtls ? ' coaps' : ''} (${Object.keys(config).map((k) => k === '*' ? '"*"' : k).join(', ') || 'no endpoints'})`);
    return s;
  }

  configFor(ep: string): BsEndpointConfig | undefined {
    return Object.prototype.hasOwnProperty.call(this.config, ep) ? this.config[ep] : this.config['*'];
  }

  protected override handleRequest(req: CoapMessage, peer: number, res: MessageWriter): number {
    const path = uriPath(req);
    const from = this.peerText(peer);
    if (path.length === 1 && path[0] === 'bspack') return this.bootstrapPack(req, peer, res);
    if (path.length !== 1 || path[0] !== 'bs') {
      this.log(`bootstrap-server: request /${path.join('/')} from ${from} → 4.04`);
      res.setCode(Code.NOT_FOUND);
      return Reply.RESPOND;
    }
    if (req.code !== Code.POST) { res.setCode(Code.METHOD_NOT_ALLOWED); return Reply.RESPOND; }
    const q = uriQuery(req);
    const ep = q.get('ep');
    if (typeof ep !== 'string' || ep === '') {
      this.log(`bootstrap-server: Bootstrap-Request from ${from} without ep= → 4.00`);
      res.setCode(Code.BAD_REQUEST);
      return Reply.RESPOND;
    }
    const cfg = this.configFor(ep);
    if (!cfg) {
      this.log(`bootstrap-server: Bootstrap-Request ep=${ep} from ${from}: no configuration for this endpoint → 4.00`);
      res.setCode(Code.BAD_REQUEST);
      return Reply.RESPOND;
    }
    const a = this.ep.peers[peer];
    const pct = typeof q.get('pct') === 'string' ? Number(q.get('pct')) : NaN;
    const announced = (Object.keys(FORMATS) as BsFormat[]).find((f) => FORMATS[f] === pct);
    const address = this.remember(ep, peer, announced);
    const format = cfg.format ?? announced;
    this.log(`bootstrap-server: Bootstrap-Request ep=${ep} from ${from}${Number.isNaN(pct) ? '' : ' pct=' + pct} → 2.04`);
    res.setCode(Code.CHANGED);
    this.ep.peerIndex(a, true);
    // The writer is busy with this response: start the sequence after it is queued.
    setImmediate(() => {
      if (this.closed) return;
      this.emit('request', ep, address);
      this.run(peer, ep, cfg, { format }).catch((e) => this.log(`bootstrap-server: ${ep}: ${(e as Error).message}`));
    });
    return Reply.RESPOND;
  }

  /** Records where `ep` spoke from (for `bootstrap EP`) and the format it announced; returns the
   *  address as text. */
  private remember(ep: string, peer: number, format: BsFormat | undefined): string {
    const a = this.ep.peers[peer];
    const address = this.peerText(peer).replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    const old = this.seen.get(ep);
    this.seen.delete(ep); // re-inserted last: the Map's order is the age
    this.seen.set(ep, { address, port: a.port, format: format ?? (old && old.address === address && old.port === a.port ? old.format : undefined) });
    if (this.seen.size > BootstrapServer.SEEN_MAX) this.seen.delete(this.seen.keys().next().value as string);
    return address;
  }

  /** Bootstrap-Pack-Request (LwM2M 1.2): GET /bspack?ep=NAME is answered 2.05 with the whole
   *  configuration as one SenML CBOR pack (what the write sequence would have written). The answer is
   *  a separate response (RFC 7252 §5.2.2), sent after a Bootstrap-Discover of the client: a client
   *  that applies the pack as plain writes (Anjay 3.x) would lose its bootstrap account if a server's
   *  Security instance landed on it (Anjay's is /0/1), and only the Discover says where it is. The
   *  sender of a Bootstrap-Pack-Request is bootstrapping, so it answers its bootstrap server. */
  private bootstrapPack(req: CoapMessage, peer: number, res: MessageWriter): number {
    const from = this.peerText(peer);
    if (req.code !== Code.GET) { res.setCode(Code.METHOD_NOT_ALLOWED); return Reply.RESPOND; }
    const ep = uriQuery(req).get('ep');
    const cfg = typeof ep === 'string' && ep !== '' ? this.configFor(ep) : undefined;
    if (!cfg) {
      this.log(`bootstrap-server: Bootstrap-Pack-Request ep=${String(ep)} from ${from}: no configuration → 4.00`);
      res.setCode(Code.BAD_REQUEST);
      return Reply.RESPOND;
    }
    if (req.accept >= 0 && req.accept !== ContentFormat.SENML_CBOR) { res.setCode(Code.NOT_ACCEPTABLE); return Reply.RESPOND; }
    const name = ep as string;
    this.remember(name, peer, undefined);
    const token = new Uint8Array(req.token.subarray(0, req.tokenLen));
    const type = req.type === MsgType.NON ? MsgType.NON : MsgType.CON;
    this.ep.peerIndex(this.ep.peers[peer], true);
    this.peerSessions.set(peer, (this.peerSessions.get(peer) ?? 0) + 1);
    this.log(`bootstrap-server: Bootstrap-Pack-Request ep=${name} from ${from}: discovering the client's instances first`);
    setImmediate(() => {
      if (this.closed) return;
      this.emit('request', name, from);
      this.packAfterDiscover(peer, name, cfg, token, type).catch((e) => this.log(`bootstrap-server: ${name}: ${(e as Error).message}`));
    });
    return Reply.DEFER;
  }

  private async packAfterDiscover(p: number, ep: string, cfg: BsEndpointConfig, token: Uint8Array, type: MsgType): Promise<void> {
    const result: BsResult = { endpoint: ep, ok: false, steps: [] };
    try {
      const have = await this.discoverInstances(p, ep, result);
      if (this.closed) return;
      const values: Record<string, Lwm2mValue> = {};
      for (const w of configWrites(cfg, have)) Object.assign(values, w.values);
      const payload = encodePayload(ContentFormat.SENML_CBOR, [], values, 1300, typesFor(values));
      const sent = this.sendWithToken(p, Code.CONTENT, token, (w) => {
        w.optionUint(Opt.CONTENT_FORMAT, ContentFormat.SENML_CBOR);
        w.payload(payload, 0, payload.length);
      }, type);
      if (!sent) { this.log(`bootstrap-server: ${ep}: the Bootstrap-Pack does not fit in one datagram`); this.emit('failed', ep, 'pack', 0, result); return; }
      this.log(`bootstrap-server: Bootstrap-Pack-Request ep=${ep} from ${this.peerText(p)} → 2.05 (${payload.length} bytes, ${Object.keys(values).length} resources, Security ${configWrites(cfg, have).filter((w) => w.path[0] === 0).map((w) => '/0/' + w.path[1]).join(',')})`);
      result.ok = true;
      this.emit('finished', ep, Code.CONTENT, result);
    } finally {
      this.release(p);
    }
  }

  /** Bootstrap-Discover of "/" (GET / with Accept 40): the client's Security and Server instances,
   *  or undefined when it does not answer 2.05 (the ids then follow the convention). The step is
   *  recorded in `result`; a timeout is logged as such. */
  private async discoverInstances(p: number, ep: string, result: BsResult): Promise<ClientInstances | undefined> {
    const res = await this.request(p, { code: Code.GET, path: [], accept: ContentFormat.LINK_FORMAT });
    const s: BsStep = { endpoint: ep, step: 'discover /', code: res.code, codeText: res.codeText, ok: res.code === Code.CONTENT, payload: res.payload };
    result.steps.push(s);
    this.emit('step', s);
    let have: ClientInstances | undefined;
    if (s.ok) {
      result.links = parseLinks(new TextDecoder().decode(s.payload));
      have = instancesOf(result.links);
    }
    this.report(`${ep}: discover / → ${res.codeText}` + (have ? ` (bootstrap account ${have.bootstrap >= 0 ? '/0/' + have.bootstrap : 'not listed'}, Security ${have.security.map((x) => x.id).join(',') || 'none'}, Server ${have.server.map((x) => x.id).join(',') || 'none'})` : res.failed ? '' : ': ids by convention (bootstrap account at /0/0)'));
    return have;
  }

  /** Server-initiated bootstrap of a client at address:port with the configuration of `endpoint`. */
  async bootstrapClient(address: string, port: number, endpoint: string, opts: BootstrapOptions = {}): Promise<BsResult> {
    const cfg = this.configFor(endpoint);
    if (!cfg) throw new Error(`no bootstrap configuration for endpoint "${endpoint}" and no "*"`);
    const p = this.peerOf(address, port, true);
    const seen = this.seen.get(endpoint);
    const format = opts.format ?? cfg.format ?? (seen && seen.address === address && seen.port === port ? seen.format : undefined);
    this.report(`server-initiated bootstrap of ${endpoint} at ${this.peerText(p)}${format && !opts.format && !cfg.format ? ' (' + format + ', as its last Bootstrap-Request announced)' : ''}`);
    return this.run(p, endpoint, cfg, { ...opts, format });
  }

  /** Server-initiated bootstrap of an endpoint seen before (its last address). */
  async bootstrapSeen(endpoint: string, opts: BootstrapOptions = {}): Promise<BsResult> {
    const s = this.seen.get(endpoint);
    if (!s) throw new Error(`endpoint "${endpoint}" has not been seen`);
    return this.bootstrapClient(s.address, s.port, endpoint, opts);
  }

  private async run(p: number, ep: string, cfg: BsEndpointConfig, opts: BootstrapOptions): Promise<BsResult> {
    const me = ++this.session;
    this.running.set(ep, me);
    this.peerSessions.set(p, (this.peerSessions.get(p) ?? 0) + 1);
    const result: BsResult = { endpoint: ep, ok: false, steps: [] };
    let cf = FORMATS[opts.format ?? cfg.format ?? 'tlv'];
    const chosen = opts.format !== undefined || cfg.format !== undefined;
    // Whether a Write of this sequence was taken already: after that a 4.00 is about the values.
    let settled = false;
    const step = async (name: string, r: Promise<CoapResponse>, okCode: number[], retry = false): Promise<BsStep> => {
      const res = await r;
      const s: BsStep = { endpoint: ep, step: name, code: res.code, codeText: res.codeText, ok: okCode.includes(res.code), payload: res.payload };
      result.steps.push(s);
      this.report(`${ep}: ${name} → ${res.codeText}${retry && !s.ok ? ' (trying another format)' : ''}`);
      this.emit('step', s);
      if (!s.ok && !retry) {
        this.report(`${ep}: bootstrap failed at ${name} (${res.codeText})`);
        this.emit('failed', ep, name, res.code, result);
      }
      return s;
    };
    const superseded = () => this.closed || this.running.get(ep) !== me;
    try {
      let have: ClientInstances | undefined;
      if (opts.discover !== false) {
        // Bootstrap-Discover first (as Leshan's bootstrap server does to place its instances): only a
        // timeout ends the sequence; a client without it (4.xx) gets the conventional ids.
        have = await this.discoverInstances(p, ep, result);
        const failed = result.steps[result.steps.length - 1].code === 0;
        if (failed || superseded()) {
          if (failed) {
            this.report(`${ep}: bootstrap failed at discover / (${result.steps[result.steps.length - 1].codeText})`);
            this.emit('failed', ep, 'discover /', 0, result);
          }
          return result;
        }
      }
      if (opts.readServers) {
        const s = await step('read /1', this.request(p, { code: Code.GET, path: [1], accept: cf }), [Code.CONTENT]);
        if (!s.ok || superseded()) return result;
        try {
          result.servers = Object.fromEntries(decodePayload(cf, s.payload ?? new Uint8Array(0), [1]).map((x) => [x.path, x.value]));
        } catch (e) { this.report(`${ep}: read /1: ${(e as Error).message}`); }
      }
      if (cfg.deleteFirst !== false) {
        for (const d of cfg.delete ?? ['/0', '/1']) {
          const path = d.split('/').filter(Boolean).map(Number);
          const s = await step(`delete ${d}`, this.request(p, { code: Code.DELETE, path }), [Code.DELETED]);
          if (!s.ok || superseded()) return result;
        }
      }
      const writes = configWrites(cfg, have);
      for (const w of writes) {
        // A client without TLV that named no pct= (a SenML-only build) answers 4.15 — or 4.00, as
        // Wakaama's SenML-JSON-only client does to a TLV payload it cannot parse: the other formats
        // are tried, and the first it takes is kept for the rest of the sequence.
        const tries = chosen ? [cf] : [cf, ...[ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.TLV].filter((x) => x !== cf)];
        let s: BsStep | undefined;
        for (let k = 0; k < tries.length; k++) {
          const payload = encodePayload(tries[k], w.path, w.values, 1300, typesFor(w.values));
          const last = k === tries.length - 1;
          s = await step(`write /${w.path.join('/')}${k ? ' (' + tries[k] + ')' : ''}`, this.request(p, { code: Code.PUT, path: w.path, contentFormat: tries[k], payload }), [Code.CHANGED], !last);
          if (s.ok) { cf = tries[k]; settled = true; break; }
          const formatRefused = s.code === Code.UNSUPPORTED_CONTENT_FORMAT || (s.code === Code.BAD_REQUEST && !settled);
          if (!formatRefused || superseded()) {
            if (!last) { this.report(`${ep}: bootstrap failed at ${s.step} (${s.codeText})`); this.emit('failed', ep, s.step, s.code, result); }
            return result;
          }
        }
        if (!s || !s.ok || superseded()) return result;
      }
      const f = await step('finish', this.request(p, { code: Code.POST, path: ['bs'] }), [Code.CHANGED]);
      if (!f.ok) return result;
      result.ok = true;
      this.report(`${ep}: bootstrap finished`);
      this.emit('finished', ep, f.code, result);
      return result;
    } finally {
      if (this.running.get(ep) === me) this.running.delete(ep);
      this.release(p);
    }
  }

  /** Done with a client's sequence: its peer entry may be reused (a host serves any number of clients). */
  private release(p: number): void {
    const n = (this.peerSessions.get(p) ?? 1) - 1;
    if (n > 0) this.peerSessions.set(p, n); else { this.peerSessions.delete(p); this.ep.unpinPeer(p); }
  }

  private readonly peerSessions = new Map<number, number>(); // peer → sequences running with it

  // Console ---------------------------------------------------------------------------------------

  /** A line-based command interface (help, list, bootstrap EP [ADDRESS:PORT], quit). */
  attachConsole(input: NodeJS.ReadableStream = process.stdin, print: (s: string) => void = (s) => process.stdout.write(s + '\n')): Interface {
    const rl = createInterface({ input, terminal: false });
    rl.on('line', (line) => { this.command(line, print).catch((e) => print(`error: ${(e as Error).message}`)); });
    return rl;
  }

  /** Runs one console command line. Each result is printed once, by `print`: a bootstrap's step
   *  lines and its outcome go there instead of the log. */
  command(line: string, print: (s: string) => void): Promise<void> {
    return this.reportingTo(print, () => this.console(line, print));
  }

  private async console(line: string, print: (s: string) => void): Promise<void> {
    const [cmd, ep, at] = splitWords(line.trim());
    switch (cmd) {
      case undefined: return;
      case 'help': case '?': print(BS_CONSOLE_HELP); return;
      case 'list': case 'ls': {
        const names = Object.keys(this.config);
        print(`configured: ${names.map((n) => n === '*' ? '"*" (any other endpoint)' : n).join(', ') || 'none'}`);
        if (this.seen.size === 0) print('no Bootstrap-Request seen yet');
        for (const [n, a] of this.seen) print(`${n} ${a.address.includes(':') ? '[' + a.address + ']' : a.address}:${a.port}${this.running.has(n) ? ' (bootstrap running)' : ''}`);
        return;
      }
      case 'bootstrap': case 'bs': {
        if (!ep) throw new Error('usage: bootstrap <ep> [address:port]  (without an address: where <ep> last sent a Bootstrap-Request)');
        // Each step and the outcome ("EP: bootstrap finished", "EP: bootstrap failed at STEP (CODE)")
        // are printed as they happen; a sequence cut short without a failed step says so here.
        const r = at ? await this.bootstrapClient(...hostPort(at), ep) : await this.bootstrapSeen(ep);
        const last = r.steps[r.steps.length - 1];
        if (!r.ok && (!last || last.ok)) print(`${ep}: bootstrap stopped (${this.closed ? 'the server is stopping' : 'a newer bootstrap of ' + ep + ' started'})`);
        return;
      }
      case 'quit': case 'exit': await this.stop(); this.emit('quit'); return;
      default: throw new Error(`unknown command "${cmd}" (type help)`);
    }
  }
}

export const BS_CONSOLE_HELP = `commands:
  list                          configured endpoints, and clients seen (name address:port)
  bootstrap <ep> [addr:port]    server-initiated bootstrap of <ep> (default: where it was last seen)
  help, quit`;

/** "127.0.0.1:5683" or "[::1]:5683" → [address, port]. */
export function hostPort(s: string): [string, number] {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([\d.]+)):(\d{1,5})$/.exec(s);
  if (!m || +m[3] < 1 || +m[3] > 65535) throw new Error(`"${s}": expected ADDRESS:PORT, e.g. 127.0.0.1:5683 or [::1]:5683`);
  return [m[1] ?? m[2], +m[3]];
}

/** What a client's Bootstrap-Discover answer says it holds: its Security instances (the bootstrap
 *  account is the one listed without ssid=, TS Core 1.1 §5.2.7.3) and Server instances. */
export interface ClientInstances { bootstrap: number; security: { id: number; ssid?: number }[]; server: { id: number; ssid?: number }[] }

export function instancesOf(links: Link[]): ClientInstances {
  const out: ClientInstances = { bootstrap: -1, security: [], server: [] };
  for (const l of links) {
    const m = /^\/([01])\/(\d+)$/.exec(l.path);
    if (!m) continue;
    const ssid = typeof l.attrs.ssid === 'string' && /^\d+$/.test(l.attrs.ssid) ? +l.attrs.ssid : undefined;
    const e = ssid === undefined ? { id: +m[2] } : { id: +m[2], ssid };
    if (m[1] === '0') { out.security.push(e); if (ssid === undefined && out.bootstrap < 0) out.bootstrap = e.id; } else out.server.push(e);
  }
  return out;
}

/** The Bootstrap-Writes of a configuration. A bootstrap-server entry goes to the client's bootstrap
 *  account (`have.bootstrap`, else /0/0 by convention); server entries never go over it, nor over an
 *  instance the client keeps (one the configured Bootstrap-Delete does not remove), except the one
 *  holding the same ssid: they take the lowest free ids — so Anjay's bootstrap account at /0/1
 *  survives, and Bootstrap-Request Trigger (/1/x/9) still works later (Leshan's bootstrap server
 *  places its instances the same way, from a Bootstrap-Discover). */
export function configWrites(cfg: BsEndpointConfig, have?: ClientInstances): { path: number[]; values: Record<string, Lwm2mValue> }[] {
  const dels = cfg.deleteFirst === false ? [] : cfg.delete ?? ['/0', '/1'];
  const kept = (o: number, list: { id: number; ssid?: number }[]) =>
    dels.some((d) => d === '/' || d === `/${o}`) ? [] : list.filter((x) => !dels.includes(`/${o}/${x.id}`));
  const keep0 = have ? kept(0, have.security) : [], keep1 = have ? kept(1, have.server) : [];
  const taken0 = new Set<number>(keep0.map((x) => x.id)), taken1 = new Set<number>(keep1.map((x) => x.id));
  const free = (taken: Set<number>) => { let k = 0; while (taken.has(k)) k++; taken.add(k); return k; };
  const bsId = have && have.bootstrap >= 0 ? have.bootstrap : taken0.has(0) ? free(taken0) : 0;
  taken0.add(bsId);
  const writes: { path: number[]; values: Record<string, Lwm2mValue> }[] = [];
  const servers: { s: BsServerEntry; j: number }[] = [];
  for (const s of cfg.servers) {
    if (s.bootstrapServer) { writes.push({ path: [0, bsId], values: securityValues(s, bsId) }); continue; }
    const same = keep0.find((x) => x.ssid === s.ssid);
    const id = same ? same.id : free(taken0);
    writes.push({ path: [0, id], values: securityValues(s, id) });
    const same1 = keep1.find((x) => x.ssid === s.ssid);
    servers.push({ s, j: same1 ? same1.id : -1 });
  }
  for (const x of servers) {
    const j = x.j >= 0 ? x.j : free(taken1);
    writes.push({ path: [1, j], values: serverValues(x.s, j) });
  }
  return writes;
}

/** Declared types of the Security/Server resources we write (the generated definitions know them
 *  too; being explicit keeps the wire bytes independent of a registry update). */
function typesFor(values: Record<string, Lwm2mValue>): Record<string, ValueType> {
  const t: Record<string, ValueType> = {};
  for (const k of Object.keys(values)) {
    const [o, , r] = k.split('/').filter(Boolean).map(Number);
    if (o === 0) t[k] = r === 0 ? ValueType.String : r === 1 ? ValueType.Boolean : r === 3 || r === 5 ? ValueType.Opaque : ValueType.Integer;
    else t[k] = r === 6 || r === 16 ? ValueType.Boolean : r === 7 ? ValueType.String : r >= 17 && r <= 20 ? ValueType.UnsignedInteger : ValueType.Integer;
  }
  return t;
}

