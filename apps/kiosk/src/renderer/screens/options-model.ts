/**
 * The options a resident chooses for one certificate, asked one decision per screen. Which steps
 * exist depends on the certificate and on what the municipality allows (the menu item); the
 * result is the `setOptions` intent the main process validates again.
 */
import type { CertificateOptions, CertificateType, KioskIntent, MenuItem, TaxCertificateKind } from '@madoguchi/shared';

export type OptionsStep = 'scope' | 'members' | 'items' | 'taxKind' | 'taxYear' | 'copies';

export interface OptionsDraft {
  scope: 'household' | 'selected';
  memberIds: string[];
  householdHeadAndRelationship: boolean;
  domicile: boolean;
  myNumber: boolean;
  taxKind: TaxCertificateKind;
  taxYear: number | undefined;
  copies: number;
}

export const MAX_COPIES = 10;

function usesResidenceOptions(type: CertificateType): boolean {
  return type === 'residenceRecord' || type === 'residenceItemsCertificate';
}

export function stepsFor(type: CertificateType, item: MenuItem | undefined, draft: OptionsDraft): OptionsStep[] {
  if (usesResidenceOptions(type)) {
    return draft.scope === 'selected' ? ['scope', 'members', 'items', 'copies'] : ['scope', 'items', 'copies'];
  }
  if (type === 'taxCertificate') {
    // A single offered year is not a decision: skip the screen.
    return (item?.taxYears?.length ?? 0) > 1 ? ['taxKind', 'taxYear', 'copies'] : ['taxKind', 'copies'];
  }
  return ['copies'];
}

export function maxCopiesFor(item: MenuItem | undefined): number {
  return Math.min(MAX_COPIES, Math.max(1, item?.maxCopies ?? MAX_COPIES));
}

/** Starts from what the main process already holds (coming back from the fee), else defaults. */
export function initialDraft(
  item: MenuItem | undefined,
  selected: { options: CertificateOptions; copies: number } | undefined,
): OptionsDraft {
  const residence = selected?.options.residenceRecord;
  const tax = selected?.options.tax;
  const years = item?.taxYears ?? [];
  return {
    scope: residence?.scope ?? 'household',
    memberIds: residence?.memberIds ?? [],
    householdHeadAndRelationship: residence?.householdHeadAndRelationship ?? true,
    domicile: item?.allowDomicile ? (residence?.domicile ?? false) : false,
    myNumber: item?.allowMyNumber ? (residence?.myNumber ?? false) : false,
    taxKind: tax?.kind ?? 'income',
    taxYear: tax?.taxYear ?? years[years.length - 1],
    copies: Math.min(Math.max(1, selected?.copies ?? 1), maxCopiesFor(item)),
  };
}

export function canLeaveStep(step: OptionsStep, draft: OptionsDraft): boolean {
  if (step === 'members') return draft.memberIds.length > 0;
  if (step === 'taxYear') return draft.taxYear !== undefined;
  return true;
}

export function toSetOptionsIntent(type: CertificateType, item: MenuItem | undefined, draft: OptionsDraft): KioskIntent {
  const copies = Math.min(Math.max(1, draft.copies), maxCopiesFor(item));
  let options: CertificateOptions = {};
  if (usesResidenceOptions(type)) {
    options = {
      residenceRecord: {
        scope: draft.scope,
        memberIds: draft.scope === 'selected' ? draft.memberIds : [],
        form: 'household',
        householdHeadAndRelationship: draft.householdHeadAndRelationship,
        // Never send an option the municipality does not allow, whatever the draft says.
        domicile: item?.allowDomicile ? draft.domicile : false,
        myNumber: item?.allowMyNumber ? draft.myNumber : false,
        foreignResidentItems: true,
      },
    };
  } else if (type === 'taxCertificate') {
    const taxYear = draft.taxYear ?? item?.taxYears?.[item.taxYears.length - 1];
    options = taxYear === undefined ? {} : { tax: { kind: draft.taxKind, taxYear } };
  }
  return { type: 'setOptions', options, copies };
}
