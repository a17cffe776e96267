#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Hostile sizes: each input of the table in tests/lib/hostile-spec.py, at
# and over each cap (bytes, nesting, elements and members, long strings and
# keys, many mounts, annotations, rules), is either hardened or refused
# with its message; never a crash, never a half-written config.json.  Their
# time and peak memory are printed by tests/bench/sizes.sh.

load helpers

GEN="$HS_SRCDIR/tests/lib/hostile-spec.py"

setup() {
	common_setup
	command -v python3 >/dev/null || skip "python3 is not installed"
}

teardown() {
	common_teardown
}

@test "hostile sizes: every row of the table is hardened or refused with its message, and a refused spec is left as it was" {
	b=$(bundle b true)
	cp "$b/config.json" "$T/base.json"
	rows=0
	while read -r name expect; do
		rows=$((rows + 1))
		"$GEN" "$T/base.json" "$b/config.json" "$name"
		cp "$b/config.json" "$T/given.json"
		rc=0
		HARDSHIM_RUNTIME=/bin/true "$HS" create -b "$b" "$(new_id "$name")" >"$T/out" 2>"$T/err" || rc=$?
		echo "$name: rc=$rc $(head -c 300 "$T/err")"
		[ ! -s "$T/out" ]
		if [ "$expect" = ok ]; then
			[ "$rc" -eq 0 ]
			[ ! -s "$T/err" ]
			# Hardened: what the measures promise is in the written spec.
			jq -e '.process.noNewPrivileges == true and .process.user.uid != 0 and .root.readonly == true
				and (.linux.seccomp.defaultAction | startswith("SCMP_ACT_ERRNO"))
				and ([.process.capabilities[]? | length] | add // 0) == 0' "$b/config.json" >/dev/null
		else
			[ "$rc" -eq 1 ]
			grep -qF -- "$expect" "$T/err"
			[ "$(wc -l <"$T/err")" -eq 1 ]
			cmp "$T/given.json" "$b/config.json"
		fi
		# Nothing half-written beside it.
		[ -z "$(find "$b" -maxdepth 1 -name '.config.json.hardshim-*')" ]
		cp "$T/base.json" "$b/config.json"
	done < <("$GEN" --list)
	[ "$rows" -ge 15 ]
}
