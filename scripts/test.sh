#!/usr/bin/env bash
# The whole test suite, as CI runs it: bootstrap, format check, lint + type-check, unit and integration tests
# (real pcscd/vpcd, real SQLite files and PostgreSQL, real TLS, real PDFs), then the end-to-end
# tests in Debian Chromium. Prints one closing line: "N passed, N failed" — also when a check
# fails: a failed lint, type-check or build counts as one failed test there, and the run goes
# on so its tests still report, then exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/bootstrap.sh test; then
  echo "bootstrap failed: nothing was run"
  echo "Tests: 0 passed, 1 failed"
  exit 1
fi
# Every temporary file of the run under one directory, removed when the run ends: the harnesses make their
# own (spools, journals, databases, card rigs) and not all remove them; on the shared machine's /tmp they had
# piled up to 17,000 directories.
# Readable by all, as /tmp is: the test PostgreSQL server runs as its own user and keeps its data under it.
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/madoguchi-test.XXXXXX")
chmod 755 "$run_tmp"
export TMPDIR="$run_tmp"
trap 'rm -rf "$run_tmp"' EXIT
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0 ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
pnpm() { corepack pnpm "$@"; }

results="$PWD/.var/test-results"
rm -rf "$results" && mkdir -p "$results"
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
failed_checks=()
# check NAME COMMAND...: run a check; a failure is recorded (for the closing line), not fatal.
check() {
  local name=$1
  shift
  if ! "$@"; then
    failed_checks+=("$name")
    printf '!! %s failed\n' "$name"
  fi
}
typecheck() {
  pnpm -r --workspace-concurrency=2 typecheck && pnpm exec tsc -p scripts
}
build_kiosk() {
  pnpm --filter @madoguchi/kiosk exec vite build --logLevel error >/dev/null && pnpm --filter @madoguchi/kiosk build:electron >/dev/null
}
# The center serves apps/console/dist under /console; the end-to-end tests open it there.
build_console() {
  pnpm --filter @madoguchi/console exec vite build --logLevel error >/dev/null
}

# The checks and builds in three chains at once: each is mostly one core, and none reads what another
# writes (Prettier and ESLint skip dist/ and out/). One after another they took 120 s of a 1,717 s CI run
# (docs/benchmarks.md#test-suite-time). A chain's output is kept and printed whole, in this order, when
# all three have ended; a failed check is recorded by name (a chain is a subshell) and read back after.
chains=(lint typecheck build)
chain() {
  case $1 in
    lint)
      check format pnpm exec prettier --check --log-level warn .
      check lint pnpm exec eslint --max-warnings 0 .
      ;;
    typecheck) check typecheck typecheck ;;
    build)
      check build build_kiosk
      check build-console build_console
      ;;
  esac
  printf '%s\n' "${failed_checks[@]:-}" >"$results/$1.failed"
  printf -- '-- %s ended (%ss)\n' "$1" "$(( $(date +%s) - started ))"
}
step "format and lint (import boundaries included), type-check every package, build the kiosk renderer and the staff console"
declare -A pending=()
for name in "${chains[@]}"; do
  chain "$name" >"$results/$name.log" 2>&1 &
  pending[$name]=$!
done
for name in "${chains[@]}"; do
  wait "${pending[$name]}" || true
  cat "$results/$name.log"
  while read -r failed; do
    if [ -n "$failed" ]; then failed_checks+=("$failed"); fi
  done <"$results/$name.failed"
done

step "unit and integration tests (vitest)"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=$?

step "end-to-end tests (Playwright, Debian Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" pnpm exec playwright test -c test/playwright.config.ts \
  --reporter=list,json || status=$?

step "done"
checks=$(IFS=,; echo "${failed_checks[*]:-}")
node scripts/test-summary.mjs --failed-checks="$checks" "$results/vitest.json" "$results/playwright.json" || status=1
exit "$status"
