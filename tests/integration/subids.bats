#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# contrib/subids.sh, which `make install` and `make uninstall` run: the
# default owner gets a range that overlaps no other, once, and uninstall
# takes back exactly what install added.  Each test runs in a mount
# namespace of its own with a copy of /etc: the host's is never touched.

load helpers

SUBIDS="$HS_SRCDIR/contrib/subids.sh"

setup() {
	common_setup
	[ "$(id -u)" = 0 ] || skip "needs root (useradd, usermod)"
	command -v usermod >/dev/null || skip "no usermod (apt-get install passwd)"
	cp -a /etc "$T/etc"
}

teardown() {
	common_teardown
}

# in_etc SCRIPT: run SCRIPT (sh) with $T/etc as /etc, in a mount namespace.
in_etc() {
	unshare --mount --propagation private sh -c 'mount --bind "$1" /etc && shift && exec sh -c "$@"' sh "$T/etc" "$1"
}

@test "subids: install gives a new owner the first free range of 65536 above every other, once; uninstall takes it and the user back" {
	# Ranges already taken, in both files, up to 1196607.
	printf 'alice:100000:65536\nbob:1000000:131072\ncarol:1131072:65536\n' >"$T/etc/subuid"
	printf 'alice:100000:65536\ndave:1000000:65536\n' >"$T/etc/subgid"
	cp "$T/etc/subuid" "$T/subuid.before"
	cp "$T/etc/subgid" "$T/subgid.before"
	cp "$T/etc/passwd" "$T/passwd.before"
	rec=$T/record
	in_etc "'$SUBIDS' --install hs-test-owner '$rec'"
	grep -qx 'hs-test-owner:1245184:65536' "$T/etc/subuid" # 19 * 65536: above 1196607
	grep -qx 'hs-test-owner:1245184:65536' "$T/etc/subgid"
	grep -q '^hs-test-owner:' "$T/etc/passwd"
	grep -qx 'made_user=yes' "$rec"
	! grep -q hs-test-owner /etc/passwd /etc/subuid # the host's are untouched

	# Again: nothing changes, the record stays.
	cp "$T/etc/subuid" "$T/subuid.once"
	in_etc "'$SUBIDS' --install hs-test-owner '$T/record2'"
	cmp "$T/subuid.once" "$T/etc/subuid"
	[ ! -e "$T/record2" ]

	in_etc "'$SUBIDS' --uninstall '$rec'"
	cmp "$T/subuid.before" "$T/etc/subuid"
	cmp "$T/subgid.before" "$T/etc/subgid"
	! grep -q '^hs-test-owner:' "$T/etc/passwd"
	[ ! -e "$rec" ]
	# Uninstall without a record does nothing.
	in_etc "'$SUBIDS' --uninstall '$rec'"
}

@test "subids: an owner with a range keeps it and nothing is recorded; an existing user is kept on uninstall" {
	in_etc "useradd --system --no-create-home hs-test-user"
	printf 'hs-test-user:3000000:65536\n' >>"$T/etc/subuid"
	printf 'hs-test-user:3000000:65536\n' >>"$T/etc/subgid"
	in_etc "'$SUBIDS' --install hs-test-user '$T/record'"
	[ ! -e "$T/record" ]
	[ "$(grep -c '^hs-test-user:' "$T/etc/subuid")" -eq 1 ]

	# A user that exists but has no range: the range is taken back, the user stays.
	in_etc "useradd --system --no-create-home hs-test-other"
	in_etc "'$SUBIDS' --install hs-test-other '$T/record'"
	grep -qx 'made_user=no' "$T/record"
	grep -q '^hs-test-other:' "$T/etc/subuid"
	in_etc "'$SUBIDS' --uninstall '$T/record'"
	! grep -q '^hs-test-other:' "$T/etc/subuid"
	grep -q '^hs-test-other:' "$T/etc/passwd"
}

@test "subids: two installs at once give one range" {
	printf '' >"$T/etc/subuid"
	printf '' >"$T/etc/subgid"
	in_etc "useradd --system --no-create-home hs-test-race"
	for i in 1 2 3 4; do
		in_etc "'$SUBIDS' --install hs-test-race '$T/record$i'" &
	done
	wait
	[ "$(grep -c '^hs-test-race:' "$T/etc/subuid")" -eq 1 ]
	[ "$(grep -c '^hs-test-race:' "$T/etc/subgid")" -eq 1 ]
	[ "$(ls "$T"/record* | wc -l)" -eq 1 ]
}

@test "subids: make install's hook on a host where hardshim has no range gives it one; make uninstall's takes it back" {
	[ -f "$HS_BUILDDIR/Makefile" ] || skip "no configured build tree at $HS_BUILDDIR"
	grep -q '^HS_SUBID_SETUP = yes' "$HS_BUILDDIR/Makefile" || skip "configured with --disable-subid-setup"
	sed -i '/^hardshim:/d' "$T/etc/subuid" "$T/etc/subgid"
	cp "$T/etc/subuid" "$T/subuid.before"
	in_etc "make -s -C '$HS_BUILDDIR' install-exec-hook hs_subid_record='$T/record'"
	grep -q '^hardshim:[0-9]*:65536$' "$T/etc/subuid"
	grep -q '^hardshim:[0-9]*:65536$' "$T/etc/subgid"
	[ -f "$T/record" ]
	in_etc "make -s -C '$HS_BUILDDIR' uninstall-hook hs_subid_record='$T/record'"
	cmp "$T/subuid.before" "$T/etc/subuid"
	[ ! -e "$T/record" ]
}

@test "subids: an install that fails after the subuid range was added has recorded it (and the user it made); uninstall takes them back" {
	printf 'alice:100000:65536\n' >"$T/etc/subuid"
	printf 'alice:100000:65536\n' >"$T/etc/subgid"
	cp "$T/etc/subuid" "$T/subuid.before"
	cp "$T/etc/passwd" "$T/passwd.before"
	# usermod cannot rename its new /etc/subgid over a mount point: the
	# subgid step fails after the subuid one worked.
	run in_etc "mount --bind /etc/subgid /etc/subgid && '$SUBIDS' --install hs-test-half '$T/record'"
	echo "$output"
	[ "$status" -ne 0 ]
	grep -qx 'hs-test-half:1048576:65536' "$T/etc/subuid"
	! grep -q hs-test-half "$T/etc/subgid"
	grep -qx 'first=1048576' "$T/record"
	grep -qx 'made_user=yes' "$T/record"
	grep -qx 'subuid=yes' "$T/record"
	grep -qx 'subgid=no' "$T/record"
	in_etc "'$SUBIDS' --uninstall '$T/record'"
	cmp "$T/subuid.before" "$T/etc/subuid"
	! grep -q '^hs-test-half:' "$T/etc/passwd"
	[ ! -e "$T/record" ]
}

@test "subids: a reinstall after the ranges were removed by hand keeps made_user truthful: yes for the user an earlier install made, no for one it found" {
	in_etc "'$SUBIDS' --install hs-test-made '$T/record'"
	grep -qx 'made_user=yes' "$T/record"
	sed -i '/^hs-test-made:/d' "$T/etc/subuid" "$T/etc/subgid"
	in_etc "'$SUBIDS' --install hs-test-made '$T/record'"
	grep -qx 'made_user=yes' "$T/record"
	grep -q '^hs-test-made:' "$T/etc/subuid"
	in_etc "'$SUBIDS' --uninstall '$T/record'"
	! grep -q '^hs-test-made:' "$T/etc/passwd" "$T/etc/subuid" "$T/etc/subgid"

	in_etc "useradd --system --no-create-home hs-test-found"
	in_etc "'$SUBIDS' --install hs-test-found '$T/record'"
	sed -i '/^hs-test-found:/d' "$T/etc/subuid" "$T/etc/subgid"
	in_etc "'$SUBIDS' --install hs-test-found '$T/record'"
	grep -qx 'made_user=no' "$T/record"
	in_etc "'$SUBIDS' --uninstall '$T/record'"
	grep -q '^hs-test-found:' "$T/etc/passwd"
}

@test "subids --free prints the range --install picks; hardshim doctor's fix for an owner without a range suggests it (the installed helper's answer, if root's)" {
	[ -x "$HS" ] || skip "hardshim not built: $HS"
	[ -x "$HS_BUILDDIR/contrib/hardshim-subids" ] || skip "no $HS_BUILDDIR/contrib/hardshim-subids (make)"
	printf 'alice:100000:65536\nbob:1000000:131072\n' >"$T/etc/subuid"
	printf 'alice:100000:65536\n' >"$T/etc/subgid"
	[ "$(in_etc "'$SUBIDS' --free")" = 1179648 ] # 18 * 65536, above bob's
	# doctor runs the installed helper ($libexecdir/hardshim, configured.bash's
	# HS_HELPER_DIR): here, the build tree's, on a tmpfs over the helper
	# directory of this namespace.
	helper_dir=$HS_HELPER_DIR
	[ -n "$helper_dir" ]
	jq -n --arg p "$SECCOMP_PROFILE" --arg l "$LANDLOCK_HELPER" \
		'{mode: "enforce", user: {subid_owner: "hs-test-doctor"}, seccomp: {profile: $p}, lsm: {landlock_helper: $l}}' >"$T/policy.json"
	run in_etc "mount -t tmpfs tmpfs '${helper_dir%/*}' && mkdir '$helper_dir' &&
		cp '$HS_BUILDDIR/contrib/hardshim-subids' '$helper_dir/' && exec '$HS' doctor --policy '$T/policy.json'"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qx "FAIL  subordinate ids: .*\`hs-test-doctor\`.*; fix: run $helper_dir/hardshim-subids hs-test-doctor 1179648 (ids 1179648-1245183, the free range hardshim-subids --install picks)" <<<"$output"
	# A helper anyone may change is not run: the fix is the generic one.
	run in_etc "mount -t tmpfs tmpfs '${helper_dir%/*}' && mkdir '$helper_dir' &&
		cp '$HS_BUILDDIR/contrib/hardshim-subids' '$helper_dir/' && chmod o+w '$helper_dir/hardshim-subids' &&
		exec '$HS' doctor --policy '$T/policy.json'"
	echo "$output"
	grep -qx "FAIL  subordinate ids: .*; fix: run contrib/subids.sh hs-test-doctor 1000000 (any free range of 65536 ids)" <<<"$output"

	in_etc "'$SUBIDS' --install hs-test-doctor '$T/record'"
	grep -qx 'hs-test-doctor:1179648:65536' "$T/etc/subuid"
}
