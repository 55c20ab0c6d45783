import { describe, expect, it } from 'vitest';
import { errorCatalog, errorCodes } from '@madoguchi/shared';
import { catalogs, errorText, rememberLanguage, storedLanguage } from './index.js';

/** Every leaf of a catalog as `a.b.c` → value. */
function leaves(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof node !== 'object' || node === null) {
    out.set(prefix, node);
    return out;
  }
  for (const [key, value] of Object.entries(node)) {
    for (const [path, text] of leaves(value, prefix ? `${prefix}.${key}` : key)) out.set(path, text);
  }
  return out;
}

const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const ja = leaves(catalogs.ja);
const en = leaves(catalogs.en);

describe('console catalogs', () => {
  it('has Japanese and English, with exactly the same keys', () => {
    expect(Object.keys(catalogs)).toEqual(['ja', 'en']);
    expect([...en.keys()].sort()).toEqual([...ja.keys()].sort());
  });

  it.each(['ja', 'en'] as const)('%s has a non-empty string for every key', (language) => {
    const empty = [...leaves(catalogs[language])].filter(([, text]) => typeof text !== 'string' || text.trim() === '');
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const differing = [...ja].filter(([key, text]) => placeholders(text).join() !== placeholders(en.get(key)).join());
    expect(differing).toEqual([]);
  });

  it('takes error messages from the shared catalog by code, INTERNAL for an unknown code', () => {
    for (const code of errorCodes) {
      expect(errorText(code, 'ja')).toBe(errorCatalog[code].ja);
      expect(errorText(code, 'en')).toBe(errorCatalog[code].en);
    }
    expect(errorText('NOT_A_CODE', 'en')).toBe(errorCatalog.INTERNAL.en);
  });

  it('remembers the chosen language, Japanese when nothing (or nonsense) is stored', () => {
    const values = new Map<string, string>();
    const storage = { getItem: (k: string) => values.get(k) ?? null, setItem: (k: string, v: string) => void values.set(k, v) };
    expect(storedLanguage(storage)).toBe('ja');
    rememberLanguage(storage, 'en');
    expect(storedLanguage(storage)).toBe('en');
    values.set('madoguchi.console.language', 'fr');
    expect(storedLanguage(storage)).toBe('ja');
  });
});
