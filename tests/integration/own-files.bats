#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Nothing in a spec is an instruction to hardshim (DESIGN.md §0): a spec
# that points at hardshim's own files (device directory, rootfs bridge,
# state, journal, helper) is refused whatever its spelling; only a spec
# hardshim wrote and sealed itself may carry its device mounts and bridged
# root, and a copied or edited one may not.  The bundle's spec must be one
# only root can change, since the runtime reads it again by path.

load helpers

setup() {
	common_setup
	b=$(bundle b sh -c 'echo x >/dev/x && echo wrote; ls /data 2>&1; exit 0')
	id=$(new_id c)
	cp "$b/config.json" "$T/pristine.json"
	cp "$b/config.json" "$T/orig.json"
}

teardown() {
	common_teardown
}

# assert_refused_with TEXT: exit 1, one error line holding TEXT, no
# container, no journal record, the bundle's spec as it was.
assert_refused_with() {
	cat "$T/err" >&2
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "$1"
	! grep -qx wrote "$T/out"
	runc_gone "$id"
	[ ! -s "$JOURNAL" ]
	cmp "$T/orig.json" "$b/config.json"
}

# with_mount SOURCE [DEST]: the pristine spec with a bind mount of SOURCE
# at DEST (default /dev/x); orig.json is that spec.
with_mount() {
	cp "$T/pristine.json" "$b/config.json"
	patch_config "$b" --arg s "$1" --arg d "${2:-/dev/x}" \
		'.mounts += [{destination: $d, type: "bind", source: $s, options: ["bind", "rw"]}]'
	cp "$b/config.json" "$T/orig.json"
}

@test "own files: a mount source naming a device node in hardshim's device directory is refused (host console, null)" {
	for node in c-5-1-0666-0-0 c-1-3-0666-0-0; do
		with_mount "$HS_STATE_DIR/devices/$node"
		hs_out run -b "$b" "$id"
		assert_refused_with "/mounts/"
		assert_contains "$(cat "$T/err")" "hardshim's state directory"
	done
	[ -z "$(ls -A "$HS_STATE_DIR/devices")" ]
}

@test "own files: root.path at the rootfs bridge with io.hardshim.rootfs=/ is refused, the host's / never becomes the rootfs" {
	patch_config "$b" --arg r "$HS_STATE_DIR/rootfs" '.root.path = $r | .annotations["io.hardshim.rootfs"] = "/"
		| .process.args = ["sh", "-c", "ls /boot /home >/dev/null 2>&1 && echo wrote"]'
	cp "$b/config.json" "$T/orig.json"
	hs_out run -b "$b" "$id"
	assert_refused_with "/root/path"
}

@test "own files: binding the rootfs bridge, the state directory or a directory above it is refused, however spelled" {
	local above=${HS_STATE_DIR%/*} # /var/lib
	ln -s "$HS_STATE_DIR/rootfs" "$T/link"
	ln -s "$above" "$T/varlib"
	mkdir -p "$T/d"
	for src in "$HS_STATE_DIR/rootfs/var" "$HS_STATE_DIR" "$T/link/var" "$T/d/../link" \
		"$HS_STATE_DIR/seal.key" "$above/../${above##*/}/./${HS_STATE_DIR##*/}/rootfs"; do
		with_mount "$src" /data
		hs_out run -b "$b" "$id"
		assert_refused_with "hardshim's state directory"
	done
	# A directory above it is the detect measure's: refused in the engine's
	# words (a class may allow exactly it), the refusal journaled.
	for src in "$above" "$T/varlib" /; do
		with_mount "$src" /data
		hs_out run -b "$b" "$id"
		cat "$T/err" >&2
		[ "$status" -eq 1 ]
		assert_one_error_line "$T/err"
		assert_contains "$(cat "$T/err")" "hardshim: host path $src"
		assert_contains "$(cat "$T/err")" " as a volume (docker -v $src:..., Kubernetes hostPath"
		runc_gone "$id"
		journal_query 'map(select(.action == "refused"))' | jq -e 'length == 1 and .[0].measure == "detect"'
		: >"$JOURNAL"
	done
}

@test "own files: binding the journal, or the Landlock helper anywhere but where the lsm measure puts it, is refused" {
	touch "$JOURNAL"
	with_mount "$JOURNAL"
	: >"$JOURNAL"
	hs_out run -b "$b" "$id"
	assert_refused_with "hardshim's journal"
	cp "$T/pristine.json" "$b/config.json"
	patch_config "$b" --arg h "$LANDLOCK_HELPER" \
		'.mounts += [{destination: "/bin/helper", type: "bind", source: $h, options: ["bind", "rw"]}]'
	cp "$b/config.json" "$T/orig.json"
	hs_out run -b "$b" "$id"
	assert_refused_with "Landlock helper"
}

@test "own files: a bind source reached through another mount namespace (/proc/PID/root) is refused: what it names cannot be judged here" {
	# A process in a mount namespace of its own, with a tmpfs at $T/ns:
	# its $T/ns/x is not the host's (which does not exist).
	mkdir -p "$T/ns"
	unshare -m --propagation private sh -c "mount -t tmpfs tmpfs '$T/ns' && touch '$T/ns/x' && touch '$T/ready' && exec sleep 60" \
		</dev/null >/dev/null 2>&1 &
	local ns_pid=$! i
	for i in $(seq 100); do
		[ ! -e "$T/ready" ] || break
		sleep 0.1
	done
	[ -e "$T/ready" ]
	[ ! -e "$T/ns/x" ]
	with_mount "/proc/$ns_pid/root$T/ns/x" /data
	hs_out run -b "$b" "$id"
	kill "$ns_pid"
	wait "$ns_pid" || true
	assert_refused_with "does not resolve to a path of this mount namespace"
}

@test "own files: a near miss is a volume like any other" {
	mkdir -p "$T/hardshim-data"
	with_mount "$T/hardshim-data" /data
	hs_out run -b "$b" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
}

@test "own files: a sealed spec starts again in its bundle; copied to another bundle or edited, it is refused" {
	patch_config "$b" '.linux.devices = [{path: "/dev/x", type: "c", major: 1, minor: 3, fileMode: 438, uid: 0, gid: 0}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]'
	hs_out run -b "$b" "$(new_id first)"
	[ "$status" -eq 0 ]
	grep -qx wrote "$T/out"
	jq -e '.annotations["io.hardshim.seal"] | test("^[0-9a-f]{64}$")' "$b/config.json"
	jq -e --arg r "$HS_STATE_DIR/rootfs" '.root.path == $r' "$b/config.json"
	cp "$b/config.json" "$T/sealed.json"

	# Again in the same bundle: the seal verifies, the spec stays byte for byte.
	hs_out run -b "$b" "$(new_id again)"
	[ "$status" -eq 0 ]
	grep -qx wrote "$T/out"
	cmp "$T/sealed.json" "$b/config.json"

	# The same bytes in another bundle.
	b2=$(bundle b2 true)
	cp "$T/sealed.json" "$b2/config.json"
	hs_out run -b "$b2" "$id"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "hardshim's state directory"
	runc_gone "$id"
	cmp "$T/sealed.json" "$b2/config.json"

	# Edited in place: the console instead of null.
	sed 's/c-1-3-0666-0-0/c-5-1-0666-0-0/' "$T/sealed.json" >"$b/config.json"
	hs_out run -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "hardshim's state directory"
	runc_gone "$id"
}

@test "own files: a bundle others can change is refused (the runtime reads config.json again by path)" {
	chmod 0777 "$b"
	hs_out run -b "$b" "$id"
	assert_refused_with "writable by others (mode 0777)"
	chmod 0755 "$b"

	chown 65534 "$b/config.json"
	hs_out run -b "$b" "$id"
	assert_refused_with "owned by uid 65534"
	chown 0 "$b/config.json"

	chown 65534 "$b"
	hs_out run -b "$b" "$id"
	assert_refused_with "owned by uid 65534"
	assert_contains "$(cat "$T/err")" "the runtime reads \`$b/config.json\` again"
	chown 0 "$b"

	# A racer with write access to the bundle never gets to swap the spec:
	# the create is refused before anything is written.
	d=$(mktemp -d /tmp/hs-race.XXXXXX)
	chmod 0711 "$d"
	cp -a "$b" "$d/b"
	chmod 0777 "$d/b"
	cp "$T/orig.json" "$d/evil.json"
	chmod 0644 "$d/evil.json"
	setpriv --reuid 65534 --regid 65534 --clear-groups sh -c \
		'end=$(($(date +%s) + 3)); while [ "$(date +%s)" -lt "$end" ]; do
			cp "$1" "$2/.evil" 2>/dev/null && mv -f "$2/.evil" "$2/config.json" 2>/dev/null; done; true' \
		sh "$d/evil.json" "$d/b" &
	racer=$!
	for i in 1 2 3 4 5; do
		hs_out run -b "$d/b" "$(new_id race$i)"
		[ "$status" -eq 1 ]
		assert_contains "$(cat "$T/err")" "hardshim acts only on what root alone can change"
		runc_gone "$(new_id race$i)"
	done
	wait "$racer"
	# The racer could write there: it did replace the spec meanwhile.
	[ "$(stat -c %u "$d/b/config.json")" = 65534 ]
	rm -rf "$d"
}

@test "own files: a bundle directory whose POSIX ACL lets another user write it is refused, though its mode looks root's" {
	# user:65534:rwx on a root 0755 directory: stat shows 0775 root:root.
	python3 - "$b" <<-'PY' || skip "no POSIX ACLs on this filesystem"
		import os, struct, sys
		e = lambda tag, perm, qid: struct.pack("<HHI", tag, perm, qid)
		acl = struct.pack("<I", 2) + e(1, 7, 0xffffffff) + e(2, 7, 65534) + e(4, 5, 0xffffffff) \
			+ e(0x10, 7, 0xffffffff) + e(0x20, 5, 0xffffffff)
		os.setxattr(sys.argv[1], "system.posix_acl_access", acl)
	PY
	[ "$(stat -c '%a %U:%G' "$b")" = "775 root:root" ]
	hs_out run -b "$b" "$id"
	assert_refused_with "has a POSIX ACL"
}

@test "own files: a root.path another user owns is refused; one outside the bundle is a plain bind, not idmapped" {
	# Another user's private files, named as the rootfs: idmapped, container
	# uid 1234 would own them.
	mkdir -p "$T/alice"
	cp -a "$b/rootfs/." "$T/alice/"
	echo ALICE-SECRET >"$T/alice/secret"
	chown -R 1234:1234 "$T/alice"
	chmod 0700 "$T/alice" "$T/alice/secret"
	patch_config "$b" --arg r "$T/alice" '.root.path = $r | .process.user = {uid: 1234, gid: 1234}
		| .process.args = ["sh", "-c", "cat /secret; echo wrote"]'
	cp "$b/config.json" "$T/orig.json"
	hs_out run -b "$b" "$id"
	assert_refused_with "the rootfs (/root/path)"
	assert_contains "$(cat "$T/err")" "is owned by uid 1234"

	# A root-owned rootfs outside the bundle starts, as a plain bind.
	chown -R 0:0 "$T/alice"
	chmod 0755 "$T/alice"
	hs_out run -b "$b" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	! grep -q ALICE-SECRET "$T/out"
	journal_query 'map(select(.path == "/root/path"))[0].note' | jq -e -r 'contains("it lies outside the bundle")'
}

@test "own files: a relative bind source or root.path with .. is refused (runc and crun read it differently)" {
	with_mount "../../x/../../var/lib/hardshim" /data
	hs_out run -b "$b" "$id"
	assert_refused_with "is relative and has a \`..\`"
}
