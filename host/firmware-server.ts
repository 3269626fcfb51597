// The host LwM2M server's firmware commands (Firmware Update, object 5):
//   fw-push EP FILE [BLOCK]   Write FILE to /5/0/0 with Block1 (RFC 7959), BLOCK bytes a block (default 512)
//   fw-serve FILE             serve FILE for pull at coap[s]://ADDRESS:PORT/fw/NAME (Block2, ETag, Size2); prints the URI
//   fw-pull EP URI            Write URI to /5/0/1: the client downloads it
// Each first observes the client's State (/5/0/3) and Update Result (/5/0/5) and prints every change.
// Host tool: allocation is fine here.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { Code } from '../src/coap/codes.js';
import { Opt } from '../src/coap/option.js';
import { Reply } from '../src/coap/endpoint.js';
import type { CoapMessage, MessageWriter } from '../src/coap/message.js';
import type { Lwm2mServer } from './server.js';

export const FW_STATE = ['Idle', 'Downloading', 'Downloaded', 'Updating'];
export const FW_RESULT = ['initial', 'firmware updated successfully', 'not enough storage', 'out of RAM', 'connection lost',
  'integrity check failure', 'unsupported package type', 'invalid URI', 'firmware update failed', 'unsupported protocol',
  'firmware update cancelled', 'firmware update deferred'];

interface Served { data: Buffer; etag: Buffer }

/** Files served for pull: GET /fw/NAME with Block2 (the block size the client asks, at most 1024). */
export class FirmwareFiles {
  private readonly files = new Map<string, Served>();

  add(file: string): string {
    const data = readFileSync(file);
    const name = basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
    this.files.set(name, { data, etag: createHash('sha256').update(data).digest().subarray(0, 8) });
    return name;
  }

  /** Answers GET /fw/NAME; 4.04 for anything else under /fw. */
  serve(req: CoapMessage, path: string[], res: MessageWriter, log: (s: string) => void): number {
    const f = path.length === 2 ? this.files.get(path[1]) : undefined;
    if (req.code !== Code.GET || !f) { res.setCode(Code.NOT_FOUND); return Reply.RESPOND; }
    let szx = 6, num = 0;
    if (req.block2 >= 0) { szx = Math.min(6, req.block2 & 7); num = (req.block2 >>> 4) * (16 << (req.block2 & 7)) / (16 << szx); }
    const size = 16 << szx, off = num * size;
    if (off > f.data.length || (off === f.data.length && off > 0)) { res.setCode(Code.BAD_OPTION); return Reply.RESPOND; }
    const more = off + size < f.data.length ? 1 : 0;
    res.option(Opt.ETAG, f.etag, 0, f.etag.length);
    res.optionUint(Opt.CONTENT_FORMAT, 42);
    res.optionUint(Opt.BLOCK2, num * 16 + more * 8 + szx);
    if (num === 0) res.optionUint(Opt.SIZE2, f.data.length);
    res.payload(f.data, off, Math.min(size, f.data.length - off));
    if (num === 0 || !more) log(`server: firmware GET /fw/${path[1]} block ${num}${more ? '' : ' (last)'}`);
    return Reply.RESPOND;
  }
}

const watching = new Set<string>();

/** Observes /5/0/3 and /5/0/5 of `ep` (once per endpoint) and prints each change, once: as
 *  "EP firmware State: 1 (Downloading)" (the server's own line for each notification is not printed). */
export async function watchFirmware(s: Lwm2mServer, ep: string, print: (s: string) => void): Promise<void> {
  const reg = s.registrations.get(ep);
  if (!reg) throw new Error(`no registration for endpoint "${ep}"`);
  const key = ep + '/' + reg.id; // a new registration (after the client restarted) is observed anew
  if (watching.has(key)) return;
  watching.add(key);
  for (const [path, names] of [['/5/0/3', FW_STATE], ['/5/0/5', FW_RESULT]] as const) {
    const what = path === '/5/0/3' ? 'State' : 'Update Result';
    const say = (r: { value?: unknown }) => { const v = Number(r.value); print(`${ep} firmware ${what}: ${v} (${names[v] ?? '?'})`); };
    const h = await s.reportingTo(() => {}, () => s.observe(ep, path, 'text', say));
    if (h.active) say(h.response);
    else {
      watching.delete(key);
      print(`${ep} firmware ${what} not watched: observe ${path} → ${h.response.failed ?? h.response.codeText}`);
    }
  }
}

/** Pushes FILE to /5/0/0 block by block; resolves with a summary line. */
export async function fwPush(s: Lwm2mServer, ep: string, file: string, blockSize: number, print: (s: string) => void): Promise<string> {
  if (![16, 32, 64, 128, 256, 512, 1024].includes(blockSize)) throw new Error('block size: 16, 32, … 1024');
  const reg = s.registrations.get(ep);
  if (!reg) throw new Error(`no registration for endpoint "${ep}"`);
  await watchFirmware(s, ep, print);
  const data = readFileSync(file);
  const szx = Math.log2(blockSize) - 4;
  const n = Math.max(1, Math.ceil(data.length / blockSize));
  const root = reg.rootPath.split('/').filter(Boolean);
  const t0 = Date.now();
  for (let k = 0; k < n; k++) {
    const more = (k + 1) * blockSize < data.length ? 1 : 0;
    const spec = { code: Code.PUT, path: [...root, 5, 0, 0], contentFormat: 42, block1: k * 16 + more * 8 + szx,
      size1: k === 0 ? data.length : undefined, payload: data.subarray(k * blockSize, Math.min(data.length, (k + 1) * blockSize)) };
    let r = await s.request(reg.peer, spec);
    for (let retry = 0; r.failed === 'timeout' && retry < 3; retry++) r = await s.request(reg.peer, spec); // the exchange timed out: the block again
    const want = more ? Code.CONTINUE : Code.CHANGED;
    if (r.code !== want) return `fw-push ${ep}: block ${k} → ${r.failed ?? r.codeText}; stopped`;
  }
  const ms = Math.max(1, Date.now() - t0);
  return `fw-push ${ep}: ${data.length} bytes in ${n} block(s) of ${blockSize} in ${ms} ms (${(data.length / 1024 / (ms / 1000)).toFixed(1)} KB/s)`;
}

/** Writes URI to /5/0/1 (the client pulls it). */
export async function fwPull(s: Lwm2mServer, ep: string, uri: string, print: (s: string) => void): Promise<string> {
  await watchFirmware(s, ep, print);
  const r = await s.reportingTo(() => {}, () => s.write(ep, '/5/0/1', uri, { format: 'text' })); // reported below
  return `fw-pull ${ep}: Package URI ${uri} → ${r.failed ?? r.codeText}`;
}
