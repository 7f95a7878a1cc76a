#!/usr/bin/env bash
# dfu-sim benchmarks (tools/dfu_sim): modeled device time per board and the
# CLI's own wall time. Run from anywhere:
#
#   bash bench/dfu_sim_bench.sh [BUILD_DIR]
#
# BUILD_DIR defaults to $BENCH_BUILD_DIR, else build/bench (as bench/run.sh).
# A missing build directory is configured Release without sanitizers; an
# existing one must not be a sanitizer build (DFU_SANITIZE=ON). Builds the
# dfu-sim target only. Needs python3 and dfu-sim's libcurl source.
#
#  1. Modeled device time: signed MCUboot images (payload 256 KiB and 1 MiB)
#     applied to image 0 of each board preset with `apply --json --schedule
#     test`, next to the physical lower bound of
#     the project spec flash-timing.md §9, T_min(N) = ceil(N/E)*t_E + ceil(N/P)*t_P,
#     with N the artifact's bytes and E, P, t_E, t_P (typical) of the
#     secondary slot's flash, read from ports/sim/sim_flash.c (sim_geo_*).
#     1 MiB does not fit the presets' internal slots, so the "ext" layout
#     is each preset with image 0's slots moved to its MX25R6435F NOR.
#  2. CLI wall time (host): 1 MiB image applied from a local file and from
#     tests/cli/httpd.py, fresh device each time; BENCH_REPS runs (default 3),
#     median. Also the fresh `init` of that device (1 MiB + 8 MiB files).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
b=${1:-${BENCH_BUILD_DIR:-build/bench}}
reps=${BENCH_REPS:-3}

if [ -f "$b/CMakeCache.txt" ]; then
	if grep -q '^DFU_SANITIZE:BOOL=ON' "$b/CMakeCache.txt"; then
		echo "dfu_sim_bench: $b is a sanitizer build (DFU_SANITIZE=ON); use another directory" >&2
		exit 1
	fi
	bt=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$b/CMakeCache.txt")
	case $bt in
	Release | RelWithDebInfo | MinSizeRel) ;;
	*) echo "dfu_sim_bench: warning: $b has CMAKE_BUILD_TYPE='$bt', not Release" >&2 ;;
	esac
	cmake -S . -B "$b" >/dev/null # regenerate, keeping its options
else
	cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=Release -DDFU_SANITIZE=OFF -DDFU_BUILD_TESTS=OFF >/dev/null
fi
sim=$(cd "$b" && pwd)/tools/dfu-sim
if ! cmake --build "$b" -j"$(nproc 2>/dev/null || echo 2)" --target dfu-sim >/dev/null ||
	[ ! -x "$sim" ]; then
	echo "dfu_sim_bench: $sim not built (needs mbedTLS 2.x and libcurl)" >&2
	exit 1
fi

# Never go through a proxy for the local server.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

t=$(mktemp -d "${TMPDIR:-/tmp}/dfu_sim_bench.XXXXXX")
httpd_pid=
cleanup() {
	if [ -n "$httpd_pid" ]; then
		kill "$httpd_pid" 2>/dev/null || true
		wait "$httpd_pid" 2>/dev/null || true
	fi
	rm -rf "$t"
}
trap cleanup EXIT

now() { date +%s.%N; }

"$sim" keygen "$t/key.pem" >/dev/null
mkdir -p "$t/www"
"$sim" mkimage "$t/www/i256k.bin" --size 256K --key "$t/key.pem" --seed 1 >/dev/null
"$sim" mkimage "$t/www/i1m.bin" --size 1M --key "$t/key.pem" --seed 2 >/dev/null

boards="nrf9160dk nrf5340dk nrf52840dk"
# The "ext" layout: the preset with image 0's pair (app) on the external
# NOR at 0x400000 (free on all three DKs), slots of 0x110000.
for bd in $boards; do
	"$sim" boards | awk -v b="$bd" '/^# ---- /{on = ($3 == b); next} on' |
		sed -e "s/^board .*/board $bd-ext/" \
			-e 's/^pair app .*/pair app primary=ext:0x400000+0x110000 secondary=ext:0x510000+0x110000 mode=swap-move align=8 install=swap/' \
			>"$t/$bd-ext.txt"
	grep -q '^pair app primary=ext:' "$t/$bd-ext.txt" || {
		echo "dfu_sim_bench: no 'pair app' in preset $bd" >&2
		exit 1
	}
done

# run1 TAG INIT_ARGS... -- IMAGE: fresh device, apply, keep JSON and board.txt.
run1() {
	local tag=$1 img
	shift
	local args=()
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	img=$2
	rm -rf "${t:?}/dev"
	"$sim" init "$t/dev" "${args[@]}" --key "$t/key.pem.pub" >/dev/null
	"$sim" apply "$t/dev" "$img" --json --schedule test --progress none >"$t/p1.$tag.json"
	cp "$t/dev/board.txt" "$t/p1.$tag.board"
	stat -c %s "$img" >"$t/p1.$tag.n"
}
for bd in $boards; do
	run1 "$bd.int.256k" --board "$bd" -- "$t/www/i256k.bin"
	run1 "$bd.ext.256k" --layout "$t/$bd-ext.txt" -- "$t/www/i256k.bin"
	run1 "$bd.ext.1m" --layout "$t/$bd-ext.txt" -- "$t/www/i1m.bin"
done

# Part 2: wall time on nrf52840dk-ext (1 MiB internal + 8 MiB external).
python3 tests/cli/httpd.py --root "$t/www" --port-file "$t/port" --log "$t/httpd.log" &
httpd_pid=$!
for _ in $(seq 100); do
	[ -s "$t/port" ] && break
	sleep 0.1
done
[ -s "$t/port" ] || {
	echo "dfu_sim_bench: httpd did not start" >&2
	exit 1
}
url="http://127.0.0.1:$(cat "$t/port")/i1m.bin"
for src in file http; do
	for i in $(seq "$reps"); do
		rm -rf "${t:?}/wdev"
		sync
		t0=$(now)
		"$sim" init "$t/wdev" --layout "$t/nrf52840dk-ext.txt" --key "$t/key.pem.pub" >/dev/null
		t1=$(now)
		if [ $src = file ]; then a=$t/www/i1m.bin; else a=$url; fi
		"$sim" apply "$t/wdev" "$a" --json --schedule test --progress none >"$t/p2.$src.$i.json"
		t2=$(now)
		echo "$t0 $t1 $t2" >"$t/p2.$src.$i.t"
	done
done

python3 - "$t" "$root/ports/sim/sim_flash.c" "$reps" "$boards" "$(df -P "$t" | awk 'NR==2{print $1" "$6}')" <<'PY'
import json, math, re, statistics, sys
t, geo_src, reps, boards, fs = (sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(),
                                 sys.argv[5])

# sim_geo_* from ports/sim/sim_flash.c: name, erase_block, program_page, typ times.
geo = {}
src = open(geo_src).read()
for body in re.findall(r"const struct sim_geometry sim_geo_\w+ = \{(.*?)\};", src, re.S):
    f = dict(re.findall(r"\.(\w+)\s*=\s*([^,]+),", body))
    num = lambda k: eval(re.sub(r"(\d+)u\b", r"\1", f[k]))
    geo[f["name"].strip().strip('"')] = dict(E=num("erase_block"), P=num("program_page"),
                                             tE=num("erase_typ_us") / 1e6,
                                             tP=num("program_typ_us") / 1e6)

def board_devs(path):
    devs, slot = {}, None
    for line in open(path):
        w = line.split("#")[0].split()
        if w[:1] == ["flash"]:
            devs[w[1]] = dict(x.split("=") for x in w[2:])["geometry"]
        elif w[:1] == ["pair"] and slot is None:  # image 0
            slot = dict(x.split("=") for x in w[2:])["secondary"]
    return devs, slot

def tmin(g, n):
    return math.ceil(n / g["E"]) * g["tE"] + math.ceil(n / g["P"]) * g["tP"]

print("== dfu-sim: modeled device time, image 0 (app), apply --json --schedule test")
print("   typical timings; T_min = ceil(N/E)*t_E + ceil(N/P)*t_P for the secondary slot's flash")
hdr = (f"{'board':<11} {'layout':<6} {'secondary slot (geometry)':<34} {'image':<6} {'N bytes':>8} "
       f"{'modeled s':>9} {'T_min s':>8} {'overhead':>8} {'erase s':>8} {'prog s':>7} "
       f"{'+E/+P units':>11} {'flash ops':>9} {'store wr':>8}")
print(hdr)
print("-" * len(hdr))
notes = set()
for bd in boards:
    for lay, img in (("int", "256k"), ("ext", "256k"), ("ext", "1m")):
        tag = f"{bd}.{lay}.{img}"
        j = json.load(open(f"{t}/p1.{tag}.json"))
        n = int(open(f"{t}/p1.{tag}.n").read())
        devs, slot = board_devs(f"{t}/p1.{tag}.board")
        sdev = slot.split(":")[0]
        gname = devs[sdev]
        g = geo[gname]
        if j["result"] != "accepted" or j["size"] != n:
            print(f"{bd:<11} {lay:<6} apply failed: {j.get('result')} {j.get('error', '')} "
                  f"{j.get('message', '')}")
            continue
        modeled = j["device_time_s"]
        tm = tmin(g, n)
        erase_s = prog_s = 0.0
        eu = pu = 0
        for d in j["flash"]:
            dg = geo[devs[d["name"]]]
            e = d["bytes_erased"] / dg["E"] * dg["tE"]
            erase_s += e
            prog_s += d["time_s"] - e
            if d["name"] == sdev:
                eu = d["bytes_erased"] // dg["E"]
                pu = round((d["time_s"] - e) / dg["tP"])
            elif d["erases"] or d["programs"]:
                notes.add(f"{bd} {lay}: flash '{d['name']}' also written")
        clock = modeled - sum(d["time_s"] for d in j["flash"])
        if clock > 0.0005:
            notes.add(f"{bd} {lay} {img}: {clock:.3f} s of simulated clock (not flash)")
        extra = f"+{eu - math.ceil(n / g['E'])}/+{pu - math.ceil(n / g['P'])}"
        print(f"{bd:<11} {lay:<6} {slot + ' (' + gname + ')':<34} {img:<6} {n:>8} "
              f"{modeled:>9.3f} {tm:>8.3f} {(modeled - tm) / tm * 100:>7.2f}% {erase_s:>8.3f} "
              f"{prog_s:>7.3f} {extra:>11} {j['flash_ops']:>9} {j['store_writes']:>8}")
for s in sorted(notes):
    print("note:", s)
n1 = int(open(f"{t}/p1.{boards[0]}.ext.1m.n").read())
mx = geo["mx25r64"]
print(f"""
- layouts: int = the board preset (image 0 in internal NVMC, 0x70000/0x76000
  slots); ext = the same preset with image 0's slots moved to the DK's external
  MX25R6435F NOR (primary ext:0x400000+0x110000, secondary ext:0x510000+0x110000).
  A 1 MiB image does not fit the internal slots (and the 1 MiB internal flash
  cannot hold two), so 1 MiB is reported on the ext layout for all three boards
  (same NOR, hence the same figures).
- image: mkimage payload 256 KiB / 1 MiB; N = artifact bytes (0x200 header +
  payload + TLVs, ECDSA P-256).
- T_min uses the simulator's geometry (ports/sim/sim_flash.c, typ): NVMC
  E=4 KiB, P=4 B; MX25R E=4 KiB sector (the only erase the simulator models),
  P=256 B page. With 64 KiB block erases (480 ms, the cheapest cover of §9)
  the MX25R bound for N={n1} would be {math.ceil(n1 / 65536) * 0.48
  + math.ceil(n1 / mx['P']) * mx['tP']:.3f} s.
- modeled = flash busy time of all devices (typ timing; erase + program only,
  reads are free) plus the simulated clock (0 here). Not modeled: store (kv)
  writes (counted in 'store wr', untimed: ports/sim/sim_kv.c has no timing),
  CPU/SHA-256/signature time, transport, SPI bus time, NVMC CPU stall.
- erase s = bytes erased / E * t_E; prog s = the rest of the flash time.
  +E/+P units = erase blocks / program pages beyond ceil(N/E) / ceil(N/P) on
  the secondary slot's flash (trailer, image-size rounding).
""".rstrip())

print()
print(f"== dfu-sim: CLI wall time (host), 1 MiB image on nrf52840dk-ext, fresh device, "
      f"median of {reps}")
rows = {}
for s in ("file", "http"):
    js, ps, ins = [], [], []
    for i in range(1, reps + 1):
        j = json.load(open(f"{t}/p2.{s}.{i}.json"))
        if j["result"] != "accepted":
            sys.exit(f"wall-time apply ({s}) failed: {j}")
        t0, t1, t2 = map(float, open(f"{t}/p2.{s}.{i}.t").read().split())
        js.append(j["wall_time_s"])
        ps.append(t2 - t1)
        ins.append(t1 - t0)
        n = j["size"]
    rows[s] = (js, ps, ins, n)
mib = rows["file"][3] / 1048576
http_bytes = sum(int(m) for m in re.findall(r"sent=(\d+)", open(f"{t}/httpd.log").read()))
if http_bytes < reps * rows["http"][3]:
    sys.exit(f"httpd.py served {http_bytes} B, expected >= {reps} x {rows['http'][3]}")
h2 = (f"{'source':<28} {'wall s (JSON)':>13} {'wall s (process)':>16} "
      f"{'s/MiB (process)':>15} {'MiB/s':>7}  runs (process s)")
print(h2)
print("-" * len(h2))
for s, label in (("file", "local file"), ("http", "http://127.0.0.1 (httpd.py)")):
    js, ps, _, n = rows[s]
    mj, mp = statistics.median(js), statistics.median(ps)
    print(f"{label:<28} {mj:>13.3f} {mp:>16.3f} {mp / mib:>15.3f} {mib / mp:>7.1f}  "
          + " ".join(f"{x:.3f}" for x in ps))
ins = rows["file"][2] + rows["http"][2]
print(f"{'init (1 MiB + 8 MiB files)':<28} {'':>13} {statistics.median(ins):>16.3f} "
      f"{'':>15} {'':>7}  " + " ".join(f"{x:.3f}" for x in ins))
print(f"""
- N = {rows['file'][3]} B ({mib:.4f} MiB); s/MiB = median process time / N in MiB.
- wall s (JSON) = apply's own wall_time_s (device open .. close, incl. flash
  file write-back); wall s (process) = date +%s.%N around the dfu-sim process.
- init: median over all {len(ins)} fresh `dfu-sim init` runs (int.bin 1 MiB + ext.bin 8 MiB
  + board.txt, key, kv); device files on {fs}.
- http: {http_bytes} body bytes served by httpd.py over {reps} runs.""")
PY
