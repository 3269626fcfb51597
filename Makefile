# lwm2m-mcu — the two commands a person needs are `make demo` and `make test`.
BOARD ?= esp32
NODE  ?= node

.PHONY: all setup build check test test-device demo bench flash sim clean espruino test-espruino moddable-app espruino-app docs

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@echo "build: tsc (host, core without platform types, Moddable HAL against @moddable/typings)"
	@npx tsc -p .
	@chmod +x build/host/cli.js
	@npx tsc -p tsconfig.core.json
	@npx tsc -p hal/moddable/tsconfig.json
	@npx tsc -p hal/espruino/tsconfig.json
	@echo "build: tsc -p tsconfig.dist.json (the npm package's dist/: library + CLI with declarations)"
	@npx tsc -p tsconfig.dist.json
	@chmod +x dist/host/cli.js

# Runs every test (unit, simulator, real-peer interop, XS engine); ends with `N passed, N failed`.
test: build
	@$(NODE) build/test-host/run.js

# The main job: bootstrap server + LwM2M server + client on loopback.
demo: build
	@$(NODE) build/host/demo.js

# The Espruino bundle (ES5, one file): build/espruino/lwm2m-mcu.js, SETTINGS="lwm2mEndpoint=… lwm2mServer=…" baked in.
espruino: build
	@$(NODE) build/host/espruino-build.js --settings "$(SETTINGS)"

# An application of your own for Espruino (lwm2m-mcu espruino-build): the Storage file, boot0.js and the
# Storage pieces in build/espruino-app/<name>/, e.g. make espruino-app APP=examples/espruino-sensor/app.ts SETTINGS="lwm2mServer=coap://10.0.0.5:5683"
espruino-app: build
	@$(NODE) dist/host/cli.js espruino-build "$(APP)" --settings "$(SETTINGS)"

# The Espruino tests only (test-host/espruino: $$ESPRUINO, an Espruino built for Linux, and $$ESPRUINO_ESP32, its 32-bit 16,383-variable build; `make test` runs them too, skipped when unset).
test-espruino: build
	@$(NODE) build/test-host/run.js /test-host/espruino/

bench: build
	@$(NODE) build/bench/run.js

flash:
	@bash scripts/flash.sh $(BOARD)

# The device app in Moddable's Linux simulator, headless (needs $$MODDABLE with its Linux tools built):
#   make sim SETTINGS="lwm2mEndpoint=dev-1 lwm2mBootstrap=coap://127.0.0.1:5783"
#   make sim FRESH=1 SETTINGS="…"   — start as a fresh device (the stored configuration deleted first)
sim:
	@FRESH="$(FRESH)" bash scripts/sim.sh $(SETTINGS)

# The real app under mcsim against the host servers, and `make sim` as a user meets it (Ctrl-C,
# FRESH=1); also part of `make test` when $$MODDABLE has its Linux tools built (skipped otherwise).
test-device: build
	@$(NODE) build/test-host/run.js 'moddable/(device|sim)\.test'

# A Moddable app on the library manifest (manifest_lwm2m.json), e.g. the example:
#   make moddable-app APP=examples/moddable-sensor ARGS="-m -p lin"
# (lwm2m-mcu mcconfig: $$MODDABLE and the path variable checked first; LWM2M_MCU defaults to this checkout here).
moddable-app: build
	@cd "$(APP)" && LWM2M_MCU="$${LWM2M_MCU:-$(CURDIR)}" $(NODE) "$(CURDIR)/dist/host/cli.js" mcconfig $(ARGS)

# The API reference docs/api/ (TypeDoc over src/index.ts; test-host/docs/api.test.ts checks it is current).
docs:
	@npx typedoc

clean:
	rm -rf build dist
