#!/usr/bin/env bash
# `make sim`: builds the device app for Moddable's Linux simulator (mcconfig -m -i -p lin -t build:
# -i for Moddable's instrumentation, which hooks-sim.ts's lwm2mMemoryLog reads) and
# runs it headless under mcsim (xvfb-run), its log lines on stdout, line-buffered; the build's own
# output goes to stderr. Settings are mc/config overrides with the keys of docs/flash-a-board.md:
#   make sim SETTINGS="lwm2mEndpoint=dev-1 lwm2mBootstrap=coap://127.0.0.1:5783"
#   bash scripts/sim.sh lwm2mEndpoint=dev-1 lwm2mServer=coaps://127.0.0.1:5684 lwm2mPskIdentity=dev-1 lwm2mPskKey=0011…
# SIGINT/SIGTERM: the app de-registers (hal/moddable/hooks-sim.ts), then mcsim is ended (5 s at most;
# at once when the app says it stopped). Ctrl-C in a terminal sends SIGINT to the whole foreground
# process group: the output filter below ignores it, so the app's last lines still come through.
# A stored configuration (Moddable's lin preference file) wins over lwm2mServer/lwm2mBootstrap, as
# on a device; the app says at start which one it uses. FRESH=1 (`make sim FRESH=1`, or the setting
# lwm2mFresh=1) deletes the stored configuration first: the app starts as a fresh device.
# Needs a Moddable SDK with its Linux tools built ($MODDABLE, see docs/flash-a-board.md), npm ci
# here (tsc), and Debian's xvfb. Says what is missing and exits 1 otherwise.
# SIM_MANIFEST: another manifest to build (default ./manifest.json; the device test wraps this one).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
die() { echo "sim: $*" >&2; exit 1; }

# Settings: key=value, checked here so that a bad one is one line, not a stack trace from XS.
args=()
for kv in ${SETTINGS:-} "$@"; do
  key="${kv%%=*}"; val="${kv#*=}"
  [ "$key" != "$kv" ] || die "bad setting '$kv': settings are key=value"
  case "$key" in
    lwm2mEndpoint) [ -n "$val" ] || die "bad lwm2mEndpoint: empty" ;;
    lwm2mServer|lwm2mBootstrap)
      [[ -z "$val" || "$val" =~ ^coaps?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?/?$ ]] \
        || die "bad $key '$val': coap://host[:port] or coaps://host[:port]" ;;
    lwm2mPskIdentity) ;;
    lwm2mPskKey) [[ "$val" =~ ^([0-9a-fA-F]{2})*$ ]] || die "bad lwm2mPskKey: hex digits, two per byte" ;;
    lwm2mLocalPort) [[ "$val" =~ ^[0-9]{1,5}$ ]] && [ "$val" -le 65535 ] || die "bad lwm2mLocalPort '$val': 0 to 65535" ;;
    lwm2mMemoryLog) [[ "$val" =~ ^[0-9]{1,7}$ ]] || die "bad lwm2mMemoryLog '$val': milliseconds between memory lines (0: off)" ;;
    lwm2mFirmwareVersion) [[ "$val" =~ ^[A-Za-z0-9._+-]{1,31}$ ]] || die "bad lwm2mFirmwareVersion '$val': 1 to 31 of A-Z a-z 0-9 . _ + -" ;;
    lwm2mFirmware) [[ "$val" =~ ^[01]$ ]] || die "bad lwm2mFirmware '$val': 1 (object 5 where the platform can stage an image) or 0 (none)" ;;
    lwm2mFresh) [[ "$val" =~ ^[01]$ ]] || die "bad lwm2mFresh '$val': 1 (delete the stored configuration at start) or 0" ;;
    lwm2mQueueMode) [[ "$val" =~ ^[01]$ ]] || die "bad lwm2mQueueMode '$val': 1 (Queue Mode: offline between exchanges, state kept across restarts) or 0" ;;
    lwm2mQueueTime) [[ "$val" =~ ^[0-9]{1,5}$ ]] || die "bad lwm2mQueueTime '$val': seconds reachable after the last exchange (0: 93)" ;;
    lwm2mQueueDtls) [[ "$val" =~ ^(resume|keep|full|cid)$ ]] || die "bad lwm2mQueueDtls '$val': resume (default), keep, full or cid (RFC 9146 Connection ID)" ;;
    lwm2mSleep) [[ "$val" =~ ^(none|light|deep)$ ]] || die "bad lwm2mSleep '$val': none (default), light or deep (the ESP32's sleep while offline)" ;;
    *) die "unknown setting '$key' (lwm2mEndpoint, lwm2mServer, lwm2mBootstrap, lwm2mPskIdentity, lwm2mPskKey, lwm2mLocalPort, lwm2mMemoryLog, lwm2mFirmwareVersion, lwm2mFirmware, lwm2mFresh, lwm2mQueueMode, lwm2mQueueTime, lwm2mQueueDtls, lwm2mSleep)" ;;
  esac
  args+=("$kv")
done
case "${FRESH:-}" in
  ""|0) ;;
  1) args+=("lwm2mFresh=1") ;;
  *) die "bad FRESH '${FRESH}': FRESH=1 starts as a fresh device (the stored configuration deleted)" ;;
esac

[ -n "${MODDABLE:-}" ] || die "MODDABLE is not set: export MODDABLE=/path/to/moddable (the Moddable SDK, see docs/flash-a-board.md)"
[ -d "$MODDABLE/build/makefiles/lin" ] || die "MODDABLE=$MODDABLE is not a Moddable SDK folder (no build/makefiles/lin)"
bin="$MODDABLE/build/bin/lin/release"
for t in mcconfig mcsim xsc xsl; do
  [ -x "$bin/$t" ] || die "the Moddable SDK's Linux tools are not built (no $bin/$t): cd \$MODDABLE/build/makefiles/lin && make"
done
[ -x "$root/node_modules/.bin/tsc" ] || die "tsc is missing: run npm ci in $root (mcconfig compiles the .ts modules with it)"
command -v xvfb-run >/dev/null 2>&1 || die "xvfb-run is missing (apt-get install -y xvfb): mcsim needs a display"
command -v stdbuf >/dev/null 2>&1 || die "stdbuf is missing (coreutils)"

manifest="${SIM_MANIFEST:-$root/manifest.json}"
[ -f "$manifest" ] || die "no manifest $manifest"
mdir="$(cd "$(dirname "$manifest")" && pwd)"
name="$(basename "$mdir")"
stopfile="$(mktemp -u "${TMPDIR:-/tmp}/lwm2m-sim-stop.XXXXXX")"
export PATH="$root/node_modules/.bin:$bin:$PATH"

echo "sim: mcconfig -m -i -p lin -t build ${args[*]} ($("$root/node_modules/.bin/tsc" --version))" >&2
(cd "$mdir" && mcconfig -m -i -p lin -t build "$manifest" "${args[@]}" "lwm2mStopFile=$stopfile") >&2 \
  || die "mcconfig failed (its output is above)"
so="$MODDABLE/build/bin/lin/mc/instrument/$name/mc.so" # -i builds go to instrument/, not release/
[ -f "$so" ] || die "mcconfig built no $so"

done_flag="$stopfile.done"
rm -f "$stopfile" "$done_flag"
# mcsim under its own Xvfb, in a session (process group) of its own so that it can be ended as one.
# XS's own "instruments: …" line, printed every second by an instrumented build, is left out. The
# filter ignores SIGINT (trap ''): it is in the terminal's foreground process group, which Ctrl-C
# signals whole, and it must outlive the signal to pass on the app's de-registration and "stopped"
# lines; it ends when mcsim's output does.
setsid xvfb-run -a stdbuf -oL "$bin/mcsim" "$so" </dev/null 2>&1 > >(trap '' INT; while IFS= read -r line; do
  [[ "$line" == "instruments: "* ]] && continue
  printf '%s\n' "$line"
  [[ "$line" == *"lwm2m-mcu: stopped"* ]] && : > "$done_flag"
done) &
simpid=$!

stopping=0
finish() {
  [ "$stopping" = 1 ] && return
  stopping=1
  : > "$stopfile" # the app polls for it: de-register, then "lwm2m-mcu: stopped"
  for _ in $(seq 50); do [ -f "$done_flag" ] && break; sleep 0.1; done
  kill -TERM -- "-$simpid" 2>/dev/null
  wait "$simpid" 2>/dev/null
  rm -f "$stopfile" "$done_flag"
  exit 0
}
trap finish INT TERM
wait "$simpid"
rm -f "$stopfile" "$done_flag"
