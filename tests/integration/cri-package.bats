#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Kubernetes' path with what a node installs: pods through containerd's
# CRI plugin (cri.bash, tests/cri/cri.py) with the Debian package built from
# this tree installed (package.bash).  The runtimes get no HARDSHIM_POLICY:
# the installed /etc/hardshim/policy.json applies, and hardshim journals to
# the installed /var/log/hardshim/deviations.jsonl.  Two ways in:
#   - the handler `hardshim` of contrib/kubernetes's drop-in as shipped
#     (BinaryName /usr/bin/hardshim), what a RuntimeClass selects;
#   - with hardshim-replace-runc installed, the plain handler `runc` (no
#     BinaryName: `runc` from containerd's PATH, what every pod gets).
# Each gets a hardened pod (checked from inside its app container), whose
# app shares the sandbox's network namespace (checked from the host), and a
# refused container whose CRI error carries hardshim's reason, as the
# kubelet turns it into a pod event.  The packages are purged at the end
# (hardshim-replace-runc after each test), whatever failed.

load helpers
load engines
load package
load cri

setup_file() {
	engine_prepare cri-package "${PACKAGE_TOOLS[@]}" "${CRI_TOOLS[@]}" || return 1
	can_run || return 0
	package_install || return 1
	can_run || return 0
	# containerd's shim gives the runtime containerd's environment: none
	# of engine_prepare's policy.
	unset HARDSHIM_POLICY
	export JOURNAL=/var/log/hardshim/deviations.jsonl
	cri_start "$(cri_config "" /usr/bin/hardshim)"
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	cri_teardown_file
	package_purge
	engine_teardown_file
}

setup() {
	engine_setup
}

teardown() {
	can_run || return 0
	local s=0
	engine_teardown cri_left || s=$?
	# (after the pods: their delete went through hardshim)
	if dpkg -s hardshim-replace-runc >/dev/null 2>&1; then
		dpkg --purge hardshim-replace-runc >/dev/null || s=1
	fi
	return "$s"
}

# replace_runc: hardshim-replace-runc installed: /usr/sbin/runc is its
# wrapper (the test's teardown purges it).
replace_runc() {
	dpkg -i "$REPLACE_DEB" >"$T/dpkg.log" 2>&1 || { cat "$T/dpkg.log" >&2; return 1; }
	dpkg-divert --list /usr/sbin/runc | grep -q 'to /usr/sbin/runc.real by hardshim-replace-runc'
}

# hardened_pod HANDLER: a pod of HANDLER whose app container is hardened
# at its start and through ExecSync (hardened_app: the class's uid_map, the
# sandbox's too, uid 65534, no capabilities, NoNewPrivs, seccomp, writes
# beneath /etc and /home denied where only hardshim stops them); the app
# in the sandbox's network, IPC and UTS namespaces (the inodes of
# /proc/PID/ns of both processes, from the host, and from inside); the
# creates of both and the exec in the installed journal; then removed.
hardened_pod() {
	run_pod "pod-$1" "$1"
	cri pod-status "$POD" | jq -e --arg h "$1" '.state == "READY" and .handler == $h' >/dev/null
	hardened_app
	[ "$(readlink "/proc/$(app_pid "$APP")/ns/net")" = "$(readlink "/proc/$(sandbox_pid)/ns/net")" ]
	assert_pod_namespaces
	assert_journaled "$POD" "$(bundle_of "$POD")"
	assert_journaled "$APP" "$(bundle_of "$APP")"
	assert_exec_journaled "$APP" 1
	remove_pod
}

@test "cri, installed package, handler hardshim (BinaryName /usr/bin/hardshim, the installed policy): a hardened pod whose app shares the sandbox's network namespace; journaled in the installed journal" {
	hardened_pod hardshim
}

@test "cri, installed package, handler hardshim: an image whose user hardshim refuses (uid 70000) fails StartContainer with hardshim's reason in the CRI error" {
	refused_app hardshim "$U70000_REFUSED" "$BUSYBOX_U70000" -- id
}

@test "cri, hardshim-replace-runc, the plain handler runc (no BinaryName): a hardened pod whose app shares the sandbox's network namespace; journaled in the installed journal" {
	replace_runc
	hardened_pod runc
}

@test "cri, hardshim-replace-runc, handler runc: a hostPath of /usr/sbin read-write fails StartContainer with hardshim's reason in the CRI error" {
	replace_runc
	refused_app runc \
		'hardshim: host path /usr/sbin read-write as a volume (docker -v /usr/sbin:..., Kubernetes hostPath) is refused by policy /etc/hardshim/policy.json; mount it read-only, or allow it for a class with "allow": {"binds": [{"source": "/usr/sbin", "readonly": false}]}' \
		"$BUSYBOX" --mount /usr/sbin:/host-sbin -- true
}
