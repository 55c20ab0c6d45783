/**
 * CertificateData for one request, read from the approved records in one snapshot. Every record
 * guard is applied again here (see record-guards.ts); a refusal throws MadoguchiError with the
 * eligibility code, so a document is never made from a cancelled, moved, protected or provisional
 * record even if eligibility was decided before an import.
 */
import {
  type CertificateOptions,
  FamilyRegisterOptions,
  MadoguchiError,
  ResidenceRecordOptions,
  TaxCertificateOptions,
  japanDate,
  type CertificateData,
  type CertificateType,
  type ErrorCode,
  type FamilyRegister,
  type FamilyRegisterPerson,
  type Resident,
} from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import { readTransaction } from '../db/database.js';
import { sortMembers } from './member-order.js';
import {
  activeSealRegistration,
  blockedResidents,
  getAddressHistory,
  getFamilyRegister,
  getHousehold,
  getResident,
  getTaxRecord,
  guardsOf,
  protectedResidents,
  registerIdsOfResident,
  residentsOfHousehold,
  type Executor,
} from './queries.js';
import { provisionalRefusal, residentStatusRefusal } from './record-guards.js';

export interface CertificateDataRequest {
  residentId: string;
  certificateType: CertificateType;
  options: CertificateOptions | undefined;
  now: Date;
  /**
   * false: for a decision, not a document — a seal registration comes without its impression
   * (sealImagePng ''), which no check reads. Every guard applies the same.
   */
  sealImage?: boolean;
}

function refuse(code: ErrorCode, detail?: string): never {
  throw new MadoguchiError(code, detail);
}

/**
 * The 個人番号 leaves the data layer only when the certificate prints it (a 住民票 with the option
 * chosen): the renderer, its workers and anything that digests a document never hold it otherwise.
 */
function withoutMyNumber(resident: Resident): Resident {
  return { ...resident, myNumber: '' };
}

/**
 * Checks shared by every type: the holder exists, is active, approved, and not blocked or protected.
 * `household`: the document shows the holder's household too (a 住民票), so its members' measures and
 * blocks are read with the holder's, in one statement; each is still checked only where it applies.
 */
async function holder(db: Executor, residentId: string, type: CertificateType, today: string, household = false): Promise<Resident> {
  const resident = await getResident(db, residentId);
  if (!resident) refuse('AUTH_RESIDENT_UNKNOWN', 'no resident record for this id');
  const status = residentStatusRefusal(resident);
  if (status) refuse(status);
  if (provisionalRefusal([resident])) refuse('ELIGIBILITY_PROVISIONAL');
  if (household)
    await guardsOf(db, [residentId, ...(await residentsOfHousehold(db, resident.householdId)).map((m) => m.residentId)], today);
  await personsGuard(db, [residentId], type, today);
  return resident;
}

/** 支援措置 and 発行抑止 on any person the document shows. */
async function personsGuard(db: Executor, residentIds: readonly string[], type: CertificateType, today: string): Promise<void> {
  if ((await protectedResidents(db, residentIds, today)).size > 0) refuse('ELIGIBILITY_RESTRICTED');
  if ((await blockedResidents(db, residentIds, type, today)).size > 0) refuse('ELIGIBILITY_ISSUANCE_BLOCKED');
}

/** The household's printable members (消除者 never appear), in the standard order. */
export async function householdMembersIn(db: Executor, resident: Resident): Promise<{ printable: Resident[]; all: Resident[] }> {
  const household = await getHousehold(db, resident.householdId);
  const all = await residentsOfHousehold(db, resident.householdId);
  const printable = sortMembers(
    all.filter((m) => m.status === 'active' || m.status === 'pendingMoveOut'),
    household?.householdHeadId,
  );
  return { printable, all };
}

async function residenceRecordData(db: Executor, request: CertificateDataRequest, today: string): Promise<CertificateData> {
  const type = request.certificateType as 'residenceRecord' | 'residenceItemsCertificate';
  const resident = await holder(db, request.residentId, type, today, true);
  const household = await getHousehold(db, resident.householdId);
  if (!household) refuse('INTERNAL', 'household record missing');
  const { printable, all } = await householdMembersIn(db, resident);
  const head = all.find((m) => m.residentId === household.householdHeadId);
  if (!head) refuse('INTERNAL', 'household head record missing');
  // A pending move-out of anyone in the household blocks the household's 住民票
  // (docs/service-rules.md#pending-move-out).
  if (printable.some((m) => m.status === 'pendingMoveOut')) refuse('ELIGIBILITY_PENDING_MOVE_OUT');
  const options = ResidenceRecordOptions.parse(request.options?.residenceRecord ?? {});
  let members: Resident[];
  if (options.scope === 'household') {
    members = printable;
  } else {
    const wanted = options.memberIds.length > 0 ? options.memberIds : [resident.residentId];
    const byId = new Map(printable.map((m) => [m.residentId, m]));
    if (wanted.some((id) => !byId.has(id))) refuse('ELIGIBILITY_MEMBER_NOT_IN_HOUSEHOLD');
    const wantedSet = new Set(wanted);
    members = printable.filter((m) => wantedSet.has(m.residentId));
  }
  if (provisionalRefusal(members)) refuse('ELIGIBILITY_PROVISIONAL');
  await personsGuard(
    db,
    members.map((m) => m.residentId),
    type,
    today,
  );
  const wholeHousehold = members.length === printable.length;
  if (!options.myNumber) members = members.map(withoutMyNumber);
  return {
    certificateType: type,
    household,
    members,
    wholeHousehold,
    householdHeadName: head.name,
    options: {
      ...options,
      scope: wholeHousehold ? 'household' : 'selected',
      memberIds: wholeHousehold ? [] : members.map((m) => m.residentId),
    },
  };
}

async function sealData(db: Executor, request: CertificateDataRequest, today: string): Promise<CertificateData> {
  const resident = await holder(db, request.residentId, 'sealCertificate', today);
  const registration = await activeSealRegistration(db, resident.residentId, { image: request.sealImage !== false });
  if (!registration) refuse('ELIGIBILITY_NO_SEAL_REGISTRATION');
  const household = await getHousehold(db, resident.householdId);
  if (!household) refuse('INTERNAL', 'household record missing');
  return { certificateType: 'sealCertificate', resident: withoutMyNumber(resident), address: household.address, registration };
}

/** The register the holder asked for, which must be one they are recorded in. */
export async function holderRegister(db: Executor, resident: Resident, registerId: string | undefined): Promise<FamilyRegister> {
  const own = await registerIdsOfResident(db, resident.residentId);
  const id = registerId ?? own[0];
  if (id === undefined || !own.includes(id)) refuse('ELIGIBILITY_NO_FAMILY_REGISTER');
  const register = await getFamilyRegister(db, id);
  if (!register) refuse('ELIGIBILITY_NO_FAMILY_REGISTER');
  // The register must be held by the holder's 本籍地: that municipality's policy, fee, 利用登録 and
  // official seal apply, so a register filed elsewhere must not be certified under its name.
  if (register.municipalityCode !== resident.domicile?.municipalityCode) refuse('ELIGIBILITY_NO_FAMILY_REGISTER');
  if (provisionalRefusal([register])) refuse('ELIGIBILITY_PROVISIONAL');
  return register;
}

function linkedResidentIds(persons: readonly FamilyRegisterPerson[]): string[] {
  return persons.flatMap((p) => (p.residentId ? [p.residentId] : []));
}

async function familyRegisterData(db: Executor, request: CertificateDataRequest, today: string): Promise<CertificateData> {
  const type = request.certificateType as 'familyRegisterFull' | 'familyRegisterIndividual' | 'familyRegisterAddressHistory';
  const resident = await holder(db, request.residentId, type, today);
  const options = FamilyRegisterOptions.parse(request.options?.familyRegister ?? {});
  const register = await holderRegister(db, resident, options.registerId);
  if (type === 'familyRegisterIndividual') {
    const person = options.personId
      ? register.persons.find((p) => p.personId === options.personId)
      : register.persons.find((p) => p.residentId === resident.residentId);
    if (!person) refuse('ELIGIBILITY_NO_FAMILY_REGISTER');
    await personsGuard(db, linkedResidentIds([person]), type, today);
    return { certificateType: type, register, persons: [person] };
  }
  await personsGuard(db, linkedResidentIds(register.persons), type, today);
  if (type === 'familyRegisterFull') return { certificateType: type, register, persons: register.persons };
  const history = await getAddressHistory(db, register.registerId);
  if (!history) refuse('ELIGIBILITY_NO_FAMILY_REGISTER');
  return { certificateType: type, register, history };
}

async function taxData(db: Executor, request: CertificateDataRequest, today: string): Promise<CertificateData> {
  const resident = await holder(db, request.residentId, 'taxCertificate', today);
  const parsed = TaxCertificateOptions.safeParse(request.options?.tax);
  if (!parsed.success) refuse('ELIGIBILITY_TAX_YEAR_UNAVAILABLE', 'no tax year chosen');
  const { kind, taxYear } = parsed.data;
  const record = await getTaxRecord(db, resident.residentId, taxYear);
  if (!record) refuse('ELIGIBILITY_TAX_YEAR_UNAVAILABLE');
  if (!record.registeredOnJanuaryFirst) refuse('ELIGIBILITY_TAX_NOT_REGISTERED_JAN_1');
  if (kind === 'nonTaxable' && !record.nonTaxable) refuse('ELIGIBILITY_NOT_NON_TAXABLE');
  const household = await getHousehold(db, resident.householdId);
  if (!household) refuse('INTERNAL', 'household record missing');
  return { certificateType: 'taxCertificate', kind, resident: withoutMyNumber(resident), address: household.address, record };
}

/** Read with the executor of a caller's transaction (eligibility reuses it). */
export async function certificateDataIn(db: Executor, request: CertificateDataRequest): Promise<CertificateData> {
  const today = japanDate(request.now);
  switch (request.certificateType) {
    case 'residenceRecord':
    case 'residenceItemsCertificate':
      return residenceRecordData(db, request, today);
    case 'sealCertificate':
      return sealData(db, request, today);
    case 'familyRegisterFull':
    case 'familyRegisterIndividual':
    case 'familyRegisterAddressHistory':
      return familyRegisterData(db, request, today);
    case 'taxCertificate':
      return taxData(db, request, today);
  }
}

export function loadCertificateData(database: CenterDatabase, request: CertificateDataRequest): Promise<CertificateData> {
  return readTransaction(database, (trx) => certificateDataIn(trx, request));
}
