#!/usr/bin/env bash
# The Windows CLI under wine against the simulated board (tests/board-sim): a full `check` (devices from a
# recorded Windows tree naming the board's own ST-LINK, the console dialogue over COM40 — wine's dosdevices
# link to the board's console pty —, network through Winsock, ssh with the board's ed25519 key and strict
# known_hosts, target, upload, remoteproc, verify), then failures a Windows user meets, each diagnosed:
# the seed case (launch file on COM41), a changed host key (SSH002), sshd stopped (NET003).
# The board is reached through its veth from the host's namespace, as the Linux end-to-end tests do.
# Usage: board_check_under_wine.sh <exe> <board-sim> <rprocfs> <firmware.elf> <tests/windows dir>
# Exit 77 (ctest: skipped) when the Windows build is absent; every wine run is bounded by `timeout`.
set -euo pipefail
exe=$1 board_sim=$2 rprocfs=$3 elf=$4 here=$(cd "$5" && pwd)
if [ ! -f "$exe" ]; then
  echo "SKIPPED: no Windows build at $exe (bash scripts/windows/test.sh builds it)"
  exit 77
fi
command -v wine >/dev/null || { echo "SKIPPED: wine is not installed (scripts/install-deps.sh)"; exit 77; }

work=$(mktemp -d /tmp/prelaunch-winboard-XXXXXX)
board=$work/board
export WINEPREFIX=${PRELAUNCH_WINEPREFIX:-$(cd "$(dirname "$exe")/.." && pwd)/wineprefix} WINEDEBUG=-all NO_COLOR=1
# Nothing of the invoking user's environment may reach the check: a HOME of the test's own, no agent
# (the CLI under wine would otherwise try $SSH_AUTH_SOCK; the Windows agent pipe has no server here).
export HOME=$work/home
unset SSH_AUTH_SOCK SSH_AGENT_PID BASH_ENV ENV
mkdir -p "$HOME"
com=$WINEPREFIX/dosdevices/com40
cleanup() {
  rm -f "$com"
  timeout 60 "$board_sim" stop --dir "$board" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok [${SECONDS}s]: $*"; }
fail() { echo "FAILED [${SECONDS}s]: $*"; failures=$((failures + 1)); }
expect() {  # text, pattern, what
  if grep -qF -- "$2" <<<"$1"; then pass "$3"; else fail "$3 (no '$2' in:)"; echo "$1" | head -60; fi
}
# Checks on a JSON report, all in one python run (a start costs seconds on a loaded machine): each check is
# three arguments, what it checks, a python expression over step(id)/codes(id)/observed(id, key), and the
# text the value must contain. Adds to $failures.
report() {  # json file, then (what, expression, expected)…
  local out
  out=$(python3 - "$@" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    r = {"unreadable": str(e)}
def step(i):
    return next((s for s in r.get("steps", []) if s.get("id") == i), {})
def codes(i):
    return " ".join(d.get("code", "") for d in step(i).get("diagnostics", []))
def observed(i, key):
    return step(i).get("observed", {}).get(key, "")
args = sys.argv[2:]
for what, expr, want in zip(args[0::3], args[1::3], args[2::3]):
    try:
        value = str(eval(expr))
    except Exception as e:
        value = "(%s)" % e
    print(("ok: " if want in value else "FAILED: ") + what + ": " + value[:300])
PY
)
  echo "$out" | sed "s/^\(ok\|FAILED\): /\1 [${SECONDS}s]: /"
  failures=$((failures + $(grep -c '^FAILED' <<<"$out" || true)))
}

# The knobs this test relies on, named (the simulator's defaults may change): an ELF-mode DK with both
# cores, a shell on the console, OpenSSH with SFTP, its first host key, the STLINK-V3E (PID 374E), a
# /lib/firmware of 16 MiB (the --ssh-config cases leave images of 2, 1.5 and 1 MiB there).
knobs=(--mode ELF --order m0,m33 --board dk --demo off --console shell --ssh openssh --sftp on --hostkey 0
       --stlink-pid 374e --link up --sshd on --fw-ro off --fw-size 16M)
wine "$exe" --version >/dev/null 2>&1 || true  # makes the prefix on first use, before the timed runs
echo "board start at ${SECONDS}s"
timeout 120 "$board_sim" start --dir "$board" --rprocfs "$rprocfs" "${knobs[@]}" >"$work/board.json" || {
  echo "FAILED: board-sim start"; exit 1; }
b() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/board.json" "$1"; }
host=$(b host) dir=$(b dir)
# The board's ST-LINK as Windows would show it: the recorded V3E tree with the board's own serial.
stlink_serial=$(cat "$(find "$(b sysfs_root)/devices" -name serial -path "*/usb*" | head -n1)")
sed "s/004A00323234510A33353533/$stlink_serial/g" "$here/fixtures/stlink_v3e_dk.json" >"$work/tree.json"
ln -sfn "$(readlink -f "$(b serial)")" "$com"
common=(--host "$host" --identity "Z:$dir/keys/id_ed25519" --known-hosts "Z:$dir/keys/known_hosts"
        --sysfs-root "Z:$work/tree.json")

# 1. The full check: every step runs and none fails.
set +e
timeout 180 wine "$exe" check "${common[@]}" --serial COM40 --elf "Z:$elf" --json >"$work/full.json" 2>"$work/full.err"
rc=$?
set -e
[ "$rc" = 0 ] && pass "full check exits 0" || { fail "full check exit code $rc"; cat "$work/full.err"; head -c 4000 "$work/full.json"; }
steps=()
for s in devices serial-port network ssh target upload remoteproc verify; do
  # ok or warning (a slow step under wine is RUN002), never error, skipped or absent.
  steps+=("$s passes" "('passes: ' if step('$s').get('status') in ('ok', 'warning') else 'does not pass: ') + step('$s').get('status', 'absent') + ' ' + codes('$s')" "passes: ")
done
report "$work/full.json" "${steps[@]}" \
  "the console is COM40, the board's ST-LINK" "observed('serial-port', 'device')" "COM40 (STLINK-V3, serial $stlink_serial)" \
  "the console answers with a shell prompt" "observed('serial-port', 'console')" "shell prompt" \
  "strict known_hosts: the host key is known" "observed('ssh', 'host_key_status')" "known" \
  "logged in with the ed25519 key" "observed('ssh', 'identity_type')" "ssh-ed25519" \
  "the upload is verified on the board" "observed('upload', 'verified_on_board')" "size and sha256 match" \
  "remoteproc loaded our image" "observed('remoteproc', 'firmware')" "$(basename "$elf")" \
  "the M33 runs the firmware" "observed('verify', 'state')" "running"

# 2. The seed case on this board: the launch file names COM41, the board's VCP is COM40.
cat >"$work/seed.launch" <<'LAUNCH'
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<launchConfiguration type="com.st.stm32cube.ide.mcu.debug.launch.launchConfigurationType">
    <booleanAttribute key="org.eclipse.cdt.debug.gdbjtag.core.loadImageThruSerialDevice" value="true"/>
    <stringAttribute key="org.eclipse.cdt.debug.gdbjtag.core.serialDeviceLoader" value="COM41"/>
</launchConfiguration>
LAUNCH
set +e
out=$(timeout 120 wine "$exe" check --launch "Z:$work/seed.launch" "${common[@]}" --elf "Z:$elf" --only devices,serial-port --no-color 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] && pass "seed case exits 1" || fail "seed case exit code $rc"
expect "$out" "error[SER002]" "seed case: SER002"
expect "$out" "set the preferred serial device to COM40 (STLINK-V3, serial $stlink_serial" "seed case: the fix names COM40"

# 2b. --ssh-config on Windows (issue 11): the process adapter runs `ssh -G` and a ProxyCommand. ssh.exe is the
# cross-built stand-in (child_helper.cpp, found through PATH as Windows' own OpenSSH client would be): its `-G`
# prints the test's configuration, written in ssh -G's resolved form (resolving it is real OpenSSH's part,
# tested by the Linux build), and its `relay HOST PORT` is the ProxyCommand, a netcat carrying the whole SSH
# connection through the adapter's loopback bridge; its `-W HOST:PORT` does the same for a ProxyJump. Then a proxy that exits at once (NET008, its status and
# words), and no ssh.exe in PATH (CFG008, the check goes on with the address as given).
helper_dir=$(cd "$(dirname "$exe")/.." && pwd)/tests/windows/child_helper
if [ -f "$helper_dir/ssh.exe" ]; then
  printf 'hostname %s\nport 22\nuser root\nproxycommand ssh relay %%h %%p\n' "$host" >"$work/ssh_config_relay"
  printf 'hostname %s\nport 22\nuser root\nproxycommand ssh exit 5\n' "$host" >"$work/ssh_config_dead"
  # Images of their own (the first check left m33_ns.elf on the board, which would be "unchanged"): 2 MiB
  # through the proxy's bridge, 1 MiB direct. Zeros after an ELF's end change nothing it loads.
  cp "$elf" "$work/proxied.elf" && truncate -s 2M "$work/proxied.elf"
  cp "$elf" "$work/direct.elf" && truncate -s 1M "$work/direct.elf"
  config_run() {  # json file, image, then arguments
    local json=$1 image=$2; shift 2
    set +e
    timeout 180 wine "$exe" check "$@" --identity "Z:$dir/keys/id_ed25519" --known-hosts "Z:$dir/keys/known_hosts" \
      --skip devices,serial-port --elf "Z:$image" --json >"$json" 2>"$json.err"
    rc=$?
    set -e
    [ "$rc" = 0 ] || python3 -c 'import json,sys
for s in json.load(open(sys.argv[1])).get("steps", []):
    print("  ", s.get("id"), s.get("status"), [d.get("code", "") + " " + d.get("message", "") for d in s.get("diagnostics", [])])' "$json" || true
  }
  WINEPATH="Z:$helper_dir" config_run "$work/relay.json" "$work/proxied.elf" --host wineboard --ssh-config "Z:$work/ssh_config_relay"
  [ "$rc" = 0 ] && pass "ProxyCommand check exits 0" || { fail "ProxyCommand check exit code $rc"; cat "$work/relay.json.err"; }
  report "$work/relay.json" \
    "ProxyCommand: no CFG008, the ssh -G answer used" "codes('network') + ' ' + observed('network', 'from_ssh_config')" "proxycommand ssh relay %h %p" \
    "ProxyCommand: the connection is the proxy's" "observed('network', 'connection')" "through the proxy" \
    "ProxyCommand: the proxy named" "observed('network', 'proxy')" "ProxyCommand ssh relay %h %p" \
    "ProxyCommand: logged in with the ed25519 key" "observed('ssh', 'identity_type')" "ssh-ed25519" \
    "ProxyCommand: 2 MiB uploaded through the bridge" "observed('upload', 'upload') + ' ' + observed('upload', 'size')" "new 2097152" \
    "ProxyCommand: the upload is verified on the board" "observed('upload', 'verified_on_board')" "size and sha256 match" \
    "ProxyCommand: the upload's time (measure)" "observed('upload', 'transfer') + ' ' + observed('upload', 'transfer_ms') + ' ms ' + observed('upload', 'throughput_MBps') + ' MB/s'" "sftp" \
    "ProxyCommand: remoteproc loaded it" "observed('remoteproc', 'firmware')" "proxied.elf" \
    "ProxyCommand: the M33 runs the firmware" "observed('verify', 'state')" "running"
  report "$work/relay.json" "ProxyCommand: no CFG008" "'CFG008' not in codes('network')" "True"
  # ProxyJump: the adapter runs `ssh -o BatchMode=yes -o ClearAllForwardings=yes -W 10.77.N.2:22 -- gw` (the
  # stand-in's -W relays straight to the board; a real jump host is the Linux build's SshConfigJumpBoard).
  printf 'hostname %s\nport 22\nuser root\nproxyjump gw\n' "$host" >"$work/ssh_config_jump"
  cp "$elf" "$work/jumped.elf" && truncate -s 1536K "$work/jumped.elf"
  WINEPATH="Z:$helper_dir" config_run "$work/jump.json" "$work/jumped.elf" --host wineboard --ssh-config "Z:$work/ssh_config_jump"
  [ "$rc" = 0 ] && pass "ProxyJump check exits 0" || { fail "ProxyJump check exit code $rc"; cat "$work/jump.json.err"; }
  report "$work/jump.json" \
    "ProxyJump: the proxy named" "observed('network', 'proxy')" "ProxyJump gw" \
    "ProxyJump: the connection is the proxy's" "observed('network', 'connection')" "through the proxy" \
    "ProxyJump: the upload is verified on the board" "observed('upload', 'upload') + ' ' + observed('upload', 'verified_on_board')" "new size and sha256 match" \
    "ProxyJump: the M33 runs the firmware" "observed('verify', 'state')" "running"
  WINEPATH="Z:$helper_dir" config_run "$work/dead.json" "$elf" --host wineboard --ssh-config "Z:$work/ssh_config_dead"
  [ "$rc" = 1 ] && pass "dead proxy exits 1" || fail "dead proxy exit code $rc"
  report "$work/dead.json" \
    "dead proxy: NET008" "codes('network')" "NET008" \
    "dead proxy: its status" "[d.get('message', '') for d in step('network').get('diagnostics', [])]" "exited with status 5" \
    "dead proxy: what it said" "[d.get('message', '') for d in step('network').get('diagnostics', [])]" "failing with 5" \
    "dead proxy: no ssh" "step('ssh').get('status')" "skipped"
  WINEPATH= config_run "$work/noclient.json" "$work/direct.elf" --host "$host" --ssh-config "Z:$work/ssh_config_relay"
  [ "$rc" = 0 ] && pass "no ssh.exe: the check goes on and passes" || { fail "no ssh.exe: exit code $rc"; cat "$work/noclient.json.err"; }
  report "$work/noclient.json" \
    "no ssh.exe: CFG008" "codes('network')" "CFG008" \
    "no ssh.exe: the reason" "[d.get('message', '') for d in step('network').get('diagnostics', [])]" "not found in PATH" \
    "no ssh.exe: connected directly" "observed('upload', 'verified_on_board')" "size and sha256 match" \
    "no ssh.exe: the upload's time (measure)" "observed('upload', 'transfer') + ' ' + observed('upload', 'transfer_ms') + ' ms ' + observed('upload', 'throughput_MBps') + ' MB/s'" "sftp"
else
  fail "no $helper_dir/ssh.exe (the Windows build makes it with windows_tests)"
fi

# 3. The board re-flashed (new host key): strict known_hosts refuses it, SSH002, nothing uploaded.
timeout 60 "$board_sim" set --dir "$board" hostkey=1 >/dev/null
set +e
timeout 120 wine "$exe" check "${common[@]}" --skip devices,serial-port --elf "Z:$elf" --json >"$work/hostkey.json" 2>/dev/null
rc=$?
set -e
[ "$rc" = 1 ] && pass "changed host key exits 1" || fail "changed host key exit code $rc"
report "$work/hostkey.json" \
  "changed host key: the ssh step fails" "step('ssh').get('status')" "error" \
  "changed host key: SSH002" "codes('ssh')" "SSH002" \
  "changed host key: no upload" "step('upload').get('status')" "skipped"

# 4. sshd stopped: Winsock's refused connect is NET003.
timeout 60 "$board_sim" set --dir "$board" sshd=off >/dev/null
set +e
timeout 120 wine "$exe" check "${common[@]}" --skip devices,serial-port --elf "Z:$elf" --json >"$work/sshd.json" 2>/dev/null
rc=$?
set -e
[ "$rc" = 1 ] && pass "sshd stopped exits 1" || fail "sshd stopped exit code $rc"
report "$work/sshd.json" "sshd stopped: NET003 (connection refused)" "codes('network')" "NET003"

[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all checks passed"
exit 0
