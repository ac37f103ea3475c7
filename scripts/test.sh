#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite:
#   1. the asan-ubsan preset (debug, warnings as errors, AddressSanitizer + UBSan): every unit,
#      golden, CLI, Python, panel, consumer and SIP end-to-end test, once, with the sanitizers
#      watching;
#   2. the dev preset (the same code without sanitizers, warnings as errors): the library, the
#      tool and the Python module, and the tests that need a tree without sanitizers: the
#      Debian package, the consumers that build their own copy of the library, and mypy
#      --strict over the Python package (the sanitized tree runs the typing tests' runtime
#      checks only);
#   3. the fuzz preset (clang-14 + libFuzzer): a short, bounded run of every fuzz target.
# Usage: scripts/test.sh [--quick]   (--quick: the dev preset's build and all its tests, no
# sanitizers: what a developer runs between commits)
# Each test runs once in the full run: running the suite again without sanitizers would prove
# nothing the sanitized run does not, and cost a quarter of the CI time (docs/performance.md,
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
ctest --preset asan-ubsan -j "$jobs"

echo "== dev build (no sanitizers) and the tests that need it"
cmake --preset dev
cmake --build --preset dev -j "$jobs" --target callplan callplan_cli _core callplan_python_package
ctest --preset dev -j "$jobs" -R '^(package\.deb|consumer\.(add_subdirectory|shared)|python\.typing)$'

echo "== fuzzing (bounded)"
./scripts/fuzz.sh 30
