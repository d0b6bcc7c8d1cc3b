#!/usr/bin/env bash
# "No slower": two reelstat binaries (say, main before and after a refactor) measured in turns in
# one run, so that both meet the same machine: ingest at 1x and 10x (wall time to a published
# snapshot), and a cold sweep at 10x (a fresh server, every company's /years and /years/{y}/movies
# once, with wrk). Prints medians and NEW/OLD ratios; results in bench/out/compare.md.
#
#   bash bench/compare_binaries.sh OLD_BINARY NEW_BINARY     # RUNS=5
#   RUNS=3 SWEEP_RUNS=3 bash bench/compare_binaries.sh /tmp/old/build/reelstat build/reelstat
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bash bench/compare_binaries.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2")
RUNS=${RUNS:-5}
SWEEP_RUNS=${SWEEP_RUNS:-$RUNS}
PORT=18193
source scripts/lib.sh
require_tools /usr/bin/time wrk curl python3

mkdir -p bench/out/data
declare -A ROWS=([1x]=45466 [10x]=454660)
for size in 1x 10x; do
  file=bench/out/data/synth-$size.csv
  [ -s "$file" ] || "$new" synth --rows "${ROWS[$size]}" --seed 42 -o "$file" --expect "$file.json" \
    --sample tests/data/movies_metadata.sample.csv
done
work=$(mktemp -d /tmp/reelstat-compare-bench.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.3f}")' "$@"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[2]) / float(sys.argv[1]):.3f}')" "$1" "$2"; }
results=bench/out/compare.md
{ echo "# $old (old) against $new (new), $(date -u +%FT%TZ)"; echo; } > "$results"

ingest_seconds() {  # binary file -> wall seconds of one ingest into a fresh data dir
  rm -rf "$work/data"
  /usr/bin/time -f %e "$1" ingest "$2" --data-dir "$work/data" 2>"$work/time" >/dev/null
  tail -1 "$work/time"
}
for size in 1x 10x; do
  old_times=() new_times=()
  for _ in $(seq "$RUNS"); do  # in turns, so that a busy moment falls on both
    old_times+=("$(ingest_seconds "$old" "bench/out/data/synth-$size.csv")")
    new_times+=("$(ingest_seconds "$new" "bench/out/data/synth-$size.csv")")
  done
  o=$(median "${old_times[@]}") n=$(median "${new_times[@]}")
  echo "ingest $size: old median $o s (${old_times[*]}), new median $n s (${new_times[*]}), new/old $(ratio "$o" "$n")" >> "$results"
done

# The sweep: each binary serves a 10x data dir it ingested itself.
printf 'access_log = "off"\nanonymous_rate = 1e9\nanonymous_burst = 1e9\n' > "$work/serve.toml"
serve() {  # binary data_dir -> a server on PORT, its pid in $pid, ready
  "$1" serve --data-dir "$2" --no-auth --listen 127.0.0.1:$PORT --config "$work/serve.toml" 2>>"$work/serve.err" &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz; do sleep 0.01; done
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
for which in old new; do
  "${!which}" ingest bench/out/data/synth-10x.csv --data-dir "$work/$which-10x" >/dev/null
done
serve "$new" "$work/new-10x"
python3 bench/read_path_sweep.py 127.0.0.1 $PORT 0 --list > "$work/sweep.txt"
stop
sweep_once() {  # binary data_dir -> requests/s of one cold sweep, every answer a 200
  serve "$1" "$2"
  rm -rf "$work/markers"; mkdir -p "$work/markers"
  wrk -t2 -c64 -d600s -s bench/read_path_sweep.lua http://127.0.0.1:$PORT/ -- "$work/sweep.txt" "$work/markers" \
    > "$work/wrk.out" 2>&1 &
  local wrk_pid=$!
  until [ -e "$work/markers/done-0" ] && [ -e "$work/markers/done-1" ]; do sleep 0.1; done
  kill -INT "$wrk_pid"; wait "$wrk_pid" || true
  stop
  if grep -q "Non-2xx" "$work/wrk.out"; then echo "a sweep had answers other than 200:" >&2; cat "$work/wrk.out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}
old_sweeps=() new_sweeps=()
for _ in $(seq "$SWEEP_RUNS"); do
  old_sweeps+=("$(sweep_once "$old" "$work/old-10x")")
  new_sweeps+=("$(sweep_once "$new" "$work/new-10x")")
done
o=$(median "${old_sweeps[@]}") n=$(median "${new_sweeps[@]}")
echo "cold sweep 10x ($(wc -l < "$work/sweep.txt") routes, wrk -t2 -c64): old median $o requests/s (${old_sweeps[*]}), new median $n (${new_sweeps[*]}), new/old $(ratio "$o" "$n")" >> "$results"
cat "$results"
