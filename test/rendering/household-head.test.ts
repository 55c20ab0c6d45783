/**
 * A partial 住民票 (only chosen members) still names the 世帯主 in its header when 世帯主・続柄 is
 * chosen, even if the 世帯主 is not one of the printed members — the counter prints it, so the
 * store must too (docs/misissuance.md#old-name: the store path omitted an item the counter path
 * printed).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FontSet, renderDocument, createVerificationSigner } from '@madoguchi/center/rendering';
import { demo, makeInput, residenceRecordData } from './fixtures.js';
import { compact, pageTexts } from './support/pdf-text.js';

const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'test') };

describe('household head on a partial residence record', () => {
  it('prints the 世帯主 of the household when only a child is printed', async () => {
    const full = residenceRecordData(demo.featured.ordinary);
    if (full.certificateType !== 'residenceRecord') throw new Error('fixture');
    const child = full.members.find((m) => m.relationship === '子')!;
    const head = full.members.find((m) => m.residentId === full.household.householdHeadId)!;
    const partial = {
      ...full,
      members: [child],
      wholeHousehold: false,
      options: { ...full.options, scope: 'selected' as const, memberIds: [child.residentId] },
    };
    const doc = await renderDocument(makeInput(full.household.municipalityCode, partial), env);
    const text = compact((await pageTexts(doc.pdf)).join(''));
    expect(text).toContain(compact(`世帯主${head.name.family}${head.name.given}`));
    expect(text).toContain(compact(`${child.name.family}${child.name.given}`));
    // The head is named in the header only: the head's own record (birth date) is not printed.
    expect(text).not.toContain(head.myNumber);
    expect(text).toContain('この写しは、住民票の原本と相違ないことを証明する');
  });

  it('leaves the 世帯主 out when 世帯主・続柄 is not chosen (and 本籍・筆頭者, which names the same person here)', async () => {
    const full = residenceRecordData(demo.featured.ordinary);
    if (full.certificateType !== 'residenceRecord') throw new Error('fixture');
    const head = full.members.find((m) => m.residentId === full.household.householdHeadId)!;
    const child = full.members.find((m) => m.relationship === '子')!;
    const partial = {
      ...full,
      members: [child],
      wholeHousehold: false,
      options: {
        ...full.options,
        householdHeadAndRelationship: false,
        domicile: false,
        scope: 'selected' as const,
        memberIds: [child.residentId],
      },
    };
    const text = compact((await pageTexts((await renderDocument(makeInput(full.household.municipalityCode, partial), env)).pdf)).join(''));
    expect(text).not.toContain(compact(`${head.name.family}${head.name.given}`));
  });
});
