#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks for building and testing.
# Needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have cmake || need+=(cmake)
have gcc || need+=(gcc)
have make || need+=(make)
have clang || need+=(clang)
# clang's sanitizer runtimes (ASan/UBSan for the clang build; libFuzzer for
# scripts/fuzz.sh) are a separate package on Debian.
compgen -G '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a' >/dev/null ||
  need+=(libclang-rt-14-dev)
have valgrind || need+=(valgrind)
have arm-none-eabi-gcc || need+=(gcc-arm-none-eabi)
[ -d /usr/lib/arm-none-eabi/newlib ] || [ -d /usr/lib/arm-none-eabi/lib ] || need+=(libnewlib-arm-none-eabi)
have qemu-system-arm || need+=(qemu-system-arm)
# mbedTLS 2.x: reference SHA-256 for the host tests and bench (test_sha256, bench_cpu sha)
# and the host crypto port ports/mbedtls (signature checks in test_mcuboot_img_sig).
[ -f /usr/include/mbedtls/sha256.h ] || need+=(libmbedtls-dev)
# libcurl: dfu-sim's http:// sources (tools/dfu_sim/source.c); python3: the
# test HTTP server of the dfu-sim tests (tests/cli/httpd.py).
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] ||
  dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need+=(libcurl4-openssl-dev)
have python3 || need+=(python3)
# pkg-config: one of the three consumer builds (scripts/consumers.sh).
have pkg-config || need+=(pkgconf)
if [ "${#need[@]}" -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends "${need[@]}"
fi
