#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hardshim under the real podman (4.3) and conmon: podman calls the runtime
# through conmon for create and exec, and itself for start, kill, delete
# and state.  A storage, libpod database, tmp dir and lock directory of this
# file's own (CONTAINERS_STORAGE_CONF, CONTAINERS_CONF), so that the
# machine's podman and its containers are left alone; images made with
# `podman import` (busybox; the Debian workload rootfs).  Containers run
# with `podman --runtime WRAPPER run`, WRAPPER being a path, and with
# `podman --runtime hardshim-crun`, a runtime named in the file's
# containers.conf ([engine.runtimes]) whose wrapper puts crun behind
# hardshim.  The wrappers set HARDSHIM_POLICY, which podman does not pass
# on.  Every container and every `podman exec` is checked from inside
# (engines.bash) and in the journal.  DESIGN.md §5: root here lacks
# CAP_SYS_RESOURCE, hence the --ulimit options; no network (--network=none).

load helpers
load ../workloads/workloads
load engines

BUSYBOX=localhost/hs-busybox:latest
DEBIAN=localhost/hs-debian:latest
# The options of every `podman run`.
RUN_OPTS=(--network=none --ulimit nofile=20000:20000 --ulimit nproc=20000:20000)

import_debian() {
	tar -C "$WORKLOAD_ROOTFS" -c . | podman import - "$DEBIAN" >/dev/null
}

# podman_conf: the system's containers.conf (CONTAINERS_CONF makes podman
# read no other file) with the [engine] settings of this file added: its
# tmp dir, file locks there (the default shm locks are shared with the
# machine's podman, and a new tmp dir makes podman free them all), the
# events log and volumes there, and the runtime hardshim-crun.
podman_conf() {
	local sys=/usr/share/containers/containers.conf
	[ -f /etc/containers/containers.conf ] && sys=/etc/containers/containers.conf
	local engine="tmp_dir = \"$ENGINE_DIR/tmp\"
lock_type = \"file\"
events_logger = \"file\"
volume_path = \"$ENGINE_DIR/volumes\""
	local runtimes="hardshim-crun = [\"$WRAPPER_CRUN\"]"
	# Ours replace the system's settings of the same keys.
	{ cat "$sys" 2>/dev/null || true; } | awk -v engine="$engine" -v runtimes="$runtimes" '
		/^[ \t]*\[/ { table = $1 }
		table == "[engine]" && /^[ \t]*(tmp_dir|lock_type|events_logger|volume_path)[ \t]*=/ { print "#" $0; next }
		table == "[engine.runtimes]" && /^[ \t]*"?hardshim-crun"?[ \t]*=/ { print "#" $0; next }
		{ print }
		$0 == "[engine]" { print engine; e = 1 }
		$0 == "[engine.runtimes]" { print runtimes; r = 1 }
		END {
			if (!e) print "[engine]\n" engine
			if (!r) print "[engine.runtimes]\n" runtimes
		}'
}

setup_file() {
	engine_prepare podman "podman (apt-get install podman)" "conmon (apt-get install conmon)" || return 1
	can_run || return 0
	podman_storage_conf
	podman_conf >"$CONTAINERS_CONF"
	podman info --format '{{.Store.GraphRoot}} {{.Store.RunRoot}}' >"$ENGINE_DIR/info" || return 1
	[ "$(cat "$ENGINE_DIR/info")" = "$ENGINE_DIR/storage $ENGINE_DIR/run" ] || {
		echo "podman does not use the storage of $CONTAINERS_STORAGE_CONF: $(cat "$ENGINE_DIR/info")" >&2
		return 1
	}
	local rootfs
	rootfs=$(busybox_rootfs) || return 1
	tar -C "$rootfs" -c . | podman import - "$BUSYBOX" >/dev/null || return 1
	debian_image_start import_debian
}

remove_containers() {
	podman rm --all --force --time 0 >/dev/null 2>&1 || true
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	debian_image_stop
	remove_containers
	podman rmi --all --force >/dev/null 2>&1 || true
	engine_teardown_file
}

setup() {
	engine_setup
}

teardown() {
	engine_teardown podman ps -aq
}

# pm_run RUNTIME ARGS...: `podman --runtime RUNTIME run RUN_OPTS ARGS`,
# bounded in time; stdout in $T/out, stderr in $T/err, status in $status.
pm_run() {
	local rt=$1
	shift
	status=0
	timeout -k 5 120 podman --runtime "$rt" run "${RUN_OPTS[@]}" "$@" >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"
}

# pm_start RUNTIME NAME ARGS...: a detached container NAME (volumes of
# make_volumes, busybox) running ARGS; prints its full id.
pm_start() {
	pm_run "$1" -d --name "$2" "${VOLUMES[@]}" "$BUSYBOX" "${@:3}" >/dev/null
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; return 1; }
	cat "$T/out"
}

# bundle_of ID: the bundle conmon gives the runtime: podman's userdata
# directory of the container.
bundle_of() {
	echo "$ENGINE_DIR/storage/overlay-containers/$1/userdata"
}

# logged NAME LINE: the container's output (podman logs) has LINE.
logged() {
	podman logs "$1" 2>&1 | grep -qx -- "$2"
}

@test "podman --runtime hardshim (conmon, runc): inside, uid_map maps 0 to hardshim's range, id -u 65534, no capabilities, NoNewPrivs, seccomp; writes beneath /etc and /home denied; /etc/hostname and /etc/hosts from podman's userdata" {
	make_volumes
	pm_run "$WRAPPER" --rm --cidfile "$T/cid" "${VOLUMES[@]}" "$BUSYBOX" sh -c "$INSIDE
		cat /etc/hostname >/dev/null && echo hostname-ok; grep -q localhost /etc/hosts && echo hosts-ok"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	assert_inside "$T/out"
	assert_line_exact hostname-ok "$T/out"
	assert_line_exact hosts-ok "$T/out"
	id=$(cat "$T/cid")
	assert_journaled "$id" "$(bundle_of "$id")"
	# podman's overlay rootfs: a plain bind; the mount points the image
	# lacked (/etc/hostname among them) were made by hardshim.
	journal_of "$id" | jq -s -e 'map(select(.path == "/root/path")) | length == 1
		and (.[0].note | startswith("plain bind mount of"))'
	journal_of "$id" | jq -s -e 'map(select(.path == "/mounts" and .measure == "user")) | length == 1
		and (.[0].after | index("/etc/hostname") != null and index("/etc/vol") != null)'
}

@test "podman exec, exec -u 0 and exec --privileged run as 65534 without capabilities in the container's user namespace, behind the Landlock helper; the journal has the three execs" {
	make_volumes
	id=$(pm_start "$WRAPPER" exec sleep 600)
	podman exec exec sh -c "$INSIDE" >"$T/plain"
	assert_inside "$T/plain"
	podman exec -u 0 exec sh -c "$INSIDE" >"$T/root"
	assert_inside "$T/root"
	podman exec --privileged exec sh -c "$INSIDE" >"$T/privileged"
	assert_inside "$T/privileged"
	# The same user namespace as the container's init.
	pid=$(podman inspect -f '{{.State.Pid}}' exec)
	[ "$(podman exec exec readlink /proc/self/ns/user)" = "$(readlink "/proc/$pid/ns/user")" ]
	assert_exec_journaled "$id" 3
	# --privileged asked for every capability; hardshim removed them.
	journal_of "$id" | jq -s -e 'any(.[]; .command == "exec" and .path == "/capabilities/bounding"
		and .action == "removed" and (.before | index("CAP_SYS_ADMIN")))'
}

@test "podman: run -d, logs, stop and rm work through hardshim and conmon; nothing is left" {
	id=$(pm_start "$WRAPPER" life sh -c \
		'trap "echo stopping; exit 0" TERM; echo started; echo to-stderr >&2; while :; do sleep 0.2; done')
	wait_for 10 logged life started
	podman logs life >"$T/logs" 2>"$T/logs.err"
	assert_line_exact started "$T/logs"
	assert_line_exact to-stderr "$T/logs.err"
	[ "$(podman inspect -f '{{.State.Status}}' life)" = running ]
	pid=$(podman inspect -f '{{.State.Pid}}' life)
	alive "$pid"
	# conmon called hardshim (the journal has the create in podman's
	# bundle), hardshim runc, in runc's default root (podman gives none).
	assert_journaled "$id" "$(bundle_of "$id")"
	"$RUNC" state "$id" | jq -e --arg b "$(bundle_of "$id")" '.status == "running" and .bundle == $b'

	# SIGTERM reaches the container's shell, whose trap exits 0.
	podman stop -t 20 life
	[ "$(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' life)" = "exited 0" ]
	logged life stopping
	not alive "$pid"

	podman rm life
	[ -z "$(podman ps -aq)" ]
	runc_gone "$id"
	[ ! -e "$(bundle_of "$id")" ]
}

@test "podman with crun behind hardshim (runtime hardshim-crun of containers.conf): run, exec -u 0 --privileged hardened; crun holds the container; it prints what plain crun prints" {
	need_crun
	make_volumes
	id=$(pm_start hardshim-crun crun sh -c "$INSIDE; echo init-done; exec sleep 600")
	wait_for 10 logged crun init-done
	podman logs crun >"$T/init"
	assert_inside "$T/init"
	podman exec -u 0 --privileged crun sh -c "$INSIDE" >"$T/exec"
	assert_inside "$T/exec"
	assert_exec_journaled "$id" 1
	[ "$(podman inspect -f '{{.OCIRuntime}}' crun)" = hardshim-crun ]
	"$CRUN" state "$id" | jq -e --arg b "$(bundle_of "$id")" '.status == "running" and .bundle == $b'
	not "$RUNC" state "$id"

	# Quiet: through hardshim, what plain crun prints.
	assert_quiet pm_run hardshim-crun "$CRUN" --rm "$BUSYBOX"
}

@test "podman: a successful podman run prints what it prints with plain runc: nothing for true" {
	assert_quiet pm_run "$WRAPPER" "$RUNC" --rm "$BUSYBOX"
}

@test "podman: a container hardshim refuses (-u 70000:70000, outside the user namespace) fails podman run with hardshim's reason, with runc and with crun; nothing is left" {
	# conmon passes no --log: podman shows what the runtime wrote on
	# stderr, after the runtime's name (a path, or the name in
	# containers.conf).
	for rt in "$WRAPPER" hardshim-crun; do
		rm -f "$T/cid"
		pm_run "$rt" --rm --cidfile "$T/cid" -u 70000:70000 "$BUSYBOX" id
		[ "$status" -eq 126 ]
		[ ! -s "$T/out" ]
		id=$(cat "$T/cid")
		diff - "$T/err" <<-EOF
			Error: OCI runtime error: $rt: hardshim: \`$(bundle_of "$id")/config.json\`: /process/user 70000:70000 is outside the user namespace (ids 0-65535)
		EOF
		[ -z "$(podman ps -aq)" ]
		[ ! -e "$(bundle_of "$id")" ]
	done
}

@test "podman workload: python3 serves HTTP and fetches it, on the Debian image under podman run" {
	need_debian
	pm_run "$WRAPPER" --rm --cidfile "$T/cid" "$DEBIAN" sh -c "$(workload_script python3)"
	[ "$status" -eq 0 ]
	assert_workload_output python3 "$T/out"
	assert_workload_hardened "$T/out" "$HOST_UID0"
	id=$(cat "$T/cid")
	assert_journaled "$id" "$(bundle_of "$id")"
}

@test "podman: a pod's containers share its network, IPC and UTS namespaces and its infra container's user namespace, hardened" {
	pod=hs-pod-$$
	# The infra container takes no --ulimit: root here lacks CAP_SYS_RESOURCE
	# for podman's default nofile (DESIGN.md §5), so the defaults come from
	# a containers.conf of this test's.
	awk '{ print } $0 == "[containers]" { print "default_ulimits = [\"nofile=20000:20000\", \"nproc=20000:20000\"]" }' \
		"$CONTAINERS_CONF" >"$T/containers.conf"
	grep -q '^default_ulimits' "$T/containers.conf" || printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=20000:20000"]\n' >>"$T/containers.conf"
	export CONTAINERS_CONF=$T/containers.conf
	# The infra image: tests/cri/pause.c, built static.
	mkdir -p "$T/pause"
	gcc -static -Os -o "$T/pause/pause" "$HS_SRCDIR/tests/cri/pause.c"
	tar -C "$T/pause" -c . | podman import - localhost/hs-pause >/dev/null
	podman --runtime "$WRAPPER" pod create --name "$pod" --network=none --infra-image localhost/hs-pause \
		--infra-command /pause >/dev/null 2>"$T/err" || { cat "$T/err"; false; }
	status=0
	timeout -k 5 120 podman --runtime "$WRAPPER" run -d --name "$pod-app" --pod "$pod" --ulimit nofile=20000:20000 \
		--ulimit nproc=20000:20000 "$BUSYBOX" sleep 600 >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"

	[ "$status" -eq 0 ]
	infra=$(podman pod inspect "$pod" --format '{{.InfraContainerID}}')
	ipid=$(podman inspect -f '{{.State.Pid}}' "$infra")
	apid=$(podman inspect -f '{{.State.Pid}}' "$pod-app")
	podman exec "$pod-app" sh -c "$PROBE" >"$T/probe"
	for ns in net ipc uts user; do
		echo "$ns: $(readlink "/proc/$ipid/ns/$ns") $(readlink "/proc/$apid/ns/$ns")"
		[ "$(readlink "/proc/$ipid/ns/$ns")" = "$(readlink "/proc/$apid/ns/$ns")" ]
	done
	[ "$(readlink "/proc/$apid/ns/user")" != "$(readlink /proc/1/ns/user)" ]
	podman pod rm -f "$pod" >/dev/null
	assert_probe "$T/probe"
}
