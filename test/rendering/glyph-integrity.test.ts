/**
 * Glyph integrity: every template is rasterised (pdftoppm) and compared with a render that embeds
 * the whole fonts. Text extraction alone passes even when a subsetter drops glyph outlines (the
 * pdf-lib + @pdf-lib/fontkit trap), so this is the check that the ink is really there.
 * The QR code is masked: its payload signs the content hash, which differs with the font program.
 * Differences are counted against the ink of the reference render (not the whole page, where a
 * substituted glyph is lost in the noise); hard-names.test.ts holds the negative control.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FontSet, renderDocument, verificationQrRect, createVerificationSigner } from '@madoguchi/center/rendering';
import { everyTemplate } from './fixtures.js';
import { blank, differingInkShare, inkShare, MAX_DIFFERING_INK_SHARE, rasterise } from './support/raster.js';

const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'test') };

describe.each(everyTemplate().map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it(`rasterises like a full-font render (differing pixels ≤ ${MAX_DIFFERING_INK_SHARE * 100}% of the ink) on every page`, async () => {
    const subset = await renderDocument(c.input, env);
    const full = await renderDocument(c.input, env, { fontMode: 'full' });
    expect(full.pdf.byteLength).toBeGreaterThan(subset.pdf.byteLength * 10);
    const a = rasterise(subset.pdf);
    const b = rasterise(full.pdf);
    expect(a).toHaveLength(subset.pageCount);
    expect(b).toHaveLength(subset.pageCount);
    const qr = verificationQrRect(c.input.municipality.code);
    blank(a[a.length - 1]!, qr);
    blank(b[b.length - 1]!, qr);
    if (c.name.includes('mjName')) expect(Buffer.from(subset.pdf).toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+IPAmj/);
    a.forEach((page, i) => {
      expect(inkShare(page)).toBeGreaterThan(0.005);
      expect(differingInkShare(page, b[i]!)).toBeLessThanOrEqual(MAX_DIFFERING_INK_SHARE);
    });
  });
});
