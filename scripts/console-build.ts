/**
 * Builds the staff console (apps/console → dist, which the center serves under /console) when dist
 * is missing or older than any of its sources, so a start or an end-to-end run always serves the
 * console as the tree has it, and a second start builds nothing. The end-to-end specs build into a
 * directory of their own: a build elsewhere empties dist while it runs, and the center would answer
 * 404 for the console in the meantime.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

const consoleDir = join(repoRoot, 'apps/console');
export const defaultConsoleDist = join(consoleDir, 'dist');
/** What the build reads besides node_modules: the console's sources and the shared contract. */
const sources = [
  join(consoleDir, 'src'),
  join(consoleDir, 'index.html'),
  join(consoleDir, 'vite.config.ts'),
  join(repoRoot, 'packages/shared/src'),
];

function newestSourceMs(): number {
  let newest = 0;
  for (const source of sources) {
    if (!existsSync(source)) continue;
    const stat = statSync(source);
    if (!stat.isDirectory()) newest = Math.max(newest, stat.mtimeMs);
    else
      for (const file of readdirSync(source, { recursive: true, encoding: 'utf8' }))
        newest = Math.max(newest, statSync(join(source, file)).mtimeMs);
  }
  return newest;
}

export function consoleBuildIsCurrent(outDir: string = defaultConsoleDist): boolean {
  const builtIndex = join(outDir, 'index.html');
  return existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestSourceMs();
}

export async function ensureConsoleBuilt(log: (line: string) => void = () => {}, outDir: string = defaultConsoleDist): Promise<void> {
  if (consoleBuildIsCurrent(outDir)) return;
  log('building the staff console (apps/console)');
  const started = Date.now();
  const vite = join(consoleDir, 'node_modules/vite/bin/vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], {
    cwd: consoleDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the staff console did not build (vite exited ${code}):\n${errors.trim()}`);
  log(`staff console built (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
