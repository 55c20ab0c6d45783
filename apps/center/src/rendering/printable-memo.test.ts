/**
 * The memos behind the check before payment (fonts/font-set.ts `textMemo`, the blank 印影 in pdf/ink-image.ts) answer
 * for the exact text they were asked, never for a neighbour: two residents who differ in one character get their own
 * answers in any order, however small the memo.
 */
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import type { CertificateData } from '@madoguchi/shared';
import { FontSet } from './fonts/font-set.js';
import { BLANK_INK_PNG, decodeInkImage } from './pdf/ink-image.js';
import { checkerFonts, checkFits, checkPrintable, type PrintableInput } from './printable.js';

const demo = generateDemoData();
const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
const municipality = demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!;
const policy = demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!;

const registration = demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!;

/** A 印鑑登録証明書 of `r` under another given name (laid out with the blank 印影, as before payment). */
function named(given: string): PrintableInput {
  const data: CertificateData = {
    certificateType: 'sealCertificate',
    resident: { ...r, name: { ...r.name, given } },
    address: 'テスト住所',
    registration,
  };
  return { data, municipality, policy, issuedOn: '2026-11-23' };
}

// U+30000 (CJK Extension G) is in neither BIZ UDMincho nor IPAmj明朝; 花子 and 花𰀀 differ in that one character.
const printable = named('花子');
const unprintable = named('花\u{30000}');

describe('the check before payment with memoised texts', () => {
  for (const [what, fonts] of [
    ['the checker’s fonts', () => checkerFonts()],
    ['a memo of two texts (cleared at every third)', () => new FontSet({ textMemo: 2 })],
  ] as const) {
    it(`answers each resident for their own text, in any order (${what})`, () => {
      const f = fonts();
      for (let round = 0; round < 2; round++) {
        expect(checkPrintable(printable, f)).toEqual({ ok: true });
        expect(checkPrintable(unprintable, f)).toEqual({ ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: 'U+30000' });
        // The layout alone: it resolves the name through the memo, and must not take the printable one's glyphs.
        expect(checkFits(unprintable, f)).toMatchObject({ ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: 'U+30000' });
        expect(checkFits(printable, f)).toEqual({ ok: true });
      }
    });
  }

  it('resolves a memoised text to the glyphs an unmemoised set gives, and to a frozen answer', () => {
    const memo = new FontSet({ textMemo: 16 });
    const plain = new FontSet();
    for (const text of ['山田\u3000花子', '葛\u{E0100}飾区', '花\u{30000}']) {
      const first = memo.resolve(text);
      expect(memo.resolve(text)).toBe(first);
      expect(first).toEqual(plain.resolve(text));
      expect(Object.isFrozen(first.ok ? first.glyphs : first.missing)).toBe(true);
    }
    expect(memo.resolve('花子')).not.toEqual(memo.resolve('花\u{30000}'));
  });

  it('decodes the blank 印影 once, as a white 1×1 image, and still decodes a real one', () => {
    const blank = decodeInkImage(BLANK_INK_PNG, undefined, { keep: false });
    expect(decodeInkImage(`${BLANK_INK_PNG.slice(0, 10)}${BLANK_INK_PNG.slice(10)}`, undefined, { keep: false })).toBe(blank);
    expect({ width: blank.width, height: blank.height, mask: [...blank.mask.raw] }).toEqual({ width: 1, height: 1, mask: [0] });
    const real = decodeInkImage(registration.sealImagePng, undefined, { keep: false });
    expect(real).not.toBe(blank);
    expect(real.width).toBeGreaterThan(1);
  });
});
