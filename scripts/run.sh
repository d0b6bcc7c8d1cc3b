#!/usr/bin/env bash
# From a fresh Debian 12 machine: installs the dependencies, builds reelstat, ingests the bundled
# real sample (the first 2,996 records of movies_metadata.csv) into ./reelstat-data, shows queries,
# creates a dev API key and serves the API and the dashboard on http://127.0.0.1:8080 until Ctrl-C.
# Run it again and the ingest says the file is unchanged. REELSTAT_NO_SERVE=1 stops before serving.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
export REELSTAT_DATA_DIR=${REELSTAT_DATA_DIR:-$PWD/reelstat-data}
./build/reelstat ingest tests/data/movies_metadata.sample.csv
echo
echo "\$ reelstat runs"
./build/reelstat runs
echo
echo "\$ reelstat query /v1/dataset"
./build/reelstat query /v1/dataset
echo
echo "\$ reelstat query '/v1/companies/3/years'      # Pixar, year by year"
./build/reelstat query '/v1/companies/3/years'
echo
echo "\$ reelstat query '/v1/genres/most-popular?from=1990&to=1995'"
./build/reelstat query '/v1/genres/most-popular?from=1990&to=1995'

# A fresh dev key each run: only its hash is stored, so an old one cannot be shown again.
./build/reelstat keys revoke dev >/dev/null 2>&1 || true
key=$(./build/reelstat keys create --name dev 2>/dev/null)
echo
echo "dev API key: $key"
listen=${REELSTAT_LISTEN:-127.0.0.1:8080}
echo "try:  curl -H 'Authorization: Bearer $key' http://$listen/v1/companies/3/years"
echo "      curl -H 'Authorization: Bearer $key' 'http://$listen/v1/companies/3/years?format=csv'"
echo "      open http://$listen/docs (the API)"
if [ "${REELSTAT_NO_SERVE:-0}" = "1" ]; then
  echo
  echo "dashboard (after: ./build/reelstat serve --listen $listen): http://$listen/  (paste the dev key when asked)"
  exit 0
fi
echo
# The server logs to stderr; the last line printed here is the dashboard's address.
./build/reelstat serve --listen "$listen" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
until curl -sf "http://$listen/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server"
    exit $?  # it said why (a port in use, say) on stderr
  fi
  sleep 0.1
done
echo
echo "dashboard: http://$listen/  (paste the dev key when asked; Ctrl-C stops the server)"
wait $server
