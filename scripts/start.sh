#!/usr/bin/env bash
# Starts the whole system on embedded defaults: the issuance center (HTTPS, SQLite), one kiosk,
# and the demo's virtual My Number cards. Installs what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh start
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_KEYS=0
# Rebuild the kiosk renderer only when its sources changed since the last build.
built=apps/kiosk/out/renderer/index.html
if [ ! -f "$built" ] || [ -n "$(find apps/kiosk/src/renderer apps/kiosk/index.html apps/kiosk/vite.config.ts packages/shared/src \
  -newer "$built" -print -quit 2>/dev/null)" ]; then
  echo "madoguchi: building the kiosk renderer" >&2
  corepack pnpm --filter @madoguchi/kiosk exec vite build --logLevel error >/dev/null
fi
# The Electron shell is bundled only when its binary exists (it cannot be downloaded here).
if [ -n "${DISPLAY:-}" ] && [ -x apps/kiosk/node_modules/electron/dist/electron ]; then
  corepack pnpm --filter @madoguchi/kiosk build:electron >/dev/null
fi
exec node --import tsx scripts/start.ts
