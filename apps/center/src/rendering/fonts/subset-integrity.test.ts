/**
 * Negative control for the glyph-integrity test (test/rendering/glyph-integrity.test.ts): a font
 * program that lost glyph outlines — what @pdf-lib/fontkit's subsetter does to CJK fonts — still
 * extracts as the right text but rasterises differently, and the pixel comparison catches it.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { renderDocument } from '../render-document.js';
import { createVerificationSigner } from '../verification/signing.js';
import { FontSet } from './font-set.js';
import { HbSubsetFace } from './hb-subsetter.js';

function grayPixels(pdf: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-neg-'));
  try {
    writeFileSync(join(dir, 'd.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', '60', '-gray', '-f', '1', '-l', '1', join(dir, 'd.pdf'), join(dir, 'p')]);
    const pgm = readFileSync(
      join(
        dir,
        readdirSync(dir).find((f) => f.endsWith('.pgm'))!,
      ),
    );
    return pgm.subarray(pgm.length - Math.floor((595.28 * 60) / 72) * Math.floor((841.89 * 60) / 72));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const share = (a: Uint8Array, b: Uint8Array) => a.reduce((n, v, i) => n + (Math.abs(v - b[i]!) > 24 ? 1 : 0), 0) / a.length;

describe('glyph integrity check', () => {
  it('detects a font program whose glyph outlines were dropped, though text extraction passes', async () => {
    const demo = generateDemoData();
    const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
    const fonts = new FontSet();
    const input = {
      issuanceId: 'neg',
      copyIndex: 0,
      issueNumber: 'NEG-1',
      municipality: demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!,
      policy: demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!,
      issuedOn: '2026-11-23',
      data: {
        certificateType: 'sealCertificate' as const,
        resident: r,
        address: demo.batch.households.find((h) => h.householdId === r.householdId)!.address,
        registration: demo.batch.sealRegistrations.find((s) => s.residentId === r.residentId && s.status === 'active')!,
      },
    };
    // Full-font render: CIDs are the font's own glyph ids, so a retained-id subset can replace it.
    const full = await renderDocument(
      input,
      { fonts, signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'n') },
      { fontMode: 'full' },
    );
    const doc = await PDFDocument.load(full.pdf);
    const type0 = doc.getPage(0).node.Resources()!.lookup(PDFName.of('Font'), PDFDict).lookup(PDFName.of('F0'), PDFDict);
    const cidFont = type0.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
    const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
    const fileRef = descriptor.get(PDFName.of('FontFile2')) as PDFRef;
    // Keep every other glyph the page uses: the "lossy subset".
    const w = cidFont.lookup(PDFName.of('W'), PDFArray);
    const used: number[] = [];
    for (let i = 0; i < w.size(); i += 2) used.push(Number(w.get(i).toString()));
    const kept = used.filter((_, i) => i % 2 === 0);
    const lossy = new HbSubsetFace(fonts.main.bytes, { preprocess: false }).subset([0, ...kept], true);
    doc.context.assign(fileRef, PDFRawStream.of(doc.context.obj({ Length1: lossy.byteLength }), lossy));
    const broken = await doc.save();

    const text = async (pdf: Uint8Array) =>
      (await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true })).text.replace(/\s+/g, '');
    expect(await text(broken)).toBe(await text(full.pdf));
    expect(share(grayPixels(broken), grayPixels(full.pdf))).toBeGreaterThan(0.005);
  });
});
