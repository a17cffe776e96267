#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# build-rootfs.sh [DIR]
#
# Build (once) the Debian bookworm root filesystem the workload tests run
# their containers on: debootstrap --variant=minbase plus nginx-light,
# redis-server (redis-cli, redis-benchmark), python3 and postgresql.
#
# DIR defaults to $HS_WORKLOAD_ROOTFS, else /var/cache/hardshim-tests/debian-rootfs.
# The result is cached: DIR/.hardshim-rootfs-stamp records what was built,
# and a second run with the same recipe returns at once; a different recipe
# (package list, suite, variant) rebuilds.  The new tree is built next to DIR
# and renamed into place, so DIR is either complete or absent.
#
# Mirror: $HS_DEBIAN_MIRROR, else the first bookworm URI in
# /etc/apt/sources.list.d/debian.sources (or /etc/apt/sources.list), else
# http://deb.debian.org/debian.
#
# Needs root and debootstrap.  Exit status: 0 built or already there; 77 the
# machine cannot build it (no debootstrap, mirror unreachable) - callers
# skip; anything else is a real failure.  Messages go to stderr.
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
PACKAGES=nginx-light,redis-server,python3,postgresql
# Bump when the steps below change in a way that alters the tree.
RECIPE_VERSION=1
STAMP_NAME=.hardshim-rootfs-stamp

me=build-rootfs.sh
die() {
	echo "$me: $*" >&2
	exit 1
}
cannot() {
	echo "$me: cannot build the Debian rootfs: $*" >&2
	exit 77
}

[ $# -le 1 ] || { echo "usage: $0 [DIR]" >&2; exit 2; }
dir=${1:-${HS_WORKLOAD_ROOTFS:-/var/cache/hardshim-tests/debian-rootfs}}
[ -n "$dir" ] || die "empty DIR"
[ "$dir" != / ] || die "refusing to build into /"

stamp_text="suite=$SUITE
variant=$VARIANT
packages=$PACKAGES
recipe=$RECIPE_VERSION"

is_current() {
	[ -f "$dir/$STAMP_NAME" ] && [ "$(cat "$dir/$STAMP_NAME")" = "$stamp_text" ]
}

# Fast path, no root needed: already built with this recipe.
if is_current; then
	exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap)"
command -v debootstrap >/dev/null 2>&1 || cannot "debootstrap is not installed (apt-get install debootstrap)"
command -v wget >/dev/null 2>&1 || cannot "wget is not installed (debootstrap needs it)"

# The mirror this machine's apt uses for bookworm.
find_mirror() {
	local f=/etc/apt/sources.list.d/debian.sources uri=""
	if [ -n "${HS_DEBIAN_MIRROR:-}" ]; then
		echo "$HS_DEBIAN_MIRROR"
		return
	fi
	if [ -r "$f" ]; then
		# deb822: the first stanza of Types deb whose Suites has bookworm itself.
		uri=$(awk -v suite="$SUITE" '
			function flush() {
				if (!found && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
					split(uris, u, " "); print u[1]; found = 1
				}
				types = suites = uris = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^[ \t]*#/ { next }
			tolower($1) == "types:" { $1 = ""; types = $0 }
			tolower($1) == "suites:" { $1 = ""; suites = $0 }
			tolower($1) == "uris:" { $1 = ""; uris = $0 }
			END { flush() }' "$f")
	fi
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
		uri=$(awk -v suite="$SUITE" '$1 == "deb" {
				i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
				if ($(i + 1) == suite) { print $i; exit }
			}' /etc/apt/sources.list)
	fi
	echo "${uri:-http://deb.debian.org/debian}"
}
mirror=$(find_mirror)
mirror=${mirror%/}

parent=$(dirname "$dir")
mkdir -p "$parent"
# One builder at a time; the others wait and then find the stamp.
exec 9>"$dir.lock"
flock 9
if is_current; then
	exit 0
fi

echo "$me: building $SUITE/$VARIANT + $PACKAGES in $dir from $mirror" >&2

# Distinguish "no network" (skip) from a broken build (fail) up front.
if ! wget -q -T 20 -t 2 -O /dev/null "$mirror/dists/$SUITE/InRelease"; then
	cannot "mirror $mirror is unreachable (wget $mirror/dists/$SUITE/InRelease failed)"
fi

# Never rm -rf through a mount (a container left running on the old tree).
no_mounts_under() {
	! awk -v d="$1" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo
}

new=$dir.new
log=$parent/$(basename "$dir").debootstrap.log
if [ -e "$new" ]; then
	no_mounts_under "$new" || die "$new has mounts under it; unmount them first"
	rm -rf --one-file-system "$new"
fi

start=$(date +%s)
if ! debootstrap --variant="$VARIANT" --include="$PACKAGES" "$SUITE" "$new" "$mirror" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	if grep -qE "Couldn't download|Failed getting release file|Failed getting release signature file|Temporary failure resolving" "$log"; then
		cannot "debootstrap could not download from $mirror (log: $log)"
	fi
	die "debootstrap failed (log: $log; partial tree left in $new)"
fi

# Smaller tree; nothing in the tests uses apt's caches.
chroot "$new" apt-get clean
rm -rf "$new"/var/lib/apt/lists/*

# Check that what the tests run is there before declaring success.
for f in /usr/sbin/nginx /usr/bin/redis-server /usr/bin/redis-cli /usr/bin/redis-benchmark \
	/usr/bin/python3 /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/postgres \
	/usr/lib/postgresql/15/bin/pg_ctl /usr/lib/postgresql/15/bin/psql; do
	[ -x "$new$f" ] || die "$f missing from the new rootfs ($new)"
done

printf '%s\n' "$stamp_text" >"$new/$STAMP_NAME"
if [ -e "$dir" ]; then
	no_mounts_under "$dir" || die "$dir (old recipe) has mounts under it; unmount them first"
	rm -rf --one-file-system "$dir"
fi
mv "$new" "$dir"
echo "$me: built $dir in $(($(date +%s) - start)) s" >&2
