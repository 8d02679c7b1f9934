#!/usr/bin/env bash
# Runs one test application of the test bundle in a real Equinox runtime made of Debian's Eclipse 4.26
# bundles, from a fresh configuration directory (a stale registry cache misattributes extensions).
#   run-equinox.sh --app headless|ui --bundle OUR.jar --tests TESTS.jar --shims DIR --work DIR
#                  [--board-sim] [--xvfb] [--rprocfs PATH] [-Dkey=value ...]
# Passes only when the application exits 0 AND prints a closing "N passed, 0 failed" line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app= bundle= tests= shims= work= board=no xvfb=no rprocfs=
props=()
while [ $# -gt 0 ]; do
  case "$1" in
    --app) app=$2; shift 2 ;;
    --bundle) bundle=$2; shift 2 ;;
    --tests) tests=$2; shift 2 ;;
    --shims) shims=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --rprocfs) rprocfs=$2; shift 2 ;;
    --board-sim) board=yes; shift ;;
    --xvfb) xvfb=yes; shift ;;
    -D*) props+=("$1"); shift ;;
    *) echo "run-equinox: unknown option $1" >&2; exit 2 ;;
  esac
done
rm -rf "$work" && mkdir -p "$work/configuration" "$work/workspace"
# config.ini needs absolute file: URLs.
bundle=$(realpath "$bundle") tests=$(realpath "$tests") shims=$(realpath "$shims") work=$(realpath "$work")

P=/usr/lib/eclipse/plugins
bundles=(
  "reference:file:$shims/org.osgi.util.promise_1.1.0.jar@1:start"
  "reference:file:/usr/share/java/org.apache.felix.scr.jar@1:start"
  "reference:file:$P/org.eclipse.equinox.common_3.17.0.jar@2:start"
  "reference:file:$P/org.eclipse.core.jobs_3.13.200.jar"
  "reference:file:$P/org.eclipse.equinox.registry_3.11.200.jar"
  "reference:file:$shims/org.osgi.service.prefs_1.1.2.jar"
  "reference:file:$P/org.eclipse.equinox.preferences_3.10.100.jar"
  "reference:file:$P/org.eclipse.core.contenttype_3.8.200.jar"
  "reference:file:$P/org.eclipse.equinox.app_1.6.200.jar"
  "reference:file:$P/org.eclipse.core.runtime_3.26.100.jar@start"
  "reference:file:$P/org.eclipse.core.expressions_3.8.200.jar"
  "reference:file:$P/org.eclipse.core.filesystem_1.9.500.jar"
  "reference:file:$P/org.eclipse.core.variables_3.5.100.jar"
  "reference:file:$P/org.eclipse.core.resources_3.18.100.jar"
  "reference:file:$P/org.eclipse.debug.core_3.20.0.jar"
  "reference:file:$P/org.eclipse.equinox.security_1.3.1000.jar"
)
if [ "$app" = ui ]; then
  bundles+=("reference:file:/usr/share/java/swt4.jar")
elif [ "$app" = workbench ]; then
  # The full workbench: every other Eclipse bundle Debian ships, the libraries they import, and the
  # shims for what Debian lacks (make-shims.sh). Bundles nobody needs simply stay unresolved.
  for j in "$P"/*.jar; do
    case "$(basename "$j")" in
      org.eclipse.osgi_*|org.eclipse.equinox.launcher_*|org.eclipse.osgi.services_*|org.eclipse.equinox.console_*) ;;
      *) printf '%s\n' "${bundles[@]}" | grep -q -F "$j" || bundles+=("reference:file:$j") ;;
    esac
  done
  for j in icu4j jna jna-platform atinject-jsr330-api geronimo-annotation-1.3-spec servlet-api xml-apis-ext \
           commons-jxpath commons-logging xz batik-css batik-util batik-gui-util batik-i18n batik-constants batik-shared-resources; do
    for f in /usr/share/java/$j.jar /usr/share/java/$j-[0-9]*.jar; do
      [ -f "$f" ] && { bundles+=("reference:file:$(realpath "$f")"); break; }
    done
  done
  bundles+=("reference:file:$shims/org.eclipse.swt_3.121.0.jar" "reference:file:$shims/org.osgi.service.event_1.4.0.jar"
            "reference:file:$shims/org.bouncycastle.debian_1.72.0.jar")
fi
bundles+=("reference:file:$bundle" "reference:file:$tests")
{
  echo "osgi.syspath=/usr/lib/eclipse/plugins"
  echo "osgi.bundles.defaultStartLevel=4"
  echo "osgi.bundles=$(IFS=,; echo "${bundles[*]}")"
  echo "eclipse.application=com.stm32mp.prelaunch.tests.$app"
  echo "osgi.noShutdown=false"
} > "$work/configuration/config.ini"

cleanup=()
on_exit() { for c in "${cleanup[@]}"; do eval "$c" || true; done; }
trap on_exit EXIT

if [ "$board" = yes ]; then
  sim="$root/tests/board-sim/board-sim"
  # The board's own directory lives under /tmp: the board mounts its own /home, so a build tree under /home
  # (a clone in a home directory) would vanish inside it.
  boarddir=$(mktemp -d /tmp/prelaunch-board.XXXXXX)
  # The tests load plain ELFs (ELF mode) with the M0+ at remoteproc0: the knobs say so (the board's
  # defaults are ST's stock TEE board).
  args=(start --dir "$boarddir/board" mode=ELF order=m0,m33)
  [ -n "$rprocfs" ] && args+=(--rprocfs "$rprocfs")
  "$sim" "${args[@]}" > "$work/board.json"
  cleanup+=("'$sim' stop --dir '$boarddir/board' >/dev/null 2>&1; rm -rf '$boarddir'")
  props+=("-Dstm32mp.boardsim.json=$work/board.json" "-Dstm32mp.boardsim.script=$sim")
fi
if [ "$xvfb" = yes ]; then
  # Xvfb picks a free display itself and writes its number to fd 3 (tests run in parallel).
  Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3> "$work/xvfb.display" > "$work/xvfb.log" 2>&1 &
  xvfb_pid=$!
  cleanup+=("kill $xvfb_pid")
  for _ in $(seq 100); do [ -s "$work/xvfb.display" ] && break; sleep 0.1; done
  [ -s "$work/xvfb.display" ] || { echo "run-equinox: Xvfb did not start: $(cat "$work/xvfb.log")" >&2; exit 1; }
  export DISPLAY=":$(head -1 "$work/xvfb.display")" GDK_BACKEND=x11
fi

set +e
timeout 600 java "${props[@]}" -Dstm32mp.test.work="$work" \
  -jar "$P/org.eclipse.equinox.launcher_1.6.400.jar" -install /usr/lib/eclipse \
  -configuration "$work/configuration" -data "$work/workspace" -consoleLog 2>&1 | tee "$work/output.log"
rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/output.log" | tail -1 || true)
if [ -z "$summary" ]; then
  echo "run-equinox: no closing 'N passed, N failed' line (exit $rc)" >&2
  exit 1
fi
echo "run-equinox: $summary (exit $rc)"
case "$summary" in *" 0 failed") [ "$rc" -eq 0 ] && exit 0 ;; esac
exit 1
