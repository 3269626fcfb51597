// Real third-party LwM2M clients through the host tools as a user runs them (issue 13): the CLI's
// `server` and `bootstrap-server` as processes, driven only through their stdin consoles with no
// format argument, against
//   $WAKAAMA_CLIENT — Wakaama's example lwm2mclient built with SenML JSON as its only data format
//                     (no TLV, no LwM2M JSON) and client-initiated bootstrap (its -b option);
//   $ANJAY_CLIENT   — Anjay 3.x's demo client (output/bin/demo; DTLS not needed: only coap://).
// Without the variable, each step of that client counts as skipped. Each client: a client-initiated
// bootstrap from the bootstrap server, Register at the server, Read of an object, an instance and a
// resource, Write read back, Create of an instance then listed, Observe with two notifications, and a
// server-initiated bootstrap after which the client registers again. Loopback only; every process
// is killed when the file ends. Ports: ephemeral (the tools start on --port 0 and log their port).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../peers.js';

const CLI = fileURLToPath(new URL('../../host/cli.js', import.meta.url));
const WAKAAMA = process.env.WAKAAMA_CLIENT ?? '';
const ANJAY = process.env.ANJAY_CLIENT ?? '';

const children = new Set<ChildProcess>();
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A process with a console on stdin: lines in, everything it prints collected. */
class Proc {
  out = '';
  failed = '';
  private cursor = 0;
  readonly exited: Promise<number | null>;
  constructor(readonly name: string, readonly proc: ChildProcess) {
    children.add(proc);
    proc.stdout!.on('data', (d) => (this.out += d));
    proc.stderr!.on('data', (d) => (this.out += d));
    this.exited = new Promise((r) => {
      proc.on('close', (code) => { children.delete(proc); r(code); });
      // A wrong $WAKAAMA_CLIENT / $ANJAY_CLIENT: the step fails saying so.
      proc.on('error', (e) => { this.failed = e.message; children.delete(proc); r(null); });
    });
  }
  static start(name: string, cmd: string, args: string[], cwd?: string): Proc {
    return new Proc(name, spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd }));
  }
  static cli(name: string, args: string[]): Proc { return Proc.start(name, process.execPath, [CLI, ...args]); }
  send(line: string): void { this.proc.stdin!.write(line + '\n'); }
  /** Where the output ends now (for expect's `from`). */
  mark(): number { return this.out.length; }
  /** The next match of re in the output after the last one found, or after `from` (waits up to ms). */
  async expect(re: RegExp, ms = 20_000, from?: number): Promise<RegExpExecArray> {
    const t0 = Date.now();
    for (;;) {
      const at = from ?? this.cursor;
      const m = re.exec(this.out.slice(at));
      if (m) { this.cursor = Math.max(this.cursor, at + m.index + m[0].length); return m; }
      if (this.failed) throw new Error(`${this.name}: ${this.failed}`);
      if (Date.now() - t0 > ms || this.proc.exitCode !== null) {
        throw new Error(`${this.name}: no ${re} within ${ms} ms; its output since the last match:\n${this.out.slice(this.cursor).slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Runs a console command and returns what the console printed for it (`what EP PATH → CODE FORMAT VALUE`). */
  async run(cmd: string, logged: RegExp, ms = 20_000): Promise<RegExpExecArray> {
    this.send(cmd);
    return this.expect(logged, ms);
  }
  async stop(): Promise<void> {
    if (this.failed) return;
    if (this.proc.exitCode === null) this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}

interface World {
  dir: string;
  server: Proc;
  bs: Proc;
  client: Proc;
  serverPort: number;
  bsPort: number;
  clientPort: number;
  config: string;
}

async function startServer(port = 0): Promise<{ p: Proc; port: number }> {
  const p = Proc.cli('server', ['server', '--address', '127.0.0.1', '--port', String(port)]);
  const m = await p.expect(/server: listening on 127\.0\.0\.1:(\d+)/);
  return { p, port: +m[1] };
}

async function startTools(dir: string): Promise<Omit<World, 'client' | 'clientPort'>> {
  const { p: server, port: serverPort } = await startServer();
  const config = join(dir, 'bs.json');
  writeFileSync(config, JSON.stringify({ '*': { servers: [{ ssid: 1, uri: `coap://127.0.0.1:${serverPort}`, securityMode: 'nosec', lifetime: 120 }] } }));
  const bs = Proc.cli('bootstrap-server', ['bootstrap-server', '--address', '127.0.0.1', '--port', '0', '--config', config]);
  const m = await bs.expect(/bootstrap-server: listening on 127\.0\.0\.1:(\d+)/);
  return { dir, server, bs, serverPort, bsPort: +m[1], config };
}

async function closeWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  await Promise.all([w.client.stop(), w.server.stop(), w.bs.stop()]);
  rmSync(w.dir, { recursive: true, force: true });
}

/** The world of the first step; a later step fails at once without it. */
function need(w: World | undefined): World {
  if (!w) throw new Error('the first step of this client failed');
  return w;
}

/** A client process that could not start fails its first step at once. */
async function started(w: World): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  if (w.client.failed) { await closeWorld(w); throw new Error(`${w.client.name}: ${w.client.failed}`); }
}

/** Read of an object, an instance and a resource of the Device object, as the console prints them. */
async function reads(w: World, ep: string, manufacturer: string): Promise<void> {
  const o = await w.server.run(`read ${ep} /3`, new RegExp(`\\nread ${ep} /3 → (\\S+) (?:TLV|SenML JSON|SenML CBOR|LwM2M CBOR|text|opaque|Content-Format \\d+) (.*)`));
  assert.is(o[1], '2.05');
  assert.is(JSON.parse(o[2])['/3/0/0'], manufacturer);
  const i = await w.server.run(`read ${ep} /3/0`, new RegExp(`\\nread ${ep} /3/0 → (\\S+) (?:TLV|SenML JSON|SenML CBOR|LwM2M CBOR|text|opaque|Content-Format \\d+) (.*)`));
  assert.is(i[1], '2.05');
  const inst = JSON.parse(i[2]) as Record<string, unknown>;
  assert.is(inst['/3/0/0'], manufacturer);
  assert.type(inst['/3/0/13'], 'number');
  const r = await w.server.run(`read ${ep} /3/0/0`, new RegExp(`\\nread ${ep} /3/0/0 → (\\S+) (?:TLV|SenML JSON|SenML CBOR|LwM2M CBOR|text|opaque|Content-Format \\d+) (.*)`));
  assert.is(r[1], '2.05');
  assert.is(JSON.parse(r[2]), manufacturer);
}

async function writeReadBack(w: World, ep: string, path: string, value: string, shown: unknown): Promise<number> {
  const before = w.server.mark();
  const wr = await w.server.run(`write ${ep} ${path} ${value}`, new RegExp(`\\nwrite ${ep} ${escape(path)} → (\\S+)`));
  assert.is(wr[1], '2.04', `write ${path}`);
  const rd = await w.server.run(`read ${ep} ${path}`, new RegExp(`\\nread ${ep} ${escape(path)} → (\\S+) (?:TLV|SenML JSON|SenML CBOR|LwM2M CBOR|text|opaque|Content-Format \\d+) (.*)`));
  assert.is(rd[1], '2.05');
  assert.equal(JSON.parse(rd[2]), shown, `${path} read back`);
  return before;
}

async function createListed(w: World, ep: string, obj: number, inst: number, values: Record<number, unknown>, readBack: [number, unknown]): Promise<void> {
  const json = JSON.stringify(Object.fromEntries(Object.entries(values).map(([r, v]) => [`/${obj}/${inst}/${r}`, v])));
  w.server.send(`create ${ep} /${obj} ${json}`);
  const c = await w.server.expect(new RegExp(`\\ncreate ${ep} /${obj} → (\\S+) location (\\S+)`));
  assert.is(c[1], '2.01');
  assert.is(c[2], `/${obj}/${inst}`);
  const rd = await w.server.run(`read ${ep} /${obj}/${inst}/${readBack[0]}`, new RegExp(`\\nread ${ep} /${obj}/${inst}/${readBack[0]} → (\\S+) (?:TLV|SenML JSON|SenML CBOR|LwM2M CBOR|text|opaque|Content-Format \\d+) (.*)`));
  assert.is(rd[1], '2.05');
  assert.equal(JSON.parse(rd[2]), readBack[1]);
  w.server.send(`discover ${ep} /${obj}`);
  const d = await w.server.expect(new RegExp(`\\ndiscover ${ep} /${obj} → 2\\.05 link format (</${obj}>.*)`));
  assert.ok(d[1].includes(`</${obj}/${inst}`), `discover /${obj} lists the new instance: ${d[1]}`);
}

/** Observe `path`; `poke` (if any) is run after the observation starts, once per wanted notification.
 *  Returns the notified values. */
async function observeTwo(w: World, ep: string, path: string, poke?: () => Promise<void>): Promise<unknown[]> {
  w.server.send(`observe ${ep} ${path}`);
  const o = await w.server.expect(/\nobservation #(\d+) \(cancel/);
  const n = o[1];
  const values: unknown[] = [];
  for (let k = 0; k < 2; k++) {
    if (poke) await poke();
    const m = await w.server.expect(new RegExp(`\\nnotification #${n} seq \\d+ ${ep} ${escape(path)} → 2\\.05 (?:TLV|SenML JSON|SenML CBOR|LwM2M CBOR|text|opaque|Content-Format \\d+) (.*)`));
    values.push(JSON.parse(m[1]));
  }
  w.server.send(`cancel ${n}`);
  await w.server.expect(new RegExp(`\\ncancel observe #${n} `));
  return values;
}

// ------------------------------------------------------------------------------------ Wakaama

const WK = [
  'wakaama: client-initiated bootstrap, then Register with ct=110 (SenML JSON only)',
  'wakaama: Read /3, /3/0, /3/0/0 with no format argument',
  'wakaama: Write /1/0/1, /3/0/14 and /31024/10/1 read back',
  'wakaama: Create /31024/20, read back, listed by Discover /31024',
  'wakaama: Observe /3/0/13 (pmin=1 pmax=1): two notifications',
  'wakaama: server-initiated bootstrap (one-shot form) during its Client Hold Off Time, then Register again',
];

if (!WAKAAMA) {
  for (const n of WK) test.skip(n, () => {});
} else {
  let w: World | undefined;
  const ep = 'wk-interop';
  test(WK[0], async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wakaama-'));
    const tools = await startTools(dir);
    const clientPort = await freePort();
    // -b: client-initiated bootstrap; its bootstrap account waits its Client Hold Off Time (10 s).
    const client = Proc.start('wakaama', WAKAAMA, ['-4', '-b', '-h', '127.0.0.1', '-p', String(tools.bsPort), '-n', ep, '-l', String(clientPort)], dir);
    const world = { ...tools, client, clientPort };
    await started(world);
    w = world;
    await w.bs.expect(new RegExp(`Bootstrap-Request ep=${ep} from 127\\.0\\.0\\.1:${clientPort} pct=110`), 30_000);
    await w.bs.expect(new RegExp(`${ep}: bootstrap finished`));
    const reg = await w.server.expect(new RegExp(`server: register ${ep} from 127\\.0\\.0\\.1:${clientPort} lt=120 lwm2m=\\S+ b=U ct=(\\S+) objects=(\\S+)`));
    assert.is(reg[1], '110');
    assert.ok(reg[2].split(',').includes('/31024'), reg[2]);
  });
  test(WK[1], async () => { await reads(need(w), ep, 'Open Mobile Alliance'); });
  test(WK[2], async () => {
    await writeReadBack(need(w), ep, '/1/0/1', '90', 90);
    await writeReadBack(need(w), ep, '/3/0/14', '+02:00', '+02:00'); // its /3/0/15 answers 5.01 (not implemented)
    await writeReadBack(need(w), ep, '/31024/10/1', '77', 77);
  });
  test(WK[3], async () => { await createListed(need(w), ep, 31024, 20, { 1: 42, 3: 1.5 }, [1, 42]); });
  test(WK[4], async () => {
    const a = await need(w).server.run(`attr ${ep} /3/0/13 pmin=1 pmax=1`, new RegExp(`\\nwrite-attributes ${ep} /3/0/13 pmin=1&pmax=1 → (\\S+)`));
    assert.is(a[1], '2.04');
    const v = await observeTwo(need(w), ep, '/3/0/13');
    assert.type(v[0], 'number');
    assert.ok((v[1] as number) > (v[0] as number), `the current time advances: ${v.join(', ')}`);
  });
  test(WK[5], async () => {
    // Wakaama's example client closes its bootstrap connection at Bootstrap-Finish, ignores datagrams
    // from an address it has no connection to, and has no Bootstrap-Request Trigger (/1/x/9): a
    // server-initiated bootstrap reaches it while it waits its Client Hold Off Time before a
    // Bootstrap-Request (TS Core 1.1 §6.1.3 / Security /0/x/11). It goes there when its registration
    // fails: here the server restarts and forgets it, so its next Update gets 4.04.
    const x = need(w);
    await x.bs.stop(); // its port is for the one-shot bootstrap server below
    await x.server.stop();
    const again = await startServer(x.serverPort);
    x.server = again.p;
    x.client.send('update 1');
    await x.server.expect(new RegExp(`POST /rd/\\d+ from 127\\.0\\.0\\.1:${x.clientPort}: unknown registration → 4\\.04`));
    x.bs = Proc.cli('bootstrap-server (one-shot)', ['bootstrap-server', '--address', '127.0.0.1', '--port', String(x.bsPort), '--config', x.config,
      '--client', `127.0.0.1:${x.clientPort}`, '--endpoint', ep]);
    assert.is(await x.bs.exited, 0, x.bs.out);
    assert.match(x.bs.out, new RegExp(`server-initiated bootstrap of ${ep} at 127\\.0\\.0\\.1:${x.clientPort}`));
    assert.match(x.bs.out, new RegExp(`${ep}: bootstrap finished`));
    assert.not.match(x.bs.out, /Bootstrap-Request ep=/, 'no Bootstrap-Request: the bootstrap server started it');
    await x.server.expect(new RegExp(`server: register ${ep} from 127\\.0\\.0\\.1:${x.clientPort} lt=120 .* ct=110`), 30_000);
    await reads(x, ep, 'Open Mobile Alliance');
    await closeWorld(w);
    w = undefined;
  });
  test.after(async () => { await closeWorld(w); });
}

// ------------------------------------------------------------------------------------ Anjay

const AN = [
  'anjay: client-initiated bootstrap (Bootstrap-Pack, its /0/1 bootstrap account kept), then Register',
  'anjay: Read /3, /3/0, /3/0/0 with no format argument',
  'anjay: Write /1/0/1 read back (the client updates its lifetime), /3/0/14 and /3/0/15 read back',
  'anjay: Create /33605/5, read back, listed by Discover /33605',
  'anjay: Observe /33605/5/1: a notification after each Execute /33605/5/2',
  'anjay: server-initiated bootstrap from the console ("bootstrap EP") while registered, then Register again',
];

if (!ANJAY) {
  for (const n of AN) test.skip(n, () => {});
} else {
  let w: World | undefined;
  const ep = 'aninterop'; // no '-': the demo takes the part before one as its Manufacturer (/3/0/0)
  test(AN[0], async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anjay-'));
    const tools = await startTools(dir);
    const clientPort = await freePort();
    const client = Proc.start('anjay', ANJAY, ['-e', ep, '-u', `coap://127.0.0.1:${tools.bsPort}`, '-b', '-p', String(clientPort)], dir);
    const world = { ...tools, client, clientPort };
    await started(world);
    w = world;
    const d = await w.bs.expect(new RegExp(`${ep}: discover / → 2\\.05 \\(bootstrap account (\\S+),`), 30_000);
    assert.is(d[1], '/0/1');
    const p = await w.bs.expect(new RegExp(`Bootstrap-Pack-Request ep=${ep} from \\S+ → 2\\.05 .*Security (\\S+)\\)`));
    assert.is(p[1], '/0/0', 'the server account beside the bootstrap account');
    await w.server.expect(new RegExp(`server: register ${ep} from 127\\.0\\.0\\.1:${clientPort} lt=120 `));
  });
  test(AN[1], async () => { await reads(need(w), ep, 'Anjay'); });
  test(AN[2], async () => {
    const at = await writeReadBack(need(w), ep, '/1/0/1', '90', 90);
    await need(w).server.expect(new RegExp(`server: update ${ep} \\(/rd/\\d+\\) from \\S+ lt=90 → 2\\.04`), 20_000, at);
    await writeReadBack(need(w), ep, '/3/0/14', '+02:00', '+02:00');
    await writeReadBack(need(w), ep, '/3/0/15', 'Europe/Paris', 'Europe/Paris');
  });
  test(AN[3], async () => { await createListed(need(w), ep, 33605, 5, { 1: 7, 15: 'hello' }, [15, 'hello']); });
  test(AN[4], async () => {
    const x = need(w);
    const v = await observeTwo(x, ep, '/33605/5/1', async () => {
      const e = await x.server.run(`exec ${ep} /33605/5/2`, new RegExp(`\\nexecute ${ep} /33605/5/2 → (\\S+)`));
      assert.is(e[1], '2.04');
    });
    assert.equal(v, [8, 9]);
  });
  test(AN[5], async () => {
    const x = need(w);
    x.bs.send(`bootstrap ${ep}`);
    const r = await x.bs.expect(new RegExp(`\\n${ep}: (bootstrap (?:finished|failed at .*|stopped .*))\\n`), 30_000);
    assert.is(r[1], 'bootstrap finished');
    assert.match(x.bs.out, new RegExp(`${ep}: discover / → 2\\.05 \\(bootstrap account /0/1, Security 0,1`));
    await x.server.expect(new RegExp(`server: register ${ep} from 127\\.0\\.0\\.1:${x.clientPort} lt=120 `), 30_000);
    await reads(x, ep, 'Anjay');
    // Its bootstrap account is still there: a second server-initiated bootstrap works too.
    x.bs.send(`bootstrap ${ep}`);
    const r2 = await x.bs.expect(new RegExp(`\\n${ep}: (bootstrap (?:finished|failed at .*|stopped .*))\\n`), 30_000);
    assert.is(r2[1], 'bootstrap finished');
    await x.server.expect(new RegExp(`server: register ${ep} from 127\\.0\\.0\\.1:${x.clientPort} `), 30_000);
    await closeWorld(w);
    w = undefined;
  });
  test.after(async () => { await closeWorld(w); });
}

test.run();
