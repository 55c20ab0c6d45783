import { describe, expect, it } from 'vitest';
import { yen, type MenuItem } from '@madoguchi/shared';
import { initialDraft, stepsFor, toSetOptionsIntent } from './options-model.js';

const residence: MenuItem = {
  certificateType: 'residenceRecord',
  available: true,
  feeYen: yen(200),
  maxCopies: 3,
  allowDomicile: true,
  allowMyNumber: false,
};
const tax: MenuItem = { certificateType: 'taxCertificate', available: true, feeYen: yen(300), taxYears: [2025, 2026] };

describe('certificate options', () => {
  it('asks for members only when the resident chose some of the household', () => {
    const draft = initialDraft(residence, undefined);
    expect(stepsFor('residenceRecord', residence, draft)).toEqual(['scope', 'items', 'copies']);
    expect(stepsFor('residenceRecord', residence, { ...draft, scope: 'selected' })).toEqual(['scope', 'members', 'items', 'copies']);
  });

  it('skips the year when only one tax year is offered, and asks only copies for a seal certificate', () => {
    const draft = initialDraft(tax, undefined);
    expect(stepsFor('taxCertificate', tax, draft)).toEqual(['taxKind', 'taxYear', 'copies']);
    expect(stepsFor('taxCertificate', { ...tax, taxYears: [2026] }, draft)).toEqual(['taxKind', 'copies']);
    expect(stepsFor('sealCertificate', undefined, draft)).toEqual(['copies']);
  });

  it('never sends an option the municipality does not allow, and caps the copies', () => {
    const draft = { ...initialDraft(residence, undefined), myNumber: true, domicile: true, copies: 7 };
    const intent = toSetOptionsIntent('residenceRecord', residence, draft);
    expect(intent).toMatchObject({
      type: 'setOptions',
      copies: 3,
      options: { residenceRecord: { myNumber: false, domicile: true, scope: 'household', memberIds: [] } },
    });
  });

  it('sends the chosen members only for a partial record', () => {
    const draft = { ...initialDraft(residence, undefined), scope: 'selected' as const, memberIds: ['r2'] };
    expect(toSetOptionsIntent('residenceRecord', residence, draft)).toMatchObject({
      options: { residenceRecord: { scope: 'selected', memberIds: ['r2'] } },
    });
  });

  it('defaults a tax certificate to the newest offered year', () => {
    const intent = toSetOptionsIntent('taxCertificate', tax, initialDraft(tax, undefined));
    expect(intent).toMatchObject({ options: { tax: { kind: 'income', taxYear: 2026 } }, copies: 1 });
  });

  it('starts from what the main process already holds', () => {
    const draft = initialDraft(residence, {
      options: {
        residenceRecord: {
          scope: 'household',
          memberIds: [],
          form: 'household',
          householdHeadAndRelationship: false,
          domicile: true,
          myNumber: false,
          foreignResidentItems: true,
        },
      },
      copies: 2,
    });
    expect(draft).toMatchObject({ householdHeadAndRelationship: false, domicile: true, copies: 2 });
  });
});
