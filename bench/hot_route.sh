#!/usr/bin/env bash
# The hot cached route against nginx serving the same body as a static file, in the configuration
# issue 24 sets: nginx with one worker, reelstat with its default settings (a thread per core, its
# whole auth and rate-limit path on, an API key on every request), `wrk -t1 -c64`, once with both
# logging every request to a file and once with neither logging. Rounds alternate the two servers
# (and which goes first) so that the machine's load moves both alike.
#
#   bash bench/hot_route.sh                  # 5 rounds of 5 s per server and log mode
#   ROUNDS=7 DURATION=10s bash bench/hot_route.sh
#   REELSTAT=/tmp/old/build/reelstat bash bench/hot_route.sh   # another build's server, same data
#   SERVER_THREADS=1 bash bench/hot_route.sh                    # reelstat with one thread, as nginx
#
# The client's CPU time is recorded too: wrk at ~100% of a core means the client, not the server,
# set the round's rate, and no server can be measured faster than that in this configuration.
# So is each server's CPU time per request (from /proc, nginx's master and worker together): what
# a request costs the server, which the machine's noise moves far less than requests/s.
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
require_tools wrk nginx curl /usr/bin/time
bash scripts/build.sh build >/dev/null
server_bin=${REELSTAT:-./build/reelstat}

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
key=$("$server_bin" keys create --name bench --rate 1000000 --burst 1000000000 --data-dir "$data" 2>/dev/null)
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
  if [ -n "${SERVER_THREADS:-}" ]; then echo "threads = $SERVER_THREADS" >> "$work/serve.toml"; fi
  nginx -p "$work/nginx" -c "$work/nginx.conf" & pids+=($!)
  "$server_bin" serve --data-dir "$data" --listen 127.0.0.1:$RS_PORT --config "$work/serve.toml" \
    2>"$work/serve.err" & pids+=($!)
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$RS_PORT/readyz" && curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$route" && break
    sleep 0.05
  done
  # The same bytes from both, or the comparison means nothing.
  curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$RS_PORT$route" | cmp - "$work/static$route/index.json"
  curl -sf "http://127.0.0.1:$NGINX_PORT$route" | cmp - "$work/static$route/index.json"
}

server_ticks() {  # pid: CPU ticks (user + system) of the process and its children's threads
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

run_wrk() {  # log server url server_pid [auth header]
  local out before after
  before=$(server_ticks "$4")
  out=$(/usr/bin/time -f "client cpu %U %S %e" wrk -t1 -c64 -d"$DURATION" --latency ${5:+-H "$5"} "$3" 2>&1)
  after=$(server_ticks "$4")
  python3 - "$1" "$2" "$body_bytes" "$out" "$((after - before))" "$(getconf CLK_TCK)" >> "$work/results" <<'PY'
import re, sys
log, server, body, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
server_seconds = int(sys.argv[5]) / int(sys.argv[6])
user, system, wall = map(float, re.search(r"client cpu ([\d.]+) ([\d.]+) ([\d.]+)", out).groups())
client_cpu = 100 * (user + system) / wall
units = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
m = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read", out)
requests, read = int(m.group(1)), float(m.group(2)) * units[m.group(3)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", out, re.M)
p99_ms = float(p99.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
bad = "Non-2xx" in out or "Socket errors" in out or read < 0.99 * requests * body
server_us = 1e6 * server_seconds / requests
print(f"{log}|{server}|{rps}|{p99_ms}|{client_cpu:.0f}|{server_us:.2f}|{'failed' if bad else 'ok'}")
PY
}

for log in off on; do
  start_servers "$log"
  for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="nginx reelstat"; else order="reelstat nginx"; fi
    for server in $order; do
      if [ "$server" = nginx ]; then
        run_wrk "$log" nginx "http://127.0.0.1:$NGINX_PORT$route" "${pids[0]}"
      else
        run_wrk "$log" reelstat "http://127.0.0.1:$RS_PORT$route" "${pids[1]}" "Authorization: Bearer $key"
      fi
    done
  done
  stop_servers
  rm -f "$work"/nginx/logs/access.log "$work"/reelstat-access.log
done

mkdir -p bench/out
python3 - "$work/results" "$ROUNDS" "$DURATION" "$body_bytes" "${SERVER_THREADS:-}" > bench/out/hot_route.md <<'PY'
import statistics, sys
rows = {}
failed = 0
for line in open(sys.argv[1]):
    log, server, rps, p99, client_cpu, server_us, state = line.strip().split("|")
    if state != "ok":
        failed += 1
        continue
    rows.setdefault((log, server), []).append((float(rps), float(p99), float(client_cpu), float(server_us)))
threads = f"{sys.argv[5]} thread(s)" if sys.argv[5] else "default threads"
print(f"{sys.argv[2]} rounds of {sys.argv[3]} per server and log mode, wrk -t1 -c64, nginx 1 worker, "
      f"reelstat {threads}; body {sys.argv[4]} bytes; failed rounds: {failed}\n")
print("| logging | server | requests/s (min-max) | p99 ms (median) | wrk CPU, % of a core (median) "
      "| server CPU µs per request (median) | reelstat / nginx |")
print("|---|---|---:|---:|---:|---:|---:|")
for log in ("on", "off"):
    med = {}
    for server in ("nginx", "reelstat"):
        runs = rows.get((log, server), [])
        if not runs:
            continue
        med[server] = statistics.median(r for r, *_ in runs)
        ratio = f"{med[server] / med['nginx']:.2f}" if server == "reelstat" and "nginx" in med else ""
        print(f"| {log} | {server} | {med[server]:,.0f} ({min(r for r, *_ in runs):,.0f}-"
              f"{max(r for r, *_ in runs):,.0f}) | {statistics.median(run[1] for run in runs):.2f} | "
              f"{statistics.median(run[2] for run in runs):.0f} | "
              f"{statistics.median(run[3] for run in runs):.2f} | {ratio} |")
PY
cat bench/out/hot_route.md
