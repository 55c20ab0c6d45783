/**
 * Brings up the whole system on embedded defaults, as separate processes like a real deployment:
 * an issuance center (HTTPS + mutual TLS, SQLite file) and one kiosk (browser kiosk mode with an
 * in-process virtual card reader and the demo's virtual My Number cards).
 * Used by `scripts/start.sh` and by the end-to-end tests. demo-world.ts prepares the state
 * directory (default .var/demo); supervisor.ts runs the processes; this file composes them.
 */
import { join, resolve } from 'node:path';
import type { DemoCard } from '@madoguchi/card-sim';
import { demoClockStart, type DemoData } from '@madoguchi/shared/demo-data';
import { prepareDemo, writeKioskConfig } from './demo-world.js';
import { repoRoot } from './repo-root.js';
import { freePort, Supervisor, waitForLine, waitForPort } from './supervisor.js';

// The e2e specs import these from here.
export { repoRoot, demoClockStart };

export interface DemoSystem {
  kioskUrl: string;
  centerUrl: string;
  /** The kiosk's spool: 0700, emptied as soon as each print's result is known. */
  spoolDir: string;
  /** The demo printer's output tray: the copies a real printer would hand over on paper. */
  printedDir: string;
  stateDir: string;
  demo: DemoData;
  cards: DemoCard[];
  stop(): Promise<void>;
}

export interface StartOptions {
  stateDir?: string;
  centerPort?: number;
  kioskPort?: number;
  /** Open Chromium in kiosk mode when a display is available. */
  openBrowser?: boolean;
  /** Extra environment for the center process (tests shorten timeouts, for instance). */
  centerEnv?: Record<string, string>;
  log?: (line: string) => void;
  /** Use the real clock instead of the demo clock (next weekday, 10:00 Japan time). */
  realClock?: boolean;
  /** Run the kiosk in Electron (needs its binary) instead of the browser kiosk host. */
  electronBinary?: string;
}

export async function startDemoSystem(options: StartOptions = {}): Promise<DemoSystem> {
  const log = options.log ?? (() => {});
  const stateDir = resolve(options.stateDir ?? join(repoRoot, '.var', 'demo'));
  const prepared = await prepareDemo(stateDir, log);
  const centerPort = options.centerPort ?? (await freePort());
  const centerUrl = `https://127.0.0.1:${centerPort}`;
  writeKioskConfig(prepared, centerUrl);

  const supervisor = new Supervisor(log);
  const stop = () => supervisor.stopAll();
  const system = (kioskUrl: string): DemoSystem => ({
    kioskUrl,
    centerUrl,
    spoolDir: prepared.spoolDir,
    printedDir: prepared.printedDir,
    stateDir,
    demo: prepared.demo,
    cards: prepared.cards,
    stop,
  });
  try {
    const clock: Record<string, string> = options.realClock
      ? {}
      : {
          MADOGUCHI_CLOCK: demoClockStart(
            new Date(),
            prepared.demo.holidays.map((h) => h.date),
          ),
        };
    const center = supervisor.spawnTs('center', join(repoRoot, 'apps/center/src/server.ts'), [], {
      ...prepared.centerEnv,
      ...clock,
      MADOGUCHI_CENTER_PORT: String(centerPort),
      MADOGUCHI_LOG_LEVEL: 'warn',
      ...options.centerEnv,
    });
    await waitForPort('center', centerPort, 60_000, center);
    log(`center listening on ${centerUrl}`);
    if (options.electronBinary) {
      supervisor.spawnBinary('kiosk', options.electronBinary, [
        join(repoRoot, 'apps/kiosk/out/electron/main.cjs'),
        '--config',
        prepared.kioskConfigPath,
      ]);
      return system('app://kiosk/index.html (Electron window)');
    }
    const kiosk = supervisor.spawnTs('kiosk', join(repoRoot, 'apps/kiosk/src/browser-host/start.ts'), [
      '--config',
      prepared.kioskConfigPath,
      ...(options.kioskPort ? ['--port', String(options.kioskPort)] : []),
      ...(options.openBrowser ? [] : ['--no-browser']),
    ]);
    return system(await waitForLine(kiosk, /^KIOSK_URL=(.+)$/, 60_000));
  } catch (error) {
    await stop();
    throw error;
  }
}
