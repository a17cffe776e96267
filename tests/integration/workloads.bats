#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Real programs under hardshim's default policy: nginx, redis, python3's
# http.server and postgresql, on a Debian bookworm rootfs built (once) by
# tests/workloads/build-rootfs.sh.  Each server listens on 127.0.0.1 on an
# unprivileged port and writes only under /tmp; nothing else is given to
# hardshim.  Each test checks what a real client got back and that the
# server ran as uid 65534 in hardshim's user namespace with no
# capabilities, NoNewPrivs and a seccomp filter.  The scripts and those
# checks are tests/workloads/*.sh and workloads.bash, which docker.bats
# runs under dockerd as well.

load helpers
load ../workloads/workloads

setup_file() {
	build_workload_rootfs "$BATS_FILE_TMPDIR/skip"
}

setup() {
	if [ -s "$BATS_FILE_TMPDIR/skip" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	fi
	common_setup
}

teardown() {
	common_teardown
}

# workload_bundle NAME: $T/NAME, a bundle of `runc spec` on the shared
# Debian rootfs (read-only: hardshim makes it so anyway) running workload
# NAME (workload_script); prints its path.
workload_bundle() {
	local b=$T/$1 script
	script=$(workload_script "$1") || return 1
	mkdir -p "$b"
	(cd "$b" && "$RUNC" spec)
	jq --arg root "$WORKLOAD_ROOTFS" --arg script "$script" '
		.root = {path: $root, readonly: true}
		| .process.terminal = false
		| .process.args = ["sh", "-c", $script]' \
		<"$b/config.json" >"$b/config.json.new"
	mv "$b/config.json.new" "$b/config.json"
	echo "$b"
}

# run_workload BUNDLE NAME: hardshim run in the foreground, bounded in time;
# output in $T/out (stderr folded in), status in $status.
run_workload() {
	status=0
	timeout -k 5 60 "$HS" run -b "$1" "$(new_id "$2")" >"$T/out" 2>&1 </dev/null || status=$?
	cat "$T/out"
}

# assert_hardened: the shell and the server reported uid 65534 in the
# user namespace of hardshim's range, no effective capabilities, NoNewPrivs
# and a seccomp filter (mode 2).
assert_hardened() {
	assert_workload_hardened "$T/out" "$(host_id 0)"
}

@test "workload: nginx serves a page" {
	b=$(workload_bundle nginx)
	run_workload "$b" nginx
	[ "$status" -eq 0 ]
	assert_workload_output nginx "$T/out"
	assert_hardened
}

@test "workload: redis answers redis-cli and redis-benchmark" {
	b=$(workload_bundle redis)
	run_workload "$b" redis
	[ "$status" -eq 0 ]
	assert_workload_output redis "$T/out"
	assert_hardened
}

@test "workload: python3 serves and fetches HTTP" {
	b=$(workload_bundle python3)
	run_workload "$b" python3
	[ "$status" -eq 0 ]
	assert_workload_output python3 "$T/out"
	assert_hardened
}

@test "workload: postgresql is initialised, started and queried" {
	b=$(workload_bundle postgresql)
	run_workload "$b" postgresql
	[ "$status" -eq 0 ]
	assert_workload_output postgresql "$T/out"
	assert_hardened
}
