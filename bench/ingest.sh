#!/usr/bin/env bash
# Ingest benchmark: reelstat against pandas and DuckDB doing the same transform into the same
# rollups, on synthetic files of 1x (45,466 movies), 10x and 100x, all measured in one run.
#
#   bash bench/ingest.sh                 # 3 runs per case; results in bench/out/ingest.md
#   RUNS=5 SIZES="1x 10x" bash bench/ingest.sh
#   BASELINES_AT_100X=1 bash bench/ingest.sh   # pandas at 100x needs tens of GB of memory
#
# Files are generated once (seed 42, no damage, so every tool must agree) into bench/out/data.
# Wall time and peak RSS come from /usr/bin/time -v; each reelstat run ingests into a fresh data
# directory and ends with the snapshot published.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${SIZES:-"1x 10x 100x"}
declare -A ROWS=([1x]=45466 [10x]=454660 [100x]=4546600)
PY=/usr/bin/python3  # Debian's, where python3-pandas lives

source scripts/lib.sh
require_tools /usr/bin/time python3:pandas node npm
[ -d bench/duckdb/node_modules/@duckdb/node-api ] || (cd bench/duckdb && npm ci --no-audit --no-fund >/dev/null)
bash scripts/build.sh build >/dev/null

mkdir -p bench/out/data
for size in $SIZES; do
  file=bench/out/data/synth-$size.csv
  [ -s "$file" ] || ./build/reelstat synth --rows "${ROWS[$size]}" --seed 42 -o "$file" --expect "$file.json" \
    --sample tests/data/movies_metadata.sample.csv
done

work=$(mktemp -d /tmp/reelstat-ingest-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
results="$work/results"

measure() {  # tool size command...
  local tool=$1 size=$2
  shift 2
  local log="$work/time.log"
  if ! /usr/bin/time -v "$@" >"$work/stdout" 2>"$log"; then
    echo "$tool $size failed (recorded, the run goes on):" >&2
    grep -v '^\s' "$log" | tail -5 >&2
    echo "$tool|$size|failed|0" >> "$results"
    return 0
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  echo "$tool|$size|$wall|$rss" >> "$results"
}

for size in $SIZES; do
  file=bench/out/data/synth-$size.csv
  for run in $(seq "$RUNS"); do
    rm -rf "$work/data"
    measure reelstat "$size" ./build/reelstat ingest "$file" --data-dir "$work/data"
    if [ "$size" != 100x ] || [ "${BASELINES_AT_100X:-0}" = 1 ]; then
      mkdir -p "$work/pandas" "$work/duckdb"
      measure pandas "$size" $PY bench/baselines/pandas_rollups.py "$file" "$work/pandas"
      measure duckdb "$size" node bench/duckdb/rollups.mjs "$file" "$work/duckdb"
    fi
  done
  snapshot=$(ls "$work"/data/snapshots/run-*.sqlite)
  for tool in pandas duckdb; do
    [ -f "$work/$tool/company_years.csv" ] || continue
    # A comparison that cannot run is reported as such, never left blank as if there were nothing to say.
    verdict=$($PY bench/baselines/compare_rollups.py "$snapshot" "$work/$tool") || verdict="COMPARISON FAILED (see above)"
    echo "$tool|$size|$verdict" >> "$work/equal"
    rm -rf "${work:?}/$tool"
  done
done

$PY - "$results" "$work/equal" "$RUNS" > bench/out/ingest.md <<'PY'
import os, statistics, sys
from collections import OrderedDict
def seconds(text):
    parts = [float(p) for p in text.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
runs = OrderedDict()
failures = {}
for line in open(sys.argv[1]):
    tool, size, wall, rss = line.strip().split("|")
    if wall == "failed":
        failures[(size, tool)] = failures.get((size, tool), 0) + 1
        continue
    runs.setdefault((size, tool), []).append((seconds(wall), int(rss) / 1024))
equal = {}
if os.path.exists(sys.argv[2]):
    for line in open(sys.argv[2]):
        tool, size, verdict = line.rstrip("\n").split("|", 2)
        equal[(size, tool)] = verdict
sizes = {"1x": 45466, "10x": 454660, "100x": 4546600}
print(f"Median of {sys.argv[3]} runs; wall time from start to rollups written (reelstat: to a published snapshot).\n")
print("| size | tool | wall s (min-max) | MB/s | movies/s | peak RSS MB | vs reelstat | rollups equal to reelstat's |")
print("|---|---|---:|---:|---:|---:|---:|---|")
for (size, tool), values in runs.items():
    wall = statistics.median(v[0] for v in values)
    rss = statistics.median(v[1] for v in values)
    mb = os.path.getsize(f"bench/out/data/synth-{size}.csv") / 1e6
    ours = statistics.median(v[0] for v in runs[(size, "reelstat")])
    verdict = equal.get((size, tool), "-" if tool != "reelstat" else "")
    if failures.get((size, tool)): verdict += f" ({failures[(size, tool)]} run(s) failed)"
    if len(verdict) > 160: verdict = verdict[:157] + "..."
    print(f"| {size} | {tool} | {wall:.3f} ({min(v[0] for v in values):.2f}-{max(v[0] for v in values):.2f}) | "
          f"{mb / wall:.0f} | {sizes[size] / wall:,.0f} | {rss:,.0f} | {wall / ours:.1f}x | {verdict} |")
PY
cat bench/out/ingest.md
