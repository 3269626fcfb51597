// The ESP32's light and deep sleep for the Moddable HAL (hal.ts sleep(), the board setting
// lwm2mSleep): ESP-IDF's esp_sleep through sleep-esp32.c, built with it (manifest_lwm2m.json maps
// "hal/moddable/platform-sleep" here on esp32 only; mcconfig compiles the .c of the same name). The
// Moddable SDK 8.2.3 has none of its own: modules/base/sleep is for Gecko ("Sleep module
// unsupported" elsewhere) and System.deepSleep (modules/io/system) is the ESP8266's. Elsewhere (lin)
// the module is absent and the HAL waits with its socket closed.

/** XS's host-function form (xsc -c, which mcconfig always passes): the C function by name. */
declare function native(name: string): (deep: boolean, us: number) => void;

/** Sleeps `us` microseconds: deep — the chip restarts at the end (never returns); light — returns
 *  after it (timer wake-up only). */
const platformSleep = native("xs_lwm2m_sleep");
export default platformSleep;
