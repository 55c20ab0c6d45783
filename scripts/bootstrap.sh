#!/usr/bin/env bash
# Installs what Madoguchi needs on a Debian 12 machine with Node 20, idempotently:
#   Debian packages (as root; otherwise prints the exact apt-get line and stops),
#   pnpm through corepack (pinned by package.json's packageManager), and the workspace's
#   dependencies from the lockfile. A second run with nothing to do takes a second or two.
# Usage: scripts/bootstrap.sh start|test
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${1:-test}"
# better-sqlite3 and pcsclite are native addons: when no prebuilt binary fits they compile at
# install time (node-gyp: g++, make, python3), and pcsclite needs its headers, so even to start.
# Chromium is the kiosk window when Electron's binary is missing (it cannot be downloaded here).
apt_start=(libpcsclite-dev g++ make python3 fonts-ipamj-mincho fonts-noto-cjk openssl chromium)
# The test suite runs real parts: pcscd + vsmartcard-vpcd + OpenSC, PostgreSQL, Chromium, poppler,
# and CUPS with a cups-pdf queue (cups-client: lpadmin, cupsdisable, cancel for the tests' operator).
apt_test=("${apt_start[@]}" pcscd vsmartcard-vpcd pcsc-tools opensc postgresql poppler-utils zbar-tools iproute2 util-linux
  cups printer-driver-cups-pdf cups-client)
if [ "$purpose" = "test" ]; then packages=("${apt_test[@]}"); else packages=("${apt_start[@]}"); fi

say() { printf 'madoguchi: %s\n' "$*" >&2; }

# --- Node ---
node_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; then
  say "Node.js >= 20.19 is required (found ${node_version})."
  exit 1
fi

# --- Debian packages ---
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages. Run this, then run the command again:"
    echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

# --- pnpm via corepack ---
# The registry copy reachable here serves pnpm without the signatures corepack 0.34 checks;
# the version is still pinned by packageManager and its integrity by the registry's hash.
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0
# Electron's binary and Playwright's browsers come from hosts this network cannot reach.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! corepack pnpm --version >/dev/null 2>&1; then
  say "preparing pnpm through corepack"
  corepack prepare --activate >/dev/null
fi

# --- workspace dependencies ---
stamp=node_modules/.madoguchi-install-stamp
want="$(sha256sum pnpm-lock.yaml package.json | sha256sum | cut -c1-64) $(node -p 'process.versions.modules')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing dependencies (first run builds better-sqlite3 and pcsclite: a few minutes)"
  log=$(mktemp)
  if ! CI=true corepack pnpm install --frozen-lockfile --reporter=append-only >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "dependency install failed (full log: $log)"
    exit 1
  fi
  rm -f "$log"
  echo "$want" > "$stamp"
fi
