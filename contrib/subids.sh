#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# subids.sh OWNER FIRST: give OWNER the 65536 subordinate uids and gids
# FIRST..FIRST+65535 in /etc/subuid and /etc/subgid, which hardshim maps
# container ids 0-65535 to (policy user.subid_owner, or a class's).
# subids.sh --install OWNER RECORD: the same where OWNER has no range yet,
# with FIRST the lowest multiple of 65536 from 1000000 on that overlaps no
# range of either file; what it added (the range, and the user if it made
# one) is written to RECORD, step by step, so that a failure half-way
# leaves a record of what was added.  `make install` runs it.
# subids.sh --free: print FIRST as --install would pick it now (hardshim
# doctor suggests it).
# subids.sh --uninstall RECORD: take back what RECORD says was added, and
# remove RECORD.  `make uninstall` runs it.
#
# OWNER is created as a system user without a home or a login shell if it
# does not exist.  Does nothing when OWNER already has a range of that
# size; refuses a range another owner already has.  Two runs at once are
# serialised (flock on /run/hardshim-subids.lock; usermod takes shadow's
# own locks for each write).  Run as root.
set -euo pipefail
etc=/etc
size=65536

usage() {
	echo "usage: $0 OWNER FIRST | --install OWNER RECORD | --uninstall RECORD | --free" >&2
	exit 2
}

# has_range OWNER FILE: OWNER has a range of at least $size ids in FILE.
has_range() {
	awk -F: -v o="$1" -v n="$size" '$1 == o && $3 >= n { found = 1 } END { exit !found }' "$2"
}

# free_first: the lowest multiple of $size from 1000000 on whose range
# overlaps no range in subuid or subgid.
free_first() {
	awk -F: -v n="$size" '
		$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { a[++k] = $2; b[k] = $2 + $3 - 1 }
		END {
			first = 1000000 - 1000000 % n + (1000000 % n ? n : 0)
			do {
				moved = 0
				for (i = 1; i <= k; i++)
					if (a[i] <= first + n - 1 && b[i] >= first) {
						first = (int(b[i] / n) + 1) * n
						moved = 1
					}
			} while (moved)
			print first
		}' "$etc/subuid" "$etc/subgid"
}

# add OWNER FIRST [RECORD]: the range into both files (what is there is
# kept); with RECORD, each file's range is recorded (record) as soon as
# usermod added it.
add() {
	local owner=$1 first=$2 record=${3:-} last=$(($2 + size - 1)) f
	for f in "$etc/subuid" "$etc/subgid"; do
		has_range "$owner" "$f" && continue
		if ! awk -F: -v o="$owner" -v a="$first" -v b="$last" \
			'$1 != o && $2 <= b && $2 + $3 - 1 >= a { print FILENAME ": " $0 " overlaps " a "-" b; bad = 1 }
			END { exit bad }' "$f" >&2; then
			return 1
		fi
		case $f in
		*/subuid) usermod --add-subuids "$first-$last" "$owner" || return 1; added_subuid=yes ;;
		*/subgid) usermod --add-subgids "$first-$last" "$owner" || return 1; added_subgid=yes ;;
		esac
		[ -z "$record" ] || record "$record"
	done
}

# record FILE: what --install added so far (owner, range, whether it made
# the user, which files got the range).
record() {
	printf 'owner=%s\nfirst=%s\nsize=%s\nmade_user=%s\nsubuid=%s\nsubgid=%s\n' \
		"$owner" "$first" "$size" "$made_user" "$added_subuid" "$added_subgid" >"$1"
}

if [ "${1:-}" = --free ]; then
	[ $# -eq 1 ] || usage
	free_first
	exit 0
fi
[ $# -ge 2 ] || usage
touch "$etc/subuid" "$etc/subgid"
exec 9>>/run/hardshim-subids.lock # not subuid itself: usermod renames a new one over it
flock 9

case $1 in
--install)
	[ $# -eq 3 ] || usage
	owner=$2 record=$3 made_user=no
	if has_range "$owner" "$etc/subuid" && has_range "$owner" "$etc/subgid"; then
		exit 0 # nothing added: nothing to take back
	fi
	# A record left by an earlier --install for this owner (its ranges
	# since removed by hand): the user it made is still its to remove.
	if [ -f "$record" ] && [ "$(sed -n 's/^owner=//p' "$record")" = "$owner" ] &&
		grep -qx 'made_user=yes' "$record"; then
		made_user=yes
	fi
	first=$(free_first) added_subuid=no added_subgid=no
	mkdir -p "$(dirname "$record")"
	# Recorded before each change and after each range, so that whatever
	# fails half-way, --uninstall takes back what was added.
	if ! id "$owner" >/dev/null 2>&1; then
		made_user=yes
		record "$record"
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$owner"
	fi
	record "$record"
	add "$owner" "$first" "$record"
	echo "hardshim: gave $owner the subordinate ids $first-$((first + size - 1)) (recorded in $record)"
	;;
--uninstall)
	[ $# -eq 2 ] || usage
	record=$2
	[ -f "$record" ] || exit 0
	owner=$(sed -n 's/^owner=//p' "$record")
	first=$(sed -n 's/^first=//p' "$record")
	n=$(sed -n 's/^size=//p' "$record")
	made_user=$(sed -n 's/^made_user=//p' "$record")
	# (a record without these keys is older: both ranges were added)
	subuid=$(sed -n 's/^subuid=//p' "$record")
	subgid=$(sed -n 's/^subgid=//p' "$record")
	[[ $owner =~ ^[a-z_][a-z0-9_-]*$ && $first =~ ^[0-9]+$ && $n =~ ^[0-9]+$ ]] || {
		echo "$0: $record is not a record of this script: left alone" >&2
		exit 1
	}
	last=$((first + n - 1))
	if id "$owner" >/dev/null 2>&1; then
		[ "$subuid" = no ] || usermod --del-subuids "$first-$last" "$owner"
		[ "$subgid" = no ] || usermod --del-subgids "$first-$last" "$owner"
		[ "$made_user" != yes ] || userdel "$owner"
	fi
	rm -f "$record"
	echo "hardshim: took back the subordinate ids $first-$last of $owner"
	;;
*)
	[ $# -eq 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || usage
	owner=$1
	id "$owner" >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner"
	add "$owner" "$2"
	;;
esac
