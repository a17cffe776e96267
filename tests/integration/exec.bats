#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec through hardshim with runc and crun behind it, as a person or a
# script types it: inline options (--cap, -u 0, -g 0, --no-new-privs=false,
# --apparmor, --process-label, --cwd, --env) instead of a --process file.
# hardshim builds the process runc would build from the container's spec,
# hardens it like a process file and hands it to the runtime as a memory
# file; the tests look from inside the exec'd process and in the journal.
# Also: what hardshim leaves exactly as the runtime prints it (state,
# features) and that it prints nothing of its own on success.

load helpers

setup() {
	common_setup
	mkdir -p "$T/etc-vol"
	chown "$(host_id 65534):$(host_gid 65534)" "$T/etc-vol"
}

teardown() {
	delete_crun_containers
	common_teardown
}

# use_runtime runc|crun: the runtime behind hardshim for this test.
use_runtime() {
	case $1 in
	runc) unset HARDSHIM_RUNTIME ;;
	crun)
		local why
		why=$(crun_ready) || skip "$why"
		export HARDSHIM_RUNTIME=$CRUN
		;;
	esac
}

# start_container NAME: a running hardened container with a rw volume at
# /etc/vol; prints its id.
start_container() {
	local b id
	b=$(bundle "$1" sleep 600)
	patch_config "$b" --arg t "$T" \
		'.mounts += [{destination: "/etc/vol", type: "bind", source: ($t + "/etc-vol"), options: ["rbind", "rw"]}]'
	id=$(new_id "$1")
	"$HS" create -b "$b" "$id" </dev/null >"$T/create.out" 2>&1 || { cat "$T/create.out" >&2; return 1; }
	"$HS" start "$id" </dev/null >>"$T/create.out" 2>&1 || { cat "$T/create.out" >&2; return 1; }
	echo "$id"
}

# What an exec'd process reports about itself.
SELF='id -u; id -G; pwd; echo "FOO=$FOO"
grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status
if touch /etc/vol/x 2>/dev/null; then echo etc-vol=written; else echo etc-vol=denied; fi
if touch /tmp/x 2>/dev/null; then echo tmp=written; else echo tmp=denied; fi
readlink /proc/self/ns/user'

# assert_self FILE ID: FILE (SELF's output) shows the container's hardening
# and the options that are harmless (--cwd /tmp, --env FOO=bar) applied.
assert_self() {
	local pid
	pid=$("$HS" state "$2" | jq -r .pid)
	printf '%s\n' 65534 65534 /tmp FOO=bar \
		"CapInh:${TAB}0000000000000000" "CapPrm:${TAB}0000000000000000" "CapEff:${TAB}0000000000000000" \
		"CapBnd:${TAB}0000000000000000" "CapAmb:${TAB}0000000000000000" "NoNewPrivs:${TAB}1" "Seccomp:${TAB}2" \
		etc-vol=denied tmp=written "$(readlink "/proc/$pid/ns/user")" | diff - "$1"
}

# Every option that could weaken the container, and two that cannot.
WEAKENING=(--cap CAP_SYS_ADMIN --cap=CAP_DAC_OVERRIDE -u 0:0 -g 0 --no-new-privs=false
	--apparmor unconfined --process-label system_u:system_r:spc_t:s0 --cwd /tmp -e FOO=bar)

check_inline_exec() {
	use_runtime "$1"
	id=$(start_container inline)
	hs_out exec "${WEAKENING[@]}" "$id" sh -c "$SELF"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	[ ! -s "$T/err" ]
	assert_self "$T/out" "$id"
	# The journal: each request clamped, under the exec command, with the
	# container's bundle.
	journal_query '[.[] | select(.command == "exec") | [.path, .action, .before, .after]]' >"$T/records"
	jq -e 'any(.[]; . == ["/user/uid", "changed", 0, 65534])
		and any(.[]; . == ["/user/gid", "changed", 0, 65534])
		and any(.[]; . == ["/user/additionalGids", "removed", [0], []])
		and any(.[]; . == ["/capabilities/bounding", "removed", ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"], []])
		and any(.[]; . == ["/capabilities/effective", "removed", ["CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"], []])
		and any(.[]; . == ["/noNewPrivileges", "changed", false, true])
		and any(.[]; . == ["/apparmorProfile", "removed", "unconfined", null])
		and any(.[]; . == ["/selinuxLabel", "removed", "system_u:system_r:spc_t:s0", null])
		and any(.[]; .[0] == "/args" and .[1] == "changed" and .[3][0] == "/dev/.hardshim/landlock"
			and .[3][-3:] == ["sh", "-c", $self])' --arg self "$SELF" "$T/records"
	jq -s -e --arg id "$id" '[.[] | select(.command == "exec")] | all(.id == $id and (.bundle | endswith("/inline"))
		and (.file | startswith("exec options on ")))' "$JOURNAL"
	# The exit status is the command's.
	hs_out exec -u 0 "$id" sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

@test "exec with runc: --cap, -u 0:0, -g 0, --no-new-privs=false, --apparmor, --process-label are clamped, the command runs" {
	check_inline_exec runc
}

@test "exec with crun: the same inline options are clamped the same way" {
	check_inline_exec crun
}

check_process_file_with_options() {
	use_runtime "$1"
	id=$(start_container pfile)
	jq -n --arg self "$SELF" '{args: ["sh", "-c", $self], cwd: "/tmp", env: ["FOO=bar"],
		user: {uid: 0, gid: 0}, capabilities: {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"],
		permitted: ["CAP_SYS_ADMIN"]}, noNewPrivileges: false}' >"$T/process.json"
	hs_out exec --process "$T/process.json" --cap CAP_SYS_ADMIN -u 0 "$id"
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	assert_self "$T/out" "$id"
	# The file itself was rewritten.
	jq -e '.user.uid == 65534 and .capabilities.bounding == [] and .noNewPrivileges == true' "$T/process.json"
}

@test "exec with runc: a --process file asking for root and capabilities is clamped; inline options next to it are dropped" {
	check_process_file_with_options runc
}

@test "exec with crun: a --process file with inline options next to it is clamped the same way" {
	check_process_file_with_options crun
}

@test "exec: the process file is a descriptor the runtime reads and the process never sees, also with --preserve-fds" {
	id=$(start_container fds)
	hs_out exec "$id" ls /proc/self/fd
	[ "$status" -eq 0 ]
	# ls's own directory descriptor is the fourth.
	[ "$(tr '\n' ' ' <"$T/out")" = "0 1 2 3 " ]
	status=0
	"$HS" exec --preserve-fds 2 "$id" sh -c 'ls /proc/self/fd; readlink /proc/self/fd/3; readlink /proc/self/fd/4' \
		</dev/null >"$T/out" 2>"$T/err" 3<"$T/etc-vol" 4>"$T/passed" || status=$?
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	# Exactly the passed descriptors 3 and 4, and ls's 5: nothing else.
	[ "$(grep -x '[0-9]*' "$T/out" | tr '\n' ' ')" = "0 1 2 3 4 5 " ]
	assert_line_exact "$T/etc-vol" "$T/out"
	assert_line_exact "$T/passed" "$T/out"
}

# A process file asking for root, CAP_SYS_ADMIN and no no_new_privileges,
# which runs SELF (stdout) and lists its descriptors (stderr).
write_root_process() {
	jq -n --arg self "$SELF" '{args: ["sh", "-c", ($self + "\nls /proc/self/fd >&2; ls -l /proc/self/fd/ >&2")],
		cwd: "/tmp", env: ["PATH=/bin", "FOO=bar"], user: {uid: 0, gid: 0},
		capabilities: {bounding: ["CAP_SYS_ADMIN"], effective: ["CAP_SYS_ADMIN"], permitted: ["CAP_SYS_ADMIN"]},
		noNewPrivileges: false}' >"$1"
}

# swapping_runtime REAL: a runtime that, for exec, first keeps what
# hardshim left in $T/process.json ($T/seen.json) and puts the unhardened
# $T/orig.json back in its place (as a container can through a volume),
# logs its command line to $T/swapped, then runs REAL.
swapping_runtime() {
	cat >"$T/swap-runtime" <<SCRIPT
#!/bin/sh
for a in "\$@"; do
	if [ "\$a" = exec ]; then
		cp "$T/process.json" "$T/seen.json" && cp "$T/orig.json" "$T/process.json"
		printf '%s\\n' "\$*" >>"$T/swapped"
	fi
done
exec "$1" "\$@"
SCRIPT
	chmod 755 "$T/swap-runtime"
	export HARDSHIM_RUNTIME=$T/swap-runtime
}

check_swapped_process_file() {
	local real=$RUNC
	use_runtime "$1"
	[ "$1" = runc ] || real=$CRUN
	id=$(start_container swap)
	write_root_process "$T/orig.json"
	cp "$T/orig.json" "$T/process.json"
	swapping_runtime "$real"
	status=0
	"$HS" exec --preserve-fds 1 --process "$T/process.json" "$id" 3<"$T/etc-vol" </dev/null >"$T/out" 2>"$T/err" ||
		status=$?
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	# The swap happened: hardshim had written the file back hardened, the
	# runtime was started with the unhardened one in its place.
	[ "$(wc -l <"$T/swapped")" -eq 1 ]
	jq -e '.user.uid == 65534 and .capabilities.bounding == [] and .noNewPrivileges == true' "$T/seen.json"
	cmp "$T/orig.json" "$T/process.json"
	# Yet the process ran hardened: the runtime read the sealed memory file.
	assert_self "$T/out" "$id"
	grep -q -- "--process /proc/self/fd/[0-9]* " "$T/swapped"
	! grep -q -- "--process $T/process.json" "$T/swapped"
	# Its descriptor is above the ones the process keeps (0-2 and the
	# preserved 3), and the process does not have it: 0-3 and ls's own.
	n=$(sed -n 's|.*--process /proc/self/fd/\([0-9]*\) .*|\1|p' "$T/swapped")
	[ "$n" -ge 4 ]
	[ "$(grep -x '[0-9]*' "$T/err" | tr '\n' ' ')" = "0 1 2 3 4 " ]
	! grep -q memfd "$T/err"
	assert_contains "$(cat "$T/err")" "3 -> $T/etc-vol"
}

@test "exec with runc: a --process file swapped back to root after hardshim wrote it still runs hardened (the runtime reads a sealed copy)" {
	check_swapped_process_file runc
}

@test "exec with crun: a --process file swapped back to root after hardshim wrote it still runs hardened" {
	check_swapped_process_file crun
}

@test "exec with runc: -p <(...) (a shell's process substitution) is read from the descriptor and runs hardened" {
	id=$(start_container subst)
	write_root_process "$T/orig.json"
	status=0
	"$HS" exec -p <(cat "$T/orig.json") "$id" </dev/null >"$T/out" 2>"$T/err" || status=$?
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	assert_self "$T/out" "$id"
	! grep -q memfd "$T/err"
	journal_query '[.[] | select(.command == "exec" and .path == "/user/uid")] | map([.file, .before, .after])' |
		grep -Eqx '\[\["/dev/fd/[0-9]+",0,65534\]\]'
	# A regular file as /proc/self/fd/N, read from its start whatever its offset.
	status=0
	"$HS" exec -p /proc/self/fd/5 "$id" 5<"$T/orig.json" </dev/null >"$T/out" 2>"$T/err" || status=$?
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	assert_self "$T/out" "$id"
	cmp "$T/orig.json" <(write_root_process /dev/stdout) # a descriptor is read, never rewritten
	# A descriptor hardshim was not given, or one that is no file or pipe, is refused.
	hs_out exec -p /dev/fd/9 "$id"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" 'exec: --process `/dev/fd/9` names no descriptor hardshim was given: refused'
	status=0
	"$HS" exec -p /dev/fd/5 "$id" 5<"$T" </dev/null >"$T/out" 2>"$T/err" || status=$?
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" '`/dev/fd/5` is neither a regular file nor a pipe: refused'
}

@test "exec in a container that does not exist: the runtime's message, then hardshim's; nothing runs or is journaled" {
	hs_out exec --cap CAP_SYS_ADMIN "$(new_id nosuch)" true
	[ "$status" -ne 0 ]
	grep -q 'does not exist' "$T/err"
	tail -n 1 "$T/err" | grep -q "^hardshim: exec in container \`$(new_id nosuch)\`: \`$RUNC state $(new_id nosuch)\` failed (exit status 1): cannot find the container's bundle$"
	[ ! -s "$T/out" ]
	[ ! -e "$JOURNAL" ] || journal_query '[.[] | select(.command == "exec")] | length' | grep -qx 0
}

@test "exec: a user name, a bad gid, no command, or ids outside the user namespace are refused with hardshim's message" {
	id=$(start_container refuse)
	hs_out exec -u nobody "$id" true
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" 'exec: --user `nobody` is not uid[:gid] in numbers'
	hs_out exec -g x "$id" true
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" '--additional-gids `x` is not a group id'
	hs_out exec "$id"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" 'exec: no command after the container id'
	# Ids the container's user namespace does not map, as create refuses them.
	hs_out exec -u 70000 "$id" true
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" '/user 70000:65534 is outside the container'"'"'s user namespace'
	hs_out exec -g 65536 "$id" true
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" '/user/additionalGids has 65536, outside the container'"'"'s user namespace'
}

@test "exec in audit mode: the engine's command line runs unchanged, the journal says what would change" {
	write_policy '{"mode":"audit"}'
	id=$(start_container audit)
	hs_out exec -u 0 --cap CAP_CHOWN "$id" sh -c 'id -u; grep ^CapEff: /proc/self/status'
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	assert_line_exact 0 "$T/out"
	[ "$(awk '/^CapEff:/ { print $2 }' "$T/out")" != 0000000000000000 ]
	journal_query '[.[] | select(.command == "exec" and .path == "/user/uid")][0] | [.action, .would, .before, .after]' |
		grep -qx '\["kept","changed",0,65534\]'
}

@test "exec in enforce mode into a container started in audit mode is refused: it has no Landlock helper" {
	write_policy '{"mode":"audit"}'
	id=$(start_container wasaudit)
	write_policy '{"mode":"enforce"}'
	hs_out exec "$id" true
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "exec: the container has no Landlock helper at \`/dev/.hardshim/landlock\` (it was not started by hardshim in enforce mode)"
}

@test "state and features print exactly what runc prints; create, start, exec and delete print nothing of hardshim's" {
	b=$(bundle quiet sleep 600)
	id=$(new_id quiet)
	for cmd in "create -b $b $id" "start $id"; do
		hs_out $cmd
		[ "$status" -eq 0 ]
		[ ! -s "$T/out" ] && [ ! -s "$T/err" ]
	done
	hs_out exec "$id" true
	[ "$status" -eq 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]
	hs_out exec -u 0 --cap CAP_SYS_ADMIN "$id" echo same
	[ "$(cat "$T/out")" = same ] && [ ! -s "$T/err" ]
	# state, byte for byte, also with stderr mixed in as containerd reads it.
	"$RUNC" state "$id" >"$T/runc-state" 2>&1
	"$HS" state "$id" >"$T/hs-state" 2>&1
	cmp "$T/runc-state" "$T/hs-state"
	# features with no global options, as containerd-shim-runc-v2 -info runs it.
	"$RUNC" features >"$T/runc-features" 2>&1
	"$HS" features >"$T/hs-features" 2>&1
	cmp "$T/runc-features" "$T/hs-features"
	jq -e '.ociVersionMax' "$T/hs-features"
	hs_out kill "$id" KILL
	[ "$status" -eq 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]
	wait_status "$id" stopped
	hs_out delete "$id"
	[ "$status" -eq 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]
}

@test "containerd-shim-runc-v2 -info runs hardshim's features" {
	shim=$(command -v containerd-shim-runc-v2) || skip "no containerd-shim-runc-v2 (apt-get install containerd)"
	version=$("$shim" -v | awk '/Version/ { print $2 }')
	"$shim" -h 2>&1 | grep -q -- '-info' ||
		skip "containerd-shim-runc-v2 $version has no -info option (containerd 2.0 added it); the call it makes, \`hardshim features\` without global options, is tested above"
	skip "containerd-shim-runc-v2 $version has -info: feeding it BinaryName options is not written yet"
}
