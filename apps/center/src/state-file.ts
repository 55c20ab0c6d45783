/**
 * A file in the center's state directory that is made once and never replaced: a signing key.
 * Center processes of one deployment may start at the same moment on the same state directory
 * (two centers on one PostgreSQL, a rolling restart). `existsSync` then `writeFileSync` let the
 * second one overwrite the first one's key, or fail on it (EEXIST), or read it half written. Here
 * the contents are written whole under a private name and linked into place: `link` fails when the
 * name exists, so the first one wins, the others use it, and nobody reads a partial file.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';

/** Returns the file's contents, creating it with `make()` (mode 0600) when it does not exist yet. */
export function ensureStateFile(path: string, make: () => string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temp, make(), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return readFileSync(path, 'utf8');
}
