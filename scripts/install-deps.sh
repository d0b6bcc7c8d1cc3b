#!/usr/bin/env bash
# Installs everything reelstat needs to build, test and benchmark, from Debian 12's packages only.
# Run as root (or through sudo). Safe to run again: apt-get skips what is already there.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git clang-format
  libsqlite3-dev sqlite3 libarchive-dev zlib1g-dev libssl-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libboost-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
  clang libclang-rt-14-dev  # libFuzzer targets (scripts/fuzz.sh)
  prometheus                # promtool checks /metrics in the server tests
  util-linux                # prlimit, for the out-of-descriptors server test
  libpq-dev postgresql-15   # the shared store; its tests start their own PostgreSQL
)
# Node.js and npm lint the OpenAPI document (tests/openapi, from its lockfile); a machine that has
# them already keeps its own.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
