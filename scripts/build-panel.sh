#!/usr/bin/env bash
# Builds the panel's web app (panel/web, Svelte + Vite) into panel/web/dist, which
# `callplan panel` serves (docs/panel.md). The C++ build never needs this; the README's build
# and test commands run it. `npm ci` installs exactly package-lock.json's versions; it runs only
# when node_modules is missing or older than the lock. Playwright never downloads a browser:
# the browser tests use Debian's chromium (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../panel/web"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! command -v npm > /dev/null; then
  echo "build-panel: npm (Node.js >= 20.19) is needed to build the panel's web app" >&2
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
echo "build-panel: panel/web/dist built"
