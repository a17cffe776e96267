#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The journal under logrotate(8), with the configurations hardshim installs
# (contrib/logrotate): containers start while it is rotated again and again,
# by rename and by copytruncate, and no record is lost, cut or merged.

load helpers

M=40 # containers started in each test
P=4  # of them at once

setup() {
	common_setup
	command -v logrotate >/dev/null || skip "logrotate is not installed (contrib/install-deps.sh installs it)"
	bundle proto true >/dev/null
	copies_of proto "$M"
	K=$(reference_records proto run)
}

teardown() {
	common_teardown
}

# lr_config TEMPLATE: the installed configuration for this test's journal,
# keeping every rotation (rotate 8 would delete the oldest records here).
lr_config() {
	sed -e "s|@HS_JOURNAL@|$JOURNAL|" \
		-e "s|@HS_JOURNAL_LOCK@|$HS_SRCDIR/contrib/logrotate/journal-lock.sh|" \
		-e 's/^\([[:space:]]*\)rotate 8$/\1rotate 1000/' \
		"$HS_SRCDIR/contrib/logrotate/$1" >"$T/logrotate.conf"
	grep -q "^$JOURNAL {" "$T/logrotate.conf"
	grep -q 'rotate 1000' "$T/logrotate.conf"
}

# rotations: how many rotations the rotator finished so far (it replaces
# the count by rename: never an empty file to read).
rotations() {
	cat "$T/rotations" 2>/dev/null || echo 0
}

# start_all_while_rotating: M `hardshim run`s, P at a time, while logrotate
# -f rotates the journal in a loop; before each batch of P it waits (up to
# 10 s) for a rotation the previous batch overlapped, so that the starts
# and the rotations interleave however fast either is; prints how many
# rotations happened.
start_all_while_rotating() {
	local i stop=$T/stop n=0 seen=0 w
	(
		while [ ! -e "$stop" ]; do
			logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" || echo "logrotate failed" >>"$T/lr.err"
			n=$((n + 1))
			echo "$n" >"$T/rotations.new" && mv "$T/rotations.new" "$T/rotations"
		done
	) &
	local rotator=$!
	for i in $(seq "$M"); do
		if [ $((i % P)) -eq 1 ]; then
			for w in $(seq 1000); do [ "$(rotations)" -gt "$seen" ] && break; sleep 0.01; done
			seen=$(rotations)
		fi
		(
			rc=0
			"$HS" run -b "$T/c$i" "$(new_id "c$i")" >"$T/c$i.out" 2>"$T/c$i.err" </dev/null || rc=$?
			echo "$rc" >"$T/c$i.rc"
		) &
	done
	# Wait for the containers, then stop the rotator.
	while [ "$(ls "$T"/c*.rc 2>/dev/null | wc -l)" -lt "$M" ]; do sleep 0.1; done
	touch "$stop"
	wait "$rotator"
	[ ! -s "$T/lr.err" ] || { cat "$T/lr.err"; return 1; }
	cat "$T/rotations"
}

# all_records: every record of the journal and its rotations, oldest first
# (after the last rotation there may be no journal: hardshim makes it on its
# next append).
all_records() {
	local f
	for f in $(ls -1 "$JOURNAL".* 2>/dev/null | sort -t. -k3,3nr) "$JOURNAL"; do
		if [ -e "$f" ]; then zcat -f "$f"; fi
	done
}

# check_nothing_lost: each container ran, and its K records are all there,
# whole and together, in the journal and its rotations.
check_nothing_lost() {
	local i
	for i in $(seq "$M"); do
		[ "$(cat "$T/c$i.rc")" = 0 ] || { cat "$T/c$i.err"; return 1; }
	done
	all_records >"$T/all.jsonl"
	[ "$(journal_valid "$T/all.jsonl")" -eq $((M * K)) ]
	for i in $(seq "$M"); do
		jq -s -e --arg id "$(new_id "c$i")" --argjson k "$K" '[.[] | select(.id == $id)] | length == $k' "$T/all.jsonl"
	done
	# Every rotated file holds whole lines only.
	for f in "$JOURNAL".*; do
		[ ! -s "$f" ] || [ "$(zcat -f "$f" | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ]
	done
}

@test "journal-rotate: rename rotation (the installed configuration) while $M containers start loses no record" {
	lr_config hardshim.in
	rotations=$(start_all_while_rotating)
	echo "rotations: $rotations"
	[ "$rotations" -ge $((M / P)) ] # one at least per batch
	ls "$JOURNAL".* >/dev/null # it did rotate
	# No journal a hardshim created was moved aside by logrotate's create.
	! ls "$JOURNAL"-*.backup 2>/dev/null
	check_nothing_lost
}

@test "journal-rotate: copytruncate with the lock scripts while $M containers start loses no record" {
	lr_config hardshim-copytruncate.in
	rotations=$(start_all_while_rotating)
	echo "rotations: $rotations"
	[ "$rotations" -ge $((M / P)) ]
	ls "$JOURNAL".* >/dev/null
	check_nothing_lost
	# The lock holder is gone and left nothing behind.
	! pgrep -f "flock -x $JOURNAL" >/dev/null
	[ -z "$(ls /run/hardshim/rotate-* 2>/dev/null)" ]
}

@test "journal-rotate: the lock script holds hardshim's lock until release" {
	: >"$JOURNAL"
	"$HS_SRCDIR/contrib/logrotate/journal-lock.sh" hold "$JOURNAL"
	! flock -x -n "$JOURNAL" true
	"$HS_SRCDIR/contrib/logrotate/journal-lock.sh" release "$JOURNAL"
	for i in $(seq 50); do flock -x -n "$JOURNAL" true && break; sleep 0.05; done
	flock -x -n "$JOURNAL" true
	# A journal that is not a regular file is refused.
	run "$HS_SRCDIR/contrib/logrotate/journal-lock.sh" hold "$T/none"
	[ "$status" -eq 2 ]
}
