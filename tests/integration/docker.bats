#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hardshim under the real dockerd (docker.io 20.10): a private dockerd and
# containerd for this file, hardshim registered as two runtimes in
# daemon.json (`hardshim`, in front of runc; `hardshim-crun`, a wrapper
# that puts crun behind it), images made with `docker import`.  Every
# container is started with `docker run --runtime=hardshim --network=none`
# (or hardshim-crun) and checked from inside (the user namespace's
# mapping, uid, capabilities, NoNewPrivs, seccomp, writes beneath /etc and
# /home; engines.bash), from the host (who owns what the container writes,
# which mounts are left) and in the journal; then the workloads of
# workloads.bats (the scripts and checks of tests/workloads) run under
# docker.

load helpers
load ../workloads/workloads
load engines

remove_containers() {
	remove_docker_containers
}

import_debian() {
	docker_import "$WORKLOAD_ROOTFS" hs-debian
}

setup_file() {
	engine_prepare docker "dockerd (apt-get install docker.io)" "containerd (apt-get install docker.io)" \
		"containerd-shim-runc-v2 (apt-get install docker.io)" "ctr (apt-get install docker.io)" \
		"$DOCKER_CLI (apt-get install docker.io)" || return 1
	can_run || return 0

	# Two runtimes: hardshim itself, which reads its policy from
	# HARDSHIM_POLICY, inherited from containerd through the shim; and
	# hardshim-crun, the wrapper that also sets HARDSHIM_RUNTIME (crun).
	start_dockerd "$(jq -n --arg hs "$HS" --arg crun "$WRAPPER_CRUN" \
		'{hardshim: {path: $hs}, "hardshim-crun": {path: $crun}}')" || return 1

	# Images: busybox, and (in the background) the Debian workload
	# rootfs (about 530 MB, 15 s).
	local rootfs
	rootfs=$(busybox_rootfs) || return 1
	docker_import "$rootfs" hs-busybox || return 1
	debian_image_start import_debian
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	debian_image_stop
	stop_dockerd
	engine_teardown_file
}

setup() {
	engine_setup
}

teardown() {
	engine_teardown docker ps -aq
}

# dk_run ARGS...: `docker run --runtime=hardshim --network=none ARGS`
# (--runtime=$DK_RUNTIME if set), bounded in time; stdout in $T/out,
# stderr in $T/err, status in $status.
dk_run() {
	status=0
	timeout -k 5 120 "$DOCKER_CLI" run --runtime="${DK_RUNTIME:-hardshim}" --network=none "$@" \
		>"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"
}

# dk_start NAME ARGS...: a detached container; prints its full id.
dk_start() {
	dk_run -d --name "$1" "${@:2}" >/dev/null
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; return 1; }
	cat "$T/out"
}

# logged ID LINE: the container's output (docker logs) has LINE.
logged() {
	docker logs "$1" 2>&1 | grep -qx -- "$2"
}

# host_pid ID: the container's init process, as the host sees it.
host_pid() {
	docker inspect -f '{{.State.Pid}}' "$1"
}

# bundle_of ID: the bundle containerd's runc shim gives the runtime.
bundle_of() {
	echo "$CTD_STATE/io.containerd.runtime.v2.task/moby/$1"
}

@test "docker: inside, uid_map and gid_map map container 0 to hardshim's host range, id -u is 65534, no capabilities, NoNewPrivs, seccomp" {
	[ "$HOST_UID0" -gt 0 ]
	[ "$HOST_GID0" -gt 0 ]
	dk_run --rm --cidfile "$T/cid" hs-busybox sh -c "$PROBE"
	[ "$status" -eq 0 ]
	assert_probe "$T/out"
	[ ! -s "$T/err" ]
	# HARDSHIM_POLICY went from this file through containerd and the
	# shim to hardshim: the journal it names has this container.
	assert_journaled "$(cat "$T/cid")" "$(bundle_of "$(cat "$T/cid")")"
}

@test "docker: files the container creates in /tmp and in a volume are owned on the host by the mapped uid and gid" {
	mkdir -m 1777 "$T/vol"
	id=$(dk_start files -v "$T/vol:/data" hs-busybox sh -c 'touch /tmp/f /data/g; sleep 60')
	pid=$(host_pid "$id")
	wait_for 10 test -e "/proc/$pid/root/tmp/f"
	wait_for 10 test -e "$T/vol/g"
	owner="$((HOST_UID0 + CONTAINER_UID)):$((HOST_GID0 + CONTAINER_UID))"
	# /tmp is hardshim's tmpfs, seen from the host through the process.
	[ "$(stat -c %u:%g "/proc/$pid/root/tmp/f")" = "$owner" ]
	# The volume is a host directory: the file is a host file.
	[ "$(stat -c %u:%g "$T/vol/g")" = "$owner" ]
	# The process that wrote them runs as that uid and gid on the host.
	u=$((HOST_UID0 + CONTAINER_UID)) g=$((HOST_GID0 + CONTAINER_UID))
	assert_line_exact "Uid:${TAB}$u${TAB}$u${TAB}$u${TAB}$u" "/proc/$pid/status"
	assert_line_exact "Gid:${TAB}$g${TAB}$g${TAB}$g${TAB}$g" "/proc/$pid/status"
	assert_journaled "$id" "$(bundle_of "$id")"
}

@test "docker: -v and --tmpfs onto directories the image lacks: hardshim makes the mount points in the container's layer and journals them; the bind's files are the mapped uid's" {
	# hs-busybox has neither /newdir nor /scratch, and runc, root only in
	# the container's user namespace, cannot create them in the plain bind
	# of overlay2's merged dir (host root's): hardshim makes them first.
	mkdir -m 1777 "$T/newdir"
	# A bare --tmpfs: runc 1.1 gives a tmpfs the mode of a mount point that
	# exists, over any mode=, so hardshim makes the directory with the mode
	# the tmpfs would have had (1777), and the container's user can write.
	dk_run --rm --cidfile "$T/cid" -v "$T/newdir:/newdir" --tmpfs /scratch hs-busybox sh -c \
		'echo to-host >/newdir/f; echo to-tmpfs >/scratch/g; ls /newdir /scratch; cat /newdir/f /scratch/g; stat -c %a /scratch'
	[ "$status" -eq 0 ]
	printf '/newdir:\nf\n\n/scratch:\ng\nto-host\nto-tmpfs\n1777\n' | cmp - "$T/out"
	[ ! -s "$T/err" ]
	# The bind is the host directory: the file is there, the mapped uid's.
	[ "$(ls -A "$T/newdir")" = f ]
	[ "$(cat "$T/newdir/f")" = to-host ]
	[ "$(stat -c %u:%g "$T/newdir/f")" = "$((HOST_UID0 + CONTAINER_UID)):$((HOST_GID0 + CONTAINER_UID))" ]
	# One record lists the mount points hardshim made: both.  dockerd
	# 20.10 makes neither in the container's layer (its init layer has
	# only /etc/hostname, /etc/hosts, /etc/resolv.conf, /dev and the like),
	# the tmpfs's no more than the bind's: it leaves them to the runtime.
	# Sorted: their order is that of docker's mounts in the spec.
	journal_of "$(cat "$T/cid")" | jq -s -e '[.[] | select(.path == "/mounts" and .measure == "user")] | length == 1 and (.[0]
		| .command == "create" and .action == "added" and (.after | sort) == ["/newdir", "/scratch"])'
	# They were made in that container's layer, not in the image.
	dk_run --rm hs-busybox sh -c 'ls -d /newdir /scratch 2>/dev/null; true'
	[ "$status" -eq 0 ]
	[ ! -s "$T/out" ]
}

@test "docker: the journal records the rootfs bridge (a plain bind of overlay2's merged dir), the id mappings, and docker's ping_group_range clamped" {
	id=$(dk_start journal hs-busybox sleep 60)
	pid=$(host_pid "$id")
	merged=$(docker inspect -f '{{.GraphDriver.Data.MergedDir}}' "$id")
	[ -d "$merged" ]
	config=$(bundle_of "$id")/config.json
	# The spec as docker made it, from containerd's store: the overlay2
	# rootfs, no user namespace, and docker's default ping_group_range.
	ctr --address "$CTD_SOCK" -n moby containers info "$id" >"$T/docker-spec.json"
	jq -e --arg m "$merged" '.Spec.root.path == $m
		and (.Spec.linux.uidMappings // [] | length) == 0
		and .Spec.linux.sysctl["net.ipv4.ping_group_range"] == "0 2147483647"' "$T/docker-spec.json"
	journal_of "$id" >"$T/records"
	cat "$T/records"

	# The rootfs: moved to the bridge, which the bundle's spec names; it
	# lies outside the bundle (overlay2's merged dir), so a plain bind
	# (overlayfs would not take an idmapped mount either).
	jq -s -e --arg m "$merged" --slurpfile spec "$config" '
		[.[] | select(.path == "/root/path")] | length == 1 and (.[0]
		| .action == "changed" and .before == $m and .after == $spec[0].root.path
		and .after != $m
		and (.note | startswith("plain bind mount of `" + $m + "`"))
		and (.note | contains("it lies outside the bundle")))' "$T/records"
	# The mappings: added (docker gave none), container 0 at the range.
	for kind in uid gid; do
		[ $kind = uid ] && start=$HOST_UID0 || start=$HOST_GID0
		jq -s -e --arg p "/linux/${kind}Mappings" --argjson s "$start" --argjson n "$USERNS_SIZE" '
			[.[] | select(.path == $p)] | length == 1 and (.[0]
			| .action == "added" and .before == null
			and .after == [{containerID: 0, hostID: $s, size: $n}])' "$T/records"
	done
	# docker's "0 2147483647" names unmapped gids; clamped to the mapped ones.
	jq -s -e '[.[] | select(.path == "/linux/sysctl/net.ipv4.ping_group_range")] | length == 1 and (.[0]
		| .action == "changed" and .before == "0 2147483647" and .after == "0 65535")' "$T/records"
	jq -e '.linux.sysctl["net.ipv4.ping_group_range"] == "0 65535"' "$config"
	# And the kernel took it: inside "0 65535", from the host the range's gids.
	[ "$(docker exec "$id" cat /proc/sys/net/ipv4/ping_group_range)" = "0${TAB}65535" ]
	[ "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ping_group_range)" = \
		"$HOST_GID0${TAB}$((HOST_GID0 + USERNS_SIZE - 1))" ]
}

@test "docker: run -d, logs, stop and rm work; the host never sees the bridge mount, and nothing holds the rootfs after rm" {
	id=$(dk_start life hs-busybox sh -c \
		'trap "echo stopping; exit 0" TERM; echo started; echo to-stderr >&2; while :; do sleep 0.2; done')
	pid=$(host_pid "$id")
	alive "$pid"
	merged=$(docker inspect -f '{{.GraphDriver.Data.MergedDir}}' "$id")
	bridge=$(journal_of "$id" | jq -r 'select(.path == "/root/path") | .after')
	[ -n "$bridge" ]
	[ "$bridge" != null ]
	wait_for 10 logged "$id" started
	docker logs "$id" >"$T/logs" 2>"$T/logs.err"
	assert_line_exact started "$T/logs"
	assert_line_exact to-stderr "$T/logs.err"
	[ "$(docker inspect -f '{{.State.Status}}' "$id")" = running ]
	# The shim runs hardshim as its runc, in the root runc_root expects.
	bundle=$(bundle_of "$id")
	jq -e --arg hs "$HS" --arg root "$(runc_root)" \
		'.binary_name == $hs and .root + "/moby" == $root' "$bundle/options.json"
	runc_containers | grep -qx -- "$id"
	# The bridge lives in hardshim's slave mount namespace (and the
	# container's), never in the host's.
	not grep -F -- " $bridge " /proc/self/mountinfo

	# SIGTERM reaches the container's shell, whose trap exits 0.
	docker stop -t 20 "$id"
	[ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id")" = "exited 0" ]
	logged "$id" stopping
	not alive "$pid"

	docker rm "$id"
	[ -z "$(docker ps -aq --no-trunc --filter "id=$id")" ]
	[ ! -e "$bundle" ]
	runc_containers | not grep -qx -- "$id"
	not grep -F -- "$bridge" /proc/self/mountinfo
	# No mount namespace on the machine (a leaked bridge namespace
	# would) still holds this container's overlay2 rootfs.
	holders=$(grep -lsF -- "$merged" /proc/[0-9]*/mountinfo || true)
	[ -z "$holders" ] || { echo "still mounted in: $holders" >&2; false; }
}

@test "docker: exec, even -u 0 or --privileged, runs as 65534 without capabilities in the container's user namespace" {
	id=$(dk_start exec hs-busybox sleep 60)
	docker exec "$id" sh -c "$PROBE" >"$T/plain"
	assert_probe "$T/plain"
	docker exec -u 0 "$id" sh -c "$PROBE" >"$T/root"
	assert_probe "$T/root"
	docker exec --privileged "$id" sh -c "$PROBE" >"$T/privileged"
	assert_probe "$T/privileged"
	# The same user namespace as the container's init.
	pid=$(host_pid "$id")
	[ "$(docker exec "$id" readlink /proc/self/ns/user)" = "$(readlink "/proc/$pid/ns/user")" ]
	# hardshim rewrote the exec process files: uid 0 and the privileged
	# capabilities are in the journal as changed and removed.
	journal_of "$id" | jq -s -e '
		any(.[]; .command == "exec" and .path == "/user/uid" and .before == 0 and .after == 65534)
		and any(.[]; .command == "exec" and .path == "/capabilities/bounding" and .action == "removed"
			and (.before | index("CAP_SYS_ADMIN")))'
}

@test "docker: a container hardshim refuses fails docker run with hardshim's reason, with runc and with crun" {
	# uid 70000 is outside the user namespace (container ids 0-65535).
	# containerd's shim reads the runtime's error from the --log file
	# (log.json in the bundle), where hardshim wrote it as runc does.
	for rt in hardshim hardshim-crun; do
		rm -f "$T/cid"
		DK_RUNTIME=$rt dk_run --rm --cidfile "$T/cid" -u 70000:70000 hs-busybox id
		[ "$status" -eq 125 ]
		[ ! -s "$T/out" ]
		head -n 1 "$T/err" | diff - <(cat <<-EOF
			docker: Error response from daemon: failed to create shim task: OCI runtime create failed: hardshim: \`$(bundle_of "$(cat "$T/cid")")/config.json\`: /process/user 70000:70000 is outside the user namespace (ids 0-65535): unknown.
		EOF
		)
		# The docker client (20.10) may add a line of its own, racing
		# with the daemon; nothing else.
		tail -n +2 "$T/err" | not grep -vxE 'time="[^"]*" level=error msg="error waiting for container: context canceled"'
	done
}

# Writes to docker's own rw binds beneath /etc (/etc/hosts,
# /etc/resolv.conf, /etc/hostname), after WRITES (which defines `try`).
DOCKER_ETC_WRITES='try etc-hosts "echo x >>/etc/hosts"
try etc-resolv "echo x >>/etc/resolv.conf"
try etc-hostname "echo x >/etc/hostname"'

# assert_all_writes FILE: the output of WRITES and DOCKER_ETC_WRITES, and
# only that: every write beneath /etc and /home denied, /tmp and /data
# written.  docker's files are root's (EACCES before the read-only mount
# is asked, for an append); a truncating open asks the mount first (EROFS).
assert_all_writes() {
	assert_writes "$1"
	assert_line_exact "etc-hosts: Permission denied" "$1"
	assert_line_exact "etc-resolv: Permission denied" "$1"
	assert_line_exact "etc-hostname: Read-only file system" "$1"
	[ "$(wc -l <"$1")" -eq 7 ] || { cat "$1" >&2; false; }
}

@test "docker: writes beneath /etc and /home are denied in docker run and docker exec; /tmp and a volume at /data work" {
	make_volumes
	dk_run --name lsm-run "${VOLUMES[@]}" hs-busybox sh -c "$WRITES
$DOCKER_ETC_WRITES"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	assert_all_writes "$T/out"
	id=$(dk_start lsm-exec "${VOLUMES[@]}" hs-busybox sleep 60)
	docker exec "$id" sh -c "$WRITES
$DOCKER_ETC_WRITES" >"$T/exec"
	assert_all_writes "$T/exec"
	docker exec -u 0 --privileged "$id" sh -c "$WRITES
$DOCKER_ETC_WRITES" >"$T/exec-root"
	assert_all_writes "$T/exec-root"
	# PID 1 is the command itself; the exec was put behind the helper too.
	[ "$(docker exec "$id" cat /proc/1/cmdline | tr '\0' ' ')" = "sleep 60 " ]
	journal_of "$id" | jq -s -e 'any(.[]; .command == "exec" and .measure == "lsm" and .path == "/args"
		and .after[0] == "/dev/.hardshim/landlock")'
}

@test "docker with crun behind hardshim (runtime hardshim-crun in daemon.json): docker run and docker exec, even -u 0 --privileged, are hardened; crun holds the container" {
	need_crun
	make_volumes
	id=$(DK_RUNTIME=hardshim-crun dk_start crun "${VOLUMES[@]}" hs-busybox sh -c "$INSIDE; echo init-done; exec sleep 600")
	wait_for 10 logged "$id" init-done
	docker logs "$id" >"$T/init" 2>&1
	assert_inside "$T/init"
	docker exec "$id" sh -c "$INSIDE" >"$T/exec"
	assert_inside "$T/exec"
	docker exec -u 0 --privileged "$id" sh -c "$INSIDE" >"$T/exec-root"
	assert_inside "$T/exec-root"
	assert_journaled "$id" "$(bundle_of "$id")"
	assert_exec_journaled "$id" 2
	# The shim runs the wrapper; crun, not runc, holds the container.
	jq -e --arg w "$WRAPPER_CRUN" '.binary_name == $w' "$(bundle_of "$id")/options.json"
	"$CRUN" --root "$(runc_root)" state "$id" | jq -e --arg b "$(bundle_of "$id")" '.status == "running" and .bundle == $b'
	not "$RUNC" --root "$(runc_root)" state "$id"
}

# dk_run_with RUNTIME ARGS...: dk_run with --runtime=RUNTIME.
dk_run_with() {
	DK_RUNTIME=$1 dk_run "${@:2}"
}

@test "docker: a successful docker run prints what it prints with plain runc: nothing for true" {
	assert_quiet dk_run_with hardshim runc --rm hs-busybox
}

# dk_workload NAME: run workload NAME (workload_script) in a container of
# the Debian image; output in $T/out, status in $status, container id in
# $T/cid.
dk_workload() {
	local script
	script=$(workload_script "$1") || return 1
	dk_run --rm --cidfile "$T/cid" hs-debian sh -c "$script"
}

# assert_hardened: the shell and the server reported uid 65534 in the
# hardshim range, no effective capabilities, NoNewPrivs and a seccomp filter
# (mode 2); hardshim journaled the container.
assert_hardened() {
	assert_workload_hardened "$T/out" "$HOST_UID0"
	assert_journaled "$(cat "$T/cid")" "$(bundle_of "$(cat "$T/cid")")"
}

@test "docker workload: python3 serves HTTP on 127.0.0.1:8000 and fetches it with urllib" {
	need_debian
	dk_workload python3
	[ "$status" -eq 0 ]
	assert_workload_output python3 "$T/out"
	assert_hardened
}

@test "docker workload: nginx serves a page" {
	need_debian
	dk_workload nginx
	[ "$status" -eq 0 ]
	assert_workload_output nginx "$T/out"
	assert_hardened
}

@test "docker workload: redis answers redis-cli and redis-benchmark" {
	need_debian
	dk_workload redis
	[ "$status" -eq 0 ]
	assert_workload_output redis "$T/out"
	assert_hardened
}

@test "docker workload: postgresql is initialised, started and queried" {
	need_debian
	dk_workload postgresql
	[ "$status" -eq 0 ]
	assert_workload_output postgresql "$T/out"
	assert_hardened
}

@test "docker: --net=container:X and --ipc=container:X, X a hardshim container: the new one joins X's namespaces and X's user namespace, hardened" {
	x=$(dk_start podx --ipc shareable hs-busybox sleep 120)
	pid=$(host_pid "$x")
	status=0
	timeout -k 5 120 "$DOCKER_CLI" run --rm --runtime=hardshim --net="container:$x" --ipc="container:$x" hs-busybox \
		sh -c "$PROBE"'
			echo "net=$(readlink /proc/self/ns/net)"; echo "ipc=$(readlink /proc/self/ns/ipc)"
			echo "user=$(readlink /proc/self/ns/user)"; ls /sys/class/net | tr "\n" " "; echo' \
		>"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	assert_probe "$T/out"
	assert_line_exact "net=$(readlink "/proc/$pid/ns/net")" "$T/out"
	assert_line_exact "ipc=$(readlink "/proc/$pid/ns/ipc")" "$T/out"
	assert_line_exact "user=$(readlink "/proc/$pid/ns/user")" "$T/out"
	# The joining container's journal says which user namespace it joined, and why.
	journal_query 'map(select(.path == "/linux/namespaces" and .action == "changed"))' |
		jq -e --arg u "$HS_STATE_DIR/ns/user" 'length == 1 and (.[0].after.path == $u) and (.[0].note | contains("/proc/"))'
}

@test "docker: 32 parallel docker run --rm: every container's records whole and complete in the journal, host mounts unchanged after" {
	n=32
	awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort >"$T/mounts.before"
	start=$(cat "$JOURNAL" 2>/dev/null | wc -l)
	for i in $(seq "$n"); do
		(
			rc=0
			timeout -k 5 300 "$DOCKER_CLI" run --rm --runtime=hardshim --network=none --cidfile "$T/cid$i" \
				hs-busybox sh -c 'id -u; grep ^CapEff: /proc/self/status' >"$T/out$i" 2>"$T/err$i" </dev/null || rc=$?
			echo "$rc" >"$T/rc$i"
		) &
	done
	wait
	for i in $(seq "$n"); do
		[ "$(cat "$T/rc$i")" = 0 ] || { cat "$T/err$i"; false; }
		printf '65534\nCapEff:\t0000000000000000\n' | cmp - "$T/out$i"
	done
	# Only whole JSON lines; each container has its create records, once, together.
	tail -n +"$((start + 1))" "$JOURNAL" >"$T/new.jsonl"
	journal_valid "$T/new.jsonl"
	for i in $(seq "$n"); do
		id=$(cat "$T/cid$i")
		jq -s -e --arg id "$id" '[.[] | select(.id == $id and .command == "create")] as $r
			| ($r | length) >= 4 and ($r | map(.measure) | index("detect") != null)' "$T/new.jsonl"
	done
	# The same spec gives every container the same number of records.
	jq -s -e '[.[] | select(.command == "create")] | group_by(.id) | map(length) | unique | length == 1' "$T/new.jsonl"
	jq -s -e --argjson n "$n" '
		[.[] | select(.command == "create") | .id] as $ids
		| [range(0; $ids | length) | select(. == 0 or $ids[.] != $ids[. - 1]) | $ids[.]]
		| length == $n and (unique | length) == $n' "$T/new.jsonl"
	awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort >"$T/mounts.after"
	diff "$T/mounts.before" "$T/mounts.after"
}
