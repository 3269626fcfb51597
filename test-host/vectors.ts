// Loads a test-vector file from test-host/vectors (copied from the project's shared vectors, with
// their sources in test-host/vectors/README.md). Works from the compiled location build/test-host.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}

export function loadVectors(name: string): any {
  return JSON.parse(readFileSync(join(repoRoot(), 'test-host', 'vectors', name), 'utf8'));
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array, off = 0, len = b.length - off): string {
  return Buffer.from(b.buffer, b.byteOffset + off, len).toString('hex');
}
