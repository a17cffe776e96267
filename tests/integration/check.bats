#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# hardshim's own checks, which start nothing (hardshim(8), CHECKING A HOST
# AND A BUNDLE): `hardshim doctor` checks the policy and this host, one
# ok/warn/FAIL line each, exit 1 on a failure; `hardshim explain` prints
# what create would change in a bundle and writes nothing.

load helpers

setup() {
	common_setup
}

teardown() {
	common_teardown
}

# snapshot BUNDLE: what must not change: the bytes, modes and times (to
# the nanosecond) of every file of the bundle but the rootfs's contents.
snapshot() {
	(cd "$1" && sha256sum config.json && stat -c '%n %s %a %y %z' . config.json rootfs && ls -A)
}

# no_mount_of DIR: no mount point in DIR (no bridge, no pin).
no_mount_of() {
	! awk -v d="$1" 'index($5, d) == 1 { print; found = 1 } END { exit !found }' /proc/self/mountinfo
}

@test "doctor: this host has what a container needs (exit 0, one line per check)" {
	awk -F: '$1 == "hardshim" && $3 >= 65536 { found = 1 } END { exit !found }' /etc/subuid ||
		skip "no range of hardshim in /etc/subuid on this host (contrib/subids.sh hardshim 1000000)"
	run "$HS" doctor
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"ok    policy \`$HARDSHIM_POLICY\`: mode enforce"* ]]
	[[ $output == *"ok    runtime \`/usr/bin/runc\`: runc version "* ]]
	[[ $output == *"ok    user namespaces: available"* ]]
	[[ $output == *"ok    subordinate ids of class \`default\` (owner \`hardshim\`): uids "* ]]
	[[ $output == *"ok    write denial: "* ]]
	[[ $output == *"ok    cgroup layout: "* ]]
	[[ $output == *"ok    journal \`$JOURNAL\`"* ]]
	[ "${lines[-1]}" = "${#lines[@]} checks: ok" ] || [ "${lines[-1]}" = "$((${#lines[@]} - 1)) checks: ok" ]
	# every line but the summary is a check
	run grep -cvE '^(ok  |warn|FAIL)  |^[0-9]+ checks: ' <<<"$output"
	[ "$output" = 0 ]
	[ ! -e "$JOURNAL" ]
}

@test "doctor --policy: a subid owner without a range fails with what to do (exit 1)" {
	jq '.user.subid_owner = "hs-no-such-owner"' "$HARDSHIM_POLICY" >"$T/other.json"
	run "$HS" doctor --policy "$T/other.json"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qxE "FAIL  subordinate ids: .*has no range of 65536 ids for \`hs-no-such-owner\`.*; fix: run [^ ]*subids[^ ]* hs-no-such-owner [0-9]+ .*" <<<"$output"
	[[ $output == *"ok    runtime \`/usr/bin/runc\`"* ]]
	[[ ${lines[-1]} == *"1 failed"*"containers will not start" ]]
	# --policy wins over HARDSHIM_POLICY
	[[ $output == *"policy \`$T/other.json\`"* ]]
}

@test "doctor: a policy that does not load, and a runtime that is hardshim itself, fail" {
	write_policy '{"mode":"enforce","capabilties":{}}'
	run "$HS" doctor
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q '^FAIL  policy: .*capabilties.*; fix: correct the policy' <<<"$output"

	write_policy '{"mode":"enforce"}'
	HARDSHIM_RUNTIME=$HS run "$HS" doctor
	echo "$output"
	[ "$status" -eq 1 ]
	grep -q "^FAIL  runtime: .*hardshim itself" <<<"$output"
}

@test "explain: a busybox bundle's changes, printed; nothing written, mounted or started" {
	b=$(bundle b sleep 60)
	id=$(new_id explained)
	before=$(snapshot "$b")
	run "$HS" explain -b "$b" "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qE '^user +/process/user/uid +changed +0 → 65534$' <<<"$output"
	grep -qE '^user +/linux/uidMappings +added +- → \[\{"containerID":0,"hostID":[0-9]+,"size":65536\}\]$' <<<"$output"
	grep -qE '^capabilities +/process/capabilities/bounding +removed +\[.*"CAP_KILL".*\] → \[\]$' <<<"$output"
	grep -qE '^seccomp +/linux/seccomp +added +- → \{.*"defaultAction":"SCMP_ACT_ERRNO"' <<<"$output"
	grep -qE '^ +note: ' <<<"$output"
	[[ ${lines[-1]} =~ ^[0-9]+\ changes\;\ would\ start\ \(enforce\ mode\)$ ]]
	# nothing written: the bundle as it was, no journal, no mount, no container
	[ "$(snapshot "$b")" = "$before" ]
	[ ! -e "$JOURNAL" ]
	no_mount_of "$b"
	run "$RUNC" state "$id"
	[ "$status" -ne 0 ]

	# the same from the bundle directory, without an id, and with --policy
	cd "$b"
	run "$HS" explain --policy "$HARDSHIM_POLICY"
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == *"would start (enforce mode)" ]]
	[ "$(snapshot "$b")" = "$before" ]
	[ ! -e "$JOURNAL" ]
}

@test "explain: a privileged spec (a device rule allowing all) is refused (exit 1), still nothing written" {
	b=$(bundle b sleep 60)
	patch_config "$b" '.linux.resources.devices += [{"allow": true, "access": "rwm"}]'
	before=$(snapshot "$b")
	run "$HS" explain --bundle "$b"
	echo "$output"
	[ "$status" -eq 1 ]
	grep -qE '^detect +/linux/resources/devices +refused ' <<<"$output"
	[[ ${lines[-1]} == "refused: privileged container "*"every host device"* ]]
	[ "$(snapshot "$b")" = "$before" ]
	[ ! -e "$JOURNAL" ]
	no_mount_of "$b"
}

@test "explain: audit mode says what would change and that the refusal would only be journaled" {
	write_policy '{"mode":"audit"}'
	b=$(bundle b sleep 60)
	before=$(snapshot "$b")
	run "$HS" explain -b "$b"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qE '^capabilities +/process/capabilities/bounding +would be removed ' <<<"$output"
	[[ ${lines[-1]} == *"would start (audit mode)" ]]

	patch_config "$b" '.linux.resources.devices += [{"allow": true, "access": "rwm"}]'
	before=$(snapshot "$b")
	run "$HS" explain -b "$b"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qE '^detect +/linux/resources/devices +would be refused ' <<<"$output"
	[ "$(snapshot "$b")" = "$before" ]
	[ ! -e "$JOURNAL" ]
}

@test "explain: a bundle without a spec is refused with the reason; runc's own commands still pass through" {
	mkdir "$T/empty"
	run "$HS" explain -b "$T/empty"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ ${lines[-1]} == "refused: "*"config.json"* ]]
	[ ! -e "$T/empty/config.json" ]
	# a container may be called doctor: `state doctor` is runc's
	run "$HS" state doctor
	[ "$status" -ne 0 ]
	[[ $output != *"checks:"* ]]
}
