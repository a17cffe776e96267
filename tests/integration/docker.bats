#!/usr/bin/env bats
# hardshim under the real dockerd (docker.io 20.10): a private dockerd and
# containerd for this file, hardshim registered as a runtime in daemon.json,
# images made with `docker import`.  Every container is started with
# `docker run --runtime=hardshim --network=none` and checked from inside
# (the user namespace's mapping, uid, capabilities, NoNewPrivs, seccomp),
# from the host (who owns what the container writes, which mounts are left)
# and in the journal; then the workloads of workloads.bats (the scripts and
# checks of tests/workloads) run under docker.

load helpers
load ../workloads/workloads

# The client of the docker.io package, which matches its dockerd (another
# docker may come first on PATH).
DOCKER_CLI=/usr/bin/docker
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=$(command -v docker || echo docker)

docker() {
	"$DOCKER_CLI" "$@"
}

# The user and the id mapping hardshim's default policy gives a container.
CONTAINER_UID=65534
USERNS_SIZE=65536

# cannot_run REASON: every test of the file skips, saying REASON.
cannot_run() {
	echo "$1" >"$BATS_FILE_TMPDIR/skip"
}

# wait_for SECONDS CMD...: retry CMD every 0.2 s until it succeeds.
wait_for() {
	local n=$(($1 * 5))
	shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.2
	done
}

# not CMD...: CMD fails.  (A plain `! CMD` does not fail a bats test.)
not() {
	if "$@"; then
		echo "unexpectedly succeeded: $*" >&2
		return 1
	fi
}

# alive PID: the process exists and is not a zombie.
alive() {
	[ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# start_daemon NAME CMD...: CMD in the background, output in
# $DOCKER_DIR/NAME.log, pid in $DOCKER_DIR/NAME.pid.  fd 3 is closed, or
# bats would wait for the daemon to end.
start_daemon() {
	local name=$1
	shift
	"$@" </dev/null >"$DOCKER_DIR/$name.log" 2>&1 3>&- &
	echo $! >"$DOCKER_DIR/$name.pid"
}

# daemon_ready NAME SECONDS CMD...: wait until CMD succeeds; if it does not
# (or the daemon died), print the daemon's log and fail.
daemon_ready() {
	local name=$1 secs=$2 pid
	shift 2
	pid=$(cat "$DOCKER_DIR/$name.pid")
	local n=$((secs * 5))
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		if [ "$n" -le 0 ] || ! alive "$pid"; then
			echo "$name did not come up within $secs s (pid $pid); its log:" >&2
			tail -n 40 "$DOCKER_DIR/$name.log" >&2
			return 1
		fi
		sleep 0.2
	done
}

# stop_daemon NAME: SIGTERM, up to 30 s for it to end, then SIGKILL.
stop_daemon() {
	local f=$DOCKER_DIR/$1.pid pid
	[ -s "$f" ] || return 0
	pid=$(cat "$f")
	alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_for 30 not alive "$pid"; then
		echo "teardown: $1 ($pid) ignored SIGTERM, killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
		wait_for 5 not alive "$pid" || true
	fi
}

# Processes whose command line names $DOCKER_DIR: the daemons and the
# containerd shims of this file.
our_processes() {
	local p
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$DOCKER_DIR/" && echo "${p#/proc/}"
	done
	return 0
}

# Mount points at or under $DOCKER_DIR, deepest first.
our_mounts() {
	awk -v d="$DOCKER_DIR" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# runc's root for this daemon's containers: dockerd 20.10 gives the shim
# `root: <exec-root>/runtime-runc` (whatever the runtime's name, see the
# bundle's options.json) and the shim adds the namespace.
runc_root() {
	echo "$DOCKER_DIR/exec/runtime-runc/moby"
}

# Containers runc still knows in this daemon's root.
runc_containers() {
	"$RUNC" --root "$(runc_root)" list -q 2>/dev/null || true
}

remove_containers() {
	local -a ids
	local id
	mapfile -t ids < <(docker ps -aq 2>/dev/null)
	[ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
	# Whatever docker could not remove, runc kills and deletes.
	for id in $(runc_containers); do
		"$RUNC" --root "$(runc_root)" kill "$id" KILL >/dev/null 2>&1 || true
		"$RUNC" --root "$(runc_root)" delete --force "$id" >/dev/null 2>&1 || true
	done
}

setup_file() {
	export DOCKER_DIR=""
	[ "$(id -u)" = 0 ] || { cannot_run "docker tests need root (a private dockerd)"; return 0; }
	local tool
	for tool in dockerd containerd containerd-shim-runc-v2 ctr "$DOCKER_CLI"; do
		command -v "$tool" >/dev/null 2>&1 ||
			{ cannot_run "no $tool (apt-get install docker.io)"; return 0; }
	done
	[ -x /bin/busybox ] || { cannot_run "no /bin/busybox (apt-get install busybox-static)"; return 0; }
	[ -x "$HS" ] || { echo "hardshim not built: $HS" >&2; return 1; }

	# The host ids hardshim maps container ids 0-65535 to: the range of
	# the default class's owner `hardshim`.
	local uid0 gid0
	if ! uid0=$(host_id 0 2>/dev/null) || ! gid0=$(host_gid 0 2>/dev/null); then
		cannot_run "user hardshim has no 65536 ids in /etc/subuid and /etc/subgid (contrib/subids.sh hardshim 1000000)"
		return 0
	fi
	export HOST_UID0=$uid0 HOST_GID0=$gid0

	# The Debian workload rootfs; when this machine cannot build it, only
	# the workload tests skip, saying why.
	build_workload_rootfs "$BATS_FILE_TMPDIR/skip-debian" || return 1

	# Everything of the daemons (data root with overlay2, exec root,
	# containerd's state with the bundles, sockets, logs, the policy and
	# the journal) lives in one directory, on a filesystem overlay2 works
	# on; unix socket paths must stay short.
	local base=${HS_DOCKER_BASE:-/var/lib/hardshim-tests}
	mkdir -p "$base"
	DOCKER_DIR=$(mktemp -d "$base/docker.XXXXXX")
	export DOCKER_HOST=unix://$DOCKER_DIR/docker.sock
	export JOURNAL=$DOCKER_DIR/deviations.jsonl

	# hardshim reads its policy from HARDSHIM_POLICY, which it inherits
	# from containerd through the shim.
	export HARDSHIM_POLICY=$DOCKER_DIR/policy.json
	unset HARDSHIM_RUNTIME
	jq -n --arg j "$JOURNAL" --arg p "$SECCOMP_PROFILE" --arg l "$LANDLOCK_HELPER" \
		'{mode: "enforce", journal: $j, seccomp: {profile: $p}, lsm: {landlock_helper: $l}}' >"$HARDSHIM_POLICY"
	jq -n --arg hs "$HS" '{runtimes: {hardshim: {path: $hs}}}' >"$DOCKER_DIR/daemon.json"

	# A containerd of our own: dockerd only starts one itself when
	# /run/containerd/containerd.sock does not exist; on a machine where
	# the system's containerd runs (apt-get install docker.io on a systemd
	# machine) it would use that one, whose environment - not ours - the
	# runtime inherits, and share its `moby` namespace with the system's
	# dockerd.  No CRI plugin, and its `opt` directory here, not in /opt.
	cat >"$DOCKER_DIR/containerd.toml" <<-EOF
		version = 2
		root = "$DOCKER_DIR/containerd"
		state = "$DOCKER_DIR/exec/containerd"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$DOCKER_DIR/containerd.sock"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$DOCKER_DIR/containerd/opt"
	EOF
	start_daemon containerd containerd --config "$DOCKER_DIR/containerd.toml"
	daemon_ready containerd 30 ctr --address "$DOCKER_DIR/containerd.sock" version || return 1

	start_daemon dockerd dockerd --iptables=false --bridge=none \
		--config-file "$DOCKER_DIR/daemon.json" --host "$DOCKER_HOST" \
		--containerd "$DOCKER_DIR/containerd.sock" \
		--pidfile "$DOCKER_DIR/dockerd.pidfile" --exec-root "$DOCKER_DIR/exec" \
		--data-root "$DOCKER_DIR/data"
	daemon_ready dockerd 60 docker info || return 1
	docker info --format '{{json .Runtimes}}' | jq -e --arg hs "$HS" '.hardshim.path == $hs' >/dev/null || {
		echo "dockerd did not register the hardshim runtime:" >&2
		docker info >&2
		return 1
	}

	# Images: busybox, and the Debian workload rootfs (about 530 MB, 15 s).
	# The busybox image has /data for a volume: runc cannot create a
	# mountpoint in a rootfs that is a plain bind of overlay2's merged dir
	# (it is host root's, unmapped in the container's user namespace).
	"$MAKE_BUNDLE" "$BATS_FILE_TMPDIR/busybox" true >/dev/null
	mkdir "$BATS_FILE_TMPDIR/busybox/rootfs/data"
	tar -C "$BATS_FILE_TMPDIR/busybox/rootfs" -c . | docker import - hs-busybox >/dev/null
	if [ ! -s "$BATS_FILE_TMPDIR/skip-debian" ]; then
		tar -C "$WORKLOAD_ROOTFS" -c . | docker import - hs-debian >/dev/null
	fi
}

teardown_file() {
	[ -n "${DOCKER_DIR:-}" ] && [ -d "$DOCKER_DIR" ] || return 0
	local -a left
	remove_containers
	stop_daemon dockerd
	stop_daemon containerd
	# Shims end with their containers; one left behind is killed by pid.
	mapfile -t left < <(our_processes)
	if [ "${#left[@]}" -gt 0 ]; then
		echo "teardown: processes left behind:" >&2
		ps -o pid,args -p "$(IFS=,; echo "${left[*]}")" >&2 || true
		kill -KILL "${left[@]}" 2>/dev/null || true
	fi
	local m
	for m in $(our_mounts); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	if [ -n "$(our_mounts)" ]; then
		echo "teardown: mounts left under $DOCKER_DIR, not removing it:" >&2
		our_mounts >&2
		return 1
	fi
	rm -rf --one-file-system "$DOCKER_DIR"
	[ "${#left[@]}" -eq 0 ]
}

setup() {
	if [ -s "$BATS_FILE_TMPDIR/skip" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	fi
	T=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
}

teardown() {
	[ -n "${DOCKER_DIR:-}" ] || return 0
	remove_containers
	local left
	left=$(docker ps -aq)
	[ -z "$left" ] || { echo "teardown: containers left: $left" >&2; return 1; }
}

# need_debian: skip unless the Debian workload image was imported.
need_debian() {
	if [ -s "$BATS_FILE_TMPDIR/skip-debian" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip-debian")"
	fi
}

# dk_run ARGS...: `docker run --runtime=hardshim --network=none ARGS`,
# bounded in time; stdout in $T/out, stderr in $T/err, status in $status.
dk_run() {
	status=0
	timeout -k 5 120 "$DOCKER_CLI" run --runtime=hardshim --network=none "$@" \
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

# journal_of ID: the journal's records for container ID, one per line.
journal_of() {
	jq -c --arg id "$1" 'select(.id == $id)' "$JOURNAL"
}

# assert_journaled ID: hardshim hardened container ID's `create` with the
# policy of this file: the journal (whose path only that policy names)
# has its records, with docker's bundle in our containerd's state.
assert_journaled() {
	local bundle=$DOCKER_DIR/exec/containerd/io.containerd.runtime.v2.task/moby/$1
	journal_of "$1" | jq -s -e --arg b "$bundle" \
		'length > 0 and any(.[]; .command == "create" and .bundle == $b)' >/dev/null || {
		echo "no create record for $1 (bundle $bundle) in $JOURNAL:" >&2
		tail -n 5 "$JOURNAL" >&2
		return 1
	}
}

# What a container reports about itself (stderr folded into stdout); the
# maps with their padding squeezed out.
PROBE='exec 2>&1
awk "{ print \"uid_map=\" \$1 \" \" \$2 \" \" \$3 }" /proc/self/uid_map
awk "{ print \"gid_map=\" \$1 \" \" \$2 \" \" \$3 }" /proc/self/gid_map
echo "id-u=$(id -u)"
echo "id-g=$(id -g)"
grep -E "^(Uid|Gid|CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'

# assert_probe FILE: PROBE's output shows the mapping of the hardshim range,
# uid/gid 65534, no capabilities, NoNewPrivs and a seccomp filter.
assert_probe() {
	local o=$1 set
	assert_line_exact "uid_map=0 $HOST_UID0 $USERNS_SIZE" "$o"
	assert_line_exact "gid_map=0 $HOST_GID0 $USERNS_SIZE" "$o"
	# One line each: nothing else of the host is mapped (host root least).
	[ "$(grep -c '^uid_map=' "$o")" -eq 1 ]
	[ "$(grep -c '^gid_map=' "$o")" -eq 1 ]
	assert_line_exact "id-u=$CONTAINER_UID" "$o"
	assert_line_exact "id-g=$CONTAINER_UID" "$o"
	assert_line_exact "Uid:${TAB}65534${TAB}65534${TAB}65534${TAB}65534" "$o"
	for set in CapPrm CapEff CapBnd; do
		assert_line_exact "$set:${TAB}0000000000000000" "$o"
	done
	assert_line_exact "NoNewPrivs:${TAB}1" "$o"
	assert_line_exact "Seccomp:${TAB}2" "$o"
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
	assert_journaled "$(cat "$T/cid")"
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
	assert_journaled "$id"
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
	config=$DOCKER_DIR/exec/containerd/io.containerd.runtime.v2.task/moby/$id/config.json
	# The spec as docker made it, from containerd's store: the overlay2
	# rootfs, no user namespace, and docker's default ping_group_range.
	ctr --address "$DOCKER_DIR/containerd.sock" -n moby containers info "$id" >"$T/docker-spec.json"
	jq -e --arg m "$merged" '.Spec.root.path == $m
		and (.Spec.linux.uidMappings // [] | length) == 0
		and .Spec.linux.sysctl["net.ipv4.ping_group_range"] == "0 2147483647"' "$T/docker-spec.json"
	journal_of "$id" >"$T/records"
	cat "$T/records"

	# The rootfs: moved to the bridge, which the bundle's spec names;
	# overlayfs does not take an idmapped mount, so a plain bind.
	jq -s -e --arg m "$merged" --slurpfile spec "$config" '
		[.[] | select(.path == "/root/path")] | length == 1 and (.[0]
		| .action == "changed" and .before == $m and .after == $spec[0].root.path
		and .after != $m
		and (.note | startswith("plain bind mount of `" + $m + "`"))
		and (.note | contains("does not take idmapped mounts")))' "$T/records"
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
	bundle=$DOCKER_DIR/exec/containerd/io.containerd.runtime.v2.task/moby/$id
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

@test "docker: a container hardshim refuses fails docker run with hardshim's reason" {
	# uid 70000 is outside the user namespace (container ids 0-65535).
	dk_run --rm -u 70000:70000 hs-busybox id
	[ "$status" -eq 125 ]
	assert_contains "$(cat "$T/err")" "OCI runtime create failed: hardshim: "
	assert_contains "$(cat "$T/err")" "/process/user 70000:70000 is outside the user namespace (ids 0-65535)"
	[ ! -s "$T/out" ]
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
	assert_journaled "$(cat "$T/cid")"
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

# Writes beneath /etc and /home (docker's own rw binds of /etc/hosts,
# /etc/hostname and /etc/resolv.conf, and volumes) against /tmp and /data.
WRITES='try() { what=$1; shift; if err=$(sh -c "$*" 2>&1); then echo "$what: ok"; else echo "$what: ${err##*: }"; fi; }
try etc-hosts "echo x >>/etc/hosts"
try etc-resolv "echo x >>/etc/resolv.conf"
try etc-hostname "echo x >/etc/hostname"
try home-u "touch /home/u/new"
try etc-vol "mkdir /etc/vol/d"
try tmp "touch /tmp/new"
try data "touch /data/new"'
WRITES_WANT='etc-hosts: Permission denied
etc-resolv: Permission denied
etc-hostname: Permission denied
home-u: Permission denied
etc-vol: Permission denied
tmp: ok
data: ok'

@test "docker: writes beneath /etc and /home are denied in docker run and docker exec; /tmp and a volume at /data work" {
	mkdir -p "$T/home-u" "$T/etc-vol" "$T/data"
	chown "$((HOST_UID0 + 65534)):$((HOST_GID0 + 65534))" "$T/home-u" "$T/etc-vol" "$T/data"
	dk_run --name lsm-run -v "$T/home-u:/home/u" -v "$T/etc-vol:/etc/vol" -v "$T/data:/data" hs-busybox sh -c "$WRITES"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	diff <(echo "$WRITES_WANT") "$T/out"
	rm -f "$T/data/new"
	id=$(dk_start lsm-exec -v "$T/home-u:/home/u" -v "$T/etc-vol:/etc/vol" -v "$T/data:/data" hs-busybox sleep 60)
	docker exec "$id" sh -c "$WRITES" >"$T/exec"
	diff <(echo "$WRITES_WANT") "$T/exec"
	docker exec -u 0 --privileged "$id" sh -c "$WRITES" >"$T/exec-root"
	diff <(echo "$WRITES_WANT") "$T/exec-root"
	[ -z "$(find "$T/home-u" "$T/etc-vol" -mindepth 1)" ]
	# PID 1 is the command itself; the exec was put behind the helper too.
	[ "$(docker exec "$id" cat /proc/1/cmdline | tr '\0' ' ')" = "sleep 60 " ]
	journal_of "$id" | jq -s -e 'any(.[]; .command == "exec" and .measure == "lsm" and .path == "/args"
		and .after[0] == "/dev/.hardshim/landlock")'
}
