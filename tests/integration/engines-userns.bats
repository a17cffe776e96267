#!/usr/bin/env bats
# The user namespace with the bundle layouts of podman (conmon; its
# userdata files bind-mounted from root-only directories, mount points the
# image lacks) and containerd (`ctr run --runc-binary`, the option a CRI
# runtime handler's BinaryName sets; the bundle under its state directory,
# the rootfs an overlayfs snapshot below 0700 directories).  docker has its
# own file (docker.bats).  Neither engine passes HARDSHIM_POLICY through to
# the runtime, so both call a small wrapper that sets it and execs hardshim.

load helpers

setup_file() {
	local d=$BATS_FILE_TMPDIR why=""
	command -v podman >/dev/null 2>&1 || why="no podman (apt-get install podman)"
	command -v containerd >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1 || why="${why:+$why; }no containerd"
	if [ -n "$why" ]; then
		echo "$why" >"$d/skip"
		return 0
	fi
	"$MAKE_BUNDLE" "$d/busybox" true >/dev/null
	IMAGE=localhost/hardshim-test-busybox:$$
	tar -C "$d/busybox/rootfs" -c . | podman import - "$IMAGE" >/dev/null
	podman save --format docker-archive -o "$d/image.tar" "$IMAGE" >/dev/null
	echo "$IMAGE" >"$d/image"

	# A containerd of the file's own (root, state, socket), so that the
	# machine's containerd, if any, is left alone.
	mkdir -p "$d/ctd"
	cat >"$d/ctd/config.toml" <<EOF
version = 2
root = "/var/lib/hardshim-tests/containerd-$$"
state = "/run/hardshim-tests-containerd-$$"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "/run/hardshim-tests-containerd-$$/containerd.sock"
EOF
	echo "/run/hardshim-tests-containerd-$$/containerd.sock" >"$d/ctd/address"
	containerd --config "$d/ctd/config.toml" >"$d/ctd/log" 2>&1 &
	echo $! >"$d/ctd/pid"
	for _ in $(seq 100); do
		ctr -a "$(cat "$d/ctd/address")" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	ctr -a "$(cat "$d/ctd/address")" version >/dev/null || { cat "$d/ctd/log" >&2; return 1; }
	ctr -a "$(cat "$d/ctd/address")" -n hardshim-test image import --all-platforms "$d/image.tar" >/dev/null
}

teardown_file() {
	local d=$BATS_FILE_TMPDIR pid
	[ -s "$d/image" ] && podman rmi -f "$(cat "$d/image")" >/dev/null 2>&1 || true
	if [ -s "$d/ctd/pid" ]; then
		pid=$(cat "$d/ctd/pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		grep -o " /run/hardshim-tests-containerd-[0-9]*[^ ]*\| /var/lib/hardshim-tests/containerd-[0-9]*[^ ]*" /proc/self/mountinfo |
			sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
		rm -rf --one-file-system /run/hardshim-tests-containerd-* /var/lib/hardshim-tests/containerd-*
	fi
}

setup() {
	if [ -s "$BATS_FILE_TMPDIR/skip" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	fi
	common_setup
	IMAGE=$(cat "$BATS_FILE_TMPDIR/image")
	CTR=(ctr -a "$(cat "$BATS_FILE_TMPDIR/ctd/address")" -n hardshim-test)
	# The runtime the engines call: hardshim with this test's policy.
	cat >"$T/hardshim-runtime" <<EOF
#!/bin/sh
HARDSHIM_POLICY=$HARDSHIM_POLICY exec $HS "\$@"
EOF
	chmod 0755 "$T/hardshim-runtime"
}

teardown() {
	common_teardown
}

# The checks every container prints and the host compares: the mapping,
# the user, and the hardening.
INSIDE='head -n 1 /proc/self/uid_map; id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'

assert_inside() {
	printf '%10s %10s %10s\n65534\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n' \
		0 "$(host_id 0)" 65536 | cmp - "$1"
}

@test "podman: a container runs in hardshim's user namespace; /etc/hostname and /etc/hosts come from podman's userdata" {
	podman --runtime "$T/hardshim-runtime" run --rm --network=none \
		--ulimit nofile=20000:20000 --ulimit nproc=20000:20000 \
		"$IMAGE" sh -c "$INSIDE; cat /etc/hostname >/dev/null && echo hostname-ok; grep -q localhost /etc/hosts && echo hosts-ok" \
		>"$T/out" 2>"$T/err" || { cat "$T/err" >&2; false; }
	head -n 5 "$T/out" >"$T/inside"
	assert_inside "$T/inside"
	assert_line_exact hostname-ok "$T/out"
	assert_line_exact hosts-ok "$T/out"
	# podman's overlay rootfs: a plain bind, and the mount points the image
	# lacked were made by hardshim.
	journal_query 'map(select(.path == "/root/path"))[-1].note' | jq -e -r 'startswith("plain bind mount of")'
	journal_query 'map(select(.path == "/mounts"))[-1].after' | jq -e 'index("/etc/hostname") != null'
}

@test "containerd: ctr run --runc-binary starts an image in hardshim's user namespace" {
	id=$(new_id ctr)
	"${CTR[@]}" run --rm --runc-binary "$T/hardshim-runtime" "$IMAGE" "$id" /bin/sh -c "$INSIDE" \
		>"$T/out" 2>"$T/err" || { cat "$T/err" >&2; false; }
	assert_inside "$T/out"
	# The bundle under containerd's state directory, the rootfs its overlay
	# snapshot mounted there.
	jq -s -e --arg id "$id" 'map(select(.id == $id and .path == "/root/path"))[0]
		| (.bundle | startswith("/run/hardshim-tests-containerd-")) and .before == "rootfs"
		and (.note | startswith("plain bind mount of"))' "$JOURNAL"
}
