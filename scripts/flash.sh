#!/usr/bin/env bash
# Builds lwm2m-mcu with Moddable's mcconfig and flashes it to a board: `make flash BOARD=esp32`.
#   BOARD: a folder of boards/ (esp32, esp32s3). Extra arguments go to mcconfig, e.g. config overrides:
#   bash scripts/flash.sh esp32 lwm2mEndpoint=dev-42 lwm2mBootstrap=coap://10.0.0.5:5783 ssid=lab password=secret
# Needs the Moddable SDK ($MODDABLE, mcconfig on PATH) and ESP-IDF ($IDF_PATH, idf.py) set up as in
# Moddable's documentation/devices/esp32.md. Says what is missing and exits non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

BOARD="${1:-}"
[ $# -gt 0 ] && shift
if [ -z "$BOARD" ]; then
  echo "flash: name a board: make flash BOARD=esp32 (boards: $(ls -d boards/*/manifest.json 2>/dev/null | cut -d/ -f2 | tr '\n' ' '))" >&2
  exit 2
fi
if [ ! -f "boards/$BOARD/manifest.json" ]; then
  echo "flash: no board '$BOARD' (no boards/$BOARD/manifest.json). Boards: $(ls -d boards/*/manifest.json 2>/dev/null | cut -d/ -f2 | tr '\n' ' ')" >&2
  exit 2
fi

missing=0
if [ -z "${MODDABLE:-}" ] || [ ! -d "${MODDABLE:-/nonexistent}" ]; then
  echo "flash: MODDABLE is not set to the Moddable SDK folder (export MODDABLE=~/Projects/moddable)." >&2
  missing=1
fi
if ! command -v mcconfig >/dev/null 2>&1; then
  echo "flash: mcconfig is not on PATH (export PATH=\$MODDABLE/build/bin/lin/release:\$PATH after building the SDK tools)." >&2
  missing=1
fi
if [ -z "${IDF_PATH:-}" ] || [ ! -d "${IDF_PATH:-/nonexistent}" ]; then
  echo "flash: IDF_PATH is not set to ESP-IDF (install ESP-IDF as Moddable's documentation/devices/esp32.md says, then: source \$IDF_PATH/export.sh)." >&2
  missing=1
fi
if ! command -v idf.py >/dev/null 2>&1; then
  echo "flash: idf.py is not on PATH (run: source \$IDF_PATH/export.sh)." >&2
  missing=1
fi
if ! command -v tsc >/dev/null 2>&1 && [ ! -x node_modules/.bin/tsc ]; then
  echo "flash: tsc (TypeScript) is missing: run npm ci in this folder (mcconfig compiles the .ts modules with tsc)." >&2
  missing=1
fi
if [ "$missing" -ne 0 ]; then
  echo "flash: cannot build for board '$BOARD': the tools above are missing (see docs/flash-a-board.md)." >&2
  exit 1
fi

# mcconfig runs tsc from PATH: use the project's pinned TypeScript.
export PATH="$PWD/node_modules/.bin:$PATH"
platform=esp32
[ "$BOARD" != esp32 ] && platform="esp32/$BOARD"
echo "flash: mcconfig -d -m -p $platform $*"
exec mcconfig -d -m -p "$platform" "$@"
