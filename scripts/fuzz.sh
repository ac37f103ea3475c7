#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 and runs each for a bounded time, as many at once
# as there are cores (each fuzzer is single-threaded). A crash, leak or time-out fails the run.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
#        scripts/fuzz.sh --build-only            (build the targets, run none)
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=false
[ "${1:-}" = "--build-only" ] && { build_only=true; shift; }
seconds=${1:-30}
cmake --preset fuzz >/dev/null
# Only the fuzz targets (and what they link): the preset also configures the server's other
# libraries, which no fuzzer needs.
fuzz_targets=()
for source in tests/fuzz/fuzz_*.cpp; do
  fuzz_targets+=("$(basename "$source" .cpp)")
done
cmake --build --preset fuzz -j "$(nproc)" --target "${fuzz_targets[@]}"
$build_only && exit 0

# One target: its corpus in build/fuzz/corpus/<name>, seeded from tests/fuzz/seeds/<name>;
# its output in build/fuzz/<name>.log, the last lines printed when it ends.
run_target() {
  local fuzzer=$1 seconds=$2 name corpus seeds log status=0
  name=$(basename "$fuzzer")
  corpus="build/fuzz/corpus/$name"
  seeds="tests/fuzz/seeds/${name#fuzz_}"
  log="build/fuzz/$name.log"
  mkdir -p "$corpus"
  [ -d "$seeds" ] || seeds=""
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "$corpus" ${seeds:+"$seeds"} >"$log" 2>&1 || status=$?
  # one write, so that the reports of targets running side by side do not interleave
  printf -- '-- %s for %ss: %s\n%s\n' "$name" "$seconds" \
    "$([ $status -eq 0 ] && echo ok || echo "FAILED (exit $status)")" "$(tail -n 12 "$log")"
  return $status
}
export -f run_target

shopt -s nullglob
targets=()
for fuzzer in build/fuzz/tests/fuzz/fuzz_*; do
  [ -x "$fuzzer" ] && targets+=("$fuzzer")
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets were built" >&2; exit 1; }
# xargs exits non-zero when any target failed.
printf '%s\n' "${targets[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_target "$1" "$2"' _ {} "$seconds"
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s without a crash"
