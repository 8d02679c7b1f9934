#!/usr/bin/env bash
# Runs every test: the Windows cross build's tests under wine, the default build's full suite (unit, simulated board, end to end, JNI, Eclipse),
# the Release build (compiled only, warnings as errors), then the ASan+UBSan build's native suite. Run as root (the simulated board needs namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."

# Windows first: its JNI DLL goes into the bundle jar the default build assembles.
bash scripts/windows/test.sh

bash scripts/build.sh default
ctest --preset default -j2 --timeout 600

# Release (-O3) with warnings as errors, built only: g++ warns about some things only when it optimises harder.
bash scripts/build.sh release

bash scripts/build.sh asan
# The sanitizer build leaves out what it cannot or need not run: the JVM-hosted tests (ASan must be the
# first library loaded, which a stock java launcher does not do; the JNI library is covered by the
# default run), the fuzzers (already built with ASan+UBSan by clang) and the simulator's own self-tests
# (they test the simulator, not our code; our end-to-end tests against it do run here).
ctest --preset asan -j2 --timeout 900 -LE board-sim
