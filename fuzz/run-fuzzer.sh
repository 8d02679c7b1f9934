#!/bin/sh
# run-fuzzer.sh FUZZER CORPUS_DIR SECONDS [SEED_DIR...]: runs a libFuzzer target for a bounded time on a
# corpus seeded with the test firmware; fails on any crash, leak, sanitizer report or abort.
set -eu
fuzzer=$1 corpus=$2 seconds=$3
shift 3
mkdir -p "$corpus"
for seeds in "$@"; do
  [ -d "$seeds" ] || continue
  for f in "$seeds"/*.elf "$seeds"/*_sign*.bin "$seeds"/seed-* "$seeds"/*.log "$seeds"/*.launch; do
    [ -f "$f" ] && cp -f "$f" "$corpus/seed_$(basename "$f" | tr ' ' '_')"
  done
done
# -max_len 65536: the seeds are 13–16 KiB; larger inputs only slow the run down.
exec "$fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$corpus/../" "$corpus"
