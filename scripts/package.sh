#!/usr/bin/env bash
# Builds the Debian package from a configured build dir (default build/) and checks it the way an
# operator would meet it: lintian finds no error and no warning (none is overridden); the package installs with dpkg; systemd-analyze verifies its units; the installed
# binary, run as the reelstat user with the installed settings, ingests the sample, serves it and
# answers a query with a key; `dpkg --purge` then leaves no file, no data dir and no config behind
# (the reelstat user stays, as Debian policy advises).
#   bash scripts/package.sh [BUILD_DIR]     (as root: it installs and purges the package)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ "$(id -u)" != 0 ]; then
  echo "scripts/package.sh installs the package: run it as root (CI does)" >&2
  exit 1
fi

echo "== package: cpack"
rm -f "$build"/reelstat_*.deb
cmake --build "$build" --target package -j"$(nproc)" >/dev/null
deb=$(ls "$build"/reelstat_*.deb)
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

echo "== package: lintian"
lintian --fail-on error,warning --tag-display-limit 0 "$deb"

echo "== package: dpkg -i, systemd-analyze verify"
if dpkg -s reelstat >/dev/null 2>&1; then dpkg --purge reelstat >/dev/null; fi
dpkg -i "$deb"
trap 'dpkg --purge reelstat >/dev/null 2>&1 || true' EXIT
systemd-analyze verify /lib/systemd/system/reelstat-serve.service /lib/systemd/system/reelstat-ingest.service \
  /lib/systemd/system/reelstat-ingest.timer
test "$(stat -c %U /var/lib/reelstat)" = reelstat
/usr/bin/reelstat --version
page=$(MANWIDTH=100 man -l /usr/share/man/man1/reelstat.1.gz 2>/dev/null | col -b)
for command in ingest runs publish store query serve keys synth; do
  grep -qE "^ +$command\b" <<<"$page" || { echo "the man page does not list reelstat $command"; exit 1; }
done

echo "== package: the installed binary as the reelstat user"
as_reelstat() { runuser -u reelstat -- "$@"; }
cp tests/data/movies_metadata.sample.csv /var/lib/reelstat/sample.csv
chown reelstat:reelstat /var/lib/reelstat/sample.csv
as_reelstat /usr/bin/reelstat ingest /var/lib/reelstat/sample.csv --data-dir /var/lib/reelstat
key=$(as_reelstat /usr/bin/reelstat keys create --name package-test --data-dir /var/lib/reelstat 2>/dev/null)
log=$(mktemp)
# The installed settings, on a free port of loopback.
runuser -u reelstat -- /usr/bin/reelstat serve --config /etc/reelstat/serve.toml --listen 127.0.0.1:0 2>"$log" &
server=$!
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; kill "$server"; exit 1; }
answer=$(curl -sS --max-time 10 -H "Authorization: Bearer $key" "$url/v1/companies/3/years")
kill -TERM "$server"
wait "$server" || true
rm -f "$log"
echo "$answer" | python3 -c '
import json, sys
body = json.load(sys.stdin)
assert body["company"]["name"] == "Pixar Animation Studios", body
print("served Pixar:", [y["year"] for y in body["years"]])'

echo "== package: dpkg --purge leaves nothing behind"
listed=$(dpkg -L reelstat | grep -v '^/\.$')
dpkg --purge reelstat
trap - EXIT
left=""
for f in $listed /etc/reelstat /var/lib/reelstat; do
  case "$f" in /lib|/lib/systemd|/lib/systemd/system|/etc|/usr|/usr/*/|/usr/bin|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/man1|/usr/share/lintian|/usr/share/lintian/overrides) continue ;; esac
  if [ -e "$f" ]; then left="$left $f"; fi
done
[ -z "$left" ] || { echo "left behind after purge:$left"; exit 1; }
getent passwd reelstat >/dev/null || { echo "the reelstat user should stay"; exit 1; }
echo "package: ok"
