#!/usr/bin/env bash
# dfu-sim and application deltas end to end on an nrf9160dk device: real
# Zephyr Cortex-M33 builds (tests/vectors/firmware) signed with mkimage
# --payload, a patch from mkpatch, detect, apply, status (the base a patch
# needs, the download's state), reset, refusals (another base, no base, a
# corrupted or truncated patch: nothing but the secondary touched), and a
# power cut at every flash/store operation of the apply, each resumed to a
# bit-exact, verified, requested image.
#
#   bash tests/cli/delta_test.sh path/to/dfu-sim
#
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016 # conditions for eval are single-quoted on purpose
set -u

SIM=$(realpath "${1:?usage: delta_test.sh path/to/dfu-sim}") || exit 1
[ -x "$SIM" ] || { echo "no dfu-sim at $SIM"; exit 1; }
PREFIX=dsim_delta
report_failure() {
	{ printf '%s\n' "$OUT" | tail -n 15; printf '%s\n' "$ERR" | tail -n 5; } | sed 's/^/     | /'
}
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/cli/sim_lib.sh
. "$HERE/sim_lib.sh"
FW="$HERE/../vectors/firmware"
cd "$T" || exit 1

echo "== signed images from firmware binaries, a patch"
sim keygen k.pem
sim mkimage old.img --payload "$FW/shell_module_v1.bin" --key k.pem --version 1.0.0+1
check "mkimage --payload: exit 0" rc_is 0
sim mkimage new.img --payload "$FW/shell_module_v2.bin" --key k.pem --version 1.0.1+2
sim detect new.img --json
check "mkimage --payload: the image's payload is the binary" \
	eval '[ "$(js "d[\"image_size\"]")" = "$(size_of "$FW/shell_module_v2.bin")" ]'
sim mkimage x.img --payload "$T/none.bin"
check "mkimage --payload of a missing file: exit 3, names it" \
	eval 'rc_is 3 && err_has "none.bin"'
sim mkpatch old.img new.img up.delta
check "mkpatch: exit 0" rc_is 0
sim detect up.delta --json
check "detect: type mcuboot-delta, every check ok" \
	eval 'rc_is 0 && jis "d[\"type\"]" mcuboot-delta && jis "sorted(set(d[\"checks\"].values()))" "[\"ok\"]"'
NEED=$(js 'd["base_digest"]')
check "detect: the new version and size" \
	eval 'jis "d[\"new_version\"]" 1.0.1+2 && [ "$(js "d[\"new_size\"]")" = "$(size_of new.img)" ]'

sim init p0 --board nrf9160dk --key k.pem --factory old.img
check "init with the old image running: exit 0" rc_is 0
status p0
check "status: the running image's delta base is the one the patch needs" \
	eval 'jis "d[\"images\"][0][\"delta_base\"][\"sha256\"]" "$NEED"'
check "status: no delta download yet" eval 'jis "\"delta_download\" in d[\"images\"][0]" false'

echo "== apply, status, reset"
fresh d1 p0
sim apply d1 up.delta --json
check "apply: exit 0, type mcuboot-delta, test requested" \
	eval 'rc_is 0 && jis "d[\"type\"]" mcuboot-delta'
check "apply: the secondary holds the new image, bit-exact" slot_has d1 app secondary new.img
check "apply: the primary is untouched" slot_has d1 app primary old.img
status d1
check "status after apply: test request, delta download complete" \
	eval 'jis "d[\"images\"][0][\"request\"]" test && jis "d[\"images\"][0][\"delta_download\"][\"state\"]" complete'
sim status d1
check "status (text): names the base and the download" \
	eval 'has "delta base: $NEED" && has "complete: the rebuilt image is verified"'
# A completed download is reused only with an expected digest (issue 13):
# the same artifact again rebuilds and verifies the image once more.
sim apply d1 up.delta --json
check "apply again: exit 0, the same bytes, test requested" \
	eval 'rc_is 0 && slot_has d1 app secondary new.img && jis "d[\"scheduled\"]" test'
sim reset d1
check "reset: MCUboot swaps the new image in" slot_has d1 app primary new.img
status d1
check "status after the swap: the download is installed, the base is now the new image" \
	eval 'jis "d[\"images\"][0][\"delta_download\"][\"state\"]" installed && ! jis "d[\"images\"][0][\"delta_base\"][\"sha256\"]" "$NEED"'
sim confirm d1
sim apply d1 up.delta --json
check "the same patch on the new image: refused (exit 2), check base, nothing written" \
	eval 'rc_is 2 && jis "d[\"check\"]" base && jis "d[\"flash_ops\"]" 0'
sim apply d1 up.delta
check "the refusal names what runs and what the patch needs" \
	eval 'has "the device runs 1.0.1+2" && has "needs base $NEED"'

echo "== refusals: nothing but the secondary touched"
sim init e1 --board nrf9160dk --key k.pem
sim apply e1 up.delta --json
check "no image running: exit 2, check base, nothing written" \
	eval 'rc_is 2 && jis "d[\"check\"]" base && jis "d[\"flash_ops\"]" 0'
sim init w1 --board nrf9160dk --key k.pem --factory new.img
sim apply w1 up.delta --json
check "another base running: exit 2, check base, secondary still erased" \
	eval 'rc_is 2 && jis "d[\"check\"]" base && slot_erased w1 app secondary'
# a flipped byte in the patch body (past the envelope and detools header)
python3 - up.delta bad.delta 600 <<'EOF_PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[int(sys.argv[3])] ^= 0x5a
open(sys.argv[2], "wb").write(b)
EOF_PY
sim detect bad.delta --json
check "detect: a corrupted patch fails its crc check" eval 'rc_is 2 && ! jis "d[\"checks\"][\"crc\"]" ok'
fresh d2 p0
sim apply d2 bad.delta --json
check "corrupted patch: exit 2 (format, patch or digest), primary untouched" \
	eval 'rc_is 2 && slot_has d2 app primary old.img'
status d2
check "corrupted patch: nothing requested" eval 'jis "d[\"images\"][0][\"request\"]" none'
head -c $(($(size_of up.delta) - 100)) up.delta >short.delta
fresh d2 p0
sim apply d2 short.delta --json
check "truncated patch: exit 2, primary untouched, nothing requested" \
	eval 'rc_is 2 && slot_has d2 app primary old.img'

echo "== power cut at every flash/store operation of the apply, resumed"
fresh d3 p0
sim apply d3 up.delta --json
TOTAL=$(js 'd["ops"]')
bad_rc="" bad_resume="" bad_bytes="" bad_state="" first_ok=0 n=0 cuts=0
t0=$SECONDS
while [ $n -lt 400 ]; do
	n=$((n + 1))
	fresh d3 p0
	sim apply d3 up.delta --json --cut-ops $n
	if rc_is 4; then
		cuts=$((cuts + 1))
		[ "$first_ok" -eq 0 ] || bad_rc+=" $n(4 after 0)"
		status d3
		jis 'd["images"][0]["delta_download"]["state"]' resumable ||
			jis 'd["images"][0]["delta_download"]["state"]' complete ||
			! jis '"delta_download" in d["images"][0]' true || bad_state+=" $n"
		sim apply d3 up.delta --json
		rc_is 0 || bad_resume+=" $n($RC)"
	elif rc_is 0; then
		[ "$first_ok" -ne 0 ] || first_ok=$n
	else
		bad_rc+=" $n($RC)"
	fi
	slot_has d3 app secondary new.img || bad_bytes+=" $n"
	slot_has d3 app primary old.img || bad_bytes+=" $n(primary)"
	status d3
	jis 'd["images"][0]["request"]' test || bad_state+=" $n(request)"
	[ "$first_ok" -ne 0 ] && [ $n -gt "${TOTAL:-0}" ] && break
done
echo "     ($n runs, $cuts power cuts, first complete run at N=$first_ok; $((SECONDS - t0)) s)"
check "cut-ops 1..$n: exit 4 or 0, never another (bad:${bad_rc:- none})" [ -z "$bad_rc" ]
check "cut-ops: every resume exits 0 (bad:${bad_resume:- none})" [ -z "$bad_resume" ]
check "cut-ops: secondary == new image, primary == old after every N (bad:${bad_bytes:- none})" \
	[ -z "$bad_bytes" ]
check "cut-ops: status resumable/complete after the cut, test requested at the end (bad:${bad_state:- none})" \
	[ -z "$bad_state" ]
check "cut-ops: every N up to the full run's ops ($TOTAL) cuts, N = $((TOTAL + 1)) completes" \
	eval '[ "$first_ok" -eq $((TOTAL + 1)) ] && [ "$cuts" -eq "$TOTAL" ]'

summary
