#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes each for a fixed time, starting
# from the committed corpus in fuzz/corpus/TARGET (never written to: new inputs go to a scratch
# folder). Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 20; FUZZ_TARGETS="a b" picks some).
# A crash, timeout or memory blow-up fails the run and leaves its input in build-fuzz/artifacts/:
# add it to fuzz/corpus/TARGET/ as a regression case once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREELSTAT_FUZZ=ON \
  -DREELSTAT_BENCHMARKS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_all
mkdir -p build-fuzz/artifacts
# The targets and their dictionaries, as CMakeLists.txt lists them (REELSTAT_FUZZ_TARGETS).
declare -A dict=()
all_targets=()
while read -r target dictionary; do
  all_targets+=("$target")
  [ "$dictionary" != "-" ] && dict[$target]=$dictionary
done <build-fuzz/fuzz/targets.txt
targets=${FUZZ_TARGETS:-"${all_targets[*]}"}
failed=()
for target in $targets; do
  scratch=$(mktemp -d)
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
    -artifact_prefix="build-fuzz/artifacts/$target-")
  [ -n "${dict[$target]:-}" ] && args+=(-dict="fuzz/dict/${dict[$target]}.dict")
  echo "== fuzz $target for ${seconds}s"
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "build-fuzz/fuzz/fuzz_$target" "${args[@]}" \
    "$scratch" "fuzz/corpus/$target" >"build-fuzz/fuzz-$target.log" 2>&1; then
    failed+=("$target")
    tail -40 "build-fuzz/fuzz-$target.log"
  else
    grep -E "stat::number_of_executed_units|cov:" "build-fuzz/fuzz-$target.log" | tail -2
  fi
  rm -rf "$scratch"
done
if ((${#failed[@]})); then
  echo "fuzzing found problems in: ${failed[*]} (inputs in build-fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzzing: no crash, timeout or memory blow-up in $targets"
