#!/usr/bin/env bash
# The read path at scale (issue 9's targets): `reelstat query` wall time, `reelstat serve` time to
# ready, the server's anonymous memory after many distinct requests and after a snapshot switch,
# at 100x; a cold sweep over distinct routes at 10x, with wrk.
#
#   bash bench/read_path.sh                 # RUNS=5; results in bench/out/read_path.md
#   ROWS_100X=454660 bash bench/read_path.sh   # a smaller "100x" for a quick try
#   BENCH_DIR=/var/tmp/reelstat-bench bash bench/read_path.sh   # keeps the generated files
#
# The synthesized files and their data directories are kept in BENCH_DIR (default
# /tmp/reelstat-read-bench) and reused by later runs; delete it to start over.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
ROWS_100X=${ROWS_100X:-4546600}
ROWS_10X=${ROWS_10X:-454660}
BENCH_DIR=${BENCH_DIR:-/tmp/reelstat-read-bench}
CACHE_BYTES=${CACHE_BYTES:-268435456}
PORT=18191
bin=$PWD/build/reelstat
source scripts/lib.sh
require_tools wrk
bash scripts/build.sh build >/dev/null
mkdir -p "$BENCH_DIR" bench/out

prepare() {  # name rows -> BENCH_DIR/name/data holds two published runs of the same file
  local dir=$BENCH_DIR/$1
  if [ ! -f "$dir/ready" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    "$bin" synth --rows "$2" --seed 9 --sample tests/data/movies_metadata.sample.csv -o "$dir/in.csv" >/dev/null
    "$bin" ingest "$dir/in.csv" --data-dir "$dir/data" >/dev/null
    "$bin" ingest "$dir/in.csv" --force --data-dir "$dir/data" >/dev/null  # a second snapshot to switch to
    rm "$dir/in.csv"
    touch "$dir/ready"
  fi
  echo "$dir/data"
}
data100=$(prepare 100x "$ROWS_100X")
data10=$(prepare 10x "$ROWS_10X")

now() { date +%s.%N; }
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.4f}")' "$@"; }
results=bench/out/read_path.md
: > "$results"

largest=$("$bin" query '/v1/companies?limit=1' --data-dir "$data100" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["companies"][0]["id"])')
# Warm: the file and the binary in the page cache, as for a script that queries again and again
# (the target). Cold: every cache dropped first (when root), binary and libraries included.
for cache in warm cold; do
  for target in /v1/dataset "/v1/companies/$largest/years"; do
    times=()
    for _ in $(seq "$RUNS"); do
      if [ "$cache" = cold ]; then sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; fi
      t0=$(now); "$bin" query "$target" --data-dir "$data100" >/dev/null; t1=$(now)
      times+=("$(python3 -c "print($t1 - $t0)")")
    done
    echo "query $target (100x, $cache page cache): median $(median "${times[@]}") s of ${times[*]}" >> "$results"
  done
done

serve() {  # data_dir -> starts a server, sets pid
  printf 'access_log = "off"\ncache_bytes = %s\nanonymous_rate = 1e9\nanonymous_burst = 1e9\npoll_interval_ms = 200\n' \
    "$CACHE_BYTES" > "$BENCH_DIR/serve.toml"
  "$bin" serve --data-dir "$1" --no-auth --listen 127.0.0.1:$PORT --config "$BENCH_DIR/serve.toml" \
    2>>"$BENCH_DIR/serve.err" &
  pid=$!
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
ready_times=()
for _ in $(seq "$RUNS"); do
  t0=$(now); serve "$data100"
  until curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz; do sleep 0.005; done
  t1=$(now); stop
  ready_times+=("$(python3 -c "print($t1 - $t0)")")
done
echo "serve ready (100x): median $(median "${ready_times[@]}") s of ${ready_times[*]}" >> "$results"

# Memory: 20,000 distinct routes, then a switch to the other snapshot, then 20,000 more.
serve "$data100"
until curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz; do sleep 0.01; done
rss() { awk '/RssAnon/ {print $2 / 1024 " MB"}' "/proc/$pid/status"; }
echo "server RssAnon at start (100x): $(rss), cache_bytes $((CACHE_BYTES / 1048576)) MB" >> "$results"
python3 bench/read_path_sweep.py 127.0.0.1 $PORT 20000 >> "$results"
echo "server RssAnon after 20,000 distinct requests: $(rss)" >> "$results"
runs=$("$bin" runs --json --data-dir "$data100" | python3 -c 'import json,sys; print(" ".join(str(r["id"]) for r in json.load(sys.stdin) if r["published"]))')
other=$(echo "$runs" | tr ' ' '\n' | sort -n | head -1)
"$bin" publish "$other" --data-dir "$data100" >/dev/null
until curl -s http://127.0.0.1:$PORT/readyz | grep -q "\"run_id\":$other"; do sleep 0.05; done
python3 bench/read_path_sweep.py 127.0.0.1 $PORT 20000 >> "$results"
echo "server RssAnon after the switch to run $other and 20,000 more: $(rss)" >> "$results"
"$bin" publish "$(echo "$runs" | tr ' ' '\n' | sort -n | tail -1)" --data-dir "$data100" >/dev/null
stop

# Cold sweep at 10x: every company's /years and /years/{y}/movies once, with wrk.
serve "$data10"
until curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz; do sleep 0.01; done
python3 bench/read_path_sweep.py 127.0.0.1 $PORT 0 --list > "$BENCH_DIR/sweep.txt"
stop
sweep=()
for _ in $(seq "$RUNS"); do
  serve "$data10"  # a fresh server each time: every response rendered, none from the cache
  until curl -sf -o /dev/null http://127.0.0.1:$PORT/readyz; do sleep 0.01; done
  rm -rf "$BENCH_DIR/markers"; mkdir -p "$BENCH_DIR/markers"
  wrk -t2 -c64 -d600s -s bench/read_path_sweep.lua http://127.0.0.1:$PORT/ -- "$BENCH_DIR/sweep.txt" \
    "$BENCH_DIR/markers" > "$BENCH_DIR/wrk.out" 2>&1 &
  wrk_pid=$!
  # Shell builtins only, every 0.1 s: a poll that forks took a tenth of the two cores.
  until [ -e "$BENCH_DIR/markers/done-0" ] && [ -e "$BENCH_DIR/markers/done-1" ]; do sleep 0.1; done
  kill -INT "$wrk_pid"; wait "$wrk_pid" || true
  out=$(cat "$BENCH_DIR/wrk.out")
  stop
  sweep+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
  echo "$out" | grep -E "requests in|Non-2xx" | sed 's/^/  /' >> "$BENCH_DIR/sweep.log"
done
echo "cold sweep (10x, $(wc -l < "$BENCH_DIR/sweep.txt") distinct routes, wrk -t2 -c64): median $(median "${sweep[@]}") requests/s of ${sweep[*]}" >> "$results"
cat "$results"
