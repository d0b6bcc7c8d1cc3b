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
)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
