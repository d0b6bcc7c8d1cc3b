#!/usr/bin/env bash
# Installs everything reelstat needs to build, test and benchmark, from Debian 12's packages only.
# Run as root (or through sudo). Safe to run again: apt-get skips what is already there.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git clang-format
  clang-tidy                # scripts/check_layout.py: the size of every function
  libsqlite3-dev sqlite3 libarchive-dev zlib1g-dev libssl-dev
  libcurl4-openssl-dev      # reelstat ingest https://…
  libutf8proc-dev           # name search: Unicode case and accent folding
  libicu-dev                # bench only: ICU folding measured against utf8proc
  libcli11-dev libfmt-dev nlohmann-json3-dev libboost-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 curl openssl      # openssl: tests/nginx_tls_test.cpp makes its certificate
  clang libclang-rt-14-dev  # libFuzzer targets (scripts/fuzz.sh)
  prometheus                # promtool checks /metrics in the server tests, and the alerting rules
  python3-yaml              # tests/alert_rules_check.py reads the rules and their cases
  prometheus-node-exporter  # tests/prometheus_test.cpp: the textfile collector reads the ingest's metrics
  python3-jwt python3-cryptography  # tests/reference/jwt_tokens.py mints the tokens jwt_test verifies
  help2man man-db           # the man page, from reelstat --help (deploy/CMakeLists.txt)
  lintian systemd adduser   # scripts/package.sh: lintian, systemd-analyze verify, the postinst's user
  util-linux                # prlimit, for the out-of-descriptors server test
  libpq-dev postgresql-15   # the shared store; its tests start their own PostgreSQL
  nginx-core                # the balancer in the fleet tests and scripts/cluster.sh (deploy/nginx/)
  chromium                  # the dashboard's browser tests (tests/browser) and bench/dashboard.mjs
)
# Node.js and npm: the dashboard's charting library (web/, compiled into the binary), the browser
# tests' driver and the OpenAPI linter, each from its lockfile; a machine that has them keeps its own.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# --bench: what bench/*.sh measure with besides (they check for it and never install it themselves).
if [ "${1:-}" = "--bench" ]; then packages+=(wrk time python3-pandas); fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# Keep Debian's maintainer scripts from starting system-wide services (nginx on port 80, a
# PostgreSQL cluster): the tests and scripts start their own, on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"

# The one asset the build embeds from npm (uPlot, pinned in web/package-lock.json). Nothing is
# fetched at build or run time.
(cd "$(dirname "$0")/../web" && npm ci --no-audit --no-fund --loglevel=error)
