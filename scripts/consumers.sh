#!/usr/bin/env bash
# Builds the examples/apply_vector consumer three ways, as users embed the
# library, and runs each on an MCUboot vector:
#   1. installed prefix + find_package(dfu_target CONFIG)
#   2. installed prefix + pkg-config (plain cc command line)
#   3. add_subdirectory() of this source tree
# Also checks that the installed libdfu.a carries no sanitizer symbol and
# that add_subdirectory() builds the library and the asked-for ports only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-build/consumers}
rm -rf "$out"
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)
vec=tests/vectors/mcuboot
cc=${CC:-cc}

echo "-- library: default configuration (no build type given), install"
cmake -S . -B "$out/lib" -DDFU_BUILD_TESTS=OFF -DDFU_BUILD_TOOLS=OFF >/dev/null
cmake --build "$out/lib" -j"$jobs" >/dev/null
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$out/lib/CMakeCache.txt" ||
  { echo "FAIL: default build type is not Release"; exit 1; }
cmake --install "$out/lib" --prefix "$root/$out/prefix" | sed "s#$root/$out/prefix/#  #"
if nm "$out/prefix/lib/libdfu.a" | grep -E '__(a|ub)san'; then
  echo "FAIL: the installed libdfu.a is instrumented"; exit 1
fi

run() { # run NAME BINARY: applies v01 (signed, with its key) and v09 (hash only)
  "$2" "$vec/v01.bin" "$vec/ec-p256.pub.der"
  "$2" "$vec/v09.bin"
  if "$2" "$vec/v09.bin" "$vec/ec-p256.pub.der" >/dev/null; then
    echo "FAIL: $1 accepted an unsigned image with a key configured"; exit 1
  fi
  echo "ok - consumer via $1"
}

echo "-- 1. find_package"
cmake -S examples/apply_vector -B "$out/pkg" -DCMAKE_PREFIX_PATH="$root/$out/prefix" >/dev/null
cmake --build "$out/pkg" -j"$jobs" >/dev/null
run find_package "$out/pkg/apply_vector"

echo "-- 2. pkg-config"
export PKG_CONFIG_PATH="$root/$out/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$out/apply_vector_pc" examples/apply_vector/main.c \
  $(pkg-config --cflags --libs dfu_target-crypto-mbedtls dfu_target-sim dfu_target)
run pkg-config "$out/apply_vector_pc"

echo "-- 3. add_subdirectory"
cmake -S examples/apply_vector -B "$out/sub" -DDFU_TARGET_SOURCE_DIR="$root" >/dev/null
cmake --build "$out/sub" -j"$jobs" >/dev/null
if [ -e "$out/sub/dfu_target/tests" ] || [ -e "$out/sub/dfu_target/tools" ]; then
  echo "FAIL: add_subdirectory built the tests or tools"; exit 1
fi
run add_subdirectory "$out/sub/apply_vector"
echo "-- consumers: all passed"
