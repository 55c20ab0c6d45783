import { describe, expect, it } from 'vitest';
import { KioskLanguage, certificateTypes } from '@madoguchi/shared';
import { catalogs, errorText } from './index.js';
import { residentErrorCodes } from './catalog-type.js';

/** Every leaf of a catalog as `a.b.c` → value. */
function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof node === 'string') {
    out.set(prefix, node);
    return out;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    for (const [path, text] of leaves(value, prefix ? `${prefix}.${key}` : key)) out.set(path, text);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const reference = leaves(catalogs.ja);
/** Error texts are checked against the shared error catalog below, not against ja's keys. */
const withoutErrors = (map: Map<string, string>) => [...map.keys()].filter((key) => !key.startsWith('errors.'));

describe('kiosk catalogs', () => {
  it('has a catalog for every kiosk language', () => {
    expect(Object.keys(catalogs).sort()).toEqual([...KioskLanguage.options].sort());
  });

  for (const language of KioskLanguage.options) {
    describe(language, () => {
      const catalog = leaves(catalogs[language]);

      it('has exactly the keys of the Japanese catalog', () => {
        expect(withoutErrors(catalog).filter((key) => !reference.has(key))).toEqual([]);
        expect(withoutErrors(reference).filter((key) => !catalog.has(key))).toEqual([]);
      });

      it('has no empty text', () => {
        expect([...catalog].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
      });

      it('uses only placeholders the Japanese text is given', () => {
        // A translation may leave out a value (e.g. the era name) but must not ask for one the screen does not pass.
        const unknown = [...catalog].flatMap(([key, text]) =>
          placeholders(text)
            .filter(
              (name) =>
                !placeholders(reference.get(key) ?? '').includes(name) && !(key === 'options.taxYear' || key === 'options.taxYearNote'),
            )
            .map((name) => `${key}: {{${name}}}`),
        );
        expect(unknown).toEqual([]);
      });

      it('translates every resident-facing error code, and only real codes', () => {
        const errors = catalogs[language].errors as Record<string, string | undefined>;
        expect(residentErrorCodes.filter((code) => !errors[code])).toEqual([]);
        expect(Object.keys(errors).filter((code) => !(residentErrorCodes as string[]).includes(code))).toEqual([]);
      });

      it('names every certificate type', () => {
        for (const type of certificateTypes) expect(catalog.get(`certificates.${type}`)).toBeTruthy();
      });
    });
  }
});

describe('errorText', () => {
  it('shows the main process message in ja and en', () => {
    expect(errorText('en', 'CARD_PIN_WRONG', 'from main')).toBe('from main');
  });
  it('maps the code through the catalog in the other languages', () => {
    expect(errorText('ko', 'CARD_PIN_WRONG', 'The PIN is not correct.')).toBe(catalogs.ko.errors.CARD_PIN_WRONG);
  });
  it('falls back to the message for a code the catalogs do not know', () => {
    expect(errorText('vi', 'SOMETHING_NEW', '新しいエラー')).toBe('新しいエラー');
  });
});
