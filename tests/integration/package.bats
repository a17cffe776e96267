#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The Debian package built from this tree (debian/, dpkg-buildpackage),
# installed on this machine: its files, its conffile policy, the
# subordinate range its postinst gives `hardshim`, and a hardened container
# started through a dockerd of this file's own whose runtime is the
# installed /usr/bin/hardshim with the installed policy (no
# HARDSHIM_POLICY).  The package is purged again at the end unless it was
# installed before.

load helpers
load ../workloads/workloads
load engines

DOCKER_CLI=/usr/bin/docker
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=$(command -v docker || echo docker)

docker() {
	"$DOCKER_CLI" "$@"
}

setup_file() {
	engine_prepare package "dpkg-buildpackage (apt-get install dpkg-dev)" "dh (apt-get install debhelper)" \
		"dockerd (apt-get install docker.io)" "containerd (apt-get install docker.io)" "git (apt-get install git)" || return 1
	can_run || return 0
	if ! git -C "$HS_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
		cannot_run "$HS_SRCDIR is not a git checkout: the package is built from its tracked files"
		return 0
	fi
	# Built from the tracked files, in a copy (the build writes debian/).
	mkdir -p "$ENGINE_DIR/src"
	git -C "$HS_SRCDIR" ls-files -z | (cd "$HS_SRCDIR" && tar --null -T - -cf -) | tar -C "$ENGINE_DIR/src" -xf -
	(cd "$ENGINE_DIR/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$ENGINE_DIR/build.log" 2>&1 || {
		tail -n 30 "$ENGINE_DIR/build.log" >&2
		return 1
	}
	DEB=$(ls "$ENGINE_DIR"/hardshim_*.deb)
	export DEB
	PKG_BEFORE=no
	dpkg -s hardshim >/dev/null 2>&1 && PKG_BEFORE=yes
	export PKG_BEFORE
	dpkg -i "$DEB" >"$ENGINE_DIR/install.log" 2>&1 || { cat "$ENGINE_DIR/install.log" >&2; return 1; }

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
	local rootfs
	rootfs=$(busybox_rootfs) || return 1
	tar -C "$rootfs" -c . | docker import - hs-busybox >/dev/null || return 1
}

teardown_file() {
	[ -n "${ENGINE_DIR:-}" ] && [ -d "$ENGINE_DIR" ] || return 0
	docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
	stop_daemon dockerd
	stop_daemon containerd
	remove_cgroup docker
	[ "${PKG_BEFORE:-yes}" = yes ] || dpkg --purge hardshim >/dev/null 2>&1 || true
	engine_teardown_file
}

setup() {
	engine_setup
}

teardown() {
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
