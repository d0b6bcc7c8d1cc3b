#!/usr/bin/env bash
# The whole several-server deployment on one machine, on loopback only, to try it:
#   PostgreSQL primary + streaming hot standby, three `reelstat serve --store`, nginx in front
#   (configured by deploy/nginx/reelstat.conf itself).
#
#   scripts/cluster.sh start   builds if needed, starts everything, ingests the sample, makes a key
#   scripts/cluster.sh status  what runs, and what each server serves
#   scripts/cluster.sh stop    stops everything by PID (the directory is kept; start reuses it)
#
# CLUSTER_DIR (default ./reelstat-cluster) holds the databases, the servers' data dirs, logs and
# PIDs. CLUSTER_PORT (default 8080) is nginx's port; the servers take the next three, PostgreSQL
# the primary CLUSTER_PORT+100 and the standby CLUSTER_PORT+101 (their logs: CLUSTER_DIR/pg/*.log). Run as root (PostgreSQL then runs
# as the postgres user) or as an ordinary user.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=$(realpath -m "${CLUSTER_DIR:-reelstat-cluster}")
port=${CLUSTER_PORT:-8080}
pg_primary=$((port + 100))
pg_standby=$((port + 101))
server_ports=($((port + 1)) $((port + 2)) $((port + 3)))
pgbin=/usr/lib/postgresql/15/bin
reelstat=$root/build/reelstat
writer_url="postgresql://postgres@127.0.0.1:$pg_primary,127.0.0.1:$pg_standby/reelstat?target_session_attrs=read-write"
# Servers use the primary while it is up (notices, heartbeats for the fleet-wide rate limit, key
# use reports) and fail over to the standby, which they poll, when it is not.
server_url="postgresql://postgres@127.0.0.1:$pg_primary,127.0.0.1:$pg_standby/reelstat?target_session_attrs=any"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {  # NAME PORT
  as_postgres "$pgbin/pg_ctl" -D "$dir/pg/$1" -l "$dir/pg/$1.log" -w -s \
    -o "-p $2 -k $dir/pg -c listen_addresses=127.0.0.1" start
}

stop_pid() {  # PIDFILE SIGNAL: signals the PID in the file's first line and waits up to 10 s
  [ -f "$1" ] || return 0
  local pid
  pid=$(head -n1 "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$2" "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # PostgreSQL removes its postmaster.pid itself.
  case "$1" in *postmaster.pid) ;; *) rm -f "$1" ;; esac
}

start() {
  [ -x "$reelstat" ] || bash scripts/build.sh build
  mkdir -p "$dir/logs" "$dir/pids" "$dir/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pg"
  if [ ! -d "$dir/pg/primary" ]; then
    as_postgres "$pgbin/initdb" -D "$dir/pg/primary" -U postgres -A trust -E UTF8 --locale=C >/dev/null
  fi
  pg_start primary "$pg_primary"
  if [ ! -d "$dir/pg/standby" ]; then
    as_postgres "$pgbin/psql" -X -q -h 127.0.0.1 -p "$pg_primary" -U postgres -c "CREATE DATABASE reelstat" \
      2>/dev/null || true
    as_postgres "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$pg_primary" -U postgres -D "$dir/pg/standby" -R -X stream
  fi
  pg_start standby "$pg_standby"
  echo "PostgreSQL: primary 127.0.0.1:$pg_primary, streaming standby 127.0.0.1:$pg_standby"

  export REELSTAT_DATA_DIR=$dir/writer
  "$reelstat" store init --store "$writer_url"
  "$reelstat" ingest tests/data/movies_metadata.sample.csv --store "$writer_url" || true
  "$reelstat" keys revoke cluster --store "$writer_url" >/dev/null 2>&1 || true
  key=$("$reelstat" keys create --name cluster --store "$writer_url" 2>/dev/null)

  # nginx, on loopback, is the one proxy whose X-Forwarded-For the servers believe.
  printf 'access_log = "%s"\ntrusted_proxies = ["127.0.0.1"]\n' "$dir/logs/access.log" >"$dir/serve.toml"
  for i in 0 1 2; do
    "$reelstat" serve --store "$server_url" --data-dir "$dir/server-$((i + 1))" --config "$dir/serve.toml" \
      --listen "127.0.0.1:${server_ports[$i]}" >"$dir/logs/server-$((i + 1)).out" 2>"$dir/logs/server-$((i + 1)).log" &
    echo $! >"$dir/pids/server-$((i + 1)).pid"
  done

  bash scripts/nginx_front.sh "$dir/nginx" "$port" "${server_ports[@]}"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

  cat <<INFO

The cluster is up (loopback only), state in $dir:
  nginx         http://127.0.0.1:$port  ->  servers ${server_ports[*]}
  API key       $key
  try           curl -H 'Authorization: Bearer $key' http://127.0.0.1:$port/v1/companies/3/years
  publish       $reelstat ingest FILE --store '$writer_url'
  each server   curl http://127.0.0.1:${server_ports[0]}/readyz
  status, stop  scripts/cluster.sh status; scripts/cluster.sh stop
INFO
}

status() {
  for i in 1 2 3; do
    printf 'server %s (127.0.0.1:%s): ' "$i" "${server_ports[$((i - 1))]}"
    curl -s "http://127.0.0.1:${server_ports[$((i - 1))]}/readyz" || echo "down"
  done
  printf 'nginx (127.0.0.1:%s): ' "$port"
  curl -s "http://127.0.0.1:$port/readyz" || echo "down"
  for node in primary standby; do
    if [ -f "$dir/pg/$node/postmaster.pid" ]; then echo "postgres $node: pid $(head -n1 "$dir/pg/$node/postmaster.pid")"
    else echo "postgres $node: down"; fi
  done
}

stop() {
  stop_pid "$dir/nginx/nginx.pid" TERM
  for i in 1 2 3; do stop_pid "$dir/pids/server-$i.pid" TERM; done
  # postmaster.pid is removed by PostgreSQL itself once it has stopped.
  for node in standby primary; do
    [ -f "$dir/pg/$node/postmaster.pid" ] && stop_pid "$dir/pg/$node/postmaster.pid" INT
  done
  echo "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh start|status|stop" >&2; exit 2 ;;
esac
