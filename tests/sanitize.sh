#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The unit tests and the pure-core check again, built with ASan and UBSan
# (./configure --enable-sanitizers) in a build of their own: a VPATH build in
# _sanitize/build of the distribution's files, copied to _sanitize/src by
# `make distdir` (configure refuses a VPATH build of a tree configured in
# place, as contrib/build.sh configures the repository).  Any sanitizer
# report fails the test it shows in, and so this script.
#
# HS_BUILDDIR: the configured tree to take the files from (default: the
# repository).  HS_CONFIGURE_FLAGS: more ./configure options (CI gives
# --enable-werror).  The logs stay in _sanitize/build/tests/ (make clean
# removes _sanitize).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${HS_BUILDDIR:-$top}" && pwd)
out=$build/_sanitize
jobs=$(nproc 2>/dev/null || echo 2)

if [ ! -f "$build/Makefile" ]; then
	echo "ERROR: $build is not configured (run contrib/build.sh or ./configure first)" >&2
	exit 99
fi
rm -rf "$out"
mkdir -p "$out/build"
make -s -C "$build" distdir distdir="$out/src" >/dev/null

# Report every error with its stack and stop at the first (UBSan would go on).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:print_summary=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

cd "$out/build"
# shellcheck disable=SC2086 # several options in one variable
../src/configure --enable-sanitizers --disable-integration-tests ${HS_CONFIGURE_FLAGS:-} >configure.out 2>&1 || {
	cat configure.out
	exit 1
}
make -j"$jobs" >make.out 2>&1 || {
	cat make.out
	exit 1
}
# test_spec's test_many_keys reads 700,000 annotation keys, and test_json's
# test_max_members an array of 1,048,576 elements: yajl grows an array by
# one element per realloc, which ASan never does in place, so those cases
# would copy terabytes.  They run at valgrind's size (HS_UNDER_VALGRIND)
# here; the other tests as they are (test_userns reads HS_UNDER_VALGRIND
# too, to skip what valgrind cannot run).
slow="tests/unit/test_spec tests/unit/test_json"
# A test still running after HS_TEST_TIMEOUT seconds fails (timeout's 124).
timeout="timeout ${HS_TEST_TIMEOUT:-900}"
status=0
# TESTS is expanded by make: the unit tests as Makefile.am lists them.
# shellcheck disable=SC2016 # $(UNIT_TESTS) is make's, not the shell's
make -j"$jobs" check LOG_COMPILER="$timeout" TESTS="\$(filter-out $slow,\$(UNIT_TESTS)) tests/pure-core.sh" \
	>check.out 2>&1 || status=1
HS_UNDER_VALGRIND=1 make check LOG_COMPILER="$timeout" TESTS="$slow" >check-slow.out 2>&1 || status=1
cat check.out check-slow.out | grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL):'
if [ $status -eq 0 ]; then
	echo "ok: the unit tests and tests/pure-core.sh pass under ASan and UBSan ($out/build)"
else
	cat check.out check-slow.out
	for log in tests/unit/*.log tests/*.log; do
		if grep -q '(exit status: 124)$' "$log"; then
			echo "# ${log%.log}: still running after ${HS_TEST_TIMEOUT:-900} s: stopped"
		fi
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
			echo "# sanitizer report in $log:"
			sed 's/^/#   /' "$log"
		fi
	done
	echo "not ok: a test fails under ASan or UBSan (logs in $out/build/tests/)"
	exit 1
fi
