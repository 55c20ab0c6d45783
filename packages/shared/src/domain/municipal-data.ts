/**
 * Municipal data as the center holds it and as municipalities import it (JSON, or CSV per record
 * kind). One schema, used by the import API, the demo-data generator, eligibility and rendering.
 * Personal fields (names, addresses, My Numbers) must never be logged: log ids only.
 */
import { z } from 'zod';
import { IsoDate } from './dates.js';
import { CertificateType } from './certificate-type.js';

/** 全国地方公共団体コード: 6 digits including the check digit, e.g. 131016 (千代田区). */
export const MunicipalityCode = z.string().regex(/^\d{6}$/, '団体コードは6桁の数字です (municipality code is 6 digits)');
export type MunicipalityCode = z.infer<typeof MunicipalityCode>;

/**
 * An id in municipal data (household, resident, 戸籍, person, registration…): printable ASCII
 * without spaces, at most 64 characters. The import enforces it, so every id a kiosk may later send
 * back (household members, 戸籍 persons) passes the kiosk API's bounds too.
 */
export const RecordId = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[\x21-\x7e]+$/,
    'ID は空白を含まない半角英数字・記号で64文字以内です (an id: printable ASCII without spaces, at most 64 characters)',
  );

export const MunicipalityKind = z.enum(['designatedCity', 'specialWard', 'city', 'town', 'village']);
export type MunicipalityKind = z.infer<typeof MunicipalityKind>;

export const Municipality = z.object({
  code: MunicipalityCode,
  prefecture: z.string().min(1), // 東京都
  name: z.string().min(1), // 千代田区
  kind: MunicipalityKind,
  population: z.number().int().nonnegative(),
  /** Head of the municipality as printed under the 認証文: title (区長, 市長, 町長) and name. */
  head: z.object({ title: z.string().min(1), name: z.string().min(1) }),
});
export type Municipality = z.infer<typeof Municipality>;

export const PersonName = z.object({
  family: z.string().min(1),
  given: z.string(),
  familyKana: z.string().optional(),
  givenKana: z.string().optional(),
});
export type PersonName = z.infer<typeof PersonName>;

export const Sex = z.enum(['male', 'female']);
export type Sex = z.infer<typeof Sex>;

/** Where a resident stands in the record. Only `active` residents can get certificates at a store. */
export const ResidentStatus = z.enum(['active', 'pendingMoveOut', 'movedOut', 'deceased', 'removed']);
export type ResidentStatus = z.infer<typeof ResidentStatus>;

/** 仮登録: a record still being entered must never be used for a certificate. */
export const RecordState = z.enum(['approved', 'provisional']);
export type RecordState = z.infer<typeof RecordState>;

export const ForeignResidentItems = z.object({
  nationality: z.string().min(1), // 国籍・地域
  residenceCardNumber: z.string().regex(/^[A-Z]{2}\d{8}[A-Z]{2}$/, '在留カード番号の形式が違います (residence card number format)'),
  residenceStatus: z.string().min(1), // 在留資格
  periodOfStay: z.string().min(1), // 在留期間, e.g. 3年
  periodExpiresOn: IsoDate, // 在留期間の満了日 (printed in 西暦)
  /** Name as printed for a foreign resident (alphabet), and optional 通称. */
  alias: z.string().optional(),
});
export type ForeignResidentItems = z.infer<typeof ForeignResidentItems>;

export const Domicile = z.object({
  /** The 本籍地 municipality (may be another municipality than the 住所地). */
  municipalityCode: MunicipalityCode,
  address: z.string().min(1), // 本籍
  headName: z.string().min(1), // 筆頭者
});
export type Domicile = z.infer<typeof Domicile>;

export const Household = z.object({
  householdId: RecordId,
  municipalityCode: MunicipalityCode,
  address: z.string().min(1), // 住所 (full, with prefecture)
  householdHeadId: RecordId,
});
export type Household = z.infer<typeof Household>;

export const Resident = z.object({
  residentId: RecordId,
  municipalityCode: MunicipalityCode,
  householdId: RecordId,
  name: PersonName,
  /** 旧氏 registered by the resident: must be printed whenever present. */
  formerSurname: z.string().optional(),
  birthDate: IsoDate,
  sex: Sex,
  /** 続柄 as recorded: 世帯主, 妻, 子, 父, 同居人 … */
  relationship: z.string().min(1),
  becameResidentOn: IsoDate, // 住民となった年月日
  addressSetOn: IsoDate, // 住所を定めた年月日
  notifiedOn: IsoDate, // 届出日
  previousAddress: z.string().optional(), // 転入前住所
  domicile: Domicile.optional(), // 本籍・筆頭者: Japanese nationals only
  myNumber: z.string().regex(/^\d{12}$/, '個人番号は12桁の数字です (My Number is 12 digits)'),
  foreign: ForeignResidentItems.optional(),
  status: ResidentStatus,
  statusChangedOn: IsoDate.optional(),
  recordState: RecordState,
});
export type Resident = z.infer<typeof Resident>;

export const SealRegistration = z.object({
  registrationId: RecordId,
  residentId: RecordId,
  registrationNumber: z.string().min(1), // 登録番号
  registeredOn: IsoDate,
  status: z.enum(['active', 'cancelled']), // 廃止 → cancelled
  cancelledOn: IsoDate.optional(),
  /** The registered seal impression (登録印影) as a PNG, base64. */
  sealImagePng: z.string().min(1),
});
export type SealRegistration = z.infer<typeof SealRegistration>;

/** One 身分事項 entry. `details` are printed as 【label】value lines in order. */
export const FamilyRegisterEvent = z.object({
  kind: z.enum(['birth', 'marriage', 'divorce', 'adoption', 'death', 'entry', 'removal', 'other']),
  label: z.string().min(1), // 出生, 婚姻, 死亡 …
  date: IsoDate,
  details: z.array(z.tuple([z.string().min(1), z.string()])),
});
export type FamilyRegisterEvent = z.infer<typeof FamilyRegisterEvent>;

export const FamilyRegisterPerson = z.object({
  personId: RecordId,
  /** Link to the resident record where this person lives in a municipality we serve. */
  residentId: RecordId.optional(),
  name: PersonName,
  birthDate: IsoDate,
  sex: Sex,
  father: z.string().optional(),
  mother: z.string().optional(),
  relationship: z.string().min(1), // 続柄 in the register: 長男, 長女, 夫 …
  spouseRole: z.enum(['夫', '妻']).optional(), // 配偶者区分
  /** 除籍: the person left the register (marriage, death). Still printed in 全部事項 with a 除籍 mark. */
  removed: z.boolean().default(false),
  events: z.array(FamilyRegisterEvent),
});
export type FamilyRegisterPerson = z.infer<typeof FamilyRegisterPerson>;

export const FamilyRegister = z.object({
  registerId: RecordId,
  municipalityCode: MunicipalityCode, // the 本籍地 that holds it
  domicileAddress: z.string().min(1), // 【本籍】
  headName: PersonName, // 【氏名】 筆頭者
  registerEvents: z.array(z.tuple([z.string().min(1), z.string()])), // 戸籍事項: 【改製日】…
  persons: z.array(FamilyRegisterPerson).min(1),
  recordState: RecordState,
});
export type FamilyRegister = z.infer<typeof FamilyRegister>;

/** 戸籍の附票: address history of each person in a family register. */
export const AddressHistory = z.object({
  registerId: RecordId,
  municipalityCode: MunicipalityCode,
  entries: z.array(
    z.object({
      personId: RecordId,
      address: z.string().min(1),
      addressSetOn: IsoDate,
    }),
  ),
});
export type AddressHistory = z.infer<typeof AddressHistory>;

export const TaxRecord = z.object({
  residentId: RecordId,
  municipalityCode: MunicipalityCode,
  /** 年度 (fiscal year of the assessment) and the calendar year of the income it is based on. */
  taxYear: z.number().int().min(2000).max(2100),
  incomeYear: z.number().int().min(1999).max(2099),
  /** Registered in the municipality on 1 January of the tax year: without it the store cannot issue. */
  registeredOnJanuaryFirst: z.boolean(),
  incomes: z.array(z.object({ kind: z.string().min(1), amount: z.number().int() })),
  totalIncome: z.number().int(),
  deductions: z.array(z.object({ kind: z.string().min(1), amount: z.number().int().nonnegative() })),
  taxableIncome: z.number().int().nonnegative(),
  municipalTax: z.number().int().nonnegative(),
  prefecturalTax: z.number().int().nonnegative(),
  nonTaxable: z.boolean(),
  payments: z.array(
    z.object({
      period: z.string().min(1), // 第1期
      dueDate: IsoDate,
      assessed: z.number().int().nonnegative(),
      paid: z.number().int().nonnegative(),
    }),
  ),
});
export type TaxRecord = z.infer<typeof TaxRecord>;

/** 支援措置 (DV/stalking victims): blocks certificates of the protected resident at stores. */
export const ProtectionMeasure = z.object({
  measureId: RecordId,
  residentId: RecordId,
  from: IsoDate,
  until: IsoDate.optional(),
});
export type ProtectionMeasure = z.infer<typeof ProtectionMeasure>;

/** 発行抑止 set by the municipality; applies to the next request at once. */
export const IssuanceBlock = z.object({
  blockId: RecordId,
  residentId: RecordId,
  certificateTypes: z.array(CertificateType).optional(), // absent = every type
  reason: z.string().min(1), // shown to clerks only, never at the kiosk
  from: IsoDate,
  until: IsoDate.optional(),
});
export type IssuanceBlock = z.infer<typeof IssuanceBlock>;

/** Binds a card's 利用者証明用電子証明書 (issuer DN + serial) to a resident. */
export const CardLink = z.object({
  residentId: RecordId,
  issuer: z.string().min(1),
  serialNumber: z.string().regex(/^[0-9A-F]+$/, 'serial is upper-case hex'),
  /** First day the card may be used at a store (the day after issuance / move-in / PIN change). */
  usableFrom: IsoDate,
});
export type CardLink = z.infer<typeof CardLink>;

/** Everything one import batch can carry. Each array is optional; a batch is applied atomically. */
export const MunicipalDataBatch = z.object({
  municipalities: z.array(Municipality).default([]),
  households: z.array(Household).default([]),
  residents: z.array(Resident).default([]),
  sealRegistrations: z.array(SealRegistration).default([]),
  familyRegisters: z.array(FamilyRegister).default([]),
  addressHistories: z.array(AddressHistory).default([]),
  taxRecords: z.array(TaxRecord).default([]),
  protectionMeasures: z.array(ProtectionMeasure).default([]),
  issuanceBlocks: z.array(IssuanceBlock).default([]),
  cardLinks: z.array(CardLink).default([]),
});
export type MunicipalDataBatch = z.infer<typeof MunicipalDataBatch>;
export type MunicipalDataBatchInput = z.input<typeof MunicipalDataBatch>;
