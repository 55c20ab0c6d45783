import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStateFile } from './state-file.js';

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
});
