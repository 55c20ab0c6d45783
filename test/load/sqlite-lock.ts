/**
 * Holds a center's SQLite write lock from another process (BEGIN IMMEDIATE), so the centers on that
 * file meet SQLITE_BUSY: the fault "SQLite busy/locked" of issue 14, item 2.
 *
 *   const lock = await holdSqliteWriteLock('/path/center.sqlite', 2_000); // resolves once held
 *   await lock.released;                                                  // after 2 s (or lock.release())
 *
 * `readAtEnd` (a SELECT) runs in the holder as the last thing before it lets go, and `released`
 * resolves with its rows: what the file held while no center could write to it.
 *
 * A center waits for the lock up to its busy_timeout (10 s, db/database.ts) and fails the call after
 * that. The holder is a bare `node` running the center's own better-sqlite3 (resolved through the
 * @madoguchi/center package, so the same build and SQLite), started in well under a second. It takes
 * the lock the way a second center would, waiting up to 5 s for a writer already in the file.
 * Killing it (release(), or a crash of the test) frees the lock as any process's death does.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

export interface HeldLock {
  /** Resolves when the lock is let go (its time is up, or release()), with `readAtEnd`'s rows if it ran. */
  released: Promise<unknown[] | undefined>;
  /** Lets it go now. */
  release(): Promise<void>;
}

const HOLDER = `
const [library, file, ms, readAtEnd] = process.argv.slice(1);
const Database = require(library);
const db = new Database(file, { fileMustExist: true, timeout: 5000 });
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\\n');
setTimeout(() => {
  if (readAtEnd) process.stdout.write('rows ' + JSON.stringify(db.prepare(readAtEnd).all()) + '\\n');
  db.exec('ROLLBACK');
  db.close();
  process.stdout.write('released\\n');
}, Number(ms));
`;

function betterSqlite3Path(): string {
  const require = createRequire(import.meta.url);
  return createRequire(require.resolve('@madoguchi/center')).resolve('better-sqlite3');
}

export function holdSqliteWriteLock(path: string, ms: number, options: { readAtEnd?: string } = {}): Promise<HeldLock> {
  const args = ['-e', HOLDER, betterSqlite3Path(), path, String(ms), ...(options.readAtEnd ? [options.readAtEnd] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let rows: unknown[] | undefined;
  const released = new Promise<unknown[] | undefined>((resolve) => child.once('exit', () => resolve(rows)));
  const release = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await released;
  };
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before it held the lock: ${stderr.slice(-300)}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'locked') resolve({ released, release: async () => void (await release()) });
      if (line.startsWith('rows ')) rows = JSON.parse(line.slice(5)) as unknown[];
    });
  });
}
