#!/usr/bin/env node
// The `lwm2m-mcu` command (package.json "bin": dist/host/cli.js, built by `make build`; build/host/cli.js is the same program): the LwM2M server, the bootstrap
// server and the client. Argument parsing is in host/args.ts; a bad command line exits with code 2.
import { ArgError, Command, parseCommandLine, readJsonFile } from './args.js';
import { Lwm2mServer } from './server.js';
import { BootstrapServer, validateBsConfig } from './bootstrap-server.js';
import { runClient } from './client-main.js';
import { genObject } from './gen-object.js';
import { moddableBuildCommand } from './moddable-build.js';
import { writeFileSync } from 'node:fs';

/** gen-object FILE.xml|ID [--out FILE] [--import MODULE]: the module on stdout or in FILE. */
function genObjectCommand(argv: string[]): number {
  let src = '', out = '', from: string | undefined;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--out' && k + 1 < argv.length) out = argv[++k];
    else if (a === '--import' && k + 1 < argv.length) from = argv[++k];
    else if (a === '--help') { process.stdout.write('lwm2m-mcu gen-object FILE.xml|ID [--out FILE.ts] [--import MODULE]\n  writes a typed definition module (default module to import from: lwm2m-mcu)\n'); return 0; }
    else if (!a.startsWith('--') && !src) src = a;
    else { process.stderr.write(`lwm2m-mcu: gen-object: unexpected argument ${a}\n`); return 2; }
  }
  if (!src) { process.stderr.write('lwm2m-mcu: gen-object: give an object XML file or a registry id\n'); return 2; }
  let text: string;
  try { text = genObject(src, from); } catch (e) { process.stderr.write(`lwm2m-mcu: ${(e as Error).message}\n`); return 1; }
  if (out) { writeFileSync(out, text); process.stderr.write(`wrote ${out}\n`); } else process.stdout.write(text);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'gen-object') return genObjectCommand(argv.slice(1));
  if (argv[0] === 'mcconfig') return moddableBuildCommand(argv.slice(1));
  if (argv[0] === 'espruino-build') {
    // typescript, esbuild and acorn are optional peer dependencies: only this command needs them.
    let m: typeof import('./espruino-build.js');
    try { m = await import('./espruino-build.js'); } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
      process.stderr.write('lwm2m-mcu: espruino-build needs typescript, esbuild, acorn and acorn-walk: npm install --save-dev typescript@5.9.3 esbuild@0.28.2 acorn@8.15.0 acorn-walk@8.3.4\n');
      return 1;
    }
    return m.espruinoBuildCommand(argv.slice(1));
  }
  let c: Command;
  try {
    c = parseCommandLine(argv);
  } catch (e) {
    if (e instanceof ArgError) { process.stderr.write(`lwm2m-mcu: ${e.message}\n`); return 2; }
    throw e;
  }
  switch (c.cmd) {
    case 'help': process.stdout.write(c.text); return 0;
    case 'version': process.stdout.write('lwm2m-mcu 0.1.0\n'); return 0;
    case 'server': {
      const s = await Lwm2mServer.start({ port: c.opts.port, address: c.opts.address, psk: c.opts.psk });
      const rl = s.attachConsole(process.stdin);
      const quit = async () => { rl.close(); await s.stop(); process.exit(0); };
      rl.on('close', () => { if (!process.stdin.isTTY) return; void quit(); }); // Ctrl-D on a terminal
      s.on('quit', () => void quit());
      process.on('SIGINT', () => void quit());
      process.on('SIGTERM', () => void quit());
      return -1; // keep running
    }
    case 'bootstrap-server': {
      let config;
      try { config = validateBsConfig(readJsonFile(c.opts.config)); } catch (e) {
        process.stderr.write(`lwm2m-mcu: ${(e as Error).message}\n`);
        return 2;
      }
      const s = await BootstrapServer.start({ port: c.opts.port, address: c.opts.address, config, psk: c.opts.psk });
      if (c.opts.once) { // one shot, for scripts: bootstrap one client, exit 0 when it finished
        const { endpoint, address, port } = c.opts.once;
        let ok = false;
        try { ok = (await s.bootstrapClient(address, port, endpoint)).ok; } catch (e) { process.stderr.write(`lwm2m-mcu: ${(e as Error).message}\n`); }
        await s.stop();
        return ok ? 0 : 1;
      }
      const rl = s.attachConsole(process.stdin);
      const quit = async () => { rl.close(); await s.stop(); process.exit(0); };
      rl.on('close', () => { if (!process.stdin.isTTY) return; void quit(); }); // Ctrl-D on a terminal
      s.on('quit', () => void quit());
      process.on('SIGINT', () => void quit());
      process.on('SIGTERM', () => void quit());
      return -1;
    }
    case 'client':
      return await runClient(c.opts);
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
}, (e: Error) => {
  process.stderr.write(`lwm2m-mcu: ${e.message}\n`);
  process.exitCode = 1;
});
