# dfu-sim helpers shared by the CLI scripts that drive it (sourced after
# lib.sh; the script sets SIM to the dfu-sim binary and has cd'd into $T
# or uses paths under it). SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash

# sim ARGS...: runs dfu-sim; sets RC, OUT (stdout), ERR (stderr). A
# sanitizer report is a failure of its own.
OUT=
ERR=
sim() {
	OUT=$("$SIM" "$@" 2>"$T/stderr")
	RC=$?
	ERR=$(cat "$T/stderr")
	if grep -qE 'Sanitizer|runtime error:' "$T/stderr"; then
		ko "no sanitizer report: dfu-sim $*"
	fi
}
rc_is() { [ "$RC" -eq "$1" ]; }
has() { printf '%s\n' "$OUT" | grep -q -- "$1"; }
err_has() { printf '%s\n' "$ERR" | grep -q -- "$1"; }
# js EXPR: EXPR over d = OUT parsed as JSON (strings bare, else JSON text)
js() {
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1" 2>/dev/null
}
jis() { [ "$(js "$1")" = "$2" ]; }
json_ok() { printf '%s' "$OUT" | python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null; }
size_of() { stat -c %s "$1"; }
in_range() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# area DEV PAIR primary|secondary: "flash offset size" from DEV/board.txt
area() {
	awk -v p="$2" -v w="$3=" '$1 == "pair" && $2 == p {
		for (i = 3; i <= NF; i++) if (index($i, w) == 1) {
			split(substr($i, length(w) + 1), a, /[:+]/); print a[1], a[2], a[3] } }' \
		"$1/board.txt"
}
# slot_has DEV PAIR WHICH FILE: the slot starts with FILE's bytes
slot_has() {
	local fl off sz
	read -r fl off sz < <(area "$1" "$2" "$3")
	[ -n "$fl" ] || return 1
	cmp -s -n "$(size_of "$4")" "$4" <(tail -c +$((off + 1)) "$1/$fl.bin")
}
# slot_erased DEV PAIR WHICH: every byte of the slot is 0xff
slot_erased() {
	local fl off sz
	read -r fl off sz < <(area "$1" "$2" "$3")
	[ -n "$fl" ] || return 1
	cmp -s -n $((sz)) <(tail -c +$((off + 1)) "$1/$fl.bin") \
		<(head -c $((sz)) /dev/zero | tr '\0' '\377')
}
# status DEV: status --json into OUT; a check that it parses
status() {
	sim status "$1" --json
	json_ok || ko "status --json parses ($1)"
}
# fresh NAME PRISTINE: a copy of a pristine device
fresh() {
	rm -rf "${T:?}/$1"
	cp -r "$T/$2" "$T/$1"
}
