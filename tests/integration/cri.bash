# SPDX-License-Identifier: Apache-2.0
# What the CRI files share: cri.bats (the engines.bash wrapper as the
# handler `hardshim`) and cri-package.bats (the installed package, and
# replace-runc mode).  Load it after helpers and engines:
#
#	load helpers
#	load engines
#	load cri
#
# Pods through containerd's CRI plugin (containerd 1.6), as Kubernetes runs
# them, driven by tests/cri/cri.py, a small CRI client that asks what the
# kubelet asks: RunPodSandbox (network and IPC namespaces of the pod, pid
# per container or, with shareProcessNamespace, the pod's),
# CreateContainer, StartContainer, ExecSync, the teardown.  A file's
# setup_file runs engine_prepare NAME "${CRI_TOOLS[@]}" and cri_start, its
# teardown_file cri_teardown_file.
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

PAUSE=localhost/hs-pause:latest
BUSYBOX=localhost/hs-busybox:latest
BUSYBOX_U70000=localhost/hs-busybox-u70000:latest
PYTHON=/usr/bin/python3
CRI_DIR=$HS_SRCDIR/tests/cri
# The CRI plugin keeps its images and containers in this namespace.
CTD_NS=k8s.io
# hardshim's refusal of $BUSYBOX_U70000 (refused_app).
U70000_REFUSED='hardshim: `@BUNDLE@/config.json`: /process/user 70000:70000 is outside the user namespace (ids 0-65535)'

# our_ctr ARGS...: ctr on this file's containerd, in the CRI's namespace.
our_ctr() {
	ctr --address "$CTD_SOCK" --namespace "$CTD_NS" "$@"
}

# cri ARGS...: tests/cri/cri.py on this file's containerd, bounded in time.
cri() {
	timeout -k 5 180 "$PYTHON" "$CRI_DIR/cri.py" --socket "$CTD_SOCK" "$@"
}

# cri_config RUNC HARDSHIM: the CRI plugin's configuration (cri_start):
# the handler `runc` runs RUNC (with "", no BinaryName: `runc` from
# containerd's PATH, as on a plain install); the handler `hardshim` is the
# one contrib/kubernetes ships, with BinaryName HARDSHIM.  Both keep their
# state below $ENGINE_DIR/runc.
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
		    [$p.containerd.runtimes.runc]
		      runtime_type = "io.containerd.runc.v2"
		      [$p.containerd.runtimes.runc.options]
		        Root = "$ENGINE_DIR/runc"
	EOF
	[ -z "$1" ] || printf '        BinaryName = "%s"\n' "$1"
	sed -n '/^\[plugins\./,$p' "$HS_SRCDIR/contrib/kubernetes/containerd-hardshim.toml" |
		sed -e "s|BinaryName = \"/usr/bin/hardshim\"|BinaryName = \"$2\"\n    Root = \"$ENGINE_DIR/runc\"|"
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

# hardened_app: in pod $POD (run_pod), whose sandbox's pause the host
# sees in the class's user namespace, an app container `app` ($APP) with
# volumes at /etc/vol, /home/u and /data (make_volumes) that runs
# engines.bash's INSIDE at its start, then sleeps; INSIDE's output from its
# init and from an ExecSync shows the hardening (assert_inside).
hardened_app() {
	echo "0 $HOST_UID0 $USERNS_SIZE" | diff - <(awk '{ print $1, $2, $3 }' "/proc/$(sandbox_pid)/uid_map")
	make_volumes
	start_app app "$BUSYBOX" --mount "$T/etc-vol:/etc/vol" --mount "$T/home-u:/home/u" \
		--mount "$T/data:/data" -- sh -c "$INSIDE; echo init-done; exec sleep 3600"
	wait_for 10 grep -q init-done "$ENGINE_DIR/logs/${POD_OPTS[1]}/app.log"
	app_log app >"$T/init"
	assert_inside "$T/init"
	cri exec "$APP" -- sh -c "$INSIDE" >"$T/exec"
	assert_inside "$T/exec"
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

# refused_app HANDLER REASON CREATE-ARGS...: in a pod of HANDLER, an app
# container (create_app CREATE-ARGS) fails StartContainer with REASON,
# hardshim's (@BUNDLE@ stands for the app's bundle), in the CRI error
# (containerd's shim reads it from the runtime's log.json) and in
# ContainerStatus (what `kubectl describe pod` shows, a kubelet's pod
# event); the pod still runs; nothing is left.
refused_app() {
	local handler=$1 reason=$2
	shift 2
	run_pod "refused-$handler" "$handler"
	create_app app "$@"
	status=0
	cri start "$APP" 2>"$T/err" || status=$?
	[ "$status" -eq 2 ]
	reason=${reason//@BUNDLE@/$(bundle_of "$APP")}
	diff - "$T/err" <<-EOF
		cri.py: StartContainer: UNKNOWN: failed to create containerd task: failed to create shim task: OCI runtime create failed: $reason: unknown
	EOF
	cri status "$APP" | jq -e --arg r "$reason" '.state == "EXITED" and .reason == "StartError" and (.message | contains($r))' >/dev/null
	cri pod-status "$POD" | jq -e '.state == "READY"' >/dev/null
	not test -e "$(bundle_of "$APP")"
	remove_pod
}

# cri_start CONFIG: what setup_file does after engine_prepare (and
# `can_run || return 0`): the pods' cgroup parent, the CNI network, the
# pause image, a containerd of the file's own with the CRI configuration
# CONFIG (cri_config), and the images.  Records why, with cannot_run, when
# the machine cannot run pods.
cri_start() {
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
	start_containerd "$1" || return 1
	daemon_ready containerd 30 cri version || return 1
	busybox=$(busybox_rootfs) || return 1
	import_image "$pause" "$PAUSE" "" /pause || return 1
	import_image "$busybox" "$BUSYBOX" "" || return 1
	import_image "$busybox" "$BUSYBOX_U70000" 70000:70000
}

# cri_teardown_file: the pods removed, containerd stopped, the cgroup
# parent removed (then the file's own steps and engine_teardown_file).
cri_teardown_file() {
	remove_containers
	stop_daemon containerd
	remove_cgroup "$CGROUP_PARENT"
}

# The tools cri_start needs (engine_prepare's arguments).
CRI_TOOLS=("containerd (apt-get install containerd)" "ctr (apt-get install containerd)"
	"containerd-shim-runc-v2 (apt-get install containerd)" "gcc (apt-get install build-essential)")
