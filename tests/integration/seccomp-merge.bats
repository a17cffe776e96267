#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The engine's seccomp profile meets hardshim's: never looser than either.

load helpers

setup() {
	common_setup
}

teardown() {
	stop_agent
	delete_crun_containers
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

# start_agent: a seccomp listener in $T/agent.sock answering every
# notification with "continue"; the syscall numbers it saw go to $T/agent.log.
start_agent() {
	"$HS_SRCDIR/tests/lib/seccomp-agent.py" "$T/agent.sock" "$T/agent.log" &
	AGENT_PID=$!
	for _ in $(seq 50); do
		grep -qx ready "$T/agent.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the seccomp agent did not start" >&2
	return 1
}

stop_agent() {
	[ -z "${AGENT_PID:-}" ] || kill "$AGENT_PID" 2>/dev/null || true
	AGENT_PID=
}

# issue 13 #4: NOTIFY counts as allowing; it never covers hardshim's denial.
@test "seccomp merge: the engine's NOTIFY of unshare, with an agent that says continue, cannot open a user namespace" {
	start_agent
	b=$(bundle b sh -c 'unshare -U -r sh -c "id -u; grep CapEff /proc/self/status" 2>&1; echo "userns=$?"
		unshare true 2>&1; echo "plain=$?"')
	patch_config "$b" --arg sock "$T/agent.sock" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $sock, "listenerMetadata": "m1",
		"syscalls": [{"names": ["unshare", "clone", "socket", "personality"], "action": "SCMP_ACT_NOTIFY"}]}'
	id=$(new_id notify)

	hs_out run -b "$b" "$id"
	stop_agent
	cat "$T/out" "$T/err" "$T/agent.log"
	[ "$status" -eq 0 ]
	# The filter stops unshare(CLONE_NEWUSER) itself: the agent is never asked.
	grep -q 'unshare(0x10000000): Operation not permitted' "$T/out"
	assert_line_exact "userns=1" "$T/out"
	! grep -q 'CapEff:.*[1-9a-f]' "$T/out"
	# ... and the calls hardshim allows still go to the engine's agent.
	assert_line_exact "plain=0" "$T/out"
	grep -qx 272 "$T/agent.log" # unshare(0) on x86_64

	s=$(jq -c .linux.seccomp "$b/config.json")
	jq -e --arg sock "$T/agent.sock" '.listenerPath == $sock and .listenerMetadata == "m1"' <<<"$s"
	jq -e '[.syscalls[] | select(.names | index("unshare")) | select(.action == "SCMP_ACT_NOTIFY")] | length == 1
		and .[0].args[0].valueTwo == 0' <<<"$s"
	jq -e '[.syscalls[] | select(.action == "SCMP_ACT_NOTIFY") | select((.args // []) | length == 0)] == []' <<<"$s"
	journal_query '[.[] | select(.measure == "seccomp" and .path == "/linux/seccomp/syscalls")]' >"$T/records"
	jq -e 'any(.[]; .action == "changed" and (.before | index("unshare")) and (.after | test("argument conditions")))' "$T/records"
	jq -e 'all(.[]; .action != "kept" or (.before | index("unshare") == null))' "$T/records"
}

# A short allowlist in the style of runc's own seccomp tests (ENXIO for the
# rest): what runc's init, busybox and hardshim's Landlock helper call, and
# no landlock_* call.
SHORT_ALLOWLIST='["access", "arch_prctl", "brk", "capget", "capset", "chdir", "clone", "close", "dup2", "epoll_ctl",
	"epoll_pwait", "execve", "exit", "exit_group", "fchdir", "fcntl", "fstat", "fstatfs", "futex", "getcwd",
	"getdents64", "getpid", "getppid", "getrandom", "gettid", "getuid", "ioctl", "lseek", "madvise", "mmap",
	"mprotect", "munmap", "nanosleep", "newfstatat", "openat", "prctl", "pread64", "prlimit64", "read", "readlink",
	"rseq", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sched_getaffinity", "sched_yield",
	"set_robust_list", "set_tid_address", "setgid", "setgroups", "setuid", "sigaltstack", "statx", "tgkill",
	"uname", "utimensat", "wait4", "write"]'

# issue 13 #11: the helper's landlock_* calls only take rights away.
@test "seccomp merge: an engine allowlist without landlock_* still starts the container, with /etc and /home denied" {
	# A writable root (the policy allows one) with directories anyone may
	# write: only Landlock stops the writes beneath /etc and /home.
	write_policy '{"rootfs": {"readonly": false}}'
	b=$(bundle b sh -c 'echo x >/work/new && echo work-ok; echo x >/etc/app/new 2>&1; echo "etc=$?"
		touch /home/u/new 2>&1; echo "home=$?"')
	mkdir -m 0777 "$b/rootfs/etc/app" "$b/rootfs/home" "$b/rootfs/home/u" "$b/rootfs/work"
	chmod 0777 "$b/rootfs/etc/app" "$b/rootfs/home/u" "$b/rootfs/work"
	patch_config "$b" --argjson names "$SHORT_ALLOWLIST" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
		"defaultErrnoRet": 6, "syscalls": [{"names": $names, "action": "SCMP_ACT_ALLOW"}]}
		| .root.readonly = false'
	id=$(new_id nolandlock)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	assert_line_exact "work-ok" "$T/out"
	# Landlock's EACCES, not the engine's ENXIO: the helper restricted itself.
	grep -q "can't create /etc/app/new: Permission denied" "$T/err"
	assert_line_exact "etc=1" "$T/out"
	grep -q "touch: /home/u/new: Permission denied" "$T/out"
	assert_line_exact "home=1" "$T/out"
	[ ! -e "$b/rootfs/etc/app/new" ] && [ ! -e "$b/rootfs/home/u/new" ] && [ -e "$b/rootfs/work/new" ]

	jq -e '[.linux.seccomp.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.args // []) == []) | .names[]]
		| index("landlock_create_ruleset") and index("landlock_add_rule") and index("landlock_restrict_self")' "$b/config.json"
	journal_query '[.[] | select(.measure == "seccomp" and .path == "/linux/seccomp/syscalls" and .action == "changed"
		and .before == ["landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"])] | length == 1' | grep -qx true
}

# issue 13 #12: a rule comparing one argument twice, as runc's own tests
# write them.  runc 1.1 and crun 1.8 both add each condition as a rule of its
# own (measured: chmod denied for mode 0700 and for 0755, allowed for 0711);
# hardshim reads it the same way and writes rules both read alike.
TWICE_PROFILE='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod", "fchmodat"],
	"action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 448, "op": "SCMP_CMP_EQ"},
	{"index": 1, "value": 493, "op": "SCMP_CMP_EQ"}]}]}'

run_twice() {
	b=$(bundle b sh -c 'touch /tmp/f; for m in 700 755 711; do echo "$m: $(chmod $m /tmp/f 2>&1)"; done')
	patch_config "$b" ".linux.seccomp = $TWICE_PROFILE"
	id=$(new_id twice)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	# Either condition denies (an AND of the two would deny nothing, and
	# libseccomp refuses both in one rule).  0711 is not the engine's to deny:
	# it gets through or, as every chmod the engine's default allows and no
	# hardshim rule spells out, meets hardshim's ENOSYS (journaled `narrowed`).
	assert_line_exact "700: chmod: /tmp/f: Permission denied" "$T/out"
	assert_line_exact "755: chmod: /tmp/f: Permission denied" "$T/out"
	grep -q '^711: ' "$T/out" && ! grep -q '^711: .*Permission denied' "$T/out"
	jq -e '[.linux.seccomp.syscalls[] | select(.names == ["chmod"]) | select(.action == "SCMP_ACT_ERRNO")
		| .args | length == 1] == [true, true]' "$b/config.json"
	journal_query '[.[] | select(.measure == "seccomp" and .path == "/linux/seccomp/syscalls" and .action == "changed"
		and .before == ["chmod", "fchmodat"] and (.after | test("one rule per condition")))] | length == 1' | grep -qx true
}

@test "seccomp merge: a rule comparing one argument twice is read as runc reads it (either condition)" {
	run_twice
}

@test "seccomp merge: a rule comparing one argument twice is read as crun reads it (either condition)" {
	why=$(crun_ready) || skip "$why"
	export HARDSHIM_RUNTIME=$CRUN
	run_twice
}
