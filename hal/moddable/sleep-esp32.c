/*
 * ESP-IDF light and deep sleep for hal/moddable/sleep-esp32.ts: xs_lwm2m_sleep(deep, us).
 * The timer is the only wake-up source set. Deep sleep does not return: the chip starts again and
 * the app with it (the client carries on from its persisted sleep state). Light sleep returns when
 * the timer fires; Wi-Fi is not kept across either (ESP-IDF: the radio is powered down), so the
 * board's network must come back before the next exchange.
 */
#include "xsmc.h"
#include "xsHost.h"
#include "esp_sleep.h"

void xs_lwm2m_sleep(xsMachine *the)
{
	int deep = xsmcToBoolean(xsArg(0));
	double us = xsmcToNumber(xsArg(1));
	if (!(us >= 1000.0))
		return;
	esp_sleep_enable_timer_wakeup((uint64_t)us);
	if (deep)
		esp_deep_sleep_start();
	esp_light_sleep_start();
	esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_TIMER);
}
