/**
 * What each municipality offers at stores and on what terms. Configured by municipal staff;
 * everything is data (fees with effective dates, hours per type and function, outages, texts).
 */
import { z } from 'zod';
import { CertificateType, KioskFunction } from './certificate-type.js';
import { IsoDate } from './dates.js';
import { MunicipalityCode } from './municipal-data.js';
import { YenSchema } from './money.js';

/** `HH:MM` in Japan time; `24:00` allowed as an end. */
export const ClockTime = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'HH:MM で入力してください (use HH:MM)');

export const ServiceHours = z.object({
  /** 0 = Sunday … 6 = Saturday */
  weekdays: z.array(z.number().int().min(0).max(6)).min(1),
  from: ClockTime,
  to: ClockTime,
  /** 祝日 closed (national holidays are in the holiday calendar data). */
  closedOnHolidays: z.boolean().default(false),
});
export type ServiceHours = z.infer<typeof ServiceHours>;

export const FeeSchedule = z.array(z.object({ effectiveFrom: IsoDate, feeYen: YenSchema })).min(1);

/** Options a resident may choose, and which of them this municipality allows at stores. */
export const ResidenceRecordOptions = z.object({
  scope: z.enum(['household', 'selected']).default('household'),
  /** residentIds when scope = selected */
  memberIds: z.array(z.string()).default([]),
  form: z.enum(['household', 'individual']).default('household'), // 世帯連記式 / 個票
  householdHeadAndRelationship: z.boolean().default(true), // 世帯主・続柄
  domicile: z.boolean().default(false), // 本籍・筆頭者
  myNumber: z.boolean().default(false), // 個人番号
  foreignResidentItems: z.boolean().default(true), // 国籍・地域, 在留カード等の番号, 在留資格等
});
export type ResidenceRecordOptions = z.infer<typeof ResidenceRecordOptions>;

/**
 * What a resident gets without changing anything: the schema's defaults — the whole household, one
 * form, 世帯主・続柄 and the foreign-resident items printed, no 本籍, no 個人番号. The kiosk starts
 * every 住民票 from it; tests use it where they mean "the ordinary request".
 */
export const defaultResidenceRecordOptions = (): ResidenceRecordOptions => ResidenceRecordOptions.parse({});

export const TaxCertificateOptions = z.object({
  kind: z.enum(['income', 'nonTaxable', 'payment']),
  taxYear: z.number().int(),
});

export const FamilyRegisterOptions = z.object({
  /** Which family register: by default the one the card holder is recorded in. */
  registerId: z.string().optional(),
  /** For familyRegisterIndividual: the person (defaults to the card holder). */
  personId: z.string().optional(),
});

/** The options sent with a request; one object with the part that matches the type. */
export const CertificateOptions = z.object({
  residenceRecord: ResidenceRecordOptions.optional(),
  tax: TaxCertificateOptions.optional(),
  familyRegister: FamilyRegisterOptions.optional(),
});
export type CertificateOptions = z.infer<typeof CertificateOptions>;

export const Offering = z.object({
  certificateType: CertificateType,
  enabled: z.boolean(),
  fees: FeeSchedule,
  hours: z.array(ServiceHours).min(1),
  /** Residence-record options this municipality allows at stores. */
  allowMyNumber: z.boolean().default(false),
  allowDomicile: z.boolean().default(true),
  /** Tax years offered (usually the current one; only the previous during the June switch-over). */
  taxYears: z.array(z.number().int()).default([]),
  maxCopies: z.number().int().min(1).max(10).default(10),
});
export type Offering = z.infer<typeof Offering>;

export const Outage = z.object({
  outageId: z.string().min(1),
  from: z.string().datetime({ offset: true }),
  until: z.string().datetime({ offset: true }),
  /** Absent = every certificate type and function. */
  certificateTypes: z.array(CertificateType).optional(),
  functions: z.array(KioskFunction).optional(),
  reason: z.string().min(1),
});
export type Outage = z.infer<typeof Outage>;

export const MunicipalityPolicy = z.object({
  municipalityCode: MunicipalityCode,
  offerings: z.array(Offering),
  /** Hours for 本籍地利用登録申請 at the kiosk. */
  domicileRegistrationHours: z.array(ServiceHours).default([]),
  outages: z.array(Outage).default([]),
  /** 12/29–1/3 closure (isYearEndClosure) applies unless a municipality opts out (none does today). */
  yearEndClosure: z.boolean().default(true),
  /** Official seal (公印) image: PNG base64, printed black at ≤ 25 mm. */
  officialSealPng: z.string().min(1),
  /**
   * The seal's printed width in mm, as the municipality set it with its image (console); absent:
   * the layout profile's size for the municipality (the forms printed before it could be set).
   */
  officialSealSizeMm: z.number().min(10).max(25).optional(),
  fixedTexts: z.object({
    /** Printed next to the seal, e.g. 「この印は黒色です」 or 「公印省略」. */
    sealNote: z.string().default('この印は黒色です'),
    /** Residence-record 認証文 overrides, when a municipality words them differently. */
    residenceRecordWholeHousehold: z.string().default('この写しは、世帯全員の住民票の原本と相違ないことを証明する。'),
    residenceRecordPartial: z.string().default('この写しは、住民票の原本と相違ないことを証明する。'),
    sealCertificate: z.string().default('この写しは、登録されている印影と相違ないことを証明します。'),
  }),
});
export type MunicipalityPolicy = z.infer<typeof MunicipalityPolicy>;
export type MunicipalityPolicyInput = z.input<typeof MunicipalityPolicy>;

/** National holidays and other closed days, as data. */
export const HolidayCalendar = z.array(z.object({ date: IsoDate, name: z.string() }));

/**
 * The year-end closure: 29 December – 3 January (a Japan date, YYYY-MM-DD). One rule for the
 * center's availability check and the demo's choice of a working day.
 */
export function isYearEndClosure(date: string): boolean {
  const md = date.slice(5);
  return md >= '12-29' || md <= '01-03';
}
