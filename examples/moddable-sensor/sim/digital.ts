// ECMA-419 Digital for Moddable's Linux simulator, which has no GPIO: an output pin keeps what is
// written; an input pin is "pressed" for 1 s every 5 s (its edge callbacks fire as on a board).
// The app's manifest maps "embedded:io/digital" here on lin only; on esp32 it is the SDK's.
import Timer from "timer";

interface Options { pin: number; mode: number; edge?: number; onReadable?: (this: Digital) => void }

export default class Digital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly Output = 8;
  static readonly Rising = 1;
  static readonly Falling = 2;
  #value = 1;

  constructor(o: Options) {
    if (o.mode === Digital.Output) { this.#value = 0; return; }
    const cb = o.onReadable;
    let n = 0;
    Timer.repeat(() => {
      const v = ++n % 5 === 0 ? 0 : 1; // pulled up: 0 while pressed
      if (v !== this.#value) { this.#value = v; if (cb) cb.call(this); }
    }, 1000);
  }

  read(): number { return this.#value; }
  write(v: number): void { this.#value = v ? 1 : 0; }
  close(): void {}
}
