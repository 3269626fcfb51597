// The Espruino crypto bundle (test-host/espruino/crypto-entry.ts) for crypto.test.ts and
// bench/espruino.bench.ts, with what it needs injected: the recorded DTLS transcript and V8's
// checksum of its replay. The portable AES is lazy, as in the device bundle.
import { buildEspruino } from '../../host/espruino-build.js';
import { recordTranscript } from '../dtls/replay-record.js';
import { Replay } from '../dtls/xs-replay.js';
import { TEST_PROLOGUE } from './espruino.js';

/** @param traceModules print each module's load (variables, µs): the bench's figure for src/crypto/aes.ts. */
export async function buildCryptoBundle(epilogue: string, traceModules = false): Promise<{ code: string; modules: string[]; v8: Replay; checksum: number }> {
  const transcript = recordTranscript();
  const v8 = new Replay(transcript);
  const checksum = v8.run();
  const b = await buildEspruino({
    entry: 'test-host/espruino/crypto-entry.ts', prologue: TEST_PROLOGUE, epilogue, lazy: ['src/crypto/aes.ts'], traceModules,
    globals: { __dtlsTranscript: transcript, __replayChecksum: checksum },
  });
  return { code: b.code, modules: b.modules, v8, checksum };
}
