import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '@madoguchi/shared';
import { refusalRules } from './refusal-rules.js';

describe('refusal rules', () => {
  it('each answers with its own code, which has a resident-facing message in Japanese and English', () => {
    expect(new Set(refusalRules.map((r) => r.code)).size).toBe(refusalRules.length);
    for (const { code } of refusalRules) {
      const entry = errorCatalog[code];
      expect(entry.audience, code).toBe('resident');
      expect(entry.ja.length, code).toBeGreaterThan(5);
      expect(entry.en.length, code).toBeGreaterThan(5);
    }
  });

  it('each has a test of its own in the eligibility suite', () => {
    const suite = readFileSync(join(import.meta.dirname, '../../../../test/center/eligibility.test.ts'), 'utf8');
    for (const { code } of refusalRules) expect(suite, code).toMatch(new RegExp(`it\\('${code}:`));
  });
});
