#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# sizes.sh [-n N] [-r REGEX] [-k DIR]: hardshim's time and peak memory on
# each hostile size of tests/lib/hostile-spec.py, and on a spec padded to
# 1 MiB (hardshim create with /bin/true as the runtime, so only hardshim's
# own work counts): the median wall time of N runs and the largest peak
# RSS, per row, with the spec's size and the outcome.  The goal for a 1 MiB
# spec: under 20 ms and 16 MiB.  Nothing is asserted.  -r REGEX measures
# only the rows whose name matches; -k DIR keeps each row's input spec there
# (DIR/NAME.json) and the bundle and policy (DIR/bundle, DIR/policy.json),
# for profiling.
# Needs root, python3, jq and GNU time (/usr/bin/time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HARDSHIM=${HARDSHIM:-$src/hardshim}
N=5 ROWS=. KEEP=
while getopts n:r:k:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	r) ROWS=$OPTARG ;;
	k) KEEP=$OPTARG ;;
	*)
		echo "usage: $0 [-n RUNS] [-r ROW-REGEX] [-k KEEP-DIR]" >&2
		exit 2
		;;
	esac
done
[ -x /usr/bin/time ] || { echo "sizes.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hs-sizes.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$src/tests/lib/make-bundle.sh" "$work/b" true >/dev/null
cp "$work/b/config.json" "$work/base.json"
jq -n --arg j "$work/journal.jsonl" --arg p "$src/profiles/seccomp/default.json" \
	--arg l "${HS_LANDLOCK_HELPER:-$src/hardshim-landlock}" \
	'{mode: "enforce", journal: $j, seccomp: {profile: $p}, lsm: {landlock_helper: $l}}' >"$work/policy.json"

printf '%-22s %10s %10s %10s  %s\n' row bytes "ms (med)" "peak KiB" outcome
"$src/tests/lib/hostile-spec.py" --list | while read -r name _; do
	[[ $name =~ $ROWS ]] || continue
	"$src/tests/lib/hostile-spec.py" "$work/base.json" "$work/given.json" "$name"
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP"
		cp "$work/given.json" "$KEEP/$name.json"
	fi
	bytes=$(stat -c %s "$work/given.json")
	: >"$work/times"
	peak=0 outcome=
	for i in $(seq "$N"); do
		cp "$work/given.json" "$work/b/config.json"
		rm -f "$work/journal.jsonl"
		rc=0
		t0=$(date +%s%N)
		HARDSHIM_POLICY=$work/policy.json HARDSHIM_RUNTIME=/bin/true /usr/bin/time -f '%M' -o "$work/t" \
			"$HARDSHIM" create -b "$work/b" "sizes-$i" >/dev/null 2>"$work/err" || rc=$?
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$work/times" # µs, with time(1)'s own fork and exec
		kib=$(tail -n 1 "$work/t")
		[ "$kib" -le "$peak" ] || peak=$kib
		# shellcheck disable=SC2016 # the backquotes are the message's own
		if [ "$rc" -eq 0 ]; then outcome=hardened; else outcome="refused: $(sed 's/^hardshim: `[^`]*`: //' "$work/err" | head -c 50)"; fi
	done
	med=$(sort -n "$work/times" | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }')
	printf '%-22s %10s %10s %10s  %s\n' "$name" "$bytes" "$med" "$peak" "$outcome"
done
if [ -n "$KEEP" ]; then
	rm -rf "$KEEP/bundle"
	cp -a "$work/b" "$KEEP/bundle"
	sed "s|$work/journal.jsonl|$KEEP/journal.jsonl|" "$work/policy.json" >"$KEEP/policy.json"
fi
