// The Node.js HAL: UDP over dgram (IPv4 and IPv6), a monotonic clock, one timer, crypto random
// bytes, file-backed key-value storage, logging. Allocation here is the HAL edge (Node's dgram
// hands us a new Buffer and a string address per datagram).

import dgram from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFileSync, writeFileSync, renameSync, existsSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Hal } from '../hal.js';
import { LogLevel } from '../hal.js';
import { PeerAddress, formatAddress, parseAddress } from '../../src/coap/peer.js';

export interface NodeHalOptions {
  /** Local address to bind: '127.0.0.1', '::1', '0.0.0.0', or '::' (dual stack, the default). */
  address?: string;
  /** Local port; 0 picks a free one. */
  port?: number;
  /** File that holds key-value storage (JSON); none keeps it in memory. */
  stateFile?: string;
  /** Provisioning (smartcard) blob file. */
  provisioningFile?: string;
  /** Log sink; default prints to stdout with a timestamp. */
  logger?: (level: LogLevel, msg: string) => void;
  /** Minimum level printed by the default logger. */
  logLevel?: LogLevel;
  onReboot?: () => void;
  onFactoryReset?: () => void;
}

const LEVEL = ['ERROR', 'WARN ', 'INFO ', 'DEBUG'];

export class NodeHal implements Hal {
  /** The UDP socket (a new one after each Queue Mode wake). */
  socket: dgram.Socket;
  /** Queue Mode: the socket is closed until wake() (sleep()). */
  asleep = false;
  /** The port the socket was bound to (kept across a sleep: wake() binds it again when free). */
  private boundPort = 0;
  /** Datagrams sent while wake()'s socket is being bound: they go once it is (dgram would lose those
   *  queued on a socket whose bind fails, the old port being taken). Null when bound. */
  private unbound: { b: Buffer; port: number; host: string }[] | null = null;
  private readonly family: 4 | 6;
  private readonly dualStack: boolean;
  private timer: NodeJS.Timeout | null = null;
  private readonly from = new PeerAddress();
  private store: Record<string, string> = {};
  private readonly opts: NodeHalOptions;
  private readonly t0 = performance.now();
  private receiveCb: ((buf: Uint8Array, off: number, len: number, from: PeerAddress) => void) | null = null;
  /** The state file's text as read at open (for the copy kept when it turns out unusable). */
  private stateText: string | null = null;
  /** What was wrong with the state file at open (null: fine or absent); it was set aside, see stateCopy. */
  stateProblem: string | null = null;
  /** Where the copy of an unusable state file was kept. */
  stateCopy: string | null = null;
  /** Why the last save failed (null: it did not). */
  saveError: string | null = null;

  private constructor(opts: NodeHalOptions, socket: dgram.Socket, family: 4 | 6, dual: boolean, state: StateRead) {
    this.opts = opts;
    this.socket = socket;
    this.family = family;
    this.dualStack = dual;
    this.store = state.store;
    this.stateText = state.text;
    if (state.problem) this.setAside(state.problem);
    this.attach(socket);
    this.boundPort = socket.address().port;
  }

  private attach(socket: dgram.Socket): void {
    socket.on('message', (msg, rinfo) => {
      if (!this.receiveCb || socket !== this.socket) return;
      let addr = rinfo.address;
      if (addr.startsWith('::ffff:') && addr.indexOf('.') > 0) addr = addr.slice(7);
      if (!parseAddress(addr, rinfo.port, this.from)) return;
      this.receiveCb(msg, 0, msg.length, this.from);
    });
  }

  /** Queue Mode: the client is offline until `until`: the socket is closed (the process idles on its
   *  one timer, which stays armed). */
  sleep(until: number): void {
    if (this.asleep) return;
    this.asleep = true;
    try { this.socket.close(); } catch { /* already closed */ }
    void until;
  }

  /** Queue Mode: a new socket on the same port (a new one if that port was taken meanwhile: with a
   *  DTLS Connection ID or a resumed session the server does not mind). Sends made before the bind
   *  completes are queued by dgram. */
  wake(): void {
    if (!this.asleep) return;
    this.asleep = false;
    const address = this.opts.address ?? '::';
    const socket = dgram.createSocket({ type: this.family === 6 ? 'udp6' : 'udp4', ipv6Only: false });
    this.socket = socket;
    this.attach(socket);
    this.unbound = [];
    const bound = (s: dgram.Socket): void => {
      this.boundPort = s.address().port;
      const q = this.unbound;
      this.unbound = null;
      if (q !== null && s === this.socket) for (const d of q) s.send(d.b, d.port, d.host);
    };
    const taken = (): void => {
      // The old port is taken: any port will do.
      if (socket !== this.socket) return;
      const again = dgram.createSocket({ type: this.family === 6 ? 'udp6' : 'udp4', ipv6Only: false });
      this.socket = again;
      this.attach(again);
      again.on('error', () => { /* ICMP errors: retransmission handles them */ });
      again.bind(0, address, () => bound(again));
      try { socket.close(); } catch { /* not open */ }
    };
    socket.once('error', taken);
    socket.bind(this.boundPort, address, () => {
      socket.off('error', taken);
      socket.on('error', () => { /* ICMP errors on UDP: the protocol's retransmission handles them */ });
      bound(socket);
    });
  }

  /** Opens the socket (binds) and returns the HAL. Throws (before binding) when the state file
   *  cannot be read at all: a directory, a FIFO or device (reading one would block), or unreadable. */
  static async open(opts: NodeHalOptions = {}): Promise<NodeHal> {
    const state = readState(opts.stateFile);
    const address = opts.address ?? '::';
    const v6 = address.indexOf(':') >= 0;
    const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 0, address, () => { socket.off('error', reject); resolve(); });
    });
    socket.on('error', () => { /* ICMP errors on UDP: the protocol's retransmission handles them */ });
    return new NodeHal(opts, socket, v6 ? 6 : 4, v6 && (address === '::'), state);
  }

  get port(): number { return this.asleep ? this.boundPort : this.socket.address().port; }

  now(): number { return performance.now() - this.t0; }

  random(buf: Uint8Array, off: number, len: number): void { randomFillSync(buf, off, len); }

  send(buf: Uint8Array, off: number, len: number, to: PeerAddress): void {
    let host = formatAddress(to);
    if (to.family === 4 && this.family === 6) {
      if (!this.dualStack) return;
      host = '::ffff:' + host;
    } else if (to.family === 6 && this.family === 4) return;
    // dgram copies the bytes before send() returns only for Buffers it owns: give it a copy.
    const b = Buffer.from(buf.subarray(off, off + len));
    if (this.unbound !== null) this.unbound.push({ b, port: to.port, host });
    else this.socket.send(b, to.port, host);
  }

  onReceive(cb: (buf: Uint8Array, off: number, len: number, from: PeerAddress) => void): void { this.receiveCb = cb; }

  setTimer(deadline: number, cb: () => void): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (deadline === Infinity) return;
    const ms = Math.max(0, Math.min(0x7fffffff, Math.ceil(deadline - this.now())));
    this.timer = setTimeout(() => { this.timer = null; cb(); }, ms);
  }

  storageRead(key: string, out: Uint8Array): number {
    const v = this.store[key];
    if (v === undefined) return -1;
    const b = Buffer.from(v, 'base64');
    if (b.length > out.length) return -1;
    out.set(b, 0);
    return b.length;
  }

  storageWrite(key: string, buf: Uint8Array, off: number, len: number): boolean {
    this.store[key] = Buffer.from(buf.subarray(off, off + len)).toString('base64');
    return this.flush();
  }

  storageDelete(key: string): void {
    delete this.store[key];
    this.flush();
  }

  /** The stored bytes of the state file do not decode (ConfigStore.unusable): keep a copy of the
   *  file as it was read, before anything overwrites it. */
  stateUnusable(why: string): void {
    if (this.stateText !== null && this.stateCopy === null) this.setAside(why);
  }

  private setAside(why: string): void {
    const f = this.opts.stateFile!;
    this.stateProblem = why;
    if (this.stateText === null) return;
    let copy = f + '.corrupt';
    for (let k = 1; existsSync(copy); k++) copy = `${f}.corrupt.${k}`;
    try { writeFileSync(copy, this.stateText, { mode: 0o600, flag: 'wx' }); this.stateCopy = copy; } catch { /* reported: no copy */ }
  }

  private flush(): boolean {
    const f = this.opts.stateFile;
    if (!f) return true;
    const tmp = f + '.tmp';
    try {
      // The file holds the PSKs: owner-only (a mode applies when a file is created: a new one each time).
      try { unlinkSync(tmp); } catch { /* none left over */ }
      writeFileSync(tmp, JSON.stringify(this.store, null, 1), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, f); // atomic on POSIX: the old file or the new one, never half
      this.saveError = null;
      return true;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.saveError = err.code === 'ENOENT' && !existsSync(dirname(f)) ? `folder ${dirname(f)} does not exist`
        : err.code === 'EISDIR' || (err.code === 'EEXIST' && isDir(f)) ? `${f} is a directory` : err.message;
      try { unlinkSync(tmp); } catch { /* not created */ }
      return false;
    }
  }

  log(level: LogLevel, msg: string): void {
    if (this.opts.logger) { this.opts.logger(level, msg); return; }
    if (level > (this.opts.logLevel ?? LogLevel.INFO)) return;
    const t = (this.now() / 1000).toFixed(3).padStart(8);
    process.stdout.write(`[${t}] ${LEVEL[level]} ${msg}\n`);
  }

  async resolve(host: string, port: number, out: PeerAddress): Promise<boolean> {
    if (parseAddress(host, port, out)) return true;
    try {
      const r = await lookup(host, { family: this.family === 4 ? 4 : 0 });
      return parseAddress(r.address, port, out);
    } catch { return false; }
  }

  close(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    try { this.socket.close(); } catch { /* already closed */ }
  }

  reboot(): void { this.log(LogLevel.INFO, 'device: reboot requested'); this.opts.onReboot?.(); }
  factoryReset(): void { this.log(LogLevel.INFO, 'device: factory reset requested'); this.opts.onFactoryReset?.(); }

  provisioning(): Uint8Array | null {
    const f = this.opts.provisioningFile;
    if (!f) return null;
    return new Uint8Array(readFileSync(f));
  }
}

interface StateRead { store: Record<string, string>; text: string | null; problem: string | null }

function isDir(f: string): boolean { try { return statSync(f).isDirectory(); } catch { return false; } }

/** Reads the state file: a JSON object of key → base64 string. A file of another shape is a problem
 *  (reported, set aside, not used); one that cannot be read at all throws. */
function readState(f: string | undefined): StateRead {
  const none: StateRead = { store: {}, text: null, problem: null };
  if (!f) return none;
  let st;
  try { st = statSync(f); } catch { return none; } // absent: created at the first save
  if (st.isDirectory()) throw new Error(`state file ${f} is a directory: give the path of a file`);
  if (!st.isFile()) throw new Error(`state file ${f} is not a regular file (a FIFO, socket or device): give the path of a file`);
  let text: string;
  try { text = readFileSync(f, 'utf8'); } catch (e) { throw new Error(`cannot read state file ${f}: ${(e as Error).message}`); }
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { return { store: {}, text, problem: `not valid JSON (${(e as Error).message})` }; }
  const kind = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'object' : `a ${typeof v}`;
  if (kind !== 'object') return { store: {}, text, problem: `expected a JSON object, found ${kind}` };
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(x)) return { store: {}, text, problem: `"${k}" is not a base64 string` };
  }
  return { store: v as Record<string, string>, text, problem: null };
}
