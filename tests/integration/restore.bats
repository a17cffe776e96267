#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# restore: `restore --bundle` rewrites the spec as `create` does, whatever
# config.json the engine wrote for it; checkpoint passes straight through;
# and, where criu can run, a hardened container survives checkpoint and
# restore still hardened (else those tests skip and say why criu cannot run).
#
# CRIU cannot restore a Landlock domain, so on a Landlock host (this one)
# hardshim refuses a restore unless the policy says `lsm.unavailable:
# run_without`; the tests about the rewritten spec use that policy.
RUN_WITHOUT='{"mode":"enforce","lsm":{"unavailable":"run_without"}}'

load helpers

setup() {
	common_setup
	write_policy "$RUN_WITHOUT"
	R=$T/root
	use_root "$R"
	IMG=$T/img
	mkdir -p "$IMG"
}

teardown() {
	delete_crun_containers
	common_teardown
}

# PID 1 of the round-trip containers: a random token and a counter kept in
# its memory, written with the result of a write under /home (a tmpfs the
# spec mounts read-write; hardshim's Landlock helper denies writes there)
# to /tmp/count every 0.1 s.  A restarted process would write a new token.
COUNTER='exec </dev/null >/dev/null 2>&1
tok=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d " \n")
i=0
while :; do
	i=$((i + 1))
	if echo x >/home/probe; then h=home-write-ok; else h=home-write-denied; fi
	echo "$tok $i $h" >/tmp/count.new && mv /tmp/count.new /tmp/count
	sleep 0.1
done'

# What a process reports about itself (stderr folded into stdout).
PROBE='exec 2>&1
cat /proc/self/uid_map
echo "id-u=$(id -u)"
grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status
if echo x >/etc/probe; then echo etc-write-ok; else echo etc-write-failed; fi
if echo x >/home/probe; then echo home-write-ok; else echo home-write-failed; fi'

TMPFS_HOME='.mounts += [{destination: "/home", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'
TMPFS_TMP='.mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]}]'

criu_version() {
	criu --version 2>/dev/null | sed -n 's/^Version: //p'
}

# criu_cannot_start LOG: when LOG (criu's dump.log or restore.log) shows that
# criu could not even initialise on this host, print why (its own errors)
# and succeed; otherwise fail.
criu_cannot_start() {
	local log=$1 errs why
	# criu's own words when its probe of the kernel fails (runc's RPC mode
	# logs the first, the command line adds the second).
	grep -qE 'failed when initializing kerndat|Could not initialize kernel features detection' "$log" 2>/dev/null || return 1
	errs=$(grep -o 'Error (criu/[^)]*): .*' "$log" | paste -sd ';' | sed 's/;/; /g')
	why="criu $(criu_version) cannot initialise on Linux $(uname -r) (${log##*/}: $errs)"
	if grep -q '\[vvar_vclock\]' /proc/self/maps; then
		why+="; this kernel maps [vvar_vclock] between [vvar] and [vdso] (Linux >= 6.13, x86/vdso split),"
		why+=" which criu before 4.1 does not know (checkpoint-restore/criu#2532, fixed by #2539)"
	fi
	echo "$why"
}

# checkpoint_or_skip LOG CMD...: run a checkpoint command; when it fails
# because criu cannot run here, skip with criu's reason; any other failure
# fails the test.
checkpoint_or_skip() {
	local log=$1 why rc=0
	shift
	"$@" </dev/null >"$T/ckpt.out" 2>"$T/ckpt.err" || rc=$?
	[ "$rc" -ne 0 ] || return 0
	if why=$(criu_cannot_start "$log"); then
		skip "$why"
	fi
	cat "$T/ckpt.out" "$T/ckpt.err" "$log" >&2
	return 1
}

# count_of PID: "TOKEN COUNT HOME-RESULT" from the counter's /tmp/count.
count_of() {
	cat "/proc/$1/root/tmp/count" 2>/dev/null
}

# wait_count PID MIN: until the counter of PID has passed MIN (5 s at most).
wait_count() {
	local c
	for _ in $(seq 50); do
		c=$(count_of "$1") && [ "$(cut -d' ' -f2 <<<"$c")" -gt "$2" ] && return 0
		sleep 0.1
	done
	echo "counter of pid $1 did not pass $2: '$(count_of "$1")'" >&2
	return 1
}

# normalized JSON-FILE BUNDLE: the file with every occurrence of BUNDLE's
# path in a string replaced by "BUNDLE", keys sorted.
# The seal (which each must carry) differs too: it binds the spec to its file (seal.h).
normalized() {
	jq -e '.annotations["io.hardshim.seal"] | test("^[0-9a-f]{64}$")' "$1" >/dev/null || return 1
	jq -S --arg b "$2" 'del(.annotations["io.hardshim.seal"])
		| walk(if type == "string" then split($b) | join("BUNDLE") else . end)' "$1"
}

# journal_of ID BUNDLE: ID's records, without what differs per command and
# per bundle (time, id, bundle, file, command; the bundle path in a note).
journal_of() {
	jq -s -S --arg id "$1" --arg b "$2" '[.[] | select(.id == $id) | del(.time, .id, .bundle, .file, .command)
		| walk(if type == "string" then split($b) | join("BUNDLE") else . end)]' "$JOURNAL"
}

@test "restore: plain runc checkpoint and restore round trip (criu on this host)" {
	b=$(bundle plain sh -c "$COUNTER")
	patch_config "$b" "$TMPFS_HOME | $TMPFS_TMP"
	id=$(new_id plain)
	"$RUNC" --root "$R" run -d -b "$b" "$id" </dev/null >"$T/run.out" 2>&1
	pid=$("$RUNC" --root "$R" state "$id" | jq -r .pid)
	wait_count "$pid" 2
	grep -q ' home-write-ok$' "/proc/$pid/root/tmp/count"
	tok=$(count_of "$pid" | cut -d' ' -f1)

	checkpoint_or_skip "$IMG/dump.log" "$RUNC" --root "$R" checkpoint --image-path "$IMG" "$id"
	runc_gone "$id" "$R"
	[ -s "$IMG/dump.log" ]

	"$RUNC" --root "$R" restore -d -b "$b" --image-path "$IMG" "$id" </dev/null >"$T/restore.out" 2>&1 || {
		cat "$T/restore.out" "$IMG/restore.log" >&2
		false
	}
	[ "$(state_status "$id" "$R")" = running ]
	pid=$("$RUNC" --root "$R" state "$id" | jq -r .pid)
	n=$(count_of "$pid" | cut -d' ' -f2)
	wait_count "$pid" "$n"
	# Same token, counting on: the process itself came back, not a new one.
	[ "$(count_of "$pid" | cut -d' ' -f1)" = "$tok" ]
}

@test "restore: a container hardshim created survives checkpoint and restore, still hardened" {
	b=$(bundle b sh -c "$COUNTER")
	patch_config "$b" "$TMPFS_HOME"
	cp "$b/config.json" "$T/orig.json"
	id=$(new_id rt)

	hs_out --root "$R" create -b "$b" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	hs_out --root "$R" start "$id"
	[ "$status" -eq 0 ]
	pid=$("$RUNC" --root "$R" state "$id" | jq -r .pid)
	wait_count "$pid" 2
	# Before: PID 1 runs under the Landlock helper's restriction.
	grep -q ' home-write-denied$' "/proc/$pid/root/tmp/count"
	tok=$(count_of "$pid" | cut -d' ' -f1)

	# checkpoint is runc's own (pass-through).
	checkpoint_or_skip "$IMG/dump.log" "$HS" --root "$R" checkpoint --image-path "$IMG" "$id"
	runc_gone "$id" "$R"
	[ -s "$IMG/dump.log" ]

	# The engine writes a fresh, unhardened config.json for the restore.
	cp "$T/orig.json" "$b/config.json"
	hs_out --root "$R" restore -d --bundle "$b" --image-path "$IMG" "$id"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ] || { cat "$IMG/restore.log" >&2; false; }
	[ ! -s "$T/err" ]
	jq -e --arg r "$HS_STATE_DIR/rootfs" '.process.user.uid == 65534 and .root.path == $r' "$b/config.json"
	jq -s -e --arg id "$id" 'any(.[]; .id == $id and .command == "restore")' "$JOURNAL"

	[ "$(state_status "$id" "$R")" = running ]
	pid=$("$RUNC" --root "$R" state "$id" | jq -r .pid)
	wait_count "$pid" "$(count_of "$pid" | cut -d' ' -f2)"
	[ "$(count_of "$pid" | cut -d' ' -f1)" = "$tok" ]
	# The restored PID 1 itself: mapped, without capabilities, NoNewPrivs,
	# seccomp filter.  Its Landlock domain is not restored (the policy
	# allowed that, and the journal says so); new exec processes get it.
	jq -s -e --arg id "$id" 'any(.[]; .id == $id and .command == "restore" and .action == "unavailable"
		and (.note | startswith("CRIU cannot restore a Landlock domain")))' "$JOURNAL"
	u=$(host_id 65534)
	grep -qx "Uid:${TAB}$u${TAB}$u${TAB}$u${TAB}$u" "/proc/$pid/status"
	grep -qx "CapEff:${TAB}0000000000000000" "/proc/$pid/status"
	grep -qx "NoNewPrivs:${TAB}1" "/proc/$pid/status"
	grep -qx "Seccomp:${TAB}2" "/proc/$pid/status"
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 | cmp - "/proc/$pid/uid_map"

	# From inside, through hardshim's exec.
	hs_out --root "$R" exec "$id" sh -c "$PROBE"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	printf '%10s %10s %10s\n' 0 "$(host_id 0)" 65536 | cmp - <(head -n 1 "$T/out")
	assert_line_exact "id-u=65534" "$T/out"
	assert_line_exact "CapEff:${TAB}0000000000000000" "$T/out"
	assert_line_exact "NoNewPrivs:${TAB}1" "$T/out"
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
	assert_line_exact "etc-write-failed" "$T/out"
	assert_line_exact "home-write-failed" "$T/out"
	grep -q '/home/probe: Permission denied' "$T/out"
}

@test "restore: a fresh, unhardened config.json is rewritten exactly as create rewrites it, and journaled as restore" {
	a=$(bundle a sleep 60)
	b=$(bundle b sleep 60)
	patch_config "$a" "$TMPFS_HOME"
	cp "$a/config.json" "$b/config.json"
	cp "$a/config.json" "$T/orig.json"
	ca=$(new_id create)
	cb=$(new_id restore)

	hs_out --root "$R" create -b "$a" "$ca"
	[ "$status" -eq 0 ]

	# containerd's command line (go-runc RestoreOpts), an empty image dir:
	# runc gives up on its own (no descriptors.json) after hardshim is done.
	log=$T/log.json
	hs_out --root "$R" --log "$log" --log-format json restore --image-path "$IMG" --work-path "$T/work" \
		--pid-file "$T/init.pid" --no-subreaper --detach --bundle "$b" "$cb"
	cat "$T/err" >&2
	[ "$status" -ne 0 ]
	! grep -q "hardshim:" "$T/err" "$log" || false
	jq -e -s --arg f "$IMG/descriptors.json" 'any(.[]; .level == "error" and (.msg | contains($f + ": no such file")))' "$log"
	runc_gone "$cb" "$R"

	# The same hardened spec; the only difference is the bundle's own path,
	# kept in the annotation naming the original rootfs.
	! cmp -s "$T/orig.json" "$b/config.json" || false
	jq -e '.process.user.uid == 65534' "$b/config.json"
	jq -e --arg r "$a/rootfs" '.annotations["io.hardshim.rootfs"] == $r' "$a/config.json"
	jq -e --arg r "$b/rootfs" '.annotations["io.hardshim.rootfs"] == $r' "$b/config.json"
	diff <(normalized "$a/config.json" "$a") <(normalized "$b/config.json" "$b")

	# The journal: the same records, command restore, for the restore's id and bundle.
	journal_valid
	jq -s -e --arg id "$cb" --arg b "$b" '[.[] | select(.id == $id)] | length > 0
		and all(.command == "restore" and .bundle == $b and .file == ($b + "/config.json") and .mode == "enforce")' "$JOURNAL"
	jq -s -e --arg id "$ca" '[.[] | select(.id == $id)] | length > 0 and all(.command == "create")' "$JOURNAL"
	# ...and one more for the restore: its processes run without Landlock.
	diff <(journal_of "$ca" "$a") <(journal_of "$cb" "$b" | jq 'map(select(.action != "unavailable" or .path != "/process"))')
	jq -s -e --arg id "$cb" '[.[] | select(.id == $id and .path == "/process" and .action == "unavailable")]
		| length == 1 and (.[0].note | startswith("CRIU cannot restore a Landlock domain"))' "$JOURNAL"
	# (runc spec's noNewPrivileges is already true: no no_new_privileges record.)
	jq -s -e --arg id "$cb" '[.[] | select(.id == $id) | .measure] | unique == ["capabilities", "detect", "lsm", "rootfs", "seccomp", "user"]' "$JOURNAL"
	jq -s -e --arg id "$cb" 'any(.[]; .id == $id and .path == "/process/args" and .action == "changed"
		and .after[0] == "/dev/.hardshim/landlock")' "$JOURNAL"
}

@test "restore: refused by default on a Landlock host: CRIU cannot restore the Landlock domain; config.json untouched" {
	write_policy '{"mode":"enforce"}'
	b=$(bundle b sleep 60)
	cp "$b/config.json" "$T/orig.json"
	id=$(new_id refused)
	hs_out --root "$R" --log "$T/log.json" --log-format json restore -d -b "$b" --image-path "$IMG" "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "refusing to start: writes beneath /etc, /home cannot be denied here: CRIU cannot restore a Landlock domain: the restored processes run without it (policy \`lsm.unavailable\` is \`refuse\`)"
	jq -e -s --arg m "$(cat "$T/err")" 'length == 1 and .[0].level == "error" and .[0].msg == $m' "$T/log.json"
	cmp "$T/orig.json" "$b/config.json"
	runc_gone "$id" "$R"
}

@test "restore: into the bundle create already hardened (runc's usual flow) the spec stays byte for byte, the journal says kept" {
	b=$(bundle b sleep 60)
	id=$(new_id same)
	hs_out --root "$R" create -b "$b" "$id"
	[ "$status" -eq 0 ]
	hs_out --root "$R" delete --force "$id"
	[ "$status" -eq 0 ]
	cp "$b/config.json" "$T/hardened.json"
	n0=$(wc -l <"$JOURNAL")

	hs_out --root "$R" restore -d -b "$b" --image-path "$IMG" "$id"
	[ "$status" -ne 0 ]
	grep -q 'descriptors.json: no such file or directory' "$T/err"
	! grep -q "hardshim:" "$T/err" || false
	cmp "$T/hardened.json" "$b/config.json"
	# Nothing hardened twice: one Landlock helper in front of the command.
	jq -e '.process.args == ["/dev/.hardshim/landlock", "--deny", "/etc", "--deny", "/home", "--", "sleep", "60"]' "$b/config.json"
	tail -n +"$((n0 + 1))" "$JOURNAL" >"$T/restore.jsonl"
	[ -s "$T/restore.jsonl" ]
	jq -s -e --arg id "$id" --arg r "$HS_STATE_DIR/rootfs" 'all(.[]; .id == $id and .command == "restore")
		and all(.[]; .action == "kept" or .action == "unavailable")
		and any(.[]; .path == "/root/path" and .after == $r)' "$T/restore.jsonl"
	runc_gone "$id" "$R"
}

@test "restore: the runtime gets the engine's command line unchanged, the hardened spec and the rootfs bridge criu restores into" {
	b=$(bundle b sleep 60)
	cat >"$T/fake-runtime" <<-EOF
		#!/bin/sh
		# Records what a runtime started by hardshim sees, then fails like one.
		printf '%s\n' "\$@" >"$T/argv"
		cp "$b/config.json" "$T/seen.json"
		r=\$(jq -r .root.path "$b/config.json")
		grep -F " \$r " /proc/self/mountinfo >"$T/bridge"
		stat -c '%u:%g %n' "\$r/bin/busybox" >"$T/owner"
		exit 7
	EOF
	chmod +x "$T/fake-runtime"
	id=$(new_id fake)
	set -- --root "$R" restore --image-path "$IMG" --tcp-established --file-locks --manage-cgroups-mode soft -d -b "$b" "$id"

	HARDSHIM_RUNTIME=$T/fake-runtime hs_out "$@"
	[ "$status" -eq 7 ]
	[ ! -s "$T/err" ]
	printf '%s\n' "$@" | cmp - "$T/argv"
	jq -e '.process.user.uid == 65534 and .root.readonly == true and .process.noNewPrivileges == true' "$T/seen.json"
	cmp "$T/seen.json" "$b/config.json"
	# root.path (what runc hands criu as its root) is the bundle's rootfs,
	# idmapped, in the runtime's mount namespace only.
	r=$(jq -r .root.path "$b/config.json")
	[ "$r" = "$HS_STATE_DIR/rootfs" ]
	[ "$(wc -l <"$T/bridge")" -eq 1 ]
	grep -qE "^[0-9]+ [0-9]+ [0-9]+:[0-9]+ $b/rootfs $r [^ ]*idmapped" "$T/bridge"
	[ "$(cat "$T/owner")" = "$(host_id 0):$(host_gid 0) $r/bin/busybox" ]
	! grep -qF " $r " /proc/self/mountinfo || false
	journal_query 'map(select(.path == "/root/path"))[0]' |
		jq -e --arg b "$b" '.command == "restore" and (.note | startswith("idmapped mount of `" + $b + "/rootfs`"))'
}

@test "restore: an option hardshim does not know is refused with one line, config.json untouched, runc never started" {
	b=$(bundle b sleep 60)
	cp "$b/config.json" "$T/orig.json"
	# runc's checkpoint-only options (all but --parent-path, which
	# containerd's go-runc puts on restore command lines too: hardshim
	# takes it and leaves the verdict to the runtime, see below), and
	# options nobody has.
	opts=$("$RUNC" checkpoint --help | grep -oE '^ +--[a-z-]+' | tr -d ' ' | sort)
	ropts=$("$RUNC" restore --help | grep -oE '^ +--[a-z-]+' | tr -d ' ' | sort)
	only=$(comm -23 <(echo "$opts") <(echo "$ropts") | grep -vx -- --parent-path)
	[ "$(echo "$only" | wc -l)" -ge 4 ]
	for opt in $only --frobnicate --config -f; do
		id=$(new_id "refuse${opt//[^a-z]/}")
		hs_out --root "$R" restore "$opt" x -b "$b" --image-path "$IMG" "$id"
		[ "$status" -ne 0 ]
		assert_one_error_line "$T/err"
		assert_contains "$(cat "$T/err")" "unknown option \`$opt\` for \`restore\`"
		[ ! -s "$T/out" ]
		cmp "$T/orig.json" "$b/config.json"
		[ ! -e "$JOURNAL" ]
		runc_gone "$id" "$R"
	done

	# The refusal also reaches the engine's --log file, as runc writes it.
	log=$T/log.json
	hs_out --root "$R" --log "$log" --log-format json restore --leave-running -b "$b" "$(new_id log)"
	[ "$status" -ne 0 ]
	jq -e -s 'length == 1 and .[0].level == "error" and (.[0].msg | startswith("hardshim: unknown option `--leave-running`"))' "$log"
	cmp "$T/orig.json" "$b/config.json"

	# --parent-path: hardshim's to parse (the spec is hardened), runc's to refuse.
	hs_out --root "$R" restore --parent-path "$T/parent" -b "$b" --image-path "$IMG" "$(new_id parent)"
	[ "$status" -ne 0 ]
	grep -q 'flag provided but not defined: -parent-path' "$T/err"
	! grep -q "hardshim:" "$T/err" || false
	jq -e '.process.user.uid == 65534' "$b/config.json"
}

@test "restore: every option of runc restore is known to hardshim and reaches runc" {
	b=$(bundle b sleep 60)
	cp "$b/config.json" "$T/orig.json"
	# "--bundle value, -b value     path to ...": the part before the description.
	"$RUNC" restore --help | grep -E '^ +--' | sed -E 's/^ +//; s/  +.*//' >"$T/options"
	[ "$(wc -l <"$T/options")" -ge 15 ]
	tried=0
	while read -r spec; do
		names=$(grep -oE -- '(^| )--?[a-z][a-z-]*' <<<"$spec" | tr -d ' ')
		long=$(head -n 1 <<<"$names")
		case $long in
		--console-socket) val=$T/no-socket ;;
		--image-path) val=$IMG ;;
		--work-path) val=$T/work ;;
		--manage-cgroups-mode) val=soft ;;
		--bundle) val=$b ;;
		--pid-file) val=$T/pid ;;
		--empty-ns) val=network ;;
		--lsm-profile | --lsm-mount-context) continue ;; # checked against the spec: next test
		*)
			[[ $spec != *" value"* ]] || { echo "runc restore $long takes a value this test does not know" >&2; false; }
			val= ;;
		esac
		for name in $names; do
			id=$(new_id "opt${name//[^a-z]/}")
			args=("$name" ${val:+"$val"})
			[ "$long" = --bundle ] || args+=(-b "$b")
			[ "$long" = --image-path ] || args+=(--image-path "$IMG")
			cp "$T/orig.json" "$b/config.json"
			hs_out --root "$R" restore "${args[@]}" "$id"
			[ "$status" -ne 0 ]
			grep -q 'level=error' "$T/err" || { echo "$name: $(cat "$T/err")" >&2; false; }
			! grep -q "hardshim:" "$T/err" || { echo "$name: $(cat "$T/err")" >&2; false; }
			jq -e '.process.user.uid == 65534 and .linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' "$b/config.json" >/dev/null
			jq -s -e --arg id "$id" 'any(.[]; .id == $id and .command == "restore")' "$JOURNAL" >/dev/null
			runc_gone "$id" "$R"
			tried=$((tried + 1))
		done
	done <"$T/options"
	# Every line but the two label options, plus -b and -d.
	[ "$tried" -eq "$(wc -l <"$T/options")" ]
}

@test "restore: --lsm-profile and --lsm-mount-context only with the hardened spec's own labels" {
	b=$(bundle b sleep 60)
	label=system_u:system_r:container_t:s0:c1,c2
	mlabel=system_u:object_r:container_file_t:s0:c1,c2
	patch_config "$b" --arg l "$label" --arg m "$mlabel" '.process.selinuxLabel = $l | .linux.mountLabel = $m'
	cp "$b/config.json" "$T/orig.json"

	# Another profile or label than the spec's: refused before anything is
	# written; the last of two is the one runc uses.
	i=0
	while IFS='|' read -r -a args; do
		i=$((i + 1))
		id=$(new_id "lsm$i")
		hs_out --root "$R" restore -d "${args[@]}" -b "$b" --image-path "$IMG" "$id"
		[ "$status" -ne 0 ] || { echo "accepted: ${args[*]}" >&2; false; }
		assert_one_error_line "$T/err"
		grep -qE '^hardshim: restore: --lsm-(profile|mount-context) `[^`]+` is not the hardened spec' "$T/err"
		cmp "$T/orig.json" "$b/config.json"
		[ ! -e "$JOURNAL" ]
		runc_gone "$id" "$R"
	done <<-EOF
		--lsm-profile|apparmor:unconfined
		--lsm-profile=selinux:system_u:system_r:spc_t:s0
		--lsm-profile|selinux:$label-x
		--lsm-profile|$label
		--lsm-profile|selinux:$label|--lsm-profile|selinux:system_u:system_r:spc_t:s0
		--lsm-mount-context|system_u:object_r:container_file_t:s0
		--lsm-profile|selinux:$label|--lsm-mount-context=system_u:object_r:container_file_t:s0:c3,c4
	EOF
	[ "$i" -eq 7 ]
	# The one-dash spelling (crun would read `-l sm-profile`) is refused as such.
	hs_out --root "$R" restore -d -lsm-profile "selinux:$label" -b "$b" --image-path "$IMG" "$(new_id lsm-dash)"
	[ "$status" -ne 0 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" 'option `-lsm-profile`: crun reads it as one-letter options, runc as `--lsm-profile`'
	cmp "$T/orig.json" "$b/config.json"

	# The spec's own: hardened and handed to runc, whose own error follows
	# (SELinux is off here).
	id=$(new_id lsm-own)
	hs_out --root "$R" restore -d --lsm-profile "selinux:$label" --lsm-mount-context "$mlabel" -b "$b" --image-path "$IMG" "$id"
	[ "$status" -ne 0 ]
	! grep -q "hardshim:" "$T/err" || false
	grep -q 'level=error' "$T/err"
	jq -e --arg l "$label" '.process.user.uid == 65534 and .process.selinuxLabel == $l' "$b/config.json"
	jq -s -e --arg id "$id" 'any(.[]; .id == $id and .command == "restore")' "$JOURNAL"
	runc_gone "$id" "$R"
}

@test "restore: --help and -h are runc's own, with no policy read and no bundle touched" {
	echo '{ broken' >"$HARDSHIM_POLICY"
	b=$(bundle b sleep 60)
	cp "$b/config.json" "$T/orig.json"
	for flag in --help -h; do
		rs=0
		"$RUNC" restore $flag >"$T/runc.out" 2>"$T/runc.err" </dev/null || rs=$?
		hs_out restore $flag
		[ "$status" -eq "$rs" ]
		[ -s "$T/runc.out" ]
		grep -q '^   runc restore - restore a container from a previous checkpoint$' "$T/runc.out"
		cmp "$T/runc.out" "$T/out"
		cmp "$T/runc.err" "$T/err"
	done
	# With a bundle and an id on the line as well.
	hs_out restore -b "$b" --image-path "$IMG" --help "$(new_id help)"
	[ "$status" -eq 0 ]
	cmp "$T/runc.out" "$T/out"
	cmp "$T/orig.json" "$b/config.json"
	[ ! -e "$JOURNAL" ]
}

@test "restore: checkpoint of a hardshim container is runc's own (pass-through, no policy read)" {
	b=$(bundle b sleep 60)
	id=$(new_id ckpt)
	hs_out --root "$R" create -b "$b" "$id"
	[ "$status" -eq 0 ]
	hs_out --root "$R" start "$id"
	[ "$status" -eq 0 ]
	cp "$b/config.json" "$T/hardened.json"
	echo '{ broken' >"$HARDSHIM_POLICY"
	n0=$(wc -l <"$JOURNAL")

	rs=0
	"$RUNC" --root "$R" checkpoint --leave-running --image-path "$T/img-runc" "$id" </dev/null >"$T/runc.out" 2>"$T/runc.err" || rs=$?
	hs_out --root "$R" checkpoint --leave-running --image-path "$T/img-hs" "$id"
	[ "$status" -eq "$rs" ]
	cmp "$T/runc.out" "$T/out"
	# runc's logrus lines carry a time stamp (to the second): compare the rest.
	diff <(sed 's/^time="[^"]*" //' "$T/runc.err") <(sed 's/^time="[^"]*" //' "$T/err")
	! grep -q "hardshim:" "$T/err" || false
	# criu ran for both, into the image dir each was given.
	[ -s "$T/img-runc/dump.log" ]
	[ -s "$T/img-hs/dump.log" ]
	[ "$(state_status "$id" "$R")" = running ]
	cmp "$T/hardened.json" "$b/config.json"
	[ "$(wc -l <"$JOURNAL")" -eq "$n0" ]
}

@test "restore: with crun, restore --bundle is hardened as create is (needs crun with CRIU)" {
	features=$("$CRUN" --version 2>/dev/null | grep '^+' || true)
	if [[ " $features " != *" +CRIU "* ]]; then
		rs=0
		out=$("$CRUN" restore --help 2>&1) || rs=$?
		skip "crun $("$CRUN" --version | sed -n 's/^crun version //p') is built without CRIU (crun --version: $features); \`crun restore --help\` exits $rs: $out"
	fi
	why=$(crun_ready) || skip "$why"
	export HARDSHIM_RUNTIME=$CRUN

	a=$(bundle a sleep 60)
	b=$(bundle b sleep 60)
	patch_config "$a" "$TMPFS_HOME"
	cp "$a/config.json" "$b/config.json"
	ca=$(new_id crun-create)
	cb=$(new_id crun-restore)
	hs_out create -b "$a" "$ca"
	[ "$status" -eq 0 ]
	hs_out restore -d -b "$b" --image-path "$IMG" "$cb"
	[ "$status" -ne 0 ]
	! grep -q "hardshim:" "$T/err" || false
	diff <(normalized "$a/config.json" "$a") <(normalized "$b/config.json" "$b")
	diff <(journal_of "$ca" "$a") <(journal_of "$cb" "$b")
	jq -s -e --arg id "$cb" '[.[] | select(.id == $id)] | length > 0 and all(.command == "restore")' "$JOURNAL"
	! "$CRUN" state "$cb" >/dev/null 2>&1 || false
}
