#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Pods through containerd's CRI plugin (cri.bash), with two runtime
# handlers: `runc` (plain runc) and `hardshim` (runtime_type
# io.containerd.runc.v2 with options.BinaryName the engines.bash wrapper,
# what a RuntimeClass selects).  cri-package.bats runs the same client
# against the installed package and in replace-runc mode.
#
# The `hardshim` handler tests are issue 14's: they fail until hardshim
# starts a pod (today RunPodSandbox fails mounting sysfs in the sandbox's
# new user namespace, which does not own the pod's network namespace).

load helpers
load engines
load cri

setup_file() {
	engine_prepare cri "${CRI_TOOLS[@]}" || return 1
	can_run || return 0
	cri_start "$(cri_config "$RUNC" "$WRAPPER")"
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	cri_teardown_file
	engine_teardown_file
}

setup() {
	engine_setup
}

teardown() {
	can_run || return 0
	engine_teardown cri_left
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
	run_pod hardened hardshim
	hardened_app
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
	refused_app hardshim "$U70000_REFUSED" "$BUSYBOX_U70000" -- id
}
