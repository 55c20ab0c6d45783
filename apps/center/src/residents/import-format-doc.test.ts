import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvFileSpecs } from './csv-format.js';

const doc = readFileSync(join(import.meta.dirname, '../../../../docs/import-format.md'), 'utf8');

describe('docs/import-format.md', () => {
  it('documents every CSV file and every column the importer accepts, with its required flag', () => {
    for (const spec of csvFileSpecs) {
      const start = doc.indexOf(`### ${spec.file}`);
      expect(start, spec.file).toBeGreaterThan(-1);
      const section = doc.slice(start, doc.indexOf('\n### ', start + 1) === -1 ? undefined : doc.indexOf('\n### ', start + 1));
      for (const column of spec.columns) {
        const row = section.split('\n').find((l) => l.startsWith(`| \`${column.name}\` |`));
        expect(row, `${spec.file} ${column.name}`).toBeDefined();
        expect(row!.split(' | ')[1] === 'yes', `${spec.file} ${column.name} required`).toBe(column.required === true);
      }
    }
  });
});
