#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Integration tests against real runc and real containers (bats).  Run by
# `make check`, which exports HS_SRCDIR and HS_BUILDDIR; by hand they default
# to the repository this script is in.  Exit 77 (automake: skipped) when the
# machine cannot run them.
dir=$(cd "$(dirname "$0")" && pwd)
: "${HS_SRCDIR:=$(cd "$dir/../.." && pwd)}"
: "${HS_BUILDDIR:=$HS_SRCDIR}"
export HS_SRCDIR HS_BUILDDIR

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "${HS_INTEGRATION:-yes}" != no ] ||
	skip "integration tests turned off (./configure --disable-integration-tests, as make distcheck does: they need root, real containers, the engines and about ten minutes; CI runs them in the source tree)"
[ "$(id -u)" = 0 ] || skip "integration tests need root (real runc containers)"
[ -x /usr/bin/runc ] || skip "no runc at /usr/bin/runc"
command -v bats >/dev/null 2>&1 || skip "no bats (apt-get install bats)"
command -v jq >/dev/null 2>&1 || skip "no jq (apt-get install jq)"
[ -x /bin/busybox ] || skip "no /bin/busybox (apt-get install busybox-static)"
for f in hardshim hardshim-landlock tests/integration/configured.bash; do
	if [ ! -e "$HS_BUILDDIR/$f" ]; then
		echo "ERROR: $f is not built in $HS_BUILDDIR (run make first)" >&2
		exit 99
	fi
done

exec bats --tap "$dir"/*.bats
