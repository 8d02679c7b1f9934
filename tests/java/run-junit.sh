#!/usr/bin/env bash
# Runs the bridge's JUnit 5 tests on a plain JVM (with -Xcheck:jni) against a freshly started
# simulated board. Usage: run-junit.sh --classpath CP --library /path/libstm32mp_prelaunch_jni.so --work DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
classpath= library= work= rprocfs= elf=
while [ $# -gt 0 ]; do
  case "$1" in
    --classpath) classpath=$2; shift 2 ;;
    --library) library=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --rprocfs) rprocfs=$2; shift 2 ;;
    --elf) elf=$2; shift 2 ;;
    *) echo "run-junit: unknown option $1" >&2; exit 2 ;;
  esac
done
rm -rf "$work" && mkdir -p "$work/home"
# As on a clean machine: the bridge never sees the invoking user's ~/.ssh or ssh-agent.
export HOME="$work/home"
unset SSH_AUTH_SOCK SSH_AGENT_PID

sim="$root/tests/board-sim/board-sim"
# The board's own directory lives under /tmp: the board mounts its own /home, so a build tree under /home
# (a clone in a home directory) would vanish inside it.
boarddir=$(mktemp -d /tmp/prelaunch-board.XXXXXX)
# The tests load plain ELFs into the m33 and expect the M0+ at remoteproc0: the knobs say so (the
# board's defaults are ST's stock TEE board).
args=(start --dir "$boarddir/board" mode=ELF order=m0,m33)
[ -n "$rprocfs" ] && args+=(--rprocfs "$rprocfs")
"$sim" "${args[@]}" > "$work/board.json"
trap '"$sim" stop --dir "$boarddir/board" >/dev/null 2>&1 || true; rm -rf "$boarddir"' EXIT

java -Xcheck:jni \
  -Dstm32mp.prelaunch.library="$library" \
  -Dstm32mp.boardsim.json="$work/board.json" -Dstm32mp.test.elf="$elf" \
  -jar /usr/share/java/junit-platform-console-standalone.jar \
  --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
  --class-path "$classpath" --scan-class-path "${classpath%%:*}" \
  --reports-dir "$work/reports"
