#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The Debian packages built from this tree (debian/, dpkg-buildpackage),
# installed on this machine: hardshim's files, its conffile policy, the
# subordinate range its postinst gives `hardshim`, and a hardened container
# started through a dockerd of this file's own whose runtime is the
# installed /usr/bin/hardshim with the installed policy (no
# HARDSHIM_POLICY); then hardshim-replace-runc, with which docker, podman
# and ctr, given no runtime option (or `--runtime runc`), get hardshim, and
# without which they get runc again.  The packages are removed again at the
# end unless hardshim was installed before.

load helpers
load ../workloads/workloads
load engines
load package

DOCKER_CLI=/usr/bin/docker
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=$(command -v docker || echo docker)

docker() {
	"$DOCKER_CLI" "$@"
}

remove_containers() {
	docker ps -aq 2>/dev/null | xargs -r "$DOCKER_CLI" rm -f >/dev/null 2>&1 || true
}

setup_file() {
	engine_prepare package "${PACKAGE_TOOLS[@]}" "dockerd (apt-get install docker.io)" \
		"containerd (apt-get install docker.io)" || return 1
	can_run || return 0
	package_install || return 1
	can_run || return 0

	# dockerd with the installed hardshim as a runtime; the runtime gets no
	# HARDSHIM_POLICY: the installed policy applies.
	unset HARDSHIM_POLICY
	export DOCKER_HOST=unix://$ENGINE_DIR/docker.sock
	jq -n '{runtimes: {hardshim: {path: "/usr/bin/hardshim"}}}' >"$ENGINE_DIR/daemon.json"
	start_containerd || return 1
	start_daemon dockerd dockerd --iptables=false --bridge=none \
		--config-file "$ENGINE_DIR/daemon.json" --host "$DOCKER_HOST" --containerd "$CTD_SOCK" \
		--pidfile "$ENGINE_DIR/dockerd.pidfile" --exec-root "$ENGINE_DIR/exec" --data-root "$ENGINE_DIR/data"
	daemon_ready dockerd 60 docker info || return 1
	ROOTFS=$(busybox_rootfs) || return 1
	export ROOTFS
	tar -C "$ROOTFS" -c . | docker import - hs-busybox >/dev/null || return 1
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	remove_containers
	stop_daemon dockerd
	stop_daemon containerd
	remove_cgroup docker
	package_purge
	engine_teardown_file
}

setup() {
	engine_setup
}

teardown() {
	# (a test that pinned the installed policy's runtime puts it back)
	[ ! -e "$ENGINE_DIR/policy.orig" ] || mv "$ENGINE_DIR/policy.orig" /etc/hardshim/policy.json
	engine_teardown docker ps -aq
}

@test "package: installs the binary, the helpers, the profiles, the man pages and the policy as a conffile; hardshim has its subordinate ids" {
	for f in /usr/bin/hardshim /usr/libexec/hardshim/hardshim-landlock /usr/libexec/hardshim/hardshim-subids \
		/usr/libexec/hardshim/hardshim-journal-lock /usr/share/hardshim/seccomp/default.json \
		/usr/share/hardshim/apparmor/hardshim.profile.in /usr/share/man/man8/hardshim.8.gz \
		/usr/share/man/man5/hardshim-policy.5.gz /usr/share/man/man5/hardshim-journal.5.gz \
		/etc/hardshim/policy.json /etc/logrotate.d/hardshim; do
		dpkg -S "$f" | grep -q '^hardshim: ' || { echo "not in the package: $f" >&2; false; }
	done
	dpkg-query -W -f='${Conffiles}\n' hardshim | grep -q '^ /etc/hardshim/policy.json '
	jq -e '.mode == "enforce"' /etc/hardshim/policy.json
	/usr/bin/hardshim --version | grep -q 'runc version'
	host_id 0 >/dev/null && host_gid 0 >/dev/null
}

@test "package: docker run --runtime=hardshim with the installed binary and policy: hardened inside, journaled in the installed journal" {
	run timeout -k 5 120 "$DOCKER_CLI" run --rm --runtime=hardshim --network=none --cidfile "$T/cid" hs-busybox \
		sh -c 'id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/uid_map; touch /etc/x 2>&1 || echo etc-denied'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[[ $output == *"CapEff:"*"0000000000000000"* ]]
	[[ $output == *"NoNewPrivs:"*"1"* ]]
	[[ $output == *"Seccomp:"*"2"* ]]
	[[ $output == *"etc-denied"* ]]
	# container 0 is the range of hardshim's, not the host's root
	echo "$output" | awk '$1 == 0 { exit !($2 == ENVIRON["HOST_UID0"] && $3 == 65536) }'
	jq -c --arg id "$(cat "$T/cid")" 'select(.id == $id and .command == "create")' /var/log/hardshim/deviations.jsonl |
		grep -q '"measure":"seccomp"'
}

# probe ENGINE ARGS...: run the probe with ENGINE ARGS (a run command up to
# the image); output in $T/out, status in $status.
PROBE_SH='id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'
probe() {
	status=0
	timeout -k 5 120 "$@" sh -c "$PROBE_SH" >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err"
}

# hardened: the probe's output is a hardened container's.
hardened() {
	[ "$status" -eq 0 ] || return 1
	printf '65534\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n' | cmp - "$T/out"
}

@test "package hardshim-replace-runc: docker, podman and ctr with no runtime option (and docker --runtime runc) get hardshim; removed, runc is back" {
	real_version=$(runc --version | head -n 1)
	dpkg -i "$REPLACE_DEB"
	dpkg-divert --list /usr/sbin/runc | grep -q 'diversion of /usr/sbin/runc to /usr/sbin/runc.real by hardshim-replace-runc'
	[ "$(/usr/sbin/runc.real --version | head -n 1)" = "$real_version" ]
	dpkg-divert --list /usr/bin/crun | grep -q 'diversion of /usr/bin/crun to /usr/bin/crun.real by hardshim-replace-runc'
	/usr/bin/crun.real --version | grep -q '^crun version'
	dpkg -S /usr/sbin/runc | grep -q 'hardshim-replace-runc.*: /usr/sbin/runc$'

	probe docker run --rm --network=none hs-busybox
	hardened
	probe docker run --rm --network=none --runtime runc hs-busybox
	hardened

	# ctr: containerd's runc shim runs `runc` from PATH.
	local ns=hs-pkg-${ENGINE_DIR##*.}
	w=$(mktemp -d "$ENGINE_DIR/image.XXXXXX")
	image_archive "$ROOTFS" "$w" localhost/hs-busybox:latest "" |
		ctr --address "$CTD_SOCK" --namespace "$ns" image import - >/dev/null
	probe ctr --address "$CTD_SOCK" --namespace "$ns" run --rm localhost/hs-busybox:latest "ctr-$ns"
	hardened

	# podman: its default runtime (crun on Debian), and runc.
	export CONTAINERS_STORAGE_CONF=$ENGINE_DIR/storage.conf CONTAINERS_CONF=$ENGINE_DIR/containers.conf
	podman_storage_conf
	printf '[engine]\ntmp_dir = "%s"\nlock_type = "file"\nevents_logger = "file"\nvolume_path = "%s"\n' \
		"$ENGINE_DIR/tmp" "$ENGINE_DIR/volumes" >"$CONTAINERS_CONF"
	tar -C "$ROOTFS" -c . | podman import - localhost/hs-busybox >/dev/null
	# (--ulimit: root here has no CAP_SYS_RESOURCE to raise podman's default
	# nofile, as in podman.bats; it is no runtime option)
	podman info --format '{{.Host.OCIRuntime.Path}}' | grep -qx /usr/bin/crun
	local lim=(--ulimit nofile=20000:20000 --ulimit nproc=20000:20000)
	probe podman run --rm --network=none "${lim[@]}" localhost/hs-busybox
	hardened
	probe podman --runtime runc run --rm --network=none "${lim[@]}" localhost/hs-busybox
	hardened
	podman rm --all --force --time 0 >/dev/null 2>&1 || true

	# Removed: the real runc is /usr/sbin/runc again, and containers are plain.
	dpkg -r hardshim-replace-runc
	! dpkg-divert --list /usr/sbin/runc | grep -q .
	! dpkg-divert --list /usr/bin/crun | grep -q .
	[ "$(runc --version | head -n 1)" = "$real_version" ]
	[ ! -e /usr/sbin/runc.real ] && [ ! -e /usr/bin/crun.real ]
	crun --version | grep -q '^crun version'
	probe docker run --rm --network=none hs-busybox
	[ "$status" -eq 0 ]
	[ "$(head -n 1 "$T/out")" = 0 ]
}

@test "package hardshim-replace-runc with a policy that pins runtime /usr/bin/runc: its postinst warns, hardshim doctor fails with the fix, and docker's containers are refused; without the pin all is well" {
	cp /etc/hardshim/policy.json "$ENGINE_DIR/policy.orig"
	jq '.runtime = "/usr/bin/runc"' "$ENGINE_DIR/policy.orig" >/etc/hardshim/policy.json
	# Before: /usr/bin/runc is runc; nothing is diverted.
	run /usr/bin/hardshim doctor --policy /etc/hardshim/policy.json
	echo "$output"
	! grep -q 'replaced' <<<"$output"

	run dpkg -i "$REPLACE_DEB"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qF 'hardshim-replace-runc: warning: runtime `/usr/bin/runc` of policy `/etc/hardshim/policy.json` is `/usr/sbin/runc`, which hardshim-replace-runc replaced with its wrapper (the real one is `/usr/sbin/runc.real`): every create is refused; fix: remove `runtime` from the policy' <<<"$output"
	run /usr/bin/hardshim doctor --policy /etc/hardshim/policy.json
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qxF 'FAIL  runtime `/usr/bin/runc` of policy `/etc/hardshim/policy.json` is `/usr/sbin/runc`, which hardshim-replace-runc replaced with its wrapper (the real one is `/usr/sbin/runc.real`): every create is refused; fix: remove `runtime` from the policy: the wrapper runs hardshim with HARDSHIM_RUNTIME=/usr/sbin/runc.real, and hardshim uses that runtime' <<<"$output"
	# What it warns of: the outage.
	probe docker run --rm --network=none hs-busybox
	[ "$status" -ne 0 ]
	grep -qF 'names runtime `/usr/bin/runc`, but pass-through commands' "$T/err"

	# Without the pin: no such line, and containers are hardened again.
	cp "$ENGINE_DIR/policy.orig" /etc/hardshim/policy.json
	run /usr/bin/hardshim doctor --policy /etc/hardshim/policy.json
	echo "$output"
	! grep -q 'replaced' <<<"$output"
	probe docker run --rm --network=none hs-busybox
	hardened
	dpkg -r hardshim-replace-runc
}
