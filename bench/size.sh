#!/usr/bin/env bash
# Code size and stack depth of the library on a Cortex-M33 (arm-none-eabi-gcc
# -Os -DNDEBUG, Thumb-2, soft float), per configuration: which source files
# a firmware would link. Run from the repository root:
#
#   bash bench/size.sh
#
# Builds the objects of each configuration in build/size-<name>/ (with
# -fstack-usage -fcallgraph-info=su), then prints
#   * .text/.rodata/.data/.bss of the library objects (arm-none-eabi-size,
#     summed over the objects; no libc, no linker, no alignment padding);
#   * sizeof the structs the application allocates (from a probe object,
#     nm -S; nothing runs);
#   * the worst-case stack of every public function (bench/stackreport.py:
#     .su frames summed over the call graph; indirect calls into the port
#     shown as "+ callee @bytes in use").
set -euo pipefail
cd "$(dirname "$0")/.."

CC=arm-none-eabi-gcc
SIZE=arm-none-eabi-size
NM=arm-none-eabi-nm
OBJDUMP=arm-none-eabi-objdump
CFLAGS=(-mcpu=cortex-m33 -mthumb -mfloat-abi=soft -std=c11 -Os -DNDEBUG
  -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wpointer-arith -Wundef -Iinclude -Isrc)

CORE="src/dfu_target.c src/dfu_stream.c src/dfu_port.c src/dfu_identify.c"
MCUBOOT="src/dfu_sha256.c $(echo src/targets/mcuboot/*.c)"
TARGETS="$(echo src/targets/*.c) $MCUBOOT"
# One line per configuration: "name|source files and -D options".
CONFIGS=(
  "core|$CORE"
  "core+raw|$CORE src/targets/dfu_target_raw.c"
  "core+mcuboot|$CORE $MCUBOOT"
  "core+modem delta|$CORE src/targets/dfu_target_modem_delta.c"
  "core+full modem|$CORE src/dfu_sha256.c src/targets/dfu_target_full_modem.c src/targets/full_modem_parse.c"
  "all targets|$CORE $TARGETS"
  "errname (opt.)|src/dfu_errname.c"
)

command -v "$CC" >/dev/null || { echo "size.sh: $CC not found (bash scripts/deps.sh)" >&2; exit 1; }

slug() { echo "$1" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//'; }

build_config() { # dir, words...
  local dir=$1; shift
  local srcs=() defs=()
  for w in "$@"; do
    case $w in -D*|-U*) defs+=("$w") ;; *) srcs+=("$w") ;; esac
  done
  rm -rf "$dir"; mkdir -p "$dir"
  for s in "${srcs[@]}"; do
    # Absolute source path: the .ci/.su files name it, stackreport reads it.
    (cd "$dir" && "$CC" "${CFLAGS[@]/#-I/-I$OLDPWD/}" "${defs[@]}" -fstack-usage \
      -fcallgraph-info=su -c "$OLDPWD/$s" -o "$(basename "$s" .c).o")
  done
}

echo "Cortex-M33, $("$CC" --version | head -1), -Os -DNDEBUG -mthumb -ffunction-sections"
echo "library objects only (caller-owned buffers, libc and the port not included)"
echo
printf '%-16s %7s %7s %7s %7s   %7s %5s   %s\n' configuration .text .rodata .data .bss \
  flash RAM files
reports=()
for c in "${CONFIGS[@]}"; do
  name=${c%%|*}
  words=${c#*|}
  dir=build/size-$(slug "$name")
  # shellcheck disable=SC2086
  build_config "$dir" $words
  nfiles=$(for w in $words; do case $w in -*) ;; *) echo "$w" ;; esac; done | wc -l)
  "$SIZE" -A "$dir"/*.o | awk -v name="$name" -v files="$nfiles" '
    $1 ~ /^\.text/   { t += $2 }
    $1 ~ /^\.rodata/ { r += $2 }
    $1 ~ /^\.data/   { d += $2 }
    $1 ~ /^\.bss/    { b += $2 }
    END { printf "%-16s %7d %7d %7d %7d   %7d %5d   %d\n", name, t, r, d, b, t + r + d, d + b, files }'
  reports+=("$name=$dir")
done
echo "(flash = .text + .rodata + .data; RAM = .data + .bss)"
echo

# sizeof, read from a probe object: each array's size is the struct's.
probe=build/size-probe
rm -rf "$probe"; mkdir -p "$probe"
cat >"$probe/probe.c" <<'PROBE'
#include "dfu/dfu_stream.h"
#include "dfu/dfu_target.h"
#include "dfu/dfu_target_raw.h"
#include "dfu/dfu_target_mcuboot.h"
#include "dfu/dfu_target_modem_delta.h"
#include "dfu/dfu_target_full_modem.h"
extern const char sizeof_struct_dfu_full_modem[];
const char sizeof_struct_dfu_full_modem[sizeof(struct dfu_full_modem)] = {0};
extern const char sizeof_struct_dfu_modem_delta_target[];
const char sizeof_struct_dfu_modem_delta_target[sizeof(struct dfu_modem_delta_target)] = {0};
extern const char sizeof_struct_dfu_ctx[], sizeof_struct_dfu_stream[], sizeof_struct_dfu_raw[];
extern const char sizeof_struct_dfu_mcuboot[], sizeof_struct_dfu_sha256[];
const char sizeof_struct_dfu_mcuboot[sizeof(struct dfu_mcuboot)] = {0};
const char sizeof_struct_dfu_sha256[sizeof(struct dfu_sha256)] = {0};
const char sizeof_struct_dfu_ctx[sizeof(struct dfu_ctx)] = {0};
const char sizeof_struct_dfu_stream[sizeof(struct dfu_stream)] = {0};
const char sizeof_struct_dfu_raw[sizeof(struct dfu_raw)] = {0};
PROBE
"$CC" "${CFLAGS[@]}" -c "$probe/probe.c" -o "$probe/probe.o"
echo "sizeof on the target (bytes):"
"$NM" -S "$probe/probe.o" | while read -r _addr size _type sym; do
  case $sym in sizeof_struct_*) printf '  %-20s %4d\n' "struct ${sym#sizeof_struct_}" $((16#$size)) ;; esac
done
echo

python3 bench/stackreport.py --objdump "$OBJDUMP" \
  --libc "$("$CC" -mcpu=cortex-m33 -mthumb -mfloat-abi=soft -print-file-name=libc.a)" \
  "${reports[@]}"
