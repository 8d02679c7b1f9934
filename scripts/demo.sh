#!/usr/bin/env bash
# README command 1's demo: starts a simulated STM32MP257F-DK (tests/board-sim), runs one successful
# `stm32mp-prelaunch check` of a signed 1 MiB image on the stock TEE board, then three failing runs a user would recognise, printing
# each step-by-step report, and stops the board on exit (also on Ctrl-C or an error).
#
#   bash scripts/demo.sh            # after scripts/build.sh (uses build/); BUILD_DIR=… for another build tree
#
# Needs root (the board is a network + mount namespace with its own sshd and a FUSE sysfs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD_DIR:-$root/build}
cli=$build/native/stm32mp-prelaunch
rprocfs=$build/tests/board-sim/rprocfs
elf=$build/firmware/m33_ns.elf
for f in "$cli" "$rprocfs" "$elf"; do
  [ -e "$f" ] || { echo "demo: $f is missing; run: bash scripts/build.sh" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "demo: must run as root (the simulated board uses network and mount namespaces)" >&2; exit 1; }

work=$(mktemp -d /tmp/stm32mp-prelaunch-demo.XXXXXX)
board=$work/board
cleanup() {
  tests/board-sim/board-sim stop --dir "$board" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

banner() { printf '\n\033[1m==== %s\033[0m\n\n' "$*"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/board.json" "$1"; }

banner "Starting a simulated STM32MP257F-DK as ST ships it (M33 managed by OP-TEE, m33 = remoteproc0)"
tests/board-sim/board-sim start --dir "$board" --rprocfs "$rprocfs" > "$work/board.json"
host=$(field host); identity=$(field identity); known_hosts=$(field known_hosts)
serial=$(field serial); sysfs_root=$(field sysfs_root); dev_root=$(field dev_root)
signing_key=$(field signing_key_private)
echo "board at $host, console on $serial"

# A 1 MiB image: the test firmware (real arm-none-eabi-gcc output) padded with zeros; loaders ignore
# bytes after the ELF's last segment, so it loads like the original. The stock board's OP-TEE loads only
# signed images: it is signed with the key the board trusts, as STM32CubeIDE's _sign configuration does.
image=$work/Blink_CM33_NonSecure.elf
cp "$elf" "$image"
truncate -s 1M "$image"
signed=$work/Blink_CM33_NonSecure_sign.bin
"$cli" sign --in "$image" --key "$signing_key" --out "$signed" >/dev/null

common=(--host "$host" --identity "$identity" --known-hosts "$known_hosts"
        --sysfs-root "$sysfs_root" --dev-root "$dev_root")

banner "1. A successful check of a signed 1 MiB image: every step passes"
echo "\$ stm32mp-prelaunch check --serial $serial --host $host --signed $(basename "$signed") …"
start=$(date +%s%N)
"$cli" check "${common[@]}" --serial "$serial" --signed "$signed"
end=$(date +%s%N)
echo "full check of a signed 1 MiB image: $(( (end - start) / 1000000 )) ms wall time"

banner "2. The seed's case: the preferred serial device is /dev/ttyACM1, but the board's console is /dev/ttyACM0"
"$cli" check "${common[@]}" --serial /dev/ttyACM1 --signed "$signed" || true

banner "3. An unsigned ELF on the stock board, whose M33 is managed by OP-TEE (TEE mode, the STM32MP25 default)"
"$cli" check "${common[@]}" --serial "$serial" --elf "$image" || true

banner "4. The M0+ at remoteproc0"
# Instance numbers are not stable: this board boots with the other probe order (and the M33 in ELF mode).
tests/board-sim/board-sim set --dir "$board" order=m0,m33 mode=ELF >/dev/null
echo "This tool never writes to remoteproc0 by number: it finds the instance named m33, so the same run"
echo "succeeds and notes (TGT014) that remoteproc0 is the M0+ here. A loader that hard-codes remoteproc0"
echo "(ST's older fw_cortex_m33.sh, the IDE) writes the M33 image into the M0+. This run does exactly that"
echo "on purpose (--remoteproc m0, with the prediction step skipped) to show what the kernel then says and"
echo "how the tool explains it:"
"$cli" check "${common[@]}" --serial "$serial" --elf "$image" --remoteproc m0 --skip target || true

banner "Done; the board is stopped on exit"
