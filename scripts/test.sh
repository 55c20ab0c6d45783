#!/usr/bin/env bash
# The whole test suite, as CI runs it: bootstrap, lint + type-check, unit and integration tests
# (real pcscd/vpcd, real SQLite files and PostgreSQL, real TLS, real PDFs), then the end-to-end
# tests in Debian Chromium. Prints one closing line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0 ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
pnpm() { corepack pnpm "$@"; }

results="$PWD/.var/test-results"
rm -rf "$results" && mkdir -p "$results"
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "lint (import boundaries included)"
pnpm exec eslint --max-warnings 0 .

step "type-check every package"
pnpm -r --workspace-concurrency=2 typecheck
pnpm exec tsc -p scripts

step "build the kiosk renderer"
pnpm --filter @madoguchi/kiosk exec vite build --logLevel error >/dev/null
pnpm --filter @madoguchi/kiosk build:electron >/dev/null

step "unit and integration tests (vitest)"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=$?

step "end-to-end tests (Playwright, Debian Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" pnpm exec playwright test -c test/playwright.config.ts --reporter=list,json || status=$?

step "done"
node scripts/test-summary.mjs "$results/vitest.json" "$results/playwright.json"
exit "$status"
