// Real peers for interop tests: start a program nobody here wrote on loopback, run a client
// program to completion with a time limit, pick free ports. Every child is killed when the test ends.
import { spawn, ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';

const children = new Set<ChildProcess>();
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });

/** A UDP port that was free a moment ago (bind 0, read, close). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** Two consecutive free UDP ports (libcoap's DTLS servers listen on port + 1). */
export async function freePortPair(host = '127.0.0.1'): Promise<number> {
  for (let k = 0; k < 50; k++) {
    const p = await freePort(host);
    if (p >= 65535) continue;
    try {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((res, rej) => { s.once('error', rej); s.bind(p + 1, host, () => res()); });
      await new Promise<void>((r) => s.close(() => r()));
      return p;
    } catch { /* taken, try again */ }
  }
  throw new Error('no free port pair');
}

export interface RunResult { code: number | null; stdout: string; stderr: string }

/** Runs a program to completion (killed after timeoutMs). */
export function run(cmd: string, args: string[], timeoutMs = 20_000, input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(c);
    let stdout = '', stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (code) => { clearTimeout(t); children.delete(c); resolve({ code, stdout, stderr }); });
    if (input !== undefined) c.stdin.end(input); else c.stdin.end();
  });
}

/** Starts a long-running peer; returns a stop function. Output is collected in `log`. */
export function start(cmd: string, args: string[]): { proc: ChildProcess; log: () => string; stop: () => Promise<void> } {
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(c);
  let out = '';
  c.stdout!.on('data', (d) => (out += d));
  c.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => c.on('close', () => { children.delete(c); r(); }));
  return {
    proc: c,
    log: () => out,
    stop: async () => { if (c.exitCode === null) c.kill('SIGTERM'); const t = setTimeout(() => c.kill('SIGKILL'), 2000); await exited; clearTimeout(t); },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
