// Drives a sans-IO core with a HAL: datagrams in, datagrams out, one timer at the next deadline.

import type { Hal, SansIoCore } from '../hal.js';

export class Driver {
  private readonly out: Uint8Array;
  private stopped = false;
  /** Datagrams sent (for logs and tests). */
  sent = 0;
  private readonly tick = (): void => this.pump();

  constructor(readonly core: SansIoCore, readonly hal: Hal, maxDatagram: number) {
    this.out = new Uint8Array(maxDatagram);
    hal.onReceive((buf, off, len, from) => {
      if (this.stopped) return;
      core.receive(buf, off, len, from, hal.now());
      this.pump();
    });
  }

  /** Runs timers, sends everything queued, re-arms the timer. Safe to call at any time. */
  pump(): void {
    if (this.stopped) return;
    let deadline = this.core.poll(this.hal.now());
    for (let guard = 0; guard < 64; guard++) {
      const n = this.core.transmit(this.out, 0);
      if (n <= 0) break;
      this.hal.send(this.out, 0, n, this.core.txPeer);
      this.sent++;
      deadline = this.core.poll(this.hal.now());
    }
    this.hal.setTimer(deadline, this.tick);
  }

  stop(): void {
    this.stopped = true;
    this.hal.setTimer(Infinity, this.tick);
  }
}
