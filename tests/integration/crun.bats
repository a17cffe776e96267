#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hardshim in front of crun instead of runc: crun installs the filter and
# execs the container's process under it, with the rest of the hardening.

load helpers


setup() {
	common_setup
	local why
	why=$(crun_ready) || skip "$why"
	export HARDSHIM_RUNTIME=$CRUN
}

teardown() {
	delete_crun_containers
	common_teardown
}

@test "crun: hardened container runs with seccomp, no capabilities, NoNewPrivs and a non-root user" {
	b=$(bundle b sh -c 'grep -E "^(Seccomp|NoNewPrivs|CapEff|CapBnd):" /proc/self/status; echo "id-u=$(id -u)"
		unshare -n true 2>&1; echo "unshare=$?"; echo ok-end')
	id=$(new_id crun)

	hs_out run -b "$b" "$id"
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	[ ! -s "$T/err" ]
	assert_line_exact "Seccomp:${TAB}2" "$T/out"
	assert_line_exact "NoNewPrivs:${TAB}1" "$T/out"
	assert_line_exact "CapEff:${TAB}0000000000000000" "$T/out"
	assert_line_exact "CapBnd:${TAB}0000000000000000" "$T/out"
	assert_line_exact "id-u=65534" "$T/out"
	# unshare(CLONE_NEWNET) is stopped by the filter with EPERM.
	grep -q 'unshare(0x40000000): Operation not permitted' "$T/out"
	assert_line_exact "unshare=1" "$T/out"
	assert_line_exact "ok-end" "$T/out"
	jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO" and .linux.seccomp.flags == []' "$b/config.json"
	journal_query '[.[] | select(.measure == "seccomp")] | length > 0' | grep -qx true
}

@test "crun: create, start, delete through hardshim" {
	b=$(bundle b sleep 30)
	id=$(new_id life)

	hs_out create -b "$b" "$id"
	[ "$status" -eq 0 ]
	[ "$("$CRUN" state "$id" | jq -r .status)" = created ]
	hs_out start "$id"
	[ "$status" -eq 0 ]
	[ "$("$CRUN" state "$id" | jq -r .status)" = running ]
	hs_out kill "$id" KILL
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		[ "$("$CRUN" state "$id" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	hs_out delete "$id"
	[ "$status" -eq 0 ]
	! "$CRUN" state "$id" >/dev/null 2>&1
}

@test "crun: -f ./config.json is the current directory's spec, as crun reads it, and that one is hardened" {
	b=$(bundle b sh -c 'echo bundle-spec; id -u; grep -E "^(CapEff|NoNewPrivs):" /proc/self/status')
	other=$(bundle other sh -c 'echo other-spec; id -u; grep -E "^(CapEff|NoNewPrivs):" /proc/self/status')
	cp "$b/config.json" "$T/bundle.before"
	# crun reads a relative -f other than exactly `config.json` from the
	# current directory (here: an unhardened spec asking for root).
	id=$(new_id dotf)
	status=0
	(cd "$other" && "$HS" run --bundle "$b" -f ./config.json "$id") </dev/null >"$T/out" 2>"$T/err" || status=$?
	cat "$T/out" "$T/err"
	[ "$status" -eq 0 ]
	assert_line_exact other-spec "$T/out"
	assert_line_exact 65534 "$T/out"
	assert_line_exact "CapEff:${TAB}0000000000000000" "$T/out"
	assert_line_exact "NoNewPrivs:${TAB}1" "$T/out"
	jq -e '.process.user.uid == 65534' "$other/config.json"
	cmp "$T/bundle.before" "$b/config.json"
	journal_query "[.[] | select(.id == \"$id\")] | map(.file) | unique" | grep -qxF "[\"$other/./config.json\"]"
	# Exactly `config.json` is the bundle's, also from that directory.
	id=$(new_id plainf)
	status=0
	(cd "$other" && "$HS" run --bundle "$b" -f config.json "$id") </dev/null >"$T/out" 2>"$T/err" || status=$?
	[ "$status" -eq 0 ] || { cat "$T/err" >&2; false; }
	assert_line_exact bundle-spec "$T/out"
	assert_line_exact 65534 "$T/out"
	jq -e '.process.user.uid == 65534' "$b/config.json"
	# An empty -f names no file crun can read: refused, nothing written.
	cp "$b/config.json" "$T/bundle.before"
	hs_out run --bundle "$b" -f "" "$(new_id emptyf)"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" '`-f/--config` is empty'
	cmp "$T/bundle.before" "$b/config.json"
}

@test "crun: annotations crun reads as instructions (its own BPF for the filter, plugins, host paths) are refused" {
	b=$(bundle b sh -c 'unshare -U true && echo unshared; exit 0')
	cp "$b/config.json" "$T/orig.json"
	id=$(new_id ann)
	# An allow-all classic BPF program: one `ret ALLOW` (base64).
	for a in 'run.oci.seccomp_bpf_data=BgAAAAAA/38=' "run.oci.hooks.stdout=$T/written-as-root" \
		'run.oci.seccomp.plugins=/tmp/plugin.so' 'run.oci.keep_original_groups=1' 'run.oci.timens_offset=monotonic 1 0' \
		'org.systemd.property.DeviceAllow=/dev/sda rwm' 'org.criu.config=/tmp/criu.conf'; do
		cp "$T/orig.json" "$b/config.json"
		patch_config "$b" --arg k "${a%%=*}" --arg v "${a#*=}" '.annotations[$k] = $v'
		cp "$b/config.json" "$T/patched.json"
		hs_out run -b "$b" "$id"
		cat "$T/err" >&2
		[ "$status" -eq 1 ]
		assert_one_error_line "$T/err"
		assert_contains "$(cat "$T/err")" "annotation \`${a%%=*}\`"
		! grep -q unshared "$T/out"
		cmp "$T/patched.json" "$b/config.json"
		! "$CRUN" state "$id" >/dev/null 2>&1
	done
	[ ! -e "$T/written-as-root" ]
	# Near misses: an empty org.criu.config (no extra file), other annotations.
	cp "$T/orig.json" "$b/config.json"
	patch_config "$b" '.annotations["org.criu.config"] = "" | .annotations["run.ocix"] = "1"
		| .annotations["io.kubernetes.cri.container-type"] = "container"'
	hs_out run -b "$b" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	! grep -q unshared "$T/out"
}
