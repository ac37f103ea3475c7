#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite:
#   1. the asan-ubsan preset (debug, warnings as errors, AddressSanitizer + UBSan): every unit,
#      golden, CLI, Python (mypy --strict included), panel, consumer, package and SIP
#      end-to-end test, once, with the sanitizers watching;
#   2. the fuzz preset (clang-14 + libFuzzer): a short, bounded run of every fuzz target.
# Usage: scripts/test.sh [--quick]   (--quick: the dev preset's build and all its tests, no
# sanitizers: what a developer runs between commits)
# Each test runs once in the full run: running the suite again without sanitizers would prove
# nothing the sanitized run does not, and cost a third of the CI time (docs/performance.md,
# "CI time").
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/install-deps.sh
./scripts/build-panel.sh  # the panel's web app (npm ci + vite build), for its browser tests

if [ "${1:-}" = "--quick" ]; then
  echo "== dev build and tests"
  cmake --preset dev
  cmake --build --preset dev -j "$jobs"
  ctest --preset dev -j "$jobs"
  exit 0
fi

echo "== asan-ubsan build and tests"
cmake --preset asan-ubsan
cmake --build --preset asan-ubsan -j "$jobs"
# The fuzz targets build at the lowest priority while the suite runs: the end-to-end entries
# spend most of their time waiting on ringing and timers, and the build takes only the cycles
# they leave (docs/performance.md, "CI time").
nice -n 19 ./scripts/fuzz.sh --build-only > build/fuzz-build.log 2>&1 &
fuzz_build=$!
# One test more than cores: half of the suite's wall time is waiting (the end-to-end entries on
# ringing and timers; the suite used 52 % of two cores at -j2), the tests that time ringing run
# alone (RUN_SERIAL), and every other timing tolerance is a second or more.
suite=0
ctest --preset asan-ubsan -j "$((jobs + 1))" || suite=$?
fuzz_built=0
wait "$fuzz_build" || fuzz_built=$?
[ "$suite" -eq 0 ] || exit "$suite"
[ "$fuzz_built" -eq 0 ] || { cat build/fuzz-build.log; exit "$fuzz_built"; }

echo "== fuzzing (bounded)"
./scripts/fuzz.sh 30
