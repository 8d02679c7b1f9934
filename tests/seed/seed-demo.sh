#!/bin/bash
# The seed case on a bundled fixture, as a user runs it: STM32CubeIDE's launch file names /dev/ttyACM1
# while the board's only ST-LINK VCP is /dev/ttyACM0 (a real bash behind a socat pty, with the ST prompt).
#   tests/seed/seed-demo.sh CLI [--time N] [extra check options…]
# Builds the sysfs/dev fixture in a temporary directory (kernel layout, as tests/board-sim does), runs
#   CLI check --launch <fixture>/Blink_CM33_NonSecure\ Debug.launch --sysfs-root … --dev-root … --only devices,serial-port
# and exits with the CLI's exit code (1: the serial-port step names /dev/ttyACM0). With --time N it runs
# the check N times and prints the wall time of each run and the median (milliseconds).
set -euo pipefail
cli=${1:?usage: seed-demo.sh CLI [--time N] [options…]}
shift
runs=0
if [ "${1:-}" = "--time" ]; then runs=${2:?}; shift 2; fi
command -v socat >/dev/null || { echo "seed-demo: socat is missing (scripts/install-deps.sh)" >&2; exit 2; }

d=$(mktemp -d /tmp/prelaunch-seed-XXXXXX)
socat_pid=
cleanup() { [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null; rm -rf "$d"; }
trap cleanup EXIT

sys=$d/sys usb=$d/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2
intf=$usb/1-2:1.1
mkdir -p "$intf/tty/ttyACM0" "$sys/class/tty" "$sys/bus/usb/drivers/cdc_acm" "$sys/bus/usb/devices" "$d/dev/serial/by-id"
printf '0483\n' >"$usb/idVendor"; printf '374e\n' >"$usb/idProduct"
printf '004A00233133510D37363734\n' >"$usb/serial"; printf 'STMicroelectronics\n' >"$usb/manufacturer"
printf 'STLINK-V3\n' >"$usb/product"; printf '1\n' >"$usb/busnum"; printf '5\n' >"$usb/devnum"
printf '01\n' >"$intf/bInterfaceNumber"; printf 'ST-Link VCP Ctrl\n' >"$intf/interface"; printf '02\n' >"$intf/bInterfaceClass"
ln -s ../../../../../../bus/usb/drivers/cdc_acm "$intf/driver"
printf '166:0\n' >"$intf/tty/ttyACM0/dev"; printf 'MAJOR=166\nMINOR=0\nDEVNAME=ttyACM0\n' >"$intf/tty/ttyACM0/uevent"
ln -s ../../../1-2:1.1 "$intf/tty/ttyACM0/device"
ln -s ../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1/tty/ttyACM0 "$sys/class/tty/ttyACM0"
ln -s ../../../devices/pci0000:00/0000:00:14.0/usb1/1-2 "$sys/bus/usb/devices/1-2"
ln -s ../../ttyACM0 "$d/dev/serial/by-id/usb-STMicroelectronics_STLINK-V3_004A00233133510D37363734-if01"

cat >"$d/board.sh" <<'BOARD'
#!/bin/bash
export PS1='root@stm32mp2-e3-c7-3f:~# ' HOME=/root TERM=vt100
exec /bin/bash --norc --noprofile --noediting -i
BOARD
chmod +x "$d/board.sh"
socat "pty,link=$d/dev/ttyACM0,raw,echo=0,mode=660" "exec:$d/board.sh,pty,setsid,ctty,stderr,sane" 2>/dev/null &
socat_pid=$!
for _ in $(seq 500); do [ -e "$d/dev/ttyACM0" ] && break; sleep 0.01; done

launch="$d/Blink_CM33_NonSecure Debug.launch"
cat >"$launch" <<'LAUNCH'
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<launchConfiguration type="com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType">
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.connectionSelected" value="MPU Serial"/>
    <booleanAttribute key="org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice" value="true"/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader" value="/dev/ttyACM1"/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.inetAddrLoader" value="192.168.7.1"/>
    <stringAttribute key="org.eclipse.cdt.launch.PROJECT_ATTR" value="Blink_CM33_NonSecure"/>
</launchConfiguration>
LAUNCH

args=(check --launch "$launch" --sysfs-root "$sys" --dev-root "$d/dev" --only devices,serial-port "$@")
if [ "$runs" -gt 0 ]; then
  times=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    "$cli" "${args[@]}" >/dev/null || true
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  median=${sorted[$(( ${#sorted[@]} / 2 ))]}
  printf 'seed case wall time over %d runs (µs): min %s median %s max %s\n' "$runs" "${sorted[0]}" "$median" "${sorted[-1]}"
  exit 0
fi
set +e
"$cli" "${args[@]}"
rc=$?
exit $rc
