#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Faults, real ones: hardshim killed with SIGKILL at every system call
# between reading the spec and exec'ing the runtime (strace's syscall
# injection: no test hook in the binary); the journal and the bundle on a
# tiny full tmpfs; a read-only bundle directory; the runtime missing or not
# executable.  After each, the bundle's config.json is the original or the
# complete hardened spec, never a mix; no temporary file stays past the
# next start; no mount is left on the host; and the next start works.

load helpers

setup() {
	common_setup
	B=$(bundle b true)
	cp -p "$B/config.json" "$T/original.json"
	ID=$(new_id f)
	# The complete hardened spec and its journal records, by a start that
	# is not disturbed (the runtime is true(1): nothing starts).
	HARDSHIM_RUNTIME=/bin/true "$HS" create -b "$B" "$ID"
	cp "$B/config.json" "$T/hardened.json"
	K=$(journal_valid)
	rm -f "$JOURNAL"
	restore_original
}

teardown() {
	for m in "${FAULT_MOUNTS[@]}"; do umount -l "$m" 2>/dev/null || true; done
	common_teardown
}

FAULT_MOUNTS=()

restore_original() {
	cp -p "$T/original.json" "$B/config.json"
}

# temporaries: the temporary files beside config.json.
temporaries() {
	find "$B" -maxdepth 1 -name '.config.json.hardshim-*'
}

# assert_whole WHAT: config.json is the original or the hardened spec, a
# temporary file beside it is a complete hardened spec, and the journal is
# whole lines: none of this start's records or all of them.
assert_whole() {
	if ! cmp -s "$B/config.json" "$T/original.json" && ! cmp -s "$B/config.json" "$T/hardened.json"; then
		echo "$1: config.json is neither the original nor the hardened spec" >&2
		return 1
	fi
	local f
	for f in $(temporaries); do
		cmp -s "$f" "$T/hardened.json" || { echo "$1: $f is not a complete hardened spec" >&2; return 1; }
	done
	if [ -s "$JOURNAL" ]; then # empty: killed between creating and appending
		local n
		n=$(journal_valid) || { echo "$1: journal not whole lines" >&2; return 1; }
		[ "$n" -eq "$K" ] || { echo "$1: $n journal records, not 0 or $K" >&2; return 1; }
	fi
}

# assert_next_start_works WHAT: the next start hardens, and leaves no
# temporary file.
assert_next_start_works() {
	rm -f "$JOURNAL"
	HARDSHIM_RUNTIME=/bin/true "$HS" create -b "$B" "$ID" || { echo "$1: the next start failed" >&2; return 1; }
	[ -z "$(temporaries)" ] || { echo "$1: temporary files left after the next start: $(temporaries)" >&2; return 1; }
	jq -e '.process.noNewPrivileges == true and .process.user.uid != 0' "$B/config.json" >/dev/null
}

@test "faults: SIGKILL at each system call from reading the spec to exec'ing the runtime: original or whole hardened spec, whole journal, no mount left, the next start works" {
	command -v strace >/dev/null || skip "strace is not installed (contrib/install-deps.sh installs it)"
	awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort >"$T/mounts.before"
	# Which system calls one start makes, and how often, up to the exec of
	# the runtime.
	HARDSHIM_RUNTIME=/bin/true strace -f -qq -o "$T/trace" "$HS" create -b "$B" "$ID"
	restore_original
	rm -f "$JOURNAL"
	awk '/execve\("\/bin\/true"/ { exit } { print }' "$T/trace" |
		sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' | sort | uniq -c >"$T/census"
	calls=$(awk '{ s += $1 } END { print s }' "$T/census")
	echo "# system calls before the runtime: $calls, $(wc -l <"$T/census") kinds" >&3
	[ "$calls" -ge 100 ]
	grep -qw renameat "$T/census" # the spec is written in the traced part
	killed=0
	while read -r count name; do
		for n in $(seq "$count"); do
			what="killed at $name #$n"
			# (in a subshell whose stderr is dropped: bash's "Killed" notices)
			rc=$({
				HARDSHIM_RUNTIME=/bin/true timeout 60 strace -f -qq -o /dev/null -e trace="$name" \
					-e inject="$name":signal=KILL:when="$n" "$HS" create -b "$B" "$ID" >/dev/null 2>&1
				echo $?
			} 2>/dev/null)
			[ "$rc" -ne 124 ] || { echo "$what: hung" >&2; false; }
			[ "$rc" -eq 0 ] || killed=$((killed + 1))
			assert_whole "$what"
			assert_next_start_works "$what"
			rm -f "$JOURNAL"
			restore_original
		done
	done <"$T/census"
	echo "# killed at $killed of them (the rest are past the last kill: hardshim completed)" >&3
	[ "$killed" -ge $((calls / 2)) ]
	awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort >"$T/mounts.after"
	diff "$T/mounts.before" "$T/mounts.after"
	# And a real container starts from the bundle.
	id=$(new_id real)
	"$HS" run -b "$B" "$id"
	runc_gone "$id"
}

# tiny_tmpfs DIR: a 64 KiB tmpfs at DIR, filled up.
tiny_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o size=64k,mode=0755 tmpfs "$1"
	FAULT_MOUNTS+=("$1")
	dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null || true
	[ "$(df --output=avail "$1" | tail -n 1)" -eq 0 ]
}

@test "faults: the journal on a full tmpfs: the container is refused, saying so; the bundle keeps a whole spec, and the next start works" {
	tiny_tmpfs "$T/jfull"
	JOURNAL=$T/jfull/deviations.jsonl write_policy '{"mode":"enforce"}'
	run "$HS" create -b "$B" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"journal"*"No space left on device"* ]]
	runc_gone "$ID"
	JOURNAL=$T/jfull/deviations.jsonl assert_whole "journal full"
	[ ! -s "$T/jfull/deviations.jsonl" ] # nothing half-appended
	rm "$T/jfull/fill"
	write_policy '{"mode":"enforce"}'
	assert_next_start_works "journal full"
}

@test "faults: the bundle on a full tmpfs: refused, the original spec is left, no temporary file, and the next start works" {
	# The bundle: this spec and an empty rootfs (the runtime is true(1)).
	tiny_tmpfs "$T/bfull"
	rm "$T/bfull/fill"
	b=$T/bfull
	cp "$B/config.json" "$b/config.json"
	mkdir "$b/rootfs"
	cp "$b/config.json" "$T/given.json"
	dd if=/dev/zero of="$b/fill" bs=4k 2>/dev/null || true
	run env HARDSHIM_RUNTIME=/bin/true "$HS" create -b "$b" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"No space left on device"* ]]
	cmp "$b/config.json" "$T/given.json"
	[ -z "$(find "$b" -maxdepth 1 -name '.config.json.hardshim-*')" ]
	runc_gone "$ID"
	rm "$b/fill"
	HARDSHIM_RUNTIME=/bin/true "$HS" create -b "$b" "$ID"
	jq -e '.process.noNewPrivileges == true' "$b/config.json"
	[ -z "$(find "$b" -maxdepth 1 -name '.config.json.hardshim-*')" ]
}

@test "faults: a read-only bundle directory: refused, saying so, the spec untouched" {
	mount --bind "$B" "$B"
	FAULT_MOUNTS+=("$B")
	mount -o remount,bind,ro "$B"
	run "$HS" create -b "$B" "$ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"Read-only file system"* ]]
	cmp "$B/config.json" "$T/original.json"
	runc_gone "$ID"
	umount "$B"
	assert_next_start_works "read-only bundle"
}

@test "faults: the runtime missing or not executable: a clear error, nothing started, and the next start works" {
	for rt in "$T/no-such-runtime" "$T/not-executable"; do
		[ "$rt" = "$T/no-such-runtime" ] || { printf '#!/bin/sh\nexit 0\n' >"$rt"; chmod 0644 "$rt"; }
		restore_original
		rm -f "$JOURNAL"
		run env HARDSHIM_RUNTIME="$rt" "$HS" create -b "$B" "$ID"
		echo "$output"
		[ "$status" -ne 0 ]
		[[ $output == *"$rt"* ]]
		runc_gone "$ID"
		assert_whole "runtime $rt"
		assert_next_start_works "runtime $rt"
	done
}
