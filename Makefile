# lwm2m-mcu — the two commands a person needs are `make demo` and `make test`.
BOARD ?= esp32
NODE  ?= node

.PHONY: all setup build check test demo bench flash sim clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@echo "build: tsc (host, core without platform types, Moddable HAL against @moddable/typings)"
	@npx tsc -p .
	@chmod +x build/host/cli.js
	@npx tsc -p tsconfig.core.json
	@npx tsc -p hal/moddable/tsconfig.json

# Runs every test (unit, simulator, real-peer interop, XS engine); ends with `N passed, N failed`.
test: build
	@$(NODE) build/test-host/run.js

# The main job: bootstrap server + LwM2M server + client on loopback.
demo: build
	@$(NODE) build/host/demo.js

bench: build
	@$(NODE) build/bench/run.js

flash:
	@bash scripts/flash.sh $(BOARD)

clean:
	rm -rf build
