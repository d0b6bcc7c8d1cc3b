#!/usr/bin/env bash
# Runs every test: installs the Debian packages the project needs (skip with REELSTAT_SKIP_DEPS=1),
# checks formatting, builds, runs the whole suite (fuzz corpora replayed, reference figures, promtool),
# drives the dashboard in chromium, lints the OpenAPI document, runs the suite again under
# AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer, then fuzzes each parser for a fixed
# time with libFuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${REELSTAT_SKIP_DEPS:-0}" != "1" ]; then
  bash scripts/install-deps.sh
fi

echo "== clang-format check"
git ls-files -- 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'fuzz/*.cpp' |
  xargs clang-format --dry-run --Werror

echo "== build (release) and test"
bash scripts/build.sh build
echo "== layout: libpq only in the PostgreSQL backend, no circle of files, no include of a layer not named, the layer graphs (README, docs/architecture.md), functions of at most 60 lines"
python3 scripts/check_layout.py build
(cd build && ctest --output-on-failure -j"$(nproc)")

echo "== the Debian package: lintian, dpkg -i, systemd-analyze verify, the installed binary as the reelstat user, dpkg --purge"
bash scripts/package.sh build

echo "== the dashboard in a real browser (Debian's chromium; playwright-core pinned in tests/browser)"
# Screenshots of every view are kept in build/artifacts/dashboard/.
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error &&
  REELSTAT_BIN="$PWD/../../build/reelstat" node --test --test-concurrency=1 dashboard.test.mjs analyst.test.mjs)

echo "== OpenAPI document: Redocly's validator (pinned in tests/openapi/package-lock.json)"
(cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error &&
  REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint ../../docs/openapi.json)

echo "== build (address + undefined behaviour sanitizers) and test"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DREELSTAT_SANITIZE=ON -DREELSTAT_BENCHMARKS=OFF
# Left to the release run: the 10x scale test (minutes under the sanitizers), and the server test
# that runs the server out of descriptors, where UBSan's own vptr check, which needs a pipe to probe
# memory, reports false errors.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure \
  -j"$(nproc)" -E "SynthScale|OutOfDescriptors")

echo "== fuzz every parser for a fixed time (FUZZ_SECONDS per target, default 20)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
