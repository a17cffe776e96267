#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hardshim under the real containerd (1.6, no CRI plugin), driven with ctr:
# a containerd of this file's own, images imported with `ctr image import`
# (busybox; busybox whose image config asks for uid 70000; the Debian
# workload rootfs), and containers started with
# `ctr run --runc-binary WRAPPER`, the option a CRI runtime handler's
# `options.BinaryName` sets.  WRAPPER sets HARDSHIM_POLICY (containerd does
# not pass it on) and execs hardshim, which execs runc, or crun with the
# second wrapper.  Every container and every `ctr task exec` is checked
# from inside (engines.bash: the mapping, the user, the capabilities,
# NoNewPrivs, seccomp, writes beneath /etc and /home), and in the journal.

load helpers
load ../workloads/workloads
load engines

BUSYBOX=localhost/hs-busybox:latest
BUSYBOX_U70000=localhost/hs-busybox-u70000:latest
DEBIAN=localhost/hs-debian:latest

# our_ctr ARGS...: ctr on this file's containerd, in its namespace.
our_ctr() {
	ctr --address "$CTD_SOCK" --namespace "$CTD_NS" "$@"
}

import_debian() {
	import_image "$WORKLOAD_ROOTFS" "$DEBIAN" ""
}

setup_file() {
	engine_prepare containerd "containerd (apt-get install containerd)" "ctr (apt-get install containerd)" \
		"containerd-shim-runc-v2 (apt-get install containerd)" || return 1
	can_run || return 0
	# The namespace of this file's containers and images, and the cgroup
	# ctr puts them in (/NS/ID): one of this run's own.
	export CTD_NS=hardshim-test-${ENGINE_DIR##*.}
	start_containerd || return 1
	local rootfs
	rootfs=$(busybox_rootfs) || return 1
	import_image "$rootfs" "$BUSYBOX" "" || return 1
	import_image "$rootfs" "$BUSYBOX_U70000" 70000:70000 || return 1
	debian_image_start import_debian
}

# The roots runc and crun keep their containers' state in: ctr run's
# --runc-root plus the namespace (the shim adds it).
runtime_root() {
	echo "$ENGINE_DIR/runc/$CTD_NS"
}

# remove_containers: every task killed and deleted, every container deleted,
# and whatever runc or crun still knows deleted by them.
remove_containers() {
	local id
	remove_ctr_tasks
	# runc keeps a state.json, crun does not (and runc's delete --force
	# would remove a state directory it cannot read).
	local d rt
	for d in "$(runtime_root)"/*; do
		[ -e "$d" ] || continue
		rt=$CRUN
		[ ! -e "$d/state.json" ] || rt=$RUNC
		"$rt" --root "$(runtime_root)" delete --force "${d##*/}" >/dev/null 2>&1 || true
	done
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	debian_image_stop
	remove_containers
	stop_daemon containerd
	remove_cgroup "$CTD_NS"
	engine_teardown_file
}

setup() {
	engine_setup
}

# ctd_containers: what containerd and the runtime still hold.
ctd_containers() {
	our_ctr containers ls -q
	ls "$(runtime_root)" 2>/dev/null
}

teardown() {
	engine_teardown ctd_containers
}

# ctr_run RUNTIME ARGS...: `ctr run --runc-binary RUNTIME ARGS` (ARGS:
# options, image, id, command), bounded in time; stdout in $T/out, stderr
# in $T/err, status in $status.
ctr_run() {
	local rt=$1
	shift
	status=0
	timeout -k 5 120 ctr --address "$CTD_SOCK" --namespace "$CTD_NS" run --runc-binary "$rt" \
		--runc-root "$ENGINE_DIR/runc" --fifo-dir "$ENGINE_DIR/fifo" "$@" \
		>"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"
}

# ctr_start RUNTIME ID CMD...: a detached container of busybox with the
# volumes of make_volumes running CMD; its output goes to $T/ID.log.
ctr_start() {
	local rt=$1 id=$2
	shift 2
	ctr_run "$rt" -d --log-uri "file://$T/$id.log" "${CTR_VOLUMES[@]}" "$BUSYBOX" "$id" "$@"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; return 1; }
}

# ctr_exec [OPTIONS...] ID CMD...: `ctr task exec` in container ID, with
# an exec id of its own; the process's output on stdout.
ctr_exec() {
	EXEC_N=$((${EXEC_N:-0} + 1))
	our_ctr task exec --exec-id "e$EXEC_N" --fifo-dir "$ENGINE_DIR/fifo" "$@" </dev/null
}

# bundle_of ID: the bundle containerd's runc shim gives the runtime.
bundle_of() {
	echo "$CTD_STATE/io.containerd.runtime.v2.task/$CTD_NS/$1"
}

# task_pid ID: the container's init process, as the host sees it.
task_pid() {
	our_ctr task ls | awk -v id="$1" '$1 == id { print $2 }'
}

@test "containerd: ctr run --runc-binary hardshim: inside, uid_map maps 0 to hardshim's range, id -u 65534, no capabilities, NoNewPrivs, seccomp; writes beneath /etc and /home denied, /tmp and /data written" {
	make_volumes
	ctr_run "$WRAPPER" --rm "${CTR_VOLUMES[@]}" "$BUSYBOX" run sh -c "$INSIDE"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	assert_inside "$T/out"
	assert_journaled run "$(bundle_of run)"
	# The rootfs: containerd's overlay snapshot, mounted at `rootfs` in the
	# bundle below 0700 directories; hardshim bridged it with a plain bind
	# (overlayfs takes no idmapped mount).
	journal_of run | jq -s -e 'map(select(.path == "/root/path")) | length == 1 and (.[0]
		| .action == "changed" and .before == "rootfs" and (.note | startswith("plain bind mount of")))'
}

@test "containerd: ctr task exec, also --user 0, runs as 65534 without capabilities in the container's user namespace, behind the Landlock helper; the journal has both execs" {
	make_volumes
	ctr_start "$WRAPPER" exec sleep 600
	ctr_exec exec sh -c "$INSIDE" >"$T/plain"
	assert_inside "$T/plain"
	ctr_exec --user 0 exec sh -c "$INSIDE" >"$T/root"
	assert_inside "$T/root"
	# The same user namespace as the container's init.
	pid=$(task_pid exec)
	[ -n "$pid" ]
	[ "$(ctr_exec exec readlink /proc/self/ns/user)" = "$(readlink "/proc/$pid/ns/user")" ]
	# The process files ctr's shim gave hardshim (uid 0 both times: the
	# image names no user) were rewritten: 3 execs, 3 files.
	assert_exec_journaled exec 3
}

@test "containerd with crun behind hardshim: ctr run and ctr task exec (also --user 0) are hardened; crun holds the container; it prints what plain crun prints" {
	need_crun
	make_volumes
	ctr_start "$WRAPPER_CRUN" crun sh -c "$INSIDE; echo init-done; exec sleep 600"
	wait_for 10 grep -qx init-done "$T/crun.log"
	assert_inside "$T/crun.log"
	ctr_exec crun sh -c "$INSIDE" >"$T/plain"
	assert_inside "$T/plain"
	ctr_exec --user 0 crun sh -c "$INSIDE" >"$T/root"
	assert_inside "$T/root"
	assert_exec_journaled crun 2
	# crun, not runc, runs it: its state is crun's.
	"$CRUN" --root "$(runtime_root)" state crun | jq -e '.status == "running"'
	not "$RUNC" --root "$(runtime_root)" state crun
	assert_journaled crun "$(bundle_of crun)"

	# Quiet: through hardshim, what plain crun prints.
	assert_quiet ctr_run "$WRAPPER_CRUN" "$CRUN" --rm "$BUSYBOX" quiet
}

@test "containerd: a successful ctr run prints what it prints with plain runc: nothing for true" {
	assert_quiet ctr_run "$WRAPPER" "$RUNC" --rm "$BUSYBOX" quiet
}

@test "containerd: an image whose user hardshim refuses (uid 70000, outside the user namespace) fails ctr run with hardshim's reason, with runc and with crun; nothing is left" {
	for rt in "$WRAPPER" "$WRAPPER_CRUN"; do
		id=refused-${rt##*/}
		ctr_run "$rt" --rm "$BUSYBOX_U70000" "$id" id
		[ "$status" -eq 1 ]
		[ ! -s "$T/out" ]
		# containerd's shim reads the runtime's error from the --log file
		# (log.json in the bundle), where hardshim wrote it as runc does;
		# without it the text would be "... did not terminate
		# successfully: exit status 1".
		diff - "$T/err" <<-EOF
			ctr: failed to create shim task: OCI runtime create failed: hardshim: \`$(bundle_of "$id")/config.json\`: /process/user 70000:70000 is outside the user namespace (ids 0-65535): unknown
		EOF
		[ -z "$(our_ctr containers ls -q)" ]
		[ -z "$(our_ctr task ls -q)" ]
		[ ! -e "$(bundle_of "$id")" ]
	done
	[ -z "$(ls "$(runtime_root)" 2>/dev/null)" ]
}

@test "containerd workload: python3 serves HTTP and fetches it, on the Debian image under ctr run" {
	need_debian
	ctr_run "$WRAPPER" --rm "$DEBIAN" python3 sh -c "$(workload_script python3)"
	[ "$status" -eq 0 ]
	assert_workload_output python3 "$T/out"
	assert_workload_hardened "$T/out" "$HOST_UID0"
	assert_journaled python3 "$(bundle_of python3)"
}
