/**
 * Playwright globalSetup: the staff console builds the specs serve, made before any worker starts.
 * Each spec's system builds a stale console itself (scripts/console-build.ts), but a build empties
 * its output directory first: two workers building at once would each serve the other's half-built
 * console.
 */
import { cpSync, rmSync } from 'node:fs';
import { consoleBuildIsCurrent, defaultConsoleDist, ensureConsoleBuilt } from '../../scripts/console-build.js';
import { e2eConsoleDir } from '../e2e/console-support.js';

export default async function buildConsoles(): Promise<void> {
  const log = (line: string) => console.info(line);
  // The kiosk specs' systems serve the default build; the console specs their own.
  await ensureConsoleBuilt(log, defaultConsoleDist);
  // The same build, copied rather than built again (13 s of the CI run, which builds the default one
  // just before): vite's output does not depend on the directory it is written to (the files are
  // byte for byte those of a build into it), and the copy is newer than every source, so current.
  if (!consoleBuildIsCurrent(e2eConsoleDir) && consoleBuildIsCurrent(defaultConsoleDist)) {
    rmSync(e2eConsoleDir, { recursive: true, force: true });
    cpSync(defaultConsoleDist, e2eConsoleDir, { recursive: true });
    log(`staff console copied to ${e2eConsoleDir}`);
  }
  await ensureConsoleBuilt(log, e2eConsoleDir);
}
