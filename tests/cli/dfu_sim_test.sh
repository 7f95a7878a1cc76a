#!/usr/bin/env bash
# dfu-sim end to end: keys and sample artifacts, init, apply (file and
# http://), power cuts by bytes and by flash operations and their resume,
# transport drops, rejections, status / reset / confirm, the nRF5340
# network core, modem deltas, usage errors, detect and layout files. The
# device's flash files are byte-checked against the artifacts.
#
#   bash tests/cli/dfu_sim_test.sh path/to/dfu-sim
#
# Prints "ok - name" / "FAIL - name" per check and a summary; exits
# non-zero when a check failed. SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2154 # PORT_<name> are set by start_server (printf -v)
# shellcheck disable=SC2016 # conditions for eval are single-quoted on purpose
set -u

SIM=${1:?usage: dfu_sim_test.sh path/to/dfu-sim}
PREFIX=dsim_cli
report_failure() {
	{ printf '%s\n' "$OUT" | tail -n 15; printf '%s\n' "$ERR" | tail -n 5; } | sed 's/^/     | /'
}
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
VECTORS="$HERE/../vectors/mcuboot"
# shellcheck source=tests/cli/sim_lib.sh
. "$HERE/sim_lib.sh"

# start_server NAME [httpd options]: sets PORT_<NAME>, log in $T/NAME.log
stop_last_server() {
	kill "${PIDS[-1]}" 2>/dev/null
	wait "${PIDS[-1]}" 2>/dev/null
}
# ranged_resume LOG MAX [STATUS]: LOG has a "Range: bytes=K-" request,
# 0 < K <= MAX, answered with STATUS (206)
ranged_resume() {
	awk -v max="$2" -v st="status=${3:-206}" '
		match($0, /range=bytes=[0-9]+- /) {
			k = substr($0, RSTART + 12, RLENGTH - 14) + 0
			if (k > 0 && k <= max && index($0, st)) found = 1 }
		END { exit !found }' "$T/$1.log"
}

cd "$T" || exit 1

echo "== keys, images, pristine devices"
sim keygen k.pem
check "keygen: exit 0" rc_is 0
check "keygen: private and public PEM" eval '[ -s k.pem ] && [ -s k.pem.pub ]'
sim keygen k2.pem
sim mkimage v1.bin --size 30000 --key k.pem --version 1.0.0+1 --seed 1
check "mkimage v1: exit 0" rc_is 0
sim mkimage v2.bin --size 100000 --key k.pem --version 2.1.0+7 --seed 2
check "mkimage v2: exit 0" rc_is 0
sim detect v2.bin
check "detect: signed image version" has "version: *2.1.0+7"
"$SIM" init p91 --board nrf9160dk --key k.pem.pub >/dev/null
"$SIM" init p52 --board nrf52840dk --key k.pem.pub >/dev/null
V2SIZE=$(size_of v2.bin)

echo "== 1. file source, nrf9160dk: apply, status, reset, confirm"
sim init d1 --board nrf9160dk --key k.pem.pub --factory v1.bin
check "init --factory: exit 0" rc_is 0
check "init --factory: primary holds v1" slot_has d1 app primary v1.bin
sim apply d1 v2.bin
check "apply: exit 0" rc_is 0
check "apply: accepted, test requested" has "accepted: .*test upgrade requested"
check "apply: secondary == image" slot_has d1 app secondary v2.bin
check "apply: primary still v1" slot_has d1 app primary v1.bin
sim apply d1 v2.bin --json
# a completed download is not reused without a digest: downloaded again
check "apply again: exit 0, downloaded again" eval 'rc_is 0 && [ "$(js "d[\"flash_ops\"]")" -gt 0 ]'
status d1
check "status: request test" jis 'd["images"][0]["request"]' test
check "status: will_install true" jis 'd["images"][0]["will_install"]' true
check "status: secondary version" jis 'd["images"][0]["secondary"]["version"]' 2.1.0+7
check "status: secondary signature ok" jis 'd["images"][0]["secondary"]["signature"]' ok
check "status: on reset swaps" jis '"swaps in 2.1.0+7 as a test" in d["images"][0]["on_reset"]' true
sim reset d1
check "reset: exit 0" rc_is 0
check "reset: primary == new image" slot_has d1 app primary v2.bin
check "reset: secondary == old image" slot_has d1 app secondary v1.bin
status d1
check "after reset: revert pending" jis 'd["images"][0]["request"]' revert
check "after reset: primary runs 2.1.0+7" jis 'd["images"][0]["primary"]["version"]' 2.1.0+7
sim confirm d1
check "confirm: exit 0" rc_is 0
status d1
check "confirm: request none" jis 'd["images"][0]["request"]' none
check "confirm: boots 2.1.0+7" jis 'd["images"][0]["on_reset"]' "boots 2.1.0+7"
sim reset d1 --json
check "reset after confirm: exit 0, JSON" eval 'rc_is 0 && json_ok'
check "reset after confirm: primary keeps new image" slot_has d1 app primary v2.bin
sim apply d1 v2.bin
check "apply the installed image again: a new download, never the old image" \
	eval 'rc_is 0 && slot_has d1 app secondary v2.bin'

echo "== 2. power cut after 40 % of the bytes, resume"
CUT=$((V2SIZE * 40 / 100))
sim init d2 --board nrf9160dk --key k.pem.pub --factory v1.bin
sim apply d2 v2.bin --cut-after 40%
check "cut 40%: exit 4" rc_is 4
check "cut 40%: says POWER CUT at byte $CUT" has "POWER CUT at byte $CUT of $V2SIZE"
check "cut 40%: not scheduled" eval 'status d2; jis "d[\"images\"][0][\"request\"]" none'
status d2
D=$(js 'd["downloads_in_progress"][0]["durable"]')
check "cut 40%: status shows the download in progress, 0 < durable <= $CUT (${D:-none})" \
	eval 'jis "d[\"downloads_in_progress\"][0][\"size\"]" "$V2SIZE" && in_range "${D:-0}" 1 "$CUT"'
sim apply d2 v2.bin
N=$(printf '%s\n' "$OUT" | sed -n 's/.*resuming from byte \([0-9]*\).*/\1/p' | head -n 1)
check "resume: from the durable offset status showed" [ "${N:-x}" = "${D:-y}" ]
check "finished: no download in progress" eval 'status d2; jis "len(d[\"downloads_in_progress\"])" 0'
check "resume: exit 0" rc_is 0
check "resume: from byte N, 0 < N <= $CUT (N=${N:-none})" in_range "${N:-0}" 1 "$CUT"
check "resume: secondary == image" slot_has d2 app secondary v2.bin
check "resume: primary untouched" slot_has d2 app primary v1.bin
check "resume: test requested" eval 'status d2; jis "d[\"images\"][0][\"request\"]" test'
fresh d2j p91
sim apply d2j v2.bin --cut-after 40% --json
check "cut 40% --json: exit 4, result power_cut" eval 'rc_is 4 && jis "d[\"result\"]" power_cut'
sim apply d2j v2.bin --json
R=$(js 'd["resumed_from"]')
check "resume --json: exit 0, accepted" eval 'rc_is 0 && jis "d[\"result\"]" accepted'
check "resume --json: 0 < resumed_from <= $CUT (${R:-none})" in_range "${R:-0}" 1 "$CUT"
check "resume --json: secondary == image" slot_has d2j app secondary v2.bin
sim reset d2
sim reset d2
check "revert (two resets, no confirm): primary == v1 again" slot_has d2 app primary v1.bin
check "revert: secondary == v2" slot_has d2 app secondary v2.bin

echo "== 3. power cut at the Nth flash/store operation, resume (all N)"
sim mkimage s.bin --size 20000 --key k.pem --version 1.1.0 --seed 3
fresh d3 p52
sim apply d3 s.bin --json
TOTAL=$(js 'd["ops"]')
check "full apply: exit 0, ops > flash_ops > 0 (${TOTAL:-?})" \
	eval 'rc_is 0 && [ "${TOTAL:-0}" -gt "$(js "d[\"flash_ops\"]")" ] && [ "$(js "d[\"flash_ops\"]")" -gt 0 ]'
bad_rc="" bad_resume="" bad_bytes="" bad_sched="" first_ok=0 n=0 cuts=0
t0=$SECONDS
while [ $n -lt 300 ]; do
	n=$((n + 1))
	fresh d3 p52
	sim apply d3 s.bin --json --cut-ops $n
	if rc_is 4; then
		cuts=$((cuts + 1))
		[ "$first_ok" -eq 0 ] || bad_rc+=" $n(4 after 0)"
		sim apply d3 s.bin --json
		rc_is 0 || bad_resume+=" $n($RC)"
	elif rc_is 0; then
		[ "$first_ok" -ne 0 ] || first_ok=$n
	else
		bad_rc+=" $n($RC)"
	fi
	slot_has d3 app secondary s.bin || bad_bytes+=" $n"
	status d3
	jis 'd["images"][0]["request"]' test || bad_sched+=" $n"
	[ "$first_ok" -ne 0 ] && [ $n -ge $((first_ok + 2)) ] && [ $n -gt "${TOTAL:-0}" ] && break
done
echo "     ($n runs, $cuts power cuts, first complete run at N=$first_ok; $((SECONDS - t0)) s)"
check "cut-ops 1..$n: exit 4 or 0, never another (bad:${bad_rc:- none})" [ -z "$bad_rc" ]
check "cut-ops: every resume exits 0 (bad:${bad_resume:- none})" [ -z "$bad_resume" ]
check "cut-ops: secondary == image after every N (bad:${bad_bytes:- none})" [ -z "$bad_bytes" ]
check "cut-ops: test requested after every N (bad:${bad_sched:- none})" [ -z "$bad_sched" ]
check "cut-ops: cuts at N = 1..$((first_ok - 1)), past the end (N > ops $TOTAL) runs complete" \
	eval '[ "$first_ok" -gt "${TOTAL:-0}" ] && [ "$cuts" -eq $((first_ok - 1)) ]'
check "cut-ops counts what the report's ops counts: N = $TOTAL cuts, N = $((TOTAL + 1)) completes" \
	[ "$first_ok" -eq $((TOTAL + 1)) ]
fresh d3 p52
sim apply d3 s.bin --cut-ops 7
sim apply d3 s.bin --cut-ops 3
check "two cuts in a row: second run also cut (exit 4)" rc_is 4
sim apply d3 s.bin
check "two cuts in a row: third run exit 0, bytes exact" eval 'rc_is 0 && slot_has d3 app secondary s.bin'

echo "== 4. HTTP source"
mkdir -p www
cp v2.bin www/app.bin
HALF=$((V2SIZE / 2))
start_server plain
start_server once --drop-after $HALF --drop-once
start_server drop --drop-after $HALF
start_server norange --no-range
start_server rst --drop-after $((V2SIZE / 3)) --drop-once --drop-mode rst
fresh d4 p91
sim apply d4 "http://127.0.0.1:$PORT_plain/app.bin"
check "http: exit 0" rc_is 0
check "http: secondary == image" slot_has d4 app secondary v2.bin
fresh d4 p91
sim apply d4 "http://127.0.0.1:$PORT_once/app.bin"
check "http drop once: completes in one run (exit 0)" rc_is 0
check "http drop once: says it resumed" has "transport: .*resuming"
check "http drop once: Range request from <= $HALF" ranged_resume once $HALF
check "http drop once: secondary == image" slot_has d4 app secondary v2.bin
fresh d4 p91
sim apply d4 "http://127.0.0.1:$PORT_rst/app.bin"
check "http reset (RST) once: completes in one run, bytes exact" \
	eval 'rc_is 0 && has "transport: .*resuming" && slot_has d4 app secondary v2.bin'
fresh d4 p91
sim apply d4 "http://127.0.0.1:$PORT_drop/app.bin" --retries 0
check "http always drops, --retries 0: exit 3" rc_is 3
check "http always drops: not scheduled" eval 'status d4; jis "d[\"images\"][0][\"request\"]" none'
start_server again
sim apply d4 "http://127.0.0.1:$PORT_again/app.bin" --json
check "http resume on a new server: exit 0" rc_is 0
check "http resume: resumed_from > 0" [ "$(js 'd["resumed_from"]')" -gt 0 ]
check "http resume: Range request from <= $HALF" ranged_resume again $HALF
check "http resume: secondary == image" slot_has d4 app secondary v2.bin
fresh d4 p91
sim apply d4 "http://127.0.0.1:$PORT_norange/app.bin" --cut-after 40%
check "no-range server: cut at 40 % exit 4" rc_is 4
sim apply d4 "http://127.0.0.1:$PORT_norange/app.bin"
check "no-range server: resume exit 0" rc_is 0
check "no-range server: resume skipped a 200 forward" ranged_resume norange "$CUT" 200
check "no-range server: secondary == image" slot_has d4 app secondary v2.bin
sim apply d4 "http://127.0.0.1:$PORT_plain/missing.bin"
check "http 404: exit 3" rc_is 3

echo "== 5. rejections"
sim mkimage wrongkey.bin --size 30000 --key k2.pem --seed 4
sim mkimage big.bin --size 0x71000 --key k.pem --seed 5
sim mkimage unsigned.bin --size 30000 --seed 6
head -c 30000 /dev/urandom >junk.bin
cp v2.bin corrupt.bin
printf '\x55' | dd of=corrupt.bin bs=1 seek=5000 conv=notrunc 2>/dev/null
cmp -s v2.bin corrupt.bin && echo "     (corrupt.bin: byte 5000 was already 0x55)" &&
	printf '\xaa' | dd of=corrupt.bin bs=1 seek=5000 conv=notrunc 2>/dev/null
for c in wrongkey:signature big:size junk:type corrupt:digest unsigned:signature; do
	f=${c%%:*} want=${c#*:}
	fresh d5 p91
	sim apply d5 "$f.bin" --json
	check "reject $f: exit 2, check $want" eval 'rc_is 2 && jis "d[\"check\"]" "$want"'
	status d5
	check "reject $f: not scheduled (request none)" jis 'd["images"][0]["request"]' none
	if [ "$want" = signature ] || [ "$want" = digest ]; then
		check "reject $f: secondary holds no valid image" \
			jis 'd["images"][0]["secondary"]["image"] is False or d["images"][0]["secondary"]["digest"] != "ok"' true
		check "reject $f: will_install false" jis 'd["images"][0]["will_install"]' false
		head -c 32 "$f.bin" >hdr.bin
		check "reject $f: image header no longer in the secondary" eval '! slot_has d5 app secondary hdr.bin'
	fi
done

echo "== 6. nrf5340dk network core (copy install)"
sim mkimage net.bin --size 50000 --key k.pem --version 0.9.0+7 --seed 7
sim init d6 --board nrf5340dk --key k.pem.pub
sim apply d6 net.bin --image net
check "net: exit 0" rc_is 0
check "net: secondary == image" slot_has d6 net secondary net.bin
status d6
check "net: install copy" jis 'd["images"][1]["install"]' copy
check "net: request test, will install" eval 'jis "d[\"images\"][1][\"request\"]" test && jis "d[\"images\"][1][\"will_install\"]" true'
check "net: on reset copied" jis '"copied" in d["images"][1]["on_reset"]' true
check "net: app image untouched (request none)" jis 'd["images"][0]["request"]' none
sim reset d6
check "net reset: exit 0" rc_is 0
check "net reset: net primary == image" slot_has d6 net primary net.bin
check "net reset: secondary erased" slot_erased d6 net secondary
status d6
check "net reset: primary 0.9.0+7, request none" eval 'jis "d[\"images\"][1][\"primary\"][\"version\"]" 0.9.0+7 && jis "d[\"images\"][1][\"request\"]" none'
fresh d6b d6
sim apply d6b net.bin --image 1 --json
check "apply the installed net image again (--image 1): a new download" \
	eval 'rc_is 0 && slot_has d6b net secondary net.bin'
sim mkimage net2.bin --size 40000 --key k.pem --version 0.9.1 --seed 8
sim apply d6b net2.bin --image 1 --json
check "net by number (--image 1): exit 0, image 1" eval 'rc_is 0 && jis "d[\"image\"]" 1'
check "net by number: secondary == image" slot_has d6b net secondary net2.bin
sim apply d6b net.bin --image gpu
check "unknown --image name: a usage error (exit 1) listing the board's images" \
	eval 'rc_is 1 && err_has "--image gpu: board nrf5340dk has no such image (its images: 0 \"app\", 1 \"net\")"'
sim apply d6b net.bin --image 2 --json
check "--image 2 on a two-image board --json: usage_error object, exit 1" \
	eval 'rc_is 1 && jis "d[\"result\"]" usage_error && jis "d[\"exit\"]" 1'

echo "== 7. modem delta (nrf9160dk)"
fresh d7 p91
UUID=$(awk '$1 == "modem" { for (i = 2; i <= NF; i++) if ($i ~ /^uuid=/) print substr($i, 6) }' d7/board.txt)
NEW=11111111-2222-4333-8444-555555555555
check "board.txt names the modem uuid" [ ${#UUID} -eq 36 ]
sim mkdelta delta.bin --from "$UUID" --to $NEW --size 100000
check "mkdelta: exit 0" rc_is 0
sim apply d7 delta.bin
check "delta: exit 0" rc_is 0
status d7
check "delta: update scheduled" jis 'd["modem"]["update_pending"]' true
check "delta: firmware still the old uuid" jis 'd["modem"]["uuid"]' "$UUID"
sim reset d7 --json
check "delta reset: exit 0, applied" eval 'rc_is 0 && jis "d[\"modem\"][\"applied\"]" true'
check "delta reset: modem runs the new uuid" jis 'd["modem"]["uuid"]' $NEW
status d7
check "delta status: uuid $NEW, nothing pending" eval 'jis "d[\"modem\"][\"uuid\"]" $NEW && jis "d[\"modem\"][\"update_pending\"]" false'
sim mkdelta wrong.bin --from 99999999-2222-4333-8444-555555555555 --to "$UUID" --size 50000
sim apply d7 wrong.bin --json
# Observed behaviour: the modem refuses the patch at its first write.
check "delta from a wrong uuid: rejected at apply, exit 2, check modem_firmware" \
	eval 'rc_is 2 && jis "d[\"check\"]" modem_firmware'
status d7
check "wrong delta: nothing pending, uuid unchanged" eval 'jis "d[\"modem\"][\"update_pending\"]" false && jis "d[\"modem\"][\"uuid\"]" $NEW'
sim apply d7 delta.bin --json
check "the applied delta again: exit 2, check modem_firmware" \
	eval 'rc_is 2 && jis "d[\"check\"]" modem_firmware'
sim reset d7 --json
check "wrong delta: reset applies nothing" eval 'rc_is 0 && jis "d[\"modem\"][\"applied\"]" false && jis "d[\"modem\"][\"uuid\"]" $NEW'

echo "== 7b. full modem image (nrf9160dk)"
sim mkfull fm.cbor --size 512
check "mkfull: exit 0" rc_is 0
fresh d10 p91
sim apply d10 fm.cbor --cut-after 30%
check "full modem: cut at 30 %: exit 4" rc_is 4
sim apply d10 fm.cbor --json
check "full modem: resume exit 0 from > 0" eval 'rc_is 0 && [ "$(js "d[\"resumed_from\"]")" -gt 0 ]'
FM_OFF=$(awk '$1 == "full-modem" { split($2, a, /[:+]/); print a[1], a[2] }' d10/board.txt)
read -r FM_FL FM_OFF <<<"$FM_OFF"
check "full modem: partition ($FM_FL@$FM_OFF) holds the file" \
	cmp -s -n "$(size_of fm.cbor)" fm.cbor <(tail -c +$((FM_OFF + 1)) "d10/$FM_FL.bin")
status d10
check "full modem: status stored and verified" \
	eval 'jis "d[\"full_modem\"][\"stored\"]" true && jis "d[\"full_modem\"][\"verified\"]" true'
check "full modem: status says the next reset installs it" \
	eval 'jis "d[\"full_modem\"][\"install_on_reset\"]" true && js "d[\"modem\"][\"on_reset\"]" | grep -q "partition is installed"'
sim status d10
check "full modem: status text says so" has "on reset: installed into the modem"
status d10
FM_WL=$(js 'd["full_modem"]["wrapper_len"]')
FM_UUID=$(python3 -c 'import hashlib, sys
h = hashlib.sha256(open(sys.argv[1], "rb").read()[int(sys.argv[2]):]).hexdigest()
print("-".join([h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]]))' fm.cbor "$FM_WL")
sim reset d10 --json
check "full modem reset: exit 0, installed from the partition" \
	eval 'rc_is 0 && jis "\"modem_install\" in d" true && jis "d[\"modem_install\"][\"error\"]" ""'
check "full modem reset: the modem boots the file's firmware ($FM_UUID)" \
	eval 'jis "d[\"modem\"][\"uuid\"]" "$FM_UUID" && jis "d[\"modem\"][\"error\"]" ""'
status d10
check "full modem after reset: file still stored and verified, not installed again" \
	eval 'jis "d[\"full_modem\"][\"verified\"]" true && jis "d[\"full_modem\"][\"install_on_reset\"]" false'
sim reset d10 --json
check "second reset: no install (the modem runs the file)" \
	eval 'rc_is 0 && jis "\"modem_install\" in d" false && jis "d[\"modem\"][\"uuid\"]" "$FM_UUID"'
sim reset d10
check "reset text: no install line" eval 'rc_is 0 && ! has "full update installed"'
sim mkfull fmbig.cbor --size 4096
fresh d10 p91
sim apply d10 fmbig.cbor --json
check "full modem larger than the partition: exit 2, check size" \
	eval 'rc_is 2 && jis "d[\"check\"]" size'
check "full modem larger than the partition: says both sizes" \
	jis 'd["message"]' "too big for the full modem partition: the file has $(size_of fmbig.cbor) bytes, the partition 4194304 bytes"

echo "== 8. usage errors, device errors, detect"
sim frobnicate
check "unknown command: exit 1" rc_is 1
sim
check "no command: exit 1" rc_is 1
sim apply d1
check "apply without an artifact: exit 1" rc_is 1
sim init
check "init without args: exit 1" rc_is 1
sim mkimage x.bin
check "mkimage without --size: exit 1" rc_is 1
for v in 0 100% 0% abc 12x; do
	sim apply d1 v2.bin --cut-after "$v"
	check "--cut-after $v: exit 1" rc_is 1
done
sim apply d1 v2.bin --cut-ops 0
check "--cut-ops 0: exit 1" rc_is 1
sim apply d1 v2.bin --chunk 0
check "--chunk 0: exit 1" rc_is 1
sim init d1 --board nrf9160dk
check "init over an existing device: exit 3" rc_is 3
sim init d8 --board nosuchboard
check "init unknown board: exit 1" rc_is 1
sim apply "$T/nodev" v2.bin
check "apply, missing device dir: exit 3" rc_is 3
sim status "$T/nodev"
check "status, missing device dir: exit 3" rc_is 3
sim reset "$T/nodev"
check "reset, missing device dir: exit 3" rc_is 3
sim apply d1 nosuch.bin
check "apply, missing artifact: exit 3" rc_is 3
sim detect "$VECTORS/v01.bin"
check "detect vector v01: exit 0, version 1.2.3+4" eval 'rc_is 0 && has "version: *1.2.3+4"'
sim detect "$VECTORS/v01.bin" --json
check "detect vector v01 --json: mcuboot" jis 'd["type"]' mcuboot
sim detect junk.bin --json
check "detect garbage --json: exit 2" rc_is 2
check "detect garbage --json: type unknown, its size, why not recognised" \
	eval 'jis "d[\"type\"]" unknown && jis "d[\"file_size\"]" 30000 && jis "d[\"error\"].startswith(\"not recognised: 30000 bytes starting \")" true'
head -c 10 junk.bin >short.bin
sim detect short.bin --json
check "detect a 10-byte file --json: too short to identify" \
	eval 'rc_is 2 && jis "d[\"file_size\"]" 10 && jis "\"too short\" in d[\"error\"]" true'
sim detect delta.bin --json
check "detect delta --json: modem_delta" eval 'rc_is 0 && jis "d[\"type\"]" modem_delta'
sim detect nosuch.bin
check "detect missing file: exit 3" rc_is 3

echo "== 9. layout files"
cat >tiny.txt <<'EOF'
# a small board
board tiny
flash int geometry=nrf52840 size=256K   # 64 erase blocks
pair app primary=int:0x8000+0x18000 secondary=int:0x20000+0x18000 mode=swap-scratch align=16
EOF
sim init d9 --layout tiny.txt --key k.pem.pub --factory v1.bin
check "layout: init exit 0" rc_is 0
check "layout: int.bin is 256 KiB" [ "$(size_of d9/int.bin)" -eq 262144 ]
check "layout: board.txt has the pair" grep -q 'pair app primary=int:0x8000+0x18000 .*mode=swap-scratch align=16' d9/board.txt
sim apply d9 s.bin
check "layout: apply exit 0" rc_is 0
check "layout: secondary (int@0x20000) == image" slot_has d9 app secondary s.bin
sim reset d9
check "layout: reset swaps (primary == image, secondary == factory)" \
	eval 'slot_has d9 app primary s.bin && slot_has d9 app secondary v1.bin'
sim apply d9 v2.bin
check "layout: apply under an unconfirmed test image: exit 3 (revert guard)" \
	eval 'rc_is 3 && has EBUSY'
sim confirm d9
sim apply d9 v2.bin --json
check "layout: image larger than the 96 KiB slot rejected (size)" eval 'rc_is 2 && jis "d[\"check\"]" size'
printf 'board bad\nflash int geometry=nrf52840 size=256K\npair app primary=int:0x8000+0x18000 secondary=int:0x10000+0x18000\n' >bad.txt
sim init d9b --layout bad.txt
check "broken layout (overlap): exit 1, line 3" eval 'rc_is 1 && err_has "line 3"'
check "broken layout: no device created" [ ! -e d9b/board.txt ]
printf 'board bad\nflash int geometry=nrf99\n' >bad2.txt
sim init d9b --layout bad2.txt
check "broken layout (geometry): exit 1, line 2" eval 'rc_is 1 && err_has "line 2"'
sim init d9b --layout nosuch.txt
check "missing layout file: exit 1" rc_is 1

echo "== 10. rejections say what is wrong, in numbers"
V1SIZE=$(size_of v1.bin)
# hdr + img + prot of an MCUboot file, from its header
hashed_end() {
	python3 -c 'import struct, sys
h = open(sys.argv[1], "rb").read(32)
print(struct.unpack_from("<H", h, 8)[0] + struct.unpack_from("<H", h, 10)[0] + struct.unpack_from("<I", h, 12)[0])' "$1"
}
head -c $((V1SIZE - 10)) v1.bin >trunc_tlv.bin
head -c 20000 v1.bin >trunc_body.bin
fresh d11 p91
sim apply d11 trunc_tlv.bin
check "truncated in the TLVs: 'truncated: header says $V1SIZE bytes, file has $((V1SIZE - 10))', exit 2" \
	eval 'rc_is 2 && has "rejected: truncated: header says $V1SIZE bytes, file has $((V1SIZE - 10))" && ! has "EFBIG at"'
sim apply d11 trunc_body.bin --json
check "truncated in the payload --json: 'truncated: header says at least $(($(hashed_end v1.bin) + 4)) bytes, file has 20000', check size" \
	eval 'rc_is 2 && jis "d[\"check\"]" size && jis "d[\"message\"].startswith(\"truncated: header says at least $(($(hashed_end v1.bin) + 4)) bytes, file has 20000\")" true'
sim apply d11 big.bin
MAXIMG=$(printf '%s\n' "$OUT" | sed -n "s/.*the slot's maximum image size is \([0-9]*\) bytes.*/\1/p")
check "too big: says the file's size ($(size_of big.bin)) and the slot's maximum image size (${MAXIMG:-none})" \
	eval 'rc_is 2 && has "too big for the slot: the file has $(size_of big.bin) bytes" && in_range "${MAXIMG:-0}" 1 $(($(size_of big.bin) - 1))'
sim apply d11 "$VECTORS/v07.bin" --json
check "encrypted v07: 'encrypted (flag 0x4 ENCRYPTED_AES128)', check encryption" \
	eval 'rc_is 2 && jis "d[\"check\"]" encryption && jis "d[\"message\"].startswith(\"encrypted (flag 0x4 ENCRYPTED_AES128)\")" true'
sim apply d11 "$VECTORS/v07.bin"
check "encrypted v07, text: no 'type check failed'" eval 'rc_is 2 && has "rejected: encrypted (flag 0x4" && ! has "type check failed"'
sim apply d11 "$VECTORS/v09.bin"
check "unsigned v09 on a device with a key: 'no signature', exit 2" eval 'rc_is 2 && has "rejected: no signature"'
sim apply d11 wrongkey.bin
check "signed by another key: says the device does not trust the key" \
	eval 'rc_is 2 && has "rejected: signed (ECDSA P-256) by a key this device does not trust"'
sim init ded --board nrf9160dk --key "$VECTORS/ed25519.pub.pem"
check "init --key Ed25519: loaded and reported unsupported by the crypto port (mbedTLS 2.28), not 'not a PEM key'" \
	eval 'rc_is 3 && err_has "Ed25519 keys are not supported by this build.s crypto port (mbedTLS 2.28" && ! err_has "not a PEM"'
check "init --key Ed25519: no device directory left" [ ! -e ded ]

echo "== 11. a padded file whose own trailer requests an upgrade"
sim init pv --board nrf9160dk --key "$VECTORS/ec-p256.pub.pem"
fresh d12 pv
sim apply d12 "$VECTORS/v02.bin" --progress none
check "v02 (trailer: test): says so, a test upgrade was requested as the file asks" \
	eval 'rc_is 0 && has "padded file: its own trailer (align 8) requests a test upgrade" && has "a test upgrade was requested, as the file asks"'
fresh d12 pv
sim apply d12 "$VECTORS/v03.bin" --progress none
check "v03 (trailer: permanent): says its trailer is not written and a test upgrade was requested instead" \
	eval 'rc_is 0 && has "requests a permanent upgrade (magic + image_ok set); the library never writes a file.s trailer bytes" && has "a test upgrade was requested instead (--schedule permanent does"'
status d12
check "v03, default schedule: the slot has the test request, not the file's image_ok" \
	eval 'jis "d[\"images\"][0][\"request\"]" test && jis "d[\"images\"][0][\"secondary\"][\"trailer\"][\"image_ok\"]" unset'
fresh d12 pv
sim apply d12 "$VECTORS/v03.bin" --schedule permanent --json
check "v03 --schedule permanent --json: file_trailer permanent, not written; permanent requested" \
	eval 'rc_is 0 && jis "d[\"file_trailer\"]" "{\"request\": \"permanent\", \"align\": 8, \"written\": false}" && jis "d[\"scheduled\"]" permanent'

echo "== 12. power cuts that do not happen"
fresh d13 p52
sim apply d13 s.bin --cut-ops $((TOTAL + 1))
check "--cut-ops $((TOTAL + 1)) past the end: 'no power cut happened (the apply needs $TOTAL operations', exit 0" \
	eval 'rc_is 0 && has "no power cut happened (the apply needs $TOTAL operations"'
check "summary: 'device: $TOTAL flash/store ops' (what --cut-ops counts)" has "^device: $TOTAL flash/store ops"
fresh d13 p52
sim apply d13 s.bin --cut-after 10M
check "--cut-after past the end: 'no power cut happened (the apply needs $TOTAL operations', names the size" \
	eval 'rc_is 0 && has "no power cut happened (the apply needs $TOTAL operations; the artifact has $(size_of s.bin) bytes"'
fresh d13 p52
sim apply d13 s.bin --cut-ops "$TOTAL"
check "--cut-ops $TOTAL: the last operation is cut (exit 4)" eval 'rc_is 4 && has "torn in operation $TOTAL"'

echo "== 13. --json: exactly one JSON object for every outcome"
# json_one RC: stdout is exactly one JSON object whose "exit" (if any) is RC
json_one() {
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert isinstance(d, dict)
assert d.get("exit", int(sys.argv[1])) == int(sys.argv[1])' "$RC" 2>/dev/null
}
mkdir -p notdev
# d14 runs v1: swap-move MCUboot installs nothing into an empty primary
# (issue 12), and 'confirm d14' below needs the applied image installed.
rm -rf d14
"$SIM" init d14 --board nrf9160dk --key k.pem.pub --factory v1.bin >/dev/null
while IFS='|' read -r want args; do
	# shellcheck disable=SC2086 # args are words on purpose
	sim $args --json
	check "--json, exit $want: dfu-sim $args" eval 'rc_is $want && json_one'
done <<'EOF_CASES'
0|--version
0|help
0|boards
1|frobnicate
1|init
1|init d14x --board nosuchboard
3|init d14 --board nrf9160dk
2|init d14f --board nrf9160dk --key k.pem.pub --factory corrupt.bin
1|boards extra
1|
3|keygen nosuchdir/kj.pem
1|mkdelta kd.bin
0|mkfull kf.cbor --size 4
0|keygen kj.pem
1|mkimage kj.bin
0|mkimage kj.bin --size 1000
0|detect v1.bin
2|detect junk.bin
3|detect nosuch.bin
1|detect
1|apply d14
3|apply nodev v1.bin
3|apply notdev v1.bin
3|apply d14 nosuch.bin
1|apply d14 v1.bin --image gpu
1|apply d14 v1.bin --cut-ops 0
2|apply d14 junk.bin
2|apply d14 big.bin
4|apply d14 v2.bin --cut-after 50%
0|apply d14 v2.bin
0|status d14
3|status notdev
0|reset d14
1|reset
0|confirm d14
1|confirm d14 --image 9
EOF_CASES
sim init d14j --board nrf52840dk --json
check "--json: init ok is one object with the board" eval 'rc_is 0 && jis "d[\"board\"]" nrf52840dk'
sim confirm d14j --json
check "--json: confirm on an empty primary is an error object (exit 3)" eval 'rc_is 3 && json_one && jis "d[\"result\"]" error'

echo "== 14. devices: factory image, failed init, confirm, not a device, corrupt store"
sim init d15 --board nrf9160dk --key k.pem.pub --factory corrupt.bin
check "init --factory with a bad hash: refused (exit 2), says hash mismatch" \
	eval 'rc_is 2 && err_has "MCUboot would not boot it: hash mismatch"'
check "failed init: no directory left behind" [ ! -e d15 ]
sim init d15 --board nrf9160dk --key k.pem.pub --factory wrongkey.bin
check "init --factory signed by another key: refused (exit 2), key not trusted" \
	eval 'rc_is 2 && err_has "by a key this device does not trust" && [ ! -e d15 ]'
sim init d15 --board nrf9160dk --key k.pem.pub --factory big.bin
check "init --factory too big for the slot: refused (exit 2), sizes" \
	eval 'rc_is 2 && err_has "too big for the slot: the file has $(size_of big.bin) bytes" && [ ! -e d15 ]'
sim init d15 --board nrf9160dk --key k.pem.pub --factory unsigned.bin
check "init --factory unsigned on a device with a key: refused (exit 2), no signature" \
	eval 'rc_is 2 && err_has "no signature" && [ ! -e d15 ]'
mkdir -p own
echo mine >own/notes.txt
sim init own --board nrf9160dk --key k.pem.pub --factory corrupt.bin
check "failed init in an existing directory: its own files removed, the foreign file kept" \
	eval 'rc_is 2 && [ "$(ls own)" = notes.txt ] && [ "$(cat own/notes.txt)" = mine ]'
echo mine >own/int.bin
sim init own --board nrf9160dk
check "init refuses a directory with a file named like a device's (int.bin), keeps it" \
	eval 'rc_is 3 && err_has "has a file named like a device.s (int.bin)" && [ "$(cat own/int.bin)" = mine ] && [ ! -e own/board.txt ]'
fresh d16 p91
sim confirm d16
check "confirm with an empty primary: an error (exit 3) that says so" \
	eval 'rc_is 3 && err_has "the primary slot holds no image"'
sim status notdev
check "status of a directory that is not a device: 'not a device (... dfu-sim init notdev ...)'" \
	eval 'rc_is 3 && err_has "notdev: not a device (no board.txt; create one: dfu-sim init notdev --board NAME)"'
fresh d17 d1
printf 'garbage\n' >>d17/kv.bin
sim status d17
check "corrupt kv.bin: says which line and how to recover (reset --erase-store)" \
	eval 'rc_is 3 && err_has "store file d17/kv.bin is corrupt: line [0-9]* is not" && err_has "dfu-sim reset --erase-store d17"'
sim reset --erase-store d17
check "reset --erase-store on the corrupt store: exit 0" eval 'rc_is 0 && has "store erased"'
status d17
check "after --erase-store: status works again, the flash kept (primary 2.1.0+7)" \
	eval 'rc_is 0 && jis "d[\"images\"][0][\"primary\"][\"version\"]" 2.1.0+7'
sim confirm d17
sim apply d17 s.bin
check "after --erase-store: confirm and apply work (exit 0)" rc_is 0

echo "== 15. progress bar on a terminal"
# on_tty COLS COLUMNS ARGS...: dfu-sim ARGS on a pseudo-terminal of COLS
# columns (0: no size set), COLUMNS in the environment ("-": unset);
# the raw output in $T/tty.out
on_tty() {
	python3 - "$@" >"$T/tty.out" <<'EOF_PY'
import fcntl, os, pty, struct, sys, termios
cols, columns, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
env = dict(os.environ)
env.pop("COLUMNS", None)
if columns != "-":
    env["COLUMNS"] = columns
pid, fd = pty.fork()
if pid == 0:
    os.execve(argv[0], argv, env)
if cols:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
out = b""
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
EOF_PY
}
# tty_fits WIDTH: every line of the terminal output (split at \r and \n)
# is shorter than WIDTH, a bar was drawn, and redrawn in place (\r)
tty_fits() {
	python3 - "$1" "$T/tty.out" <<'EOF_PY'
import re, sys
w, out = int(sys.argv[1]), open(sys.argv[2], "rb").read().decode()
lines = re.split(r"[\r\n]", out)
assert max(len(l) for l in lines) < w, max(lines, key=len)
assert "accepted:" in out
assert re.search(r"(?<!\n)\r  \[[#.]+\]", out), "no bar redrawn with \\r"
EOF_PY
}
for cols in 60 80; do
	fresh d18 p91
	on_tty 0 "$cols" "$SIM" apply d18 v2.bin --chunk 1024
	check "progress bar, COLUMNS=$cols (pty without a size): no line of $cols columns or more, redrawn with \\r" \
		tty_fits "$cols"
done
fresh d18 p91
on_tty 50 - "$SIM" apply d18 v2.bin --chunk 1024
check "progress bar, a 50-column pty (TIOCGWINSZ, no COLUMNS): no line of 50 columns or more" tty_fits 50
fresh d18 p91
on_tty 200 200 "$SIM" apply d18 v2.bin --chunk 1024
check "progress bar, a 200-column terminal: at most 80 columns" tty_fits 81

echo "== 16. version"
sim --version
PV=$(sed -n 's/^project(dfu_target VERSION \([0-9.]*\).*/\1/p' "$HERE/../../CMakeLists.txt")
check "--version: exit 0, 'dfu-sim ${PV:-?}' (the project version)" eval 'rc_is 0 && [ "$OUT" = "dfu-sim ${PV:-x}" ]'

summary
