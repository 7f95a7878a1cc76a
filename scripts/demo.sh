#!/usr/bin/env bash
# The demo: dfu-sim on a fresh machine. Builds everything, then tells the
# story of one update to a simulated nRF9160 DK:
#   a signing key and two signed MCUboot images (1.0.0 in the factory, 1.1.0
#   the update), served over HTTP by a local server (tests/cli/httpd.py);
#   the download loses power at ~40 %, the next run resumes with a Range
#   request from the device's durable offset, verifies, schedules a test
#   upgrade; the status report says what MCUboot will do; the device reboots
#   into the new image, which confirms itself.
# Without python3 the artifact is read from the file instead of HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash scripts/deps.sh
build=build/host-gcc
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
sim=$root/$build/tools/dfu-sim
[ -x "$sim" ] || { echo "demo: dfu-sim was not built (libcurl4-openssl-dev, libmbedtls-dev?)" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

bold=""; plain=""
if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
# Show the command, run it, show a non-zero exit status (some are expected).
run() {
  printf '%s$ dfu-sim %s%s\n' "$bold" "$*" "$plain"
  local rc=0
  "$sim" "$@" || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %d)\n' "$rc"
  return "$rc"
}
expect() { # expected-status command...
  local want=$1 rc=0
  shift
  run "$@" || rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "demo: expected exit status $want, got $rc" >&2
    exit 1
  fi
}

say "A signing key and two signed images (what imgtool sign would make)"
expect 0 keygen key.pem
expect 0 mkimage app-1.0.0.bin --key key.pem --version 1.0.0+1 --size 180K --seed 1
expect 0 mkimage app-1.1.0.bin --key key.pem --version 1.1.0+2 --size 240K --seed 2
expect 0 detect app-1.1.0.bin

say "A factory-fresh nRF9160 DK running 1.0.0, whose MCUboot trusts key.pem"
expect 0 init dev --board nrf9160dk --key key.pem.pub --factory app-1.0.0.bin

src=app-1.1.0.bin
if command -v python3 >/dev/null 2>&1; then
  mkdir www && cp app-1.1.0.bin www/
  python3 "$root/tests/cli/httpd.py" --root www --port-file port --log http.log &
  server=$!
  for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
  src="http://127.0.0.1:$(cat port)/app-1.1.0.bin"
  echo "(serving the update at $src)"
fi

say "Download the update; the power fails at ~40 %"
expect 4 apply dev "$src" --cut-after 40% --chunk 1024

say "After the reboot: what the device holds"
expect 0 status dev

say "The application asks offset_get() where to go on, and resumes"
expect 0 apply dev "$src" --chunk 1024
if [ -f http.log ]; then
  echo "(HTTP requests seen by the server:)"
  sed 's/^/  /' http.log
fi

say "The bootloader's-eye view before the reset"
expect 0 status dev

say "Reset: MCUboot swaps the update in as a test"
expect 0 reset dev
expect 0 status dev

say "The new image confirms itself; the next reset keeps it"
expect 0 confirm dev
expect 0 reset dev
cmp -n "$(stat -c %s app-1.1.0.bin)" app-1.1.0.bin \
  <(tail -c +$((0x10000 + 1)) dev/int.bin) &&
  echo "primary slot of dev/int.bin holds app-1.1.0.bin byte for byte"
echo
echo "demo: done"
