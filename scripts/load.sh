#!/usr/bin/env bash
# A load run (issue 14 item 1; docs/load.md): bootstrap as the test suite does (poppler's pdftotext
# for the document check, PostgreSQL for --database postgres), then test/load/run.ts with the
# arguments given, e.g. scripts/load.sh --kiosks 200 --issuances 20000 --residents 50000 --max-minutes 90.
#
# Ctrl-C cuts the run short and still prints its verdicts (docs/load.md#cut-short): the run goes in a
# process group of its own, so the terminal's SIGINT reaches only this script, which passes it to
# run.ts alone; its kiosk and center processes keep serving the journeys in flight. A second Ctrl-C
# stops at once, with no report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0 ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
pid_file=$(mktemp)
trap 'rm -f "$pid_file"' EXIT
MADOGUCHI_LOAD_PID_FILE="$pid_file" setsid corepack pnpm exec tsx test/load/run.ts "$@" &
run=$!
pass_on() {
  if [ -s "$pid_file" ]; then kill -INT "$(cat "$pid_file")" 2>/dev/null || true; else kill -TERM "$run" 2>/dev/null || true; fi
}
trap pass_on INT TERM
status=0
while :; do
  # wait returns early (status > 128) when a trapped signal arrives; the run goes on until it exits.
  if wait "$run"; then status=0; else status=$?; fi
  kill -0 "$run" 2>/dev/null || break
done
exit "$status"
