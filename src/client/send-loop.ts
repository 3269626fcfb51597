// The one send loop every driver runs (hal/node/driver.ts, hal/moddable/main.ts, hal/espruino/main.ts
// through hal/hal.ts, and the public client src/api/client.ts): the core's timers, then what it queued,
// and Queue Mode's sleep and wake of the port. Portable: src/ imports nothing of hal/.
import type { PeerAddress } from '../coap/peer.js';

/** What a driver drives: the client, or a bare CoAP endpoint. */
export interface SansIoCore {
  receive(buf: Uint8Array, off: number, len: number, from: PeerAddress, now: number): number;
  poll(now: number): number;
  transmit(out: Uint8Array, at: number): number;
  readonly txPeer: PeerAddress;
  /** Queue Mode: true while the client is offline (Lwm2mClient.offline); absent for other cores. */
  readonly offline?: boolean;
}

/** The part of a HAL (or of the public client's Transport) the loop uses. */
export interface SendPort {
  now(): number;
  send(buf: Uint8Array, off: number, len: number, to: PeerAddress): void;
  /** Queue Mode (optional): release the socket until `until`; back before the next send. */
  sleep?(until: number): void;
  wake?(): void;
  readonly asleep?: boolean;
}

/** Runs the core's timers and sends what it has queued, at most 64 datagrams a call so that a core
 *  that keeps producing cannot starve the event loop; returns the core's next deadline. `out` is the
 *  driver's own buffer, allocated once. */
export function sendQueued(core: SansIoCore, port: SendPort, out: Uint8Array): number {
  let deadline = core.poll(port.now());
  for (let guard = 0; guard < 64; guard++) {
    const n = core.transmit(out, 0);
    if (n <= 0) break;
    // Queue Mode: the client woke with something to send: the socket first.
    if (port.asleep === true && port.wake !== undefined) port.wake();
    port.send(out, 0, n, core.txPeer);
    deadline = core.poll(port.now());
  }
  // Queue Mode: offline (what it sent last, a DTLS close_notify, is out): release the socket.
  if (core.offline === true && port.asleep !== true && port.sleep !== undefined) port.sleep(deadline);
  else if (core.offline === false && port.asleep === true && port.wake !== undefined) port.wake();
  return deadline;
}
