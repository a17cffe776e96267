#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Measure detect on bundles through runc (the engines' rows are in
# detect-engines.bats): what a spec asks for that no measure can repair is
# refused with one line, unless the class allows exactly it, and then it
# runs, hardened, with what was allowed and nothing more.

load helpers

setup() {
	common_setup
	id=$(new_id detect)
}

teardown() {
	umount "$T/vol/root" 2>/dev/null || true
	common_teardown
}

# A bundle without a network namespace entry (the host's).
host_net_bundle() {
	b=$(bundle b sh -c 'ls /sys/class/net | tr "\n" " "; echo; grep -c . /proc/net/dev')
	patch_config "$b" '.linux.namespaces |= map(select(.type != "network"))'
}

@test "detect: the host's network namespace is refused with one line naming the request and how to allow it; runc never starts" {
	host_net_bundle
	hs_out run -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_line_exact "hardshim: host network namespace (docker --net=host, Kubernetes hostNetwork) is refused by policy $HARDSHIM_POLICY; allow it for a class with \"allow\": {\"namespaces\": [\"network\"]}" "$T/err"
	runc_gone "$id"
	journal_query 'map(select(.measure == "detect" and .action == "refused"))' | jq -e 'length == 1 and (.[0].before.missing == "network")'
}

@test "detect: under a policy that allows the host's network namespace, the container sees the host's interfaces through a read-only sysfs, and is still hardened" {
	write_policy '{"mode": "enforce", "allow": {"namespaces": ["network"]}}'
	host_net_bundle
	patch_config "$b" '.process.args = ["sh", "-c", "ls /sys/class/net | tr \"\\n\" \" \"; echo; touch /sys/x 2>&1; grep -E \"^(CapEff|NoNewPrivs)\" /proc/self/status; id -u"]'
	hs_out run -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	for dev in $(ls /sys/class/net); do assert_contains "$(cat "$T/out")" "$dev"; done
	assert_contains "$(cat "$T/out")" "Read-only file system"
	assert_contains "$(cat "$T/out")" "CapEff:	0000000000000000"
	assert_contains "$(cat "$T/out")" "NoNewPrivs:	1"
	[ "$(tail -1 "$T/out")" = 65534 ]
}

@test "detect: under a policy that allows the host's PID namespace, the container sees the host's processes" {
	write_policy '{"mode": "enforce", "allow": {"namespaces": ["pid"]}}'
	b=$(bundle b sh -c 'ls -d /proc/[0-9]* | wc -l')
	patch_config "$b" '.linux.namespaces |= map(select(.type != "pid"))'
	hs_out run -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out")" -gt 10 ]
}

@test "detect: a plain volume that holds a bind of / below it (an rbind carries it along) is refused; without the submount it runs" {
	mkdir -p "$T/vol/root" "$T/vol/data"
	mount --bind / "$T/vol/root"
	b=$(bundle b ls /v/data)
	patch_config "$b" --arg v "$T/vol" '.mounts += [{"destination": "/v", "type": "bind", "source": $v, "options": ["rbind"]}]'
	hs_out run -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_line_exact "hardshim: host path $T/vol as a volume (docker -v $T/vol:..., Kubernetes hostPath; it holds $T/vol/root (a mount of /)) is refused by policy $HARDSHIM_POLICY; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"$T/vol\", \"readonly\": true}]}" "$T/err"
	umount "$T/vol/root"
	hs_out run -b "$b" "$(new_id again)"
	cat "$T/err"
	[ "$status" -eq 0 ]
}

@test "detect: a hook the class lists runs, by its own path; with LD_PRELOAD in its environment it is refused, naming the variable only; named through a link others may swap, the runtime gets the program hardshim judged" {
	write_policy '{"mode": "enforce", "allow": {"hooks": ["/bin/true"]}}'
	b=$(bundle b true)
	patch_config "$b" '.hooks = {"prestart": [{"path": "/bin/true"}]}'
	cp "$b/config.json" "$T/config.orig"
	hs_out run -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	# The runtime got the program's own path, which hardshim judged.
	jq -e --arg p "$(realpath /bin/true)" '.hooks.prestart[0].path == $p' "$b/config.json"
	cp "$T/config.orig" "$b/config.json"
	patch_config "$b" '.hooks.prestart[0].env = ["LD_PRELOAD=/tmp/secret-name.so"]'
	hs_out run -b "$b" "$(new_id env)"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "but the spec sets \`LD_PRELOAD\` in its environment"
	! grep -q secret-name "$T/err"
	# A link in a directory others may write: the program it names now is
	# root's, but the link could name another by the time the hook runs.
	mkdir -m 1777 "$T/sticky"
	ln -s /bin/true "$T/sticky/hook"
	chown -h 65534 "$T/sticky/hook"
	write_policy "{\"mode\": \"enforce\", \"allow\": {\"hooks\": [\"$T/sticky/hook\"]}}"
	cp "$T/config.orig" "$b/config.json"
	patch_config "$b" --arg h "$T/sticky/hook" '.hooks.prestart[0].path = $h'
	hs_out run -b "$b" "$(new_id link)"
	cat "$T/err"
	[ "$status" -eq 0 ]
	jq -e --arg p "$(realpath /bin/true)" '.hooks.prestart[0].path == $p' "$b/config.json"
}

@test "detect: a refusal that quotes the spec stays one line on stderr (control characters written as \\xNN)" {
	b=$(bundle b true)
	patch_config "$b" '.hooks = {"prestart": [{"path": "/x\nlevel=info msg=\"container started\"\u001b[2K"}]}'
	hs_out run -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" 'hook prestart[0] /x\x0alevel=info msg="container started"\x1b[2K'
	runc_gone "$id"
}

@test "detect: a process whose spec sets no rlimit or oomScoreAdj does not keep the runtime's above the policy's ceilings" {
	write_policy '{"mode": "enforce", "resources": {"rlimits": {"RLIMIT_NOFILE": 4096}}}'
	b=$(bundle b sh -c 'ulimit -n; ulimit -Hn')
	patch_config "$b" 'del(.process.rlimits) | del(.process.oomScoreAdj)'
	[ "$(ulimit -Hn)" -gt 4096 ] || skip "the test's own hard nofile limit ($(ulimit -Hn)) is not above 4096"
	hs_out run -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$T/out")" = 4096 ]
	[ "$(sed -n 2p "$T/out")" = 4096 ]
	journal_query 'map(select(.measure == "detect" and .action == "added" and (.path | startswith("/process/rlimits/"))))' |
		jq -e 'length == 1 and .[0].after.type == "RLIMIT_NOFILE" and .[0].after.hard == 4096'
	# An inherited oom_score_adj below the minimum (a shim's -998) gets the
	# minimum.  Root here cannot lower its own (no CAP_SYS_RESOURCE): the
	# test raises both instead.
	write_policy '{"mode": "enforce", "resources": {"oom_score_adj_min": 600}}'
	b2=$(bundle b2 cat /proc/self/oom_score_adj)
	patch_config "$b2" 'del(.process.oomScoreAdj)'
	(echo 500 >/proc/self/oom_score_adj && exec "$HS" run -b "$b2" "$(new_id oom)") >"$T/out" 2>"$T/err"
	cat "$T/err"
	[ "$(cat "$T/out")" = 600 ]
}

@test "detect: without a cgroupsPath the runtime names the cgroup after the container id; an existing one that holds other processes is refused" {
	[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids"
	own=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
	victim=/sys/fs/cgroup/pids${own%/}/$id
	mkdir -p "$victim"
	sleep 60 &
	sleeper=$!
	echo "$sleeper" >"$victim/cgroup.procs"
	b=$(bundle b true)
	patch_config "$b" 'del(.linux.cgroupsPath)'
	hs_out run -b "$b" "$id"
	kill "$sleeper"; wait "$sleeper" 2>/dev/null || true
	rmdir "$victim"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "the cgroup the runtime names after the container id $id (no linux.cgroupsPath) is the existing cgroup $victim, which holds 1 processes"
	runc_gone "$id"
}
