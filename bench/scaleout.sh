#!/usr/bin/env bash
# Scale-out benchmark (issue 10), all measured in one run on this machine:
#   1. ingest into the PostgreSQL store against the SQLite store, at 1x (45,466 movies) and 10x;
#   2. requests/s and p99 straight to one server, and through nginx (deploy/nginx/reelstat.conf)
#      to 1, 2 and 3 servers (wrk, 2 threads, 64 connections, a 12-route mix, a key on);
#   3. the time from a publish until all three servers answer from the new run (fleet_test).
#
#   bash bench/scaleout.sh          # RUNS=3 by default; results in bench/out/scaleout.md
#
# Uses scripts/cluster.sh for PostgreSQL (primary and standby), three servers and nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
export CLUSTER_DIR=$(mktemp -d /tmp/reelstat-scaleout.XXXXXX)
export CLUSTER_PORT=${CLUSTER_PORT:-18500}
[ "$(id -u)" -eq 0 ] && chmod 755 "$CLUSTER_DIR"
source scripts/lib.sh
require_tools wrk
bash scripts/build.sh build >/dev/null
trap 'bash scripts/cluster.sh stop >/dev/null 2>&1 || true; rm -rf "$CLUSTER_DIR"' EXIT
out=bench/out/scaleout.md
mkdir -p bench/out/data
for size in 1x 10x; do
  rows=$([ $size = 1x ] && echo 45466 || echo 454660)
  f=bench/out/data/synth-$size.csv
  [ -s "$f" ] || ./build/reelstat synth --rows "$rows" --seed 42 -o "$f" --sample tests/data/movies_metadata.sample.csv
done

bash scripts/cluster.sh start >"$CLUSTER_DIR/start.log" 2>&1
pg=$((CLUSTER_PORT + 100))
writer="postgresql://postgres@127.0.0.1:$pg/reelstat"
key=$(./build/reelstat keys create --name bench --rate 10000000 --burst 10000000 --store "$writer" 2>/dev/null)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }

{
  echo "# Scale-out ($(date -u +%Y-%m-%d), $(nproc) cores, RUNS=$RUNS)"
  echo
  echo "## Ingest: PostgreSQL store vs SQLite store (median wall seconds, --force, fresh SQLite dir each run)"
  echo
  echo "| file | SQLite | PostgreSQL | ratio |"
  echo "|---|---|---|---|"
} >"$out"
for size in 1x 10x; do
  f=bench/out/data/synth-$size.csv
  sq=(); pq=()
  for _ in $(seq "$RUNS"); do
    d=$(mktemp -d); sq+=("$(seconds ./build/reelstat ingest "$f" --data-dir "$d" --force)"); rm -rf "$d"
    # --no-gate: the store holds the other size's run before this one, which the gate would hold.
    pq+=("$(seconds ./build/reelstat ingest "$f" --store "$writer" --data-dir "$CLUSTER_DIR/writer" --force --no-gate --keep 2)")
  done
  s=$(printf '%.2f' "$(printf '%s\n' "${sq[@]}" | median)"); p=$(printf '%.2f' "$(printf '%s\n' "${pq[@]}" | median)")
  echo "| $size | $s | $p | $(echo "scale=2; $p / $s" | bc) |" >>"$out"
done

# Back to the sample for serving, so every configuration answers the same bodies (a 10x run is
# current: --no-gate).
./build/reelstat ingest tests/data/movies_metadata.sample.csv --store "$writer" --data-dir "$CLUSTER_DIR/writer" --force --no-gate >/dev/null 2>&1
sleep 2

cat >"$CLUSTER_DIR/mix.lua" <<'LUA'
local paths = {"/v1/dataset", "/v1/companies?q=pixar", "/v1/companies/3/years", "/v1/companies/33/years/1995",
  "/v1/companies/33/years/1995/movies", "/v1/genres", "/v1/genres/most-popular?from=1990&to=2000",
  "/v1/genres/18/years", "/v1/genres/16/years/1995?attribution=split", "/v1/genres/16/years/1995/movies",
  "/v1/years/1995/genres?by=profit", "/v1/years/1995/companies?by=revenue&limit=3"}
local i = 0
request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end
LUA

# nginx in front of the first N servers, with deploy/nginx/reelstat.conf.
nginx_for() {  # N PORT
  bash scripts/nginx_front.sh "$CLUSTER_DIR/nginx-$1" "$2" $(seq $((CLUSTER_PORT + 1)) $((CLUSTER_PORT + $1)))
  sleep 0.5
}
nginx_for 1 $((CLUSTER_PORT + 11))
nginx_for 2 $((CLUSTER_PORT + 12))

wrk_run() {  # URL -> "req/s p99ms"
  wrk -t2 -c64 -d"$DURATION" --latency -s "$CLUSTER_DIR/mix.lua" -H "Authorization: Bearer $key" "$1" |
    awk '/Requests\/sec/ {r=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p=v} END {print r, p}'
}
{
  echo
  echo "## Requests/s and p99 (wrk -t2 -c64 -d$DURATION, 12-route mix, median of $RUNS; wrk, nginx and the servers share the 2 cores)"
  echo
  echo "| path | requests/s | p99 ms | vs direct |"
  echo "|---|---|---|---|"
} >>"$out"
declare -A url=(["direct to one server"]="http://127.0.0.1:$((CLUSTER_PORT + 1))"
  ["nginx -> 1 server"]="http://127.0.0.1:$((CLUSTER_PORT + 11))"
  ["nginx -> 2 servers"]="http://127.0.0.1:$((CLUSTER_PORT + 12))"
  ["nginx -> 3 servers"]="http://127.0.0.1:$CLUSTER_PORT")
direct=""
for name in "direct to one server" "nginx -> 1 server" "nginx -> 2 servers" "nginx -> 3 servers"; do
  rs=(); ps=()
  for _ in $(seq "$RUNS"); do read -r r p < <(wrk_run "${url[$name]}"); rs+=("$r"); ps+=("$p"); done
  r=$(printf '%.0f' "$(printf '%s\n' "${rs[@]}" | median)"); p=$(printf '%s\n' "${ps[@]}" | median)
  [ -z "$direct" ] && direct=$r
  echo "| $name | $r | $p | $(echo "scale=2; $r / $direct" | bc) |" >>"$out"
done
for n in 1 2; do kill "$(cat "$CLUSTER_DIR/nginx-$n/nginx.pid")"; done

# Publish to all: the fleet test's measurement (tests/fleet_test.cpp): three servers under load
# through nginx, from the publishing commit (seen in PostgreSQL every 5 ms) until every server's
# /readyz names the new run (polled every 10 ms).
ts=()
for _ in $(seq "$RUNS"); do
  ./build/tests/fleet_test --gtest_filter='*APublishUnderLoad*' --gtest_output="json:$CLUSTER_DIR/fleet.json" >/dev/null 2>&1
  ts+=("$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['testsuites'][0]['testsuite'][0]['publish_to_all_servers_ms'])" "$CLUSTER_DIR/fleet.json")")
done
{
  echo
  echo "## From publish to all three servers, under load through nginx"
  echo
  echo "median $(printf '%s\n' "${ts[@]}" | median) ms (runs: ${ts[*]} ms; the target is 2,000 ms)"
} >>"$out"
cat "$out"
