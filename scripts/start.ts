/**
 * `scripts/start.sh` runs this: the whole system on embedded defaults (center on SQLite, one
 * kiosk with the demo's virtual cards), until Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startDemoSystem } from './system.js';

const electronBinary = join(repoRoot, 'apps/kiosk/node_modules/electron/dist/electron');
const display = Boolean(process.env.DISPLAY);
const started = Date.now();
const system = await startDemoSystem({
  openBrowser: display,
  centerPort: Number(process.env.MADOGUCHI_CENTER_PORT ?? 8443),
  kioskPort: Number(process.env.MADOGUCHI_KIOSK_PORT ?? 5180),
  log: (line) => {
    if (!line.startsWith('[')) console.log(`  ${line}`);
    else if (process.env.MADOGUCHI_VERBOSE) console.log(line);
  },
});
if (!existsSync(electronBinary)) {
  console.log("Electron's binary is not installed (it cannot be downloaded on this network): running the same kiosk renderer in Chromium kiosk mode instead.");
}
console.log(`
Madoguchi is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).
  center : ${system.centerUrl}  (HTTPS, kiosks authenticate with client certificates; OpenAPI at /api/v1/openapi.json)
  kiosk  : ${system.kioskUrl}${display ? '  (opened in Chromium kiosk mode)' : '\n           open this URL in Chromium or Chrome on this machine (no display was found to open it for you)'}
  spool  : ${system.spoolDir}  (printed certificates land here as PDF files)

Try it: touch the screen, choose a demo card in the yellow demo panel (e.g. the first one, PIN 1234),
enter the PIN on the keypad, choose 住民票の写し, confirm, insert 500円 — the PDF appears in the spool.
Press Ctrl-C to stop.`);

const stop = async () => {
  await system.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
