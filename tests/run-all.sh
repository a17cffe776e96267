#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Set everything up and run hardshim's whole test suite (unit tests with
# cmocka, integration tests with bats against the real runc).  Run as root
# on Debian 12.  Ends with one line "hardshim: N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

contrib/install-deps.sh || exit 1
contrib/build.sh || exit 1
# The subordinate ids hardshim's default policy maps containers to.
contrib/subids.sh hardshim 1000000 || exit 1

make check VERBOSE=1 >tests/check.out 2>&1
status=$?
cat tests/check.out
make check-valgrind || status=1

# Build hygiene, each one counted case: make distcheck (the tarball builds
# out of tree, passes make check and installs and uninstalls cleanly; the
# integration suite is a SKIP there, it ran above), the tarball holds exactly
# the sources, the unit tests pass under ASan and UBSan, the C sources are
# in the style of .clang-format; and the fuzzers run.
hygiene_pass=0 hygiene_fail=0
# hygiene NAME COMMAND...: run it, its output in tests/NAME.out (shown on failure).
hygiene() {
	local name=$1
	shift
	if "$@" >"tests/$name.out" 2>&1; then
		echo "ok - $name: $(tail -n 1 "tests/$name.out")"
		hygiene_pass=$((hygiene_pass + 1))
	else
		cat "tests/$name.out"
		echo "not ok - $name: $* failed (output in tests/$name.out)"
		hygiene_fail=$((hygiene_fail + 1))
	fi
}
version=$(sed -n 's/^PACKAGE_VERSION = //p' Makefile)
rm -f "hardshim-$version.tar.gz"
hygiene distcheck make distcheck DISTCHECK_CONFIGURE_FLAGS="${HS_CONFIGURE_FLAGS:-}"
hygiene dist-contents tests/check-dist.sh "hardshim-$version.tar.gz"
hygiene sanitize tests/sanitize.sh
hygiene format tests/check-format.sh
# Fuzzing: each libFuzzer target for a minute under ASan and UBSan (the
# corpus in the tree was replayed by make check).
hygiene fuzz tests/fuzz/run.sh "${HS_FUZZ_SECONDS:-60}"

# Count individual test cases: cmocka's "[ OK ]"/"[ FAILED ]" lines and bats' TAP lines.
pass=$(grep -hE '^\[       OK \]|^ok [0-9]+' tests/unit/*.log tests/integration/*.log 2>/dev/null | grep -vc '# skip')
skip=$(grep -hE '^ok [0-9]+ .*# skip' tests/integration/*.log 2>/dev/null | wc -l)
fail=$(grep -hE '^\[  FAILED  \] [a-z_]|^not ok [0-9]+' tests/unit/*.log tests/integration/*.log 2>/dev/null | wc -l)
grep -h '^SKIP:' tests/integration/*.log 2>/dev/null
# The failed cases again, with what they printed, so that the end of the
# output (all a CI summary may keep) names them.
if [ "$fail" -ne 0 ]; then
  echo "failed cases:"
  awk '/^\[  FAILED  \] [a-z_]|^not ok [0-9]+/ { n = 60; print; next }
       n > 0 && /^# / { n--; print; next }
       { n = 0 }' tests/unit/*.log tests/integration/*.log 2>/dev/null
fi
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
  fail=1 # make check failed outside any counted case (build, harness)
fi
pass=$((pass + hygiene_pass)) fail=$((fail + hygiene_fail))
echo "hardshim: $pass passed, $fail failed, $skip skipped"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
