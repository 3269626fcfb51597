// A temperature/humidity sensor class. Moddable's simulator has no sensor, so the values drift
// around a room's; on a board, read your sensor here (e.g. an SHT3x through ECMA-419 I2C).
export class Climate {
  temperature = 21.5;
  humidity = 45;
  #t = 0;

  sample(): void {
    this.#t++;
    this.temperature = Math.round((21.5 + 2 * Math.sin(this.#t / 10)) * 100) / 100;
    this.humidity = Math.round((45 + 5 * Math.cos(this.#t / 15)) * 10) / 10;
  }
}
