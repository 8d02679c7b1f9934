#!/usr/bin/env bash
# Runs every test: the default build's full suite (unit, simulated board, end to end, JNI, Eclipse),
# then the ASan+UBSan build's native suite. Run as root (the simulated board needs namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build.sh default
ctest --preset default -j2 --timeout 600

bash scripts/build.sh asan
# The JVM-hosted tests are left out of the sanitizer run: ASan must be the first library loaded,
# which a stock java launcher does not do; the JNI library is covered by the default run.
ctest --preset asan -j2 --timeout 900 -LE 'java|eclipse|jvm'
