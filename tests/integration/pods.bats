#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Containers that join other containers' namespaces by path (pods, docker
# --net=container:X), with the real runc: each path is judged by what the
# kernel says it is; a container joins the user namespace the namespaces
# belong to only when its mapping is the container's class's own; a
# network namespace of the host's user namespace gets a sysfs hardshim
# mounts inside it.

load helpers

WEB_OWNER=hstest-web
CLASSES='{"web": {"match": {"annotation": "io.hardshim.class=web"}, "user": {"subid_owner": "hstest-web"}}}'

setup_file() {
	"$HS_SRCDIR/contrib/subids.sh" "$WEB_OWNER" 1065536
}

setup() {
	common_setup
	write_policy "{\"mode\": \"enforce\", \"classes\": $CLASSES}"
	NETNS=hst-$$-${BATS_TEST_NUMBER}
}

teardown() {
	common_teardown
	ip netns delete "$NETNS" 2>/dev/null || true
}

# pod_owner: a running container A (default class), its pid on stdout.
pod_owner() {
	local b
	b=$(bundle a sleep 300) || return 1
	hs_out run -d -b "$b" "$(new_id a)"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; return 1; }
	"$RUNC" state "$(new_id a)" | jq -r .pid
}

# joiner NAME JQ-NAMESPACES CMD...: a bundle whose namespaces are JQ-NAMESPACES ($p: /proc/PID/ns).
joiner() {
	local name=$1 ns=$2 b
	shift 2
	b=$(bundle "$name" "$@") || return 1
	patch_config "$b" --arg p "/proc/$PID/ns" --arg n "/var/run/netns/$NETNS" ".linux.namespaces = $ns" || return 1
	echo "$b"
}

NS_SH='echo "user=$(readlink /proc/self/ns/user)"; echo "ipc=$(readlink /proc/self/ns/ipc)"
echo "net=$(readlink /proc/self/ns/net)"; echo "uts=$(readlink /proc/self/ns/uts)"
echo "id-u=$(id -u)"; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; ls /sys/class/net | tr "\n" " "; echo'

@test "pods: a container joining another's IPC, UTS and network namespaces joins its user namespace, hardened" {
	PID=$(pod_owner)
	b=$(joiner b '[{type: "pid"}, {type: "mount"}, {type: "ipc", path: ($p + "/ipc")}, {type: "uts", path: ($p + "/uts")},
		{type: "network", path: ($p + "/net")}]' sh -c "$NS_SH")
	hs_out run -b "$b" "$(new_id b)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	for ns in user ipc net uts; do
		assert_line_exact "$ns=$(readlink "/proc/$PID/ns/$ns")" "$T/out"
	done
	assert_line_exact "id-u=65534" "$T/out"
	assert_line_exact "CapEff:${TAB}0000000000000000" "$T/out"
	assert_line_exact "NoNewPrivs:${TAB}1" "$T/out"
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
	journal_query 'map(select(.id | endswith("-b")) | select(.path == "/linux/namespaces" and .action == "changed"))' |
		jq -e --arg p "/proc/$PID/ns/" --arg u "$HS_STATE_DIR/ns/user" 'length == 1 and .[0].after.path == $u
			and (.[0].note | contains($p))'
	# The runtime joins what hardshim checked, pinned; the engine's paths are kept.
	jq -e --arg p "/proc/$PID/ns" --arg s "$HS_STATE_DIR/ns/" '(.linux.namespaces | map(select(.path != null)) | map(.path) | sort)
		== [$s + "ipc", $s + "network", $s + "user", $s + "uts"]
		and .annotations["io.hardshim.ns.ipc"] == ($p + "/ipc") and .annotations["io.hardshim.ns.network"] == ($p + "/net")' \
		"$b/config.json"
	# The sealed spec starts again, in the same namespaces.
	hs_out run -b "$b" "$(new_id b2)"
	[ "$status" -eq 0 ]
	assert_line_exact "ipc=$(readlink "/proc/$PID/ns/ipc")" "$T/out"
	# Without the seal, hardshim's own paths name nothing.
	patch_config "$b" --arg r "$b/rootfs" 'del(.annotations["io.hardshim.seal"]) | .root.path = $r'
	hs_out run -b "$b" "$(new_id b3)"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "$HS_STATE_DIR/ns/"
	runc_gone "$(new_id b3)"
}

@test "pods: joining the namespaces of a container of another class is refused (classes never share a user namespace)" {
	PID=$(pod_owner)
	b=$(joiner b '[{type: "pid"}, {type: "mount"}, {type: "ipc", path: ($p + "/ipc")}]' true)
	patch_config "$b" '.annotations["io.hardshim.class"] = "web"'
	cp "$b/config.json" "$T/orig.json"
	hs_out run -b "$b" "$(new_id b)"
	cat "$T/err" >&2
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "belongs to a user namespace that is not class \`web\`'s"
	runc_gone "$(new_id b)"
	cmp "$T/orig.json" "$b/config.json"
}

@test "pods: a namespace path that is no namespace of its type, or namespaces of two user namespaces, is refused" {
	PID=$(pod_owner)
	echo x >"$T/file"
	for ns in '[{type: "mount"}, {type: "ipc", path: "'"$T"'/file"}]' \
		'[{type: "mount"}, {type: "ipc", path: ($p + "/net")}]' \
		'[{type: "mount"}, {type: "user", path: "/proc/1/ns/user"}]'; do
		b=$(joiner b "$ns" true)
		hs_out run -b "$b" "$(new_id b)"
		cat "$T/err" >&2
		[ "$status" -eq 1 ]
		assert_one_error_line "$T/err"
		runc_gone "$(new_id b)"
		rm -rf "$T/b"
	done
	# A and C each in a user namespace of their own: B cannot be in both.
	b=$(bundle c sleep 300)
	hs_out run -d -b "$b" "$(new_id c)"
	[ "$status" -eq 0 ]
	C=$("$RUNC" state "$(new_id c)" | jq -r .pid)
	b=$(joiner b '[{type: "mount"}, {type: "ipc", path: ($p + "/ipc")}, {type: "uts", path: "/proc/'"$C"'/ns/uts"}]' true)
	hs_out run -b "$b" "$(new_id b)"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "belong to two different user namespaces"
}

@test "pods: a network namespace of the host's user namespace (CRI's pod network) gets a read-only sysfs of its own" {
	ip netns add "$NETNS"
	ip -n "$NETNS" link add hsveth0 type veth peer name hsveth1
	b=$(bundle s sh -c 'ls /sys/class/net | tr "\n" " "; echo; grep " /sys " /proc/self/mounts; touch /sys/x 2>&1; exit 0')
	patch_config "$b" --arg n "/var/run/netns/$NETNS" '.linux.namespaces |= map(if .type == "network" then .path = $n else . end)'
	hs_out run -b "$b" "$(new_id s)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	# The sysfs of the joined network namespace, not the host's.
	grep -qx 'hsveth0 hsveth1 lo ' "$T/out"
	grep -q ' /sys sysfs ro,' "$T/out"
	journal_query 'map(select(.path | test("^/mounts/[0-9]+$")) | select(.before.type == "sysfs"))' |
		jq -e --arg s "$HS_STATE_DIR/sys" 'length == 1 and .[0].action == "changed" and .[0].after.source == $s'
	# A spec that names hardshim's sysfs directory itself is refused.
	patch_config "$b" --arg s "$HS_STATE_DIR/sys" '.mounts += [{destination: "/mnt", type: "bind", source: $s, options: ["rbind"]}]
		| del(.annotations["io.hardshim.seal"])'
	hs_out run -b "$b" "$(new_id s2)"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "hardshim's state directory"
}

@test "pods: an exec into a container that inherited its network namespace runs in that namespace" {
	ip netns add "$NETNS"
	ip -n "$NETNS" link add hsveth0 type veth peer name hsveth1
	# A: a sandbox in the network namespace; B joins A's IPC (and so A's
	# user namespace) and the network namespace runc cannot join after it.
	b=$(bundle a sleep 300)
	patch_config "$b" --arg n "/var/run/netns/$NETNS" '.linux.namespaces |= map(if .type == "network" then .path = $n else . end)'
	hs_out run -d -b "$b" "$(new_id a)"
	[ "$status" -eq 0 ]
	PID=$("$RUNC" state "$(new_id a)" | jq -r .pid)
	b=$(joiner b '[{type: "pid"}, {type: "mount"}, {type: "uts"}, {type: "ipc", path: ($p + "/ipc")}, {type: "network", path: $n}]' sleep 300)
	hs_out run -d -b "$b" "$(new_id b)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	jq -e '.linux.namespaces | map(.type) | index("network") == null' "$b/config.json"
	B=$("$RUNC" state "$(new_id b)" | jq -r .pid)
	[ "$(readlink "/proc/$B/ns/net")" = "$(readlink "/proc/$PID/ns/net")" ]
	hs_out exec "$(new_id b)" sh -c 'readlink /proc/self/ns/net; ls /sys/class/net | tr "\n" " "'
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	grep -qxF "$(readlink "/proc/$PID/ns/net")" "$T/out"
	grep -q 'hsveth0 hsveth1 lo' "$T/out"
}
