#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Fail closed: whatever hardshim cannot read, parse, harden or hand over is
# refused with exit 1 and one `hardshim: ...` line, the bundle is left as it
# was, and runc never creates the container.

load helpers

setup() {
	common_setup
	b=$(bundle b sleep 60)
	id=$(new_id refused)
}

teardown() {
	common_teardown
}

# keep_copy: remember config.json as it is now.
keep_copy() {
	cp -P "$b/config.json" "$T/config.before"
}

# assert_refused: exit 1, nothing on stdout, one error line on stderr, no
# container, config.json untouched, no journal record.
assert_refused() {
	cat "$T/err"
	[ "$status" -eq 1 ]
	[ ! -s "$T/out" ]
	assert_one_error_line "$T/err"
	runc_gone "$id"
	if [ -e "$T/config.before" ] && [ ! -L "$T/config.before" ]; then
		cmp "$T/config.before" "$b/config.json"
	fi
	[ ! -s "$JOURNAL" ]
	# No temporary file left beside the spec.
	[ -z "$(find "$b" -maxdepth 1 -name '.config.json.*')" ]
}

@test "refuse: truncated config.json" {
	head -c 300 "$b/config.json" >"$b/config.json.cut"
	mv "$b/config.json.cut" "$b/config.json"
	keep_copy
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$b/config.json"
	assert_contains "$(cat "$T/err")" "invalid JSON"
}

@test "refuse: in audit mode a spec hardshim cannot read goes to runc unchanged, and the journal says would refuse" {
	write_policy '{"mode":"audit"}'
	head -c 300 "$b/config.json" >"$b/config.json.cut"
	mv "$b/config.json.cut" "$b/config.json"
	keep_copy
	hs_out create -b "$b" "$id"
	cat "$T/err"
	# runc itself read the broken file and failed; hardshim did not speak.
	[ "$status" -ne 0 ]
	! grep -q '^hardshim:' "$T/err"
	runc_gone "$id"
	cmp "$T/config.before" "$b/config.json"
	[ "$(wc -l <"$JOURNAL")" -eq 1 ]
	jq -e --arg id "$id" 'select(.id == $id and .action == "kept" and .would == "refused" and .mode == "audit"
		and (.after | test("invalid JSON")))' "$JOURNAL"
}

@test "refuse: the same with run, and with a relative bundle path" {
	printf '{"ociVersion": "1.0.2", "process": {' >"$b/config.json"
	keep_copy
	cd "$T"
	hs_out run --bundle b "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$b/config.json"
	assert_contains "$(cat "$T/err")" "invalid JSON"
}

@test "refuse: config.json that is a symbolic link; link and target unchanged" {
	mv "$b/config.json" "$b/real.json"
	ln -s real.json "$b/config.json"
	cp "$b/real.json" "$T/real.before"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$b/config.json"
	assert_contains "$(cat "$T/err")" "symbolic link"
	[ -L "$b/config.json" ]
	[ "$(readlink "$b/config.json")" = real.json ]
	cmp "$T/real.before" "$b/real.json"
}

@test "refuse: process.user.uid of the wrong type (\"0\")" {
	patch_config "$b" '.process.user.uid = "0"'
	keep_copy
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$b/config.json"
	assert_contains "$(cat "$T/err")" "/process/user/uid"
}

@test "refuse: config.json larger than 8 MiB" {
	# Valid JSON, padded with trailing white space to 8 MiB + 1 byte.
	jq -c . "$b/config.json" >"$T/compact.json"
	pad=$((8 * 1024 * 1024 + 1 - $(stat -c %s "$T/compact.json")))
	{ cat "$T/compact.json"; head -c "$pad" /dev/zero | tr '\0' ' '; } >"$b/config.json"
	[ "$(stat -c %s "$b/config.json")" -eq $((8 * 1024 * 1024 + 1)) ]
	keep_copy
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$b/config.json"
	assert_contains "$(cat "$T/err")" "larger than 8388608 bytes"
}

@test "refuse: but a config.json of exactly 8 MiB is accepted" {
	jq -c . "$b/config.json" >"$T/compact.json"
	pad=$((8 * 1024 * 1024 - $(stat -c %s "$T/compact.json")))
	{ cat "$T/compact.json"; head -c "$pad" /dev/zero | tr '\0' ' '; } >"$b/config.json"
	[ "$(stat -c %s "$b/config.json")" -eq $((8 * 1024 * 1024)) ]
	hs_out create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(state_status "$id")" = created ]
	jq -e '.process.user.uid == 65534' "$b/config.json"
	"$RUNC" delete --force "$id"
}

@test "refuse: with --log FILE --log-format json the error is a JSON line in FILE" {
	head -c 300 "$b/config.json" >"$b/config.json.cut"
	mv "$b/config.json.cut" "$b/config.json"
	keep_copy
	log=$T/log.json
	hs_out --log "$log" --log-format json create -b "$b" "$id"
	assert_refused
	[ "$(wc -l <"$log")" -eq 1 ]
	jq -e --arg msg "$(cat "$T/err")" '.level == "error" and .msg == $msg
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"))
		and (keys == ["level", "msg", "time"])' "$log"

	# Without --log-format, runc's (logrus) text format.
	hs_out --log "$T/log.txt" create -b "$b" "$id"
	assert_refused
	[ "$(wc -l <"$T/log.txt")" -eq 1 ]
	grep -qE '^time="[^"]+" level=error msg="hardshim: .*invalid JSON.*"$' "$T/log.txt"
}

@test "refuse: a policy with an unknown key names the key" {
	write_policy '{"mode": "enforce", "capabilites": {"allow": []}}'
	keep_copy
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "capabilites"
	assert_contains "$(cat "$T/err")" "$HARDSHIM_POLICY"
	assert_contains "$(cat "$T/err")" "unknown key"
}

@test "refuse: a policy that is not valid JSON, or missing" {
	keep_copy
	echo '{"mode": "enforce",' >"$HARDSHIM_POLICY"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$HARDSHIM_POLICY"

	export HARDSHIM_POLICY=$T/no-such-policy.json
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "$HARDSHIM_POLICY"
}

@test "refuse: HARDSHIM_RUNTIME pointing at hardshim itself (directly or by a symlink)" {
	export HARDSHIM_RUNTIME=$HS
	hs_out create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "hardshim itself"
	runc_gone "$id"

	ln -s "$HS" "$T/runc"
	export HARDSHIM_RUNTIME=$T/runc
	hs_out create -b "$b" "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "hardshim itself"
	runc_gone "$id"

	# A pass-through command does not loop either.
	status=0
	timeout 10 "$HS" state "$id" >"$T/out" 2>"$T/err" || status=$?
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "hardshim itself"
}

@test "refuse: HARDSHIM_RUNTIME that is a relative path" {
	export HARDSHIM_RUNTIME=runc
	keep_copy
	hs_out create -b "$b" "$id"
	# The runtime is checked before the spec is touched: nothing rewritten, nothing journaled.
	assert_refused
	assert_contains "$(cat "$T/err")" "\`runc\` is not an absolute path"

	hs_out state "$id"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "not an absolute path"
}

@test "refuse: an unknown option to create" {
	keep_copy
	hs_out create --frobnicate -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "unknown option \`--frobnicate\`"

	hs_out create -b "$b" --no-such-flag=1 "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "--no-such-flag"
}

@test "refuse: an unknown global option before create" {
	keep_copy
	hs_out --frobnicate x create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "--frobnicate"
}

@test "refuse: a container id runc refuses (newline, invalid UTF-8, a slash, ..), before the bundle is rewritten or anything journaled" {
	keep_copy
	for bad in $'x\ny' $'bad\xff\xfe' $'x\ny\xff' 'a/b' '..' ''; do
		for cmd in create run; do
			hs_out "$cmd" -b "$b" "$bad"
			cat "$T/err"
			[ "$status" -eq 1 ]
			[ ! -s "$T/out" ]
			assert_one_error_line "$T/err"
			assert_contains "$(cat "$T/err")" "runc accepts only letters, digits and \`_+,-.\`, and not \`.\` or \`..\`: refused"
			cmp "$T/config.before" "$b/config.json"
			[ ! -e "$JOURNAL" ]
			[ -z "$(find "$b" -maxdepth 1 -name '.config.json.*')" ]
		done
	done
	# Shown escaped, on one line.
	hs_out create -b "$b" $'x\ny\xff'
	assert_contains "$(cat "$T/err")" 'container id `x\x0ay\xff`'
	# exec: refused before the runtime is asked for the container or a process file is read.
	jq -n '{args: ["true"], user: {uid: 0, gid: 0}}' >"$T/process.json"
	cp "$T/process.json" "$T/process.before"
	hs_out exec -p "$T/process.json" $'x\ny'
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" 'container id `x\x0ay`'
	cmp "$T/process.before" "$T/process.json"
	[ ! -e "$JOURNAL" ]
	# A near-miss runc accepts is not refused: the container starts hardened.
	hs_out create -b "$b" "${id}_+,-.x"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	[ "$(state_status "${id}_+,-.x")" = created ]
	jq -e '.process.user.uid == 65534' "$b/config.json"
}

# hs_timed ARGS...: hs_out under `timeout`, so that a hang fails the test
# (status 124) instead of hanging the suite.
hs_timed() {
	status=0
	timeout 30 "$HS" "$@" >"$T/out" 2>"$T/err" </dev/null || status=$?
}

@test "refuse: a journal that is a FIFO is refused at once, with or without a reader, and runc never runs" {
	mkfifo "$JOURNAL"
	hs_timed create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "journal \`$JOURNAL\` is not a regular file (a FIFO or a socket): refused"
	runc_gone "$id"

	# With a reader the open succeeds; the FIFO is still refused, and nothing is written to it.
	exec 5<>"$JOURNAL"
	hs_timed create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "journal \`$JOURNAL\` is not a regular file: refused"
	runc_gone "$id"
	! timeout 1 head -c 1 <&5 | grep -q .
	exec 5>&-
}

@test "refuse: a journal another process keeps locked is refused after a few seconds, and runc never runs" {
	: >"$JOURNAL"
	exec 4>>"$JOURNAL"
	flock -x 4
	start=$SECONDS
	hs_timed create -b "$b" "$id"
	cat "$T/err"
	exec 4>&-
	[ "$status" -eq 1 ]
	[ $((SECONDS - start)) -le 15 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "journal \`$JOURNAL\` is locked by another process (waited 5000 ms): refused"
	runc_gone "$id"
	[ ! -s "$JOURNAL" ]

	# Once the lock is free, the same create goes through and is journaled.
	hs_timed create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(state_status "$id")" = created ]
	jq -e --arg id "$id" 'select(.id == $id)' "$JOURNAL" >/dev/null
	"$RUNC" delete --force "$id"
}

# nobody_dir: $T/nobody, a directory user nobody owns.
nobody_dir() {
	mkdir -p "$T/nobody"
	chown 65534:65534 "$T/nobody"
	chmod 0755 "$T/nobody"
}

@test "refuse: a policy nobody may write, or in a directory nobody owns, is not trusted; root's 0644 is" {
	nobody_dir
	keep_copy
	export HARDSHIM_POLICY=$T/nobody/policy.json
	write_policy '{"mode": "enforce", "capabilities": {"allow": ["CAP_SYS_ADMIN"]}}'
	chown 65534:65534 "$HARDSHIM_POLICY"
	chmod 0666 "$HARDSHIM_POLICY"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "policy \`$HARDSHIM_POLICY\` must be a regular file owned by root, writable by root only (it is owned by uid 65534, mode 0666): refused"

	# root's file, but in nobody's directory: nobody can replace it
	chown 0:0 "$HARDSHIM_POLICY"
	chmod 0644 "$HARDSHIM_POLICY"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "policy \`$HARDSHIM_POLICY\`: \`$T/nobody\` is owned by uid 65534 (mode 0755): hardshim acts only on what root alone can change"

	# in root's directory, but nobody's file, or anyone's to write
	export HARDSHIM_POLICY=$T/policy.json
	write_policy '{"mode": "enforce", "capabilities": {"allow": ["CAP_SYS_ADMIN"]}}'
	chown 65534:65534 "$HARDSHIM_POLICY"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "policy \`$HARDSHIM_POLICY\` must be a regular file owned by root, writable by root only (it is owned by uid 65534, mode 0644): refused"
	chown 0:0 "$HARDSHIM_POLICY"
	chmod 0666 "$HARDSHIM_POLICY"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "(it is owned by uid 0, mode 0666)"

	# root's 0644 in root's directories (under /tmp, sticky and root's): accepted
	chmod 0644 "$HARDSHIM_POLICY"
	hs_out create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(state_status "$id")" = created ]
	"$RUNC" delete --force "$id"
}

@test "refuse: a seccomp profile nobody may write, or in nobody's directory, is not trusted; root's 0644 is" {
	nobody_dir
	keep_copy
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}]}' >"$T/nobody/allow-all.json"
	chown 65534:65534 "$T/nobody/allow-all.json"
	chmod 0666 "$T/nobody/allow-all.json"
	write_policy "{\"seccomp\": {\"profile\": \"$T/nobody/allow-all.json\"}}"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "seccomp profile \`$T/nobody/allow-all.json\` must be a regular file owned by root, writable by root only (it is owned by uid 65534, mode 0666): refused"
	chown 0:0 "$T/nobody/allow-all.json"
	chmod 0644 "$T/nobody/allow-all.json"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "seccomp profile \`$T/nobody/allow-all.json\`: \`$T/nobody\` is owned by uid 65534 (mode 0755): hardshim acts only on what root alone can change"

	# a copy of the installed profile: nobody's in root's directory, then root's
	cp "$SECCOMP_PROFILE" "$T/profile.json"
	chown 65534:65534 "$T/profile.json"
	write_policy "{\"seccomp\": {\"profile\": \"$T/profile.json\"}}"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "seccomp profile \`$T/profile.json\` must be a regular file owned by root, writable by root only (it is owned by uid 65534, mode 0644)"
	chown 0:0 "$T/profile.json"
	hs_out create -b "$b" "$id"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(state_status "$id")" = created ]
	"$RUNC" delete --force "$id"
}

@test "refuse: a Landlock helper in a directory nobody owns is not trusted" {
	nobody_dir
	keep_copy
	cp "$LANDLOCK_HELPER" "$T/nobody/helper"
	chmod 0755 "$T/nobody/helper"
	write_policy "{\"lsm\": {\"landlock_helper\": \"$T/nobody/helper\"}}"
	hs_out create -b "$b" "$id"
	assert_refused
	assert_contains "$(cat "$T/err")" "Landlock helper \`$T/nobody/helper\` (policy \`lsm.landlock_helper\`): \`$T/nobody\` is owned by uid 65534 (mode 0755): hardshim acts only on what root alone can change"
}
