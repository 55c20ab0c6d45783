/**
 * Brings up the whole system on embedded defaults, as separate processes like a real deployment:
 * an issuance center (HTTPS + mutual TLS, SQLite file or a given PostgreSQL, with the staff console
 * under /console) and one kiosk (browser kiosk mode with an in-process virtual card reader and the
 * demo's virtual My Number cards).
 * Used by `scripts/start.sh` and by the end-to-end tests. demo-world.ts prepares the state
 * directory (default .var/demo); supervisor.ts runs the processes; this file composes them.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { DemoCard } from '@madoguchi/card-sim';
import { CONSOLE_PATH } from '@madoguchi/shared';
import { demoClockStart, type DemoData } from '@madoguchi/shared/demo-data';
import { ensureConsoleBuilt } from './console-build.js';
import type { DemoStaffAccount } from './demo-staff.js';
import { prepareDemo, writeKioskConfig } from './demo-world.js';
import { repoRoot } from './repo-root.js';
import { freePort, Supervisor, waitForLine, waitForPort } from './supervisor.js';

// The e2e specs import these from here.
export { repoRoot, demoClockStart };

export interface DemoSystem {
  kioskUrl: string;
  centerUrl: string;
  /** The staff console (the center serves it), and its demo accounts with their credentials. */
  consoleUrl: string;
  staff: DemoStaffAccount[];
  /** The demo CA that signed the center's HTTPS certificate (a browser trusts the console with it). */
  centerCaFile: string;
  /** The center's clock now: the demo clock when one is in use (TOTP codes and "today" follow it). */
  centerNow(): Date;
  /**
   * Stops the center and starts it again on the same port and database, its clock set to `clock`
   * (an ISO instant), as a center would be the next day; the kiosk keeps running.
   */
  restartCenter(clock: string): Promise<void>;
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
  /** The kiosk's idle reset, shorter than its 120 s default (the accessibility spec waits for the idle warning). */
  kioskIdleTimeoutMs?: number;
  /** Tests only: the kiosk lets the test hold its passing screens still (the accessibility spec checks them). */
  kioskTestScreenHolds?: boolean;
  /** Extra environment for the center process (tests shorten timeouts, for instance). */
  centerEnv?: Record<string, string>;
  log?: (line: string) => void;
  /** Use the real clock instead of the demo clock (next weekday, 10:00 Japan time). */
  realClock?: boolean;
  /** Run the kiosk in Electron (needs its binary) instead of the browser kiosk host. */
  electronBinary?: string;
  /** The center's database on PostgreSQL (postgres://…) instead of the state directory's SQLite file. */
  databaseUrl?: string;
  /** Where the staff console is built and served from (default apps/console/dist). */
  consoleDir?: string;
  /**
   * The demo's months of history on a first start (demo-history.ts; default on). Tests that only
   * walk the kiosk or the municipality pages leave it out: it costs about 30 s of CPU.
   */
  history?: false;
}

/** Where the demo center's clock started, for scripts/totp.ts: codes must follow the center's clock. */
export const demoClockFile = (stateDir: string) => join(stateDir, 'center', 'demo-clock.json');

export async function startDemoSystem(options: StartOptions = {}): Promise<DemoSystem> {
  const log = options.log ?? (() => {});
  const stateDir = resolve(options.stateDir ?? join(repoRoot, '.var', 'demo'));
  const [prepared] = await Promise.all([
    prepareDemo(stateDir, log, {
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.history === false ? { history: false as const } : {}),
    }),
    ensureConsoleBuilt(log, options.consoleDir),
  ]);
  const centerPort = options.centerPort ?? (await freePort());
  const centerUrl = `https://127.0.0.1:${centerPort}`;
  writeKioskConfig(prepared, centerUrl, options.kioskIdleTimeoutMs);

  const supervisor = new Supervisor(log);
  const stop = () => supervisor.stopAll();
  const clock = new CenterClock(demoClockFile(stateDir));
  let center: ChildProcess | undefined;
  const startCenter = async (clockStart: string | null) => {
    center = supervisor.spawnTs('center', join(repoRoot, 'apps/center/src/server.ts'), [], {
      ...prepared.centerEnv,
      ...(clockStart ? { MADOGUCHI_CLOCK: clockStart } : {}),
      MADOGUCHI_CENTER_PORT: String(centerPort),
      MADOGUCHI_LOG_LEVEL: 'warn',
      ...(options.consoleDir ? { MADOGUCHI_CONSOLE_DIR: options.consoleDir } : {}),
      ...options.centerEnv,
    });
    clock.follow(center, clockStart);
    await waitForPort('center', centerPort, 60_000, center);
    log(`center listening on ${centerUrl}`);
  };
  const system = (kioskUrl: string): DemoSystem => ({
    kioskUrl,
    centerUrl,
    consoleUrl: `${centerUrl}${CONSOLE_PATH}/`,
    staff: prepared.staff,
    centerCaFile: prepared.kioskFiles.caFile,
    centerNow: () => clock.now(),
    restartCenter: async (clockStart) => {
      if (center) await stopProcess(center);
      await startCenter(clockStart);
    },
    spoolDir: prepared.spoolDir,
    printedDir: prepared.printedDir,
    stateDir,
    demo: prepared.demo,
    cards: prepared.cards,
    stop,
  });
  try {
    await startCenter(
      options.realClock
        ? null
        : demoClockStart(
            new Date(),
            prepared.demo.holidays.map((h) => h.date),
          ),
    );
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
      ...(options.kioskTestScreenHolds ? ['--test-screen-holds'] : []),
    ]);
    return system(await waitForLine(kiosk, /^KIOSK_URL=(.+)$/, 60_000));
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The center's clock as the center itself runs it: MADOGUCHI_CLOCK counts from the moment the
 * center reads it, which it announces on stderr — that moment, not the spawn, is the clock's start.
 * Kept in demo-clock.json for scripts/totp.ts; absent when the center runs on the real clock.
 */
class CenterClock {
  private start: { clockMs: number; realMs: number } | null = null;

  constructor(private readonly file: string) {}

  follow(center: ChildProcess, clockStart: string | null): void {
    this.start = null;
    rmSync(this.file, { force: true });
    if (!clockStart) return;
    // Until the center's line comes, the spawn is the best estimate (it is at most seconds early).
    this.start = { clockMs: Date.parse(clockStart), realMs: Date.now() };
    // Not closed once seen: closing a readline pauses its input, which the supervisor reads too.
    let seen = false;
    createInterface({ input: center.stderr! }).on('line', (line) => {
      if (seen || !line.includes('demo clock in use')) return;
      seen = true;
      this.start = { clockMs: Date.parse(clockStart), realMs: Date.now() };
      writeFileSync(this.file, `${JSON.stringify({ clock: clockStart, realStartMs: this.start.realMs })}\n`);
    });
  }

  now(): Date {
    return this.start ? new Date(this.start.clockMs + (Date.now() - this.start.realMs)) : new Date();
  }
}

/** SIGTERM and wait for the exit (the center closes its database and workers gracefully). */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}
