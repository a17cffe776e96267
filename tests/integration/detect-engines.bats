#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Issue 15 through the real engines: what no measure can repair (host
# namespaces, --privileged, sensitive host paths and engine sockets as
# volumes, block devices, hooks, someone else's cgroup) is refused by the
# detect measure with one line in the engine's own output, and journaled;
# a class that allows exactly that thing lets it start, and a look from
# inside proves it ran; the repairs (pids limit, oomScoreAdj, rlimits)
# are seen in the container.
#
# One containerd, one dockerd (docker.io 20.10) and podman (4.3, conmon)
# of this file's own, as in docker.bats, containerd.bats and podman.bats.
# containerd and dockerd run in a mount namespace of their own in which
# dockerd's data root is /var/lib/docker (a bind of $ENGINE_DIR/data): the
# files docker binds into every container (hosts, hostname, resolv.conf,
# named volumes) lie below the real state root that detect refuses as a
# volume, as on a machine with docker installed.
#
# Classes (the policy, policy_json):
#   ci     match.program "hardshim-ci": docker's second runtime `hardshim-ci`
#          (a symbolic link of that name to hardshim; docker 20.10 passes no
#          annotations), podman --runtime and ctr --runc-binary WRAPPER_CI.
#   agent  match.annotation io.hardshim.class=agent: podman and ctr
#          --annotation.
# Both allow the same exactly named things (ALLOW): the host's network,
# PID and IPC namespaces, / read-only, the docker socket, loop device A,
# the test's hook program.  Each class has its own id range (hstest-ci,
# hstest-agent), which the uid_map inside shows.
#
# The Debian workloads and pod-shaped pairs are docker.bats,
# containerd.bats, podman.bats, workloads.bats, pods.bats and cri.bats:
# not repeated here.

load helpers
load engines

DOCKER_CLI=/usr/bin/docker
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=$(command -v docker || echo docker)

IMAGE=hs-busybox
PM_IMAGE=localhost/hs-busybox:latest
CTR_IMAGE=localhost/hs-busybox:latest
PM_OPTS=(--ulimit nofile=20000:20000 --ulimit nproc=20000:20000)

CI_OWNER=hstest-ci
AGENT_OWNER=hstest-agent

docker() { "$DOCKER_CLI" "$@"; }

our_ctr() {
	ctr --address "$CTD_SOCK" --namespace "$CTD_NS" "$@"
}

# moby_ctr ARGS...: ctr in dockerd's namespace (docker's specs as it wrote them).
moby_ctr() {
	ctr --address "$CTD_SOCK" --namespace moby "$@"
}

# policy_json MODE: the file's policy (engines.bash's, with the classes).
policy_json() {
	local allow
	allow=$(jq -n --arg ds "$DOCKER_SOCK" --arg hook "$HOOK" --argjson minor "${LOOP_A_MINOR:-0}" '{
		namespaces: ["network", "pid", "ipc"],
		binds: [{source: "/", readonly: true}, {source: $ds}],
		devices: [{type: "b", major: 7, minor: $minor}],
		hooks: [$hook]}')
	jq -n --arg mode "$1" --arg j "$JOURNAL" --arg p "$SECCOMP_PROFILE" --arg l "$LANDLOCK_HELPER" \
		--arg ci "$CI_OWNER" --arg agent "$AGENT_OWNER" --argjson allow "$allow" '{
		mode: $mode, journal: $j, seccomp: {profile: $p}, lsm: {landlock_helper: $l},
		classes: {
			ci: {match: {program: "hardshim-ci"}, user: {subid_owner: $ci}, allow: $allow},
			agent: {match: {annotation: "io.hardshim.class=agent"}, user: {subid_owner: $agent}, allow: $allow}}}'
}

# set_mode MODE: rewrite the policy (hardshim reads it at every create).
set_mode() {
	policy_json "$1" >"$HARDSHIM_POLICY.new" && mv "$HARDSHIM_POLICY.new" "$HARDSHIM_POLICY"
}

# loop_device NAME MARKER: a loop device on $ENGINE_DIR/NAME.img whose
# first bytes are MARKER, group 6 (disk) and mode 0660 so that a container
# given --group-add 6 may open it; prints its path.
loop_device() {
	local img=$ENGINE_DIR/$1.img dev
	printf '%s' "$2" >"$img" && truncate -s 1M "$img" || return 1
	dev=$(losetup -f --show "$img") || return 1
	stat -c '%n %g %a' "$dev" >>"$ENGINE_DIR/loops"
	chgrp 6 "$dev" && chmod 0660 "$dev" || return 1
	echo "$dev"
}

# in_ns CMD...: CMD in the engines' mount namespace (start_engines).
in_ns() {
	nsenter -t "$NS_PID" -m "$@"
}

# start_engines: the containerd of this file in a mount namespace of its
# own, where /var/lib/docker is $ENGINE_DIR/data and /run a tmpfs of its
# own: there containerd listens on /run/containerd/containerd.sock and
# dockerd, which joins it, on /var/run/docker.sock, as on a machine with
# docker installed, and the machine's /run and /var/lib are left alone.
# The clients reach them through /proc/PID/root (CTD_SOCK, DOCKER_HOST);
# podman runs in that namespace too (pm_run), to see the same paths.
start_engines() {
	export CTD_STATE=$ENGINE_DIR/state
	cat >"$ENGINE_DIR/containerd.toml" <<-EOF
		version = 2
		root = "$ENGINE_DIR/containerd"
		state = "$CTD_STATE"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "/run/containerd/containerd.sock"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$ENGINE_DIR/containerd/opt"
	EOF
	mkdir -p "$ENGINE_DIR/data"
	if [ ! -e /var/lib/docker ]; then
		mkdir /var/lib/docker && touch "$ENGINE_DIR/made-var-lib-docker"
	fi
	start_daemon containerd unshare --mount --propagation private sh -c \
		'mount --bind "$1" /var/lib/docker && mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run &&
		mkdir -p /run/containerd && exec containerd --config "$2"' sh "$ENGINE_DIR/data" "$ENGINE_DIR/containerd.toml"
	export NS_PID
	NS_PID=$(cat "$ENGINE_DIR/containerd.pid")
	export CTD_SOCK=/proc/$NS_PID/root/run/containerd/containerd.sock
	daemon_ready containerd 30 ctr --address "$CTD_SOCK" version || return 1
	export DOCKER_HOST=unix:///proc/$NS_PID/root/run/docker.sock
	start_daemon dockerd nsenter -t "$NS_PID" -m \
		dockerd --iptables=false --bridge=none \
		--config-file "$ENGINE_DIR/daemon.json" --host unix:///run/docker.sock \
		--containerd /run/containerd/containerd.sock --pidfile "$ENGINE_DIR/dockerd.pidfile" \
		--exec-root "$ENGINE_DIR/exec" --data-root /var/lib/docker
	daemon_ready dockerd 60 docker info
}

# podman's configuration files of this file (podman.bats, shorter).
podman_setup() {
	podman_storage_conf
	cat >"$CONTAINERS_CONF" <<-EOF
		[engine]
		tmp_dir = "$ENGINE_DIR/tmp"
		lock_type = "file"
		events_logger = "file"
		volume_path = "$ENGINE_DIR/volumes"
	EOF
}

# make_cgroup NAME N: cgroup /NAME in every hierarchy, holding N sleeping
# processes of this file (none for 0).
make_cgroup() {
	local d pid i
	for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -e "$d/cgroup.procs" ] || continue
		mkdir -p "$d$1"
		echo "$d$1" >>"$ENGINE_DIR/cgroups"
		# A new cpuset cgroup takes no process until it has cpus and mems.
		if [ -e "$d$1/cpuset.cpus" ]; then
			cat "${d}cpuset.cpus" >"$d$1/cpuset.cpus" && cat "${d}cpuset.mems" >"$d$1/cpuset.mems" || return 1
		fi
	done
	for i in $(seq "$2"); do
		sleep 3600 </dev/null >/dev/null 2>&1 3>&- &
		pid=$!
		echo "$pid" >>"$ENGINE_DIR/sleepers"
		while read -r d; do
			case $d in */"$1") echo "$pid" >"$d/cgroup.procs" ;; esac
		done <"$ENGINE_DIR/cgroups"
	done
}

setup_file() {
	engine_prepare detect "dockerd (apt-get install docker.io)" "containerd (apt-get install docker.io)" \
		"containerd-shim-runc-v2 (apt-get install docker.io)" "ctr (apt-get install docker.io)" \
		"$DOCKER_CLI (apt-get install docker.io)" "podman (apt-get install podman)" \
		"conmon (apt-get install conmon)" "unshare (apt-get install util-linux)" || return 1
	can_run || return 0
	"$HS_SRCDIR/contrib/subids.sh" "$CI_OWNER" 1196608 >&2 || return 1
	"$HS_SRCDIR/contrib/subids.sh" "$AGENT_OWNER" 1262144 >&2 || return 1
	export DOCKER_SOCK=/var/run/docker.sock
	export CTD_NS=hardshim-test-${ENGINE_DIR##*.}
	export CG=hstest-detect-${ENGINE_DIR##*.}

	# Loop devices A (which the classes allow) and B (which none does).
	if [ -e /dev/loop-control ] && command -v losetup >/dev/null && LOOP_A=$(loop_device a hs-loop-A-marker) &&
		LOOP_B=$(loop_device b hs-loop-B-marker); then
		export LOOP_A LOOP_B LOOP_A_MINOR=$((0x$(stat -c %T "$LOOP_A"))) LOOP_B_MINOR=$((0x$(stat -c %T "$LOOP_B")))
	else
		echo "no loop device support here: losetup -f on a file failed" >"$BATS_FILE_TMPDIR/skip-loop"
	fi

	# A hook program (root's, in root's 0700 $ENGINE_DIR) that logs the
	# state it is given, and a hooks directory for podman --hooks-dir.
	export HOOK=$ENGINE_DIR/hookbin/hs-hook HOOKS_DIR=$ENGINE_DIR/hooks.d HOOK_LOG=$ENGINE_DIR/hook.log
	mkdir -p "$ENGINE_DIR/hookbin" "$HOOKS_DIR"
	printf '#!/bin/sh\ncat >>%s\necho >>%s\n' "$HOOK_LOG" "$HOOK_LOG" >"$HOOK"
	chmod 0755 "$HOOK"
	jq -n --arg p "$HOOK" '{version: "1.0.0", hook: {path: $p, args: ["hs-hook"]}, when: {always: true},
		stages: ["prestart"]}' >"$HOOKS_DIR/hs.json"

	policy_json enforce >"$HARDSHIM_POLICY"
	# Class ci by program name: a link named hardshim-ci to hardshim (for
	# dockerd, which passes on containerd's HARDSHIM_POLICY), and a wrapper
	# of that name that execs it (podman and ctr).
	mkdir -p "$ENGINE_DIR/bin"
	ln -s "$HS" "$ENGINE_DIR/bin/hardshim-ci"
	export WRAPPER_CI=$ENGINE_DIR/hardshim-ci
	printf '#!/bin/sh\nHARDSHIM_POLICY=%q\nexport HARDSHIM_POLICY\nunset HARDSHIM_RUNTIME\nexec %q "$@"\n' \
		"$HARDSHIM_POLICY" "$ENGINE_DIR/bin/hardshim-ci" >"$WRAPPER_CI"
	chmod 0755 "$WRAPPER_CI"

	jq -n --arg hs "$HS" --arg ci "$ENGINE_DIR/bin/hardshim-ci" \
		'{runtimes: {hardshim: {path: $hs}, "hardshim-ci": {path: $ci}}}' >"$ENGINE_DIR/daemon.json"
	start_engines || return 1
	docker info --format '{{json .Runtimes}}' | jq -e --arg ci "$ENGINE_DIR/bin/hardshim-ci" \
		'.["hardshim-ci"].path == $ci' >/dev/null || { docker info >&2; return 1; }
	podman_setup

	local rootfs
	rootfs=$(busybox_rootfs) || return 1
	tar -C "$rootfs" -c . | docker import - "$IMAGE" >/dev/null || return 1
	tar -C "$rootfs" -c . | in_ns podman import - "$PM_IMAGE" >/dev/null || return 1
	import_image "$rootfs" "$CTR_IMAGE" "" || return 1
	make_cgroup "$CG" 2
	make_cgroup "$CG-empty" 0
}

remove_containers() {
	local -a ids
	local id
	mapfile -t ids < <(docker ps -aq 2>/dev/null)
	[ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
	for id in $("$RUNC" --root "$ENGINE_DIR/exec/runtime-runc/moby" list -q 2>/dev/null); do
		"$RUNC" --root "$ENGINE_DIR/exec/runtime-runc/moby" delete --force "$id" >/dev/null 2>&1 || true
	done
	in_ns podman rm --all --force --time 0 >/dev/null 2>&1 || true
	remove_ctr_tasks
	for id in $("$RUNC" --root "$ENGINE_DIR/runc/$CTD_NS" list -q 2>/dev/null); do
		"$RUNC" --root "$ENGINE_DIR/runc/$CTD_NS" delete --force "$id" >/dev/null 2>&1 || true
	done
}

all_containers() {
	docker ps -aq
	in_ns podman ps -aq
	our_ctr containers ls -q
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	local d pid
	remove_containers
	docker volume rm -f hs-vol >/dev/null 2>&1 || true
	docker rmi -f hs-devnode >/dev/null 2>&1 || true
	in_ns podman rmi --all --force >/dev/null 2>&1 || true
	stop_daemon dockerd
	stop_daemon containerd
	remove_cgroup docker
	remove_cgroup "$CTD_NS"
	if [ -s "$ENGINE_DIR/sleepers" ]; then
		for pid in $(cat "$ENGINE_DIR/sleepers"); do kill "$pid" 2>/dev/null || true; done
		for pid in $(cat "$ENGINE_DIR/sleepers"); do wait_for 5 not alive "$pid" || true; done
	fi
	if [ -s "$ENGINE_DIR/cgroups" ]; then
		while read -r d; do rmdir "$d" 2>/dev/null || true; done < <(sort -r "$ENGINE_DIR/cgroups")
	fi
	if [ -s "$ENGINE_DIR/loops" ]; then
		local gid mode
		while read -r d gid mode; do
			chgrp "$gid" "$d" && chmod "$mode" "$d" || true
			losetup -d "$d" || true
		done <"$ENGINE_DIR/loops"
	fi
	[ ! -e "$ENGINE_DIR/made-var-lib-docker" ] || rmdir /var/lib/docker || true
	engine_teardown_file
}

setup() {
	engine_setup
	N=0
}

teardown() {
	[ -z "${ENGINE_DIR:-}" ] || [ "$(jq -r .mode "$HARDSHIM_POLICY")" = enforce ] || set_mode enforce
	engine_teardown all_containers
}

need_loop() {
	[ ! -s "$BATS_FILE_TMPDIR/skip-loop" ] || skip "$(cat "$BATS_FILE_TMPDIR/skip-loop")"
}

# --- Running a container: one helper per engine ----------------------------
#
# dk_run|pm_run|ctr_run RUNTIME OPTIONS... -- CMD...: a container of busybox
# started in the foreground (--rm), bounded in time; stdout in $T/out,
# stderr in $T/err, status in $status, its id in $ID; ENGINE and RT say
# which engine and runtime ran it (for assert_refused).  --network=none
# unless OPTIONS choose a network.

# _split OPTIONS... -- CMD...: OPTS and CMD; NET=(--network=none) unless
# OPTS name a network.
_split() {
	OPTS=() CMD=() NET=(--network=none)
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in --net=* | --network=* | --net-host) NET=() ;; esac
		OPTS+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	CMD=("$@")
}

dk_run() {
	ENGINE=docker RT=$1
	shift
	_split "$@"
	rm -f "$T/cid"
	status=0
	timeout -k 5 120 "$DOCKER_CLI" run --rm --runtime="$RT" --cidfile "$T/cid" "${NET[@]}" "${OPTS[@]}" \
		"$IMAGE" "${CMD[@]}" >"$T/out" 2>"$T/err" </dev/null || status=$?
	ID=$(cat "$T/cid" 2>/dev/null || true)
	cat "$T/out" "$T/err"
}

pm_run() {
	ENGINE=podman RT=$1
	shift
	_split "$@"
	rm -f "$T/cid"
	status=0
	timeout -k 5 120 nsenter -t "$NS_PID" -m podman --runtime "$RT" run --rm --cidfile "$T/cid" "${PM_OPTS[@]}" "${NET[@]}" \
		"${OPTS[@]}" "$PM_IMAGE" "${CMD[@]}" >"$T/out" 2>"$T/err" </dev/null || status=$?
	ID=$(cat "$T/cid" 2>/dev/null || true)
	cat "$T/out" "$T/err"
}

ctr_run() {
	ENGINE=ctr RT=$1
	shift
	_split "$@"
	N=$((N + 1))
	ID=c$N-$BATS_TEST_NUMBER
	status=0
	timeout -k 5 120 ctr --address "$CTD_SOCK" --namespace "$CTD_NS" run --rm --runc-binary "$RT" \
		--runc-root "$ENGINE_DIR/runc" --fifo-dir "$ENGINE_DIR/fifo" "${OPTS[@]}" "$CTR_IMAGE" "$ID" \
		"${CMD[@]}" >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"
}

# The line each engine prints for a runtime's refusal MSG (hardshim's text
# after "hardshim: "), and its exit status.
engine_line() {
	case $ENGINE in
	docker) echo "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: hardshim: $1: unknown." ;;
	podman) echo "Error: OCI runtime error: $RT: hardshim: $1" ;;
	ctr) echo "ctr: failed to create shim task: OCI runtime create failed: hardshim: $1: unknown" ;;
	esac
}

engine_status() {
	case $ENGINE in
	docker) echo 125 ;;
	podman) echo 126 ;;
	ctr) echo 1 ;;
	esac
}

# _engine_err: what the engine printed on stderr, without the line docker
# 20.10's client may add, racing with the daemon.
_engine_err() {
	grep -vxE 'time="[^"]*" level=error msg="error waiting for container: context canceled"' "$T/err" || true
}

# _refused_common: the run failed with the engine's status, printed nothing
# on stdout and one line on stderr (in $LINE).
_refused_common() {
	[ "$status" -eq "$(engine_status)" ] || { echo "$ENGINE exit status $status, wanted $(engine_status)" >&2; return 1; }
	[ ! -s "$T/out" ] || { echo "stdout:" >&2; cat "$T/out" >&2; return 1; }
	[ "$(_engine_err | wc -l)" -eq 1 ] || { echo "stderr is not one line:" >&2; cat "$T/err" >&2; return 1; }
	LINE=$(_engine_err)
}

# _journal_refused MSG-PATTERN: the journal has a detect record of
# container $ID with action refused (or, AUDIT=1, kept, would refused) and
# a note matching the bash pattern MSG-PATTERN.
_journal_refused() {
	local action=refused would=null
	[ -z "${AUDIT:-}" ] || action=kept would='"refused"'
	[ -n "$ID" ] || { echo "no container id for the journal" >&2; return 1; }
	journal_of "$ID" | jq -c --arg a "$action" --argjson w "$would" \
		'select(.measure == "detect" and .action == $a and .would == $w)' >"$T/detect.records"
	local note
	while IFS= read -r note; do
		# shellcheck disable=SC2053
		[[ $note == $1 ]] && return 0
	done < <(jq -r .note "$T/detect.records")
	echo "no detect record ($action) of $ID with the note: $1" >&2
	journal_of "$ID" | jq -c '[.measure, .path, .action, .would, .note]' >&2
	return 1
}

# assert_refused MSG: the engine refused the container with exactly MSG,
# the one refusal, in its own words; the journal has it.
assert_refused() {
	_refused_common || return 1
	[ "$LINE" = "$(engine_line "$1")" ] || {
		printf 'expected: %s\ngot:      %s\n' "$(engine_line "$1")" "$LINE" >&2
		return 1
	}
	_journal_refused "$(printf '%q' "$1")"
}

# assert_refused_like PATTERN: the same where part of the message depends
# on the host (a bash pattern for the message).
assert_refused_like() {
	_refused_common || return 1
	local want
	want=$(engine_line "$1")
	# shellcheck disable=SC2053
	[[ $LINE == $want ]] || { printf 'expected: %s\ngot:      %s\n' "$want" "$LINE" >&2; return 1; }
	_journal_refused "$1"
}

# assert_ran: the run succeeded.
assert_ran() {
	[ "$status" -eq 0 ] || { echo "$ENGINE run failed ($status):" >&2; cat "$T/out" "$T/err" >&2; return 1; }
}

# The policy as the messages name it.
P() { echo "$HARDSHIM_POLICY"; }

# The messages of the plan (docs: issue 15).
msg_ns() {
	local what=$1 how=$2 key=$3
	echo "host $what namespace ($how) is refused by policy $(P); allow it for a class with \"allow\": {\"namespaces\": [\"$key\"]}"
}
MSG_NET_HOW='docker --net=host, Kubernetes hostNetwork'
MSG_PID_HOW='docker --pid=host, Kubernetes hostPID'
MSG_IPC_HOW='docker --ipc=host, Kubernetes hostIPC'
msg_hostpath() {
	echo "host path $1 as a volume (docker -v $1:..., Kubernetes hostPath) is refused by policy $(P); allow it for a class with \"allow\": {\"binds\": [{\"source\": \"$1\", \"readonly\": true}]}"
}
msg_docker_sock() {
	echo "Docker API socket $1 as a volume (docker -v $1:..., Kubernetes hostPath) is refused by policy $(P); allow it for a class with \"allow\": {\"binds\": [{\"source\": \"$1\"}]}"
}
msg_device() {
	local minor=$((0x$(stat -c %T "$1")))
	echo "device $1 (block 7:$minor; docker --device, podman --device, Kubernetes device plugins) is refused by policy $(P); allow it for a class with \"allow\": {\"devices\": [{\"type\": \"b\", \"major\": 7, \"minor\": $minor}]}"
}
msg_hook() {
	echo "hook $1 $2 (an OCI hook from the spec or an engine's hooks directory) is refused by policy $(P); allow it for a class with \"allow\": {\"hooks\": [\"$2\"]}"
}
# A bash pattern (extended, as [[ ]] reads it) for --privileged's message:
# PARTS named, whatever they are; in the engine's line the plan's suffix for
# several refusals may follow.
pat_privileged() {
	printf '%q' "privileged container (docker run --privileged, podman run --privileged, ctr run --privileged, Kubernetes privileged: true) is refused by policy $(P): it asks for "
	printf '%s' '?*'
	printf '%q' "; hardshim cannot confine that; allow only the devices a workload needs for a class with \"allow\": {\"devices\": [{\"type\": \"c\", \"major\": 10, \"minor\": 200}]}"
	printf '?(%s+([0-9])%s)' '\ \(and\ ' "$(printf '%q' " more refused: see the journal $JOURNAL)")"
}

# What a container of a class reports: its mapping (the class's range),
# and that it is still hardened.
CLASS_PROBE='awk "{ print \"uid_map=\" \$1 \" \" \$2 \" \" \$3 }" /proc/self/uid_map
echo "id-u=$(id -u)"
grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'

# assert_class OWNER: CLASS_PROBE's output in $T/out shows OWNER's range
# (the class was selected), uid 65534, no capabilities, NoNewPrivs, seccomp.
assert_class() {
	assert_line_exact "uid_map=0 $(host_id 0 "$1") $USERNS_SIZE" "$T/out"
	assert_line_exact "id-u=$CONTAINER_UID" "$T/out"
	assert_line_exact "CapEff:${TAB}0000000000000000" "$T/out"
	assert_line_exact "NoNewPrivs:${TAB}1" "$T/out"
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
}

# ns_of TYPE: the host's namespace of TYPE: kthreadd's (PID 2, always in
# the initial namespaces; root here may not read PID 1's, which holds a
# capability root lacks), which this test's shell shares.
ns_of() {
	local ns
	ns=$(readlink "/proc/2/ns/$1") || return 1
	[ "$ns" = "$(readlink "/proc/$$/ns/$1")" ] || { echo "the test does not run in the host's $1 namespace" >&2; return 1; }
	echo "$ns"
}

# --- Host namespaces -------------------------------------------------------

@test "detect, docker: --net=host, --pid=host and --ipc=host are refused with their reasons; under class ci (runtime hardshim-ci) each starts, in the host's namespace, hardened; --uts=host, which ci does not name, stays refused" {
	local -a rows=("--net=host|net|network|$MSG_NET_HOW" "--pid=host|pid|pid|$MSG_PID_HOW" "--ipc=host|ipc|ipc|$MSG_IPC_HOW")
	local row opt ns key how what
	for row in "${rows[@]}"; do
		IFS='|' read -r opt ns key how <<<"$row"
		case $key in network) what=network ;; pid) what=PID ;; ipc) what=IPC ;; esac
		dk_run hardshim "$opt" -- true
		assert_refused "$(msg_ns "$what" "$how" "$key")"
		dk_run hardshim-ci "$opt" -- sh -c "$CLASS_PROBE; echo ns=\$(readlink /proc/self/ns/$ns)"
		assert_ran
		assert_class "$CI_OWNER"
		assert_line_exact "ns=$(ns_of "$ns")" "$T/out"
	done
	# Exactly what the class names: not the UTS namespace.
	dk_run hardshim-ci --uts=host -- true
	assert_refused "$(msg_ns UTS 'docker --uts=host' uts)"
}

@test "detect, podman: --net=host, --pid=host and --ipc=host are refused; under class ci (--runtime .../hardshim-ci) each starts in the host's namespace" {
	local -a rows=("--net=host|net|network|$MSG_NET_HOW" "--pid=host|pid|pid|$MSG_PID_HOW" "--ipc=host|ipc|ipc|$MSG_IPC_HOW")
	local row opt ns key how what
	for row in "${rows[@]}"; do
		IFS='|' read -r opt ns key how <<<"$row"
		case $key in network) what=network ;; pid) what=PID ;; ipc) what=IPC ;; esac
		pm_run "$WRAPPER" "$opt" -- true
		assert_refused "$(msg_ns "$what" "$how" "$key")"
		pm_run "$WRAPPER_CI" "$opt" -- sh -c "$CLASS_PROBE; echo ns=\$(readlink /proc/self/ns/$ns)"
		assert_ran
		assert_class "$CI_OWNER"
		assert_line_exact "ns=$(ns_of "$ns")" "$T/out"
	done
}

@test "detect, ctr: --net-host and --with-ns pid:PATH of the host's PID namespace (two paths to it) are refused; under class agent (--annotation io.hardshim.class=agent) they start in the host's namespaces" {
	ctr_run "$WRAPPER" --net-host -- true
	assert_refused "$(msg_ns network "$MSG_NET_HOW" network)"
	# The host's PID namespace by two paths: judged by identity.
	[ "$(readlink /proc/2/ns/pid)" = "$(readlink "/proc/$$/ns/pid")" ]
	for path in /proc/2/ns/pid "/proc/$$/ns/pid"; do
		ctr_run "$WRAPPER" --with-ns "pid:$path" -- true
		assert_refused "$(msg_ns PID "$MSG_PID_HOW" pid)"
	done

	ctr_run "$WRAPPER" --annotation io.hardshim.class=agent --net-host -- \
		sh -c "$CLASS_PROBE; echo ns=\$(readlink /proc/self/ns/net)"
	assert_ran
	assert_class "$AGENT_OWNER"
	assert_line_exact "ns=$(ns_of net)" "$T/out"
	ctr_run "$WRAPPER" --annotation io.hardshim.class=agent --with-ns pid:/proc/2/ns/pid -- \
		sh -c "$CLASS_PROBE; echo ns=\$(readlink /proc/self/ns/pid)"
	assert_ran
	assert_class "$AGENT_OWNER"
	assert_line_exact "ns=$(ns_of pid)" "$T/out"
}

@test "detect: joining another container's namespaces (docker --net=container:X) is not refused" {
	x=$("$DOCKER_CLI" run -d --runtime=hardshim --network=none "$IMAGE" sleep 120)
	dk_run hardshim --net="container:$x" -- readlink /proc/self/ns/net
	assert_ran
	assert_line_exact "$(readlink "/proc/$(docker inspect -f '{{.State.Pid}}' "$x")/ns/net")" "$T/out"
}

# --- --privileged ----------------------------------------------------------

@test "detect: --privileged is refused in docker, podman and ctr, naming what it asks for; a class that allows devices does not make it pass" {
	dk_run hardshim --privileged -- true
	assert_refused_like "$(pat_privileged)"
	dk_run hardshim-ci --privileged -- true
	assert_refused_like "$(pat_privileged)"
	pm_run "$WRAPPER" --privileged -- true
	assert_refused_like "$(pat_privileged)"
	pm_run "$WRAPPER_CI" --privileged -- true
	assert_refused_like "$(pat_privileged)"
	ctr_run "$WRAPPER" --privileged -- true
	assert_refused_like "$(pat_privileged)"
	ctr_run "$WRAPPER" --annotation io.hardshim.class=agent --privileged -- true
	assert_refused_like "$(pat_privileged)"
}

# --- Sensitive host paths and sockets --------------------------------------

# The writes a container of class ci tries in / of the host, mounted
# read-only at /host: the root filesystem (/tmp) and a mount below it
# (/dev/shm, a tmpfs: read-only must be recursive).
HOST_RO='cat /host/etc/os-release | head -n 1
for d in /host/tmp /host/dev/shm; do
	if err=$(touch "$d/hs-detect-write.$$" 2>&1); then echo "$d: written"; else echo "$d: ${err##*: }"; fi
done'

# assert_host_ro: HOST_RO's output: the host's / was seen, nothing written.
assert_host_ro() {
	assert_line_exact "$(head -n 1 /etc/os-release)" "$T/out"
	assert_line_exact "/host/tmp: Read-only file system" "$T/out"
	assert_line_exact "/host/dev/shm: Read-only file system" "$T/out"
	[ -z "$(ls /tmp/hs-detect-write.* /dev/shm/hs-detect-write.* 2>/dev/null)" ]
}

@test "detect, docker: -v /:/host is refused; under class ci (allow / read-only) it starts and a write into /host fails with EROFS; /etc, which no class allows, stays refused" {
	dk_run hardshim -v /:/host -- true
	assert_refused "$(msg_hostpath /)"
	dk_run hardshim-ci -v /:/host -- sh -c "$CLASS_PROBE
$HOST_RO"
	assert_ran
	assert_class "$CI_OWNER"
	assert_host_ro
	# Nothing wider than what the class names: / is allowed, /etc is not.
	dk_run hardshim-ci -v /etc:/x -- true
	assert_refused "$(msg_hostpath /etc)"
}

@test "detect, podman and ctr: / as a volume is refused; under the class it is read-only" {
	pm_run "$WRAPPER" -v /:/host -- true
	assert_refused "$(msg_hostpath /)"
	pm_run "$WRAPPER_CI" -v /:/host -- sh -c "$CLASS_PROBE
$HOST_RO"
	assert_ran
	assert_class "$CI_OWNER"
	assert_host_ro

	ctr_run "$WRAPPER" --mount type=bind,src=/,dst=/host,options=rbind:rw -- true
	assert_refused "$(msg_hostpath /)"
	ctr_run "$WRAPPER" --annotation io.hardshim.class=agent --mount type=bind,src=/,dst=/host,options=rbind:rw -- \
		sh -c "$CLASS_PROBE
$HOST_RO"
	assert_ran
	assert_class "$AGENT_OWNER"
	assert_host_ro
}

@test "detect, docker: a directory above an engine's state root (-v /var:/x, which holds /var/lib/docker) is refused" {
	dk_run hardshim -v /var:/x -- true
	assert_refused_like "$(printf '%q' "host path /var as a volume (docker -v /var:..., Kubernetes hostPath; it holds /var/lib/")*$(printf '%q' ") is refused by policy $(P); ")*"
}

@test "detect: the Docker API socket as a volume is refused in docker, podman and ctr, also through a symbolic link; under the class it is there, read-only" {
	sock=/var/run/docker.sock
	in_ns test -S "$sock"
	dk_run hardshim -v "$sock:/var/run/docker.sock" -- true
	assert_refused "$(msg_docker_sock "$sock")"
	pm_run "$WRAPPER" -v "$sock:/var/run/docker.sock" -- true
	assert_refused "$(msg_docker_sock "$sock")"
	ctr_run "$WRAPPER" --mount "type=bind,src=$sock,dst=/var/run/docker.sock,options=rbind:rw" -- true
	assert_refused "$(msg_docker_sock "$sock")"
	# By identity, not by name: a link elsewhere to the same socket.
	ln -s "$sock" "$T/innocent.sock"
	dk_run hardshim -v "$T/innocent.sock:/var/run/docker.sock" -- true
	assert_refused "Docker API socket $T/innocent.sock (which is $sock) as a volume (docker -v $T/innocent.sock:..., Kubernetes hostPath) is refused by policy $(P); allow it for a class with \"allow\": {\"binds\": [{\"source\": \"$T/innocent.sock\"}]}"

	inside='test -S /var/run/docker.sock && echo socket-there
awk "\$5 == \"/var/run/docker.sock\" { print \"mount-options=\" \$6 }" /proc/self/mountinfo'
	dk_run hardshim-ci -v "$sock:/var/run/docker.sock" -- sh -c "$CLASS_PROBE
$inside"
	assert_ran
	assert_class "$CI_OWNER"
	assert_line_exact socket-there "$T/out"
	grep -qE '^mount-options=ro(,|$)' "$T/out"
	pm_run "$WRAPPER_CI" -v "$sock:/var/run/docker.sock" -- sh -c "$inside"
	assert_ran
	assert_line_exact socket-there "$T/out"
	grep -qE '^mount-options=ro(,|$)' "$T/out"
}

@test "detect: containerd's socket as a volume (ctr), and /run, which holds the engines' sockets (docker), are refused" {
	sock=/run/containerd/containerd.sock
	in_ns test -S "$sock"
	ctr_run "$WRAPPER" --mount "type=bind,src=$sock,dst=/run/containerd.sock,options=rbind:rw" -- true
	assert_refused "containerd socket $sock as a volume (docker -v $sock:..., Kubernetes hostPath) is refused by policy $(P); allow it for a class with \"allow\": {\"binds\": [{\"source\": \"$sock\"}]}"
	dk_run hardshim -v /run:/x -- true
	assert_refused_like "$(printf '%q' "host path /run as a volume (docker -v /run:..., Kubernetes hostPath; it holds ")*$(printf '%q' ") is refused by policy $(P); allow it for a class with \"allow\": {\"binds\": [{\"source\": \"/run\", \"readonly\": true}]}")"
}

@test "detect, ctr: shared propagation on a volume, or of the rootfs, is refused; no class allows it" {
	mkdir "$T/shared"
	for ann in "" io.hardshim.class=agent; do
		ctr_run "$WRAPPER" ${ann:+--annotation "$ann"} --mount "type=bind,src=$T/shared,dst=/shared,options=rbind:rshared" -- true
		assert_refused "shared mount propagation on /shared (docker -v SRC:DEST:shared, Kubernetes mountPropagation: Bidirectional) is refused by policy $(P); no class can allow it: use rslave (Kubernetes HostToContainer)"
		ctr_run "$WRAPPER" ${ann:+--annotation "$ann"} --rootfs-propagation shared -- true
		assert_refused "shared root propagation (rootfsPropagation \"shared\") is refused by policy $(P); no class can allow it: use rslave"
	done
}

# --- Devices ---------------------------------------------------------------

@test "detect: --device of a block device (--group-add of its group) is refused in docker, podman and ctr; under the class that names it the container reads it; another device stays refused" {
	need_loop
	read_a="dd if=$LOOP_A bs=16 count=1 2>/dev/null; echo"
	dk_run hardshim --device "$LOOP_A" --group-add 6 -- true
	assert_refused "$(msg_device "$LOOP_A")"
	pm_run "$WRAPPER" --device "$LOOP_A" --group-add 6 -- true
	assert_refused "$(msg_device "$LOOP_A")"
	ctr_run "$WRAPPER" --device "$LOOP_A" -- true
	assert_refused "$(msg_device "$LOOP_A")"

	dk_run hardshim-ci --device "$LOOP_A" --group-add 6 -- sh -c "$CLASS_PROBE; $read_a"
	assert_ran
	assert_class "$CI_OWNER"
	assert_line_exact hs-loop-A-marker "$T/out"
	pm_run "$WRAPPER" --annotation io.hardshim.class=agent --device "$LOOP_A" --group-add 6 -- sh -c "$CLASS_PROBE; $read_a"
	assert_ran
	assert_class "$AGENT_OWNER"
	assert_line_exact hs-loop-A-marker "$T/out"
	# The class names device A, not B.
	dk_run hardshim-ci --device "$LOOP_B" --group-add 6 -- true
	assert_refused "$(msg_device "$LOOP_B")"
}

@test "detect: a block device node shipped in a volume or in the image cannot be opened, in a default container and in one whose class allows that device" {
	need_loop
	mkdir "$T/vol"
	mknod -m 0666 "$T/vol/node-a" b 7 "$LOOP_A_MINOR"
	chown "$((HOST_UID0 + CONTAINER_UID)):$((HOST_GID0 + CONTAINER_UID))" "$T/vol/node-a"
	# An image with the same node at /node-a.
	cp -a "$BATS_FILE_TMPDIR/busybox/rootfs" "$T/rootfs"
	mknod -m 0666 "$T/rootfs/node-a" b 7 "$LOOP_A_MINOR"
	tar -C "$T/rootfs" -c . | docker import - hs-devnode >/dev/null
	for node in /vol/node-a /node-a; do
		try="ls -l $node | cut -c1; if dd if=$node bs=16 count=1 2>/dev/null; then echo; echo opened; else echo refused; fi"
		IMAGE=hs-devnode dk_run hardshim -v "$T/vol:/vol" -- sh -c "$try"
		assert_ran
		assert_line_exact b "$T/out"
		assert_line_exact refused "$T/out"
		not grep -q hs-loop-A-marker "$T/out"
		# Device A is allowed to class ci and given with --device: its
		# node in /dev opens; the shipped one does not.
		IMAGE=hs-devnode dk_run hardshim-ci --device "$LOOP_A" --group-add 6 -v "$T/vol:/vol" -- \
			sh -c "dd if=$LOOP_A bs=16 count=1 2>/dev/null; echo; $try"
		assert_ran
		assert_line_exact hs-loop-A-marker "$T/out"
		assert_line_exact b "$T/out"
		assert_line_exact refused "$T/out"
		[ "$(grep -c hs-loop-A-marker "$T/out")" -eq 1 ] || { echo "$node was opened" >&2; false; }
	done
}

# --- Hooks -----------------------------------------------------------------

@test "detect, podman: a hook of --hooks-dir is refused; with a class that lists its program (by annotation and by program name) it runs" {
	: >"$HOOK_LOG"
	pm_run "$WRAPPER" --hooks-dir "$HOOKS_DIR" -- true
	assert_refused "$(msg_hook 'prestart[0]' "$HOOK")"
	[ ! -s "$HOOK_LOG" ]

	pm_run "$WRAPPER" --annotation io.hardshim.class=agent --hooks-dir "$HOOKS_DIR" -- sh -c "$CLASS_PROBE"
	assert_ran
	assert_class "$AGENT_OWNER"
	grep -qF "\"id\":\"$ID\"" "$HOOK_LOG"
	pm_run "$WRAPPER_CI" --hooks-dir "$HOOKS_DIR" -- sh -c "$CLASS_PROBE"
	assert_ran
	assert_class "$CI_OWNER"
	grep -qF "\"id\":\"$ID\"" "$HOOK_LOG"
}

@test "detect, docker: docker's own network hook (libnetwork-setkey) is in every spec and keeps working under the default policy" {
	id=$("$DOCKER_CLI" run -d --runtime=hardshim --network=none "$IMAGE" sleep 60)
	[ "$(docker inspect -f '{{.State.Status}}' "$id")" = running ]
	# docker's spec (containerd's store) had the hook; hardshim kept it.
	moby_ctr containers info "$id" | jq -e '.Spec.hooks.prestart | length == 1
		and .[0].args[0] == "libnetwork-setkey" and (.[0].path | test("^/proc/[0-9]+/exe$"))'
	jq -e '.hooks.prestart | length == 1 and .[0].args[0] == "libnetwork-setkey"' \
		"$CTD_STATE/io.containerd.runtime.v2.task/moby/$id/config.json"
	journal_of "$id" | jq -s -e 'length > 0 and all(.[]; .action != "refused")'
}

# --- cgroupsPath -----------------------------------------------------------

@test "detect, ctr: --cgroup naming an existing cgroup that holds other processes is refused; an empty one, and docker's --cgroup-parent (a cgroup of the container's own below it), are not" {
	ctr_run "$WRAPPER" --cgroup "/$CG" -- true
	assert_refused_like "$(printf '%q' "linux.cgroupsPath \"/$CG\" (docker --cgroup-parent, ctr run --cgroup) names the existing cgroup ")*$(printf '%q' "$CG, which holds 2 processes that are not this container's; it is refused by policy $(P): give the container a cgroup of its own")"
	# The processes stayed where they were, alone.
	for pid in $(cat "$ENGINE_DIR/sleepers"); do alive "$pid"; done
	[ "$(wc -l <"/sys/fs/cgroup/pids/$CG/cgroup.procs")" -eq 2 ]

	ctr_run "$WRAPPER" --cgroup "/$CG-empty" -- true
	assert_ran
	id=$("$DOCKER_CLI" run -d --runtime=hardshim --network=none --cgroup-parent "/$CG" "$IMAGE" sleep 60)
	grep -qx "$(docker inspect -f '{{.State.Pid}}' "$id")" "/sys/fs/cgroup/pids/$CG/$id/cgroup.procs"
}

# --- Repairs ---------------------------------------------------------------

@test "detect, docker: without --pids-limit the container's pids.max is the policy's (4096 built in); --pids-limit 100 stays 100" {
	id=$("$DOCKER_CLI" run -d --runtime=hardshim --network=none "$IMAGE" sleep 60)
	[ "$(cat "/sys/fs/cgroup/pids/docker/$id/pids.max")" = 4096 ]
	journal_of "$id" | jq -s -e 'any(.[]; .measure == "detect" and .path == "/linux/resources/pids/limit" and .after == 4096)'
	id=$("$DOCKER_CLI" run -d --runtime=hardshim --network=none --pids-limit 100 "$IMAGE" sleep 60)
	[ "$(cat "/sys/fs/cgroup/pids/docker/$id/pids.max")" = 100 ]
}

@test "detect, ctr: without a pids limit the container's pids.max is 4096" {
	# Read on the host: the container's cgroup is /NS/ID.
	our_ctr run -d --null-io --runc-binary "$WRAPPER" --runc-root "$ENGINE_DIR/runc" --fifo-dir "$ENGINE_DIR/fifo" \
		"$CTR_IMAGE" pids sleep 60 </dev/null >/dev/null
	[ "$(cat "/sys/fs/cgroup/pids/$CTD_NS/pids/pids.max")" = 4096 ]
}

@test "detect, docker: --oom-score-adj=-1000 runs with 0; --ulimit rtprio=99 runs clamped to 0" {
	dk_run hardshim --oom-score-adj=-1000 -- cat /proc/self/oom_score_adj
	assert_ran
	[ "$(cat "$T/out")" = 0 ]
	journal_of "$ID" | jq -s -e 'any(.[]; .measure == "detect" and .path == "/process/oomScoreAdj" and .before == -1000 and .after == 0)'
	dk_run hardshim --ulimit rtprio=99 -- grep '^Max realtime priority' /proc/self/limits
	assert_ran
	[ "$(tr -s ' ' <"$T/out")" = "Max realtime priority 0 0 " ]
	journal_of "$ID" | jq -s -e 'any(.[]; .measure == "detect" and (.path | startswith("/process/rlimits")))'
}

@test "detect, podman: --ulimit rtprio=99:99 runs clamped to 0" {
	pm_run "$WRAPPER" --ulimit rtprio=99:99 -- grep '^Max realtime priority' /proc/self/limits
	assert_ran
	[ "$(tr -s ' ' <"$T/out")" = "Max realtime priority 0 0 " ]
}

# --- What engines bind for every container --------------------------------

@test "detect, docker: the files docker binds from below /var/lib/docker (hosts, hostname, resolv.conf) and a named volume keep working" {
	id=$("$DOCKER_CLI" run -d --runtime=hardshim --network=none "$IMAGE" sleep 60)
	# docker's sources lie below the state root, /var/lib/docker.
	moby_ctr containers info "$id" | jq -e --arg d "/var/lib/docker/containers/$id/" '[.Spec.mounts[]
		| select(.destination == ("/etc/hosts", "/etc/hostname", "/etc/resolv.conf")) | .source | startswith($d)]
		== [true, true, true]'
	[ "$(docker exec "$id" sh -c 'cat /etc/hostname /etc/hosts /etc/resolv.conf >/dev/null && echo etc-files-ok')" = etc-files-ok ]
	journal_of "$id" | jq -s -e 'length > 0 and all(.[]; .action != "refused")'

	docker volume create hs-vol >/dev/null
	[ "$(docker volume inspect -f '{{.Mountpoint}}' hs-vol)" = /var/lib/docker/volumes/hs-vol/_data ]
	chown "$((HOST_UID0 + CONTAINER_UID)):$((HOST_GID0 + CONTAINER_UID))" "$ENGINE_DIR/data/volumes/hs-vol/_data"
	dk_run hardshim -v hs-vol:/vol -- sh -c 'echo in-volume >/vol/f && cat /vol/f'
	assert_ran
	assert_line_exact in-volume "$T/out"
	dk_run hardshim -v hs-vol:/vol -- cat /vol/f
	assert_ran
	assert_line_exact in-volume "$T/out"
	[ "$(cat "$ENGINE_DIR/data/volumes/hs-vol/_data/f")" = in-volume ]
}

# --- Audit mode ------------------------------------------------------------

@test "detect, docker, audit mode: --net=host starts in the host's network namespace and the journal says would: refused" {
	set_mode audit
	dk_run hardshim --net=host -- readlink /proc/self/ns/net
	assert_ran
	assert_line_exact "$(ns_of net)" "$T/out"
	AUDIT=1 _journal_refused "$(printf '%q' "$(msg_ns network "$MSG_NET_HOW" network)")"
}
