/**
 * No line of code over 140 characters (Prettier's print width) outside data tables. Prettier wraps
 * code but cannot break a string or a comment; this catches those. The data tables — the kiosk's
 * language catalogs, the error catalog's messages, the demo's name and municipality lists — keep one
 * entry a line, whatever its length, so a translator or reviewer reads one entry at a time; and a
 * released migration keeps the SQL text existing databases ran.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const MAX = 140;
const code = /\.(ts|tsx|js|mjs|cjs|css)$/;
const dataTables = [
  /^apps\/kiosk\/src\/renderer\/i18n\/(ja|en|zh|ko|vi|pt)\.ts$/,
  /^packages\/shared\/src\/errors\.ts$/,
  /^packages\/shared\/src\/demo-data\/(names|municipalities)\.ts$/,
  // A released migration is never edited: its SQL is what existing databases ran.
  /^apps\/center\/src\/db\/migrations\/\d{4}_[a-z_]+\.ts$/,
];

function codeFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((path) => code.test(path) && !dataTables.some((table) => table.test(path)) && existsSync(join(root, path)));
}

describe('line length', () => {
  it(`keeps every line of code within ${MAX} characters, data tables aside`, () => {
    const long = codeFiles().flatMap((path) =>
      readFileSync(join(root, path), 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.length > MAX ? [`${path}:${i + 1}: ${line.length} characters`] : [])),
    );
    expect(long, `lines to wrap:\n${long.join('\n')}`).toEqual([]);
  });
});
