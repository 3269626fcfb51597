#!/usr/bin/env bash
# Makes a fresh checkout ready: installs npm dependencies when node_modules is missing or older
# than package-lock.json, and Debian's libcoap3-bin (the real CoAP/DTLS peers of the interop
# tests) when it is absent. Never skips the peers silently: without root it stops and prints the
# command to run.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
if ! command -v coap-client-notls >/dev/null 2>&1 || ! command -v coap-server-openssl >/dev/null 2>&1 \
   || ! command -v coap-server-gnutls >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's libcoap3-bin and openssl (the interop peers)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq libcoap3-bin openssl >/dev/null
  else
    echo "setup: the interop peers are missing. Run as root:" >&2
    echo "  apt-get update && apt-get install -y libcoap3-bin openssl" >&2
    exit 1
  fi
fi
