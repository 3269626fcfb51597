// Moddable's simulator (manifest.json maps "hal/moddable/hooks" here on lin); hooks.ts on boards.
//  - Stop: mcsim runs no JavaScript on SIGINT or SIGTERM, so scripts/sim.sh, on a signal, creates the
//    file named by the mc/config key lwm2mStopFile; this polls for it every 200 ms, deletes it and
//    calls stop (main.ts: de-register, then go quiet), and the script ends mcsim once the app logs
//    that it stopped. Without lwm2mStopFile nothing is polled.
//  - Memory: with lwm2mMemoryLog=<ms> (and a build with instrumentation: mcconfig -i or -d), every
//    <ms> a full garbage collection, then one line with Moddable's own counters, both in bytes:
//    "slot heap N bytes, chunk heap M bytes in use" (test-host/moddable/device.test.ts reads them);
//    memoryMark(label) logs one now (main.ts: before and after the client is constructed). Off by
//    default. "XS Slot Heap Used" is bytes, not slots: the simulator's getter
//    ($MODDABLE/build/simulators/modules/screen.c, as xs/platforms/mc/xsHosts.c on devices) returns
//    the->currentHeapCount * sizeof(txSlot), the slots in use (xs/sources/xsMemory.c counts them
//    at each GC) times 32 on this 64-bit build (16 on the 32-bit ESP32: xsAll.h struct sxSlot).
//    "XS Chunk Heap Used" is the->currentChunksSize, bytes.
import config from "mc/config";
import Timer from "timer";
import { File } from "file";
import Instrumentation from "instrumentation";
import Debug from "debug";

export function onStopRequest(stop: () => void): void {
  const path = String(config.lwm2mStopFile ?? "");
  if (!path) return;
  const t = Timer.repeat(() => {
    if (!File.exists(path)) return;
    try { File.delete(path); } catch { /* gone already */ }
    Timer.clear(t);
    stop();
  }, 200);
}

/** With lwm2mMemoryLog set: a full GC, then one memory line, labelled. */
export function memoryMark(label: string): void {
  if (!(Number(config.lwm2mMemoryLog ?? 0) > 0)) return;
  Debug.gc();
  trace("lwm2m-mcu: memory (" + label + "): " + memoryText() + "\n");
}

export function startMemoryLog(): void {
  const ms = Number(config.lwm2mMemoryLog ?? 0);
  if (!(ms > 0)) return;
  Timer.repeat(() => {
    Debug.gc();
    trace("lwm2m-mcu: memory: " + memoryText() + "\n");
  }, ms);
}

function memoryText(): string {
  return "slot heap " + Instrumentation.get(Instrumentation.map("XS Slot Heap Used")) + " bytes, chunk heap " +
    Instrumentation.get(Instrumentation.map("XS Chunk Heap Used")) + " bytes in use";
}
