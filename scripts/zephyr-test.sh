#!/bin/bash
# Build and run the Zephyr module's tests (tests/zephyr/, ztest) on native_sim
# and on mps2_an521 (Cortex-M33) under QEMU, and build the sample
# (samples/zephyr_dfu) for both.
#
#   ZEPHYR_BASE=/path/to/zephyr ZEPHYR_MODULES_EXTRA="/path/to/cmsis;/path/to/tinycrypt" \
#     bash scripts/zephyr-test.sh [native_sim|mps2_an521 ...]
#
# Environment:
#   ZEPHYR_BASE            a Zephyr tree, 3.4 .. 4.3 (required; else skipped)
#   ZEPHYR_MODULES_EXTRA   ';'-separated module directories besides this
#                          repository: CMSIS (needed for mps2_an521) and
#                          TinyCrypt (the tests' crypto provider). Default:
#                          $ZEPHYR_BASE/../modules/{cmsis,tinycrypt} when present.
#   ZEPHYR_TEST_BUILD      build directory root (default: build/zephyr)
#   CROSS_COMPILE          default /usr/bin/arm-none-eabi-
#   NRFXLIB_INCLUDE        optional: a copy of nrfxlib's nrf_modem/include
#                          (kept outside this repository); the modem port
#                          is then compile-checked in the an521 build.
# No west, no Zephyr SDK: host gcc (gcc-multilib) for native_sim, Debian's
# arm-none-eabi-gcc for the an521, Debian's /usr/bin/python3.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${ZEPHYR_BASE:-}" ]; then
  echo "Zephyr tests skipped: ZEPHYR_BASE not set"
  exit 0
fi
export ZEPHYR_BASE
# Debian's python3 and tools first (not a pyenv shim: Zephyr needs the
# python3-pykwalify etc. Debian packages).
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH
py=/usr/bin/python3

extra=${ZEPHYR_MODULES_EXTRA:-}
if [ -z "$extra" ]; then
  for m in cmsis tinycrypt; do
    d=$ZEPHYR_BASE/../modules/$m
    [ -d "$d" ] && extra="${extra:+$extra;}$(cd "$d" && pwd)"
  done
fi
modules="${extra:+$extra;}$here"
out=${ZEPHYR_TEST_BUILD:-$here/build/zephyr}
boards=("$@")
[ ${#boards[@]} -gt 0 ] || boards=(native_sim mps2_an521)
cross=${CROSS_COMPILE:-/usr/bin/arm-none-eabi-}
jobs=${ZEPHYR_JOBS:-2}

ver=$(awk -F' = ' '/^VERSION_MAJOR/{a=$2}/^VERSION_MINOR/{b=$2}/^PATCHLEVEL/{c=$2}END{print a"."b"."c}' "$ZEPHYR_BASE/VERSION")
echo "Zephyr $ver at $ZEPHYR_BASE; modules: $modules"

build() { # app board dir [extra cmake args]
  local app=$1 board=$2 dir=$3
  shift 3
  local env=(ZEPHYR_TOOLCHAIN_VARIANT=host)
  [ "$board" = native_sim ] || env=(ZEPHYR_TOOLCHAIN_VARIANT=cross-compile CROSS_COMPILE="$cross")
  rm -rf "$dir"
  env "${env[@]}" cmake -GNinja -S "$app" -B "$dir" -DBOARD="$board" \
    -DPython3_EXECUTABLE=$py -DZEPHYR_MODULES="$modules" "$@" >"$dir.log" 2>&1 &&
    env "${env[@]}" ninja -C "$dir" -j"$jobs" >>"$dir.log" 2>&1 || {
    tail -40 "$dir.log"
    echo "FAIL: build $app for $board (log: $dir.log)"
    return 1
  }
  # The module must add no warning (the apps also build with -Werror).
  if grep -n "warning:" "$dir.log" | grep -E "dfu_target|ports/|/src/targets|/src/dfu_" ; then
    echo "FAIL: warnings from the module in $dir.log"
    return 1
  fi
}

run() { # board dir
  local board=$1 dir=$2 log=$2.run.log
  if [ "$board" = native_sim ]; then
    timeout 300 "$dir/zephyr/zephyr.exe" -flash="$dir/flash.bin" -flash_erase >"$log" 2>&1 || true
  else
    timeout 600 qemu-system-arm -cpu cortex-m33 -machine mps2-an521 -nographic -vga none \
      -net none -kernel "$dir/zephyr/zephyr.elf" -serial mon:stdio </dev/null >"$log" 2>&1 &
    local pid=$!
    # ztest ends with "PROJECT EXECUTION SUCCESSFUL/FAILED"; QEMU keeps running
    for _ in $(seq 1 600); do
      grep -q "PROJECT EXECUTION" "$log" 2>/dev/null && break
      kill -0 $pid 2>/dev/null || break
      sleep 1
    done
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
  fi
  grep -E "^ ?(START|PASS|FAIL|SKIP) - |^ - (PASS|FAIL|SKIP) - |SUITE (PASS|FAIL)|durable offset|slot1|PROJECT EXECUTION|Assertion" "$log" || true
  grep -q "PROJECT EXECUTION SUCCESSFUL" "$log"
}

fail=0
mkdir -p "$out"
for b in "${boards[@]}"; do
  echo "== tests/zephyr/dfu_target on $b"
  if build "$here/tests/zephyr/dfu_target" "$b" "$out/test-$b" && run "$b" "$out/test-$b"; then
    echo "PASS: tests/zephyr/dfu_target on $b"
  else
    echo "FAIL: tests/zephyr/dfu_target on $b (log: $out/test-$b.run.log)"
    fail=1
  fi
  if [ "$b" = mps2_an521 ] && [ -f "$out/test-$b/zephyr/zephyr.map" ]; then
    echo "== module code size in the mps2_an521 test build (map file)"
    $py "$here/scripts/zephyr-size.py" "$out/test-$b/zephyr/zephyr.map"
    if [ -n "${NRFXLIB_INCLUDE:-}" ]; then
      echo "== modem port compile check against $NRFXLIB_INCLUDE"
      $py - "$out/test-$b" "$here" "$NRFXLIB_INCLUDE" <<'PY' || fail=1
import json, shlex, subprocess, sys
bdir, root, inc = sys.argv[1:4]
cc = json.load(open(bdir + "/compile_commands.json"))
e = next(x for x in cc if x["file"].endswith("dfu_zephyr_clock.c"))
base = shlex.split(e["command"])
i = base.index("-o"); del base[i:i + 2]
i = base.index("-c"); del base[i:i + 2]
defs = ["-DCONFIG_NRF_MODEM_LIB=1", "-DCONFIG_DFU_TARGET_MODEM_DELTA=1",
        "-DCONFIG_DFU_TARGET_MODEM_TIMEOUT=60", "-DCONFIG_DFU_TARGET_MODEM_ERASE_DEADLINE=600",
        "-I" + inc, "-Wextra", "-Werror", "-fsyntax-only"]
bad = 0
for f in ("ports/zephyr/dfu_zephyr_modem.c", "ports/zephyr/dfu_zephyr_default.c"):
    r = subprocess.run(base + defs + [root + "/" + f], cwd=e["directory"], capture_output=True, text=True)
    print(("ok   " if r.returncode == 0 else "FAIL ") + f + " (CONFIG_NRF_MODEM_LIB, nrfxlib headers)")
    sys.stderr.write(r.stderr)
    bad |= r.returncode != 0
sys.exit(bad)
PY
    fi
  fi
  echo "== samples/zephyr_dfu for $b"
  if build "$here/samples/zephyr_dfu" "$b" "$out/sample-$b" -DCONFIG_COMPILER_WARNINGS_AS_ERRORS=y; then
    echo "PASS: samples/zephyr_dfu builds for $b"
  else
    fail=1
  fi
done
exit $fail
