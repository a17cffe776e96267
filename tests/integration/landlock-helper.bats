#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hardshim-landlock (hooks/landlock.c) for real, under plain runc and
# without hardshim: the helper is bind-mounted read-only at
# /dev/.hardshim/landlock and put in front of process.args, as hardshim
# does when the kernel has Landlock but no AppArmor.  Every check is a real
# write attempted from inside the container, on a writable root filesystem
# (so that EACCES is Landlock's answer, not EROFS), and a control run
# without the helper shows the same writes succeed.
#
# The helper: $HS_LANDLOCK_HELPER, else $HS_BUILDDIR/hardshim-landlock, else
# built here from the source with gcc -static; the tests skip, saying why,
# when none of that gives one or the kernel has no Landlock.

load helpers

bats_require_minimum_version 1.5.0

LL_SRC="$HS_SRCDIR/hooks/landlock.c"
LL_DEST=/dev/.hardshim/landlock
LL_CFLAGS=(-O2 -static -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes
	-Wformat=2 -Wformat-nonliteral -Wvla)

setup_file() {
	local h=${HS_LANDLOCK_HELPER:-$HS_BUILDDIR/hardshim-landlock}
	LL_HELPER=$h
	LL_SKIP=""
	if [ -n "${HS_LANDLOCK_HELPER:-}" ]; then
		[ -x "$h" ] || { echo "HS_LANDLOCK_HELPER=$h is not an executable" >&2; return 1; }
	elif [ ! -x "$h" ]; then
		LL_HELPER=$BATS_FILE_TMPDIR/hardshim-landlock
		if ! command -v gcc >/dev/null 2>&1; then
			LL_SKIP="helper not built ($h) and no gcc to build it"
		elif ! gcc "${LL_CFLAGS[@]}" -o "$LL_HELPER" "$LL_SRC" >"$BATS_FILE_TMPDIR/gcc.log" 2>&1; then
			LL_SKIP="helper not built ($h) and gcc -static failed: $(head -c 300 "$BATS_FILE_TMPDIR/gcc.log")"
		else
			echo "# $h not built: testing $LL_HELPER, built from $LL_SRC" >&3
		fi
	fi
	export LL_HELPER LL_SKIP
}

setup() {
	[ -z "$LL_SKIP" ] || skip "$LL_SKIP"
	[ "$(id -u)" = 0 ] || skip "needs root (real runc containers)"
	[ -x "$RUNC" ] || skip "no runc at $RUNC"
	# No Landlock, no test: the helper itself says so (and exits 126).
	if ! err=$("$LL_HELPER" --deny /nonexistent-hs -- /bin/true 2>&1); then
		skip "the helper cannot run here: $err"
	fi
	T=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
	ID_PREFIX="hsll$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')-${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}-"
	EXTRA_ROOTS=()
	# The volumes: directories at /home/u, /etc/vol and /data, a file at
	# /etc/hosts.
	mkdir "$T/vol-home-u" "$T/vol-etc" "$T/vol-data"
	echo "127.0.0.1 from-the-host" >"$T/hosts"
}

teardown() {
	common_teardown
}

# ll_bundle NAME [--deny PATH]... -- ARGS...: a bundle of busybox running
# the helper with these options in front of ARGS (default: --deny /etc
# --deny /home), writable root, noNewPrivileges, a tmpfs at /tmp and the
# volumes of setup.  Prints its path.
ll_bundle() {
	local name=$1 b opts='[]'
	shift
	while [ "$1" != -- ]; do
		opts=$(jq -cn --argjson v "$opts" --arg a "$1" '$v + [$a]')
		shift
	done
	shift
	[ "$opts" != '[]' ] || opts='["--deny","/etc","--deny","/home"]'
	b=$(bundle "$name" "$@") || return 1
	patch_config "$b" --arg h "$LL_HELPER" --arg d "$LL_DEST" --arg v "$T" --argjson o "$opts" '
		.root.readonly = false
		| .process.noNewPrivileges = true
		| .process.args = [$d] + $o + ["--"] + .process.args
		| .mounts += [
			{destination: $d, type: "bind", source: $h, options: ["bind", "ro", "nosuid", "nodev"]},
			{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"]},
			{destination: "/data", type: "bind", source: ($v + "/vol-data"), options: ["rbind", "rw"]},
			{destination: "/home/u", type: "bind", source: ($v + "/vol-home-u"), options: ["rbind", "rw"]},
			{destination: "/etc/vol", type: "bind", source: ($v + "/vol-etc"), options: ["rbind", "rw"]},
			{destination: "/etc/hosts", type: "bind", source: ($v + "/hosts"), options: ["bind", "rw"]}]' || return 1
	echo "$b"
}

# without_helper BUNDLE: the same container, the helper taken out of
# process.args (the control).
without_helper() {
	patch_config "$1" '.process.args |= .[(index(["--"]) + 1):]'
}

# run_ctr BUNDLE NAME [STATUS]: runc run, output (stdout and stderr) in
# $output; STATUS: the exit status expected (run -STATUS).
run_ctr() {
	run ${3:+"-$3"} "$RUNC" run -b "$1" "$(new_id "$2")" </dev/null
	echo "status=$status"
	echo "$output"
}

# The container side: try LABEL COMMAND... prints `LABEL: ok` or
# `LABEL: failed: MESSAGE`.
TRY='try() { l=$1; shift; if e=$("$@" 2>&1); then echo "$l: ok"; else echo "$l: failed: $e"; fi; }
'

denied() {
	grep -qE "^$1: failed: .*Permission denied\$" <<<"$output" ||
		{ echo "$1: not denied with EACCES" >&2; return 1; }
}
failed() {
	grep -qE "^$1: failed: " <<<"$output" || { echo "$1: did not fail" >&2; return 1; }
}
allowed() {
	grep -qxF "$1: ok" <<<"$output" || { echo "$1: not allowed" >&2; return 1; }
}

# Destructive attempts last: in the control run they succeed.
WRITES=$TRY'
try hosts-write sh -c "echo x >>/etc/hosts"
try hosts-trunc truncate -s 0 /etc/hosts
try etc-create touch /etc/new
try etc-mkdir mkdir /etc/d
try etcvol-create touch /etc/vol/new
try home-create touch /home/new
try home-mkdir mkdir /home/x
try homeu-create touch /home/u/new
try homeu-mkdir mkdir /home/u/x
try tmp-write sh -c "echo x >/tmp/f"
try data-write sh -c "echo x >/data/f"
try data-mkdir mkdir /data/d
try root-write sh -c "echo x >/root/f"
try devnull-write sh -c "echo x >/dev/null"
echo "hosts=$(cat /etc/hosts)"
echo "passwd=$(head -n 1 /etc/passwd)"
try etc-rm rm /etc/group
try etc-link-out ln /etc/passwd /root/passwd-link
try etc-move-out mv /etc/passwd /root/passwd
try etc-rename mv /etc/hosts.allow /etc/hosts.deny
try etc-dir-rename mv /etc /etc.old
'

@test "landlock helper: writes beneath /etc and /home (volumes and bind-mounted files included) fail with EACCES, elsewhere they work" {
	b=$(ll_bundle b -- sh -c "$WRITES")
	touch "$b/rootfs/etc/hosts.allow"
	run_ctr "$b" w
	[ "$status" -eq 0 ]
	for l in hosts-write hosts-trunc etc-create etc-mkdir etc-rm etc-rename etc-dir-rename \
		etcvol-create home-create home-mkdir homeu-create homeu-mkdir; do
		denied "$l"
	done
	# Out of a denied directory: Landlock refuses the reparenting (EXDEV).
	failed etc-move-out
	failed etc-link-out
	for l in tmp-write data-write data-mkdir root-write devnull-write; do
		allowed "$l"
	done
	assert_line_exact "hosts=127.0.0.1 from-the-host" <(echo "$output")
	assert_line_exact "passwd=root:x:0:0:root:/root:/bin/sh" <(echo "$output")
	# And on the host: nothing changed where writes are denied.
	[ "$(cat "$T/hosts")" = "127.0.0.1 from-the-host" ]
	[ -z "$(ls -A "$T/vol-home-u")" ] && [ -z "$(ls -A "$T/vol-etc")" ]
	[ -f "$T/vol-data/f" ] && [ -d "$T/vol-data/d" ]
	[ -f "$b/rootfs/etc/passwd" ] && [ -f "$b/rootfs/etc/group" ] && [ -f "$b/rootfs/etc/hosts.allow" ]
	[ ! -e "$b/rootfs/etc/new" ] && [ ! -e "$b/rootfs/etc.old" ]
	[ ! -e "$b/rootfs/root/passwd" ] && [ ! -e "$b/rootfs/root/passwd-link" ]
}

@test "landlock helper: control: without the helper the same writes succeed" {
	b=$(ll_bundle b -- sh -c "$WRITES")
	touch "$b/rootfs/etc/hosts.allow"
	without_helper "$b"
	[ "$(jq -r '.process.args[0]' "$b/config.json")" = sh ]
	run_ctr "$b" control
	[ "$status" -eq 0 ]
	for l in hosts-write hosts-trunc etc-create etc-mkdir etcvol-create home-create home-mkdir homeu-create \
		homeu-mkdir etc-rm etc-link-out etc-move-out etc-rename etc-dir-rename; do
		allowed "$l"
	done
	[ -d "$b/rootfs/etc.old" ]
}

@test "landlock helper: PID 1 is the command, with no_new_privs; its exit status is passed through" {
	b=$(ll_bundle b -- sh -c 'echo "pid=$$"; echo "cmdline=$(tr "\0" " " </proc/1/cmdline)"
		grep -E "^(Name|NoNewPrivs):" /proc/1/status; exit 7')
	run_ctr "$b" pid1
	[ "$status" -eq 7 ]
	assert_line_exact "pid=1" <(echo "$output")
	assert_line_exact "Name:${TAB}sh" <(echo "$output")
	assert_line_exact "NoNewPrivs:${TAB}1" <(echo "$output")
	grep -q '^cmdline=sh -c echo ' <<<"$output"
	! grep -q landlock <<<"$output"
}

@test "landlock helper: a symlink /etcl -> /etc in the image does not make /etc writable" {
	b=$(ll_bundle b -- sh -c "$TRY"'
		try etcl-create touch /etcl/new
		try etcl-write sh -c "echo x >>/etcl/passwd"
		try etcl-read cat /etcl/passwd')
	ln -s /etc "$b/rootfs/etcl"
	run_ctr "$b" etcl
	[ "$status" -eq 0 ]
	denied etcl-create
	denied etcl-write
	allowed etcl-read
	[ ! -e "$b/rootfs/etc/new" ]
}

@test "landlock helper: /home a symlink to /data/home in the image: writes under /home and /data/home stay denied" {
	b=$(ll_bundle b -- sh -c "$TRY"'
		try home-create touch /home/new
		try home-mkdir mkdir /home/x
		try homeu-create touch /home/u/new
		try real-create touch /data/home/new
		try data-create touch /data/new
		try data-other-write touch /data/other/new')
	mkdir "$T/vol-data/home" "$T/vol-data/other"
	ln -s /data/home "$b/rootfs/home"
	run_ctr "$b" homelink
	[ "$status" -eq 0 ]
	denied home-create
	denied home-mkdir
	denied homeu-create
	denied real-create
	# /data is now an ancestor of a denied path: only its other entries
	# are writable, not /data itself.
	denied data-create
	allowed data-other-write
	[ -z "$(ls -A "$T/vol-data/home" | grep -vx u)" ]
	[ -z "$(ls -A "$T/vol-home-u")" ]
}

@test "landlock helper: a dangling symlink at a denied path fails closed (126), the command never runs" {
	b=$(ll_bundle b -- sh -c 'echo command-ran')
	patch_config "$b" '.mounts |= map(select(.destination != "/home/u"))'
	ln -s /data/nohome "$b/rootfs/home"
	run_ctr "$b" dangling
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: resolve \`/home\`: \`/home\` is a dangling symlink"
	! grep -q command-ran <<<"$output"
}

@test "landlock helper: truncate(2) by path is denied beneath /etc, allowed elsewhere (TRUNCATE, Landlock ABI >= 3)" {
	# busybox's truncate opens the file for writing first: WRITE_FILE would
	# answer, not TRUNCATE.  A few lines of C call truncate(2) itself.
	command -v gcc >/dev/null 2>&1 || skip "no gcc to build the truncate(2) probe"
	b=$(ll_bundle b -- sh -c '/bin/trunc /etc/passwd; /bin/trunc /root/f')
	gcc -O2 -static -o "$b/rootfs/bin/trunc" -x c - <<'EOF_C'
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	int r = truncate(argv[1], 0);
	printf("abi=%ld %s: %s\n", abi, argv[1], r == 0 ? "ok" : strerror(errno));
	return 0;
}
EOF_C
	echo data >"$b/rootfs/root/f"
	run_ctr "$b" trunc
	[ "$status" -eq 0 ]
	abi=$(sed -n 's/^abi=\([0-9-]*\) .*/\1/p' <<<"$output" | head -n 1)
	[ "$abi" -ge 3 ] || skip "Landlock ABI $abi < 3: no TRUNCATE right"
	assert_line_exact "abi=$abi /etc/passwd: Permission denied" <(echo "$output")
	assert_line_exact "abi=$abi /root/f: ok" <(echo "$output")
	[ -s "$b/rootfs/etc/passwd" ] && [ ! -s "$b/rootfs/root/f" ]
}

@test "landlock helper: a hard link of a denied file in the image is not writable" {
	b=$(ll_bundle b -- sh -c "$TRY"'
		try link-write sh -c "echo x >>/passwd"
		try link-read cat /passwd')
	ln "$b/rootfs/etc/passwd" "$b/rootfs/passwd"
	run_ctr "$b" hardlink
	[ "$status" -eq 0 ]
	denied link-write
	allowed link-read
	[ "$(wc -l <"$b/rootfs/etc/passwd")" -eq 2 ]
}

@test "landlock helper: a deeper denied path: its ancestors' other entries are writable, the ancestors themselves are not" {
	b=$(ll_bundle b --deny /var/lib/x -- sh -c "$TRY"'
		try x-create touch /var/lib/x/new
		try x-rename mv /var/lib/x /var/lib/z
		try y-create touch /var/lib/y/new
		try cache-create touch /var/cache/new
		try lib-create touch /var/lib/new
		try var-create touch /var/new
		try etc-create touch /etc/new
		try home-create touch /home/u/new')
	mkdir -p "$b/rootfs/var/lib/x" "$b/rootfs/var/lib/y" "$b/rootfs/var/cache"
	run_ctr "$b" deep
	[ "$status" -eq 0 ]
	denied x-create
	denied x-rename
	denied lib-create
	denied var-create
	allowed y-create
	allowed cache-create
	allowed etc-create
	allowed home-create
}

@test "landlock helper: trailing and repeated slashes in --deny are normalised away" {
	b=$(ll_bundle b --deny /etc/ --deny //home// -- sh -c "$TRY"'
		try etc-create touch /etc/new
		try home-create touch /home/new
		try data-write touch /data/ok')
	run_ctr "$b" slashes
	[ "$status" -eq 0 ]
	denied etc-create
	denied home-create
	allowed data-write
}

@test "landlock helper: a command found through PATH, an absolute one, and through the default PATH when unset" {
	b=$(ll_bundle b -- sh -c 'echo "via-path $0"')
	run_ctr "$b" path
	[ "$status" -eq 0 ]
	assert_line_exact "via-path sh" <(echo "$output")

	b=$(ll_bundle b2 -- /bin/sh -c 'echo "absolute $0"')
	run_ctr "$b" absolute
	[ "$status" -eq 0 ]
	assert_line_exact "absolute /bin/sh" <(echo "$output")

	# (not sh: busybox sh sets a PATH of its own when there is none)
	b=$(ll_bundle b3 -- env)
	patch_config "$b" '.process.env = ["TERM=xterm"]'
	run_ctr "$b" nopath
	[ "$status" -eq 0 ]
	assert_line_exact TERM=xterm <(echo "$output")
	! grep -q '^PATH=' <<<"$output"
}

@test "landlock helper: PATH search passes over a file it cannot execute (126 when nothing else is found)" {
	b=$(ll_bundle b -- hello)
	mkdir -p "$b/rootfs/usr/local/bin"
	printf '#!/bin/sh\necho not-executable\n' >"$b/rootfs/usr/local/bin/hello"
	chmod 0644 "$b/rootfs/usr/local/bin/hello"
	printf '#!/bin/sh\necho hello-from-bin\n' >"$b/rootfs/bin/hello"
	chmod 0755 "$b/rootfs/bin/hello"
	run_ctr "$b" eacces
	[ "$status" -eq 0 ]
	[ "$output" = hello-from-bin ]

	rm "$b/rootfs/bin/hello"
	run_ctr "$b" eacces2
	[ "$status" -eq 126 ]
	[ "$output" = "hardshim-landlock: exec \`hello\`: Permission denied" ]
}

@test "landlock helper: no shell fallback for a file without #! (126, ENOEXEC)" {
	b=$(ll_bundle b -- noshebang)
	printf 'echo ran-by-a-shell\n' >"$b/rootfs/bin/noshebang"
	chmod 0755 "$b/rootfs/bin/noshebang"
	run_ctr "$b" enoexec
	[ "$status" -eq 126 ]
	[ "$output" = "hardshim-landlock: exec \`noshebang\`: Exec format error" ]
}

@test "landlock helper: a missing command: 127 and a message" {
	b=$(ll_bundle b -- no-such-command arg)
	run_ctr "$b" missing 127
	[ "$status" -eq 127 ]
	[ "$output" = "hardshim-landlock: exec \`no-such-command\`: No such file or directory" ]

	b=$(ll_bundle b2 -- /no/such/command)
	run_ctr "$b" missing-abs 127
	[ "$status" -eq 127 ]
	[ "$output" = "hardshim-landlock: exec \`/no/such/command\`: No such file or directory" ]
}

@test "landlock helper: usage errors: 125 and a message, in a container and on the host" {
	b=$(bundle b sh -c 'echo command-ran')
	patch_config "$b" --arg h "$LL_HELPER" --arg d "$LL_DEST" '
		.process.args = [$d, "--deny", "etc", "--"] + .process.args
		| .mounts += [{destination: $d, type: "bind", source: $h, options: ["bind", "ro", "nosuid", "nodev"]}]'
	run_ctr "$b" usage
	[ "$status" -eq 125 ]
	[ "$output" = "hardshim-landlock: --deny \`etc\`: not an absolute path" ]

	local -a many=()
	for i in $(seq 33); do many+=(--deny "/d$i"); done
	# ARGUMENTS|MESSAGE, the arguments split on spaces.
	while IFS='|' read -r args msg; do
		# shellcheck disable=SC2086
		run "$LL_HELPER" $args
		echo "$args => $status $output"
		[ "$status" -eq 125 ]
		[ "$output" = "hardshim-landlock: $msg" ]
	done <<'EOF'
|no --deny path (usage: hardshim-landlock --deny PATH... -- COMMAND [ARG]...)
-- true|no --deny path (usage: hardshim-landlock --deny PATH... -- COMMAND [ARG]...)
--deny|--deny needs a path
--deny /etc|no `--` before the command
--deny /etc true|unknown argument `true` (usage: hardshim-landlock --deny PATH... -- COMMAND [ARG]...)
--deny /etc --|no command after `--`
--deny=/etc -- true|unknown argument `--deny=/etc` (usage: hardshim-landlock --deny PATH... -- COMMAND [ARG]...)
-d /etc -- true|unknown argument `-d` (usage: hardshim-landlock --deny PATH... -- COMMAND [ARG]...)
--deny etc -- true|--deny `etc`: not an absolute path
--deny /etc/../home -- true|--deny `/etc/../home`: `.` and `..` are not allowed
--deny /etc/. -- true|--deny `/etc/.`: `.` and `..` are not allowed
EOF
	run "$LL_HELPER" "${many[@]}" -- true
	[ "$status" -eq 125 ]
	[ "$output" = "hardshim-landlock: more than 32 --deny paths" ]
	run "$LL_HELPER" --deny "" -- true
	[ "$status" -eq 125 ]
	[ "$output" = "hardshim-landlock: --deny \`\`: not an absolute path" ]
}

@test "landlock helper: a denied path too long as given (125) or as resolved (126) is refused, never cut" {
	local long deep tail
	long=/$(printf 'a%.0s' $(seq 4100))
	run "$LL_HELPER" --deny "$long" -- /bin/echo command-ran
	[ "$status" -eq 125 ]
	[ "$output" = "hardshim-landlock: --deny \`$long\`: path too long" ]
	# $T/L is a symbolic link to a directory 3800 bytes deep: the path as
	# given is short, as resolved (the missing tail kept) PATH_MAX bytes.
	# Cut, it would deny another path.
	deep=$T/deep
	while [ "${#deep}" -lt 3800 ]; do deep=$deep/$(printf 'c%.0s' $(seq 200)); done
	mkdir -p "$deep"
	ln -s "$deep" "$T/L"
	# (a short first component: realpath meets the missing one before its
	# own length limit)
	tail=b/$(printf 'b%.0s' $(seq $(( 4096 - ${#deep} - 5 ))))
	run "$LL_HELPER" --deny "$T/L/$tail/x" -- /bin/echo command-ran
	echo "$output"
	[ "$status" -eq 126 ]
	[ "$output" = "hardshim-landlock: \`$T/L/$tail/x\`: path too long" ]
	# One byte shorter (PATH_MAX - 1): the command runs.
	tail=b/$(printf 'b%.0s' $(seq $(( 4095 - ${#deep} - 5 ))))
	run "$LL_HELPER" --deny "$T/L/$tail/x" -- /bin/echo command-ran
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = command-ran ]
}

# Landlock rules belong to inodes: an entry that is the same inode as /, an
# ancestor of a denied path or a denied mount, or lies inside a denied area
# of its filesystem, would carry its write rights there.  The helper refuses.

@test "landlock helper: the rootfs mounted again at /mnt: refused (126), the command never runs, /etc/hosts unchanged" {
	b=$(ll_bundle b -- sh -c 'echo command-ran; echo x >>/etc/hosts; echo x >>/mnt/etc/hosts')
	patch_config "$b" --arg r "$b/rootfs" '.mounts += [{destination: "/mnt", type: "bind", source: $r, options: ["rbind", "rw"]}]'
	run_ctr "$b" rootmnt
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/mnt\` is the same file as \`/\`: refusing"
	! grep -q command-ran <<<"$output"
	[ "$(cat "$T/hosts")" = "127.0.0.1 from-the-host" ]
}

@test "landlock helper: one host directory at /data and at /home/u: refused, nothing written" {
	b=$(ll_bundle b -- sh -c 'echo command-ran; touch /data/new /home/u/new')
	patch_config "$b" --arg v "$T/vol-home-u" '(.mounts[] | select(.destination == "/data") | .source) = $v'
	run_ctr "$b" samedir
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/data\` is the same file as \`/home/u\`: refusing"
	! grep -q command-ran <<<"$output"
	[ -z "$(ls -A "$T/vol-home-u")" ]
}

@test "landlock helper: /home/u a bind of V, /data of V/sub (also at a mount point with a space): refused, nothing written" {
	mkdir "$T/vol-home-u/sub"
	b=$(ll_bundle b -- sh -c 'echo command-ran; touch /data/new /home/u/sub/new')
	patch_config "$b" --arg v "$T/vol-home-u/sub" '(.mounts[] | select(.destination == "/data") | .source) = $v'
	run_ctr "$b" subdir
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/data\` is within \`/home/u\` (\`$T/vol-home-u/sub\` beneath \`$T/vol-home-u\` on "
	! grep -q command-ran <<<"$output"

	b=$(ll_bundle b2 -- sh -c 'echo command-ran')
	patch_config "$b" --arg v "$T/vol-home-u/sub" '
		(.mounts[] | select(.destination == "/data") | .source) = $v
		| (.mounts[] | select(.destination == "/home/u") | .destination) = "/home/u v"'
	run_ctr "$b" subdir-space
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/data\` is within \`/home/u v\` ("
	! grep -q command-ran <<<"$output"
	[ -z "$(ls -A "$T/vol-home-u/sub")" ]
}

@test "landlock helper: /data a bind of a directory of the rootfs beneath /etc: refused, nothing written" {
	b=$(ll_bundle b -- sh -c 'echo command-ran; touch /data/new')
	mkdir "$b/rootfs/etc/sub"
	patch_config "$b" --arg v "$b/rootfs/etc/sub" '(.mounts[] | select(.destination == "/data") | .source) = $v'
	run_ctr "$b" etcsub
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/data\` is within \`/etc\` ("
	! grep -q command-ran <<<"$output"
	[ -z "$(ls -A "$b/rootfs/etc/sub")" ]
}

@test "landlock helper: /data a bind of P, /home/u of P/home: refused (the files of /home/u are /data/home/...), nothing written" {
	# (Walks from /home/u jump from P/home to /home and never visit P, but
	# the files of /home/u would be writable as /data/home/...: refused.)
	mkdir "$T/vol-data/home"
	b=$(ll_bundle b -- sh -c 'echo command-ran; touch /data/home/new /home/u/new')
	patch_config "$b" --arg v "$T/vol-data/home" '(.mounts[] | select(.destination == "/home/u") | .source) = $v'
	run_ctr "$b" parent
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/data\` holds \`/home/u\` (\`$T/vol-data/home\` beneath \`$T/vol-data\` on "
	! grep -q command-ran <<<"$output"
	[ -z "$(ls -A "$T/vol-data/home")" ]
}

@test "landlock helper: /data a bind of P, /etc/app of P/a/b/c (three levels): refused, nothing written" {
	mkdir -p "$T/vol-data/a/b/c"
	b=$(ll_bundle b -- sh -c 'echo command-ran; echo x >/data/a/b/c/config')
	patch_config "$b" --arg v "$T/vol-data/a/b/c" '.mounts += [{destination: "/etc/app", type: "bind", source: $v, options: ["rbind", "rw"]}]'
	run_ctr "$b" deep
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/data\` holds \`/etc/app\` ("
	! grep -q command-ran <<<"$output"
	[ -z "$(ls -A "$T/vol-data/a/b/c")" ]
}

@test "landlock helper: a mount beneath a granted entry (/mnt/x) aliasing a denied volume: refused, nothing written" {
	# /mnt is an entry of / and gets the rule; /mnt/x is a mount beneath it.
	mkdir -p "$T/vol-data/sub" "$T/vol-etc/sub"
	for case in "same:$T/vol-home-u:/home/u" "parent:$T/vol-data:/etc/vol2" "child:$T/vol-etc/sub:/etc/vol"; do
		IFS=: read -r name src what <<<"$case"
		b=$(ll_bundle "b$name" -- sh -c 'echo command-ran; touch /mnt/x/new /mnt/x/sub/new')
		[ "$name" != parent ] || patch_config "$b" --arg v "$T/vol-data/sub" '.mounts += [{destination: "/etc/vol2", type: "bind", source: $v, options: ["rbind", "rw"]}]'
		patch_config "$b" --arg v "$src" '.mounts += [{destination: "/mnt/x", type: "bind", source: $v, options: ["rbind", "rw"]}]'
		run_ctr "$b" "nested-$name"
		[ "$status" -eq 126 ]
		assert_contains "$output" "hardshim-landlock: \`/mnt/x\` "
		assert_contains "$output" "\`$what\`"
		! grep -q command-ran <<<"$output"
	done
	[ -z "$(ls -A "$T/vol-home-u")" ] && [ -z "$(ls -A "$T/vol-data/sub")" ] && [ -z "$(ls -A "$T/vol-etc/sub")" ]
}

@test "landlock helper: a hard link of /etc/hosts's source bound at /mnt/h (a mount beneath an entry): refused" {
	ln "$T/hosts" "$T/hosts-link"
	b=$(ll_bundle b -- sh -c 'echo command-ran; echo x >>/mnt/h')
	patch_config "$b" --arg v "$T/hosts-link" '.mounts += [{destination: "/mnt/h", type: "bind", source: $v, options: ["bind", "rw"]}]'
	run_ctr "$b" hardlink
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/mnt/h\` is the same file as \`/etc/hosts\`"
	! grep -q command-ran <<<"$output"
	[ "$(cat "$T/hosts")" = "127.0.0.1 from-the-host" ]
}

@test "landlock helper: a read-only mount holding a denied volume runs (writes through it fail); one within it is still refused" {
	mkdir -p "$T/P/home" "$T/vol-home-u/sub"
	b=$(ll_bundle b -- sh -c "$TRY"'
		try ro-write touch /ro/home/new
		try homeu-create touch /home/u/new')
	patch_config "$b" --arg v "$T/P/home" --arg p "$T/P" '
		(.mounts[] | select(.destination == "/home/u") | .source) = $v
		| .mounts += [{destination: "/ro", type: "bind", source: $p, options: ["rbind", "ro"]}]'
	run_ctr "$b" rohold
	[ "$status" -eq 0 ]
	failed ro-write
	grep -q '^ro-write: failed: .*Read-only file system' <<<"$output"
	denied homeu-create
	[ -z "$(ls -A "$T/P/home")" ]

	# Read-only, but its inode within /home/u: a rule there would cover /home/u/sub.
	b=$(ll_bundle b2 -- sh -c 'echo command-ran; touch /home/u/sub/new')
	patch_config "$b" --arg v "$T/vol-home-u/sub" '.mounts += [{destination: "/ro", type: "bind", source: $v, options: ["rbind", "ro"]}]'
	run_ctr "$b" rowithin
	[ "$status" -eq 126 ]
	assert_contains "$output" "hardshim-landlock: \`/ro\` is within \`/home/u\`"
	! grep -q command-ran <<<"$output"
	[ -z "$(ls -A "$T/vol-home-u/sub")" ]
}
