#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The C sources are in the repository's style (.clang-format): list each file
# clang-format would change, with how many of its lines, and exit 1; exit 0
# when none.  --fix rewrites them instead (make format).  Code that a
# formatter would make harder to read (option tables, aligned test data) is
# fenced with /* clang-format off */ ... /* clang-format on */.
#
# CLANG_FORMAT: the program (default clang-format; contrib/install-deps.sh
# installs Debian's, version 14).  Exit 77 (skip) when there is none.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
cf=${CLANG_FORMAT:-clang-format}

if ! command -v "$cf" >/dev/null 2>&1; then
	echo "SKIP: no $cf (apt-get install clang-format)"
	exit 77
fi
files=$(find shim hooks tests -name '*.[ch]' -type f | LC_ALL=C sort)

if [ "${1:-}" = --fix ]; then
	# shellcheck disable=SC2086 # file names without spaces
	exec "$cf" -i $files
fi

tmp=$(mktemp "${TMPDIR:-/tmp}/hs-format-XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
n=0 bad=0 lines=0
for f in $files; do
	n=$((n + 1))
	"$cf" "$f" >"$tmp" || { echo "not ok: $cf failed on $f"; bad=$((bad + 1)); continue; }
	d=$(diff "$f" "$tmp" | grep -c '^<')
	if [ "$d" -gt 0 ]; then
		echo "not ok: $f: $d lines differ from the style (make format; or fence a table with /* clang-format off */)"
		bad=$((bad + 1)) lines=$((lines + d))
	fi
done
if [ $bad -gt 0 ]; then
	echo "not ok: $bad of $n files are not in the style of .clang-format ($lines lines; $("$cf" --version))"
	exit 1
fi
echo "ok: $n files are in the style of .clang-format ($("$cf" --version))"
