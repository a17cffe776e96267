#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make-bundle.sh DIR [ARGS...]
#
# Build a small OCI bundle in DIR for the integration tests: a busybox-static
# root filesystem and the config.json of `runc spec`, patched so that the
# container does not want a terminal and runs ARGS (default: sh -c 'sleep 1').
#
# Deterministic and fast: no network, no chroot, one busybox copy plus a
# symlink per applet.  Environment:
#   BUSYBOX  busybox binary to copy (default /bin/busybox; must be static)
#   RUNC     runc used for `runc spec` (default /usr/bin/runc)
set -eu

usage() {
	echo "usage: $0 DIR [ARGS...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
dir=$1
shift
[ -n "$dir" ] || usage

busybox=${BUSYBOX:-/bin/busybox}
runc=${RUNC:-/usr/bin/runc}

for tool in "$busybox" "$runc"; do
	[ -x "$tool" ] || { echo "$0: $tool not found" >&2; exit 1; }
done
command -v jq >/dev/null 2>&1 || { echo "$0: jq not found" >&2; exit 1; }

if [ $# -eq 0 ]; then
	set -- sh -c 'sleep 1'
fi

mkdir -p "$dir"
[ ! -e "$dir/config.json" ] || { echo "$0: $dir/config.json exists" >&2; exit 1; }

rootfs=$dir/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" \
	"$rootfs/tmp" "$rootfs/run" "$rootfs/root"
# Modes as in Debian's base files: /tmp 1777, /run (and the rest) 0755.
chmod 1777 "$rootfs/tmp"
chmod 0755 "$rootfs/run"
cp "$busybox" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"
# A symlink per applet, all in /bin (on the spec's PATH): one chroot'ed
# `busybox --install` when root, else one ln per applet.
if [ "$(id -u)" = 0 ]; then
	chroot "$rootfs" /bin/busybox --install -s /bin
else
	for applet in $("$busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
	done
fi

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF

(cd "$dir" && "$runc" spec)
# process.args as a JSON array, built one --arg at a time (jq would take an
# argument such as "-c" for one of its own options).
args='[]'
for a in "$@"; do
	args=$(jq -cn --argjson v "$args" --arg a "$a" '$v + [$a]')
done
jq --argjson args "$args" '.process.terminal = false | .process.args = $args' \
	<"$dir/config.json" >"$dir/.config.json.new"
mv "$dir/.config.json.new" "$dir/config.json"
