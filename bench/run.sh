#!/usr/bin/env bash
# Benchmarks: flash-operation figures and the writer's CPU cost.
#
#  1. bench_flash: 1 MiB in 1 KiB chunks per geometry (erases, programs,
#     store writes, modeled time vs. the physical minimum).
#  2. callgrind (instructions, repeatable): the writer's own instructions =
#     inclusive Ir of work() minus inclusive Ir of the simulated port's
#     callbacks (sim_read/sim_program/sim_erase/kv_*) and minus work()'s own
#     loop (the benchmark's, not the writer's). Checkpoints included. The
#     calls are dfu_ctx_write(); the seed dfu_target_write() adds one jump.
#     Built at -O2 (bench/CMakeLists.txt), no sanitizers.
#  3. callgrind: SHA-256 of 1 MiB in 1 KiB chunks, inclusive Ir of all
#     dfu_sha256_update calls per byte, and of mbedTLS's update (the
#     system's libmbedcrypto, when libmbedtls-dev is installed) on the same
#     data.
#  4. dfu-sim (bench/dfu_sim_bench.sh): modeled device time per board preset
#     next to the physical minimum, and the CLI's wall time per MiB.
#
# BENCH_BUILD_DIR overrides the build directory (default build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || bash scripts/deps.sh
b=${BENCH_BUILD_DIR:-build/bench}
cmake -S . -B $b -DCMAKE_BUILD_TYPE=Release -DDFU_SANITIZE=OFF -DDFU_BUILD_TESTS=OFF >/dev/null
cmake --build $b -j"$(nproc 2>/dev/null || echo 2)" --target bench_flash bench_cpu bench_mcuboot >/dev/null

echo "== flash operations"
$b/bench/bench_flash
echo
echo "== CPU (valgrind --tool=callgrind, -O2, writer only: simulated port excluded)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for w in 1k 1b 7b sha; do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$w" $b/bench/bench_cpu $w \
    >"$tmp/out.$w" 2>"$tmp/err.$w"
  callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg.$w" >"$tmp/ann.$w" 2>/dev/null
  callgrind_annotate --threshold=100 "$tmp/cg.$w" >"$tmp/self.$w" 2>/dev/null
done
for w in stream all; do
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.mcb$w" $b/bench/bench_mcuboot $w \
    >"$tmp/out.mcb$w" 2>"$tmp/err.mcb$w"
  callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg.mcb$w" >"$tmp/ann.mcb$w" 2>/dev/null
  callgrind_annotate --threshold=100 "$tmp/cg.mcb$w" >"$tmp/self.mcb$w" 2>/dev/null
done
python3 - "$tmp" <<'PY'
import re, sys
tmp = sys.argv[1]
port = ("sim_read", "sim_program", "sim_erase", "kv_read", "kv_write", "kv_remove")
def incl(w):
    d = {}
    for line in open(f"{tmp}/ann.{w}"):
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+\S*:(\S+)", line)
        if m:
            d.setdefault(m.group(2), int(m.group(1).replace(",", "")))
    return d
def selfcost(w, fn):
    for line in open(f"{tmp}/self.{w}"):
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+\S*:(\S+)", line)
        if m and m.group(2).startswith(fn):
            return int(m.group(1).replace(",", ""))
    return 0
def own(w):
    d = incl(w)
    work = next(v for k, v in d.items() if k.startswith("work"))
    work -= selfcost(w, "work")  # the benchmark's own loop is not the writer
    sim = sum(v for k, v in d.items() if k in port)
    return work, sim, work - sim
w, s, o = own("1k")
n = 1024 * 1024
print(f"1 MiB, 1 KiB chunks, 512 B buffer: work {w:,} Ir, port {s:,} Ir, writer {o:,} Ir"
      f" = {o / n:.3f} instr/byte (target <= 0.31)")
for tag, chunk in (("1b", 1), ("7b", 7)):
    n = 64 * 1024
    calls = (n + chunk - 1) // chunk
    w, s, o = own(tag)
    print(f"64 KiB in {chunk} B chunks: writer {o:,} Ir / {calls:,} write calls"
          f" = {o / calls:.1f} instr/call (target <= 50)")
print()
print("== SHA-256 (callgrind, -O2): 1 MiB in 1 KiB chunks, inclusive Ir of the update calls")
d = incl("sha")
n = 1024 * 1024
for label, names in (("dfu_sha256_update", ("dfu_sha256_update",)),
                     ("mbedTLS update", ("mbedtls_sha256_update_ret", "mbedtls_sha256_update"))):
    ir = next((d[k] for k in names if k in d), None)
    if ir is None:
        print(f"{label}: not measured (bench_cpu built without mbedTLS?)")
    else:
        print(f"{label}: {ir:,} Ir = {ir / n:.2f} instr/byte"
             )
print()
print("== MCUboot target (callgrind, -O2): 1 MiB image in 1 KiB chunks, 512 B buffer,"
      " simulated port excluded")
ds, da = incl("mcbstream"), incl("mcball")
ps = sum(v for k, v in ds.items() if k in port)
pa = sum(v for k, v in da.items() if k in port)
def fn(d, w, name):
    return next(v for k, v in d.items() if k.startswith(name)) - selfcost(w, name)
st = fn(ds, "mcbstream", "work_stream") - ps
dn = fn(da, "mcball", "work_done") - (pa - ps)
raw = own("1k")[2]
sha = next((d[k] for k in ("dfu_sha256_update",) if k in (d := incl("sha"))), 0)
print(f"streaming + TLV parse (init + writes; SHA-256 runs in done's read-back, or here with"
      f" DFU_MCUBOOT_NO_READBACK): {st:,} Ir = {st / n:.2f} instr/byte")
print(f"  for comparison: raw streaming without SHA-256 {raw / n:.2f}, dfu_sha256 alone"
      f" {sha / n:.2f}, mbedTLS SHA-256 alone "
      + (f"{da_m / n:.2f}" if (da_m := next((incl('sha')[k] for k in ('mbedtls_sha256_update_ret', 'mbedtls_sha256_update') if k in incl('sha')), 0)) else "n/a")
      + " instr/byte")
print(f"done(true) verification (flush, read back + SHA-256, TLV walk, record): {dn:,} Ir"
      f" = {dn / n:.2f} instr/byte")
print(f"whole download (writes + done, one SHA-256 pass): {(st + dn) / n:.2f} instr/byte"
      " (target <= 52)")
PY
echo
bash bench/dfu_sim_bench.sh "$b"
