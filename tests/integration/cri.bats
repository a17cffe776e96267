#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Pods through containerd's CRI plugin (containerd 1.6), as Kubernetes runs
# them: a containerd of this file's own with the CRI plugin and two runtime
# handlers, `runc` (plain runc) and `hardshim` (runtime_type
# io.containerd.runc.v2 with options.BinaryName the engines.bash wrapper,
# what a RuntimeClass selects), driven by tests/cri/cri.py, a small CRI
# client that asks what the kubelet asks: RunPodSandbox (network and IPC
# namespaces of the pod, pid per container or, with shareProcessNamespace,
# the pod's), CreateContainer, StartContainer, ExecSync, the teardown.
#
# What the machine needs, set up here: the pod's network is a CNI
# configuration whose only plugin, tests/cri/noop-cni, configures nothing
# and reports an `eth0` with an address in 127.0.0.0/8 (containerd 1.6's
# CRI wants one), so that the pod keeps the loopback of its new network
# namespace alone; the pause image is tests/cri/pause.c built static; root
# here lacks CAP_SYS_RESOURCE, so restrict_oom_score_adj (the sandbox asks
# for -998 otherwise, and runc fails with "can't get final child's PID
# from pipe"); declaring any runtime drops the built-in `runc`, so it is
# declared too.  Each pod's containers are checked from inside with
# ExecSync (engines.bash's PROBE and WRITES) and against the host.
#
# The `hardshim` handler tests are issue 14's: they fail until hardshim
# starts a pod (today RunPodSandbox fails mounting sysfs in the sandbox's
# new user namespace, which does not own the pod's network namespace).

load helpers
load engines

PAUSE=localhost/hs-pause:latest
BUSYBOX=localhost/hs-busybox:latest
BUSYBOX_U70000=localhost/hs-busybox-u70000:latest
PYTHON=/usr/bin/python3
CRI_DIR=$HS_SRCDIR/tests/cri
# The CRI plugin keeps its images and containers in this namespace.
CTD_NS=k8s.io

# our_ctr ARGS...: ctr on this file's containerd, in the CRI's namespace.
our_ctr() {
	ctr --address "$CTD_SOCK" --namespace "$CTD_NS" "$@"
}

# cri ARGS...: tests/cri/cri.py on this file's containerd, bounded in time.
cri() {
	timeout -k 5 180 "$PYTHON" "$CRI_DIR/cri.py" --socket "$CTD_SOCK" "$@"
}

# cri_config: the CRI plugin's configuration (start_containerd).
cri_config() {
	local p='plugins."io.containerd.grpc.v1.cri"'
	cat <<-EOF
		[$p]
		  sandbox_image = "$PAUSE"
		  restrict_oom_score_adj = true
		  netns_mounts_under_state_dir = true
		  stream_server_address = "127.0.0.1"
		  stream_server_port = "0"
		  [$p.cni]
		    bin_dir = "$ENGINE_DIR/cni/bin"
		    conf_dir = "$ENGINE_DIR/cni/conf"
		  [$p.containerd]
		    default_runtime_name = "runc"
	EOF
	cat <<-EOF
		    [$p.containerd.runtimes.runc]
		      runtime_type = "io.containerd.runc.v2"
		      [$p.containerd.runtimes.runc.options]
		        BinaryName = "$RUNC"
		        Root = "$ENGINE_DIR/runc"
	EOF
	# The handler `hardshim` as contrib/kubernetes ships it, with this
	# file's hardshim and runc root.
	sed -n '/^\[plugins\./,$p' "$HS_SRCDIR/contrib/kubernetes/containerd-hardshim.toml" |
		sed -e "s|BinaryName = \"/usr/bin/hardshim\"|BinaryName = \"$WRAPPER\"\n    Root = \"$ENGINE_DIR/runc\"|"
}

# cni_setup: the CNI bin and conf directories: the standard loopback
# plugin (containerd's CRI always runs it) and noop-cni, the only network.
cni_setup() {
	mkdir -p "$ENGINE_DIR/cni/bin" "$ENGINE_DIR/cni/conf"
	ln -s /usr/lib/cni/loopback "$ENGINE_DIR/cni/bin/loopback"
	cp "$CRI_DIR/noop-cni" "$ENGINE_DIR/cni/bin/noop"
	jq -n '{cniVersion: "1.0.0", name: "hardshim-test", plugins: [{type: "noop"}]}' \
		>"$ENGINE_DIR/cni/conf/10-hardshim-test.conflist"
}

# pause_rootfs: a rootfs with tests/cri/pause.c built static at /pause;
# prints its path.
pause_rootfs() {
	local r=$BATS_FILE_TMPDIR/pause
	mkdir -p "$r"
	gcc -static -Os -o "$r/pause" "$CRI_DIR/pause.c" >&2 || return 1
	echo "$r"
}

setup_file() {
	engine_prepare cri "containerd (apt-get install containerd)" "ctr (apt-get install containerd)" \
		"containerd-shim-runc-v2 (apt-get install containerd)" "gcc (apt-get install build-essential)" || return 1
	can_run || return 0
	# The cgroup parent of every pod (the kubelet's kubepods): one of this
	# run's own.
	export CGROUP_PARENT=/hardshim-cri-${ENGINE_DIR##*.}
	if ! "$PYTHON" -c 'import grpc' 2>/dev/null; then
		cannot_run "no grpc module for $PYTHON (apt-get install python3-grpcio)"
		return 0
	fi
	if [ ! -x /usr/lib/cni/loopback ]; then
		cannot_run "no CNI loopback plugin (apt-get install containernetworking-plugins)"
		return 0
	fi
	local pause busybox
	if ! pause=$(pause_rootfs); then
		cannot_run "gcc -static cannot build the pause program (apt-get install build-essential)"
		return 0
	fi
	cni_setup
	start_containerd "$(cri_config)" || return 1
	daemon_ready containerd 30 cri version || return 1
	busybox=$(busybox_rootfs) || return 1
	import_image "$pause" "$PAUSE" "" /pause || return 1
	import_image "$busybox" "$BUSYBOX" "" || return 1
	import_image "$busybox" "$BUSYBOX_U70000" 70000:70000
}

# The root runc keeps the pods' containers' state in: the handlers' Root
# plus the namespace (the shim adds it).
runtime_root() {
	echo "$ENGINE_DIR/runc/$CTD_NS"
}

# The network namespaces CRI makes (netns_mounts_under_state_dir).
netns_dir() {
	echo "$CTD_STATE/io.containerd.grpc.v1.cri/netns"
}

# remove_containers: every container and pod stopped and removed through
# CRI, then whatever containerd or runc still holds deleted by them.
remove_containers() {
	local id d
	for id in $(cri containers 2>/dev/null); do
		cri stop --grace 0 "$id" >/dev/null 2>&1 || true
		cri remove "$id" >/dev/null 2>&1 || true
	done
	for id in $(cri pods 2>/dev/null); do
		cri stop-pod "$id" >/dev/null 2>&1 || true
		cri remove-pod "$id" >/dev/null 2>&1 || true
	done
	remove_ctr_tasks
	for d in "$(runtime_root)"/*; do
		[ -e "$d" ] || continue
		"$RUNC" --root "$(runtime_root)" delete --force "${d##*/}" >/dev/null 2>&1 || true
	done
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	remove_containers
	stop_daemon containerd
	remove_cgroup "$CGROUP_PARENT"
	engine_teardown_file
}

setup() {
	engine_setup
}

# cri_left: what CRI, containerd and runc still hold, and the pods'
# network namespaces and cgroups left.
cri_left() {
	cri pods
	cri containers
	our_ctr containers ls -q
	ls "$(runtime_root)" 2>/dev/null
	ls "$(netns_dir)" 2>/dev/null
	find /sys/fs/cgroup/*"$CGROUP_PARENT" "/sys/fs/cgroup$CGROUP_PARENT" -mindepth 1 -type d 2>/dev/null
	return 0
}

teardown() {
	can_run || return 0
	engine_teardown cri_left
}

# run_pod NAME HANDLER [--share-pid]: RunPodSandbox of pod NAME with the
# runtime handler HANDLER, the namespaces as the kubelet asks (--share-pid:
# shareProcessNamespace); the sandbox id in $POD, the pod's options (which
# CreateContainer repeats) in POD_OPTS.  CRI's error in $T/err.
run_pod() {
	local name=$1 handler=$2
	shift 2
	mkdir -p "$ENGINE_DIR/logs/$name"
	POD_OPTS=(--name "$name" --cgroup-parent "$CGROUP_PARENT" --log-dir "$ENGINE_DIR/logs/$name" "$@")
	POD=$(cri run-pod "${POD_OPTS[@]}" "$handler" 2>"$T/err") || { cat "$T/err" >&2; return 1; }
}

# create_app NAME IMAGE [CREATE-OPTIONS...] -- CMD...: CreateContainer of
# NAME in pod $POD; its id in $APP.  CRI's error in $T/err.
create_app() {
	local name=$1 image=$2 opts=()
	shift 2
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	APP=$(cri create "${POD_OPTS[@]}" "${opts[@]}" "$POD" "$name" "$image" "$@" 2>"$T/err") || {
		cat "$T/err" >&2
		return 1
	}
}

# start_app NAME IMAGE [CREATE-OPTIONS...] -- CMD...: create_app and
# StartContainer.
start_app() {
	create_app "$@" || return 1
	cri start "$APP" 2>"$T/err" || { cat "$T/err" >&2; return 1; }
}

# app_log NAME: the lines container NAME of pod $POD wrote, without CRI's
# "TIME STREAM TAG " prefix.
app_log() {
	sed -E 's/^[^ ]+ (stdout|stderr) [FP] //' "$ENGINE_DIR/logs/${POD_OPTS[1]}/$1.log"
}

# sandbox_pid, app_pid ID: the sandbox's (of $POD) and container ID's
# process, as the host sees it (containerd's verbose status).
sandbox_pid() {
	cri pod-status "$POD" | jq -r .info.pid
}

app_pid() {
	cri status "$1" | jq -r .info.pid
}

# bundle_of ID: the bundle containerd's runc shim gives the runtime.
bundle_of() {
	echo "$CTD_STATE/io.containerd.runtime.v2.task/$CTD_NS/$1"
}

# ns_of PID NS...: the namespaces NS of process PID, one "NS:[INODE]" a line.
ns_of() {
	local pid=$1 ns
	shift
	for ns in "$@"; do
		readlink "/proc/$pid/ns/$ns"
	done
}

# assert_pod_namespaces [--share-pid]: the app container $APP (running)
# is in the sandbox's network, IPC and UTS namespaces, as ExecSync in it
# and the host see it; its pid namespace is its own (the sandbox's with
# --share-pid).
assert_pod_namespaces() {
	local spid apid
	spid=$(sandbox_pid)
	apid=$(app_pid "$APP")
	[ -n "$spid" ] && [ "$spid" != null ] && [ -n "$apid" ] && [ "$apid" != null ]
	# The pod's network namespace is not the host's.
	[ "$(readlink "/proc/$spid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	cri exec "$APP" -- sh -c 'for ns in net ipc uts; do readlink /proc/self/ns/$ns; done' >"$T/inside"
	ns_of "$spid" net ipc uts | diff - "$T/inside"
	ns_of "$apid" net ipc uts | diff - "$T/inside"
	if [ "${1:-}" = --share-pid ]; then
		[ "$(readlink "/proc/$apid/ns/pid")" = "$(readlink "/proc/$spid/ns/pid")" ]
		# The sandbox's pause is the pod's pid 1.
		[ "$(cri exec "$APP" -- cat /proc/1/cmdline | tr '\0' ' ')" = "/pause " ]
	else
		[ "$(readlink "/proc/$apid/ns/pid")" != "$(readlink "/proc/$spid/ns/pid")" ]
		[ "$(cri exec "$APP" -- cat /proc/1/cmdline | tr '\0' ' ')" = "sleep 3600 " ]
	fi
	# The pod's network: its loopback and nothing else (noop-cni).
	cri exec "$APP" -- cat /proc/net/dev | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' >"$T/links"
	echo lo | diff - "$T/links"
}

# remove_pod: StopContainer, RemoveContainer of $APP (if set), then
# StopPodSandbox and RemovePodSandbox of $POD; then CRI, containerd and
# runc hold nothing, and the pod's network namespace, bundles and cgroups
# are gone.
remove_pod() {
	if [ -n "${APP:-}" ]; then
		cri stop --grace 1 "$APP"
		cri remove "$APP"
	fi
	cri stop-pod "$POD"
	cri remove-pod "$POD"
	[ -z "$(cri_left)" ] || { cri_left >&2; return 1; }
	[ ! -e "$(bundle_of "$POD")" ]
	[ -z "${APP:-}" ] || [ ! -e "$(bundle_of "$APP")" ]
}

@test "cri, runc handler: RunPodSandbox, CreateContainer and StartContainer of busybox running sleep; ExecSync reports stdout, stderr and the exit status; the app is in the pod's network, IPC and UTS namespaces and a pid namespace of its own; the teardown leaves nothing" {
	run_pod plain runc
	start_app app "$BUSYBOX" -- sleep 3600
	cri status "$APP" | jq -e '.state == "RUNNING"'
	cri pod-status "$POD" | jq -e '.state == "READY" and .handler == "runc"'
	status=0
	cri exec "$APP" -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 3' >"$T/out" 2>"$T/err" || status=$?
	[ "$status" -eq 3 ]
	echo to-stdout | diff - "$T/out"
	echo to-stderr | diff - "$T/err"
	assert_pod_namespaces
	# What Kubernetes users get without hardshim: root with capabilities
	# in the host's user namespace, no seccomp filter, a writable root.
	cri exec "$APP" -- sh -c "$PROBE" >"$T/probe"
	assert_line_exact "id-u=0" "$T/probe"
	assert_line_exact "uid_map=0 0 4294967295" "$T/probe"
	assert_line_exact "Seccomp:${TAB}0" "$T/probe"
	cri exec "$APP" -- touch /probe
	# The network namespace CRI made is below this file's state directory.
	[ "$(ls "$(netns_dir)" | wc -l)" -eq 1 ]
	remove_pod
}

@test "cri, runc handler, shareProcessNamespace: the app is in the sandbox's pid namespace, where pause is pid 1" {
	run_pod shared runc --share-pid
	start_app app "$BUSYBOX" -- sleep 3600
	assert_pod_namespaces --share-pid
	remove_pod
}

# With HS_CRI_SPECS=DIR, this test copies the two specs to
# DIR/cri-sandbox.json and DIR/cri-container.json (how
# tests/data/specs/cri-*.json were made).
@test "cri, runc handler: the specs containerd writes for a sandbox and for an app container join the pod's namespaces by path" {
	run_pod specs runc
	start_app app "$BUSYBOX" -- sleep 3600
	spid=$(sandbox_pid)
	if [ -n "${HS_CRI_SPECS:-}" ]; then
		cp "$(bundle_of "$POD")/config.json" "$HS_CRI_SPECS/cri-sandbox.json"
		cp "$(bundle_of "$APP")/config.json" "$HS_CRI_SPECS/cri-container.json"
	fi
	# The sandbox: the network namespace CRI made, by path; new pid, IPC,
	# UTS and mount namespaces; no user namespace.
	jq -e --arg n "$(netns_dir)/" '.linux.namespaces
		| (map(select(.type == "network"))[0].path | startswith($n))
		and (map(select(.type != "network")) | all(has("path") | not))
		and (map(.type) | sort == ["ipc", "mount", "network", "pid", "uts"])' "$(bundle_of "$POD")/config.json"
	# The app: the sandbox's network, IPC and UTS namespaces by
	# /proc/PID/ns path; pid and mount namespaces of its own.
	jq -e --arg p "/proc/$spid/ns/" '.linux.namespaces
		| (map(select(.type == "network" or .type == "ipc" or .type == "uts")) | length == 3 and
			all(.path == $p + (if .type == "network" then "net" else .type end)))
		and (map(select(.type == "pid" or .type == "mount")) | length == 2 and all(has("path") | not))
		and (map(.type) | sort == ["ipc", "mount", "network", "pid", "uts"])' "$(bundle_of "$APP")/config.json"
	remove_pod
}

@test "cri, hardshim handler (issue 14): a pod starts; inside its app container the init and ExecSync are hardened as under docker run: uid_map of the class range, uid 65534, no capabilities, NoNewPrivs, seccomp, writes beneath /etc and /home denied; the teardown leaves nothing" {
	make_volumes
	run_pod hardened hardshim
	# The sandbox's pause, seen from the host: in the class's user namespace.
	spid=$(sandbox_pid)
	echo "0 $HOST_UID0 $USERNS_SIZE" | diff - <(awk '{ print $1, $2, $3 }' "/proc/$spid/uid_map")
	start_app app "$BUSYBOX" --mount "$T/etc-vol:/etc/vol" --mount "$T/home-u:/home/u" \
		--mount "$T/data:/data" -- sh -c "$INSIDE; echo init-done; exec sleep 3600"
	wait_for 10 grep -q init-done "$ENGINE_DIR/logs/hardened/app.log"
	app_log app >"$T/init"
	assert_inside "$T/init"
	cri exec "$APP" -- sh -c "$INSIDE" >"$T/exec"
	assert_inside "$T/exec"
	# A read-only root.
	status=0
	cri exec "$APP" -- touch /probe >"$T/ro" 2>&1 || status=$?
	[ "$status" -eq 1 ]
	diff - "$T/ro" <<<'touch: /probe: Read-only file system'
	assert_journaled "$POD" "$(bundle_of "$POD")"
	assert_journaled "$APP" "$(bundle_of "$APP")"
	assert_exec_journaled "$APP" 1
	remove_pod
}

@test "cri, hardshim handler (issue 14): the app container is in the pod's network, IPC and UTS namespaces, a pid namespace of its own, and the sandbox's user namespace" {
	run_pod netns hardshim
	start_app app "$BUSYBOX" -- sleep 3600
	assert_pod_namespaces
	[ "$(readlink "/proc/$(app_pid "$APP")/ns/user")" = "$(readlink "/proc/$(sandbox_pid)/ns/user")" ]
	[ "$(readlink "/proc/$(sandbox_pid)/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	cri exec "$APP" -- sh -c "$PROBE" >"$T/probe"
	assert_probe "$T/probe"
	remove_pod
}

@test "cri, hardshim handler (issue 14), shareProcessNamespace: the app is in the sandbox's pid namespace, where pause is pid 1, and hardened" {
	run_pod shared hardshim --share-pid
	start_app app "$BUSYBOX" -- sleep 3600
	assert_pod_namespaces --share-pid
	cri exec "$APP" -- sh -c "$PROBE" >"$T/probe"
	assert_probe "$T/probe"
	remove_pod
}

@test "cri, hardshim handler (issue 14): an image whose user hardshim refuses (uid 70000, outside the user namespace) fails StartContainer with hardshim's reason, which ContainerStatus keeps; the pod still runs; nothing is left" {
	run_pod refused hardshim
	create_app app "$BUSYBOX_U70000" -- id
	status=0
	cri start "$APP" 2>"$T/err" || status=$?
	[ "$status" -eq 2 ]
	# What the kubelet gets (containerd's shim reads hardshim's error from
	# the runtime's log.json); its ContainerStatus (kubectl describe)
	# keeps it.
	reason="hardshim: \`$(bundle_of "$APP")/config.json\`: /process/user 70000:70000 is outside the user namespace (ids 0-65535)"
	diff - "$T/err" <<-EOF
		cri.py: StartContainer: UNKNOWN: failed to create containerd task: failed to create shim task: OCI runtime create failed: $reason: unknown
	EOF
	cri status "$APP" | jq -e --arg r "$reason" '.state == "EXITED" and .reason == "StartError" and (.message | contains($r))'
	cri pod-status "$POD" | jq -e '.state == "READY"'
	not test -e "$(bundle_of "$APP")"
	remove_pod
}
