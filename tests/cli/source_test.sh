#!/usr/bin/env bash
# dfu-sim sources (tools/dfu_sim/source.c) through dsim-fetch against the
# test HTTP server (tests/cli/httpd.py): full and ranged downloads, a
# server without Range support, dropped connections and their resume,
# HTTP errors, local files.
#
#   bash tests/cli/source_test.sh path/to/dsim-fetch
#
# Prints one line per check and "N passed, N failed, N skipped"; exits
# non-zero when a check failed. SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2154 # PORT_<name> are set by start_server (printf -v)
set -u

FETCH=${1:?usage: source_test.sh path/to/dsim-fetch}
PREFIX=dsim_source
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# fetch OUT SOURCE START [READ_LEN]: runs dsim-fetch, sets RC and LOG (its stdout).
fetch() {
	local out=$1
	shift
	LOG=$("$FETCH" "$1" "$2" "$out" "${@:3}" 2>&1)
	RC=$?
	printf '%s\n' "$LOG" | sed 's/^/     | /'
}

size_of() { stat -c %s "$1"; }
same() { cmp -s "$1" "$2"; }
# is_tail FILE START OUT: OUT == FILE from byte START on
is_tail() { tail -c +"$(($2 + 1))" "$1" | cmp -s - "$3"; }
# is_slice FILE START OUT: OUT == the next size(OUT) bytes of FILE at START
is_slice() {
	local n
	n=$(size_of "$3")
	tail -c +"$(($2 + 1))" "$1" | head -c "$n" | cmp -s - "$3"
}
has() { printf '%s\n' "$LOG" | grep -q -- "$1"; }
all_of() {
	local w
	for w in "$@"; do has "$w" || return 1; done
}
logged() { grep -q -- "$2" "$T/$1.log"; }

mkdir -p "$T/www"
SIZE=1000003 # not a multiple of the read size, larger than the 64 KiB ring
python3 -c '
import random, sys
r = random.Random(1234)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[1]))))
' "$SIZE" >"$T/www/img.bin"
: >"$T/www/empty.bin"
IMG="$T/www/img.bin"

start_server plain
start_server norange --no-range
start_server drop --drop-after 400000
start_server rst --drop-after 300000 --drop-once --drop-mode rst
start_server nrdrop --no-range --drop-after 500000
start_server early --drop-after 1000
U=http://127.0.0.1:$PORT_plain
UN=http://127.0.0.1:$PORT_norange
UD=http://127.0.0.1:$PORT_drop
UR=http://127.0.0.1:$PORT_rst
UND=http://127.0.0.1:$PORT_nrdrop
UE=http://127.0.0.1:$PORT_early

echo "== full download"
fetch "$T/o1" "$U/img.bin" 0
check "full: exit 0" [ "$RC" -eq 0 ]
check "full: total" has "total $SIZE"
check "full: byte-identical" same "$IMG" "$T/o1"
check "full: no Range sent" logged plain "GET /img.bin range=- status=200 sent=$SIZE"

echo "== large reads (one read spans several ring fills)"
fetch "$T/o1b" "$U/img.bin" 0 300000
check "large reads: exit 0" [ "$RC" -eq 0 ]
check "large reads: byte-identical" same "$IMG" "$T/o1b"

echo "== 1-byte reads from a ranged start"
fetch "$T/o1c" "$U/img.bin" 990000 1
check "1-byte reads: exit 0" [ "$RC" -eq 0 ]
check "1-byte reads: right bytes" is_tail "$IMG" 990000 "$T/o1c"

echo "== ranged start"
fetch "$T/o2" "$U/img.bin" 123457
check "ranged: exit 0" [ "$RC" -eq 0 ]
check "ranged: total is the full size" has "total $SIZE"
check "ranged: right bytes" is_tail "$IMG" 123457 "$T/o2"
check "ranged: 206 to bytes=123457-" logged plain "range=bytes=123457- status=206 sent=$((SIZE - 123457))"

echo "== start at the last byte"
fetch "$T/o2b" "$U/img.bin" $((SIZE - 1))
check "last byte: exit 0" [ "$RC" -eq 0 ]
check "last byte: right byte" is_tail "$IMG" $((SIZE - 1)) "$T/o2b"

echo "== server without Range support"
fetch "$T/o3" "$UN/img.bin" 5000
check "no-range: exit 0" [ "$RC" -eq 0 ]
check "no-range: total" has "total $SIZE"
check "no-range: right bytes" is_tail "$IMG" 5000 "$T/o3"
check "no-range: server answered 200" logged norange "range=bytes=5000- status=200 sent=$SIZE"
fetch "$T/o3b" "$UN/img.bin" $((SIZE + 5))
check "no-range: start past the end fails" [ "$RC" -eq 3 ]
check "no-range: says so" has "past the end"

echo "== dropped connection (FIN after 400000 bytes), resume"
fetch "$T/o4" "$UD/img.bin" 0
check "drop: exit 3" [ "$RC" -eq 3 ]
check "drop: ECONNRESET" has "error: ECONNRESET"
check "drop: partial is 400000 bytes" [ "$(size_of "$T/o4")" -eq 400000 ]
check "drop: partial is a prefix" is_slice "$IMG" 0 "$T/o4"
fetch "$T/o4r" "$UD/img.bin" 400000
check "drop: resume exit 0" [ "$RC" -eq 0 ]
cat "$T/o4r" >>"$T/o4"
check "drop: resumed file byte-identical" same "$IMG" "$T/o4"
check "drop: resume used a Range" logged drop "range=bytes=400000- status=206 sent=$((SIZE - 400000))"
fetch "$T/o4b" "$UD/img.bin" 100000
check "drop: ranged request spanning N drops too" [ "$RC" -eq 3 ]
check "drop: ranged partial right bytes" is_slice "$IMG" 100000 "$T/o4b"
check "drop: ranged partial ends at N" [ "$(size_of "$T/o4b")" -eq 300000 ]

echo "== drop within the first ring fill (the body and the drop arrive during the open)"
for i in 1 2 3 4 5; do
	fetch "$T/o4e" "$UE/img.bin" 0
	check "early drop $i: exit 3 after the data, not an open error" [ "$RC" -eq 3 ]
	check "early drop $i: ECONNRESET" has "error: ECONNRESET"
	check "early drop $i: the 1000 bytes were handed over" [ "$(size_of "$T/o4e")" -eq 1000 ]
done

echo "== reset connection (RST after <= 300000 bytes, once), resume"
fetch "$T/o5" "$UR/img.bin" 0
check "rst: exit 3" [ "$RC" -eq 3 ]
check "rst: ECONNRESET" has "error: ECONNRESET"
got=$(size_of "$T/o5")
check "rst: partial <= 300000 bytes" [ "$got" -le 300000 ]
check "rst: partial is a prefix" is_slice "$IMG" 0 "$T/o5"
fetch "$T/o5r" "$UR/img.bin" "$got"
check "rst: resume exit 0" [ "$RC" -eq 0 ]
cat "$T/o5r" >>"$T/o5"
check "rst: resumed file byte-identical" same "$IMG" "$T/o5"
fetch "$T/o5c" "$UR/img.bin" 0
check "rst: --drop-once: next full download completes" same "$IMG" "$T/o5c"

echo "== no Range support and a drop: 200 skipped forward, then cut"
fetch "$T/o6" "$UND/img.bin" 100000
check "no-range drop: exit 3" [ "$RC" -eq 3 ]
check "no-range drop: ECONNRESET" has "error: ECONNRESET"
check "no-range drop: partial right bytes" is_slice "$IMG" 100000 "$T/o6"
check "no-range drop: partial ends at N" [ "$(size_of "$T/o6")" -eq 400000 ]

echo "== HTTP errors"
fetch "$T/o7" "$U/missing.bin" 0
check "404: exit 3" [ "$RC" -eq 3 ]
check "404: message" has "HTTP 404"
fetch "$T/o7b" "$U/img.bin" $((SIZE + 1))
check "416: exit 3" [ "$RC" -eq 3 ]
check "416: message" has "HTTP 416"
fetch "$T/o7c" "$U/empty.bin" 0
check "empty file: exit 0" [ "$RC" -eq 0 ]
check "empty file: total 0, got 0" all_of "total 0" "got 0"
# A port nothing listens on: a server that was started and stopped.
start_server gone
kill "${PIDS[-1]}" 2>/dev/null
wait "${PIDS[-1]}" 2>/dev/null
fetch "$T/o7d" "http://127.0.0.1:$PORT_gone/img.bin" 0
check "refused: exit 3" [ "$RC" -eq 3 ]
fetch "$T/o7e" "ftp://127.0.0.1/img.bin" 0
check "ftp:// refused" [ "$RC" -eq 3 ]

echo "== local files"
fetch "$T/o8" "$IMG" 0
check "local: exit 0" [ "$RC" -eq 0 ]
check "local: total" has "total $SIZE"
check "local: byte-identical" same "$IMG" "$T/o8"
fetch "$T/o8b" "$IMG" 777777
check "local start: right bytes" is_tail "$IMG" 777777 "$T/o8b"
fetch "$T/o8c" "$IMG" "$SIZE"
check "local start = size: exit 0" [ "$RC" -eq 0 ]
check "local start = size: empty" all_of "got 0"
fetch "$T/o8d" "$IMG" $((SIZE + 1))
check "local start > size: exit 3" [ "$RC" -eq 3 ]
fetch "$T/o8e" "$T/www/nope.bin" 0
check "local missing: exit 3" [ "$RC" -eq 3 ]

summary
[ "$fail" -eq 0 ]
