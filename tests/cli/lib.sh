# Shared harness of the CLI test scripts (sourced): a temp dir $T removed on
# exit with the servers in $PIDS, counters, ok/ko/check, and start_server
# for tests/cli/httpd.py. The script sets PREFIX (the temp dir name) and may
# define report_failure (extra output after a FAIL line) before sourcing.
# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HTTPD="$HERE/httpd.py"
T=$(mktemp -d "${TMPDIR:-/tmp}/${PREFIX:-dsim}.XXXXXX")
PIDS=()
pass=0
fail=0
skip=0
START=$SECONDS

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

# Never go through a proxy for the local server.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

ok() {
	echo "ok - $1"
	pass=$((pass + 1))
}
ko() {
	echo "FAIL - $1"
	fail=$((fail + 1))
	if declare -F report_failure >/dev/null; then report_failure; fi
}
check() { # check NAME CONDITION...
	local name=$1
	shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}

# start_server NAME [httpd.py options]: serves $T/www on 127.0.0.1, logs
# requests to $T/NAME.log, sets PORT_NAME.
start_server() {
	local name=$1
	shift
	local pf="$T/$name.port"
	rm -f "$pf"
	python3 "$HTTPD" --root "$T/www" --port-file "$pf" --log "$T/$name.log" "$@" &
	PIDS+=($!)
	for _ in $(seq 100); do
		[ -s "$pf" ] && break
		sleep 0.1
	done
	if [ ! -s "$pf" ]; then
		echo "FAIL - server $name did not start"
		exit 1
	fi
	printf -v "PORT_$name" '%s' "$(cat "$pf")"
}

# summary: the last line; the script's exit status.
summary() {
	echo "$pass passed, $fail failed, $skip skipped ($((SECONDS - START)) s)"
	[ "$fail" -eq 0 ]
}
