// Drives a sans-IO core with a HAL: datagrams in, datagrams out, one timer at the next deadline.

import { sendQueued, type Hal, type SansIoCore } from '../hal.js';

export class Driver {
  private readonly out: Uint8Array;
  private stopped = false;
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
    this.hal.setTimer(sendQueued(this.core, this.hal, this.out), this.tick);
  }

  stop(): void {
    this.stopped = true;
    this.hal.setTimer(Infinity, this.tick);
  }
}
