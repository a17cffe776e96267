#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# create/start/state/kill/delete through hardshim behave as with runc, and
# the pass-through subcommands are runc's own (global flags included).

load helpers

setup() {
	common_setup
}

teardown() {
	common_teardown
}

@test "lifecycle: create, state, start, kill, delete through hardshim" {
	b=$(bundle b sleep 60)
	id=$(new_id life)

	hs_out create -b "$b" "$id"
	[ "$status" -eq 0 ]
	[ ! -s "$T/out" ]
	[ ! -s "$T/err" ]
	# Hardened before runc read it.
	jq -e '.process.user.uid == 65534' "$b/config.json"

	hs_out state "$id"
	[ "$status" -eq 0 ]
	jq -e --arg id "$id" --arg b "$b" '.id == $id and .status == "created" and .bundle == $b and .pid > 0' "$T/out"
	[ ! -s "$T/err" ]

	hs_out start "$id"
	[ "$status" -eq 0 ]
	[ ! -s "$T/out" ]
	[ ! -s "$T/err" ]
	hs_out state "$id"
	jq -e '.status == "running"' "$T/out"
	# The running process is the hardened one, seen from the host: uid
	# 65534 of the container's user namespace.
	pid=$(jq -r .pid "$T/out")
	u=$(host_id 65534)
	grep -qx "Uid:${TAB}$u${TAB}$u${TAB}$u${TAB}$u" "/proc/$pid/status"
	grep -qx "CapEff:${TAB}0000000000000000" "/proc/$pid/status"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 60 " ]

	hs_out kill "$id" KILL
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	wait_status "$id" stopped
	hs_out state "$id"
	jq -e '.status == "stopped"' "$T/out"

	hs_out delete "$id"
	[ "$status" -eq 0 ]
	[ ! -s "$T/out" ]
	[ ! -s "$T/err" ]
	runc_gone "$id"
	hs_out state "$id"
	[ "$status" -ne 0 ]
	assert_contains "$(cat "$T/err")" "does not exist"
}

@test "lifecycle: hardshim state prints the very bytes of runc state" {
	b=$(bundle b sleep 60)
	id=$(new_id state)
	hs_out create -b "$b" "$id"
	[ "$status" -eq 0 ]

	"$HS" state "$id" >"$T/hs.state" 2>"$T/hs.err"
	"$RUNC" state "$id" >"$T/runc.state" 2>"$T/runc.err"
	[ -s "$T/runc.state" ]
	cmp "$T/hs.state" "$T/runc.state"
	cmp "$T/hs.err" "$T/runc.err"
	jq -e '.status == "created"' "$T/hs.state"

	hs_out delete --force "$id"
	[ "$status" -eq 0 ]
	runc_gone "$id"
}

@test "lifecycle: --root and --log/--log-format reach runc" {
	root=$T/runc-root
	log=$T/log.json
	use_root "$root"
	b=$(bundle b sleep 60)
	id=$(new_id root)

	hs_out --root "$root" --log "$log" --log-format json create -b "$b" "$id"
	[ "$status" -eq 0 ]
	"$RUNC" --root "$root" list -q | grep -qx -- "$id"
	! "$RUNC" list -q | grep -qx -- "$id" || false
	runc_gone "$id"
	[ "$(state_status "$id" "$root")" = created ]

	# Same flags in --flag=value form, through a pass-through command.
	hs_out --root="$root" --log="$log" --log-format=json state "$id"
	[ "$status" -eq 0 ]
	jq -e --arg id "$id" '.id == $id and .status == "created"' "$T/out"

	# runc itself writes its error, in JSON, to the --log file.
	: >"$log"
	hs_out --root "$root" --log "$log" --log-format json start "${id}-nosuch"
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$log")" -ge 1 ]
	jq -e -s 'any(.[]; .level == "error" and (.msg | contains("does not exist"))
		and (.msg | startswith("hardshim:") | not))' "$log"

	hs_out --root "$root" start "$id"
	[ "$status" -eq 0 ]
	[ "$(state_status "$id" "$root")" = running ]
	hs_out --root "$root" delete --force "$id"
	[ "$status" -eq 0 ]
	runc_gone "$id" "$root"
}

@test "lifecycle: features is runc's own output, and reads no policy" {
	"$RUNC" features >"$T/runc.out" 2>"$T/runc.err"
	[ -s "$T/runc.out" ]
	# A broken policy must not matter: pass-through reads no policy.
	echo '{ broken' >"$HARDSHIM_POLICY"
	hs_out features
	[ "$status" -eq 0 ]
	cmp "$T/runc.out" "$T/out"
	cmp "$T/runc.err" "$T/err"
	[ ! -e "$JOURNAL" ]
}

@test "lifecycle: --version, -v and --help are runc's own output" {
	for flag in --version -v --help; do
		rs=0
		"$RUNC" $flag >"$T/runc.out" 2>"$T/runc.err" || rs=$?
		hs_out $flag
		[ "$status" -eq "$rs" ]
		[ -s "$T/runc.out" ]
		cmp "$T/runc.out" "$T/out"
		cmp "$T/runc.err" "$T/err"
	done
	hs_out --version
	grep -q '^runc version' "$T/out"
}

@test "lifecycle: an unknown subcommand gets runc's own error" {
	rs=0
	"$RUNC" frobnicate a b >"$T/runc.out" 2>"$T/runc.err" || rs=$?
	[ "$rs" -ne 0 ]
	hs_out frobnicate a b
	[ "$status" -eq "$rs" ]
	cmp "$T/runc.out" "$T/out"
	# runc's logrus line carries a time stamp (to the second): compare the rest.
	grep -q "level=error msg=\"No help topic for 'frobnicate'" "$T/err"
	diff <(sed 's/^time="[^"]*" //' "$T/runc.err") <(sed 's/^time="[^"]*" //' "$T/err")
	! grep -q hardshim "$T/err" "$T/out" || false
}
