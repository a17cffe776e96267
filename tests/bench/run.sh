#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run.sh [-n N] [-r R]: hardshim's overhead against plain runc, as ratios.
#
#  1. start latency: `hardshim run` vs `runc run` of /bin/true in a busybox
#     bundle, both starting the same final (hardened) spec: N pairs, the
#     order alternating from pair to pair, after a few warm-up runs.  For
#     the explanation, hardshim's own time as well: hardshim with /bin/true
#     as its runtime vs /bin/true alone, N pairs.
#  2. syscall cost: ns per getppid(2) in a container with the hardened spec
#     (hardshim's seccomp profile) vs the same spec without linux.seccomp,
#     and, for reference, with a minimal one-rule filter: R rounds, the
#     order rotating from round to round.
#
# Prints median (and mean) per side and the ratio of the medians with its
# goal.  Nothing is asserted: read the ratios.  Needs root, runc, gcc (with
# a static libc), jq and a static /bin/busybox.  Environment:
#   HARDSHIM  hardshim binary (default: the one built in this checkout)
#   RUNC      real runtime, for both sides (default /usr/bin/runc)
#   BUSYBOX   passed to tests/lib/make-bundle.sh
#   TMPDIR    where the bundle and the work files go (default /tmp); its
#             filesystem matters: hardshim fsyncs the config.json it writes
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HARDSHIM=${HARDSHIM:-$src/hardshim}
RUNC=${RUNC:-/usr/bin/runc}
PROFILE=$src/profiles/seccomp/default.json
N=100       # start-latency pairs
R=18        # syscall-cost rounds (3 runs each; 6 rounds cover the 6 orders)
WARMUP=3    # warm-up runs per side, not counted
CALLS=2000000  # getppid calls per container run...
CHUNKS=50      # ...timed in this many chunks (see getppid.c)

usage() {
	echo "usage: $0 [-n PAIRS] [-r ROUNDS]" >&2
	exit 2
}
while getopts n:r:h opt; do
	case $opt in
	n) N=$OPTARG ;;
	r) R=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[[ $N =~ ^[1-9][0-9]*$ && $R =~ ^[1-9][0-9]*$ ]] || usage

die() {
	echo "run.sh: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (real runc containers)"
[ -x "$HARDSHIM" ] || die "no hardshim at $HARDSHIM (build it, or set HARDSHIM)"
[ -x "$RUNC" ] || die "no runc at $RUNC (set RUNC)"
[ -f "$PROFILE" ] || die "no seccomp profile at $PROFILE"
for tool in gcc jq awk; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

tmp=$(mktemp -d -t hsbench.XXXXXX)
tmp=$(cd "$tmp" && pwd -P)
chmod 0711 "$tmp" # the container's mapped root must reach the bundle for plain runc
ID=hsbench$$
cleanup() {
	local id
	for id in "$ID" "$ID-p"; do
		"$RUNC" kill "$id" KILL >/dev/null 2>&1 || true
		"$RUNC" delete --force "$id" >/dev/null 2>&1 || true
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------
# timer CMD...: run CMD (stdout to /dev/null, stderr inherited), print its wall
# time in ns (CLOCK_MONOTONIC around fork..waitpid); fail as CMD fails.  The
# same small overhead on both sides.
cat >"$tmp/timer.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int
main (int argc, char **argv)
{
  struct timespec a, b;
  int devnull, status;
  pid_t pid;

  if (argc < 2)
    return 2;
  if ((devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
    return 2;
  clock_gettime (CLOCK_MONOTONIC, &a);
  pid = fork ();
  if (pid == 0)
    {
      dup2 (devnull, 1);
      execv (argv[1], argv + 1);
      _exit (127);
    }
  if (pid < 0 || waitpid (pid, &status, 0) != pid)
    return 2;
  clock_gettime (CLOCK_MONOTONIC, &b);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "timer: %s failed (status %#x)\n", argv[1], status);
      return 1;
    }
  printf ("%lld\n", (long long) (b.tv_sec - a.tv_sec) * 1000000000LL
                    + (b.tv_nsec - a.tv_nsec));
  return 0;
}
EOF
gcc -O2 -Wall -Wextra -Werror -o "$tmp/timer" "$tmp/timer.c"
gcc -O2 -static -Wall -Wextra -Werror -o "$tmp/getppid" "$here/getppid.c"

# --- the bundle and the two specs --------------------------------------------
export HARDSHIM_POLICY=$tmp/policy.json HARDSHIM_RUNTIME=$RUNC
jq -n --arg j "$tmp/journal.jsonl" --arg p "$PROFILE" \
	'{mode: "enforce", journal: $j, seccomp: {profile: $p}}' >"$HARDSHIM_POLICY"

b=$tmp/bundle
"$src/tests/lib/make-bundle.sh" "$b" /bin/true >/dev/null
install -m 0755 "$tmp/getppid" "$b/rootfs/bin/getppid"
cp "$b/config.json" "$tmp/orig.json"

# hardshim rewrites config.json in place: run it once, keep what it wrote.
"$HARDSHIM" run --bundle "$b" "$ID" >/dev/null 2>"$tmp/err" || {
	cat "$tmp/err" >&2
	die "hardshim run failed on the benchmark bundle"
}
cp "$b/config.json" "$tmp/hardened.json"
# What runc starts: the same spec with root.path back at the bundle's rootfs
# (hardshim's rootfs bridge exists only for the runtime it starts, and the
# mapped root can reach the bundle here: its directories are 0711).
jq '.root.path = "rootfs" | del(.annotations["io.hardshim.rootfs"])' "$tmp/hardened.json" >"$tmp/runc.json"
if jq -e '.linux.seccomp' "$tmp/hardened.json" >/dev/null; then
	seccomp_note="$(jq '.linux.seccomp.syscalls | map(.names | length) | add // 0' \
		"$tmp/hardened.json") syscalls named, default $(jq -r '.linux.seccomp.defaultAction' \
		"$tmp/hardened.json")"
else
	seccomp_note="none: the hardened spec has no linux.seccomp (both sides equal)"
fi
jq --arg n "$CALLS" --arg k "$CHUNKS" '.process.args = ["/bin/getppid", $n, $k]' \
	"$tmp/runc.json" >"$tmp/getppid-profile.json"
jq 'del(.linux.seccomp)' "$tmp/getppid-profile.json" >"$tmp/getppid-none.json"
# A third side for reference: the smallest filter (allow all but acct(2)),
# for the fixed cost of having any seccomp filter at all.
jq '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		architectures: (.linux.seccomp.architectures // []),
		syscalls: [{names: ["acct"], action: "SCMP_ACT_ERRNO"}]}' \
	"$tmp/getppid-profile.json" >"$tmp/getppid-minimal.json"

# --- 1. start latency ----------------------------------------------------------
# One timed start; the config.json it needs is put in place (and any leftover
# container removed) outside the timed region.
start_once() { # SIDE OUTFILE
	"$RUNC" delete --force "$ID" >/dev/null 2>&1 || true
	case $1 in
	hardshim)
		cp "$tmp/orig.json" "$b/config.json"
		"$tmp/timer" "$HARDSHIM" run --bundle "$b" "$ID" >>"$2"
		;;
	runc)
		cp "$tmp/runc.json" "$b/config.json"
		"$tmp/timer" "$RUNC" run --bundle "$b" "$ID" >>"$2"
		;;
	# For the explanation: hardshim with /bin/true as its runtime (all of
	# hardshim's own work, no container) vs /bin/true alone.
	hardshim-alone)
		cp "$tmp/orig.json" "$b/config.json"
		HARDSHIM_RUNTIME=/bin/true "$tmp/timer" "$HARDSHIM" run --bundle "$b" "$ID" >>"$2"
		;;
	true-alone)
		cp "$tmp/orig.json" "$b/config.json"
		"$tmp/timer" /bin/true run --bundle "$b" "$ID" >>"$2"
		;;
	esac
}

began=$(date +%s)
for ((i = 0; i < WARMUP; i++)); do
	start_once runc "$tmp/warm"
	start_once hardshim "$tmp/warm"
done
: >"$tmp/start.runc"
: >"$tmp/start.hardshim"
for ((i = 0; i < N; i++)); do
	if ((i % 2 == 0)); then
		start_once runc "$tmp/start.runc"
		start_once hardshim "$tmp/start.hardshim"
	else
		start_once hardshim "$tmp/start.hardshim"
		start_once runc "$tmp/start.runc"
	fi
done
# hardshim's own time: what it adds to a start, without runc's noise.
: >"$tmp/alone.hardshim"
: >"$tmp/alone.true"
start_once hardshim-alone "$tmp/warm"
for ((i = 0; i < N; i++)); do
	if ((i % 2 == 0)); then
		start_once true-alone "$tmp/alone.true"
		start_once hardshim-alone "$tmp/alone.hardshim"
	else
		start_once hardshim-alone "$tmp/alone.hardshim"
		start_once true-alone "$tmp/alone.true"
	fi
done
# hardshim writes the same spec every time: the runc side started it.
cp "$tmp/orig.json" "$b/config.json"
"$HARDSHIM" run --bundle "$b" "$ID" >/dev/null
cmp -s "$b/config.json" "$tmp/hardened.json" ||
	die "hardshim's output changed between runs: the two sides did not start the same spec"

# --- 2. syscall cost ----------------------------------------------------------
syscall_once() { # SIDE OUTFILE
	"$RUNC" delete --force "$ID-p" >/dev/null 2>&1 || true
	cp "$tmp/getppid-$1.json" "$b/config.json"
	"$RUNC" run --bundle "$b" "$ID-p" >>"$2"
}
sides=(none minimal profile)
for side in "${sides[@]}"; do
	syscall_once "$side" "$tmp/warm"
	: >"$tmp/sys.$side"
done
# Round i starts with side i mod 3, forward for three rounds, then backward
# for three: every 6 rounds run each of the 6 orders once.
for ((i = 0; i < R; i++)); do
	for ((k = 0; k < 3; k++)); do
		if ((i / 3 % 2 == 0)); then j=$(((i + k) % 3)); else j=$(((i - k + 3) % 3)); fi
		syscall_once "${sides[j]}" "$tmp/sys.${sides[j]}"
	done
done
took=$(($(date +%s) - began))

# --- report -------------------------------------------------------------------
# compare A-FILE B-FILE: line i of each is run i of side A and of side B (one
# number, or "mean fastest" for getppid); prints "medA medB meanA meanB
# fastA fastB pairratio" (fast*: median of column 2, or 0).
compare() {
	paste -d ' ' "$1" "$2" | awk '
	function median(v, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	{
		h = NF / 2; n++
		a[n] = $1; b[n] = $(h + 1); sa += $1; sb += $(h + 1); q[n] = $(h + 1) / $1
		fa[n] = (h > 1) ? $2 : 0; fb[n] = (h > 1) ? $(h + 2) : 0
	}
	END { printf "%f %f %f %f %f %f %f\n", median(a, n), median(b, n), sa / n, sb / n,
		median(fa, n), median(fb, n), median(q, n) }'
}
read -r s_a s_b s_ma s_mb _ _ s_q < <(compare "$tmp/start.runc" "$tmp/start.hardshim")
read -r p_a p_b _ < <(compare "$tmp/sys.none" "$tmp/sys.profile")

# row LABEL A B: one line of a table; the ratio is B/A.
row() {
	awk -v l="$1" -v a="$2" -v b="$3" \
		'BEGIN { printf "  %-26s %9.2f %9.2f %7.3f\n", l, a, b, b / a }'
}
# qrow LABEL RATIO
qrow() {
	awk -v l="$1" -v q="$2" 'BEGIN { printf "  %-26s %9s %9s %7.3f\n", l, "", "", q }'
}
ms() { awk -v v="$1" 'BEGIN { printf "%.3f", v / 1e6 }'; }

echo "hardshim benchmark, $(date -u +%Y-%m-%dT%H:%MZ), ${took}s"
echo "  hardshim  $HARDSHIM"
echo "  runc      $RUNC ($("$RUNC" --version | head -n 1))"
echo "  kernel    $(uname -srm), $(nproc) CPUs"
echo "  bundle    $b ($(stat -f -c %T "$b"))"
echo "  seccomp   $seccomp_note"
echo "  runs      start: $N pairs (+$WARMUP warm-up each); getppid: $R rounds of 3 runs (none, minimal, profile) of $CALLS calls"
echo
awk -v a="$s_a" -v b="$s_b" -v c="$p_a" -v d="$p_b" 'BEGIN {
	printf "start latency  runc %6.2f ms  hardshim %6.2f ms  ratio %.3f (goal <= 1.02)\n", a / 1e6, b / 1e6, b / a
	printf "getppid        none %6.1f ns  profile  %6.1f ns  ratio %.3f (goal <= 1.05)\n", c, d, d / c
}'
echo
printf '%-28s %9s %9s %7s  %s\n' "start latency (ms)" runc hardshim ratio "goal <= 1.02 (median)"
row median "$(ms "$s_a")" "$(ms "$s_b")"
row mean "$(ms "$s_ma")" "$(ms "$s_mb")"
qrow "median of $N pair ratios" "$s_q"
read -r t_a t_b t_ma t_mb _ < <(compare "$tmp/alone.true" "$tmp/alone.hardshim")
echo
printf '%-28s %9s %9s %7s  %s\n' "hardshim's own time (ms)" /bin/true hardshim added "(HARDSHIM_RUNTIME=/bin/true)"
awk -v a="$t_a" -v b="$t_b" -v am="$t_ma" -v bm="$t_mb" 'BEGIN {
	printf "  %-26s %9.2f %9.2f %7.2f\n", "median", a / 1e6, b / 1e6, (b - a) / 1e6
	printf "  %-26s %9.2f %9.2f %7.2f\n", "mean", am / 1e6, bm / 1e6, (bm - am) / 1e6
}'
# getppid_table SIDE-A SIDE-B NOTE
getppid_table() {
	local a b ma mb fa fb q
	read -r a b ma mb fa fb q < <(compare "$tmp/sys.$1" "$tmp/sys.$2")
	echo
	printf '%-28s %9s %9s %7s  %s\n' "getppid (ns per call)" "$1" "$2" ratio "$3"
	row median "$a" "$b"
	row mean "$ma" "$mb"
	row "fastest chunk (median)" "$fa" "$fb"
	qrow "median of $R round ratios" "$q"
}
getppid_table none profile "goal <= 1.05 (median)"
getppid_table none minimal "(the cost of any filter)"
getppid_table minimal profile "(the cost of the profile's rules)"
