#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite:
#   1. the dev preset (debug, warnings as errors): every unit, golden, CLI, Python, consumer
#      and SIP end-to-end test;
#   2. the asan-ubsan preset: the same suite under AddressSanitizer and UBSan;
#   3. the fuzz preset (clang-14 + libFuzzer): a short, bounded run of every fuzz target.
# Usage: scripts/test.sh [--quick]   (--quick: step 1 only)
# In the full run the SIP end-to-end tests (label sip-e2e: over two minutes, alone on the
# machine for their timing) run once, in step 2, against the instrumented server: the same
# tests, with ASan watching the server.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/install-deps.sh
./scripts/build-panel.sh  # the panel's web app (npm ci + vite build), for its browser tests

echo "== dev build and tests"
cmake --preset dev
cmake --build --preset dev -j "$jobs"
if [ "${1:-}" = "--quick" ]; then
  ctest --preset dev -j "$jobs"
  exit 0
fi
ctest --preset dev -j "$jobs" --label-exclude sip-e2e

echo "== asan-ubsan build and tests"
cmake --preset asan-ubsan
cmake --build --preset asan-ubsan -j "$jobs"
ctest --preset asan-ubsan -j "$jobs"

echo "== fuzzing (bounded)"
./scripts/fuzz.sh 30
