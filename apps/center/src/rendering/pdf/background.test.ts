/**
 * The anti-copy background: two tiling screens (fine everywhere, coarse inside a latent 「複写」),
 * on every page, printed light enough not to hide the text.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { FontSet } from '../fonts/font-set.js';
import { renderDocument } from '../render-document.js';
import { createVerificationSigner } from '../verification/signing.js';
import { LATENT_TEXT } from './background.js';

describe('background pattern', () => {
  it('puts a fine screen and a latent 複写 in a coarse screen on every page', async () => {
    const demo = generateDemoData();
    const r = demo.batch.residents.find((x) => x.residentId === demo.featured.multiPageFamilyRegister)!;
    const register = demo.batch.familyRegisters.find((f) => f.persons.some((p) => p.residentId === r.residentId))!;
    const doc = await renderDocument(
      {
        issuanceId: 'bg',
        copyIndex: 0,
        issueNumber: 'BG-1',
        municipality: demo.batch.municipalities.find((m) => m.code === register.municipalityCode)!,
        policy: demo.policies.find((p) => p.municipalityCode === register.municipalityCode)!,
        issuedOn: '2026-11-23',
        data: { certificateType: 'familyRegisterFull', register, persons: register.persons },
      },
      { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'bg') },
    );
    expect(doc.pageCount).toBeGreaterThan(1);
    expect(LATENT_TEXT).toBe('複写');
    const pdf = await PDFDocument.load(doc.pdf);
    for (const page of pdf.getPages()) {
      const resources = page.node.Resources()!;
      const patterns = resources.lookup(PDFName.of('Pattern'), PDFDict);
      const cells = ['P0', 'P1'].map((n) => Buffer.from((patterns.lookup(PDFName.of(n)) as PDFRawStream).getContents()).toString('latin1'));
      // Fine dots (0.7 pt) and coarse dots (1.5 pt) of the same tint.
      expect(cells[0]).toMatch(/0\.7 0\.7 re f/);
      expect(cells[1]).toMatch(/1\.5 1\.5 re f/);
      const contents = page.node.lookup(PDFName.of('Contents'), PDFArray);
      const body = Buffer.from((pdf.context.lookup(contents.get(0)) as PDFRawStream).getContents()).toString('latin1');
      // The latent text is a clip (text render mode 7) filled with the coarse screen.
      expect(body).toMatch(/\/P0 scn[\s\S]*7 Tr[\s\S]*<[0-9a-f]{8}> Tj[\s\S]*\/P1 scn/);
    }
  });
});
