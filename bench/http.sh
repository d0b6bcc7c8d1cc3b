#!/usr/bin/env bash
# HTTP benchmark: `reelstat serve` (auth and rate limiting on) against nginx serving the same JSON
# bodies as static files, both on loopback, measured with wrk in the same run.
#
#   bash bench/http.sh            # 3 runs of 10 s per case; results in bench/out/http.md
#   RUNS=5 DURATION=20s bash bench/http.sh
#
# Installs wrk and nginx from Debian if missing (nginx is never started as a service; this script
# starts its own instance on a loopback port and stops it by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}                # wrk threads
SERVER_THREADS=${SERVER_THREADS:-2}  # reelstat threads and nginx workers
RS_PORT=18181
NGINX_PORT=18182

source scripts/lib.sh
require_tools wrk nginx
bash scripts/build.sh build >/dev/null

work=$(mktemp -d /tmp/reelstat-http-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as www-data
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
echo "work dir: $work" >&2

data="$work/data"
./build/reelstat ingest tests/data/movies_metadata.sample.csv --data-dir "$data" >/dev/null
# Limits stay on (every request takes a token); the bucket is big enough not to refuse the load.
key=$(./build/reelstat keys create --name bench --rate 1000000 --burst 1000000000 --data-dir "$data" 2>/dev/null)

hot=/v1/companies/33/years
mix=(/v1/dataset /v1/genres /v1/companies/3/years /v1/companies/33/years /v1/companies/33/years/1995
     /v1/companies/33/years/1995/movies /v1/genres/18/years /v1/genres/16/years/1995 /v1/years/1995/genres
     /v1/years/1995/companies /v1/genres/most-popular /v1/companies/6194/years)

# nginx gets exactly the bytes reelstat serves, one file per path.
static="$work/static"
mkdir -p "$static"; chmod 755 "$static"
for path in "${mix[@]}"; do  # PATH/index.json: a path can be both a resource and a prefix
  mkdir -p "$static$path"
  ./build/reelstat query "$path" --data-dir "$data" > "$static$path/index.json"
done
mkdir -p "$work/nginx/logs"
cat > "$work/nginx.conf" <<CONF
worker_processes $SERVER_THREADS;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $static; location / { try_files \$uri/index.json =404; } }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" & pids+=($!)
# A bearer token beside the key: ES256, from a key set in a file, minted by python3-jwt
# (tests/reference/jwks_provider.py); its subject's limits as big as the key's.
python3=/usr/bin/python3
$python3 tests/reference/jwks_provider.py key "$work/idp" bench-es ES256
$python3 tests/reference/jwks_provider.py publish "$work/idp" "$work/jwks.json" bench-es
token=$($python3 tests/reference/jwks_provider.py mint "$work/idp" bench-es bench 3600)
cat > "$work/serve.toml" <<TOML
access_log = "off"
jwks_file = "$work/jwks.json"
jwt_rate = 1000000
jwt_burst = 1000000000
TOML
./build/reelstat serve --data-dir "$data" --listen 127.0.0.1:$RS_PORT --threads $SERVER_THREADS --config "$work/serve.toml" \
  2>"$work/serve.err" & pids+=($!)
sleep 1

cat > "$work/mix.lua" <<LUA
local paths = { $(printf '"%s",' "${mix[@]}") }
local i = 0
local key = os.getenv("BENCH_KEY")
request = function()
  i = i + 1
  local headers = {}
  if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end
LUA

run_wrk() {  # name url key script
  local out
  if [ -n "$4" ]; then
    out=$(BENCH_KEY="$3" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$4" "$2")
  elif [ -n "$3" ]; then
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $3" "$2")
  else
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  fi
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5} /Socket errors/ {print "socket:" $0}' | tr '\n' ' ')
  echo "$1|$rps|$p50|$p99|${errors:-0}" >> "$work/results"
}

for run in $(seq "$RUNS"); do
  run_wrk "nginx static, hot route" "http://127.0.0.1:$NGINX_PORT$hot" "" ""
  run_wrk "reelstat, hot route, auth on" "http://127.0.0.1:$RS_PORT$hot" "$key" ""
  run_wrk "reelstat, hot route, ES256 token" "http://127.0.0.1:$RS_PORT$hot" "$token" ""
  run_wrk "nginx static, 12-route mix" "http://127.0.0.1:$NGINX_PORT/" "" "$work/mix.lua"
  run_wrk "reelstat, 12-route mix, auth on" "http://127.0.0.1:$RS_PORT/" "$key" "$work/mix.lua"
done

mkdir -p bench/out
python3 - "$work/results" "$RUNS" "$DURATION" "$CONNECTIONS" "$THREADS" "$SERVER_THREADS" > "bench/out/http-t${THREADS}-s${SERVER_THREADS}.md" <<'PY'
import statistics, sys
from collections import OrderedDict
rows = OrderedDict()
def ms(text):
    unit = 1e-3 if text.endswith("us") else 1.0 if text.endswith("ms") else 1000.0
    return float(text.rstrip("usm")) * unit
for line in open(sys.argv[1]):
    name, rps, p50, p99, errors = line.rstrip("\n").split("|")
    rows.setdefault(name, []).append((float(rps), ms(p50), ms(p99), errors.strip()))
print(f"{sys.argv[2]} runs of {sys.argv[3]} each, {sys.argv[4]} connections, wrk -t{sys.argv[5]}, server threads/workers {sys.argv[6]}; medians (min-max of requests/s).\n")
print("| case | requests/s | p50 ms | p99 ms | non-2xx / errors |")
print("|---|---:|---:|---:|---|")
medians = {}
for name, runs in rows.items():
    r = statistics.median(x[0] for x in runs)
    medians[name] = r
    print(f"| {name} | {r:,.0f} ({min(x[0] for x in runs):,.0f}-{max(x[0] for x in runs):,.0f}) | "
          f"{statistics.median(x[1] for x in runs):.3f} | {statistics.median(x[2] for x in runs):.3f} | "
          f"{', '.join(sorted(set(x[3] for x in runs)))} |")
print()
for kind in ("hot route", "12-route mix"):
    a = [v for k, v in medians.items() if k.startswith("reelstat") and kind in k][0]
    b = [v for k, v in medians.items() if k.startswith("nginx") and kind in k][0]
    print(f"- {kind}: reelstat / nginx = {a / b:.2f}")
token = [v for k, v in medians.items() if "token" in k][0]
key = [v for k, v in medians.items() if k == "reelstat, hot route, auth on"][0]
print(f"- hot route: token / key = {token / key:.2f}")
PY
cat "bench/out/http-t${THREADS}-s${SERVER_THREADS}.md"
