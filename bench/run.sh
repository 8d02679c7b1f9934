#!/usr/bin/env bash
# Benchmarks against baselines measured in the same run, on the same simulated board, printed as ratios
# (no absolute thresholds: the machine's speed and load vary, the ratios much less).
#
#   bash bench/run.sh [--json] [RUNS]   # after scripts/build.sh; BUILD_DIR=… for another build tree; as root
#
# --json prints the relaunch figures of issue 12 instead of the table, each as
# {"value", "unit", "baseline", "baseline_is", "ratio", "goal", "met"}:
#   cold_vs_manual            a full check (CLI, new 1 MiB image) vs the manual load below
#   warm_new_vs_manual        a relaunch in the same process (bench driver: library + session pool), new image
#   warm_unchanged_vs_manual  the same, image unchanged (upload skipped)
#   cold_vs_floor_100mbit     a full check with the link at 100 Mbit/s and 1 ms each way vs the physical floor:
#                             bytes / rate + the kernel's start time (the report's start_ms) + 3 round trips
#   board_processes_cold      processes the board spawned for a full check (its PID namespace's last PID)
#   board_processes_warm      the same for a warm relaunch of a new image (bench driver)
#   rss_64mib_kb              the CLI's peak RSS for a 64 MiB image (no load: --skip remoteproc,verify)
#
# 1. A full `check` (every step, 1 MiB image: connect, authenticate, probe the board, upload atomically with
#    SHA-256 verification, stop/load/start through remoteproc, verify) against the baseline a user types by hand
#    for the same load: `scp` the image to /lib/firmware, then one `ssh` writing firmware and start.
# 2. The same full check when the board already holds the image (upload skipped, "unchanged").
# 3. The seed case (devices + serial-port, no network) against starting the CLI for `--version`.
# 4. Peak memory (max RSS) of the full check against the `scp` baseline.
# 5. Upload throughput of a 4 MiB image (replacing one needs twice its size on the 16 MiB tmpfs): over the
#    exec channel (board knob sftp=off, the path of a board without SFTP) against SFTP, both as the upload
#    step measures them (transfer_ms).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
json=no
if [ "${1:-}" = --json ]; then json=yes; shift; fi
runs=${1:-5}
build=${BUILD_DIR:-$root/build}
cli=$build/native/stm32mp-prelaunch
[ "$(id -u)" = 0 ] || { echo "bench: run as root (the simulated board uses namespaces)" >&2; exit 1; }
for f in "$cli" "$build/tests/board-sim/rprocfs" "$build/firmware/m33_ns.elf"; do
  [ -e "$f" ] || { echo "bench: $f is missing; run: bash scripts/build.sh" >&2; exit 1; }
done

work=$(mktemp -d /tmp/prelaunch-bench.XXXXXX)
board=$work/board
cleanup() { tests/board-sim/board-sim stop --dir "$board" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# Knobs named (the defaults may change): the M33 as remoteproc1 in ELF mode, OpenSSH with SFTP, a plain link.
# 160M of /lib/firmware: the 64 MiB image and its temporary file.
tests/board-sim/board-sim start --dir "$board" --rprocfs "$build/tests/board-sim/rprocfs" --fw-size 160M \
  --mode ELF --order m0,m33 --ssh openssh --sftp on > "$work/board.json"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/board.json" "$1"; }
host=$(field host); identity=$(field identity); known_hosts=$(field known_hosts)
serial=$(field serial); sysfs_root=$(field sysfs_root); dev_root=$(field dev_root)
ssh_opts=(-q -F /dev/null -o IdentityAgent=none -i "$identity" -o UserKnownHostsFile="$known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)

# Fresh content each run so the upload is never skipped in case 1.
make_image() {
  cp "$build/firmware/m33_ns.elf" "$work/bench.elf"
  truncate -s 1M "$work/bench.elf"
  printf '%08d' "$1" | dd of="$work/bench.elf" bs=1 seek=$((1024 * 1024 - 8)) conv=notrunc status=none
}

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

common=(--host "$host" --identity "$identity" --known-hosts "$known_hosts" --sysfs-root "$sysfs_root"
        --dev-root "$dev_root" --serial "$serial" --no-color)

manual_load() {
  ssh "${ssh_opts[@]}" root@"$host" 'for d in /sys/class/remoteproc/remoteproc*; do
      [ "$(cat $d/name)" = m33 ] && [ "$(cat $d/state)" = running ] && echo stop > $d/state; done; true'
  scp "${ssh_opts[@]}" "$work/bench.elf" root@"$host":/lib/firmware/bench.elf
  ssh "${ssh_opts[@]}" root@"$host" 'for d in /sys/class/remoteproc/remoteproc*; do
      if [ "$(cat $d/name)" = m33 ]; then echo -n bench.elf > $d/firmware && echo start > $d/state; fi; done'
}

last_pid() { tests/board-sim/board-sim last-pid --dir "$board"; }
# Processes the board spawned while "$@" ran (the second reader is one of them).
count_processes() { local a b; a=$(last_pid); "$@" > /dev/null 2>&1 || true; b=$(last_pid); echo $((b - a - 1)); }

if [ "$json" = yes ]; then
  driver=$build/bench/prelaunch-bench-driver
  [ -x "$driver" ] || { echo "bench: $driver is missing; run: bash scripts/build.sh" >&2; exit 1; }
  declare -a j_manual j_cold
  for i in $(seq 1 "$runs"); do
    make_image "$i"
    s=$(now_ns); manual_load; e=$(now_ns); j_manual+=($(( (e - s) / 1000000 )))
    make_image "$((i + 1000))"
    s=$(now_ns); "$cli" check "${common[@]}" --elf "$work/bench.elf" > "$work/check.txt"; e=$(now_ns)
    j_cold+=($(( (e - s) / 1000000 )))
  done
  m_manual=$(printf '%s\n' "${j_manual[@]}" | median)
  m_cold=$(printf '%s\n' "${j_cold[@]}" | median)
  make_image 7001
  p_manual=$(count_processes manual_load)
  make_image 7002
  p_cold=$(count_processes "$cli" check "${common[@]}" --elf "$work/bench.elf")
  # Warm relaunches: one process, the session kept between them (the IDE's case).
  cp "$work/bench.elf" "$work/warm.elf"
  request=$(python3 -c 'import json,sys; print(json.dumps({"host": sys.argv[1], "identity": sys.argv[2],
    "known_hosts": sys.argv[3], "elf": sys.argv[4], "skip": ["devices", "serial-port"]}))' \
    "$host" "$identity" "$known_hosts" "$work/warm.elf")
  "$driver" "$request" "$runs" "$root/tests/board-sim/board-sim last-pid --dir $board" > "$work/warm.json"
  # The physical floor on an emulated 100 Mbit/s link with 1 ms each way.
  tests/board-sim/board-sim set --dir "$board" rate=100mbit latency=1 > /dev/null
  declare -a j_slow j_start
  for i in $(seq 1 "$runs"); do
    make_image "$((i + 5000))"
    s=$(now_ns); "$cli" check "${common[@]}" --elf "$work/bench.elf" --json > "$work/slow.json" || true; e=$(now_ns)
    j_slow+=($(( (e - s) / 1000000 )))
    j_start+=("$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
print([s for s in r["steps"] if s["id"] == "remoteproc"][0]["observed"].get("start_ms", "0"))' "$work/slow.json")")
  done
  tests/board-sim/board-sim set --dir "$board" rate=off latency=off > /dev/null
  m_slow=$(printf '%s\n' "${j_slow[@]}" | median)
  m_start=$(printf '%s\n' "${j_start[@]}" | median)
  # Peak RSS for a 64 MiB image (streamed, never held whole) against scp of the same file.
  cp "$build/firmware/m33_ns.elf" "$work/big.elf"; truncate -s 64M "$work/big.elf"
  rss_big=$(/usr/bin/time -f %M "$cli" check "${common[@]}" --elf "$work/big.elf" --skip remoteproc,verify \
    2>&1 >/dev/null | tail -1)
  rss_scp_big=$(/usr/bin/time -f %M scp "${ssh_opts[@]}" "$work/big.elf" root@"$host":/lib/firmware/big.elf 2>&1 | tail -1)
  python3 - "$work/warm.json" "$m_manual" "$m_cold" "$p_manual" "$p_cold" "$m_slow" "$m_start" "$rss_big" \
      "$rss_scp_big" "$(stat -c %s "$work/bench.elf")" <<'PY'
import json, sys
warm = json.load(open(sys.argv[1]))
manual, cold, p_manual, p_cold, slow, start, rss, rss_scp, size = (float(a) for a in sys.argv[2:11])
floor = size * 8 / 100e6 * 1000 + start + 3 * 2 * 1.0  # ms: bytes at 100 Mbit/s, the start, 3 round trips of 2 ms
def fig(value, unit, baseline, baseline_is, goal_op, goal):
    ratio = value / baseline if baseline else None
    measured = value if goal_op in ("<=abs", "<abs") else ratio
    met = measured <= goal if goal_op in ("<=", "<=abs") else measured < goal
    return {"value": value, "unit": unit, "baseline": baseline, "baseline_is": baseline_is,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "goal": ("ratio " if goal_op in ("<=", "<") else "value ") + goal_op.replace("abs", "") + " " + str(goal),
            "met": met}
out = {
    "cold_vs_manual": fig(cold, "ms", manual, "manual load: ssh stop; scp; ssh firmware+start", "<=", 0.5),
    "warm_new_vs_manual": fig(warm["warm_new_ms"], "ms", manual, "manual load", "<=", 0.25),
    "warm_unchanged_vs_manual": fig(warm["warm_unchanged_ms"], "ms", manual, "manual load", "<=", 0.1),
    "cold_vs_floor_100mbit": fig(slow, "ms", round(floor, 1),
                                 "bytes / 100 Mbit/s + kernel start (start_ms) + 3 round trips of 2 ms", "<=", 1.5),
    "board_processes_cold": fig(p_cold, "processes", p_manual, "processes of the manual load", "<=abs", 15),
    "board_processes_warm": fig(warm["warm_new_processes"], "processes", p_manual, "processes of the manual load",
                                "<=abs", 5),
    "rss_64mib_kb": fig(rss, "kB", rss_scp, "scp of the same 64 MiB file", "<abs", 20000),
}
print(json.dumps(out, indent=2))
PY
  exit 0
fi

declare -a t_manual t_check t_unchanged t_seed t_version
for i in $(seq 1 "$runs"); do
  make_image "$i"
  s=$(now_ns); manual_load; e=$(now_ns); t_manual+=($(( (e - s) / 1000000 )))
  make_image "$((i + 1000))"
  s=$(now_ns); "$cli" check "${common[@]}" --elf "$work/bench.elf" > "$work/check.txt"; e=$(now_ns)
  t_check+=($(( (e - s) / 1000000 )))
  s=$(now_ns); "$cli" check "${common[@]}" --elf "$work/bench.elf" > "$work/unchanged.txt"; e=$(now_ns)
  t_unchanged+=($(( (e - s) / 1000000 )))
  grep -q unchanged "$work/unchanged.txt" || { echo "bench: second check did not skip the upload" >&2; cat "$work/unchanged.txt" >&2; exit 1; }
  s=$(now_ns); "$cli" check --serial /dev/ttyACM1 --sysfs-root "$sysfs_root" --dev-root "$dev_root" \
      --only devices,serial-port --no-color > /dev/null || true; e=$(now_ns)
  t_seed+=($(( (e - s) / 1000 )))
  s=$(now_ns); "$cli" --version > /dev/null; e=$(now_ns); t_version+=($(( (e - s) / 1000 )))
done

m_manual=$(printf '%s\n' "${t_manual[@]}" | median)
m_check=$(printf '%s\n' "${t_check[@]}" | median)
m_unchanged=$(printf '%s\n' "${t_unchanged[@]}" | median)
m_seed=$(printf '%s\n' "${t_seed[@]}" | median)
m_version=$(printf '%s\n' "${t_version[@]}" | median)

rss_check=$(/usr/bin/time -f %M "$cli" check "${common[@]}" --elf "$work/bench.elf" 2>&1 >/dev/null | tail -1)
rss_scp=$(/usr/bin/time -f %M scp "${ssh_opts[@]}" "$work/bench.elf" root@"$host":/lib/firmware/bench.elf 2>&1 | tail -1)

# Fresh 4 MiB content per call; prints "<transfer_ms> <transfer path>" from the upload step's facts.
upload_ms() {
  cp "$build/firmware/m33_ns.elf" "$work/big.elf"
  truncate -s 4M "$work/big.elf"
  printf '%08d' "$1" | dd of="$work/big.elf" bs=1 seek=$((4 * 1024 * 1024 - 8)) conv=notrunc status=none
  "$cli" check "${common[@]}" --elf "$work/big.elf" --skip remoteproc,verify --json > "$work/big.json" || true
  python3 - "$work/big.json" <<'PY'
import json, sys
up = [s for s in json.load(open(sys.argv[1]))["steps"] if s["id"] == "upload"][0]["observed"]
if "transfer_ms" not in up:
    sys.exit("bench: the upload did not happen: %r" % up)
print(up["transfer_ms"], up.get("transfer", "?").split(" ")[0])
PY
}
declare -a t_sftp t_exec
for i in $(seq 1 "$runs"); do
  read -r ms how < <(upload_ms "$((i + 2000))"); [ "$how" = sftp ] || { echo "bench: expected sftp, got $how" >&2; exit 1; }
  t_sftp+=("$ms")
done
tests/board-sim/board-sim set --dir "$board" sftp=off > /dev/null
for i in $(seq 1 "$runs"); do
  read -r ms how < <(upload_ms "$((i + 3000))"); [ "$how" = exec ] || { echo "bench: expected exec, got $how" >&2; exit 1; }
  t_exec+=("$ms")
done
tests/board-sim/board-sim set --dir "$board" sftp=on > /dev/null
m_sftp=$(printf '%s\n' "${t_sftp[@]}" | median)
m_exec=$(printf '%s\n' "${t_exec[@]}" | median)

ratio() { python3 -c "print(f'{$1 / max($2, 1):.2f}')"; }
echo "benchmark (median of $runs runs)                        ours        baseline     ratio"
printf '%-52s %7s ms  %7s ms  %6s\n' "full check, 1 MiB vs manual scp+ssh load" "$m_check" "$m_manual" "$(ratio "$m_check" "$m_manual")"
printf '%-52s %7s ms  %7s ms  %6s\n' "full check, image unchanged vs manual load" "$m_unchanged" "$m_manual" "$(ratio "$m_unchanged" "$m_manual")"
printf '%-52s %7s us  %7s us  %6s\n' "seed case (devices+serial-port) vs --version" "$m_seed" "$m_version" "$(ratio "$m_seed" "$m_version")"
printf '%-52s %7s kB  %7s kB  %6s\n' "peak RSS, full check vs scp" "$rss_check" "$rss_scp" "$(ratio "$rss_check" "$rss_scp")"
printf '%-52s %7s ms  %7s ms  %6s\n' "upload 4 MiB: exec channel (no SFTP) vs SFTP" "$m_exec" "$m_sftp" "$(ratio "$m_exec" "$m_sftp")"
