/**
 * A file in the center's state directory that is made once and never replaced: a signing key.
 * Center processes of one deployment may start at the same moment on the same state directory
 * (two centers on one PostgreSQL, a rolling restart). `existsSync` then `writeFileSync` let the
 * second one overwrite the first one's key, or fail on it (EEXIST), or read it half written. Here
 * the contents are written whole under a private name and linked into place: `link` fails when the
 * name exists, so the first one wins, the others use it, and nobody reads a partial file.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Files that are made together and must match, such as a key and its certificate, which openssl
 * writes as two files. Making each one with `ensureStateFile` would not do: two makers could each win
 * one of the two names. So the set is made whole as one bundle file (`bundlePath`, JSON, 0600) under
 * `ensureStateFile`, where exactly one maker wins, and each file is then written from the winning
 * bundle: under a private name and renamed into place when it is missing or differs, so every maker
 * writes the same bytes and a reader never sees half a file. Files that all exist without a bundle
 * were made before bundles existed (the files are made only after their bundle) and are used as they are.
 */
export function ensureStateFileSet(bundlePath: string, paths: readonly string[], make: () => string[]): string[] {
  const readAll = () => paths.map((path) => readFileSync(path, 'utf8'));
  if (!existsSync(bundlePath) && paths.every((path) => existsSync(path))) return readAll();
  const bundle = JSON.parse(
    ensureStateFile(bundlePath, () => {
      const contents = make();
      if (contents.length !== paths.length) throw new Error(`made ${contents.length} files for ${paths.length} names`);
      return JSON.stringify(contents);
    }),
  ) as unknown;
  if (!Array.isArray(bundle) || bundle.length !== paths.length || !bundle.every((c) => typeof c === 'string')) {
    throw new Error(`${bundlePath} does not hold ${paths.length} files: move it away to make them again`);
  }
  paths.forEach((path, i) => {
    const contents = bundle[i] as string;
    if (existsSync(path) && readFileSync(path, 'utf8') === contents) return;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = `${path}.${randomUUID()}.tmp`;
    writeFileSync(temp, contents, { mode: 0o600, flag: 'wx' });
    renameSync(temp, path);
  });
  return readAll();
}
