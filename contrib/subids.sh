#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# subids.sh OWNER FIRST: give OWNER the 65536 subordinate uids and gids
# FIRST..FIRST+65535 in /etc/subuid and /etc/subgid, which hardshim maps
# container ids 0-65535 to (policy user.subid_owner, or a class's).
# OWNER is created as a system user without a home or a login shell if it
# does not exist.  Does nothing when OWNER already has a range of that
# size; refuses a range another owner already has.  Run as root.
set -euo pipefail
[ $# -eq 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || {
	echo "usage: $0 OWNER FIRST" >&2
	exit 2
}
owner=$1 first=$2 last=$(($2 + 65535))

id "$owner" >/dev/null 2>&1 ||
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner"
for f in /etc/subuid /etc/subgid; do
	touch "$f"
	if awk -F: -v o="$owner" '$1 == o && $3 >= 65536 { found = 1 } END { exit !found }' "$f"; then
		continue
	fi
	if ! awk -F: -v o="$owner" -v a="$first" -v b="$last" \
		'$1 != o && $2 <= b && $2 + $3 - 1 >= a { print FILENAME ": " $0 " overlaps " a "-" b; bad = 1 } END { exit bad }' "$f" >&2; then
		exit 1
	fi
	case $f in
	/etc/subuid) usermod --add-subuids "$first-$last" "$owner" ;;
	/etc/subgid) usermod --add-subgids "$first-$last" "$owner" ;;
	esac
done
