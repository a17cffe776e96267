# SPDX-License-Identifier: Apache-2.0
# Common setup for hardshim's integration tests (bats).
#
# Every test gets its own directory ($T), its own policy file (exported as
# HARDSHIM_POLICY) whose journal lives in $T, and a container id prefix of
# its own; teardown kills and deletes whatever containers with that prefix
# are left, in the default runc root and in every root given to use_root.

: "${HS_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${HS_BUILDDIR:=$HS_SRCDIR}"
# The paths this build compiled in, written by make (Makefile.am):
# HS_STATE_DIR, hardshim's state directory (under localstatedir: any prefix).
HS_CONFIGURED="$HS_BUILDDIR/tests/integration/configured.bash"
if [ -r "$HS_CONFIGURED" ]; then
	# shellcheck source=/dev/null
	. "$HS_CONFIGURED"
fi
HS="$HS_BUILDDIR/hardshim"
RUNC=/usr/bin/runc
CRUN=/usr/bin/crun
MAKE_BUNDLE="$HS_SRCDIR/tests/lib/make-bundle.sh"
SECCOMP_PROFILE="$HS_SRCDIR/profiles/seccomp/default.json"
LANDLOCK_HELPER="$HS_BUILDDIR/hardshim-landlock"
TAB=$'\t'

common_setup() {
	[ -x "$HS" ] || { echo "hardshim not built: $HS" >&2; return 1; }
	[ -n "${HS_STATE_DIR:-}" ] || { echo "not built: $HS_CONFIGURED (run make)" >&2; return 1; }
	T=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
	JOURNAL=$T/deviations.jsonl
	export HARDSHIM_POLICY=$T/policy.json
	unset HARDSHIM_RUNTIME
	write_policy '{"mode":"enforce"}'
	ID_PREFIX="hst$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}-"
	EXTRA_ROOTS=()
}

# write_policy JSON-OBJECT: the test's policy, with the journal in $T added
# and, unless it names them, the seccomp profile and the Landlock helper of
# this tree (the built-in defaults name the installed ones).
write_policy() {
	jq --arg j "$JOURNAL" --arg p "$SECCOMP_PROFILE" --arg l "$LANDLOCK_HELPER" \
		'. + {journal: $j} | .seccomp.profile //= $p | .lsm.landlock_helper //= $l' <<<"$1" >"$HARDSHIM_POLICY"
}

# new_id NAME: a container id unique to this test run.
new_id() {
	echo "$ID_PREFIX$1"
}

# use_root DIR: a runc --root the test uses; teardown cleans it as well.
use_root() {
	EXTRA_ROOTS+=("$1")
}

# bundle NAME [ARGS...]: build $T/NAME, print its absolute path.
bundle() {
	local name=$1
	shift
	"$MAKE_BUNDLE" "$T/$name" "$@" >&2 || return 1
	(cd "$T/$name" && pwd -P)
}

# _subid_map FILE ID [OWNER]: the host id that container id ID maps to
# under the user namespace hardshim gives containers of OWNER's class
# (default: hardshim), from FILE (/etc/subuid or /etc/subgid).
_subid_map() {
	local start
	start=$(awk -F: -v o="${3:-hardshim}" '$1 == o && $3 >= 65536 { print $2; exit }' "$1" 2>/dev/null)
	[ -n "$start" ] || { echo "no range of 65536 ids for ${3:-hardshim} in $1" >&2; return 1; }
	echo $((start + $2))
}

# host_id ID [OWNER], host_gid ID [OWNER]: _subid_map for uids and gids.
host_id() { _subid_map /etc/subuid "$@"; }
host_gid() { _subid_map /etc/subgid "$@"; }

# runc_bridged BUNDLE RUNC-ARGS...: plain runc on the config.json hardshim
# wrote to BUNDLE, in a mount namespace of its own with BUNDLE/rootfs
# mounted at the spec's root.path, as hardshim does (without the idmap):
# hardshim's rootfs bridge exists only for the runtime it starts.
runc_bridged() {
	local b=$1 bridge
	shift
	bridge=$(jq -r .root.path "$b/config.json")
	unshare --mount --propagation slave \
		sh -c 'mount --bind "$1/rootfs" "$2" && shift 2 && exec "$@"' sh "$b" "$bridge" "$RUNC" "$@"
}

# patch_config BUNDLE [JQ-OPTIONS...] JQ-FILTER: edit BUNDLE/config.json in place.
patch_config() {
	local b=$1
	shift
	jq "$@" <"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# Containers of this test in runc root $1 ("" for the default root).
_my_containers() {
	local -a root=()
	[ -z "$1" ] || root=(--root "$1")
	"$RUNC" "${root[@]}" list -q 2>/dev/null | grep -F -- "$ID_PREFIX" || true
}

common_teardown() {
	local root id left=""
	[ -n "${ID_PREFIX:-}" ] || return 0
	for root in "" "${EXTRA_ROOTS[@]}"; do
		for id in $(_my_containers "$root"); do
			"$RUNC" ${root:+--root "$root"} kill "$id" KILL >/dev/null 2>&1 || true
			"$RUNC" ${root:+--root "$root"} delete --force "$id" >/dev/null 2>&1 || true
		done
		left+=$(_my_containers "$root")
	done
	if [ -n "$left" ]; then
		echo "teardown: containers left behind: $left" >&2
		return 1
	fi
	if grep -F -- " $T" /proc/self/mountinfo >&2; then
		echo "teardown: mounts left under $T" >&2
		return 1
	fi
}

# delete_crun_containers: force-delete this test's containers that crun
# (its default root) still knows; for teardowns of tests that use crun.
delete_crun_containers() {
	local id
	[ -x "$CRUN" ] || return 0
	for id in $("$CRUN" list -q 2>/dev/null | grep -F -- "$ID_PREFIX"); do
		"$CRUN" delete -f "$id" >/dev/null 2>&1 || true
	done
}

# hs_out ARGS...: run hardshim, stdout to $T/out, stderr to $T/err, status
# in $status (so that a detached container cannot hold a bats pipe open).
hs_out() {
	status=0
	"$HS" "$@" >"$T/out" 2>"$T/err" </dev/null || status=$?
}

# runc_gone ID [ROOT]: succeeds when runc knows no container ID.
runc_gone() {
	local err
	if err=$("$RUNC" ${2:+--root "$2"} state "$1" 2>&1); then
		echo "container $1 exists: $err" >&2
		return 1
	fi
	[[ $err == *"does not exist"* ]] || { echo "runc state $1: $err" >&2; return 1; }
}

# state_status ID [ROOT]: the status field of runc's state.
state_status() {
	"$RUNC" ${2:+--root "$2"} state "$1" | jq -r .status
}

# wait_status ID STATUS: poll (up to 5 s) until the container has STATUS.
wait_status() {
	local i s
	for i in $(seq 50); do
		s=$(state_status "$1" 2>/dev/null) || s=gone
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1 is $s, wanted $2" >&2
	return 1
}

# journal_valid [FILE]: every line of the journal is one JSON object, the
# file ends with a newline; prints the number of records.
journal_valid() {
	local f=${1:-$JOURNAL} lines objects
	[ -s "$f" ] || { echo "journal $f missing or empty" >&2; return 1; }
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || { echo "journal does not end with a newline" >&2; return 1; }
	lines=$(wc -l <"$f")
	objects=$(jq -R -n '[inputs | fromjson | select(type == "object")] | length' <"$f") || {
		echo "journal $f has a line that is not JSON" >&2
		return 1
	}
	[ "$lines" -eq "$objects" ] || { echo "journal: $lines lines, $objects objects" >&2; return 1; }
	echo "$lines"
}

# copies_of PROTO N: N copies of bundle $T/PROTO, at $T/c1 ... $T/cN.
copies_of() {
	local i
	for i in $(seq "$2"); do
		cp -a "$T/$1" "$T/c$i"
	done
}

# reference_records PROTO [COMMAND]: the number of records one COMMAND
# (default create) of bundle $T/PROTO writes, counted on a copy without a
# container (the "runtime" is true(1)) and into a journal of its own.
reference_records() {
	local k
	cp -a "$T/$1" "$T/ref"
	JOURNAL=$T/ref.jsonl HARDSHIM_POLICY=$T/ref-policy.json write_policy '{}'
	HARDSHIM_RUNTIME=/bin/true HARDSHIM_POLICY=$T/ref-policy.json "$HS" "${2:-create}" -b "$T/ref" "$(new_id ref)" ||
		return 1
	k=$(journal_valid "$T/ref.jsonl") || return 1
	[ "$k" -ge 4 ] || { echo "only $k reference records" >&2; return 1; }
	echo "$k"
}

# journal_query JQ-FILTER: run a filter over the array of all records.
journal_query() {
	jq -s -c "$1" "$JOURNAL"
}

# assert_line_exact TEXT FILE: FILE has a line that is exactly TEXT.
assert_line_exact() {
	grep -qFx -- "$1" "$2" || { echo "no line '$1' in $2:" >&2; cat "$2" >&2; return 1; }
}

# assert_contains HAYSTACK NEEDLE
assert_contains() {
	[[ $1 == *"$2"* ]] || { printf 'expected to find: %s\nin: %s\n' "$2" "$1" >&2; return 1; }
}

# assert_one_error_line FILE: FILE is exactly one line starting "hardshim: ".
assert_one_error_line() {
	[ "$(wc -l <"$1")" -eq 1 ] || { echo "stderr is not one line:" >&2; cat "$1" >&2; return 1; }
	grep -q '^hardshim: ' "$1" || { echo "stderr does not start with 'hardshim: ':" >&2; cat "$1" >&2; return 1; }
}

# crun_ready: succeeds when crun can run here, else prints why.  crun
# refuses this host's hybrid cgroup layout while the hugetlb controller sits
# on the v2 mount (DESIGN.md §5); mounting it on v1 lets crun run.
crun_ready() {
	[ -x "$CRUN" ] || { echo "no crun at $CRUN (apt-get install crun)"; return 1; }
	if [ -d /sys/fs/cgroup/unified ] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
		mkdir -p /sys/fs/cgroup/hugetlb 2>/dev/null &&
			mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>/dev/null ||
			{ echo "crun needs the hugetlb cgroup on v1 and it cannot be mounted here"; return 1; }
	fi
	return 0
}
