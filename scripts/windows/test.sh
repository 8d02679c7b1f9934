#!/usr/bin/env bash
# The Windows x86-64 build and its tests under wine: the dependency sysroot (built once, cached
# outside the tree by scripts/windows/build-deps.sh), the cross build (preset "windows": the CLI .exe,
# the JNI .dll, the test .exes) and ctest, which runs every test through wine.
set -euo pipefail
cd "$(dirname "$0")/../.."
PRELAUNCH_WIN_SYSROOT=$(bash scripts/windows/build-deps.sh)
export PRELAUNCH_WIN_SYSROOT
# Passed on the command line: a build tree configured with an earlier sysroot (an older key) moves to this one
# instead of keeping the cached path.
cmake --preset windows -DPRELAUNCH_WIN_SYSROOT="$PRELAUNCH_WIN_SYSROOT" >/dev/null
cmake --build --preset windows
# The build tree's own wine prefix (what the toolchain's emulator uses), made once before tests start
# in parallel: a first start takes ~12 s and two at once would both try to create it.
WINEPREFIX=$PWD/build-windows/wineprefix WINEDEBUG=-all wineboot -i >/dev/null 2>&1
# Wine serialises much of its work in one wineserver: two test processes at a time is enough.
ctest --preset windows -j2 --timeout 300
