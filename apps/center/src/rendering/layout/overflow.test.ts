import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '@madoguchi/shared/demo-data';
import { MadoguchiError, type RenderInput } from '@madoguchi/shared';
import { extractText, getDocumentProxy } from 'unpdf';
import { FontSet } from '../fonts/font-set.js';
import { checkPrintable } from '../printable.js';
import { renderDocument } from '../render-document.js';
import { createVerificationSigner } from '../verification/signing.js';

const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 't') };
const demo = generateDemoData();

function withAddress(address: string): RenderInput {
  const r = demo.batch.residents.find((x) => x.residentId === demo.featured.ordinary)!;
  const hh = demo.batch.households.find((h) => h.householdId === r.householdId)!;
  return {
    issuanceId: 'x',
    copyIndex: 0,
    issueNumber: '20261123 横浜市 KIOSK-0001 P01 000001',
    municipality: demo.batch.municipalities.find((m) => m.code === r.municipalityCode)!,
    policy: demo.policies.find((p) => p.municipalityCode === r.municipalityCode)!,
    issuedOn: '2026-11-23',
    data: {
      certificateType: 'residenceRecord',
      household: { ...hh, address },
      members: [r],
      wholeHousehold: false,
      householdHeadName: r.name,
      options: {
        scope: 'selected',
        memberIds: [],
        form: 'household',
        householdHeadAndRelationship: true,
        domicile: false,
        myNumber: false,
        foreignResidentItems: true,
      },
    },
  };
}

describe('text overflow', () => {
  it('shrinks a long address and prints all of it', async () => {
    const long = '神奈川県横浜市戸塚区戸塚町' + '一二三四五六七八九十'.repeat(6) + '番地の百二十三号室';
    const doc = await renderDocument(withAddress(long), env);
    const pdf = await getDocumentProxy(doc.pdf);
    const { text } = await extractText(pdf, { mergePages: true });
    expect(text.replace(/\s+/g, '')).toContain(long);
  });

  it('refuses with ISSUANCE_TEXT_OVERFLOW when even the smallest size does not fit, never truncating', async () => {
    const tooLong = '神奈川県横浜市' + '長い住所'.repeat(60);
    const error = await renderDocument(withAddress(tooLong), env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MadoguchiError);
    expect((error as MadoguchiError).code).toBe('ISSUANCE_TEXT_OVERFLOW');
    expect((error as MadoguchiError).detail).not.toContain('長い住所');
  });

  it('is refused before payment by checkPrintable exactly where the renderer refuses it, and only there', async () => {
    const fits = withAddress('神奈川県横浜市戸塚区戸塚町' + '一二三四五六七八九十'.repeat(6) + '番地の百二十三号室');
    const tooLong = withAddress('神奈川県横浜市' + '長い住所'.repeat(60));
    const before = (input: RenderInput) =>
      checkPrintable({ data: input.data, municipality: input.municipality, policy: input.policy, issuedOn: input.issuedOn }, env.fonts);
    expect(before(fits)).toEqual({ ok: true });
    const refused = before(tooLong);
    expect(refused).toMatchObject({ ok: false, code: 'ELIGIBILITY_TEXT_OVERFLOW', detail: expect.stringMatching(/^address: needs \d+pt/) });
    expect(JSON.stringify(refused)).not.toContain('長い住所');
    // The render of the shorter one succeeds (first test); the longer one's fails with the render-time code.
    await expect(renderDocument(tooLong, env)).rejects.toMatchObject({ code: 'ISSUANCE_TEXT_OVERFLOW' });
  });
});
