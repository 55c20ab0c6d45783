/**
 * Browser kiosk mode entry: `tsx apps/kiosk/src/browser-host/start.ts --config kiosk.json`.
 * Runs the kiosk's main process in Node, serves the built renderer on 127.0.0.1 and, when a
 * display is available, opens it in Chromium's kiosk mode. Used when Electron's binary is not
 * installed (it cannot be downloaded on this network) and by the end-to-end tests.
 *
 * The bridge token never reaches a command line or stdout on a real kiosk: Chromium opens a 0600
 * launch page (launch-page.ts), and the host prints only its origin (`KIOSK_ORIGIN=`). The demo
 * prints the whole URL (`KIOSK_URL=`) so a newcomer without a display can open the kiosk.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog } from '../main/log.js';
import { createKioskMain, type KioskConfig } from '../main/kiosk-main.js';
import { startBridgeServer } from './bridge-server.js';
import { writeLaunchPage, type LaunchPage } from './launch-page.js';

const here = fileURLToPath(new URL('.', import.meta.url));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const configPath = args[args.indexOf('--config') + 1];
  if (!args.includes('--config') || !configPath) {
    console.error('usage: start.ts --config <kiosk.json> [--port N] [--no-browser] [--test-screen-holds]');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as KioskConfig & {
    rendererDir?: string;
    port?: number;
    browserBinary?: string;
  };
  const demoMode = config.reader.kind === 'demo';
  const browserBinary = config.browserBinary ?? '/usr/bin/chromium';
  const rendererDir = resolve(config.rendererDir ?? resolve(here, '../../out/renderer'));
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    console.error(`kiosk renderer is not built (${rendererDir}/index.html missing): run pnpm --filter @madoguchi/kiosk build:renderer`);
    process.exit(1);
  }
  const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : config.port;
  const { log } = createLog(2);
  // Tests only: the e2e accessibility spec holds the passing screens still to check them (demo mode only).
  if (args.includes('--test-screen-holds')) config.testScreenHolds = true;
  const kiosk = await createKioskMain(config, log);
  const server = await startBridgeServer({
    target: kiosk.session,
    ...(kiosk.screenHolds ? { screenHolds: kiosk.screenHolds } : {}),
    rendererDir,
    ...(portArg ? { port: portArg } : {}),
    onRendererConnected: () => log('renderer connected'),
  });
  if (demoMode) {
    console.log(`KIOSK_URL=${server.url}`);
    console.log('(demo only: a production kiosk never prints this URL, whose token drives the kiosk)');
  } else {
    console.log(`KIOSK_ORIGIN=${new URL(server.url).origin}`);
  }

  let browser: ReturnType<typeof spawn> | undefined;
  let launch: LaunchPage | undefined;
  if (!args.includes('--no-browser') && process.env.DISPLAY && existsSync(browserBinary)) {
    launch = await writeLaunchPage(server.url);
    const profile = resolve(config.spoolDir, '../chromium-profile');
    browser = spawn(
      browserBinary,
      [
        '--kiosk',
        `--app=${launch.fileUrl}`,
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        `--user-data-dir=${profile}`,
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ],
      { stdio: 'ignore' },
    );
  }

  const stop = async () => {
    if (browser) await stopBrowser(browser);
    await launch?.remove();
    await server.close();
    await kiosk.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** Chromium may outlive a plain SIGTERM by many seconds (or ignore it): wait, then make sure. */
function stopBrowser(browser: ReturnType<typeof spawn>): Promise<void> {
  if (browser.exitCode !== null || browser.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => browser.kill('SIGKILL'), 5000);
    browser.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    browser.kill('SIGTERM');
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
