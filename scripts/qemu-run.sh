#!/usr/bin/env bash
# Run a bare Cortex-M33 ELF (linked with ports/qemu-m33) on QEMU's
# mps2-an505 board with semihosting: the program's stdout/stderr come out
# here and its exit(n) becomes this script's exit status. Used as
# CMAKE_CROSSCOMPILING_EMULATOR by cmake/arm-none-eabi-m33.cmake.
#
#   scripts/qemu-run.sh [--timeout SECONDS] program.elf
#
# The timeout (default: $QEMU_TIMEOUT, else 600 s) kills a hung emulator;
# the status is then 124, as timeout(1) reports it.
set -uo pipefail
limit=${QEMU_TIMEOUT:-600}
if [ "${1:-}" = "--timeout" ]; then
  limit=$2
  shift 2
fi
if [ $# -ne 1 ]; then
  echo "usage: $0 [--timeout SECONDS] program.elf" >&2
  exit 2
fi
# No display, no monitor, UART discarded: only the semihosting output (the
# program's stdio) reaches the terminal.
exec timeout --kill-after=5 "$limit" qemu-system-arm -M mps2-an505 -nographic \
  -monitor none -serial null \
  -semihosting-config enable=on,target=native -kernel "$1"
