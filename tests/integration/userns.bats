#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The user namespace hardshim gives every container, with the real runc:
# container ids 0-65535 map to the class's range from /etc/subuid and
# /etc/subgid, the rootfs stays reachable when it sits under a directory
# the mapped root cannot traverse, classes cannot read each other's files,
# and nothing is left on the host after create, delete or a failed create.

load helpers

# Two classes of our own, next to hardshim's 1000000-1065535.
WEB_OWNER=hstest-web
BATCH_OWNER=hstest-batch
CLASSES='{"web": {"match": {"annotation": "io.hardshim.class=web"}, "user": {"subid_owner": "hstest-web"}},
	"batch": {"match": {"annotation": "io.hardshim.class=batch"}, "user": {"subid_owner": "hstest-batch"}}}'

setup_file() {
	"$HS_SRCDIR/contrib/subids.sh" "$WEB_OWNER" 1065536
	"$HS_SRCDIR/contrib/subids.sh" "$BATCH_OWNER" 1131072
}

setup() {
	common_setup
}

teardown() {
	delete_crun_containers
	if [ -f "$T/open-dirs" ]; then
		xargs rm -rf <"$T/open-dirs"
	fi
	common_teardown
	if [ -n "${SAVED_MAX_USERNS:-}" ]; then
		sysctl -q -w user.max_user_namespaces="$SAVED_MAX_USERNS"
	fi
}

# secret_bundle NAME ARGS...: a bundle whose rootfs sits under a 0700
# root-owned directory, as docker's and podman's do; prints its path.
secret_bundle() {
	local name=$1
	shift
	mkdir -p "$T/secret"
	chmod 0700 "$T/secret"
	"$MAKE_BUNDLE" "$T/secret/$name" "$@" >&2 || return 1
	echo "$T/secret/$name"
}

# start_detached BUNDLE ID: hardshim create + start; prints the host pid.
start_detached() {
	hs_out create -b "$1" "$2"
	cat "$T/err" >&2
	[ "$status" -eq 0 ] || return 1
	hs_out start "$2"
	[ "$status" -eq 0 ] || return 1
	"$RUNC" state "$2" | jq -r .pid
}

# host_snapshot FILE: the host's mount table and everything under /run.
host_snapshot() {
	{
		cut -d' ' -f4- /proc/self/mountinfo | sort
		echo ---
		find /run -xdev 2>/dev/null | sort
	} >"$1"
}

@test "userns: a rootfs under a 0700 directory runs, mapped to hardshim's range, idmapped" {
	b=$(secret_bundle b sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g')
	# Plain runc cannot reach it from inside a user namespace: the test
	# setup is the problem the bridge solves.
	cp "$b/config.json" "$T/orig.json"
	patch_config "$b" --arg u "$(host_id 0)" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: ($u | tonumber), size: 65536}]
		| .linux.gidMappings = .linux.uidMappings | .process.user = {uid: 65534, gid: 65534}'
	run "$RUNC" run -b "$b" "$(new_id plain)"
	[ "$status" -ne 0 ]
	assert_contains "$output" "permission denied"
	cp "$T/orig.json" "$b/config.json"

	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 0 "$(host_gid 0)" 65536 | cat - <(printf '65534\n65534\n') | cmp - "$T/out"
	[ "$(host_id 0)" -ne 0 ]
	# The journal says where the rootfs went and how.
	rec=$(journal_query 'map(select(.path == "/root/path"))[0]')
	jq -e --arg b "$b" '.action == "changed" and .before == "rootfs" and (.note | startswith("idmapped mount of `" + $b + "/rootfs`"))' <<<"$rec"
	journal_query 'map(select(.path == "/linux/uidMappings"))[0]' | jq -e '.action == "added" and (.note | contains("class `default`"))'
}

@test "userns: files the container creates in /tmp are owned on the host by the mapped range" {
	b=$(secret_bundle b sh -c 'touch /tmp/made-inside; mkdir /tmp/d; sleep 60')
	id=$(new_id c)
	pid=$(start_detached "$b" "$id")
	for i in $(seq 50); do [ -d "/proc/$pid/root/tmp/d" ] && break; sleep 0.1; done
	[ "$(stat -c %u:%g "/proc/$pid/root/tmp/made-inside")" = "$(host_id 65534):$(host_gid 65534)" ]
	[ "$(stat -c %u:%g "/proc/$pid/root/tmp/d")" = "$(host_id 65534):$(host_gid 65534)" ]
	# The host sees the process as the mapped uid, and no bridge mount.
	u=$(host_id 65534)
	grep -qx "Uid:${TAB}$u${TAB}$u${TAB}$u${TAB}$u" "/proc/$pid/status"
	! grep -F "$(jq -r .root.path "$b/config.json")" /proc/self/mountinfo
	"$RUNC" kill "$id" KILL
}

@test "userns: an overlayfs rootfs gets a plain bind mount, and the journal says why" {
	b=$(secret_bundle b sh -c 'cat /proc/self/uid_map; id -u')
	mkdir "$T/upper" "$T/work" "$T/lower"
	mv "$b/rootfs"/* "$T/lower/"
	mount -t overlay overlay -o "lowerdir=$T/lower,upperdir=$T/upper,workdir=$T/work" "$b/rootfs"
	hs_out run -b "$b" "$(new_id c)"
	umount "$b/rootfs"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n65534\n' 0 "$(host_id 0)" 65536 | cmp - "$T/out"
	journal_query 'map(select(.path == "/root/path"))[0].note' | jq -e -r 'startswith("plain bind mount of")
		and contains("does not take idmapped mounts")'
}

@test "userns: classes get their own ranges; one class cannot read what another wrote to a shared volume" {
	write_policy "{\"mode\": \"enforce\", \"classes\": $CLASSES}"
	mkdir -m 1777 "$T/shared"
	volume='.mounts += [{destination: "/data", type: "bind", source: $v, options: ["rbind", "rw"]}]'
	b1=$(secret_bundle web sh -c 'cat /proc/self/uid_map; umask 077; echo secret >/data/file; cat /data/file')
	patch_config "$b1" --arg v "$T/shared" "$volume | .annotations[\"io.hardshim.class\"] = \"web\""
	mkdir "$b1/rootfs/data"
	hs_out run -b "$b1" "$(new_id web)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\nsecret\n' 0 "$(host_id 0 "$WEB_OWNER")" 65536 | cmp - "$T/out"
	[ "$(stat -c '%u %a' "$T/shared/file")" = "$(host_id 65534 "$WEB_OWNER") 600" ]

	b2=$(secret_bundle batch sh -c 'cat /proc/self/uid_map; cat /data/file')
	patch_config "$b2" --arg v "$T/shared" "$volume | .annotations[\"io.hardshim.class\"] = \"batch\""
	mkdir "$b2/rootfs/data"
	hs_out run -b "$b2" "$(new_id batch)"
	[ "$status" -ne 0 ]
	head -n 1 "$T/out" | grep -qx " *0 *$(host_id 0 "$BATCH_OWNER") *65536"
	grep -q "Permission denied" "$T/err"
	journal_query 'map(select(.path == "/linux/uidMappings") | .note)' |
		jq -e 'map(select(contains("class `batch` (annotation `io.hardshim.class=batch`)"))) | length == 1'

	# A container of the first class reads it: the file is the class's own.
	b3=$(secret_bundle web2 cat /data/file)
	patch_config "$b3" --arg v "$T/shared" "$volume | .annotations[\"io.hardshim.class\"] = \"web\""
	mkdir "$b3/rootfs/data"
	hs_out run -b "$b3" "$(new_id web2)"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out")" = secret ]
}

@test "userns: an annotation naming no class, or a policy whose classes share ids, is refused" {
	write_policy "{\"mode\": \"enforce\", \"classes\": $CLASSES}"
	b=$(secret_bundle b true)
	patch_config "$b" '.annotations["io.hardshim.class"] = "wbe"'
	hs_out create -b "$b" "$(new_id c)"
	[ "$status" -ne 0 ]
	assert_one_error_line "$T/err"
	grep -qF 'annotation `io.hardshim.class=wbe` names no class of the policy' "$T/err"
	runc_gone "$(new_id c)"

	write_policy '{"mode": "enforce", "classes": {"web": {"match": {"annotation": "a=b"}, "user": {"subid_owner": "hardshim"}}}}'
	b2=$(secret_bundle b2 true)
	hs_out create -b "$b2" "$(new_id c2)"
	[ "$status" -ne 0 ]
	grep -qF 'classes `default` and `web` both use the ids of `hardshim`' "$T/err"

	write_policy '{"mode": "enforce", "user": {"subid_owner": "hstest-nobody-has-this"}}'
	hs_out create -b "$b2" "$(new_id c3)"
	[ "$status" -ne 0 ]
	grep -qF '`/etc/subuid` has no range of 65536 ids for `hstest-nobody-has-this`' "$T/err"
}

# open_bundle NAME ARGS...: a bundle any uid can reach (an engine's kept
# mapping gets no bridge), under a directory the test removes; prints its path.
open_bundle() {
	local name=$1 d
	shift
	d=$(mktemp -d /var/tmp/hs-kept.XXXXXX)
	chmod 0711 "$d"
	echo "$d" >>"$T/open-dirs"
	"$MAKE_BUNDLE" "$d/$name" "$@" >&2 || return 1
	echo "$d/$name"
}

# (4ebf9de kept a mapping that left host root and the classes' ranges out:
# here 0:200000:65536.  Only a mapping inside the class's range is kept now.)
@test "userns: an engine's mapping inside the class's range is kept, split in entries; one outside it is replaced" {
	b=$(open_bundle b sh -c 'cat /proc/self/uid_map /proc/self/gid_map')
	patch_config "$b" --arg u "$(host_id 0)" --arg g "$(host_gid 0)" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: ($u | tonumber), size: 1000},
			{containerID: 1000, hostID: (($u | tonumber) + 1000), size: 64536}]
		| .linux.gidMappings = [{containerID: 0, hostID: ($g | tonumber), size: 65536}]'
	hs_out run -b "$b" "$(new_id kept)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 1000 1000 "$(host_id 1000)" 64536 0 "$(host_gid 0)" 65536 | cmp - "$T/out"
	journal_query 'map(select(.path == "/linux/uidMappings"))[0]' | jq -e '.action == "kept" and (.note | contains("inside class `default`"))'
	[ "$(journal_query 'map(select(.path == "/root/path")) | length')" = 0 ]

	b=$(open_bundle outside sh -c 'head -n 1 /proc/self/uid_map')
	patch_config "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] | .linux.gidMappings = .linux.uidMappings'
	hs_out run -b "$b" "$(new_id outside)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 | cmp - "$T/out"
	journal_query 'map(select(.path == "/linux/uidMappings" and .id == "'"$(new_id outside)"'"))[0]' |
		jq -e '.action == "changed" and .before[0].hostID == 200000 and (.note | contains("outside class `default`"))'

	b=$(secret_bundle root sh -c 'head -n 1 /proc/self/uid_map')
	patch_config "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}] | .linux.gidMappings = .linux.uidMappings'
	hs_out run -b "$b" "$(new_id root)"
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 | cmp - "$T/out"
	journal_query 'map(select(.path == "/linux/uidMappings" and .id == "'"$(new_id root)"'"))[0]' |
		jq -e '.action == "changed" and .before[0].hostID == 0'
}

# The review's attack: container 0 -> host 1 puts host groups (docker,
# shadow) at container gid - 1, and additionalGids names them.
@test "userns: a mapping of container 0 to host 1 with additionalGids cannot read a host group's 0640 file" {
	local gid=4711
	echo secret >"$T/group-file"
	chown 0:$gid "$T/group-file"
	chmod 0640 "$T/group-file"
	b=$(open_bundle b sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -G; cat /hostgroup/file && echo READ || echo DENIED')
	patch_config "$b" --arg f "$T/group-file" --argjson g $((gid - 1)) '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 1, size: 65536}] | .linux.gidMappings = .linux.uidMappings
		| .process.user.additionalGids = [$g]
		| .mounts += [{destination: "/hostgroup/file", type: "bind", source: $f, options: ["bind", "ro"]}]'
	mkdir -p "$b/rootfs/hostgroup" && touch "$b/rootfs/hostgroup/file"
	hs_out run -b "$b" "$(new_id grp)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 0 "$(host_gid 0)" 65536 | cmp - <(head -n 2 "$T/out")
	assert_line_exact "65534 $((gid - 1))" "$T/out"
	assert_line_exact DENIED "$T/out"
	! grep -qx secret "$T/out"
	journal_query 'map(select(.path == "/linux/gidMappings"))[0]' |
		jq -e '.action == "changed" and .before[0].hostID == 1 and (.note | contains("maps host ids 1-65536"))'
}

# runc fails with "mount tmpfs:/tmp ... uid=65534,gid=65534: invalid
# argument" when a kept mapping leaves the policy's ids out.
@test "userns: a kept mapping without the policy's ids (0:START:65534) starts, root gets the highest mapped ids" {
	b=$(open_bundle b sh -c 'cat /proc/self/uid_map; id -u; id -g; stat -c "%u:%g" /tmp; touch /tmp/x && echo tmp-ok')
	patch_config "$b" --arg u "$(host_id 0)" --arg g "$(host_gid 0)" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: ($u | tonumber), size: 65534}]
		| .linux.gidMappings = [{containerID: 0, hostID: ($g | tonumber), size: 65534}]
		| .process.user = {uid: 0, gid: 0}'
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n65533\n65533\n65533:65533\ntmp-ok\n' 0 "$(host_id 0)" 65534 | cmp - "$T/out"
	journal_query 'map(select(.path == "/process/user/uid"))[0]' |
		jq -e '.action == "changed" and .after == 65533 and (.note | contains("uid 65534 is not mapped"))'
	journal_query 'map(select(.path == "/linux/uidMappings"))[0]' | jq -e '.action == "kept"'

	# The review's spelling, 0:100000:65534, lies outside the class's range:
	# replaced, and the container starts with the policy's ids.
	b=$(open_bundle lit sh -c 'head -n 1 /proc/self/uid_map; id -u')
	patch_config "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65534}] | .linux.gidMappings = .linux.uidMappings
		| .process.user = {uid: 0, gid: 0}'
	hs_out run -b "$b" "$(new_id lit)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n65534\n' 0 "$(host_id 0)" 65536 | cmp - "$T/out"
}

# crun writes gid_map "0 0 1" (host gid 0) for a user namespace with
# uidMappings and no gidMappings: both are replaced.
@test "userns: crun: uidMappings without gidMappings get the class's gid mapping, not host gid 0" {
	local why
	why=$(crun_ready) || skip "$why"
	export HARDSHIM_RUNTIME=$CRUN
	b=$(secret_bundle b sh -c 'cat /proc/self/uid_map /proc/self/gid_map')
	patch_config "$b" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] | del(.linux.gidMappings)'
	hs_out run -b "$b" "$(new_id crun)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 0 "$(host_gid 0)" 65536 | cmp - "$T/out"
	journal_query 'map(select(.path == "/linux/gidMappings"))[0]' | jq -e '.action == "added"'
}

@test "userns: 200 create/delete cycles and failed creates leave the host mount table and /run as they were" {
	b=$(secret_bundle b sleep 60)
	bad=$(secret_bundle bad sleep 60)
	patch_config "$bad" '.mounts += [{destination: "/data", type: "bind", source: "/no/such/dir", options: ["bind"]}]'
	hook=$(secret_bundle hook sleep 60)
	patch_config "$hook" '.hooks.createRuntime = [{path: "/bin/false"}]'
	# One cycle first: the state directories runc and hardshim keep
	# (/run/runc, the bridge's mount point) exist from then on.
	id=$(new_id warm)
	hs_out create -b "$b" "$id"
	[ "$status" -eq 0 ]
	hs_out delete "$id"
	host_snapshot "$T/before"

	for i in $(seq 200); do
		id=$(new_id "c$i")
		hs_out create -b "$b" "$id"
		[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
		hs_out delete "$id"
		[ "$status" -eq 0 ]
	done
	# Creates that fail in runc after the container's namespaces exist: a
	# bind mount without a source, a failing createRuntime hook.
	for i in $(seq 10); do
		hs_out create -b "$bad" "$(new_id bad$i)"
		[ "$status" -ne 0 ]
		hs_out create -b "$hook" "$(new_id hook$i)"
		[ "$status" -ne 0 ]
		"$RUNC" delete --force "$(new_id hook$i)" >/dev/null 2>&1 || true
	done
	host_snapshot "$T/after"
	diff "$T/before" "$T/after"
	! grep -F "$(jq -r .root.path "$b/config.json")" /proc/self/mountinfo
}

@test "userns: without user namespaces the container is refused, or runs without one where the policy says so" {
	local saved
	saved=$(sysctl -n user.max_user_namespaces)
	# The decision itself is unit-tested (tests/unit/test_userns.c); here the
	# real kernel is turned off, where this machine lets root do that.
	if ! err=$(sysctl -q -w user.max_user_namespaces=0 2>&1); then
		skip "cannot turn user namespaces off here: $err"
	fi
	SAVED_MAX_USERNS=$saved
	b=$(secret_bundle b sh -c 'cat /proc/self/uid_map; id -u')
	hs_out create -b "$b" "$(new_id refused)"
	[ "$status" -ne 0 ]
	assert_one_error_line "$T/err"
	grep -qF 'user namespaces are turned off (user.max_user_namespaces = 0)' "$T/err"
	grep -qF 'user.userns_unavailable' "$T/err"
	runc_gone "$(new_id refused)"

	# run_without: no user namespace, still not root.  The rootfs must be
	# reachable by root alone then, as without hardshim.
	write_policy '{"mode": "enforce", "user": {"userns_unavailable": "run_without"}}'
	hs_out run -b "$b" "$(new_id without)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n65534\n' 0 0 4294967295 | cmp - "$T/out"
	journal_query 'map(select(.action == "unavailable"))' |
		jq -e 'length == 1 and .[0].measure == "user" and (.[0].note | contains("max_user_namespaces"))'
	jq -e '.root.path == "rootfs" and ([.linux.namespaces[] | select(.type == "user")] | length == 0)' "$b/config.json"
}

@test "userns: missing mount points are made in the rootfs beforehand, inside it whatever its symlinks say" {
	# An overlayfs rootfs gets a plain bind, which the mapped root cannot
	# write to: runc could not create /etc/hostname itself (podman's case).
	b=$(secret_bundle b sh -c 'cat /etc/hostname /data/../etc/hostname; ls -d /data /deep/down')
	echo from-the-host >"$T/hostname"
	mkdir "$T/upper" "$T/work" "$T/lower"
	mv "$b/rootfs"/* "$T/lower/"
	rm -f "$T/lower/etc/hostname"
	# A symlink in the image pointing at a host path: the mount point must
	# be made at that path inside the rootfs, never on the host.
	outside=/hs-escape-test-$$
	ln -s "$outside" "$T/lower/deep"
	mount -t overlay overlay -o "lowerdir=$T/lower,upperdir=$T/upper,workdir=$T/work" "$b/rootfs"
	patch_config "$b" --arg h "$T/hostname" '.mounts += [
		{destination: "/etc/hostname", type: "bind", source: $h, options: ["bind", "ro"]},
		{destination: "/data", type: "tmpfs", source: "tmpfs"},
		{destination: "/deep/down", type: "tmpfs", source: "tmpfs"}]'
	hs_out run -b "$b" "$(new_id c)"
	umount "$b/rootfs"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	printf 'from-the-host\nfrom-the-host\n/data\n/deep/down\n' | cmp - "$T/out"
	[ ! -e "$outside" ]
	[ -f "$T/upper/etc/hostname" ] && [ -d "$T/upper/data" ] && [ -d "$T/upper$outside/down" ]
	journal_query 'map(select(.path == "/mounts" and .measure == "user"))[0]' |
		jq -e --arg d "$outside/down" '.action == "added" and .after == ["/etc/hostname", "/data", $d]'
}

@test "userns: device nodes get the spec's owner and mode, also at a path the host does not have" {
	[ ! -e /dev/hs-test-null ] || skip "/dev/hs-test-null exists on this host"
	b=$(secret_bundle b sh -c 'ls -ln /dev/hs-test-null /dev/hs-test-zero; echo x >/dev/hs-test-null && echo wrote;
		head -c 3 /dev/hs-test-zero | od -An -tx1')
	# A null device under a name the host lacks (as docker --device
	# /dev/null:/dev/hs-test-null writes it), and a zero device the host has
	# as /dev/zero with other owner and mode: runc alone, in a user
	# namespace, would bind-mount the host's node of the same path.
	patch_config "$b" '.linux.devices = [
			{path: "/dev/hs-test-null", type: "c", major: 1, minor: 3, fileMode: 438, uid: 0, gid: 0},
			{path: "/dev/hs-test-zero", type: "c", major: 1, minor: 5, fileMode: 416, uid: 65534, gid: 65534}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"},
			{allow: true, type: "c", major: 1, minor: 5, access: "rwm"}]'
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	cat "$T/out" >&2
	[ "$status" -eq 0 ]
	grep -Eq '^crw-rw-rw- +1 +0 +0 +1, +3 .* /dev/hs-test-null$' "$T/out"
	grep -Eq '^crw-r----- +1 +65534 +65534 +1, +5 .* /dev/hs-test-zero$' "$T/out"
	grep -qx wrote "$T/out"
	grep -qx ' 00 00 00' "$T/out"
	# The journal says what became of the devices; the host has no node.
	journal_query 'map(select(.path == "/linux/devices"))[0]' | jq -e '.action == "removed" and (.before | length) == 2'
	journal_query 'map(select(.path == "/mounts" and .action == "added" and (.note | contains("device nodes"))))[0]' |
		jq -e '.after[0].destination == "/dev/hs-test-null" and (.after[0].source | endswith("/c-1-3-0666-0-0"))'
	[ ! -e /dev/hs-test-null ]
	[ -z "$(ls -A "$HS_STATE_DIR/devices")" ]
	# The spec hardshim wrote starts again.
	hs_out run -b "$b" "$(new_id again)"
	[ "$status" -eq 0 ]
	grep -qx wrote "$T/out"
}

# The nodes a container sees at /dev/tty and /dev/ptmx: link or not, and
# what the path leads to (type, major, minor in hex, mode); owners differ
# in a user namespace and are left out.
TTY_PROBE='for d in tty ptmx; do
	if [ -L /dev/$d ]; then echo "$d: link to $(readlink /dev/$d)"; fi
	echo "$d: $(stat -L -c "%F %t %T %a" /dev/$d)"
	[ -c /dev/$d ] && echo "$d: test -c"
done
{ echo x >/dev/tty; } 2>/dev/null || echo "tty: no controlling terminal"
exec 3<>/dev/ptmx && echo "ptmx: opened"'

# tty_devices BUNDLE: linux.devices lists /dev/tty and /dev/ptmx, as runc's
# own tests and docker --privileged write them.
tty_devices() {
	patch_config "$1" '.linux.devices = [
			{path: "/dev/tty", type: "c", major: 5, minor: 0, fileMode: 438, uid: 0, gid: 0},
			{path: "/dev/ptmx", type: "c", major: 5, minor: 2, fileMode: 438, uid: 0, gid: 0}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 5, minor: 0, access: "rwm"},
			{allow: true, type: "c", major: 5, minor: 2, access: "rwm"}]'
}

@test "userns: linux.devices naming /dev/tty and /dev/ptmx start, and the container sees what plain runc and crun give it" {
	local rt
	for rt in runc crun; do
		if [ $rt = crun ]; then
			why=$(crun_ready) || { echo "# crun skipped: $why" >&3; continue; }
		fi
		rtbin=$RUNC
		[ $rt = runc ] || rtbin=$CRUN
		plain=$(bundle "plain-$rt" sh -c "$TTY_PROBE")
		tty_devices "$plain"
		"$rtbin" run -b "$plain" "$(new_id "plain-$rt")" </dev/null >"$T/plain-$rt.out" 2>"$T/plain-$rt.err"
		[ $rt = runc ] || "$CRUN" delete -f "$(new_id "plain-$rt")" >/dev/null 2>&1 || true
		b=$(bundle "b-$rt" sh -c "$TTY_PROBE")
		tty_devices "$b"
		[ $rt = runc ] || export HARDSHIM_RUNTIME=$CRUN
		hs_out run -b "$b" "$(new_id "c-$rt")"
		unset HARDSHIM_RUNTIME
		[ $rt = runc ] || delete_crun_containers
		cat "$T/err" >&2
		[ "$status" -eq 0 ]
		diff "$T/plain-$rt.out" "$T/out"
		grep -qx 'tty: test -c' "$T/out"
		grep -qx 'ptmx: link to pts/ptmx' "$T/out"
		grep -qx 'ptmx: opened' "$T/out"
	done
	# The journal says why these two are not hardshim's nodes.
	journal_query 'map(select(.path == "/linux/devices/0" and .action == "removed"))[0]' |
		jq -e '.before.path == "/dev/tty" and (.note | contains("the runtime makes /dev/tty itself"))'
	journal_query 'map(select(.path == "/linux/devices/1" and .action == "removed"))[0]' |
		jq -e '.before.path == "/dev/ptmx" and (.note | contains("a link to pts/ptmx"))'
	journal_query 'map(select(.path == "/mounts" and .action == "added" and (.note // "" | contains("device nodes"))))' |
		jq -e 'length == 0'
}

@test "userns: /dev/tty and /dev/ptmx spelled otherwise (/dev//tty, /dev/../dev/ptmx) and next to another device" {
	[ ! -e /dev/hs-test-null ] || skip "/dev/hs-test-null exists on this host"
	b=$(bundle b sh -c "$TTY_PROBE; ls -ln /dev/hs-test-null")
	patch_config "$b" '.linux.devices = [
			{path: "/dev//tty", type: "c", major: 5, minor: 0},
			{path: "/dev/hs-test-null", type: "c", major: 1, minor: 3, fileMode: 432, uid: 0, gid: 0},
			{path: "/dev/../dev/ptmx", type: "c", major: 5, minor: 2}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]'
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	grep -qx 'tty: test -c' "$T/out"
	grep -qx 'ptmx: link to pts/ptmx' "$T/out"
	grep -Eq '^crw-rw---- +1 +0 +0 +1, +3 .* /dev/hs-test-null$' "$T/out"
	journal_query 'map(select(.path == "/mounts" and .action == "added" and (.note // "" | contains("device nodes"))))[0]' |
		jq -e '(.after | length) == 1 and .after[0].destination == "/dev/hs-test-null"'
}

@test "userns: with user.idmap_volumes, volumes are idmapped: the container owns what the host gives its ids" {
	mkdir -p "$T/vol" "$T/plainvol"
	chown 65534:65534 "$T/vol" "$T/plainvol"
	chmod 0700 "$T/vol" "$T/plainvol"
	b=$(secret_bundle b sh -c 'ls -lnd /vol; echo x >/vol/made && echo wrote; ls -ln /vol/made; exit 0')
	patch_config "$b" --arg v "$T/vol" '.mounts += [{destination: "/vol", type: "bind", source: $v, options: ["rbind"]}]'
	cp "$b/config.json" "$T/orig.json"

	# Without the policy: a plain bind; host uid 65534 is not the container's.
	hs_out run -b "$b" "$(new_id plain)"
	[ "$status" -eq 0 ]
	! grep -qx wrote "$T/out"
	# (The source's one record is its pin, bind-pins.bats.)
	journal_query 'map(select(.path | test("^/mounts/[0-9]+/source$")))' | jq -e 'length == 1 and .[0].action == "changed"'

	write_policy '{"user": {"idmap_volumes": true}}'
	cp "$T/orig.json" "$b/config.json"
	hs_out run -b "$b" "$(new_id idmapped)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	grep -Eq '^drwx------ +[0-9]+ +65534 +65534 .* /vol$' "$T/out"
	grep -qx wrote "$T/out"
	grep -Eq '^-rw-r--r-- +1 +65534 +65534 .* /vol/made$' "$T/out"
	# On disk the file has the container's ids, not the mapped range's.
	[ "$(stat -c %u:%g "$T/vol/made")" = "65534:65534" ]
	journal_query 'map(select((.path | test("^/mounts/[0-9]+/source$")) and .action != "changed"))' |
		jq -e --arg v "$T/vol" 'length == 1 and .[0].action == "kept" and .[0].note == "idmapped mount of `" + $v + "` (the container'"'"'s mapping)"'
	# The host never sees the idmapped clone.
	! grep -F "$T/vol" /proc/self/mountinfo
}

@test "userns: idmap_volumes is refused for two classes, or with capabilities that make set-id files" {
	write_policy '{"user": {"idmap_volumes": true}, "capabilities": {"allow": ["CAP_CHOWN"]}}'
	b=$(bundle b true)
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -ne 0 ]
	assert_contains "$(cat "$T/err")" 'sets `idmap_volumes` and `capabilities.allow` has `CAP_CHOWN`'
	write_policy '{"user": {"idmap_volumes": true}, "classes": {"web": {"match": {"annotation": "io.hardshim.class=web"},
		"user": {"subid_owner": "hstest-web", "idmap_volumes": true}}}}'
	hs_out run -b "$b" "$(new_id c2)"
	[ "$status" -ne 0 ]
	assert_contains "$(cat "$T/err")" 'classes `default` and `web` both set `idmap_volumes`'
}

# crun 1.8.1 honours the `idmap` mount option and mounts[].gidMappings: a
# host file of group G shows as container gid G (or any gid the spec names).
@test "userns: crun: an idmapped bind mount from the spec is refused; a host group's 0640 file stays unread" {
	local why gid=4711
	why=$(crun_ready) || skip "$why"
	export HARDSHIM_RUNTIME=$CRUN
	mkdir -p "$T/src"
	echo secret >"$T/src/f"
	chown 0:$gid "$T/src/f"
	chmod 0640 "$T/src/f"
	for how in option mapping; do
		b=$(secret_bundle "$how" sh -c 'cat /hf/f && echo READ')
		mkdir -p "$b/rootfs/hf"
		if [ "$how" = option ]; then
			patch_config "$b" --arg s "$T/src" --argjson g $gid '.process.user.additionalGids = [$g]
				| .mounts += [{destination: "/hf", type: "bind", source: $s, options: ["bind", "idmap"]}]'
		else
			patch_config "$b" --arg s "$T/src" '.process.user.additionalGids = [42]
				| .mounts += [{destination: "/hf", type: "bind", source: $s, options: ["bind"],
					uidMappings: [{containerID: 0, hostID: 1000000, size: 65536}],
					gidMappings: [{containerID: 4711, hostID: 1000042, size: 1}]}]'
		fi
		hs_out run -b "$b" "$(new_id "$how")"
		cat "$T/out" "$T/err" >&2
		[ "$status" -ne 0 ]
		! grep -q secret "$T/out"
		grep -qF 'an idmapped mount from the spec would give the container files of any host id' "$T/err"
	done
}

@test "userns: a read-only bind of a nosuid,nodev,noexec mount (CRI's /dev/shm) starts: its locked flags are added" {
	mkdir -p "$T/shm"
	mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=1m shm "$T/shm"
	echo hello >"$T/shm/f"
	b=$(bundle b sh -c 'cat /dev/shm/f; echo x >/dev/shm/g && echo wrote; grep " /dev/shm " /proc/self/mounts; exit 0')
	patch_config "$b" --arg s "$T/shm" '.mounts |= map(select(.destination != "/dev/shm"))
		| .mounts += [{destination: "/dev/shm", type: "bind", source: $s, options: ["rbind", "ro"]}]'
	hs_out run -b "$b" "$(new_id c)"
	umount "$T/shm"
	cat "$T/err" >&2
	cat "$T/out" >&2
	[ "$status" -eq 0 ]
	grep -qx hello "$T/out"
	! grep -qx wrote "$T/out"
	grep -E ' /dev/shm tmpfs ro,nosuid,nodev,noexec' "$T/out"
	# detect made the volume nodev; its other locked flags are added after.
	journal_query 'map(select(.path | test("^/mounts/[0-9]+/options$")) | select(.measure == "detect"))[0]' |
		jq -e '.action == "changed" and .before == ["rbind", "ro"] and .after == ["rbind", "ro", "nodev"]'
	journal_query 'map(select(.path | test("^/mounts/[0-9]+/options$")) | select(.measure != "detect"))[0]' |
		jq -e '.action == "changed" and .before == ["rbind", "ro", "nodev"] and .after == ["rbind", "ro", "nodev", "nosuid", "noexec"]'
}
