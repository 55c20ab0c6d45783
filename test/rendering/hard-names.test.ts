/**
 * Hard names: IVS sequences and characters outside JIS X 0208 must print with a font that has the
 * exact glyph (BIZ UDMincho, else IPAmj明朝); a character no font has is refused before payment
 * with ELIGIBILITY_UNPRINTABLE_CHARACTER, never printed as a substitute or a blank box.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MadoguchiError, type CertificateData, type RenderInput } from '@madoguchi/shared';
import { hardSurnames } from '@madoguchi/shared/demo-data';
import {
  checkPrintable,
  FontSet,
  MAIN_FONT,
  MJ_FONT,
  renderDocument,
  verificationQrRect,
  createVerificationSigner,
} from '@madoguchi/center/rendering';
import { demo, makeInput, residenceRecordData } from './fixtures.js';
import { compact, pageTexts } from './support/pdf-text.js';
import { blank, differingInkShare, differingShare, MAX_DIFFERING_INK_SHARE, rasterise, type GrayImage } from './support/raster.js';

const fonts = new FontSet();
const env = { fonts, signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'test') };

/** Printable hard names and the font expected to carry them. */
const printable: { family: string; font: number; note: string }[] = [
  // The demo's hard names; 𠮷 must come from IPAmj明朝, the rest from BIZ UDMincho.
  ...hardSurnames.map((h) => ({ family: h.family, font: h.family.startsWith('𠮷') ? MJ_FONT : MAIN_FONT, note: h.note })),
  { family: '辻\u{E0102}本', font: MJ_FONT, note: '辻 + VS19: only IPAmj明朝 registers this MJ variant' },
];

/** Characters no available font has exactly. */
const unprintable: { family: string; codes: string }[] = [
  { family: '\u{30000}田', codes: 'U+30000' }, // CJK Extension G
  { family: '葛\u{E0120}城', codes: 'U+845B U+E0120' }, // a selector not registered for 葛
  { family: '\u{E0100}', codes: 'U+E0100' }, // a selector with no base character
  { family: '山\u{F8FF}', codes: 'U+F8FF' }, // private use
];

/** What eligibility passes before payment: the data with the municipality and policy that frame it. */
function printableInput(data: CertificateData): Omit<RenderInput, 'issuanceId' | 'copyIndex'> {
  const {
    issuanceId: _id,
    copyIndex: _copy,
    ...rest
  } = makeInput(demo.batch.residents.find((r) => r.residentId === demo.featured.ordinary)!.municipalityCode, data);
  return rest;
}

function withSurname(family: string): CertificateData {
  const data = residenceRecordData(demo.featured.ordinary);
  if (data.certificateType !== 'residenceRecord') throw new Error('fixture');
  const [head, ...rest] = data.members;
  return { ...data, members: [{ ...head!, name: { ...head!.name, family } }, ...rest] };
}

/** Page 1 of both documents, QR code masked (the single-page 住民票 has it there). */
function firstPages(actual: Uint8Array, reference: Uint8Array, municipalityCode: string): [GrayImage, GrayImage] {
  const [a] = rasterise(actual);
  const [b] = rasterise(reference);
  blank(a!, verificationQrRect(municipalityCode));
  blank(b!, verificationQrRect(municipalityCode));
  return [a!, b!];
}

describe('printable hard names', () => {
  it.each(printable.map((p) => [p.note, p] as const))('%s', async (_note, p) => {
    const resolved = fonts.resolve(p.family);
    expect(resolved.ok).toBe(true);
    if (resolved.ok && p.font >= 0) expect(resolved.glyphs.some((g) => g.font === p.font)).toBe(true);
    const data = withSurname(p.family);
    expect(checkPrintable(printableInput(data), fonts)).toEqual({ ok: true });
    const input = makeInput(demo.batch.residents.find((r) => r.residentId === demo.featured.ordinary)!.municipalityCode, data);
    const doc = await renderDocument(input, env);
    const text = (await pageTexts(doc.pdf)).join('');
    // pdf.js may keep or drop the selector; the base characters must be there in order.
    const base = compact(p.family.replace(/[\u{E0100}-\u{E01EF}\uFE00-\uFE0F]/gu, ''));
    expect(text.replace(/[\u{E0100}-\u{E01EF}\uFE00-\uFE0F]/gu, '')).toContain(base);
    const full = await renderDocument(input, env, { fontMode: 'full' });
    const [a, b] = firstPages(doc.pdf, full.pdf, input.municipality.code);
    expect(differingInkShare(a, b)).toBeLessThanOrEqual(MAX_DIFFERING_INK_SHARE);
  });

  it('negative control: one substituted glyph (吉 for 𠮷) fails the pixel comparison', async () => {
    const code = demo.batch.residents.find((r) => r.residentId === demo.featured.ordinary)!.municipalityCode;
    const right = makeInput(code, withSurname('𠮷田'));
    const substituted = { ...right, data: withSurname('吉田') };
    const [a, b] = firstPages(
      (await renderDocument(substituted, env)).pdf,
      (await renderDocument(right, env, { fontMode: 'full' })).pdf,
      code,
    );
    // The old whole-page bound let it through: ~0.004% of the page differs.
    expect(differingShare(a, b)).toBeLessThanOrEqual(0.005);
    expect(differingInkShare(a, b)).toBeGreaterThan(MAX_DIFFERING_INK_SHARE * 5);
  });

  it('draws a registered variant differently from its base character', () => {
    const plain = fonts.resolve('辻');
    const variant = fonts.resolve('辻\u{E0102}');
    expect(plain.ok && variant.ok).toBe(true);
    if (plain.ok && variant.ok)
      expect([variant.glyphs[0]!.font, variant.glyphs[0]!.gid]).not.toEqual([plain.glyphs[0]!.font, plain.glyphs[0]!.gid]);
  });
});

describe('unprintable names', () => {
  it.each(unprintable.map((u) => [u.codes, u] as const))('%s is refused before payment and at render', async (codes, u) => {
    const data = withSurname(u.family);
    const check = checkPrintable(printableInput(data), fonts);
    expect(check).toEqual({ ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: codes });
    // The detail names code points only, never the name.
    if (!check.ok) expect(check.detail).not.toContain(u.family.replace(/[^\p{L}]/gu, '') || '\u0000');
    const input = makeInput(demo.batch.residents.find((r) => r.residentId === demo.featured.ordinary)!.municipalityCode, data);
    const error = await renderDocument(input, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MadoguchiError);
    expect((error as MadoguchiError).code).toBe('ELIGIBILITY_UNPRINTABLE_CHARACTER');
  });

  it('refuses MJ-only names when IPAmj明朝 is not installed, instead of substituting', () => {
    const without = new FontSet({ fontDir: '/nonexistent-font-dir' });
    const check = checkPrintable(printableInput(withSurname('𠮷野')), without);
    expect(check).toEqual({ ok: false, code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER', detail: 'U+20BB7' });
    expect(checkPrintable(printableInput(withSurname('髙橋')), without)).toEqual({ ok: true });
  });
});
