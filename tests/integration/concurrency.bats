#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Many hardshim create at once share one journal: every record arrives,
# whole, and the records of one create stay together.

load helpers

N=20

setup() {
	common_setup
}

teardown() {
	common_teardown
}

@test "concurrency: $N parallel creates, one journal, no lost or interleaved records" {
	bundle proto sleep 60 >/dev/null
	copies_of proto "$N"
	k=$(reference_records proto)
	[ ! -e "$JOURNAL" ]
	runc_gone "$(new_id ref)"

	for i in $(seq "$N"); do
		(
			rc=0
			"$HS" create -b "$T/c$i" "$(new_id "c$i")" >"$T/c$i.out" 2>"$T/c$i.err" </dev/null || rc=$?
			echo "$rc" >"$T/c$i.rc"
		) &
	done
	wait

	for i in $(seq "$N"); do
		cat "$T/c$i.err"
		[ "$(cat "$T/c$i.rc")" = 0 ]
		[ ! -s "$T/c$i.out" ]
		[ ! -s "$T/c$i.err" ]
		[ "$(state_status "$(new_id "c$i")")" = created ]
	done

	lines=$(journal_valid)
	[ "$lines" -eq $((N * k)) ]
	# k records per container, each naming its own bundle and file.
	for i in $(seq "$N"); do
		jq -s -e --arg id "$(new_id "c$i")" --arg b "$T/c$i" --argjson k "$k" '
			[.[] | select(.id == $id)] | length == $k
			and all(.[]; .bundle == $b and .file == ($b + "/config.json") and .command == "create")' "$JOURNAL"
	done
	# The records of one create are contiguous: collapsing runs of equal
	# ids leaves each id once.
	jq -s -e --argjson n "$N" '
		[.[].id] as $ids
		| [range(0; $ids | length) | select(. == 0 or $ids[.] != $ids[. - 1]) | $ids[.]]
		| length == $n and (unique | length) == $n' "$JOURNAL"

	for i in $(seq "$N"); do
		"$HS" delete --force "$(new_id "c$i")"
	done
	for i in $(seq "$N"); do
		runc_gone "$(new_id "c$i")"
	done
}

# host_state: the host's mount table (without the fields that change for
# other reasons: ids and the order of mounts made by other processes) and
# the entries of /run and hardshim's state directory, for comparing before and after.
host_state() {
	awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort
	echo ---
	find /run "$HS_STATE_DIR" -xdev -maxdepth 3 2>/dev/null | grep -v -e '^/run/runc' -e '^/run/containerd' \
		-e '^/run/docker' -e '^/run/user' -e '^/run/systemd' -e "$ID_PREFIX" | sort
}

@test "concurrency: 64 parallel create+start+delete cycles through runc: every record whole and complete, host mounts and /run unchanged after" {
	C=64
	bundle proto true >/dev/null
	copies_of proto "$C"
	k=$(reference_records proto)
	host_state >"$T/before"

	for i in $(seq "$C"); do
		(
			id=$(new_id "c$i") rc=0
			{ "$HS" create -b "$T/c$i" "$id" && "$HS" start "$id" && wait_status "$id" stopped &&
				"$HS" delete "$id"; } >"$T/c$i.out" 2>"$T/c$i.err" </dev/null || rc=$?
			echo "$rc" >"$T/c$i.rc"
		) &
	done
	wait

	for i in $(seq "$C"); do
		[ "$(cat "$T/c$i.rc")" = 0 ] || { cat "$T/c$i.err"; false; }
		[ ! -s "$T/c$i.err" ]
		runc_gone "$(new_id "c$i")"
	done
	[ "$(journal_valid)" -eq $((C * k)) ]
	jq -s -e --argjson k "$k" --argjson n "$C" '
		group_by(.id) | length == $n and all(.[]; length == $k and all(.[]; .command == "create"))' "$JOURNAL"
	# Each create's records are contiguous.
	jq -s -e --argjson n "$C" '
		[.[].id] as $ids
		| [range(0; $ids | length) | select(. == 0 or $ids[.] != $ids[. - 1]) | $ids[.]]
		| length == $n' "$JOURNAL"
	host_state >"$T/after"
	diff "$T/before" "$T/after"
}
