#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Set everything up and run hardshim's whole test suite (unit tests with
# cmocka, integration tests with bats against the real runc).  Run as root
# on Debian 12.  Ends with one line "N passed, N failed, N skipped".
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

# Count individual test cases: cmocka's "[ OK ]"/"[ FAILED ]" lines and bats' TAP lines.
pass=$(grep -hE '^\[       OK \]|^ok [0-9]+' tests/unit/*.log tests/integration/*.log 2>/dev/null | grep -vc '# skip')
skip=$(grep -hE '^ok [0-9]+ .*# skip' tests/integration/*.log 2>/dev/null | wc -l)
fail=$(grep -hE '^\[  FAILED  \] [a-z_]|^not ok [0-9]+' tests/unit/*.log tests/integration/*.log 2>/dev/null | wc -l)
grep -h '^SKIP:' tests/integration/*.log 2>/dev/null
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
  fail=1 # make check failed outside any counted case (build, harness)
fi
echo "hardshim tests: $pass passed, $fail failed, $skip skipped"
[ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
