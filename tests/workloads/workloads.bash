# SPDX-License-Identifier: Apache-2.0
# The workloads, shared by workloads.bats (hardshim run on a runc bundle)
# and docker.bats (docker run --runtime=hardshim): the Debian rootfs they
# run on, the script a container of it runs, and what that script's output
# must show.  Load it with `load ../workloads/workloads`.
#
# A workload NAME is the file NAME.sh next to this one; its container runs
# `sh -c` on the text of prelude.sh followed by NAME.sh, the same text
# under either engine, so that each script exists once and both files check
# the same things.

WORKLOADS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORKLOAD_ROOTFS=${HS_WORKLOAD_ROOTFS:-/var/cache/hardshim-tests/debian-rootfs}

# build_workload_rootfs SKIP-FILE: build the Debian rootfs at
# $WORKLOAD_ROOTFS (once: build-rootfs.sh keeps it and returns at once the
# next time).  When the machine cannot build it (no debootstrap, no mirror:
# exit 77) the reason goes into SKIP-FILE, for the workload tests to skip
# saying it; any other failure fails.
build_workload_rootfs() {
	local status=0
	"$WORKLOADS_DIR/build-rootfs.sh" "$WORKLOAD_ROOTFS" 2>"$BATS_FILE_TMPDIR/build.err" || status=$?
	cat "$BATS_FILE_TMPDIR/build.err" >&2
	case $status in
	0) ;;
	77) tail -n 1 "$BATS_FILE_TMPDIR/build.err" >"$1" ;;
	*) return 1 ;;
	esac
}

# workload_script NAME: the script NAME's container runs.
workload_script() {
	[ -f "$WORKLOADS_DIR/$1.sh" ] || { echo "no workload $1 in $WORKLOADS_DIR" >&2; return 1; }
	cat "$WORKLOADS_DIR/prelude.sh" "$WORKLOADS_DIR/$1.sh"
}

# assert_workload_output NAME FILE: FILE, the output of NAME's container,
# shows that its clients got the right answers.
assert_workload_output() {
	local o=$2
	case $1 in
	nginx)
		assert_line_exact "body=hello from nginx under hardshim" "$o"
		grep -qE '^logged=[1-9]' "$o"
		;;
	redis)
		assert_line_exact "ping=PONG" "$o"
		assert_line_exact "set=OK" "$o"
		assert_line_exact "get=hardened-value" "$o"
		grep -qE '^SET: [0-9]+(\.[0-9]+)? requests per second' "$o"
		grep -qE '^GET: [0-9]+(\.[0-9]+)? requests per second' "$o"
		assert_line_exact "bench-key=1" "$o"
		;;
	python3)
		assert_line_exact "body=hello from python under hardshim" "$o"
		assert_line_exact "listing=listed-file.txt" "$o"
		assert_line_exact "missing=404" "$o"
		;;
	postgresql)
		assert_line_exact "row=1|postgres under hardshim" "$o"
		assert_line_exact "count=2" "$o"
		assert_line_exact "stopped" "$o"
		;;
	*)
		echo "no workload $1" >&2
		return 1
		;;
	esac
}

# assert_workload_hardened FILE HOST-UID0: the shell and the server reported
# (proof) uid 65534 in a user namespace that maps container ids 0-65535 to
# HOST-UID0 on, no effective capabilities, NoNewPrivs and a seccomp filter
# (mode 2).
assert_workload_hardened() {
	local o=$1 p
	assert_line_exact "id-u=65534" "$o"
	assert_line_exact "uid_map=0 $2 65536" "$o"
	for p in "" server-; do
		assert_line_exact "${p}NoNewPrivs:${TAB}1" "$o"
		assert_line_exact "${p}CapEff:${TAB}0000000000000000" "$o"
		assert_line_exact "${p}Seccomp:${TAB}2" "$o"
	done
	assert_line_exact "server-Uid:${TAB}65534${TAB}65534${TAB}65534${TAB}65534" "$o"
}
