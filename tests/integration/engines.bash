# SPDX-License-Identifier: Apache-2.0
# What the engine files share: docker.bats (dockerd), containerd.bats
# (containerd and ctr) and podman.bats (podman and conmon).  Load it after
# helpers and the workloads:
#
#	load helpers
#	load ../workloads/workloads
#	load engines
#
# A file keeps everything its engine writes (daemon state, image store,
# bundles, sockets, logs, the policy, the journal and the wrapper runtimes)
# in one directory, $ENGINE_DIR, made by engine_prepare in setup_file and
# removed by engine_teardown_file.  Its containers report on themselves
# with PROBE and WRITES; the host compares with assert_probe and
# assert_writes.

# The user and the id mapping hardshim's default policy gives a container.
CONTAINER_UID=65534
USERNS_SIZE=65536

# Where the engines' directories go: a filesystem overlayfs works on, and a
# short path (unix socket paths are limited to 108 bytes).
: "${HS_ENGINE_BASE:=/var/lib/hardshim-tests}"

# cannot_run REASON: every test of the file skips, saying REASON.
cannot_run() {
	echo "$1" >"$BATS_FILE_TMPDIR/skip"
}

# can_run: no reason not to run was recorded.
can_run() {
	[ ! -s "$BATS_FILE_TMPDIR/skip" ]
}

# engine_teardown CMD...: a test's teardown: remove its containers
# (remove_containers, the file's own), then fail when CMD, the engine's
# list of containers, still prints any.
engine_teardown() {
	[ -n "${ENGINE_DIR:-}" ] || return 0
	remove_containers
	local left
	left=$("$@")
	[ -z "$left" ] || { echo "teardown: containers left: $left" >&2; return 1; }
}

# engine_setup: the start of every test's setup: skip with the file's
# reason, if it has one; $T is the test's directory.
engine_setup() {
	can_run || skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	T=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
}

# engine_prepare NAME "TOOL (PACKAGE)"...: what setup_file starts with.
# When the machine cannot run the file (not root, a tool missing, no
# busybox, no hardshim range in /etc/subuid and /etc/subgid) the reason is
# recorded with cannot_run and it returns 0; then `can_run || return 0`.
# Otherwise it exports:
#   HOST_UID0, HOST_GID0  the host ids container ids 0 map to (the range
#                         of the default class's owner `hardshim`)
#   ENGINE_DIR            a new directory $HS_ENGINE_BASE/NAME.XXXXXX
#   HARDSHIM_POLICY       $ENGINE_DIR/policy.json: enforce, this tree's
#                         seccomp profile and Landlock helper, the journal
#   JOURNAL               $ENGINE_DIR/deviations.jsonl
#   WRAPPER, WRAPPER_CRUN $ENGINE_DIR/hardshim, $ENGINE_DIR/hardshim-crun:
#                         the runtimes the engine calls (write_wrapper)
# It fails (returns 1) only when hardshim is not built.
engine_prepare() {
	local name=$1 tool uid0 gid0
	shift
	export ENGINE_DIR=""
	[ "$(id -u)" = 0 ] || { cannot_run "the $name tests need root"; return 0; }
	for tool in "$@"; do
		command -v "${tool%% *}" >/dev/null 2>&1 || { cannot_run "no $tool"; return 0; }
	done
	[ -x /bin/busybox ] || { cannot_run "no /bin/busybox (apt-get install busybox-static)"; return 0; }
	[ -x "$HS" ] || { echo "hardshim not built: $HS" >&2; return 1; }
	if ! uid0=$(host_id 0 2>/dev/null) || ! gid0=$(host_gid 0 2>/dev/null); then
		cannot_run "user hardshim has no 65536 ids in /etc/subuid and /etc/subgid (contrib/subids.sh hardshim 1000000)"
		return 0
	fi
	export HOST_UID0=$uid0 HOST_GID0=$gid0

	mkdir -p "$HS_ENGINE_BASE"
	ENGINE_DIR=$(mktemp -d "$HS_ENGINE_BASE/$name.XXXXXX")
	export JOURNAL=$ENGINE_DIR/deviations.jsonl
	export HARDSHIM_POLICY=$ENGINE_DIR/policy.json
	unset HARDSHIM_RUNTIME
	jq -n --arg j "$JOURNAL" --arg p "$SECCOMP_PROFILE" --arg l "$LANDLOCK_HELPER" \
		'{mode: "enforce", journal: $j, seccomp: {profile: $p}, lsm: {landlock_helper: $l}}' >"$HARDSHIM_POLICY"
	export WRAPPER=$ENGINE_DIR/hardshim WRAPPER_CRUN=$ENGINE_DIR/hardshim-crun
	write_wrapper "$WRAPPER"
	write_wrapper "$WRAPPER_CRUN" "$CRUN"
}

# write_wrapper FILE [RUNTIME]: a runtime for an engine to call: hardshim
# with the policy HARDSHIM_POLICY names now, in front of RUNTIME (default:
# hardshim's own, runc).  podman gives the runtime no environment of its
# own, and containerd's shim gives it containerd's, not the client's.
write_wrapper() {
	{
		echo '#!/bin/sh'
		printf 'HARDSHIM_POLICY=%q\nexport HARDSHIM_POLICY\n' "$HARDSHIM_POLICY"
		if [ -n "${2:-}" ]; then
			printf 'HARDSHIM_RUNTIME=%q\nexport HARDSHIM_RUNTIME\n' "$2"
		else
			echo 'unset HARDSHIM_RUNTIME'
		fi
		printf 'exec %q "$@"\n' "$HS"
	} >"$1"
	chmod 0755 "$1"
}

# need_crun: skip unless crun can run here (crun_ready).
need_crun() {
	local why
	why=$(crun_ready) || skip "$why"
}

# busybox_rootfs: a busybox rootfs (tests/lib/make-bundle.sh) with /data
# for a volume; prints its path.  (runc cannot make a mount point in a
# rootfs that is a plain bind of an overlay mount, host root's, unmapped in
# the container's user namespace; hardshim makes the missing ones, and
# docker.bats checks that apart.)
busybox_rootfs() {
	"$MAKE_BUNDLE" "$BATS_FILE_TMPDIR/busybox" true >/dev/null || return 1
	mkdir -p "$BATS_FILE_TMPDIR/busybox/rootfs/data"
	echo "$BATS_FILE_TMPDIR/busybox/rootfs"
}

# debian_image_start IMPORT-FUNCTION: build the Debian workload rootfs
# (build_workload_rootfs: cached; when the machine cannot build it, the
# workload tests skip saying why) and start IMPORT-FUNCTION, which makes
# the engine's image of $WORKLOAD_ROOTFS, in the background: it takes 15 to
# 30 s, which the other tests of the file overlap.  need_debian waits for it.
# The import is a process group of its own (job control on in the
# subshell that starts it), which debian_image_stop can end as a whole.
debian_image_start() {
	build_workload_rootfs "$BATS_FILE_TMPDIR/skip-debian" || return 1
	[ ! -s "$BATS_FILE_TMPDIR/skip-debian" ] || return 0
	(
		set -m
		("$1"; echo $? >"$ENGINE_DIR/debian-import.status") \
			</dev/null >"$ENGINE_DIR/debian-import.log" 2>&1 3>&- &
		echo $! >"$ENGINE_DIR/debian-import.pid"
	)
}

# debian_image_stop: end the import if it still runs (for teardown_file:
# when the workload tests did not run, nothing waited for it).
debian_image_stop() {
	local f=$ENGINE_DIR/debian-import pgid
	[ -s "$f.pid" ] && [ ! -s "$f.status" ] || return 0
	pgid=$(cat "$f.pid")
	kill -TERM -- "-$pgid" 2>/dev/null || return 0
	wait_for 10 not kill -0 -- "-$pgid" || kill -KILL -- "-$pgid" 2>/dev/null || true
}

# debian_image_wait: wait (up to 5 minutes) for the import to end; fail,
# with its log, if it failed.
debian_image_wait() {
	local f=$ENGINE_DIR/debian-import
	[ -s "$f.pid" ] || return 0
	wait_for 300 test -s "$f.status" || { echo "the Debian image import did not end in 5 minutes" >&2; return 1; }
	[ "$(cat "$f.status")" = 0 ] || { echo "the Debian image import failed:" >&2; cat "$f.log" >&2; return 1; }
}

# need_debian: skip unless the Debian workload image could be made; wait
# until it is.
need_debian() {
	if [ -s "$BATS_FILE_TMPDIR/skip-debian" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip-debian")"
	fi
	debian_image_wait
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
# $ENGINE_DIR/NAME.log, pid in $ENGINE_DIR/NAME.pid.  fd 3 is closed, or
# bats would wait for the daemon to end.
start_daemon() {
	local name=$1
	shift
	"$@" </dev/null >"$ENGINE_DIR/$name.log" 2>&1 3>&- &
	echo $! >"$ENGINE_DIR/$name.pid"
}

# daemon_ready NAME SECONDS CMD...: wait until CMD succeeds; if it does not
# (or the daemon died), print the daemon's log and fail.
daemon_ready() {
	local name=$1 secs=$2 pid
	shift 2
	pid=$(cat "$ENGINE_DIR/$name.pid")
	local n=$((secs * 5))
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		if [ "$n" -le 0 ] || ! alive "$pid"; then
			echo "$name did not come up within $secs s (pid $pid); its log:" >&2
			tail -n 40 "$ENGINE_DIR/$name.log" >&2
			return 1
		fi
		sleep 0.2
	done
}

# stop_daemon NAME: SIGTERM, up to 30 s for it to end, then SIGKILL.
stop_daemon() {
	local f=$ENGINE_DIR/$1.pid pid
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

# image_archive ROOTFS DIR NAME USER [ENTRYPOINT...]: on stdout, a
# docker-archive (what `docker save` writes) of one image NAME whose only
# layer is the tar of ROOTFS and whose config asks for USER ("" for the
# default, root) and, if given, ENTRYPOINT; DIR holds the layer meanwhile.
# `ctr image import -` takes it.
image_archive() {
	local rootfs=$1 w=$2 name=$3 user=$4 diff
	shift 4
	mkdir -p "$w"
	diff=$(tar -C "$rootfs" -c . | tee "$w/layer.tar" | sha256sum | cut -d' ' -f1) || return 1
	jq -n --arg d "sha256:$diff" --arg u "$user" --arg a "$(dpkg --print-architecture)" \
		--args '{
		architecture: $a, os: "linux", rootfs: {type: "layers", diff_ids: [$d]},
		config: ({User: $u, Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
			+ if $ARGS.positional == [] then {} else {Entrypoint: $ARGS.positional} end)}' "$@" >"$w/config.json"
	jq -n --arg n "$name" '[{Config: "config.json", RepoTags: [$n], Layers: ["layer.tar"]}]' >"$w/manifest.json"
	tar -C "$w" -c manifest.json config.json layer.tar
}

# import_image ROOTFS NAME USER [ENTRYPOINT...]: image_archive into the
# file's containerd (our_ctr, the file's own: ctr on its socket and in its
# namespace).
import_image() {
	local w
	w=$(mktemp -d "$ENGINE_DIR/image.XXXXXX")
	image_archive "$1" "$w" "$2" "$3" "${@:4}" | our_ctr image import - >/dev/null
	local s=("${PIPESTATUS[@]}")
	rm -rf "$w"
	[ "${s[0]}" -eq 0 ] && [ "${s[1]}" -eq 0 ]
}

# start_containerd [CRI-CONFIG]: a containerd of the file's own (root,
# state, socket, `opt` in $ENGINE_DIR), so that the machine's containerd,
# if any, is left alone.  Without CRI-CONFIG its CRI plugin is disabled;
# with it, CRI-CONFIG (TOML, config version 2) is the rest of the
# configuration, the CRI plugin's tables.  Exports CTD_SOCK, its socket,
# and CTD_STATE, its state directory (the bundles are
# CTD_STATE/io.containerd.runtime.v2.task/NS/ID).
start_containerd() {
	export CTD_SOCK=$ENGINE_DIR/containerd.sock CTD_STATE=$ENGINE_DIR/state
	local disabled='disabled_plugins = ["io.containerd.grpc.v1.cri"]'
	[ -z "${1:-}" ] || disabled=""
	cat >"$ENGINE_DIR/containerd.toml" <<-EOF
		version = 2
		root = "$ENGINE_DIR/containerd"
		state = "$CTD_STATE"
		$disabled
		[grpc]
		  address = "$CTD_SOCK"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$ENGINE_DIR/containerd/opt"
		${1:-}
	EOF
	start_daemon containerd containerd --config "$ENGINE_DIR/containerd.toml"
	daemon_ready containerd 30 ctr --address "$CTD_SOCK" version
}

# The client of the docker.io package, which matches its dockerd (another
# docker may come first on PATH).
DOCKER_CLI=/usr/bin/docker
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=$(command -v docker || echo docker)

docker() {
	"$DOCKER_CLI" "$@"
}

# runc's root for the containers of our dockerd (start_dockerd): dockerd
# 20.10 gives the shim `root: <exec-root>/runtime-runc` (whatever the
# runtime's name, see the bundle's options.json) and the shim adds the
# namespace.
runc_root() {
	echo "$ENGINE_DIR/exec/runtime-runc/moby"
}

# Containers runc still knows in our dockerd's root.
runc_containers() {
	"$RUNC" --root "$(runc_root)" list -q 2>/dev/null || true
}

# start_dockerd RUNTIMES: a dockerd of our own (its data-root, exec-root,
# socket, pidfile, daemon.json and log in $ENGINE_DIR; no iptables, no
# bridge), on a containerd of our own (start_containerd).  RUNTIMES (JSON)
# is daemon.json's `runtimes`, e.g. {"hardshim": {"path": "/…/hardshim"}};
# the runtimes inherit this shell's environment (HARDSHIM_POLICY…) through
# containerd and the shim.  Exports DOCKER_HOST; fails, with dockerd's log,
# when it does not come up with RUNTIMES registered.
start_dockerd() {
	export DOCKER_HOST=unix://$ENGINE_DIR/docker.sock
	jq -n --argjson r "$1" '{runtimes: $r}' >"$ENGINE_DIR/daemon.json" || return 1
	# A containerd of our own: dockerd only starts one itself when
	# /run/containerd/containerd.sock does not exist; on a machine where
	# the system's containerd runs (apt-get install docker.io on a systemd
	# machine) it would use that one, whose environment - not ours - the
	# runtime inherits, and share its `moby` namespace with the system's
	# dockerd.
	start_containerd "" || return 1 # without the CRI plugin
	start_daemon dockerd dockerd --iptables=false --bridge=none \
		--config-file "$ENGINE_DIR/daemon.json" --host "$DOCKER_HOST" \
		--containerd "$CTD_SOCK" \
		--pidfile "$ENGINE_DIR/dockerd.pidfile" --exec-root "$ENGINE_DIR/exec" \
		--data-root "$ENGINE_DIR/data"
	daemon_ready dockerd 60 docker info || return 1
	docker info --format '{{json .Runtimes}}' |
		jq -e --argjson r "$1" '. as $have | $r | to_entries | all(.value.path == $have[.key].path)' >/dev/null || {
		echo "dockerd did not register the runtimes $1:" >&2
		docker info >&2
		return 1
	}
}

# docker_import ROOTFS NAME: an image NAME of our dockerd whose only layer
# is the tar of ROOTFS (no registry).
docker_import() {
	tar -C "$1" -c . | docker import - "$2" >/dev/null
}

# remove_docker_containers: every container of our dockerd removed;
# whatever docker could not remove, runc kills and deletes.  Nothing
# unless DOCKER_HOST is our dockerd's (start_dockerd): never the system's.
remove_docker_containers() {
	local -a ids
	local id
	[ "${DOCKER_HOST:-}" = "unix://$ENGINE_DIR/docker.sock" ] || return 0
	mapfile -t ids < <(docker ps -aq 2>/dev/null)
	[ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
	for id in $(runc_containers); do
		"$RUNC" --root "$(runc_root)" kill "$id" KILL >/dev/null 2>&1 || true
		"$RUNC" --root "$(runc_root)" delete --force "$id" >/dev/null 2>&1 || true
	done
}

# stop_dockerd: after start_dockerd (or a part of it), its containers
# removed, dockerd and containerd stopped, docker's cgroup removed if
# empty.  engine_teardown_file then removes the rest.
stop_dockerd() {
	remove_docker_containers
	stop_daemon dockerd
	stop_daemon containerd
	remove_cgroup docker
}

# Processes whose command line names $ENGINE_DIR: the daemons, shims,
# conmons and imports of this file.
our_processes() {
	local p
	for p in /proc/[0-9]*; do
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$ENGINE_DIR/" && echo "${p#/proc/}"
	done
	return 0
}

# Mount points at or under $ENGINE_DIR, deepest first.
our_mounts() {
	awk -v d="$ENGINE_DIR" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# remove_cgroup PATH: the cgroup PATH (relative to each hierarchy's root)
# that an engine made for its containers, if it is empty.
remove_cgroup() {
	local d
	for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null || true
	done
}

# engine_teardown_file: after the file's containers are gone and its
# daemons stopped, kill whatever process of $ENGINE_DIR is left (and say
# so), unmount what is mounted there and remove it; fails if something was
# left behind.
engine_teardown_file() {
	local -a left
	local m
	mapfile -t left < <(our_processes)
	if [ "${#left[@]}" -gt 0 ]; then
		echo "teardown: processes left behind:" >&2
		ps -o pid,args -p "$(IFS=,; echo "${left[*]}")" >&2 || true
		kill -KILL "${left[@]}" 2>/dev/null || true
	fi
	for m in $(our_mounts); do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	if [ -n "$(our_mounts)" ]; then
		echo "teardown: mounts left under $ENGINE_DIR, not removing it:" >&2
		our_mounts >&2
		return 1
	fi
	rm -rf --one-file-system "$ENGINE_DIR"
	[ "${#left[@]}" -eq 0 ]
}

# journal_of ID: the journal's records for container ID, one per line.
journal_of() {
	jq -c --arg id "$1" 'select(.id == $id)' "$JOURNAL"
}

# assert_journaled ID BUNDLE: hardshim hardened container ID's `create`
# with the policy of this file (the journal's path is only in that policy),
# in the engine's bundle BUNDLE.
assert_journaled() {
	journal_of "$1" | jq -s -e --arg b "$2" \
		'length > 0 and any(.[]; .command == "create" and .bundle == $b)' >/dev/null || {
		echo "no create record for $1 (bundle $2) in $JOURNAL:" >&2
		tail -n 5 "$JOURNAL" >&2
		return 1
	}
}

# assert_exec_journaled ID N: the journal has hardshim's rewrites of N
# `exec` process files of container ID: uid 0 made 65534, the command put
# behind the Landlock helper.  (The capabilities and NoNewPrivs are
# recorded only where the engine's process file differed.)
assert_exec_journaled() {
	journal_of "$1" | jq -s -e --argjson n "$2" '[.[] | select(.command == "exec")] | group_by(.file)
		| map(select(any(.[]; .path == "/user/uid" and .before == 0 and .after == 65534)
			and any(.[]; .measure == "lsm" and .path == "/args" and .after[0] == "/dev/.hardshim/landlock")))
		| length >= $n' >/dev/null || {
		echo "fewer than $2 exec process files of $1 hardened in $JOURNAL:" >&2
		journal_of "$1" | jq -c 'select(.command == "exec") | [.file, .path, .action, .before, .after]' >&2
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

# Writes beneath /etc and /home (volumes the container's user owns,
# from make_volumes) against /tmp and a volume at /data: each line says
# "ok" or the error.  New names each time, so that the same container can
# run it again.
WRITES='try() { what=$1; shift; if err=$(sh -c "$*" 2>&1); then echo "$what: ok"; else echo "$what: ${err##*: }"; fi; }
try etc-vol "mkdir /etc/vol/d.$$"
try home-u "touch /home/u/f.$$"
try tmp "touch /tmp/f.$$"
try data "touch /data/f.$$"'

# PROBE and WRITES in one script.
INSIDE="$PROBE
$WRITES"

# make_volumes: $T/etc-vol, $T/home-u and $T/data, owned on the host by
# the container's user (so that only hardshim's read-only mount and
# Landlock rule stop a write), mounted at /etc/vol, /home/u and /data by VOLUMES (docker and
# podman's -v) or CTR_VOLUMES (ctr's --mount).
make_volumes() {
	local v
	VOLUMES=() CTR_VOLUMES=()
	for v in etc-vol:/etc/vol home-u:/home/u data:/data; do
		mkdir "$T/${v%%:*}"
		chown "$((HOST_UID0 + CONTAINER_UID)):$((HOST_GID0 + CONTAINER_UID))" "$T/${v%%:*}"
		VOLUMES+=(-v "$T/$v")
		CTR_VOLUMES+=(--mount "type=bind,src=$T/${v%%:*},dst=${v#*:},options=rbind:rw")
	done
}

# assert_writes FILE: WRITES's output (in FILE, with other lines): the
# writes beneath /etc and /home were denied (EROFS: hardshim makes every
# mount beneath a denied path read-only, which stops chmod, chown and
# utimes too; the Landlock helper stands behind it), those to /tmp and
# /data worked; nothing reached the host's etc-vol and home-u.
assert_writes() {
	assert_line_exact "etc-vol: Read-only file system" "$1"
	assert_line_exact "home-u: Read-only file system" "$1"
	assert_line_exact "tmp: ok" "$1"
	assert_line_exact "data: ok" "$1"
	[ -z "$(find "$T/etc-vol" "$T/home-u" -mindepth 1)" ] || {
		echo "written beneath /etc or /home:" >&2
		find "$T/etc-vol" "$T/home-u" -mindepth 1 >&2
		return 1
	}
	[ -n "$(find "$T/data" -mindepth 1)" ]
}

# assert_inside FILE: INSIDE's output in FILE shows the hardening.
assert_inside() {
	assert_probe "$1"
	assert_writes "$1"
}

# compare_runs RUN RUNTIME PLAIN ARGS...: `RUN RUNTIME ARGS` and then
# `RUN PLAIN ARGS` (RUN: the file's function that starts a container with
# a runtime, output in $T/out and $T/err, status in $status) both succeed
# and print the same on stdout and on stderr: hardshim adds nothing when
# it lets a container start.  The first run's output stays in $T/hs.out
# and $T/hs.err.
compare_runs() {
	local run=$1 rt=$2 plain=$3
	shift 3
	"$run" "$rt" "$@" >/dev/null
	[ "$status" -eq 0 ] || { echo "through $rt: status $status" >&2; cat "$T/err" >&2; return 1; }
	mv "$T/out" "$T/hs.out" && mv "$T/err" "$T/hs.err"
	"$run" "$plain" "$@" >/dev/null
	[ "$status" -eq 0 ] || { echo "through $plain: status $status" >&2; cat "$T/err" >&2; return 1; }
	diff "$T/out" "$T/hs.out" && diff "$T/err" "$T/hs.err"
}

# assert_quiet RUN RUNTIME PLAIN ARGS...: compare_runs for `ARGS true`
# (nothing on stdout or stderr) and for a command that writes a line to
# each; the journal shows that hardshim started the two containers of
# RUNTIME (each create records the rootfs it moved).
assert_quiet() {
	local before=0
	[ ! -e "$JOURNAL" ] || before=$(wc -l <"$JOURNAL")
	compare_runs "$@" true
	[ ! -s "$T/hs.out" ] && [ ! -s "$T/hs.err" ] || { cat "$T/hs.out" "$T/hs.err" >&2; return 1; }
	compare_runs "$@" sh -c 'echo to-stdout; echo to-stderr >&2'
	echo to-stdout | diff - "$T/hs.out"
	echo to-stderr | diff - "$T/hs.err"
	tail -n +$((before + 1)) "$JOURNAL" | jq -s -e \
		'map(select(.command == "create" and .path == "/root/path")) | length == 2' >/dev/null || {
		echo "the journal does not have the two containers started through $2" >&2
		return 1
	}
}

# remove_ctr_tasks: every task of our containerd (our_ctr) killed and
# deleted, then every container deleted.
remove_ctr_tasks() {
	local id
	for id in $(our_ctr task ls -q 2>/dev/null); do
		our_ctr task kill -s KILL "$id" >/dev/null 2>&1 || true
		our_ctr task delete --force "$id" >/dev/null 2>&1 || true
	done
	for id in $(our_ctr containers ls -q 2>/dev/null); do
		our_ctr containers delete "$id" >/dev/null 2>&1 || true
	done
}

# podman_storage_conf: podman's storage of this file, in $ENGINE_DIR
# (CONTAINERS_STORAGE_CONF; CONTAINERS_CONF is the caller's to write).
podman_storage_conf() {
	export CONTAINERS_STORAGE_CONF=$ENGINE_DIR/storage.conf CONTAINERS_CONF=$ENGINE_DIR/containers.conf
	cat >"$CONTAINERS_STORAGE_CONF" <<-EOF
		[storage]
		driver = "overlay"
		graphroot = "$ENGINE_DIR/storage"
		runroot = "$ENGINE_DIR/run"
	EOF
}
