#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Bind sources are pinned (shim/bind_pins.h; ATTACKS.md 3, check then use):
# hardshim judges what each bind source is when it opens it, and the
# runtime mounts that very object, cloned at /var/lib/hardshim/binds/N in
# the rootfs bridge's mount namespace, not whatever the path names by the
# time the runtime looks.  A real race is flaky, so the tests act in the
# gap themselves: HARDSHIM_RUNTIME is a script that changes the host
# between hardshim and runc, then executes runc.

load helpers

PINS=$HS_STATE_DIR/binds
NL=$'\n'

setup() {
	common_setup
}

teardown() {
	! mountpoint -q "$T/r/sub" || umount "$T/r/sub"
	common_teardown
	! grep -F " $PINS" /proc/self/mountinfo >&2 || { echo "teardown: pins in the host's mount table" >&2; return 1; }
}

# swap_runtime FILE SCRIPT: a runtime that runs SCRIPT (sh), then runc.
swap_runtime() {
	{
		echo '#!/bin/sh'
		echo 'set -e'
		echo "$2"
		printf 'exec %q "$@"\n' "$RUNC"
	} >"$1"
	chmod 0755 "$1"
}

# add_bind BUNDLE SOURCE DEST [OPTION...]: a bind mount (default options: rbind).
add_bind() {
	local b=$1 s=$2 d=$3
	shift 3
	[ $# -gt 0 ] || set -- rbind
	patch_config "$b" --arg s "$s" --arg d "$d" --args '.mounts += [{destination: $d, type: "bind", source: $s,
		options: $ARGS.positional}]' "$@"
}

@test "bind pins: a volume swapped for a link to / after hardshim's checks: the container sees the volume hardshim judged" {
	mkdir -p "$T/vol"
	echo judged-volume >"$T/vol/marker"
	b=$(bundle b sh -c 'cat /data/marker /rel/marker; ls /data/etc/passwd /rel/etc/passwd 2>&1; exit 0')
	mkdir -p "$b/rel"
	echo judged-relative >"$b/rel/marker"
	add_bind "$b" "$T/vol" /data
	add_bind "$b" rel /rel
	# Between hardshim and runc the spec's paths come to name the host's /;
	# the directories hardshim opened move aside, unchanged.
	swap_runtime "$T/swap" "mv '$T/vol' '$T/vol.judged' && ln -s / '$T/vol'
		mv '$b/rel' '$b/rel.judged' && ln -s / '$b/rel'"
	HARDSHIM_RUNTIME=$T/swap hs_out run -b "$b" "$(new_id c)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	[ -L "$T/vol" ] && [ -L "$b/rel" ]
	grep -qx judged-volume "$T/out"
	grep -qx judged-relative "$T/out"
	grep -qx "ls: /data/etc/passwd: No such file or directory" "$T/out"
	grep -qx "ls: /rel/etc/passwd: No such file or directory" "$T/out"
	# The spec names the pins; the engine's sources are in annotations.
	jq -e --arg v "$T/vol" --arg p "$PINS" '
		[.mounts[] | select(.destination == "/data" or .destination == "/rel") | .source]
			as $s | ($s | length) == 2 and all($s[]; startswith($p + "/"))
		and ([.annotations | to_entries[] | select(.key | startswith("io.hardshim.bind.")) | .value] | sort)
			== ([$v, "rel"] | sort)' "$b/config.json"
	jq -s -e --arg v "$T/vol" --arg p "$PINS" 'map(select(.measure == "user" and .action == "changed"
		and (.path | test("^/mounts/[0-9]+/source$")) and .before == $v))
		| length == 1 and (.[0].after | startswith($p + "/")) and (.[0].note | contains("`" + $v + "`"))' "$JOURNAL"
}

@test "bind pins: file volumes swapped for links to hardshim's seal key and /etc/passwd: neither reaches the container" {
	echo judged-key >"$T/key"
	echo judged-file >"$T/file"
	b=$(bundle b sh -c 'cat /key /f 2>&1; exit 0')
	add_bind "$b" "$T/key" /key bind ro
	add_bind "$b" "$T/file" /f bind rw
	swap_runtime "$T/swap" "mv '$T/key' '$T/key.judged' && ln -s '$HS_STATE_DIR/seal.key' '$T/key'
		mv '$T/file' '$T/file.judged' && ln -s /etc/passwd '$T/file'"
	HARDSHIM_RUNTIME=$T/swap hs_out run -b "$b" "$(new_id c)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out")" = "judged-key${NL}judged-file" ]
}

@test "bind pins: without the change the swap reaches runc (control: plain runc on the same spec mounts the host's /)" {
	# What hardshim closes: runc given the path mounts what the path names.
	mkdir -p "$T/vol"
	echo judged-volume >"$T/vol/marker"
	b=$(bundle b sh -c 'cat /data/marker 2>&1; ls /data/etc/passwd 2>&1; exit 0')
	add_bind "$b" "$T/vol" /data
	mv "$T/vol" "$T/vol.judged" && ln -s / "$T/vol"
	"$RUNC" run -b "$b" "$(new_id plain)" >"$T/out" 2>&1 </dev/null || true
	cat "$T/out" >&2
	grep -qx /data/etc/passwd "$T/out"
}

@test "bind pins: plain, file, read-only and rbind volumes and a submount; one source, one pin" {
	mkdir -p "$T/vol" "$T/r/sub"
	chown "$(host_id 65534):$(host_gid 65534)" "$T/vol"
	echo judged-file >"$T/file"
	mount -t tmpfs -o size=1m sub "$T/r/sub"
	echo inner >"$T/r/sub/inner"
	b=$(bundle b sh -c 'echo w >/data/w && echo wrote; echo x >/ro/x 2>/dev/null || echo ro-refused
		cat /f /rbind/sub/inner; exit 0')
	add_bind "$b" "$T/vol" /data bind rw
	add_bind "$b" "$T/vol" /ro bind ro
	add_bind "$b" "$T/file" /f bind
	add_bind "$b" "$T/r" /rbind rbind
	cp "$b/config.json" "$T/orig.json"
	hs_out run -b "$b" "$(new_id c)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	grep -qx wrote "$T/out"
	[ "$(cat "$T/vol/w")" = w ]
	grep -qx ro-refused "$T/out"
	grep -qx judged-file "$T/out"
	grep -qx inner "$T/out"
	# The volume's two mounts share a pin.
	jq -e '[.mounts[] | {(.destination): .source}] | add as $s
		| $s["/data"] == $s["/ro"] and ([$s["/data"], $s["/f"], $s["/rbind"]] | unique | length) == 3' "$b/config.json"

	# A plain bind of a directory with a submount is refused inside the user
	# namespace, as it is without pins: it would uncover what lies beneath.
	jq '.mounts += [{destination: "/bind", type: "bind", source: "'"$T/r"'", options: ["bind"]}]' \
		"$T/orig.json" >"$b/config.json"
	hs_out run -b "$b" "$(new_id plain)"
	cat "$T/out" "$T/err" >&2
	[ "$status" -ne 0 ]
	assert_contains "$(cat "$T/err")" 'to rootfs at \"/bind\"'
	! grep -qx inner "$T/out"
}

@test "bind pins: files below an engine's state root (podman's userdata/hosts, as docker's containers/ID/hosts) are read" {
	# In a mount namespace of the test's own, a tmpfs stands in for
	# /var/lib/containers (a state root: its entries are refused, the
	# files deep below it are what engines bind for every container).
	local d=/var/lib/containers/storage/overlay-containers/0123/userdata
	b=$(bundle b sh -c 'cat /etc/hosts /etc/hostname; exit 0')
	add_bind "$b" "$d/hosts" /etc/hosts bind ro
	add_bind "$b" "$d/hostname" /etc/hostname bind rw
	status=0
	unshare --mount --propagation slave sh -c 'mount -t tmpfs -o size=1m state /var/lib/containers && mkdir -p "$1" &&
		echo "10.0.0.7 pinned" >"$1/hosts" && echo pinned-name >"$1/hostname" && shift && exec "$@"' \
		sh "$d" "$HS" run -b "$b" "$(new_id c)" >"$T/out" 2>"$T/err" </dev/null || status=$?
	cat "$T/out" "$T/err" >&2
	[ "$status" -eq 0 ]
	grep -qx "10.0.0.7 pinned" "$T/out"
	grep -qx pinned-name "$T/out"
	jq -e --arg h "$d/hosts" '.annotations | to_entries | any(.value == $h)' "$b/config.json"
}

@test "bind pins: a sealed spec starts again from the sources it kept, judged anew; unsealed, a pin is refused" {
	mkdir -p "$T/vol"
	echo judged-volume >"$T/vol/marker"
	b=$(bundle b sh -c 'cat /data/marker; exit 0')
	cp "$b/config.json" "$T/pristine.json"
	add_bind "$b" "$T/vol" /data
	hs_out run -b "$b" "$(new_id first)"
	[ "$status" -eq 0 ]
	grep -qx judged-volume "$T/out"
	pin=$(jq -r '.mounts[] | select(.destination == "/data") | .source' "$b/config.json")
	[ "$pin" = "$PINS/0" ]
	jq -e --arg v "$T/vol" '.annotations["io.hardshim.bind.0"] == $v' "$b/config.json"
	cp "$b/config.json" "$T/sealed.json"

	# Again in the same bundle: pinned anew, the spec byte for byte.
	echo changed >"$T/vol/marker"
	n0=$(wc -l <"$JOURNAL")
	hs_out run -b "$b" "$(new_id again)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	grep -qx changed "$T/out"
	cmp "$T/sealed.json" "$b/config.json"
	tail -n +"$((n0 + 1))" "$JOURNAL" | jq -s -e --arg p "$pin" --arg v "$T/vol" '
		map(select(.path | test("^/mounts/[0-9]+/source$"))) | length == 1 and .[0].action == "kept"
		and .[0].after == $p and (.[0].note | contains("`" + $v + "`"))'

	# The kept source now names /etc: judged as what it is now, refused in
	# the engine's words.
	mv "$T/vol" "$T/vol.old" && ln -s /etc "$T/vol"
	hs_out run -b "$b" "$(new_id swapped)"
	cat "$T/err" >&2
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "host path $T/vol (which is /etc) as a volume"
	! grep -qF "$PINS" "$T/err"
	rm "$T/vol" && mv "$T/vol.old" "$T/vol"

	# The sealed bytes in another bundle, and an engine's spec naming a
	# pin with an annotation of its own: refused, hardshim's own directory.
	b2=$(bundle b2 true)
	cp "$T/sealed.json" "$b2/config.json"
	hs_out run -b "$b2" "$(new_id copied)"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "hardshim's state directory"
	jq --arg p "$PINS/0" '.mounts += [{destination: "/data", type: "bind", source: $p, options: ["rbind"]}]
		| .annotations["io.hardshim.bind.0"] = "/"' "$T/pristine.json" >"$b/config.json"
	hs_out run -b "$b" "$(new_id forged)"
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "hardshim's state directory"
}

@test "bind pins: a sealed spec started again is checked against the denied paths by what its kept sources are now" {
	mkdir -p "$T/va/sub" "$T/vb"
	b=$(bundle b true)
	add_bind "$b" "$T/va" /data bind rw
	add_bind "$b" "$T/vb" /etc/app bind
	hs_out run -b "$b" "$(new_id first)"
	cat "$T/err" >&2
	[ "$status" -eq 0 ]
	jq -e --arg p "$PINS/" '[.mounts[] | select(.destination == "/data" or .destination == "/etc/app") | .source]
		| all(.[]; startswith($p))' "$b/config.json"
	# /etc/app's source now lies within the writable /data's.
	rmdir "$T/vb" && ln -s "$T/va/sub" "$T/vb"
	hs_out run -b "$b" "$(new_id again)"
	cat "$T/err" >&2
	[ "$status" -eq 1 ]
	assert_contains "$(cat "$T/err")" "(\`/data\`, source \`$T/va\`) is writable and holds /mounts/"
	assert_contains "$(cat "$T/err")" "source \`$T/vb\`), beneath the denied path \`/etc\`"
}

@test "bind pins: restore into the sealed bundle: the runtime finds the pins holding what hardshim judged" {
	write_policy '{"mode":"enforce","lsm":{"unavailable":"run_without"}}'
	R=$T/root
	use_root "$R"
	mkdir -p "$T/vol" "$T/img"
	echo judged-volume >"$T/vol/marker"
	b=$(bundle b sleep 60)
	add_bind "$b" "$T/vol" /data
	id=$(new_id c)
	hs_out --root "$R" create -b "$b" "$id"
	[ "$status" -eq 0 ]
	hs_out --root "$R" delete --force "$id"
	[ "$status" -eq 0 ]
	cp "$b/config.json" "$T/hardened.json"
	# What criu restores into: the spec's sources, in the runtime's namespace.
	swap_runtime "$T/look" "mv '$T/vol' '$T/vol.judged' && ln -s / '$T/vol'
		for s in \$(jq -r '.mounts[] | select(.destination == \"/data\") | .source' '$b/config.json'); do
			cat \"\$s/marker\" >'$T/seen'; done
		exit 7"
	HARDSHIM_RUNTIME=$T/look hs_out --root "$R" restore -d -b "$b" --image-path "$T/img" "$id"
	cat "$T/err" >&2
	[ "$status" -eq 7 ]
	cmp "$T/hardened.json" "$b/config.json"
	[ "$(cat "$T/seen")" = judged-volume ]
}

@test "bind pins: a bind source that does not exist is refused before the runtime starts (it could be made by then)" {
	b=$(bundle b true)
	add_bind "$b" "$T/missing" /data
	cp "$b/config.json" "$T/orig.json"
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -eq 1 ]
	assert_one_error_line "$T/err"
	assert_contains "$(cat "$T/err")" "bind source \`$T/missing\` cannot be opened: No such file or directory"
	cmp "$T/orig.json" "$b/config.json"
}

@test "bind pins: in audit mode (no rootfs bridge) nothing is pinned: the spec keeps the engine's sources" {
	write_policy '{"mode":"audit"}'
	mkdir -p "$T/vol"
	b=$(bundle b true)
	add_bind "$b" "$T/vol" /data
	hs_out run -b "$b" "$(new_id c)"
	[ "$status" -eq 0 ]
	jq -e --arg v "$T/vol" '(.mounts[] | select(.destination == "/data") | .source) == $v
		and ([.annotations // {} | keys[] | select(startswith("io.hardshim.bind."))] | length) == 0' "$b/config.json"
}
