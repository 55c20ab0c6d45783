/**
 * What one certificate is made of, after eligibility has passed: the center's data layer produces
 * it from the approved record, the renderer turns it into pages. Nothing else flows between them,
 * so a renderer can never reach for another resident's record.
 */
import type {
  AddressHistory,
  FamilyRegister,
  FamilyRegisterPerson,
  Household,
  Municipality,
  PersonName,
  Resident,
  SealRegistration,
  TaxRecord,
} from './municipal-data.js';
import type { ResidenceRecordOptions, MunicipalityPolicy } from './policy.js';
import type { TaxCertificateKind } from './certificate-type.js';

export type CertificateData =
  | {
      certificateType: 'residenceRecord' | 'residenceItemsCertificate';
      household: Household;
      /** Members to print, already in the standard order (世帯主 → 配偶者 → 子 …). */
      members: Resident[];
      /** True when every member of the household is printed (chooses the 認証文). */
      wholeHousehold: boolean;
      /**
       * The 世帯主's name, printed in the header whether or not the 世帯主 is among the selected
       * members (a store path that dropped an item the counter prints was a real incident).
       */
      householdHeadName: PersonName;
      options: ResidenceRecordOptions;
    }
  | { certificateType: 'sealCertificate'; resident: Resident; address: string; registration: SealRegistration }
  | {
      certificateType: 'familyRegisterFull' | 'familyRegisterIndividual';
      register: FamilyRegister;
      /** Full: every person in register order; individual: the chosen person(s). */
      persons: FamilyRegisterPerson[];
    }
  | { certificateType: 'familyRegisterAddressHistory'; register: FamilyRegister; history: AddressHistory }
  | { certificateType: 'taxCertificate'; kind: TaxCertificateKind; resident: Resident; address: string; record: TaxRecord };

/** The issue number (発行番号) parts; the renderer appends ` n/N` on each page. */
export interface IssueNumberParts {
  /** YYYYMMDD */
  date: string;
  municipalityName: string;
  terminalId: string;
  printerId: string;
  /** Zero-padded per-terminal sequence, one per copy. */
  sequence: string;
}

export function formatIssueNumber(parts: IssueNumberParts): string {
  return `${parts.date} ${parts.municipalityName} ${parts.terminalId} ${parts.printerId} ${parts.sequence}`;
}

export function pageIssueNumber(issueNumber: string, page: number, pageCount: number): string {
  return `${issueNumber} ${page}/${pageCount}`;
}

export interface RenderInput {
  issuanceId: string;
  copyIndex: number;
  issueNumber: string;
  /** The municipality that certifies (the 本籍地 for 戸籍 types). */
  municipality: Municipality;
  policy: Pick<MunicipalityPolicy, 'officialSealPng' | 'officialSealSizeMm' | 'fixedTexts'>;
  /**
   * A console preview (見本): every page is marked 見本 (SAMPLE) and the document carries no
   * verification code at all, so no sample can pass for an issued certificate at /verify.
   */
  sample?: boolean;
  /** ISO date in Japan; printed in 和暦. */
  issuedOn: string;
  data: CertificateData;
}
