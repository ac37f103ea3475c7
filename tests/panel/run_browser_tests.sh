#!/usr/bin/env bash
# ctest's panel_browser test: the Playwright suite of panel/web/tests against the built
# `callplan` ($1), in Debian's chromium. A missing Node.js, chromium, npm install or built web
# app skips the test on a developer's machine (exit 77) and fails it in CI (CI=true), where a
# skip would hide a missing install step.
set -uo pipefail
bin="$1"
web="$(cd "$(dirname "$0")/../../panel/web" && pwd)"
missing() {
  echo "panel_browser: $1" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 77
}
command -v node > /dev/null || missing "node is not installed"
[ -x /usr/bin/chromium ] || missing "Debian's chromium is not installed (scripts/install-deps.sh)"
[ -f "$web/node_modules/@playwright/test/package.json" ] || missing "run scripts/build-panel.sh (npm ci)"
[ -f "$web/dist/index.html" ] || missing "run scripts/build-panel.sh (the web app is not built)"
# Playwright drives the Chromium it was released with; say so when Debian's has moved on.
want=$(node -e "console.log(require('$web/node_modules/playwright-core/browsers.json').browsers[0].browserVersion.split('.')[0])")
have=$(/usr/bin/chromium --version | grep -o '[0-9]\+\.' | head -1 | tr -d .)
[ "$want" = "$have" ] || echo "panel_browser: note: Playwright expects Chromium $want, Debian has $have" >&2
cd "$web"
export CALLPLAN_BIN="$bin" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec node_modules/.bin/playwright test
