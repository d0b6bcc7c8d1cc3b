#!/usr/bin/env bash
# Starts nginx in front of reelstat servers on loopback, configured by deploy/nginx/reelstat.conf
# itself, the way a site would: DIR gets reelstat-servers.conf (one line per upstream, with the
# passive-health parameters of the example beside the deploy file), reelstat-listen.conf (the
# example's, on PORT) and a process-level nginx.conf (PID in DIR/nginx.pid, errors in
# DIR/error.log). Used by scripts/cluster.sh and bench/scaleout.sh; tests/nginx_balancer.hpp does
# the same in C++.
#
#   scripts/nginx_front.sh DIR PORT UPSTREAM_PORT...
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(realpath -m "$1")
port=$2
shift 2
mkdir -p "$dir"
params=$(sed -n 's/^server 127\.0\.0\.1:[0-9]*\(.*\)$/\1/p' deploy/nginx/reelstat-servers.conf | head -n1)
: >"$dir/reelstat-servers.conf"
for p in "$@"; do echo "server 127.0.0.1:$p$params" >>"$dir/reelstat-servers.conf"; done
sed "s/127\.0\.0\.1:[0-9]*/127.0.0.1:$port/" deploy/nginx/reelstat-listen.conf >"$dir/reelstat-listen.conf"
cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  include $PWD/deploy/nginx/reelstat.conf;
}
CONF
nginx -p "$dir" -c "$dir/nginx.conf"
