/**
 * Browser kiosk mode entry: `tsx apps/kiosk/src/browser-host/start.ts --config kiosk.json`.
 * Runs the kiosk's main process in Node, serves the built renderer on 127.0.0.1 and, when a
 * display is available, opens it in Chromium's kiosk mode. Used when Electron's binary is not
 * installed (it cannot be downloaded on this network) and by the end-to-end tests.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog } from '../main/log.js';
import { createKioskMain, type KioskConfig } from '../main/kiosk-main.js';
import { startBridgeServer } from './bridge-server.js';

const here = fileURLToPath(new URL('.', import.meta.url));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const configPath = args[args.indexOf('--config') + 1];
  if (!args.includes('--config') || !configPath) {
    console.error('usage: start.ts --config <kiosk.json> [--port N] [--no-browser]');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as KioskConfig & { rendererDir?: string; port?: number };
  const rendererDir = resolve(config.rendererDir ?? resolve(here, '../../out/renderer'));
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    console.error(`kiosk renderer is not built (${rendererDir}/index.html missing): run pnpm --filter @madoguchi/kiosk build:renderer`);
    process.exit(1);
  }
  const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : config.port;
  const { log } = createLog(2);
  const kiosk = await createKioskMain(config, log);
  const server = await startBridgeServer({ target: kiosk.session, rendererDir, ...(portArg ? { port: portArg } : {}) });
  console.log(`KIOSK_URL=${server.url}`);

  let browser: ReturnType<typeof spawn> | undefined;
  if (!args.includes('--no-browser') && process.env.DISPLAY && existsSync('/usr/bin/chromium')) {
    browser = spawn('/usr/bin/chromium', ['--kiosk', `--app=${server.url}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', `--user-data-dir=${resolve(config.spoolDir, '../chromium-profile')}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])], { stdio: 'ignore' });
  }

  const stop = async () => {
    browser?.kill();
    await server.close();
    await kiosk.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
