#!/usr/bin/env bash
# dfu-sim judges MCUboot images like the library's bootloader profile
# (issue 12 part 4): init --mcuboot and layout `mcuboot` lines, detect
# --board / --mcuboot naming the refusing rule ("check"), status / reset on
# an empty primary (with and without bootstrap), swap-offset's stale
# sector 0, validate-primary (the library's verdict; bootstrap over an
# invalid primary; a primary without header magic), apply naming the rule,
# dependencies (mkimage --dependency; a request held, nothing erased). The
# library's own verdict on the same crafted images is compared in
# test_dsim_verdict.
#
#   bash tests/cli/dfu_sim_profile_test.sh path/to/dfu-sim
#
# SPDX-License-Identifier: Apache-2.0
set -u

SIM=${1:?usage: dfu_sim_profile_test.sh path/to/dfu-sim}
PREFIX=dsim_prof
report_failure() {
	{ printf '%s\n' "$OUT" | tail -n 12; printf '%s\n' "$ERR" | tail -n 4; } | sed 's/^/     | /'
}
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck source=tests/cli/sim_lib.sh
. "$HERE/sim_lib.sh"
# the secondary (SEC=0x80000) and primary (PRI=0x10000) of nrf9160dk's app
# pair, 0x70000 bytes each, in int.bin
PRI=$((0x10000))
SEC=$((0x80000))
SLOT=$((0x70000))
slot_bytes() { tail -c +$(($2 + 1)) "$1/int.bin" | head -c "$3"; }
erased_at() {
	cmp -s <(slot_bytes "$1" "$2" "$SLOT") <(head -c "$SLOT" /dev/zero | tr '\0' '\377')
}
starts_with() { cmp -s -n "$(stat -c %s "$3")" "$3" <(slot_bytes "$1" "$2" "$SLOT"); }

cd "$T" || exit 1

echo "== keys and crafted images"
sim keygen k.pem
sim keygen k2.pem
sim mkimage v1.bin --size 20000 --version 1.0.0+0 --key k.pem
sim mkimage v2.bin --size 30000 --version 2.0.0+0 --key k.pem --seed 2
sim mkimage vendor.bin --size 3000 --tlv 0xa0
sim mkimage vendor_prot.bin --size 3000 --prot-tlv 0xa0
sim mkimage lzma2.bin --size 3000 --flags 0x400
sim mkimage enc.bin --size 3000 --flags 0x4
sim mkimage nb.bin --size 3000 --flags 0x10
sim mkimage cnt3.bin --size 3000 --sec-cnt 3
check "mkimage --tlv / --prot-tlv / --flags: exit 0" rc_is 0

echo "== init: the profile (layout keys, --mcuboot)"
sim init d0 --board nrf9160dk --mcuboot allow-list=off,bootstrap=on \
	--mcuboot "pair=app downgrade=seccnt security-counter=3 max-img-sectors=128"
check "init --mcuboot: exit 0" rc_is 0
check "board.txt: the board's keys on an mcuboot line" grep -qx "mcuboot allow-list=off bootstrap=on" d0/board.txt
check "board.txt: the pair's own keys on mcuboot pair=app" \
	grep -qx "mcuboot pair=app downgrade=seccnt security-counter=3" d0/board.txt
check "board.txt: max-img-sectors on the pair line" grep -q "^pair app .* max-img-sectors=128" d0/board.txt
sim status d0
check "the device opens with its stored profile" rc_is 0
sim init d1 --board nrf9160dk --mcuboot allow-lists=off
check "unknown key: usage error (exit 1) naming it" eval 'rc_is 1 && err_has "unknown mcuboot key .allow-lists."'
sim init d1 --board nrf9160dk --mcuboot sig=dsa --json
check "bad value: usage error listing the values (JSON)" \
	eval 'rc_is 1 && jis "d[\"result\"]" usage_error && js "d[\"error\"]" | grep -q "ecdsa-p256"'
sim init d1 --board nrf9160dk --mcuboot decompress=on
check "decompress on swap-move: refused, needs mode=overwrite" eval 'rc_is 1 && err_has "needs mode=overwrite"'
check "a refused init leaves no directory" eval '[ ! -e d1 ]'
cat >lay.txt <<'EOF_L'
board tiny
flash int geometry=nrf52840
pair app primary=int:0x10000+0x40000 secondary=int:0x50000+0x40000 mode=overwrite image=2
mcuboot decompress=on key-tlv=pubkey tlv-iter=checked
EOF_L
sim init d2 --layout lay.txt
check "layout with an mcuboot line: exit 0" rc_is 0
check "layout keys round-trip into board.txt" \
	eval 'grep -qx "mcuboot key-tlv=pubkey tlv-iter=checked decompress=on" d2/board.txt && grep -q "image=2" d2/board.txt'

echo "== detect --board / --mcuboot: would this bootloader boot it"
sim detect v1.bin --board nrf9160dk --key k.pem.pub --json
check "signed, key trusted: boots, exit 0" eval 'rc_is 0 && jis "d[\"bootloader\"][\"boots\"]" true'
sim detect v1.bin --board nrf9160dk --key k2.pem.pub --json
check "another key: exit 2, check key_not_found" eval 'rc_is 2 && jis "d[\"check\"]" key_not_found'
sim detect v1.bin --board nrf9160dk --key k2.pem.pub
check "text names the rule" has "boots: *no: key_not_found"
# detect_rule FILE CHECK ARGS...: exit 2 and JSON check CHECK (or exit 0, boots, for -)
detect_rule() {
	local f=$1 want=$2
	shift 2
	sim detect "$f" --json "$@"
	if [ "$want" = - ]; then
		rc_is 0 && jis 'd["bootloader"]["boots"]' true
	else
		rc_is 2 && jis 'd["check"]' "$want" && jis 'd["bootloader"]["check"]' "$want"
	fi
}
check "vendor TLV unprotected: tlv_allow_list" detect_rule vendor.bin tlv_allow_list --board nrf9160dk
check "... allow-list=off: boots" detect_rule vendor.bin - --mcuboot allow-list=off
check "vendor TLV protected: boots" detect_rule vendor_prot.bin - --board nrf9160dk
check "LZMA2: compression" detect_rule lzma2.bin compression --board nrf9160dk
check "... overwrite + decompress=on: boots" detect_rule lzma2.bin - --mcuboot mode=overwrite,decompress=on
check "encrypted: encryption" detect_rule enc.bin encryption --board nrf9160dk
check "... encrypt=on: boots" detect_rule enc.bin - --mcuboot encrypt=on
check "NON_BOOTABLE: non_bootable" detect_rule nb.bin non_bootable --board nrf9160dk
check "SEC_CNT 3, security-counter=5: security_counter" detect_rule cnt3.bin security_counter --mcuboot security-counter=5
check "SEC_CNT 3, security-counter=3: boots" detect_rule cnt3.bin - --mcuboot security-counter=3
check "layout file: PUBKEY build, KEYHASH image: key_not_found" detect_rule v1.bin key_not_found --layout lay.txt --key k.pem.pub --mcuboot decompress=off
sim detect v1.bin --board nrf9160dk --image nope
check "--image naming no pair: usage error" rc_is 1
sim detect vendor.bin
check "detect without a bootloader: the listing only (no verdict)" eval 'rc_is 0 && ! has "boots:"'

echo "== status / reset: empty primary, move, no bootstrap"
sim init e1 --board nrf9160dk --key k.pem.pub
sim apply e1 v2.bin --progress none
check "apply to an empty primary: accepted" rc_is 0
sim status e1 --json
check "status: request test, check empty_primary, boot fails" \
	eval 'jis "d[\"images\"][0][\"check\"]" empty_primary && jis "d[\"images\"][0][\"boot_fails\"]" true && jis "d[\"images\"][0][\"will_install\"]" false'
cp e1/int.bin before.bin
sim reset e1
check "reset: nothing installed, nothing erased" \
	eval 'rc_is 0 && has "installs nothing, erases nothing" && cmp -s before.bin e1/int.bin'

echo "== status / reset: empty primary with bootstrap"
sim init e2 --board nrf9160dk --key k.pem.pub --mcuboot bootstrap=on
sim apply e2 v2.bin --progress none --schedule none
sim status e2 --json
check "status: bootstrap copies without a request" \
	eval 'jis "d[\"images\"][0][\"request\"]" none && jis "d[\"images\"][0][\"will_install\"]" true'
sim reset e2
check "reset: the image copied into the primary" eval 'rc_is 0 && has "bootstrap" && starts_with e2 $PRI v2.bin'
sim status e2 --json
check "after: the primary boots, no request" \
	eval 'jis "d[\"images\"][0][\"boot_fails\"]" false && jis "d[\"images\"][0][\"primary\"][\"version\"]" 2.0.0+0'

echo "== swap-offset: stale header in the secondary's sector 0"
sim init o1 --board nrf9160dk --key k.pem.pub --mcuboot mode=swap-offset --factory v1.bin
sim apply o1 v2.bin --progress none
sim reset o1
sim confirm o1
check "swap-offset: test swap, confirmed" rc_is 0
check "after the swap the old primary's header is in sector 0" starts_with o1 $SEC v1.bin
# an image written at sector 1 by someone else, with its own request
sim mkimage v3.bin --size 20000 --version 3.0.0+0 --key k.pem --pad $((SLOT - 0x1000)) --confirm
dd if=v3.bin of=o1/int.bin bs=4096 seek=$(((SEC + 0x1000) / 4096)) conv=notrunc status=none
sim status o1 --json
check "status: request permanent, refused: check offset_sector0" \
	eval 'jis "d[\"images\"][0][\"request\"]" permanent && jis "d[\"images\"][0][\"check\"]" offset_sector0'
sim reset o1
check "reset: 'wrong upload address', the whole secondary erased" \
	eval 'has "wrong upload address" && erased_at o1 $SEC'

echo "== validate-primary"
sim init p1 --board nrf9160dk --key k.pem.pub --factory v1.bin
printf '\x00' | dd of=p1/int.bin bs=1 seek=$((PRI + 0x400)) conv=notrunc status=none
sim status p1 --json
check "a corrupted primary fails validation: check hash, the boot fails" \
	eval 'jis "d[\"images\"][0][\"primary_check\"]" hash && jis "d[\"images\"][0][\"boot_fails\"]" true'
sim status p1
check "status text says so" has "primary check: hash"
sim init p2 --board nrf9160dk --key k.pem.pub --factory v1.bin --mcuboot validate-primary=off
printf '\x00' | dd of=p2/int.bin bs=1 seek=$((PRI + 0x400)) conv=notrunc status=none
sim status p2 --json
check "validate-primary=off: only the magic, it boots" eval 'jis "d[\"images\"][0][\"boot_fails\"]" false'

echo "== validate-primary: the library's verdict, bootstrap over an invalid primary"
sim init p3 --board nrf9160dk --key k.pem.pub --factory v1.bin --mcuboot bootstrap=on
printf '\x00' | dd of=p3/int.bin bs=1 seek=$((PRI + 0x400)) conv=notrunc status=none
sim apply p3 v2.bin --progress none --schedule none
sim status p3 --json
check "bootstrap, corrupted primary, no request: copied in (will_install), primary_check hash" \
	eval 'jis "d[\"images\"][0][\"request\"]" none && jis "d[\"images\"][0][\"will_install\"]" true && jis "d[\"images\"][0][\"primary_valid\"]" false && jis "d[\"images\"][0][\"primary_check\"]" hash && jis "d[\"images\"][0][\"boot_fails\"]" false'
sim reset p3
check "reset: bootstrap copies over the invalid primary" \
	eval 'rc_is 0 && has "copies 2.0.0+0 over the primary 1.0.0+0, which fails validation" && starts_with p3 $PRI v2.bin'
sim init p4 --board nrf9160dk --key k.pem.pub --factory v1.bin
printf 'XXXX' | dd of=p4/int.bin bs=1 seek=$PRI conv=notrunc status=none
sim apply p4 v2.bin --progress none
sim status p4 --json
check "swap-move, a primary whose magic is not MCUboot's, a valid request: check primary_header" \
	eval 'jis "d[\"images\"][0][\"check\"]" primary_header && jis "d[\"images\"][0][\"primary_check\"]" header && jis "d[\"images\"][0][\"boot_fails\"]" true'
cp p4/int.bin before.bin
sim reset p4
check "reset: nothing installed, nothing erased (the secondary is kept)" \
	eval 'rc_is 0 && has "cannot read the primary.s header" && cmp -s before.bin p4/int.bin'

# an empty primary and a refused secondary (another key) with its own
# request: MCUboot stops at the primary's header before it validates the
# secondary (the library's hold says the secondary is refused)
sim init p5 --board nrf9160dk --key k.pem.pub
sim mkimage v2k2p.bin --size 30000 --version 2.0.0+0 --key k2.pem --seed 2 --pad $SLOT --confirm
dd if=v2k2p.bin of=p5/int.bin bs=4096 seek=$((SEC / 4096)) conv=notrunc status=none
sim status p5 --json
check "empty primary, refused secondary, request: check empty_primary (not key_not_found)" \
	eval 'jis "d[\"images\"][0][\"request\"]" permanent && jis "d[\"images\"][0][\"check\"]" empty_primary'
cp p5/int.bin before.bin
sim reset p5
check "reset: the refused secondary is not erased" eval 'rc_is 0 && cmp -s before.bin p5/int.bin'

echo "== apply names the library's rule"
sim init a1 --board nrf9160dk --key k.pem.pub --factory v1.bin
sim apply a1 vendor.bin --progress none --json
check "unprotected vendor TLV: exit 2, check format, rule tlv_allow_list" \
	eval 'rc_is 2 && jis "d[\"check\"]" format && jis "d[\"rule\"]" tlv_allow_list'
sim apply a1 vendor.bin --progress none
check "text: the rule next to the check" has "format check, rule tlv_allow_list"
sim mkimage v2k2.bin --size 30000 --version 2.0.0+0 --key k2.pem --seed 2
sim apply a1 v2k2.bin --progress none --json
check "another key: check signature, rule key_not_found" \
	eval 'rc_is 2 && jis "d[\"check\"]" signature && jis "d[\"rule\"]" key_not_found'
sim mkpatch v1.bin v2k2.bin k2.delta --force
sim apply a1 k2.delta --progress none --json
check "a delta whose rebuilt image has another key: rule key_not_found" \
	eval 'rc_is 2 && jis "d[\"type\"]" mcuboot-delta && jis "d[\"check\"]" signature && jis "d[\"rule\"]" key_not_found'

echo "== dependencies (nrf5340dk: app image 0, net image 1)"
sim mkimage a1.bin --size 20000 --version 1.0.0+0 --key k.pem
sim mkimage n1.bin --size 10000 --version 1.0.0+0 --key k.pem --seed 3
sim mkimage n2.bin --size 10000 --version 2.0.0+0 --key k.pem --seed 5
sim mkimage a2.bin --size 20000 --version 2.0.0+0 --key k.pem --seed 4 --dependency 1:2.0.0
check "mkimage --dependency: exit 0" rc_is 0
sim detect a2.bin
check "detect lists the protected DEPENDENCY TLV" has "DEPENDENCY (0x40), 12 bytes: image 1, version 2.0.0+0"
sim mkimage bad.bin --size 100 --dependency 1-2.0.0
check "mkimage --dependency without IMAGE:: refused" eval '! rc_is 0 && err_has "want IMAGE:VERSION"'
sim init n5 --board nrf5340dk --key k.pem.pub --factory a1.bin
sim apply n5 n1.bin --image 1 --progress none
sim reset n5
sim apply n5 a2.bin --progress none --json
check "apply: schedule refused (-ENOLINK), exit 2, check dependency" \
	eval 'rc_is 2 && jis "d[\"error\"]" -ENOLINK && jis "d[\"check\"]" dependency && js "d[\"message\"]" | grep -q "dependency on image 1 >= 2.0.0+0 unmet (image 1 would run 1.0.0+0)"'
# the same image written by someone else with its own permanent request
APP_SEC=$((0x80000))
sim mkimage a2p.bin --size 20000 --version 2.0.0+0 --key k.pem --seed 4 --dependency 1:2.0.0 \
	--pad $((0x70000)) --confirm
dd if=a2p.bin of=n5/app.bin bs=4096 seek=$((APP_SEC / 4096)) conv=notrunc status=none
sim status n5 --json
check "status: request permanent held by the dependency (check dependency, image 1 >= 2.0.0+0)" \
	eval 'jis "d[\"images\"][0][\"request\"]" permanent && jis "d[\"images\"][0][\"will_install\"]" false && jis "d[\"images\"][0][\"check\"]" dependency && jis "d[\"images\"][0][\"dependency\"][\"image\"]" 1 && jis "d[\"images\"][0][\"dependency\"][\"min_version\"]" 2.0.0+0 && jis "d[\"images\"][0][\"dependency\"][\"version\"]" 1.0.0+0 && jis "d[\"images\"][0][\"boot_fails\"]" false'
sim status n5
check "status text: not installing: dependency on image 1 >= 2.0.0+0 unmet" \
	has "on reset: not installing: dependency on image 1 >= 2.0.0+0 unmet"
cp n5/app.bin before.bin
sim reset n5
check "reset: nothing installed, nothing erased" eval 'rc_is 0 && cmp -s before.bin n5/app.bin'
sim status n5 --json
check "the request stays, still held" \
	eval 'jis "d[\"images\"][0][\"request\"]" permanent && jis "d[\"images\"][0][\"check\"]" dependency'
sim apply n5 n2.bin --image 1 --progress none
sim status n5 --json
check "net 2.0.0 requested: the app's request installs too" \
	eval 'jis "d[\"images\"][0][\"will_install\"]" true && jis "d[\"images\"][1][\"will_install\"]" true'
sim reset n5
sim status n5 --json
check "reset: both installed" \
	eval 'jis "d[\"images\"][0][\"primary\"][\"version\"]" 2.0.0+0 && jis "d[\"images\"][1][\"primary\"][\"version\"]" 2.0.0+0'

summary
