#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# `hardshim run`: the container is hardened as seen from inside, the exit
# status is the container's, hardshim is silent, the journal says what changed.

load helpers

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# A spec weaker than `runc spec`'s: writable root, no noNewPrivileges,
# capabilities in all five sets.
WEAKEN='.root.readonly = false | del(.process.noNewPrivileges)
	| .process.capabilities.inheritable = .process.capabilities.bounding'

# What the container reports about itself (stderr folded into stdout).
PROBE='exec 2>&1
grep -E "^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
echo "id-u=$(id -u)"
echo "id-g=$(id -g)"
if touch /probe; then echo root-write-ok; else echo root-write-failed; fi
if echo data >/tmp/probe && [ "$(cat /tmp/probe)" = data ]; then echo tmp-write-ok; fi
if echo data >/run/probe && [ "$(cat /run/probe)" = data ]; then echo run-write-ok; fi
grep -E "^[^ ]+ /(tmp|run) " /proc/mounts
echo "mode-tmp=$(stat -c %a /tmp)"
echo "mode-run=$(stat -c %a /run)"
echo "owner-run=$(stat -c %u:%g /run)"'

@test "run: the container has no capabilities, NoNewPrivs, seccomp, a non-root user, a read-only root and tmpfs /tmp and /run" {
	b=$(bundle b sh -c "$PROBE")
	patch_config "$b" "$WEAKEN"
	id=$(new_id run)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	o=$T/out
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line_exact "$set:${TAB}0000000000000000" "$o"
	done
	assert_line_exact "NoNewPrivs:${TAB}1" "$o"
	assert_line_exact "Seccomp:${TAB}2" "$o"
	assert_line_exact "Uid:${TAB}65534${TAB}65534${TAB}65534${TAB}65534" "$o"
	assert_line_exact "Gid:${TAB}65534${TAB}65534${TAB}65534${TAB}65534" "$o"
	assert_line_exact "id-u=65534" "$o"
	assert_line_exact "id-g=65534" "$o"
	# Writing to / fails because the root is read-only (not for lack of rights).
	assert_line_exact "root-write-failed" "$o"
	grep -q '^touch: /probe: Read-only file system$' "$o"
	[ ! -e "$b/rootfs/probe" ]
	assert_line_exact "tmp-write-ok" "$o"
	grep -qE '^tmpfs /tmp tmpfs rw,nosuid,nodev[, ]' "$o"
	grep -qE '^tmpfs /run tmpfs rw,nosuid,nodev[, ]' "$o"
	assert_line_exact "mode-tmp=1777" "$o"

	# The spec on disk is the hardened one runc ran.
	jq -e '.process.user.uid == 65534 and .process.user.gid == 65534
		and .process.noNewPrivileges == true and .root.readonly == true
		and ([.process.capabilities[]] | add) == []' "$b/config.json"
	runc_gone "$id"
}

@test "run: /run is a tmpfs the container's non-root user can write" {
	# The image's /run is 0755 root:root, as in Debian's base files.
	b=$(bundle b sh -c "$PROBE")
	[ "$(stat -c '%a %u' "$b/rootfs/run")" = "755 0" ]
	hs_out run -b "$b" "$(new_id run-dir)"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	assert_line_exact "id-u=65534" "$T/out"
	grep -qE '^tmpfs /run tmpfs rw,nosuid,nodev[, ]' "$T/out"
	assert_line_exact "run-write-ok" "$T/out"
	# runc 1.1 gives a tmpfs the mode of the directory it covers (0755
	# here), whatever mode= says; hardshim makes the tmpfs belong to the
	# container's user instead, so that user (and no other) can write.
	assert_line_exact "owner-run=65534:65534" "$T/out"
}

@test "run: the container's exit status is hardshim's" {
	b=$(bundle b sh -c 'exit 3')
	id=$(new_id exit3)
	hs_out run -b "$b" "$id"
	[ "$status" -eq 3 ]
	[ ! -s "$T/out" ]
	[ ! -s "$T/err" ]

	b0=$(bundle b0 true)
	hs_out run -b "$b0" "$(new_id exit0)"
	[ "$status" -eq 0 ]
}

@test "run: hardshim itself writes nothing on stdout or stderr" {
	b=$(bundle b sh -c 'echo to-stdout; echo to-stderr >&2; id -u')
	hs_out run -b "$b" "$(new_id quiet)"
	[ "$status" -eq 0 ]
	printf 'to-stdout\n65534\n' | cmp - "$T/out"
	printf 'to-stderr\n' | cmp - "$T/err"

	# The same (now hardened) bundle run by runc directly prints the same bytes.
	runc_bridged "$b" run -b "$b" "$(new_id direct)" >"$T/direct.out" 2>"$T/direct.err" </dev/null
	cmp "$T/out" "$T/direct.out"
	cmp "$T/err" "$T/direct.err"
}

@test "run: the journal records user, capabilities, no_new_privileges, rootfs, seccomp, lsm and detect, one valid JSON object per line" {
	b=$(bundle b true)
	patch_config "$b" "$WEAKEN"
	id=$(new_id journal)
	hs_out run -b "$b" "$id"
	[ "$status" -eq 0 ]

	n=$(journal_valid)
	[ "$n" -ge 4 ]
	# Every record is about this container and this command, in enforce mode,
	# with all the fields of a record.
	jq -s -e --arg id "$id" --arg b "$b" '
		all(.[]; .id == $id and .command == "run" and .mode == "enforce"
			and .bundle == $b and .file == ($b + "/config.json")
			and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"))
			and (keys | contains(["action", "after", "before", "path"])))' "$JOURNAL"
	jq -s -e '[.[].measure] | unique == ["capabilities", "detect", "lsm", "no_new_privileges", "rootfs", "seccomp", "user"]' "$JOURNAL"

	jq -s -e 'any(.[]; .measure == "user" and .path == "/process/user/uid"
		and .action == "changed" and .before == 0 and .after == 65534)' "$JOURNAL"
	jq -s -e 'any(.[]; .measure == "user" and .path == "/process/user/gid"
		and .action == "changed" and .before == 0 and .after == 65534)' "$JOURNAL"
	for set in bounding effective inheritable permitted ambient; do
		jq -s -e --arg p "/process/capabilities/$set" 'any(.[]; .measure == "capabilities"
			and .path == $p and .action == "removed" and .after == []
			and .before == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"])' "$JOURNAL"
	done
	jq -s -e 'any(.[]; .measure == "no_new_privileges" and .path == "/process/noNewPrivileges"
		and .action == "added" and .before == null and .after == true)' "$JOURNAL"
	jq -s -e 'any(.[]; .measure == "rootfs" and .path == "/root/readonly"
		and .action == "changed" and .before == false and .after == true)' "$JOURNAL"
	jq -s -e '[.[] | select(.measure == "rootfs" and .action == "added" and (.path | startswith("/mounts/")))
		| .after.destination] | sort == ["/run", "/tmp"]' "$JOURNAL"
}

@test "run: a spec that already has noNewPrivileges true gets no no_new_privileges record" {
	b=$(bundle b true)
	jq -e '.process.noNewPrivileges == true' "$b/config.json"
	hs_out run -b "$b" "$(new_id nnp)"
	[ "$status" -eq 0 ]
	journal_valid
	jq -s -e 'all(.[]; .measure != "no_new_privileges")' "$JOURNAL"
	jq -s -e 'any(.[]; .measure == "user") and any(.[]; .measure == "capabilities")' "$JOURNAL"
	jq -e '.process.noNewPrivileges == true' "$b/config.json"
}

@test "run: a spec running as uid 1000 keeps uid 1000, and the journal says kept" {
	b=$(bundle b sh -c 'echo "id-u=$(id -u)"; echo "id-g=$(id -g)"; grep "^Uid:" /proc/self/status')
	patch_config "$b" '.process.user.uid = 1000'
	id=$(new_id uid1000)
	hs_out run -b "$b" "$id"
	[ "$status" -eq 0 ]
	assert_line_exact "id-u=1000" "$T/out"
	assert_line_exact "id-g=65534" "$T/out"
	assert_line_exact "Uid:${TAB}1000${TAB}1000${TAB}1000${TAB}1000" "$T/out"
	journal_valid
	jq -s -e --arg id "$id" '[.[] | select(.path == "/process/user/uid")]
		| length == 1 and .[0].action == "kept" and .[0].before == 1000 and .[0].after == 1000
		and .[0].measure == "user" and .[0].id == $id' "$JOURNAL"
	jq -e '.process.user.uid == 1000' "$b/config.json"
}

@test "run: audit mode runs the original spec (seccomp denials only logged) and journals what would have changed" {
	write_policy '{"mode":"audit"}'
	b=$(bundle b sh -c "$PROBE")
	patch_config "$b" "$WEAKEN"
	cp "$b/config.json" "$T/config.orig"
	id=$(new_id audit)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	# The capabilities, user and writable root of the original spec.
	assert_line_exact "CapEff:${TAB}0000000020000420" "$T/out"
	assert_line_exact "CapBnd:${TAB}0000000020000420" "$T/out"
	assert_line_exact "NoNewPrivs:${TAB}0" "$T/out"
	assert_line_exact "Uid:${TAB}0${TAB}0${TAB}0${TAB}0" "$T/out"
	assert_line_exact "id-u=0" "$T/out"
	assert_line_exact "root-write-ok" "$T/out"
	! grep -qE '^[^ ]+ /(tmp|run) ' "$T/out" || false
	# The one change audit mode makes: a seccomp profile whose denials are
	# SCMP_ACT_LOG, so the kernel logs what enforce mode would stop.
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
	cmp <(jq -S 'del(.linux.seccomp)' "$T/config.orig") <(jq -S 'del(.linux.seccomp)' "$b/config.json")
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_LOG" and ([.linux.seccomp.syscalls[].action] | unique - ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG"] == [])' "$b/config.json"

	n=$(journal_valid)
	[ "$n" -ge 4 ]
	jq -s -e --arg id "$id" 'all(.[]; .id == $id and .mode == "audit")' "$JOURNAL"
	# Every change is journaled as kept; what the host cannot do (SELinux is
	# off here) is a fact, journaled as unavailable in both modes.
	jq -s -e 'all(.[] | select((.measure != "seccomp" or .path != "/linux/seccomp") and .action != "unavailable");
		.action == "kept" and has("would"))' "$JOURNAL"
	jq -s -e '[.[] | select(.action == "unavailable")] | length == 1 and .[0].path == "/process/selinuxLabel"' "$JOURNAL"
	jq -s -e 'any(.[]; .measure == "lsm" and .path == "/process/args" and .would == "changed")' "$JOURNAL"
	jq -s -e '[.[] | select(.path == "/linux/seccomp")] | any(.action == "added" and .after.defaultAction == "SCMP_ACT_LOG")
		and any(.action == "kept" and .would == "added" and .after.defaultAction == "SCMP_ACT_ERRNO")' "$JOURNAL"
	jq -s -e 'any(.[]; .path == "/process/user/uid" and .would == "changed" and .before == 0 and .after == 65534)' "$JOURNAL"
	jq -s -e 'any(.[]; .path == "/process/capabilities/effective" and .would == "removed")' "$JOURNAL"
	jq -s -e 'any(.[]; .path == "/process/noNewPrivileges" and .would == "added")' "$JOURNAL"
	jq -s -e 'any(.[]; .path == "/root/readonly" and .would == "changed")' "$JOURNAL"
}
