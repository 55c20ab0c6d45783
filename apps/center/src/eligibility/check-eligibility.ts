/**
 * The eligibility engine: every refusal rule of docs/service-rules.md#refusals, decided before
 * payment, each with its own catalog code. One read snapshot per call, no cache: an import
 * committed before the call is always seen.
 *
 * Order: the card, then the person (status, 仮登録, age), then the certifying municipality's offer
 * and hours, then the request (copies, options), then the records the document would show (seal,
 * register, tax, 支援措置, 発行抑止 — shared with loadCertificateData), then printability.
 */
import {
  ResidenceRecordOptions,
  TaxCertificateOptions,
  ageOn,
  isFamilyRegisterType,
  japanDate,
  multiplyYen,
  MadoguchiError,
  type CertificateData,
  type CertificateOptions,
  type CertificateType,
  type ErrorCode,
  type IsoDate,
  type Offering,
  type Resident,
  type Yen,
} from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { readTransaction } from '../db/database.js';
import { availabilityRefusal, feeInForce, offeringOf } from '../policy/availability.js';
import { isDomicileRegisteredIn } from '../policy/domicile-registration.js';
import { holidaysIn, policyIn } from '../policy/policy-store.js';
import { checkPrintable, type PrintableInput } from '../rendering/index.js';
import { certificateDataIn } from '../residents/certificate-data.js';
import { getMunicipality, getResident, type Executor } from '../residents/queries.js';
import { provisionalRefusal, residentStatusRefusal } from '../residents/record-guards.js';

/** 外字 and text too long for the paper: the renderer's checkPrintable, injected so tests and the server choose. */
export type PrintableCheck = (
  input: PrintableInput,
) => { ok: true } | { ok: false; code: 'ELIGIBILITY_UNPRINTABLE_CHARACTER' | 'ELIGIBILITY_TEXT_OVERFLOW'; detail?: string };

export const MINIMUM_AGE = 15;

/** The question: may this resident have this certificate, with these options and copies, now? */
export interface EligibilityRequest {
  residentId: string;
  certificateType: CertificateType;
  options: CertificateOptions | undefined;
  copies: number;
  now: Date;
  /** notAfter of the card's authCertificate, as verified at authentication. */
  authCertificateNotAfter?: Date;
  /** First day the card may be used (the card link's usableFrom). */
  cardUsableFrom?: IsoDate;
}

export interface EligibilityContext extends EligibilityRequest {
  database: CenterDatabase;
  /** Defaults to the renderer's checkPrintable; null leaves the check out (tests of other rules). */
  printableCheck?: PrintableCheck | null;
}

export type EligibilityResult =
  | {
      ok: true;
      /** Fee per copy in force today, and for all copies. */
      feeYen: Yen;
      totalYen: Yen;
      /** The certifying municipality: the 本籍地 for 戸籍 types, else the 住所地. */
      municipalityCode: string;
      /** The certifying municipality's name, when this check read its record (the printable check does). */
      municipalityName?: string;
      residenceMunicipalityCode: string;
      maxCopies: number;
    }
  | { ok: false; code: ErrorCode };

const refused = (code: ErrorCode): EligibilityResult => ({ ok: false, code });

/** Card and person rules, common to every type and to the menu. */
export function personRefusal(
  resident: Resident,
  ctx: Pick<EligibilityContext, 'now' | 'authCertificateNotAfter' | 'cardUsableFrom'>,
): ErrorCode | null {
  const today = japanDate(ctx.now);
  if (ctx.authCertificateNotAfter && ctx.authCertificateNotAfter.getTime() < ctx.now.getTime()) return 'AUTH_CERTIFICATE_EXPIRED';
  if (ctx.cardUsableFrom && ctx.cardUsableFrom > today) return 'ELIGIBILITY_CARD_NOT_YET_USABLE';
  const status = residentStatusRefusal(resident);
  if (status) return status;
  if (provisionalRefusal([resident])) return 'ELIGIBILITY_PROVISIONAL';
  if (ageOn(resident.birthDate, today) < MINIMUM_AGE) return 'ELIGIBILITY_UNDER_15';
  return null;
}

/** Which municipality certifies this type for this resident, or why none may. */
async function certifyingMunicipality(
  db: Executor,
  resident: Resident,
  type: CertificateType,
): Promise<{ code: string } | { refusal: ErrorCode }> {
  if (!isFamilyRegisterType(type)) return { code: resident.municipalityCode };
  const domicile = resident.domicile?.municipalityCode;
  if (!domicile) return { refusal: 'ELIGIBILITY_NO_FAMILY_REGISTER' };
  if (domicile !== resident.municipalityCode && !(await isDomicileRegisteredIn(db, resident.residentId, domicile))) {
    return { refusal: 'ELIGIBILITY_DOMICILE_NOT_REGISTERED' };
  }
  return { code: domicile };
}

function optionRefusal(type: CertificateType, offering: Offering, options: CertificateOptions | undefined): ErrorCode | null {
  if (type === 'residenceRecord' || type === 'residenceItemsCertificate') {
    const parsed = ResidenceRecordOptions.safeParse(options?.residenceRecord ?? {});
    if (!parsed.success) return 'INPUT_INVALID';
    if (parsed.data.myNumber && !offering.allowMyNumber) return 'ELIGIBILITY_OPTION_NOT_ALLOWED';
    if (parsed.data.domicile && !offering.allowDomicile) return 'ELIGIBILITY_OPTION_NOT_ALLOWED';
  }
  if (type === 'taxCertificate') {
    const parsed = TaxCertificateOptions.safeParse(options?.tax);
    if (!parsed.success) return 'ELIGIBILITY_TAX_YEAR_UNAVAILABLE';
    if (!offering.taxYears.includes(parsed.data.taxYear)) return 'ELIGIBILITY_TAX_YEAR_UNAVAILABLE';
  }
  return null;
}

export async function eligibilityIn(db: Executor, ctx: Omit<EligibilityContext, 'database'>): Promise<EligibilityResult> {
  const resident = await getResident(db, ctx.residentId);
  if (!resident) return refused('AUTH_RESIDENT_UNKNOWN');
  const person = personRefusal(resident, ctx);
  if (person) return refused(person);

  const certifying = await certifyingMunicipality(db, resident, ctx.certificateType);
  if ('refusal' in certifying) return refused(certifying.refusal);
  const today = japanDate(ctx.now);
  const policy = await policyIn(db, certifying.code, today);
  const offering = policy ? offeringOf(policy, ctx.certificateType) : null;
  const fee = offering ? feeInForce(offering, today) : null;
  if (!policy || !offering || fee === null) return refused('ELIGIBILITY_TYPE_NOT_OFFERED');
  const availability = availabilityRefusal({
    policy,
    fn: 'issuance',
    hours: offering.hours,
    type: ctx.certificateType,
    instant: ctx.now,
    holidays: await holidaysIn(db, today, today),
  });
  if (availability) return refused(availability);

  if (!Number.isInteger(ctx.copies) || ctx.copies < 1 || ctx.copies > offering.maxCopies) return refused('ELIGIBILITY_TOO_MANY_COPIES');
  const option = optionRefusal(ctx.certificateType, offering, ctx.options);
  if (option) return refused(option);

  let data: CertificateData;
  try {
    data = await certificateDataIn(db, {
      residentId: ctx.residentId,
      certificateType: ctx.certificateType,
      options: ctx.options,
      now: ctx.now,
      // The printable check draws a blank impression, so the decision reads the registration without its image.
      sealImage: false,
    });
  } catch (error) {
    if (error instanceof MadoguchiError) return refused(error.code);
    throw error;
  }
  const printableCheck = ctx.printableCheck === undefined ? checkPrintable : ctx.printableCheck;
  let municipalityName: string | undefined;
  if (printableCheck) {
    // Everything the certificate draws: the data, and the certifying municipality's name, head and fixed texts.
    const municipality = await getMunicipality(db, certifying.code);
    if (!municipality) throw new MadoguchiError('INTERNAL', `no municipality ${certifying.code}`);
    const printable = printableCheck({ data, municipality, policy, issuedOn: today });
    if (!printable.ok) return refused(printable.code);
    municipalityName = municipality.name;
  }
  return {
    ok: true,
    feeYen: fee,
    totalYen: multiplyYen(fee, ctx.copies),
    municipalityCode: certifying.code,
    ...(municipalityName === undefined ? {} : { municipalityName }),
    residenceMunicipalityCode: resident.municipalityCode,
    maxCopies: offering.maxCopies,
  };
}

export function checkEligibility(ctx: EligibilityContext): Promise<EligibilityResult> {
  return readTransaction(ctx.database, (trx) => eligibilityIn(trx, ctx));
}
