#!/usr/bin/env bash
# Runs every test: the Windows cross build's tests under wine, the default build's full suite (unit, simulated board, end to end, JNI, Eclipse),
# then the ASan+UBSan build's native suite. Run as root (the simulated board needs namespaces).
# Warnings are errors in every preset: the default build is Release (-O3, where g++ 12 warns most) and the ASan
# build Debug, so CI sees the warnings of both; a packager's plain build gets the warnings, not the errors.
set -euo pipefail
cd "$(dirname "$0")/.."

# How long each phase took, printed last (CI shows the end of the output; its budget is 45 minutes).
phases=()
phase() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  phases+=("$(printf '%-34s %5d s' "$name" $((SECONDS - start)))")
}
summary() {
  local rc=$?
  echo "== test.sh phases (exit $rc after $SECONDS s) =="
  printf '%s\n' "${phases[@]}"
}
trap summary EXIT

# Windows first: its JNI DLL goes into the bundle jar the default build assembles.
phase "windows build + wine tests" bash scripts/windows/test.sh

phase "default build" bash scripts/build.sh default
phase "default ctest" ctest --preset default -j2 --timeout 600

phase "asan build" bash scripts/build.sh asan
# The sanitizer build leaves out what it cannot or need not run: the JVM-hosted tests (ASan must be the
# first library loaded, which a stock java launcher does not do; the JNI library is covered by the
# default run), the fuzzers (already built with ASan+UBSan by clang) and the simulator's own self-tests
# (they test the simulator, not our code; our end-to-end tests against it do run here).
phase "asan ctest" ctest --preset asan -j2 --timeout 900 -LE board-sim
