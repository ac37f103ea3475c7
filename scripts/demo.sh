#!/usr/bin/env bash
# The main job on the example tenant, from a fresh Debian bookworm machine (as root):
# installs the dependencies, builds the release preset (just the `callplan` tool), and checks
# examples/acme (SPEC section 4), then routes a few calls through it with `callplan simulate`.
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

echo "== build (release preset, the callplan tool only)"
cmake --preset release >/dev/null
cmake --build --preset release --target callplan_cli -j "$(nproc)"
callplan=build/release/tools/callplan/callplan

echo
echo "== callplan check examples/acme/acme.yaml"
"$callplan" check examples/acme/acme.yaml
echo "(exit code 0: no errors)"

tenant=examples/acme/acme.yaml
echo
echo "== a call to the main line on a Monday at 10:00: reception busy, sales hunt, Carla answers"
"$callplan" simulate "$tenant" --from +31201234567 --to +31881234567 \
  --at 2026-11-30T10:00 --presence 001=busy --answer 003@7
echo
echo "== the same call on Christmas Day: the closed message, then the company mailbox"
"$callplan" simulate "$tenant" --from +31201234567 --to +31881234567 --at 2026-12-25T10:00
echo
echo "== the sales and support line: the caller presses 2, nobody in support answers"
"$callplan" simulate "$tenant" --from +31201234567 --to +31881234568 \
  --at 2026-11-30T10:00 --digits 2
echo
echo "== the plan tests of the example (examples/acme/tests.yaml)"
"$callplan" test examples/acme/tests.yaml

echo
echo "== a real call over loopback: callplan serve takes it to voicemail and mails it"
./scripts/demo_voicemail.sh "$callplan"
