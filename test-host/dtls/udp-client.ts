// Test helper: drives a DtlsSession over a real UDP socket on 127.0.0.1 against a real peer, with an
// accelerated clock (virtual ms = real ms × speed) so retransmission timeouts pass quickly.
import dgram from 'node:dgram';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { DtlsSession, DtlsState } from '../../src/dtls/session.js';

/** A free UDP port (or `count` consecutive free ports) on 127.0.0.1. */
export async function freeUdpPort(count = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = dgram.createSocket('udp4');
    const port: number = await new Promise((res) => a.bind(0, '127.0.0.1', () => res(a.address().port)));
    const held = [a];
    let ok = true;
    for (let i = 1; i < count && ok; i++) {
      const b = dgram.createSocket('udp4');
      ok = await new Promise((res) => { b.once('error', () => res(false)); b.bind(port + i, '127.0.0.1', () => res(true)); });
      held.push(b);
    }
    await Promise.all(held.map((s) => new Promise<void>((r) => { try { s.close(() => r()); } catch { r(); } })));
    if (ok) return port;
  }
  throw new Error('no free port');
}

export interface Peer { proc: ChildProcess; out: string; err: string; exited: Promise<void> }

export function spawnPeer(cmd: string, args: string[]): Peer {
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const peer: Peer = { proc, out: '', err: '', exited: new Promise((r) => proc.on('exit', () => r())) };
  proc.stdout!.on('data', (d) => (peer.out += d));
  proc.stderr!.on('data', (d) => (peer.err += d));
  return peer;
}

export async function killPeer(p: Peer): Promise<void> {
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
  await p.exited;
}

export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

export interface Run {
  session: DtlsSession;
  received: Buffer[];
  send(data: Uint8Array): void;
  close(): Promise<void>;
}

/** Start a handshake to 127.0.0.1:port and keep feeding/draining the session until close(). */
export async function connect(port: number, identity: string, psk: Uint8Array, opts: { speed?: number; maxRetx?: number; offer?: number; offerCid?: boolean; session?: DtlsSession; resume?: boolean } = {}): Promise<Run> {
  const speed = opts.speed ?? 10;
  const s = opts.session ?? new DtlsSession(1280, (b, o, l) => { randomFillSync(b, o, l); });
  if (opts.session) s.reset(true);
  if (opts.maxRetx !== undefined) s.maxRetransmissions = opts.maxRetx;
  if (opts.offer !== undefined) s.offerSuites = opts.offer;
  if (opts.offerCid) s.offerConnectionId = true;
  const sock = dgram.createSocket('udp4');
  sock.on('error', () => {});
  const out = new Uint8Array(1500), app = new Uint8Array(1500);
  const t0 = Date.now();
  const now = () => (Date.now() - t0) * speed;
  const received: Buffer[] = [];
  const flush = () => { let n; while ((n = s.transmit(out, 0)) > 0) sock.send(Buffer.from(out.subarray(0, n)), port, '127.0.0.1'); };
  sock.on('message', (m) => {
    const r = s.receive(m, 0, m.length, now(), app, 0);
    if (r > 0) received.push(Buffer.from(app.subarray(0, r)));
    flush();
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const id = Buffer.from(identity);
  s.start(id, id.length, psk, psk.length, now(), opts.resume ?? false);
  flush();
  const timer = setInterval(() => { s.poll(now()); flush(); }, 5);
  return {
    session: s,
    received,
    send(data: Uint8Array) {
      const n = s.seal(data, 0, data.length, out, 0);
      if (n > 0) sock.send(Buffer.from(out.subarray(0, n)), port, '127.0.0.1');
    },
    async close() {
      clearInterval(timer);
      if (s.state === DtlsState.Connected) {
        s.close();
        let n;
        while ((n = s.transmit(out, 0)) > 0) {
          const d = Buffer.from(out.subarray(0, n));
          await new Promise<void>((r) => sock.send(d, port, '127.0.0.1', () => r()));
        }
      }
      await new Promise<void>((r) => sock.close(() => r()));
    },
  };
}

/** A CoAP CON GET with Uri-Path segments (RFC 7252 §3): 0x40 0x01 mid(2), options, no token. */
export function coapGet(mid: number, ...path: string[]): Uint8Array {
  const parts: number[] = [0x40, 0x01, mid >> 8, mid & 0xff];
  let prev = 0;
  for (const seg of path) {
    const b = Buffer.from(seg);
    const delta = 11 - prev; prev = 11;
    if (b.length > 12) throw new Error('segment too long for this helper');
    parts.push((delta << 4) | b.length, ...b);
  }
  return Uint8Array.from(parts);
}
