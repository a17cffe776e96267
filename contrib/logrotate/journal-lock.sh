#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hardshim-journal-lock hold|release JOURNAL
#
# Hold hardshim's journal lock across logrotate's copytruncate: `hold`
# returns once a background process holds flock(LOCK_EX) on JOURNAL (what
# every hardshim takes for its append); `release` ends it.  The lock is
# dropped after 4 seconds whatever happens, below the 5 seconds a hardshim
# waits before it refuses a container.
set -eu

cmd=${1:-}
journal=${2:-}
[ -n "$journal" ] && [ -f "$journal" ] || {
	echo "usage: hardshim-journal-lock hold|release JOURNAL (a regular file)" >&2
	exit 2
}
dir=/run/hardshim
key=$(stat -c '%d-%i' -- "$journal")
flag=$dir/rotate-$key

case $cmd in
hold)
	mkdir -p -m 0700 "$dir"
	ready=$flag.ready
	rm -f "$ready"
	: >"$flag"
	# The holder: takes the lock, says so, waits for release (4 s at most).
	timeout 4 flock -x "$journal" sh -c \
		'touch "$1"; while [ -e "$2" ]; do sleep 0.02; done' sh "$ready" "$flag" \
		</dev/null >/dev/null 2>&1 &
	i=0
	while [ ! -e "$ready" ]; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 $! 2>/dev/null; then
			rm -f "$flag" "$ready"
			echo "hardshim-journal-lock: could not lock $journal" >&2
			exit 1
		fi
		sleep 0.02
	done
	rm -f "$ready"
	;;
release)
	rm -f "$flag"
	;;
*)
	echo "usage: hardshim-journal-lock hold|release JOURNAL" >&2
	exit 2
	;;
esac
