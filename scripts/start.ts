/**
 * `scripts/start.sh` runs this: the whole system on embedded defaults (center on SQLite, one
 * kiosk with the demo's virtual cards), until Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { otpauthUri } from '@madoguchi/center';
import { OPENAPI_PATH } from '@madoguchi/shared';
import { repoRoot } from './repo-root.js';
import { stopOnSignals } from './supervisor.js';
import { startDemoSystem, type DemoSystem } from './system.js';

const electronBinary = join(repoRoot, 'apps/kiosk/node_modules/electron/dist/electron');
// The browser host (apps/kiosk/src/browser-host/start.ts) opens this same path when there is a display.
const chromiumBinary = '/usr/bin/chromium';
const display = Boolean(process.env.DISPLAY);
const haveElectron = existsSync(electronBinary);
const useElectron = display && haveElectron;
const opensChromium = display && !useElectron && existsSync(chromiumBinary);
const started = Date.now();
// One line saying how the kiosk runs, true for this machine.
if (useElectron) console.log('Running the kiosk in its Electron window.');
else {
  const why = haveElectron
    ? 'No display for the Electron window'
    : "Electron's binary is not installed (it cannot be downloaded on this network)";
  const how = opensChromium
    ? 'running the same kiosk renderer in Chromium kiosk mode instead.'
    : display
      ? 'running the same kiosk renderer in browser kiosk mode; ' +
        `Chromium is not installed (${chromiumBinary}), so open its URL in a browser.`
      : 'running the same kiosk renderer in browser kiosk mode; no display was found, so open its URL in a browser.';
  console.log(`${why}: ${how}`);
}
const system = await startDemoSystem({
  ...(useElectron ? { electronBinary } : {}),
  openBrowser: display,
  centerPort: Number(process.env.MADOGUCHI_CENTER_PORT ?? 8443),
  kioskPort: Number(process.env.MADOGUCHI_KIOSK_PORT ?? 5180),
  log: (line) => {
    if (!line.startsWith('[')) console.log(`  ${line}`);
    else if (process.env.MADOGUCHI_VERBOSE) console.log(line);
  },
});
const TRY_IT =
  'Try it: はじめる → in the yellow demo panel choose the first card (PIN 1234) → type 1 2 3 4 on the\n' +
  'shuffled keypad → 決定 → 住民票の写し → 世帯全員 → 次へ → 次へ → ' +
  'insert 500円 with the demo panel: the PDF appears in the output tray.';
console.log(`
Madoguchi is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).
  center : ${system.centerUrl}  (HTTPS, kiosks authenticate with client certificates; OpenAPI at ${OPENAPI_PATH})
  kiosk  : ${system.kioskUrl}${kioskNote()}
  printed: ${system.printedDir}  (the demo printer's output tray: printed certificates land here as PDF files;
           the kiosk's own spool is emptied as soon as each print is done)
${consoleSection(system)}

${TRY_IT}
Press Ctrl-C to stop.`);

function kioskNote(): string {
  if (useElectron) return '';
  // The URL carries the bridge token: printed for the demo only, never by a production kiosk.
  const demoOnly = '\n           (demo only: a production kiosk never prints this URL; its token drives the kiosk)';
  if (opensChromium) return `  (opened in Chromium kiosk mode)${demoOnly}`;
  const reason = display ? `Chromium is not installed at ${chromiumBinary}` : 'no display was found to open it for you';
  return `\n           open this URL in Chromium or Chrome on this machine (${reason})${demoOnly}`;
}

/**
 * Where the staff console is and who signs in how. The accounts, passwords and TOTP secrets are the
 * demo's own (made once per state directory): printed for the demo only, like the kiosk's URL.
 */
function consoleSection(demo: DemoSystem): string {
  const width = Math.max(...demo.staff.map((s) => s.loginId.length));
  const accounts = demo.staff.map((s) => {
    const where = s.municipalityCode ? ` of ${demo.demo.batch.municipalities.find((m) => m.code === s.municipalityCode)?.name}` : '';
    const uri = otpauthUri(s.totpSecret, s.loginId);
    return (
      `    ${s.loginId.padEnd(width)}  ${s.role}${where}\n` +
      `    ${' '.repeat(width)}  password ${s.password}   TOTP secret ${s.totpSecret}\n` +
      `    ${' '.repeat(width)}  ${uri}`
    );
  });
  const day = demo.centerNow().toLocaleString('sv-SE', { timeZone: 'Asia/Tokyo' }).slice(0, 16);
  return `  console: ${demo.consoleUrl}  (staff console: settings, approvals, issuance log, incidents, fleet, billing, statistics)
           its HTTPS certificate is the demo's own, so the browser warns once: accept it, or trust
           ${demo.centerCaFile}
  DEMO ONLY — console accounts made for this demo state directory; never use them in production
  (real staff enrol through a one-time link: corepack pnpm exec tsx apps/center/src/cli/staff.ts create-operator …):
${accounts.join('\n')}
  Sign in with the login id, the password and a 6-digit code from an authenticator app (scan the
  otpauth URI or type the secret), or without a phone from
    corepack pnpm exec tsx scripts/totp.ts <TOTP secret>
  The demo center's business day is ${day} Japan time (its demo clock); codes follow the real clock.`;
}

stopOnSignals(system.stop);
