#!/usr/bin/env bash
# Fail if the library (libdfu.a in a build directory) depends on the heap,
# stdio, process exit or assert(): it must link into firmware that has none
# of them.
#
#   scripts/check-lib-symbols.sh <builddir>      e.g. build/m33
#
# Uses the build's own nm (CMAKE_NM: arm-none-eabi-nm for the Cortex-M33
# build) and lists the undefined symbols of every object in the archive.
# DFU_ASSERT maps to assert() unless NDEBUG is defined, so check a build
# with NDEBUG (MinSizeRel / Release): there __assert_func must not appear.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 <builddir>" >&2
  exit 2
fi
dir=$1
lib=$dir/libdfu.a
if [ ! -f "$lib" ]; then
  echo "check-lib-symbols: $lib not found (build first)" >&2
  exit 2
fi
nm=
if [ -f "$dir/CMakeCache.txt" ]; then
  nm=$(sed -n 's/^CMAKE_NM:FILEPATH=//p' "$dir/CMakeCache.txt")
fi
if [ -z "$nm" ]; then
  nm=arm-none-eabi-nm
  command -v "$nm" >/dev/null 2>&1 || nm="nm"
fi

# Heap, stdio, exit/abort, assert - and newlib's reentrant spellings of them.
forbidden='malloc calloc realloc free reallocarray posix_memalign aligned_alloc
  _malloc_r _calloc_r _realloc_r _free_r
  printf vprintf fprintf vfprintf sprintf vsprintf snprintf vsnprintf
  iprintf siprintf sniprintf fiprintf _printf_r _vfprintf_r _svfprintf_r
  puts fputs putchar fputc putc fwrite fflush fopen fclose
  _puts_r _fputs_r _putchar_r _fputc_r _fwrite_r _fopen_r
  exit _exit abort __assert_func __assert __assert_fail'

bad=$("$nm" -u "$lib" | awk -v list="$forbidden" '
  BEGIN { n = split(list, a, /[ \t\n]+/); for (i = 1; i <= n; i++) if (a[i] != "") f[a[i]] = 1 }
  /:$/ { obj = substr($0, 1, length($0) - 1); next }
  $1 == "U" && ($2 in f) { print "  " obj ": " $2 }')

if [ -n "$bad" ]; then
  echo "check-lib-symbols: $lib references forbidden symbols:" >&2
  echo "$bad" >&2
  if echo "$bad" | grep -q '__assert'; then
    echo "  (assert(): DFU_ASSERT is assert() unless NDEBUG is defined)" >&2
  fi
  exit 1
fi
# Report what the library needs from outside itself.
ext=$(comm -23 <("$nm" -u "$lib" | awk '$1 == "U" { print $2 }' | sort -u) \
               <("$nm" --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u) | tr '\n' ' ')
echo "check-lib-symbols: $lib ok; external references: ${ext% }"
