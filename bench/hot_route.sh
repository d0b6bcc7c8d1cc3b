#!/usr/bin/env bash
# The hot cached route against nginx serving the same body as a static file, in the configuration
# issue 24 sets: nginx with one worker, reelstat with its default settings (a thread per core, its
# whole auth and rate-limit path on, an API key on every request), `wrk -t1 -c64`, once with both
# logging every request to a file and once with neither logging. Rounds alternate the two servers
# (and which goes first) so that the machine's load moves both alike.
#
#   bash bench/hot_route.sh                  # 5 rounds of 5 s per server and log mode
#   ROUNDS=7 DURATION=10s bash bench/hot_route.sh
#
# Every answer must be a 200 with the whole body: a round with a non-2xx answer, a socket error
# or fewer bytes read than requests × body is reported as failed, not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5s}
RS_PORT=18191
NGINX_PORT=18192
route=/v1/companies/33/years

source scripts/lib.sh
require_tools wrk nginx curl
bash scripts/build.sh build >/dev/null

work=$(mktemp -d /tmp/reelstat-hot-bench.XXXXXX)
chmod 755 "$work"  # nginx's worker runs as www-data
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT

data="$work/data"
./build/reelstat ingest tests/data/movies_metadata.sample.csv --data-dir "$data" >/dev/null
key=$(./build/reelstat keys create --name bench --rate 1000000 --burst 1000000000 --data-dir "$data" 2>/dev/null)
mkdir -p "$work/static$route" "$work/nginx/logs"
./build/reelstat query "$route" --data-dir "$data" > "$work/static$route/index.json"
body_bytes=$(stat -c %s "$work/static$route/index.json")

start_servers() {  # log mode: on | off
  local nginx_log=off rs_log='"off"'
  if [ "$1" = on ]; then
    nginx_log="$work/nginx/logs/access.log"
    rs_log="\"$work/reelstat-access.log\""
  fi
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log $nginx_log;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  default_type application/json;
  server { listen 127.0.0.1:$NGINX_PORT; root $work/static; location / { try_files \$uri/index.json =404; } }
}
CONF
  echo "access_log = $rs_log" > "$work/serve.toml"
  nginx -p "$work/nginx" -c "$work/nginx.conf" & pids+=($!)
  ./build/reelstat serve --data-dir "$data" --listen 127.0.0.1:$RS_PORT --config "$work/serve.toml" \
    2>"$work/serve.err" & pids+=($!)
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$RS_PORT/readyz" && curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$route" && break
    sleep 0.05
  done
  # The same bytes from both, or the comparison means nothing.
  curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$RS_PORT$route" | cmp - "$work/static$route/index.json"
  curl -sf "http://127.0.0.1:$NGINX_PORT$route" | cmp - "$work/static$route/index.json"
}

run_wrk() {  # log server url [auth header]
  local out
  out=$(wrk -t1 -c64 -d"$DURATION" --latency ${4:+-H "$4"} "$3")
  python3 - "$1" "$2" "$body_bytes" "$out" >> "$work/results" <<'PY'
import re, sys
log, server, body, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
units = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
m = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", out)
requests, read = int(m.group(1)), float(m.group(2)) * units[m.group(3)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", out, re.M)
p99_ms = float(p99.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
bad = "Non-2xx" in out or "Socket errors" in out or read < 0.99 * requests * body
print(f"{log}|{server}|{rps}|{p99_ms}|{'failed' if bad else 'ok'}")
PY
}

for log in off on; do
  start_servers "$log"
  for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="nginx reelstat"; else order="reelstat nginx"; fi
    for server in $order; do
      if [ "$server" = nginx ]; then
        run_wrk "$log" nginx "http://127.0.0.1:$NGINX_PORT$route"
      else
        run_wrk "$log" reelstat "http://127.0.0.1:$RS_PORT$route" "Authorization: Bearer $key"
      fi
    done
  done
  stop_servers
  rm -f "$work"/nginx/logs/access.log "$work"/reelstat-access.log
done

mkdir -p bench/out
python3 - "$work/results" "$ROUNDS" "$DURATION" "$body_bytes" > bench/out/hot_route.md <<'PY'
import statistics, sys
rows = {}
failed = 0
for line in open(sys.argv[1]):
    log, server, rps, p99, state = line.strip().split("|")
    if state != "ok":
        failed += 1
        continue
    rows.setdefault((log, server), []).append((float(rps), float(p99)))
print(f"{sys.argv[2]} rounds of {sys.argv[3]} per server and log mode, wrk -t1 -c64, nginx 1 worker, "
      f"reelstat default threads; body {sys.argv[4]} bytes; failed rounds: {failed}\n")
print("| logging | server | requests/s (min-max) | p99 ms (median) | reelstat / nginx |")
print("|---|---|---:|---:|---:|")
for log in ("on", "off"):
    med = {}
    for server in ("nginx", "reelstat"):
        runs = rows.get((log, server), [])
        if not runs:
            continue
        med[server] = statistics.median(r for r, _ in runs)
        ratio = f"{med[server] / med['nginx']:.2f}" if server == "reelstat" and "nginx" in med else ""
        print(f"| {log} | {server} | {med[server]:,.0f} ({min(r for r, _ in runs):,.0f}-"
              f"{max(r for r, _ in runs):,.0f}) | {statistics.median(p for _, p in runs):.2f} | {ratio} |")
PY
cat bench/out/hot_route.md
