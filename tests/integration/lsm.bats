#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Writes beneath /etc and /home denied (the lsm measure), seen from inside
# containers started through hardshim with the real runc.  This machine has
# no AppArmor and has Landlock, so the denial is the Landlock helper's: the
# tests try the writes, read the errors, and look at PID 1.

load helpers

setup() {
	common_setup
	[ -x "$LANDLOCK_HELPER" ] || { echo "Landlock helper not built: $LANDLOCK_HELPER" >&2; return 1; }
	abi=$(python3 -c 'import ctypes; print(ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1))')
	[ "$abi" -gt 0 ] || skip "this kernel has no Landlock (landlock_create_ruleset: $abi)"
	# The rw binds an engine puts under /etc and /home, and volumes.
	printf '127.0.0.1 localhost\n' >"$T/hosts"
	mkdir -p "$T/home-u" "$T/etc-vol" "$T/data"
	chown "$(host_id 65534):$(host_gid 65534)" "$T/home-u" "$T/etc-vol" "$T/data" "$T/hosts"
}

teardown() {
	common_teardown
}

# try WHAT COMMAND: run COMMAND in sh and print `WHAT: ok` or `WHAT: <error>`.
TRY='try() { what=$1; shift; if err=$(sh -c "$*" 2>&1); then echo "$what: ok"; else echo "$what: ${err##*: }"; fi; }'

WRITES='
try etc-hosts "echo x >>/etc/hosts"
try etc-hosts-truncate "echo x >/etc/hosts"
try etc-vol-create "touch /etc/vol/new"
try home-u-create "echo x >/home/u/new"
try home-u-mkdir "mkdir /home/u/d"
try etc-create "touch /etc/new"
try home-mkdir "mkdir /home/x"
try tmp-write "echo x >/tmp/new"
try data-write "echo x >/data/new"
try etc-hosts-read "cat /etc/hosts >/dev/null"
try dev-null "echo x >/dev/null"'

# volumes BUNDLE: the binds above, rw.
volumes() {
	patch_config "$1" --arg t "$T" '.mounts += [
		{destination: "/etc/hosts", type: "bind", source: ($t + "/hosts"), options: ["rbind", "rw"]},
		{destination: "/home/u", type: "bind", source: ($t + "/home-u"), options: ["rbind", "rw"]},
		{destination: "/etc/vol", type: "bind", source: ($t + "/etc-vol"), options: ["rbind", "rw"]},
		{destination: "/data", type: "bind", source: ($t + "/data"), options: ["rbind", "rw"]}]'
}

# assert_writes FILE ROFS: the write results in FILE; ROFS is the answer
# expected for creating in the (read-only or writable) image's /etc and /home.
# The binds beneath /etc and /home are read-only mounts (hardshim makes
# them so): EROFS, with Landlock behind it.
assert_writes() {
	local want="etc-hosts: Read-only file system
etc-hosts-truncate: Read-only file system
etc-vol-create: Read-only file system
home-u-create: Read-only file system
home-u-mkdir: Read-only file system
etc-create: $2
home-mkdir: $2
tmp-write: ok
data-write: ok
etc-hosts-read: ok
dev-null: ok"
	diff <(echo "$want") "$1"
}

@test "lsm: writes beneath /etc and /home fail with a permission error, /tmp and /data work" {
	b=$(bundle b sh -c "$TRY; $WRITES")
	volumes "$b"
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	# The image's own /etc and /home are on the read-only rootfs.
	assert_writes "$T/out" "Read-only file system"
	# Nothing reached the host through the denied binds.
	[ "$(cat "$T/hosts")" = "127.0.0.1 localhost" ]
	[ -z "$(find "$T/home-u" "$T/etc-vol" -mindepth 1)" ]
	[ -f "$T/data/new" ]
	# The journal says how.
	journal_query 'map(select(.measure == "lsm" and .path == "/process/args"))[0]' |
		jq -e '.action == "changed" and .after[0] == "/dev/.hardshim/landlock" and (.note | startswith("Landlock ABI"))'
	journal_query 'map(select(.measure == "lsm" and .path == "/mounts"))[0]' | jq -e '.action == "added" and .after.options == ["bind", "ro", "nosuid", "nodev"]'
	journal_query 'map(select(.measure == "lsm" and .path == "/process/selinuxLabel"))[0]' | jq -e '.action == "unavailable"'
}

@test "lsm: with a writable rootfs, the image's /etc and /home are denied by Landlock, not by read-only" {
	write_policy '{"rootfs": {"readonly": false}}'
	b=$(bundle b sh -c "$TRY; $WRITES")
	volumes "$b"
	patch_config "$b" '.root.readonly = false'
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -eq 0 ]
	assert_writes "$T/out" "Permission denied"
}

@test "lsm: PID 1 is the original command, confined, with its exit status" {
	b=$(bundle b sh -c 'tr "\0" " " </proc/1/cmdline; echo; grep -E "^(NoNewPrivs|Seccomp):" /proc/1/status; exit 7')
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -eq 7 ]
	grep -Fx 'sh -c tr "\0" " " </proc/1/cmdline; echo; grep -E "^(NoNewPrivs|Seccomp):" /proc/1/status; exit 7 ' "$T/out"
	grep -qx "NoNewPrivs:${TAB}1" "$T/out"
	# The helper itself is there, read-only.
	b2=$(bundle b2 sh -c 'echo x >/dev/.hardshim/landlock; ls -l /dev/.hardshim/landlock')
	hs_out run -b "$b2" "$(new_id c2)"
	grep -q 'Read-only file system' "$T/err" "$T/out"
}

@test "lsm: exec processes are confined too" {
	b=$(bundle b sleep 60)
	volumes "$b"
	id=$(new_id c)
	hs_out run -d -b "$b" "$id"
	[ "$status" -eq 0 ]
	jq -n --arg script "$TRY; $WRITES" '{args: ["sh", "-c", $script], cwd: "/", user: {uid: 0, gid: 0},
		env: ["PATH=/usr/bin:/bin"]}' >"$T/process.json"
	hs_out exec --process "$T/process.json" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	assert_writes "$T/out" "Read-only file system"
	journal_query 'map(select(.command == "exec" and .measure == "lsm"))[0]' | jq -e '.path == "/args" and .action == "changed"'
}

@test "lsm: deny_write from the policy: other paths denied, /etc writable" {
	write_policy '{"lsm": {"deny_write": ["/data"]}}'
	b=$(bundle b sh -c "$TRY; try data \"echo x >/data/new\"; try etc-vol \"touch /etc/vol/new\"")
	volumes "$b"
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -eq 0 ]
	diff <(printf 'data: Read-only file system\netc-vol: ok\n') "$T/out"
}

@test "lsm: a spec that brings its own file at the helper's place gets hardshim's helper" {
	# A writable rootfs: only Landlock denies creating in the image's /etc
	# (the volume at /etc/vol is read-only whichever helper runs).
	write_policy '{"rootfs": {"readonly": false}}'
	b=$(bundle b sh -c "$TRY; try etc-new \"touch /etc/new\"")
	volumes "$b"
	patch_config "$b" '.root.readonly = false'
	# A fake "helper" that just runs the command, mounted where hardshim's goes.
	patch_config "$b" '.mounts += [{destination: "/dev/.hardshim/landlock", type: "bind", source: "/bin/busybox", options: ["bind", "ro"]}]
		| .process.args = ["/dev/.hardshim/landlock", "--deny", "/nowhere", "--"] + .process.args'
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -eq 0 ]
	diff <(echo 'etc-new: Permission denied') "$T/out"
	journal_query 'map(select(.measure == "lsm" and .path == "/mounts" and .action == "removed"))[0]' | jq -e '.before[0].source == "/bin/busybox"'
}

@test "lsm: a helper that is missing or writable by others refuses the container" {
	b=$(bundle b true)
	write_policy '{"lsm": {"landlock_helper": "/nonexistent/hardshim-landlock"}}'
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -ne 0 ]
	assert_contains "$(cat "$T/err")" 'Landlock helper `/nonexistent/hardshim-landlock` (policy `lsm.landlock_helper`): No such file or directory'
	cp "$LANDLOCK_HELPER" "$T/helper"
	chmod 0777 "$T/helper"
	write_policy "{\"lsm\": {\"landlock_helper\": \"$T/helper\"}}"
	hs_out run -b "$b" "$(new_id c2)"
	[ "$status" -ne 0 ]
	assert_contains "$(cat "$T/err")" "must be a regular file owned by root, executable by everyone and writable by root only"
}

# Landlock has no right for chmod, chown, utimes or extended attributes: a
# volume beneath a denied path is a read-only mount, which stops those too.
METADATA='
try chmod-suid "chmod 4777 /etc/app/f"
try chmod-dir "chmod 777 /etc/app/d"
try touch-d "touch -d 2001-01-01 /etc/app/f"
try write "echo x >>/etc/app/f"
try create "touch /etc/app/new"
try home-chmod "chmod 777 /home/u"
try data-chmod "chmod 700 /data/f"'

@test "lsm: in a volume at /etc/app and /home/u, chmod, touch -d and writes fail (read-only mount); the host sees nothing change" {
	mkdir "$T/app" "$T/app/d"
	echo orig >"$T/app/f"
	echo x >"$T/data/f"
	chmod 0644 "$T/app/f"
	chmod 0755 "$T/app/d"
	chown -R "$(host_id 65534):$(host_gid 65534)" "$T/app" "$T/data/f"
	before=$(stat -c '%A %Y' "$T/app/f" "$T/app/d" "$T/home-u")
	b=$(bundle b sh -c "$TRY; $METADATA; grep -E ' /(etc/app|home/u) ' /proc/self/mountinfo | cut -d' ' -f5,6")
	volumes "$b"
	patch_config "$b" --arg t "$T" '.mounts += [{destination: "/etc/app", type: "bind", source: ($t + "/app"), options: ["rbind", "rw"]}]'
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	diff - <(head -n 7 "$T/out") <<-EOF
		chmod-suid: Read-only file system
		chmod-dir: Read-only file system
		touch-d: Read-only file system
		write: Read-only file system
		create: Read-only file system
		home-chmod: Read-only file system
		data-chmod: ok
	EOF
	grep -qE '^/etc/app ro,' "$T/out"
	grep -qE '^/home/u ro,' "$T/out"
	[ "$(stat -c '%A %Y' "$T/app/f" "$T/app/d" "$T/home-u")" = "$before" ]
	[ "$(cat "$T/app/f")" = orig ]
	[ "$(stat -c %a "$T/data/f")" = 700 ]
	journal_query 'map(select(.measure == "lsm" and .after == ["rbind", "ro"] and .before == ["rbind", "rw"]))' |
		jq -e 'length == 4 and all(.action == "changed" and (.note | test("beneath the denied path `/(etc|home)`: read-only")))'
}

# bind BUNDLE DEST SOURCE [OPTION]...: add a bind mount (default options rbind, rw).
bind() {
	local b=$1 d=$2 s=$3 o
	shift 3
	o=$(jq -cn '$ARGS.positional' --args "${@:-rbind}")
	[ $# -gt 0 ] || o='["rbind","rw"]'
	patch_config "$b" --arg d "$d" --arg s "$s" --argjson o "$o" '.mounts += [{destination: $d, type: "bind", source: $s, options: $o}]'
}

# refused BUNDLE WHAT: hardshim refuses to start it, with one line that
# has WHAT; the command never ran.
refused() {
	hs_out run -b "$1" "$(new_id "r$RANDOM")"
	[ "$status" -ne 0 ] || { echo "started:" >&2; cat "$T/out" "$T/err" >&2; return 1; }
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "$2"
	assert_contains "$(cat "$T/err")" "Mount the one at"
	! grep -q command-ran "$T/out"
}

@test "lsm: a volume P writable at /data and P/sub at /etc/app (also three levels deep, or the same directory): refused" {
	mkdir -p "$T/P/sub/a/b/c"
	b=$(bundle b sh -c 'echo command-ran; echo x >/data/sub/config')
	bind "$b" /data "$T/P"
	bind "$b" /etc/app "$T/P/sub"
	refused "$b" "/mounts/"
	assert_contains "$(cat "$T/err")" "(\`/data\`, source \`$T/P\`) is writable and holds /mounts/"
	assert_contains "$(cat "$T/err")" "(\`/etc/app\`, source \`$T/P/sub\`), beneath the denied path \`/etc\`: what lies there could be changed through \`/data\`"
	[ ! -e "$T/P/sub/config" ]

	b=$(bundle b3 sh -c 'echo command-ran')
	bind "$b" /etc/app "$T/P/sub/a/b/c"
	bind "$b" /srv/data "$T/P"
	refused "$b" "(\`/srv/data\`, source \`$T/P\`) is writable and holds "

	b=$(bundle bsame sh -c 'echo command-ran')
	bind "$b" /home/u "$T/P/sub"
	bind "$b" /data "$T/P/sub"
	refused "$b" "(\`/data\`, source \`$T/P/sub\`) is writable and is the same as "
}

@test "lsm: the ancestor beneath /etc and the descendant writable elsewhere: refused" {
	mkdir -p "$T/P/sub/deeper"
	b=$(bundle b sh -c 'echo command-ran')
	bind "$b" /etc/app "$T/P"
	bind "$b" /data "$T/P/sub/deeper"
	refused "$b" "(\`/data\`, source \`$T/P/sub/deeper\`) is writable and lies within /mounts/"
	assert_contains "$(cat "$T/err")" "(\`/etc/app\`, source \`$T/P\`), beneath the denied path \`/etc\`"
}

@test "lsm: aliases spelled another way: a symlink, dot-dot, a relative source, a host bind mount of the same directory" {
	mkdir -p "$T/P/sub" "$T/Q"
	ln -s "$T/P" "$T/link"
	b=$(bundle b sh -c 'echo command-ran')
	bind "$b" /data "$T/link"
	bind "$b" /etc/app "$T/P/./sub/../sub"
	refused "$b" "is writable and holds"

	# Relative to the bundle, as runc reads it.
	b=$(bundle b2 sh -c 'echo command-ran')
	ln -s "$T/P" "$b/vol"
	bind "$b" /data "vol/sub"
	bind "$b" /home/u "$T/P"
	refused "$b" "(\`/data\`, source \`vol/sub\`) is writable and lies within"

	# Q a bind mount of P on the host: Q/sub is P/sub.
	mount --bind "$T/P" "$T/Q"
	b=$(bundle b3 sh -c 'echo command-ran')
	bind "$b" /data "$T/P"
	bind "$b" /etc/app "$T/Q/sub"
	local ok=0
	refused "$b" "is writable and holds" || ok=1
	umount "$T/Q"
	[ "$ok" -eq 0 ]
}

@test "lsm: a writable volume of the image's /etc, or of a directory holding the rootfs: refused" {
	b=$(bundle b sh -c 'echo command-ran')
	bind "$b" /data "$b/rootfs/etc"
	refused "$b" "(\`/data\`, source \`$b/rootfs/etc\`) is writable and is the same as the image's \`/etc\` (\`$b/rootfs/etc\` in the rootfs)"

	b=$(bundle b2 sh -c 'echo command-ran')
	bind "$b" /data "$T"
	refused "$b" "(\`/data\`, source \`$T\`) is writable and holds the image's \`/etc\`"
}

@test "lsm: near misses start: siblings of one volume, an alias mounted read-only, a volume beneath /etc alone" {
	mkdir -p "$T/P/conf" "$T/P/data" "$T/R/sub"
	echo v >"$T/P/conf/f"
	chown "$(host_id 65534):$(host_gid 65534)" "$T/P/data" "$T/R/sub"
	b=$(bundle b sh -c 'echo command-ran; cat /etc/app/f; echo x >/data/new; touch /ro/sub/x 2>&1 | sed "s/.*: //"')
	bind "$b" /etc/app "$T/P/conf"
	bind "$b" /data "$T/P/data"
	bind "$b" /ro "$T/R" rbind ro
	bind "$b" /home/u "$T/R/sub"
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	diff - "$T/out" <<-EOF
		command-ran
		v
		Read-only file system
	EOF
	[ -f "$T/P/data/new" ]
}

@test "lsm: an rbind of a directory with a submount beneath /etc: the submount is read-only too (rro), with runc and with crun" {
	mkdir -p "$T/V/sub"
	mount -t tmpfs -o mode=0777 hs-test "$T/V/sub"
	local st=0
	for rt in runc crun; do
		if [ $rt = crun ]; then
			why=$(crun_ready) || { echo "# crun skipped: $why" >&3; continue; }
			export HARDSHIM_RUNTIME=$CRUN
		fi
		b=$(bundle "b$rt" sh -c 'touch /etc/app/sub/x 2>&1 | sed "s/.*: //"; touch /etc/app/y 2>&1 | sed "s/.*: //"; cat /etc/hosts')
		bind "$b" /etc/app "$T/V"
		echo "127.0.0.1 h" >"$T/hosts-$rt"
		bind "$b" /etc/hosts "$T/hosts-$rt"
		hs_out run -b "$b" "$(new_id "c$rt")" || true
		cat "$T/err" >&2
		[ "$status" -eq 0 ] || st=1
		printf 'Read-only file system\nRead-only file system\n127.0.0.1 h\n' | diff - "$T/out" || st=1
		[ $rt = runc ] || delete_crun_containers
	done
	unset HARDSHIM_RUNTIME
	umount "$T/V/sub"
	[ "$st" -eq 0 ]
	[ -z "$(ls -A "$T/V" | grep -v '^sub$')" ]
	# Journaled for /etc/app only: a file (/etc/hosts) gets no rro, crun
	# refuses it on a file (and a file has no submounts).  (nodev: detect's,
	# before.)
	journal_query 'map(select(.measure == "lsm" and (.after | type == "array" and index("rro"))))' |
		jq -e 'length >= 1 and all(.action == "changed" and .after == ["rbind", "ro", "nodev", "rro"]
			and (.note | startswith("`/etc/app` is beneath the denied path `/etc`: its submounts read-only too")))'
}

@test "lsm: a volume that lands beneath /etc or /home through a symbolic link of the image is read-only too" {
	mkdir -p "$T/app" "$T/app2" "$T/app3" "$T/data-ok"
	echo orig >"$T/app/f"
	chown -R "$(host_id 65534):$(host_gid 65534)" "$T/app" "$T/app2" "$T/app3" "$T/data-ok"
	before=$(stat -c '%A %Y' "$T/app/f" "$T/app2" "$T/app3")
	b=$(bundle b sh -c "$TRY"'
		try x-chmod "chmod 4777 /x/app/f"
		try etc-chmod "chmod 4777 /etc/app/f"
		try homeu-touch "touch -d 2001-01-01 /var/home/u"
		try dangling-chmod "chmod 777 /y"
		try ok-write "echo x >/z/new"
		grep -E " /(etc/app|var/home/u|etc/newapp|var/ok) " /proc/self/mountinfo | cut -d" " -f5,6 | sort')
	ln -s /etc "$b/rootfs/x"
	ln -s etc/newapp "$b/rootfs/y"
	mkdir -p "$b/rootfs/var/home" "$b/rootfs/var/ok"
	rm -rf "$b/rootfs/home"
	ln -s var/home "$b/rootfs/home"
	ln -s /var/ok "$b/rootfs/z"
	bind "$b" /x/app "$T/app"
	bind "$b" /var/home/u "$T/app2"
	bind "$b" /y "$T/app3"
	bind "$b" /z "$T/data-ok"
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	diff - "$T/out" <<-EOF
		x-chmod: Read-only file system
		etc-chmod: Read-only file system
		homeu-touch: Read-only file system
		dangling-chmod: Read-only file system
		ok-write: ok
		/etc/app ro,nodev,relatime
		/etc/newapp ro,nodev,relatime
		/var/home/u ro,nodev,relatime
		/var/ok rw,nodev,relatime
	EOF
	[ "$(stat -c '%A %Y' "$T/app/f" "$T/app2" "$T/app3")" = "$before" ]
	journal_query 'map(select(.measure == "lsm" and (.note // "" | test("in the image \\(a symbolic link\\)"))) | .note | capture("leads to `(?<to>[^`]*)`").to)' |
		jq -e '. == ["/etc/app", "/var/home/u", "/etc/newapp"]'
}
