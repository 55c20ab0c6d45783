/**
 * Playwright globalSetup: the staff console builds the specs serve, made before any worker starts.
 * Each spec's system builds a stale console itself (scripts/console-build.ts), but a build empties
 * its output directory first: two workers building at once would each serve the other's half-built
 * console.
 */
import { defaultConsoleDist, ensureConsoleBuilt } from '../../scripts/console-build.js';
import { e2eConsoleDir } from '../e2e/console-support.js';

export default async function buildConsoles(): Promise<void> {
  const log = (line: string) => console.info(line);
  // The kiosk specs' systems serve the default build; the console specs their own.
  await ensureConsoleBuilt(log, defaultConsoleDist);
  await ensureConsoleBuilt(log, e2eConsoleDir);
}
