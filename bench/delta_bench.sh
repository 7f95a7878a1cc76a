#!/usr/bin/env bash
# Application delta figures (issue 16): for each firmware pair in
# tests/vectors/firmware, wrapped as hash-only MCUboot images:
#   - artifact bytes with heatshrink and with none (envelope included),
#     next to Debian bsdiff's patch of the same images and xz -9e of the
#     full new image;
#   - apply cost: instructions per output byte (callgrind, -O2, the whole
#     apply: base hash, decode, MCUboot target streaming + SHA-256, done's
#     read-back verification, simulated flash);
#   - decoder RAM (state + buffers + window) beside the 512 B write buffer;
#   - code size of the delta target for Cortex-M33 -Os.
# Needs: gcc, bsdiff, xz, valgrind, arm-none-eabi-gcc (apt-get install
# bsdiff xz-utils valgrind gcc-arm-none-eabi). Usage: bash bench/delta_bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${DELTA_BENCH_DIR:-$(mktemp -d)}
mkdir -p "$out"

shopt -s nullglob
srcs=("$root"/src/*.c "$root"/src/ncs/*.c "$root"/src/targets/*.c "$root"/src/targets/mcuboot/*.c)
gcc -std=c11 -O2 -DNDEBUG -I"$root/include" -I"$root/src" -I"$root/ports/sim" -I"$root/tests" \
	-I"$root/tools/dfu_sim" -DSIM_NO_FILE \
	"$root/bench/bench_delta.c" "$root/tools/dfu_sim/delta_gen.c" "$root/tools/dfu_sim/delta_hs.c" \
	"$root/tests/mcuboot_img.c" \
	"$root"/ports/sim/sim_flash.c "$root"/ports/sim/sim_kv.c "$root"/ports/sim/sim_power.c \
	"${srcs[@]}" -o "$out/bench_delta"

# instructions per output byte of run_apply(): all / without the simulated
# flash and store (sim_read/program/erase, kv_*), readback on and off
ipb() { # dir comp mode -> "all lib"
	local f="$1/cg.$2.$3"
	valgrind --tool=callgrind --toggle-collect=run_apply --callgrind-out-file="$f" \
		"$out/bench_delta" apply "$1" "$2" "$3" >/dev/null 2>"$f.log"
	callgrind_annotate --inclusive=yes "$f" 2>/dev/null | awk -v n="$4" '
		/PROGRAM TOTALS/ { gsub(",", "", $1); tot = $1 }
		/:(sim_read|sim_program|sim_erase|kv_read|kv_write|kv_remove) / { gsub(",", "", $1); sim += $1 }
		END { printf "%.1f %.1f", tot / n, (tot - sim) / n }'
}

printf '| pair | new image | heatshrink | none | bsdiff 4.3 | hs / bsdiff | xz -9e full |\n'
printf '|---|---|---|---|---|---|---|\n'
rows=()
for pair in shell_module echo_server; do
	d="$out/$pair"
	mkdir -p "$d"
	"$out/bench_delta" make "$root/tests/vectors/firmware/${pair}_v1.bin" \
		"$root/tests/vectors/firmware/${pair}_v2.bin" "$d" >"$d/make.txt"
	hs=$(awk '$1=="heatshrink"{print $2}' "$d/make.txt")
	wl=$(awk '$1=="heatshrink"{print "w" $4 " l" $5}' "$d/make.txt")
	none=$(awk '$1=="none"{print $2}' "$d/make.txt")
	img=$(awk '$1=="new_image"{print $2}' "$d/make.txt")
	bsdiff "$d/old.img" "$d/new.img" "$d/bsdiff.patch"
	bs=$(stat -c %s "$d/bsdiff.patch")
	xz -9e -k -c "$d/new.img" >"$d/new.img.xz"
	xzs=$(stat -c %s "$d/new.img.xz")
	ratio=$(awk -v a="$hs" -v b="$bs" 'BEGIN{printf "%.2f", a/b}')
	printf '| %s | %s | %s (%s) | %s | %s | %s | %s |\n' "$pair" "$img" "$hs" "$wl" \
		"$none" "$bs" "$ratio" "$xzs"
	for c in hs none; do
		read -r a1 l1 <<<"$(ipb "$d" $c readback "$img")"
		read -r a2 l2 <<<"$(ipb "$d" $c noreadback "$img")"
		rows+=("| $pair | $c | $a1 | $l1 | $a2 | $l2 |")
	done
done
echo
echo "Apply, instructions per output byte (run_apply: init + writes + done, -O2):"
echo "| pair | compression | all, read-back | library only, read-back | all, NO_READBACK | library only, NO_READBACK |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"

echo
"$out/bench_delta" ram | awk '{print "RAM " $1 ": " $2 " B"}'
echo "RAM window: 2^w B of the patch (w <= 10 with mkpatch's default: <= 1024 B)"

if command -v arm-none-eabi-gcc >/dev/null; then
	echo
	echo "Cortex-M33 -Os (text data bss):"
	for f in dfu_target_mcuboot_delta.c delta_decode.c delta_env.c; do
		arm-none-eabi-gcc -std=c11 -Os -mcpu=cortex-m33 -mthumb -ffunction-sections \
			-I"$root/include" -I"$root/src" -c "$root/src/targets/$f" -o "$out/${f%.c}.o"
	done
	arm-none-eabi-size -t "$out"/dfu_target_mcuboot_delta.o "$out"/delta_decode.o "$out"/delta_env.o
fi
echo "(work files in $out)"
