#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The caller's stdio devices stay the host's.  crun 1.8 fchown()s the stdio
# fds that are not terminals to the container's user, from outside the user
# namespace: the host's /dev/null given as stdin (conmon does) would become
# the container's.  hardshim hands the runtime private nodes of the same
# devices instead (shim/stdio_protect.h); pipes, files and terminals go
# through as they are.

load helpers


# The host's devices the tests pass as stdio, as they must stay.
HOST_DEVICES=$'/dev/null 0:0 666 1:3\n/dev/zero 0:0 666 1:5'

_devices() {
	stat -c '%n %u:%g %a %t:%T' /dev/null /dev/zero
}

# Fails (and says how they changed) unless the host's devices are as they must be.
_devices_intact() {
	local now
	now=$(_devices)
	[ "$now" = "$HOST_DEVICES" ] || { printf 'host devices changed:\n%s\nexpected:\n%s\n' "$now" "$HOST_DEVICES" >&2; return 1; }
}

_use_crun() {
	local why
	why=$(crun_ready) || skip "$why"
	export HARDSHIM_RUNTIME=$CRUN
}

_use_runc() {
	[ -x "$RUNC" ] || skip "no runc at $RUNC"
	export HARDSHIM_RUNTIME=$RUNC
}

# _hs_with IN OUT ERR HARDSHIM-ARGS...: hardshim with those files as its
# stdin, stdout and stderr; status in $status.
_hs_with() {
	local in=$1 out=$2 err=$3
	shift 3
	status=0
	"$HS" "$@" <"$in" >"$out" 2>"$err" || status=$?
}

# _status ID: the container's status as its runtime reports it.
_status() {
	"$HARDSHIM_RUNTIME" state "$1" 2>/dev/null | jq -r .status
}

_wait_stopped() {
	local i
	for i in $(seq 50); do
		[ "$(_status "$1")" = stopped ] && return 0
		sleep 0.1
	done
	echo "container $1 is $(_status "$1"), wanted stopped" >&2
	return 1
}

setup() {
	common_setup
	# A host already changed would make every test meaningless: say so.
	_devices_intact || { echo "setup: restore with chown root:root /dev/null /dev/zero; chmod 666 /dev/null /dev/zero" >&2; return 1; }
}

teardown() {
	local id r=0
	for id in $("$CRUN" list -q 2>/dev/null | grep -F -- "$ID_PREFIX"); do
		"$CRUN" delete -f "$id" >/dev/null 2>&1 || true
	done
	if ! _devices_intact; then
		echo "teardown: a test changed the host's devices; restoring them" >&2
		chown root:root /dev/null /dev/zero
		chmod 0666 /dev/null /dev/zero
		r=1
	fi
	common_teardown || r=1
	return "$r"
}

# ---- crun -------------------------------------------------------------------

@test "crun: /dev/null as stdin stays the host's, and the container reads end of file from it" {
	_use_crun
	b=$(bundle b sh -c 'echo "stdin-bytes=$(wc -c)"')

	_hs_with /dev/null "$T/out" "$T/err" run -b "$b" "$(new_id null-in)"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	assert_line_exact "stdin-bytes=0" "$T/out"
	_devices_intact
}

@test "crun: /dev/null as stdout or as stderr stays the host's, and takes the writes" {
	_use_crun
	b=$(bundle b sh -c 'echo to-stdout || echo stdout-failed >&2; echo to-stderr >&2 || echo stderr-failed')

	_hs_with /dev/null /dev/null "$T/err" run -b "$b" "$(new_id null-out)"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/err")" = to-stderr ]
	_devices_intact

	_hs_with /dev/null "$T/out" /dev/null run -b "$b" "$(new_id null-err)"
	cat "$T/out"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out")" = to-stdout ]
	_devices_intact
}

@test "crun: create and start with /dev/null as all three stdio (as conmon passes stdin) leave it the host's" {
	_use_crun
	b=$(bundle b cat)
	id=$(new_id create)

	_hs_with /dev/null /dev/null /dev/null create -b "$b" "$id"
	[ "$status" -eq 0 ]
	[ "$(_status "$id")" = created ]
	_devices_intact
	hs_out start "$id"
	[ "$status" -eq 0 ]
	# cat got end of file from its stdin: it ends by itself.
	_wait_stopped "$id"
	hs_out delete "$id"
	[ "$status" -eq 0 ]
	_devices_intact
}

@test "crun: /dev/zero as stdin stays the host's, and is still /dev/zero inside" {
	_use_crun
	b=$(bundle b sh -c 'head -c 4 | od -An -tx1; stat -L -c "%F %t:%T" /proc/self/fd/0')

	_hs_with /dev/zero "$T/out" "$T/err" run -b "$b" "$(new_id zero)"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	assert_line_exact " 00 00 00 00" "$T/out"
	assert_line_exact "character special file 1:5" "$T/out"
	_devices_intact
}

@test "crun: a pipe as stdin is left as it is" {
	_use_crun
	b=$(bundle b sh -c 'cat; stat -L -c %F /proc/self/fd/0')

	status=0
	printf 'piped-data\n' | "$HS" run -b "$b" "$(new_id pipe)" >"$T/out" 2>"$T/err" || status=$?
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	[ "$(cat "$T/out")" = $'piped-data\nfifo' ]
}

@test "crun: a regular file as stdin is the caller's own file" {
	_use_crun
	b=$(bundle b sh -c 'cat; stat -L -c %d:%i /proc/self/fd/0')
	echo file-data >"$T/in"
	chmod 0644 "$T/in"

	_hs_with "$T/in" "$T/out" "$T/err" run -b "$b" "$(new_id file)"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	[ "$(cat "$T/out")" = "file-data"$'\n'"$(stat -c %d:%i "$T/in")" ]
}

@test "crun: a terminal as stdin is left as it is" {
	_use_crun
	command -v script >/dev/null || skip "no script(1) to give hardshim a terminal"
	b=$(bundle b sh -c 'test -t 0 && echo stdin-is-a-tty; echo "inside=$(stat -L -c %d:%i /proc/self/fd/0)"')

	# script(1) runs the command on a new pseudo-terminal: as stdin, stdout and stderr.
	status=0
	script -qec "echo outside=\$(stat -L -c %d:%i /proc/self/fd/0); \"$HS\" run -b \"$b\" $(new_id tty)" /dev/null \
		</dev/null | tr -d '\r' >"$T/out" || status=$?
	cat "$T/out"
	[ "$status" -eq 0 ]
	assert_line_exact stdin-is-a-tty "$T/out"
	outside=$(sed -n 's/^outside=//p' "$T/out")
	[ -n "$outside" ]
	assert_line_exact "inside=$outside" "$T/out"
}

@test "crun: run -d and exec --process with devices as stdio leave them the host's" {
	_use_crun
	b=$(bundle b sleep 30)
	id=$(new_id exec)

	_hs_with /dev/null /dev/null /dev/null run -d -b "$b" "$id"
	[ "$status" -eq 0 ]
	[ "$(_status "$id")" = running ]
	_devices_intact

	jq '.process | .args = ["sh", "-c", "head -c 4 | od -An -tx1"]' "$b/config.json" >"$T/process.json"
	_hs_with /dev/zero "$T/out" "$T/err" exec -p "$T/process.json" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	assert_line_exact " 00 00 00 00" "$T/out"
	_devices_intact
}

# ---- runc -------------------------------------------------------------------

@test "runc: /dev/null as stdin, stdout or stderr stays the host's" {
	_use_runc
	b=$(bundle b sh -c 'echo "stdin-bytes=$(wc -c)"; echo to-stderr >&2')

	_hs_with /dev/null "$T/out" /dev/null run -b "$b" "$(new_id null-in)"
	cat "$T/out"
	[ "$status" -eq 0 ]
	assert_line_exact "stdin-bytes=0" "$T/out"
	_devices_intact

	_hs_with /dev/null /dev/null "$T/err" run -b "$b" "$(new_id null-out)"
	cat "$T/err"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/err")" = to-stderr ]
	_devices_intact
}

@test "runc: create with /dev/zero as stdin and /dev/null as stdout leaves them the host's" {
	_use_runc
	b=$(bundle b sh -c 'head -c 4 | od -An -tx1 >&2; echo to-null')
	id=$(new_id create)

	# The container's stderr: hs_out (start, delete) writes $T/err.
	_hs_with /dev/zero /dev/null "$T/container-err" create -b "$b" "$id"
	[ "$status" -eq 0 ]
	_devices_intact
	hs_out start "$id"
	[ "$status" -eq 0 ]
	_wait_stopped "$id"
	cat "$T/container-err"
	assert_line_exact " 00 00 00 00" "$T/container-err"
	hs_out delete "$id"
	[ "$status" -eq 0 ]
	_devices_intact
}

@test "runc: a pipe as stdin is left as it is" {
	_use_runc
	b=$(bundle b cat)

	status=0
	printf 'piped-data\n' | "$HS" run -b "$b" "$(new_id pipe)" >"$T/out" 2>"$T/err" || status=$?
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out")" = piped-data ]
}
