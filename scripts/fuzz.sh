#!/usr/bin/env bash
# Fuzzing (docs/fuzzing.md): configure a clang build with the libFuzzer
# targets of fuzz/, build them, replay the regression inputs, then run each
# target for the given time (default 60 s) on a scratch copy of its
# committed seed corpus (fuzz/corpus/<target>/ is never written).
#
#   bash scripts/fuzz.sh [seconds]          # CI: bash scripts/fuzz.sh 20
#
# Exits non-zero on any crash, leak or timeout of a fuzzer, and when an
# input of fuzz/regressions/ (a fixed bug) crashes again. Known open bugs
# (fuzz/regressions-open/, listed in its TOLERATE file) are replayed and
# reported, not failing; the fuzzers work around them while fuzzing
# (DFU_FUZZ_TOLERATE).
#
# Environment:
#   FUZZ_BUILD    build directory (build/fuzz)
#   FUZZ_JOBS     fuzzers running at once (1)
#   FUZZ_TARGETS  space-separated subset of the targets (all)
#   FUZZ_WORK     scratch directory: corpora, logs, crash files
#                 ($FUZZ_BUILD/work; emptied per target at each run)
#   FUZZ_ARGS     extra libFuzzer arguments for every run
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [seconds]" >&2; exit 1 ;; esac
build=${FUZZ_BUILD:-build/fuzz}
work=${FUZZ_WORK:-$build/work}
jobs=${FUZZ_JOBS:-1}

# ---- what the build needs (Debian 12), installed when missing ----
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have cmake || need+=(cmake)
have make || need+=(make)
have clang || need+=(clang)
# libFuzzer and the sanitizer runtimes of clang 14
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 &&
  ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
  need+=(libclang-rt-14-dev)
fi
[ -f /usr/include/mbedtls/sha256.h ] || need+=(libmbedtls-dev)
if [ "${#need[@]}" -gt 0 ]; then
  echo "fuzz: installing ${need[*]}"
  sudo_=""
  [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# ---- build ----
echo "== fuzz: configure and build ($build)"
cmake -S . -B "$build" -DDFU_FUZZ=ON -DCMAKE_C_COMPILER=clang -DDFU_BUILD_TOOLS=ON \
  -DDFU_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_all -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
bindir=$build/fuzz
targets=${FUZZ_TARGETS:-$(cat "$bindir/fuzz_targets.txt")}

# -max_len per target: the largest meaningful input (see each fuzz/<t>.c)
max_len() {
  case "$1" in
    fuzz_img_type) echo 256 ;;
    fuzz_mcuboot) echo 81920 ;;      # 8 bytes + the vectors up to v12 (78 KB)
    fuzz_full_modem) echo 16384 ;;
    fuzz_ctx_api | fuzz_modem_delta) echo 2048 ;;
    fuzz_dsim_layout) echo 4096 ;;
    fuzz_dsim_detect) echo 65536 ;;
    *) echo 4096 ;;
  esac
}

# Per-target libFuzzer options: operation sequences profit from longer
# inputs sooner (default -len_control=100 grows the length limit slowly).
extra_args() {
  case "$1" in
    fuzz_ctx_api | fuzz_modem_delta) echo -len_control=10 ;;
  esac
}

# Known open bugs: the IDs of fuzz/regressions-open/TOLERATE.
open_ids=$(sed -e 's/#.*//' fuzz/regressions-open/TOLERATE 2>/dev/null | awk 'NF {print $1}' |
  paste -sd, -)
except() { # the open IDs but $1
  echo "$open_ids" | tr , '\n' | grep -vx -- "$1" | paste -sd, -
}

fail=0
mkdir -p "$work"

# ---- regressions: fixed bugs must stay fixed ----
echo "== fuzz: replaying fuzz/regressions/ and fuzz/regressions-open/"
for t in $targets; do
  for f in fuzz/regressions/"$t"/*; do
    [ -f "$f" ] || continue
    if DFU_FUZZ_TOLERATE=$open_ids timeout 120 "$bindir/$t" -timeout=60 "$f" \
      >"$work/replay.log" 2>&1; then
      echo "  ok          $f"
    else
      echo "  CRASH       $f (a fixed bug is back):"
      { grep -E "INVARIANT|ERROR|SUMMARY" -A2 "$work/replay.log" || true; } | head -20 |
        sed 's/^/    /'
      fail=1
    fi
  done
  for f in fuzz/regressions-open/"$t"/*; do
    [ -f "$f" ] || continue
    id=$(basename "$f")
    id=${id%%.*}
    if DFU_FUZZ_TOLERATE=$(except "$id") timeout 120 "$bindir/$t" -timeout=60 "$f" \
      >"$work/replay.log" 2>&1; then
      echo "  no crash    $f: open bug $id fixed? move it to fuzz/regressions/$t/ and drop its TOLERATE line"
    else
      echo "  open bug    $f ($id, still crashes; not failing)"
    fi
  done
done

# ---- fuzzing ----
run_one() {
  local t=$1 d=$work/$1
  rm -rf "$d"
  mkdir -p "$d/corpus"
  cp fuzz/corpus/"$t"/* "$d/corpus/" 2>/dev/null || true
  local dict=()
  [ -f fuzz/dict/"$t".dict ] && dict=(-dict=fuzz/dict/"$t".dict)
  local rc=0
  # shellcheck disable=SC2086
  DFU_FUZZ_TOLERATE=$open_ids "$bindir/$t" -max_total_time="$secs" -max_len="$(max_len "$t")" \
    -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$d/" \
    "${dict[@]}" $(extra_args "$t") ${FUZZ_ARGS:-} "$d/corpus" >"$d/log" 2>&1 || rc=$?
  echo "$rc" >"$d/rc"
}

echo "== fuzz: $secs s per target: $(echo $targets)"
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

printf '\n%-18s %10s %8s %6s %7s %11s  %s\n' target execs exec/s cov ft corpus result
for t in $targets; do
  d=$work/$t
  rc=$(cat "$d/rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$d/log" | tail -1 || true)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.*corp: \([^ ]*\).*/\1/p')
  result=ok
  if [ "$rc" != 0 ]; then
    art=$(ls "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-* 2>/dev/null | head -1 || true)
    result="FAILED (exit $rc): $art"
    fail=1
  fi
  printf '%-18s %10s %8s %6s %7s %11s  %s\n' "$t" "${execs:-?}" "${eps:-?}" "${cov:-?}" \
    "${ft:-?}" "${corp:-?}" "$result"
  if [ "$rc" != 0 ]; then
    { grep -E "INVARIANT|ERROR: |SUMMARY" -A3 "$d/log" || true; } | head -24 | sed 's/^/    /'
  fi
done
echo "logs and corpora: $work"
exit "$fail"
