#!/usr/bin/env bash
# The test command: installs missing packages, then builds and runs the
# whole suite on the host (gcc + ASan/UBSan, and clang) and, when the
# Cortex-M33 build exists, under QEMU. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== host: gcc, ASan + UBSan"
cmake -S . -B build/host-gcc -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build/host-gcc -j"$jobs"
ctest --test-dir build/host-gcc --output-on-failure -j"$jobs"

echo "== host: clang, ASan + UBSan"
cmake -S . -B build/host-clang -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build build/host-clang -j"$jobs"
# The dfu-sim command's end-to-end scripts (about 2.5 and 1.5 min) ran in the gcc
# build; the clang build runs every other test.
ctest --test-dir build/host-clang --output-on-failure -j"$jobs" -E '^cli_dfu_sim(_delta)?$'

if [ -f cmake/arm-none-eabi-m33.cmake ]; then
  echo "== Cortex-M33 (arm-none-eabi-gcc -Os) under QEMU mps2-an505"
  cmake -S . -B build/m33 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-m33.cmake \
    -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
  cmake --build build/m33 -j"$jobs"
  ctest --test-dir build/m33 --output-on-failure -j"$jobs"
  [ -x scripts/check-lib-symbols.sh ] && bash scripts/check-lib-symbols.sh build/m33
fi
echo "== consumers: examples/apply_vector via find_package, pkg-config, add_subdirectory"
bash scripts/consumers.sh build/consumers

if [ -f scripts/fuzz.sh ]; then
  echo "== fuzz targets (libFuzzer), ${DFU_FUZZ_SECONDS:-10} s each"
  bash scripts/fuzz.sh "${DFU_FUZZ_SECONDS:-10}"
fi

bash scripts/zephyr-test.sh
echo "== all tests passed"
