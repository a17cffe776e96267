#!/usr/bin/env bats
# The engine's seccomp profile meets hardshim's: never looser than either.

load helpers

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# A permissive engine profile (default allow) that denies mkdir with EACCES,
# denies personality(PER_LINUX32) with EINVAL and turns off the speculative store
# bypass mitigation (runc 1.1 refuses any other flag).
ENGINE_PROFILE='{
	"defaultAction": "SCMP_ACT_ALLOW",
	"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	"flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
	"syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}
	]
}'

@test "seccomp merge: the engine's denial keeps its errno, hardshim's denials are added, the journal says which" {
	b=$(bundle b sh -c 'mkdir /tmp/d 2>&1; echo "mkdir=$?"; unshare -n true 2>&1; echo "unshare=$?"; touch /tmp/f && echo touch-ok')
	patch_config "$b" ".linux.seccomp = $ENGINE_PROFILE"
	id=$(new_id merge)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	# The engine's EACCES for mkdir, not hardshim's allow.
	grep -q "mkdir: can't create directory '/tmp/d': Permission denied" "$T/out"
	assert_line_exact "mkdir=1" "$T/out"
	# hardshim's EPERM for a new network namespace, which the engine allowed.
	grep -q 'unshare(0x40000000): Operation not permitted' "$T/out"
	assert_line_exact "unshare=1" "$T/out"
	assert_line_exact "touch-ok" "$T/out"

	s=$(jq -c .linux.seccomp "$b/config.json")
	# Merged: hardshim's default deny, native architecture only, no SPEC_ALLOW,
	# the engine's personality condition kept.
	jq -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 38' <<<"$s"
	jq -e '.architectures == ["SCMP_ARCH_X86_64"]' <<<"$s"
	jq -e '.flags == []' <<<"$s"
	# personality: hardshim's allowed values but PER_LINUX32, which keeps the engine's EINVAL.
	jq -e '[.syscalls[] | select(.names | index("personality")) | select(.action == "SCMP_ACT_ALLOW") | .args[0].value] | sort == [0, 131072, 131080, 4294967295]' <<<"$s"
	jq -e '[.syscalls[] | select(.names | index("personality")) | select(.action == "SCMP_ACT_ERRNO")] | length == 1 and .[0].errnoRet == 22 and .[0].args[0].value == 8' <<<"$s"
	jq -e '[.syscalls[] | select(.names | index("mkdirat")) | .errnoRet] == [13]' <<<"$s"

	journal_query '[.[] | select(.measure == "seccomp")]' >"$T/records"
	jq -e 'any(.[]; .path == "/linux/seccomp" and .action == "changed" and .before.defaultAction == "SCMP_ACT_ALLOW")' "$T/records"
	jq -e 'any(.[]; .path == "/linux/seccomp/flags" and .before == ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"] and .after == [])' "$T/records"
	jq -e 'any(.[]; .path == "/linux/seccomp/architectures" and .after == ["SCMP_ARCH_X86_64"])' "$T/records"
	jq -e 'any(.[]; .path == "/linux/seccomp/syscalls" and .action == "kept" and (.before | index("mkdirat")) and (.before | index("personality")))' "$T/records"
}

@test "seccomp merge: Docker's profile loses what hardshim denies, and the journal lists it" {
	b=$(bundle b true)
	patch_config "$b" ".linux.seccomp = $(jq -c .linux.seccomp "$HS_SRCDIR/tests/data/specs/docker.json")"
	id=$(new_id docker)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	journal_query '[.[] | select(.measure == "seccomp" and .path == "/linux/seccomp/syscalls" and .action == "removed")][0].before' >"$T/removed"
	for s in ptrace io_uring_setup io_uring_enter adjtimex clock_adjtime modify_ldt; do
		jq -e --arg s "$s" 'index($s) != null' "$T/removed"
	done
	# ... and none of them is allowed in the spec runc ran.
	jq -e '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW") | .names[]]
		| (index("ptrace") == null and index("io_uring_setup") == null)' "$b/config.json"
}

@test "seccomp: a policy naming a profile that does not exist refuses the container" {
	write_policy '{"seccomp": {"profile": "no-such-profile"}}'
	b=$(bundle b true)
	cp "$b/config.json" "$T/orig"
	id=$(new_id noprofile)

	hs_out run -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "no-such-profile.json"
	cmp "$T/orig" "$b/config.json"
	runc_gone "$id"
}

@test "seccomp: an engine profile hardshim cannot read (unknown action) refuses the container" {
	b=$(bundle b true)
	patch_config "$b" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_MAYBE"}]}'
	cp "$b/config.json" "$T/orig"
	id=$(new_id badaction)

	hs_out run -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" 'unknown action `SCMP_ACT_MAYBE`'
	cmp "$T/orig" "$b/config.json"
	runc_gone "$id"
}
