#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite:
#   1. the dev preset (debug, warnings as errors): every unit, golden, CLI, Python and consumer test;
#   2. the asan-ubsan preset: the same suite under AddressSanitizer and UBSan;
#   3. the fuzz preset (clang-14 + libFuzzer): a short, bounded run of every fuzz target.
# Usage: scripts/test.sh [--quick]   (--quick: step 1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/install-deps.sh

echo "== dev build and tests"
cmake --preset dev
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"

[ "${1:-}" = "--quick" ] && exit 0

echo "== asan-ubsan build and tests"
cmake --preset asan-ubsan
cmake --build --preset asan-ubsan -j "$jobs"
ctest --preset asan-ubsan -j "$jobs"

echo "== fuzzing (bounded)"
./scripts/fuzz.sh 30
