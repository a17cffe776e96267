#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fuzz every target for SECONDS under ASan and UBSan with clang's libFuzzer
# (tests/fuzz/README.md).
#
#   tests/fuzz/run.sh SECONDS [TARGET...]   fuzz (default: every target)
#   tests/fuzz/run.sh --merge [TARGET...]   minimise the corpus in the tree
#                                           with what fuzzing found since
#                                           (inputs named found-* stay)
#
# Needs a configured tree (HS_BUILDDIR, default the source tree) and clang.
# Builds into BUILDDIR/tests/fuzz/clang; new inputs go to
# BUILDDIR/tests/fuzz/clang/work/TARGET, never into the corpus in the
# tree.  Prints the executions each target ran; exits 1 when a target
# crashed or a property failed (the input is left in
# SRCDIR/tests/fuzz/crashes/, which git ignores).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${HS_BUILDDIR:-$src}
out=$build/tests/fuzz/clang
all=(pipeline exec cli policy seccomp_merge subid)
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-2}

usage () { echo "usage: $0 SECONDS|--merge [TARGET...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mode=$1; shift
case $mode in --merge) ;; *[!0-9]* | '') usage ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
[ -f "$build/Makefile" ] || { echo "$0: $build is not configured (run ./configure)" >&2; exit 2; }
command -v "$cc" >/dev/null || { echo "$0: $cc not found" >&2; exit 2; }

# ---- build ------------------------------------------------------------------
mkdir -p "$out/obj"
make -s -C "$build" fuzz-flags > "$out/flags"
make -s -C "$build" fuzz-sources | grep '\.c$' > "$out/sources"
make -s -C "$build" fuzz-libs > "$out/libs"
export cc out src
compile () {
  local s=$1 o
  o=$out/obj/$(echo "$s" | tr / _).o
  mapfile -t flags < "$out/flags"
  "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
    -fno-sanitize-recover=undefined "${flags[@]}" -c -o "$o" "$src/$s"
}
export -f compile
echo "building the fuzz targets with $cc (ASan, UBSan, libFuzzer) in $out"
rm -f "$out"/obj/*.o
xargs -P "$jobs" -I{} bash -c 'compile "$1"' _ {} < "$out/sources"
mapfile -t flags < "$out/flags"
mapfile -t libs < "$out/libs"
for t in "${targets[@]}"; do
  "$cc" -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    "${flags[@]}" -o "$out/fuzz_$t" "$src/tests/fuzz/fuzz_$t.c" "$out"/obj/*.o "${libs[@]}"
done

# ---- run --------------------------------------------------------------------
export HS_SRCDIR=$src
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$src/tests/fuzz/crashes"
rc=0
for t in "${targets[@]}"; do
  corpus=$src/tests/fuzz/corpus/$t
  work=$out/work/$t
  mkdir -p "$work" "$corpus"
  if [ "$mode" = --merge ]; then
    fresh=$out/merge/$t
    rm -rf "$fresh"; mkdir -p "$fresh"
    "$out/fuzz_$t" -merge=1 "$fresh" "$corpus" "$work" > "$out/$t.merge.log" 2>&1
    # inputs that found a bug stay, under their names, whatever coverage says
    find "$corpus" -maxdepth 1 -type f ! -name 'found-*' -delete
    cp "$fresh"/* "$corpus"/
    echo "$t: $(ls "$corpus" | wc -l) inputs in the corpus"
    continue
  fi
  log=$out/$t.log
  dict=()
  [ -f "$src/tests/fuzz/$t.dict" ] && dict=(-dict="$src/tests/fuzz/$t.dict")
  if "$out/fuzz_$t" "$work" "$corpus" "${dict[@]}" -max_total_time="$mode" -timeout=20 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$src/tests/fuzz/crashes/$t-" > "$log" 2>&1; then
    status=ok
  else
    status="FAILED (see $log and tests/fuzz/crashes/)"
    rc=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "$t: ${runs:-?} executions in ${mode}s: $status"
done
exit $rc
