import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStateFile, ensureStateFileSet } from './state-file.js';

describe('ensureStateFile', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-state-file-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file once (0600, in a directory it makes) and returns the same contents after', () => {
    const path = join(tempDir(), 'state', 'key.pem');
    let made = 0;
    const make = (): string => `key ${++made}`;
    expect(ensureStateFile(path, make)).toBe('key 1');
    expect(ensureStateFile(path, make)).toBe('key 1');
    expect(made).toBe(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['key.pem']);
  });

  it('another process that made the file first wins: its contents are returned, nothing is overwritten or left behind', () => {
    const dir = tempDir();
    const path = join(dir, 'key.pem');
    // The other center writes its key while this one is generating its own (the race of two centers started together).
    const contents = ensureStateFile(path, () => {
      writeFileSync(path, 'the other center’s key', { mode: 0o600 });
      return 'this center’s key';
    });
    expect(contents).toBe('the other center’s key');
    expect(readFileSync(path, 'utf8')).toBe('the other center’s key');
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });

  describe('ensureStateFileSet', () => {
    it('makes the set once, every file 0600, keeps nothing but the files and their bundle', () => {
      const dir = tempDir();
      const paths = [join(dir, 'a.key'), join(dir, 'a.cert')];
      let made = 0;
      const make = () => [`key ${++made}`, `cert ${made}`];
      expect(ensureStateFileSet(join(dir, 'a.set.json'), paths, make)).toEqual(['key 1', 'cert 1']);
      expect(ensureStateFileSet(join(dir, 'a.set.json'), paths, make)).toEqual(['key 1', 'cert 1']);
      expect(made).toBe(1);
      expect(paths.map((p) => statSync(p).mode & 0o777)).toEqual([0o600, 0o600]);
      expect(readdirSync(dir).sort()).toEqual(['a.cert', 'a.key', 'a.set.json']);
    });

    it('another maker’s set that won is what every file holds, never one file of each', () => {
      const dir = tempDir();
      const bundle = join(dir, 'a.set.json');
      const paths = [join(dir, 'a.key'), join(dir, 'a.cert')];
      const contents = ensureStateFileSet(bundle, paths, () => {
        // The other center made its set, and had written its key (not yet its certificate), while this one made its own.
        writeFileSync(bundle, JSON.stringify(['other key', 'other cert']), { mode: 0o600 });
        writeFileSync(paths[0]!, 'other key', { mode: 0o600 });
        return ['this key', 'this cert'];
      });
      expect(contents).toEqual(['other key', 'other cert']);
      expect(paths.map((p) => readFileSync(p, 'utf8'))).toEqual(['other key', 'other cert']);
    });

    it('uses files made before sets existed as they are, and replaces a half-made pair from the set', () => {
      const dir = tempDir();
      const paths = [join(dir, 'a.key'), join(dir, 'a.cert')];
      writeFileSync(paths[0]!, 'old key');
      writeFileSync(paths[1]!, 'old cert');
      expect(ensureStateFileSet(join(dir, 'a.set.json'), paths, () => ['new key', 'new cert'])).toEqual(['old key', 'old cert']);
      rmSync(paths[1]!);
      expect(ensureStateFileSet(join(dir, 'a.set.json'), paths, () => ['new key', 'new cert'])).toEqual(['new key', 'new cert']);
    });
  });
});
