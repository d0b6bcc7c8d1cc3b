#!/usr/bin/env bash
# From a fresh Debian 12 machine: installs the dependencies, builds reelstat, ingests the bundled
# real sample (the first 2,996 records of movies_metadata.csv) into ./reelstat-data, shows queries,
# creates a dev API key and serves the API on http://127.0.0.1:8080 until Ctrl-C.
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
echo "try:  curl -H 'Authorization: Bearer $key' http://127.0.0.1:8080/v1/companies/3/years"
echo "      open http://127.0.0.1:8080/docs"
if [ "${REELSTAT_NO_SERVE:-0}" = "1" ]; then exit 0; fi
echo
exec ./build/reelstat serve --listen "${REELSTAT_LISTEN:-127.0.0.1:8080}"
