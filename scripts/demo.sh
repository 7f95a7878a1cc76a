#!/usr/bin/env bash
# The demo: a download into a simulated nRF52840 with a power cut at ~40 %,
# resumed after the "reboot" to a bit-exact image.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build/host-gcc -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build/host-gcc -j"$(nproc 2>/dev/null || echo 2)" --target dfu-demo
./build/host-gcc/tools/dfu-demo
