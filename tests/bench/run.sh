#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# run.sh [-n N] [-r R]: hardshim's overhead against plain runc, as ratios:
# every row of issue 18's table from one run (README.md says how to read it).
#
#  1. start latency: `hardshim run` vs `runc run` of /bin/true in a busybox
#     bundle, both starting the same final (hardened) spec: N pairs, the
#     order alternating from pair to pair, after a few warm-up runs.  For
#     the explanation, hardshim's own time as well: hardshim with /bin/true
#     as its runtime vs /bin/true alone, N pairs.
#     Pass-through: `hardshim state` vs `runc state` of one created
#     container, N pairs.  For reference, the floor of both: a static-pie
#     program that only execs its arguments, in hardshim's place (N pairs
#     each): what any separate binary in front of the runtime costs here.
#     crun: hardshim in front of crun vs plain runc (the bundle's own
#     spec), N pairs, wall and CPU time.  The 1 MiB spec
#     rewrite: hardshim (runtime /bin/true) on a spec padded to 1 MiB, wall
#     time and peak RSS.  docker: `docker run --runtime=hardshim` vs
#     `docker run` (runc, Docker's default profile) of /bin/true in the
#     bundle's rootfs imported as an image, N pairs, under a dockerd of its
#     own (start_dockerd of tests/integration/engines.bash, as docker.bats
#     starts one; or a row that says why not).
#  2. syscall cost: ns per getppid(2) in a container with the hardened spec
#     (hardshim's seccomp profile) vs the same spec with Docker's default
#     profile (that of the docker-generated spec tests/data/specs/docker.json),
#     without linux.seccomp, and with a minimal one-rule filter: R rounds,
#     the order rotating from round to round.
#
# Prints median (and mean) per side and the ratio of the medians with its
# goal.  Nothing is asserted: read the ratios.  Needs root, runc, gcc (with
# a static libc), jq and a static /bin/busybox.  Environment:
#   HARDSHIM  hardshim binary (default: the one built in this checkout)
#   RUNC      real runtime, for both sides (default /usr/bin/runc)
#   CRUN      crun, for the crun row (default /usr/bin/crun; absent: a row
#             that says so).  crun refuses this host's hybrid cgroup layout
#             unless hugetlb is on v1: the script mounts it there, as
#             tests/integration/crun.bats does, and leaves it
#   DOCKER_CLI  docker's client, for the docker row (default /usr/bin/docker,
#             that of the docker.io package; absent, or no dockerd,
#             containerd or containerd-shim-runc-v2: a row that says so)
#   BUSYBOX   passed to tests/lib/make-bundle.sh
#   TMPDIR    where the bundle and the work files go (default /tmp); its
#             filesystem matters: hardshim fsyncs the config.json it writes
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
HARDSHIM=${HARDSHIM:-$src/hardshim}
RUNC=${RUNC:-/usr/bin/runc}
CRUN=${CRUN:-/usr/bin/crun}
PROFILE=$src/profiles/seccomp/default.json
DOCKER_SPEC=$src/tests/data/specs/docker.json # a spec docker generated: Docker's default profile
N=100       # start-latency pairs
R=16        # syscall-cost rounds (4 runs each; 8 rounds rotate the order fully)
WARMUP=3    # warm-up runs per side, not counted
CALLS=2000000  # getppid calls per container run...
CHUNKS=50      # ...timed in this many chunks (see getppid.c)
# The private dockerd of the docker row: start_dockerd, stop_dockerd,
# docker_import, engine_teardown_file (and DOCKER_CLI's default).
docker_cli=${DOCKER_CLI:-}
# shellcheck source=SCRIPTDIR/../integration/engines.bash
. "$src/tests/integration/engines.bash"
DOCKER_CLI=${docker_cli:-$DOCKER_CLI}

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
[ -f "$DOCKER_SPEC" ] || die "no docker-generated spec at $DOCKER_SPEC"
for tool in gcc jq awk python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

tmp=$(mktemp -d -t hsbench.XXXXXX)
tmp=$(cd "$tmp" && pwd -P)
chmod 0711 "$tmp" # the container's mapped root must reach the bundle for plain runc
ID=hsbench$$
ENGINE_DIR="" # the docker row's dockerd: everything it writes (1e)
cleanup() {
	local id
	if [ -n "$ENGINE_DIR" ]; then
		stop_dockerd || true
		engine_teardown_file || true
	fi
	for id in "$ID" "$ID-p" "$ID-s"; do
		"$RUNC" kill "$id" KILL >/dev/null 2>&1 || true
		"$RUNC" delete --force "$id" >/dev/null 2>&1 || true
	done
	[ ! -x "$CRUN" ] || "$CRUN" delete --force "$ID" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------
# timer CMD...: run CMD (stdout to /dev/null, stderr inherited), print its wall
# time in ns (CLOCK_MONOTONIC around fork..waitpid), its CPU time in ns (user
# + system of it and of the children it waited for) and its peak RSS in KiB;
# fail as CMD fails.  The same small overhead on both sides.
cat >"$tmp/timer.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int
main (int argc, char **argv)
{
  struct timespec a, b;
  struct rusage ru;
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
  if (pid < 0 || wait4 (pid, &status, 0, &ru) != pid)
    return 2;
  clock_gettime (CLOCK_MONOTONIC, &b);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "timer: %s failed (status %#x)\n", argv[1], status);
      return 1;
    }
  printf ("%lld %lld %ld\n", (long long) (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec),
          (long long) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
              + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL,
          ru.ru_maxrss);
  return 0;
}
EOF
gcc -O2 -Wall -Wextra -Werror -o "$tmp/timer" "$tmp/timer.c"
# floor CMD...: exec CMD and nothing else, linked as hardshim is (static-pie):
# what any separate binary in front of the runtime costs on this machine,
# the least a wrapper can add to `state` and to own time.
printf '#include <unistd.h>\nint main (int c, char **v) { (void) c; execv (v[1], v + 1); return 127; }\n' >"$tmp/floor.c"
gcc -O2 -static-pie -Wall -Wextra -Werror -o "$tmp/floor" "$tmp/floor.c"
gcc -O2 -static -Wall -Wextra -Werror -o "$tmp/getppid" "$here/getppid.c"

# warm_up ONCE SIDE-A SIDE-B: WARMUP runs of each side, not counted
# (`ONCE SIDE OUTFILE` is one timed run).
warm_up() {
	local i
	for ((i = 0; i < WARMUP; i++)); do
		"$1" "$2" "$tmp/warm"
		"$1" "$3" "$tmp/warm"
	done
}
# pairs ONCE SIDE-A FILE-A SIDE-B FILE-B: N pairs of timed runs, each
# side's times in its (emptied) file; A first in even pairs, B in odd ones.
pairs() {
	local i
	: >"$3"
	: >"$5"
	for ((i = 0; i < N; i++)); do
		if ((i % 2 == 0)); then
			"$1" "$2" "$3"
			"$1" "$4" "$5"
		else
			"$1" "$4" "$5"
			"$1" "$2" "$3"
		fi
	done
}

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
# The filter users already run: Docker's default profile, as docker wrote it
# into a spec (all its architectures; the rules docker resolved against its
# default capability set).
jq --slurpfile d "$DOCKER_SPEC" '.linux.seccomp = $d[0].linux.seccomp' \
	"$tmp/getppid-profile.json" >"$tmp/getppid-docker.json"
docker_note="$(jq '.linux.seccomp.syscalls | map(.names | length) | add // 0' \
	"$tmp/getppid-docker.json") syscalls named, default $(jq -r '.linux.seccomp.defaultAction' \
	"$tmp/getppid-docker.json") (from ${DOCKER_SPEC#"$src"/})"

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
	floor-alone)
		cp "$tmp/orig.json" "$b/config.json"
		"$tmp/timer" "$tmp/floor" /bin/true run --bundle "$b" "$ID" >>"$2"
		;;
	esac
}

began=$(date +%s)
warm_up start_once runc hardshim
pairs start_once runc "$tmp/start.runc" hardshim "$tmp/start.hardshim"
# hardshim's own time: what it adds to a start, without runc's noise.
start_once hardshim-alone "$tmp/warm"
pairs start_once true-alone "$tmp/alone.true" hardshim-alone "$tmp/alone.hardshim"
pairs start_once true-alone "$tmp/alone.true2" floor-alone "$tmp/alone.floor"
# hardshim writes the same spec every time: the runc side started it.
cp "$tmp/orig.json" "$b/config.json"
"$HARDSHIM" run --bundle "$b" "$ID" >/dev/null
cmp -s "$b/config.json" "$tmp/hardened.json" ||
	die "hardshim's output changed between runs: the two sides did not start the same spec"

# --- 1b. pass-through: `hardshim state` vs `runc state` ------------------------
# One container left created (its init waits for `start`), asked for its
# state N times from each side; hardshim passes `state` through to runc.
cp "$tmp/runc.json" "$b/config.json"
"$RUNC" create --bundle "$b" "$ID-s" </dev/null >/dev/null 2>&1 ||
	die "runc create of the state container failed"
state_once() { # SIDE OUTFILE
	case $1 in
	hardshim) "$tmp/timer" "$HARDSHIM" state "$ID-s" >>"$2" ;;
	runc) "$tmp/timer" "$RUNC" state "$ID-s" >>"$2" ;;
	floor) "$tmp/timer" "$tmp/floor" "$RUNC" state "$ID-s" >>"$2" ;;
	esac
}
state_once runc "$tmp/warm"
state_once hardshim "$tmp/warm"
pairs state_once runc "$tmp/state.runc" hardshim "$tmp/state.hardshim"
pairs state_once runc "$tmp/state.runc2" floor "$tmp/state.floor"
"$RUNC" delete --force "$ID-s" >/dev/null 2>&1 || true

# --- 1c. hardshim in front of crun vs plain runc --------------------------------
# The same busybox bundle: hardshim (HARDSHIM_RUNTIME=crun, contrib/hardshim-crun)
# hardens the bundle's own spec and execs crun; plain runc starts the bundle's
# own spec (what runs without hardshim).  Wall and CPU time (of the command and
# everything it waited for).
crun_why=
if [ ! -x "$CRUN" ]; then
	crun_why="no crun at $CRUN (apt-get install crun)"
elif [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
	# DESIGN.md §5: crun refuses the hybrid layout while hugetlb is on v2.
	{ mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb; } 2>/dev/null ||
		crun_why="crun needs the hugetlb cgroup on v1 and it cannot be mounted here"
fi
crun_once() { # SIDE OUTFILE
	"$RUNC" delete --force "$ID" >/dev/null 2>&1 || true
	"$CRUN" delete --force "$ID" >/dev/null 2>&1 || true
	cp "$tmp/orig.json" "$b/config.json"
	case $1 in
	hardshim-crun) HARDSHIM_RUNTIME=$CRUN "$tmp/timer" "$HARDSHIM" run --bundle "$b" "$ID" >>"$2" ;;
	runc-plain) "$tmp/timer" "$RUNC" run --bundle "$b" "$ID" >>"$2" ;;
	esac
}
if [ -z "$crun_why" ] && ! crun_once hardshim-crun "$tmp/warm" 2>"$tmp/err"; then
	crun_why="hardshim in front of crun failed: $(head -c 200 "$tmp/err")"
fi
if [ -z "$crun_why" ]; then
	warm_up crun_once runc-plain hardshim-crun
	pairs crun_once runc-plain "$tmp/crun.runc" hardshim-crun "$tmp/crun.hardshim"
	crun_note="$("$CRUN" --version | head -n 1)"
else
	crun_note="not measured: $crun_why"
fi

# --- 1d. the 1 MiB spec rewrite ---------------------------------------------------
# The bundle's spec padded to exactly 1 MiB (row spec-1mib of
# tests/lib/hostile-spec.py, as in tests/bench/sizes.sh), hardened by
# hardshim with /bin/true as its runtime: wall time, and the peak RSS of the
# process (hardshim's, before it execs /bin/true).
"$src/tests/lib/hostile-spec.py" "$tmp/orig.json" "$tmp/1mib.json" spec-1mib
M=$((N < 30 ? N : 30))
big_once() { # SPEC OUTFILE
	cp "$1" "$b/config.json"
	HARDSHIM_RUNTIME=/bin/true "$tmp/timer" "$HARDSHIM" create --bundle "$b" "$ID" >>"$2"
}
big_once "$tmp/1mib.json" "$tmp/warm"
: >"$tmp/big.1mib"
: >"$tmp/big.orig"
for ((i = 0; i < M; i++)); do
	big_once "$tmp/orig.json" "$tmp/big.orig"
	big_once "$tmp/1mib.json" "$tmp/big.1mib"
done

# --- 1e. docker run --runtime=hardshim vs docker run ---------------------------
# A dockerd of its own, as tests/integration/docker.bats starts one
# (start_dockerd: its own containerd, data-root, exec-root and socket, all
# in $tmp/docker), with hardshim registered as the runtime `hardshim`; the
# policy above (HARDSHIM_POLICY) and HARDSHIM_RUNTIME reach it through
# containerd and the shim.  The image is the bundle's rootfs (docker_import,
# no registry).  N pairs of `docker run --rm --network=none IMAGE /bin/true`,
# with --runtime=hardshim or with dockerd's default runc (and Docker's
# default seccomp profile), the order alternating; the client's wall time.
docker_why=
for tool in dockerd containerd containerd-shim-runc-v2 ctr "$DOCKER_CLI"; do
	command -v "$tool" >/dev/null 2>&1 || { docker_why="no $tool (apt-get install docker.io)"; break; }
done
if [ -z "$docker_why" ]; then
	ENGINE_DIR=$tmp/docker
	mkdir -m 0700 "$ENGINE_DIR"
	start_dockerd "$(jq -n --arg hs "$HARDSHIM" '{hardshim: {path: $hs}}')" 2>"$tmp/err" &&
		docker_import "$b/rootfs" hsbench-busybox 2>"$tmp/err" ||
		docker_why="the private dockerd did not start: $(head -c 200 "$tmp/err")"
fi
docker_once() { # SIDE OUTFILE
	case $1 in
	hardshim) "$tmp/timer" "$DOCKER_CLI" run --rm --network=none --runtime=hardshim hsbench-busybox /bin/true >>"$2" ;;
	runc) "$tmp/timer" "$DOCKER_CLI" run --rm --network=none hsbench-busybox /bin/true >>"$2" ;;
	esac
}
if [ -z "$docker_why" ] && ! docker_once hardshim "$tmp/warm" 2>"$tmp/err"; then
	docker_why="docker run --runtime=hardshim failed: $(head -c 200 "$tmp/err")"
fi
if [ -z "$docker_why" ]; then
	warm_up docker_once runc hardshim
	pairs docker_once runc "$tmp/docker.runc" hardshim "$tmp/docker.hardshim"
	# Each hardshim side went through hardshim: one create journaled per
	# container of our dockerd (containerd's bundles are under $ENGINE_DIR).
	journaled=$(jq -s --arg d "$ENGINE_DIR/" \
		'[.[] | select(.command == "create" and (.bundle // "" | startswith($d))) | .id] | unique | length' \
		"$tmp/journal.jsonl")
	[ "$journaled" -eq $((N + WARMUP + 1)) ] ||
		die "hardshim journaled $journaled docker containers, not $((N + WARMUP + 1)): the docker row did not measure hardshim"
	dockerd_note="$("$DOCKER_CLI" info --format 'dockerd {{.ServerVersion}}, containerd {{.ContainerdCommit.ID}}, {{.Driver}}, default runtime {{.DefaultRuntime}}')"
	stop_dockerd
	engine_teardown_file || die "the docker row's dockerd left something behind"
	ENGINE_DIR=""
else
	dockerd_note="not measured: $docker_why"
fi

# --- 2. syscall cost ----------------------------------------------------------
syscall_once() { # SIDE OUTFILE
	"$RUNC" delete --force "$ID-p" >/dev/null 2>&1 || true
	cp "$tmp/getppid-$1.json" "$b/config.json"
	"$RUNC" run --bundle "$b" "$ID-p" >>"$2"
}
sides=(none minimal docker profile)
S=${#sides[@]}
for side in "${sides[@]}"; do
	syscall_once "$side" "$tmp/warm"
	: >"$tmp/sys.$side"
done
# Round i starts with side i mod S, forward for S rounds, then backward for
# S: every side comes first, last and in between equally often.
for ((i = 0; i < R; i++)); do
	for ((k = 0; k < S; k++)); do
		if ((i / S % 2 == 0)); then j=$(((i + k) % S)); else j=$(((i - k + S) % S)); fi
		syscall_once "${sides[j]}" "$tmp/sys.${sides[j]}"
	done
done
took=$(($(date +%s) - began))

# --- report -------------------------------------------------------------------
# compare A-FILE B-FILE: line i of each is run i of side A and of side B (one
# number, or several: "mean fastest" for getppid, "wall cpu rss" from the
# timer); prints "medA medB meanA meanB col2A col2B pairratio maxcol3A
# maxcol3B" (col2: median of column 2, or 0; maxcol3: largest of column 3,
# or 0).
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
		if (h > 2 && $3 > ra) ra = $3
		if (h > 2 && $(h + 3) > rb) rb = $(h + 3)
	}
	END { printf "%f %f %f %f %f %f %f %d %d\n", median(a, n), median(b, n), sa / n, sb / n,
		median(fa, n), median(fb, n), median(q, n), ra, rb }'
}

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

read -r s_a s_b s_ma s_mb s_ca s_cb s_q _ < <(compare "$tmp/start.runc" "$tmp/start.hardshim")
read -r t_a t_b t_ma t_mb t_ca t_cb _ < <(compare "$tmp/alone.true" "$tmp/alone.hardshim")
read -r st_a st_b st_ma st_mb st_ca st_cb st_q _ < <(compare "$tmp/state.runc" "$tmp/state.hardshim")
read -r sf_a sf_b sf_ma sf_mb sf_ca sf_cb sf_q _ < <(compare "$tmp/state.runc2" "$tmp/state.floor")
read -r tf_a tf_b tf_ma tf_mb tf_ca tf_cb _ < <(compare "$tmp/alone.true2" "$tmp/alone.floor")
read -r d_a d_b _ _ d_fa d_fb d_q _ < <(compare "$tmp/sys.docker" "$tmp/sys.profile")
read -r g_a g_b _ _ g_ca g_cb _ g_ra g_rb < <(compare "$tmp/big.orig" "$tmp/big.1mib")
if [ -z "$crun_why" ]; then
	read -r c_a c_b c_ma c_mb c_ca c_cb c_q _ < <(compare "$tmp/crun.runc" "$tmp/crun.hardshim")
fi
if [ -z "$docker_why" ]; then
	read -r k_a k_b k_ma k_mb _ _ k_q _ < <(compare "$tmp/docker.runc" "$tmp/docker.hardshim")
	docker_row=$(awk -v a="$k_a" -v b="$k_b" -v q="$k_q" 'BEGIN { printf "%.3f [%.3f]", b / a, q }')
else
	docker_row=$dockerd_note
fi

echo "hardshim benchmark, $(date -u +%Y-%m-%dT%H:%MZ), ${took}s"
echo "  hardshim  $HARDSHIM ($(file -b "$HARDSHIM" | grep -o 'dynamically linked\|static-pie linked\|statically linked' | head -n 1))"
echo "  runc      $RUNC ($("$RUNC" --version | head -n 1))"
echo "  crun      $CRUN ($crun_note)"
echo "  docker    $DOCKER_CLI ($dockerd_note)"
echo "  kernel    $(uname -srm), $(nproc) CPUs, load average $(cut -d ' ' -f 1-3 /proc/loadavg) at the end"
echo "  bundle    $b ($(stat -f -c %T "$b"))"
echo "  seccomp   hardshim: $seccomp_note"
echo "            docker:   $docker_note"
echo "  runs      start, own time, state, crun, docker: $N pairs (+$WARMUP warm-up); 1 MiB spec: $M pairs; getppid: $R rounds of ${#sides[@]} runs (${sides[*]}) of $CALLS calls"
echo
echo "issue 18's table (medians; in brackets: median of the pair ratios)"
awk -v da="$d_a" -v db="$d_b" -v dfa="$d_fa" -v dfb="$d_fb" -v dq="$d_q" \
	-v ta="$t_a" -v tb="$t_b" -v sa="$s_a" -v sb="$s_b" -v sq="$s_q" \
	-v sta="$st_a" -v stb="$st_b" -v stq="$st_q" -v gb="$g_b" -v grb="$g_rb" -v dock="$docker_row" 'BEGIN {
	printf "  %-34s %-44s %s\n", "figure", "measured", "goal"
	printf "  %-34s %-44s %s\n", "syscall: hardshim vs docker profile",
		sprintf("%.3f [%.3f]; fastest chunk %.3f", db / da, dq, dfb / dfa), "<= 1.02"
	printf "  %-34s %-44s %s\n", "hardshim own time per create",
		sprintf("+%.2f ms (%.2f vs /bin/true %.2f)", (tb - ta) / 1e6, tb / 1e6, ta / 1e6), "<= 1.0 ms"
	printf "  %-34s %-44s %s\n", "hardshim run vs runc run",
		sprintf("%.3f [%.3f]", sb / sa, sq), "<= 1.03"
	printf "  %-34s %-44s %s\n", "docker run, hardshim vs runc", dock, "<= 1.02"
	printf "  %-34s %-44s %s\n", "state: hardshim vs runc",
		sprintf("%.3f [%.3f]", stb / sta, stq), "<= 1.05"
}'
awk -v ta="$tf_a" -v tb="$tf_b" -v sa="$sf_a" -v sb="$sf_b" -v sq="$sf_q" 'BEGIN {
	printf "  %-34s %-44s %s\n", "  floor: an exec-only wrapper adds",
		sprintf("+%.2f ms own time; state %.3f [%.3f]", (tb - ta) / 1e6, sb / sa, sq), "(reference)"
}'
if [ -z "$crun_why" ]; then
	awk -v a="$c_a" -v b="$c_b" -v q="$c_q" -v ca="$c_ca" -v cb="$c_cb" 'BEGIN {
	printf "  %-34s %-44s %s\n", "hardshim+crun vs plain runc",
		sprintf("wall %.3f [%.3f], CPU %.3f", b / a, q, cb / ca), "wall <= 0.8"
}'
else
	printf '  %-34s %-44s %s\n' "hardshim+crun vs plain runc" "$crun_note" "wall <= 0.8"
fi
awk -v b="$g_b" -v r="$g_rb" 'BEGIN {
	printf "  %-34s %-44s %s\n", "1 MiB spec rewrite",
		sprintf("%.2f ms, peak RSS %.1f MiB", b / 1e6, r / 1024), "< 20 ms, < 16 MiB"
}'

echo
printf '%-28s %9s %9s %7s  %s\n' "start latency (ms)" runc hardshim ratio "goal <= 1.03 (median)"
row median "$(ms "$s_a")" "$(ms "$s_b")"
row mean "$(ms "$s_ma")" "$(ms "$s_mb")"
row "CPU time (median)" "$(ms "$s_ca")" "$(ms "$s_cb")"
qrow "median of $N pair ratios" "$s_q"
echo
printf '%-28s %9s %9s %7s  %s\n' "hardshim's own time (ms)" /bin/true hardshim added "(HARDSHIM_RUNTIME=/bin/true) goal <= 1.0"
awk -v a="$t_a" -v b="$t_b" -v am="$t_ma" -v bm="$t_mb" -v ca="$t_ca" -v cb="$t_cb" 'BEGIN {
	printf "  %-26s %9.2f %9.2f %7.2f\n", "median", a / 1e6, b / 1e6, (b - a) / 1e6
	printf "  %-26s %9.2f %9.2f %7.2f\n", "mean", am / 1e6, bm / 1e6, (bm - am) / 1e6
	printf "  %-26s %9.2f %9.2f %7.2f\n", "CPU time (median)", ca / 1e6, cb / 1e6, (cb - ca) / 1e6
}'
awk -v a="$tf_a" -v b="$tf_b" -v ca="$tf_ca" -v cb="$tf_cb" 'BEGIN {
	printf "  %-26s %9.2f %9.2f %7.2f\n", "floor, exec-only (median)", a / 1e6, b / 1e6, (b - a) / 1e6
	printf "  %-26s %9.2f %9.2f %7.2f\n", "floor, CPU time (median)", ca / 1e6, cb / 1e6, (cb - ca) / 1e6
}'
echo
printf '%-28s %9s %9s %7s  %s\n' "state, pass-through (ms)" runc hardshim ratio "goal <= 1.05 (median)"
row median "$(ms "$st_a")" "$(ms "$st_b")"
row mean "$(ms "$st_ma")" "$(ms "$st_mb")"
row "CPU time (median)" "$(ms "$st_ca")" "$(ms "$st_cb")"
qrow "median of $N pair ratios" "$st_q"
row "floor, exec-only (median)" "$(ms "$sf_a")" "$(ms "$sf_b")"
qrow "floor, median of pair ratios" "$sf_q"
echo
if [ -z "$crun_why" ]; then
	printf '%-28s %9s %9s %7s  %s\n' "crun (ms)" runc hs+crun ratio "goal wall <= 0.8 (median)"
	row "wall, median" "$(ms "$c_a")" "$(ms "$c_b")"
	row "wall, mean" "$(ms "$c_ma")" "$(ms "$c_mb")"
	row "CPU time (median)" "$(ms "$c_ca")" "$(ms "$c_cb")"
	qrow "median of $N pair ratios" "$c_q"
else
	echo "crun: $crun_note"
fi
echo
printf '%-28s %9s %9s %7s  %s\n' "spec rewrite (ms)" "own spec" "1 MiB" ratio "(runtime /bin/true) goal < 20 ms, < 16 MiB"
row "wall, median" "$(ms "$g_a")" "$(ms "$g_b")"
row "CPU time (median)" "$(ms "$g_ca")" "$(ms "$g_cb")"
row "peak RSS (MiB, largest)" "$(awk -v v="$g_ra" 'BEGIN { print v / 1024 }')" "$(awk -v v="$g_rb" 'BEGIN { print v / 1024 }')"
echo
if [ -z "$docker_why" ]; then
	printf '%-28s %9s %9s %7s  %s\n' "docker run (ms)" runc hardshim ratio "goal <= 1.02 (median)"
	row median "$(ms "$k_a")" "$(ms "$k_b")"
	row mean "$(ms "$k_ma")" "$(ms "$k_mb")"
	qrow "median of $N pair ratios" "$k_q"
else
	echo "docker: $dockerd_note"
fi
# getppid_table SIDE-A SIDE-B NOTE
getppid_table() {
	local a b ma mb fa fb q
	read -r a b ma mb fa fb q _ < <(compare "$tmp/sys.$1" "$tmp/sys.$2")
	echo
	printf '%-28s %9s %9s %7s  %s\n' "getppid (ns per call)" "$1" "$2" ratio "$3"
	row median "$a" "$b"
	row mean "$ma" "$mb"
	row "fastest chunk (median)" "$fa" "$fb"
	qrow "median of $R round ratios" "$q"
}
getppid_table docker profile "goal <= 1.02 (median)"
getppid_table none profile "(the cost of the whole filter)"
getppid_table none minimal "(the cost of any filter)"
getppid_table minimal profile "(the cost of the profile's rules)"
