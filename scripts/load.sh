#!/usr/bin/env bash
# A load run (issue 14 item 1; docs/load.md): bootstrap as the test suite does (poppler's pdftotext
# for the document check, PostgreSQL for --database postgres), then test/load/run.ts with the
# arguments given, e.g. scripts/load.sh --kiosks 200 --issuances 20000 --residents 50000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0 ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec corepack pnpm exec tsx test/load/run.ts "$@"
