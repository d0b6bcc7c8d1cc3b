#!/usr/bin/env bash
# From a fresh Debian 12 machine: installs the dependencies, builds reelstat, ingests the bundled
# real sample (the first 2,996 records of movies_metadata.csv) into ./reelstat-data, and shows
# queries. Run it again and the ingest says the file is unchanged.
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
