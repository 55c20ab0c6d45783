/**
 * 本籍地利用登録申請 from a kiosk: the resident of an authenticated session applies for their own
 * 本籍地 (the one on their record — the kiosk never names a municipality), and the kiosk learns at
 * authentication whether it may offer the application at all.
 *
 * Unlike applyDomicileRegistration (clerks, CLI), which answers a second application with the
 * open one, the kiosk path refuses it with a code the resident can read (pending / already
 * approved): the kiosk's own retries are already answered by the idempotency key, so a second
 * application here is a second visit, and the resident should be told where theirs stands.
 */
import {
  MadoguchiError,
  type DomicileRegistrationOffer,
  type DomicileRegistrationResponse,
  type DomicileRegistrationStatus,
  type ErrorCode,
  type Resident,
} from '@madoguchi/shared';
import type { Session } from '../auth/sessions.js';
import type { Kiosk } from '../kiosks/registry.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { personRefusal } from '../eligibility/check-eligibility.js';
import { getMunicipality, getResident, type Executor } from '../residents/queries.js';
import {
  applicationsOf,
  domicileApplicationLock,
  domicileApplicationRefusal,
  insertApplication,
  type DomicileRegistration,
} from './domicile-registration.js';

type SessionCard = Pick<Session, 'residentId' | 'authNotAfter' | 'cardUsableFrom'>;

/** The resident's 本籍地 when it is another municipality than the 住所地 (the only case that needs registration). */
function otherDomicileOf(resident: Resident): string | null {
  const code = resident.domicile?.municipalityCode;
  return code && code !== resident.municipalityCode ? code : null;
}

/** Where the resident's applications stand: an approval wins over a pending one, which wins over a rejection. */
function statusOf(applications: DomicileRegistration[]): DomicileRegistrationStatus {
  for (const status of ['approved', 'pending', 'rejected'] as const) if (applications.some((a) => a.status === status)) return status;
  return 'notApplied';
}

/** The clerk-facing refusal reworded for the kiosk: "not offered" there means the 本籍地 does not take part. */
function forKiosk(code: ErrorCode): ErrorCode {
  return code === 'ELIGIBILITY_TYPE_NOT_OFFERED' ? 'DOMICILE_NOT_PARTICIPATING' : code;
}

async function kioskRefusal(
  db: Executor,
  resident: Resident,
  code: string,
  session: SessionCard,
  status: DomicileRegistrationStatus,
  now: Date,
): Promise<ErrorCode | null> {
  const person = personRefusal(resident, {
    now,
    authCertificateNotAfter: session.authNotAfter,
    ...(session.cardUsableFrom ? { cardUsableFrom: session.cardUsableFrom } : {}),
  });
  if (person) return person;
  if (status === 'approved') return 'DOMICILE_ALREADY_REGISTERED';
  if (status === 'pending') return 'DOMICILE_REGISTRATION_PENDING';
  const refusal = await domicileApplicationRefusal(db, resident.residentId, code, now);
  return refusal ? forKiosk(refusal) : null;
}

/**
 * What the kiosk may offer this session's resident, or null when their 本籍 needs no registration; read
 * in the caller's snapshot (sign-in describes the whole session in one: auth/authenticate.ts).
 */
export async function domicileRegistrationOfferIn(
  db: Executor,
  session: SessionCard,
  now: Date,
): Promise<DomicileRegistrationOffer | null> {
  const resident = await getResident(db, session.residentId);
  const code = resident ? otherDomicileOf(resident) : null;
  if (!resident || !code) return null;
  const status = statusOf(await applicationsOf(db, resident.residentId, code));
  const refusal = await kioskRefusal(db, resident, code, session, status, now);
  const name = (await getMunicipality(db, code))?.name;
  return { status, canApply: refusal === null, ...(refusal ? { refusal } : {}), ...(name ? { domicileMunicipalityName: name } : {}) };
}

/**
 * Applies for the session's resident, or refuses with a catalog code. The application and its
 * history row (this kiosk's store and terminal, the session) commit together.
 */
export async function applyDomicileRegistrationAtKiosk(
  database: CenterDatabase,
  kiosk: Pick<Kiosk, 'storeCode' | 'terminalId'>,
  session: SessionCard & Pick<Session, 'sessionId'>,
  now: Date,
): Promise<DomicileRegistrationResponse> {
  const registration = await writeTransaction(
    database,
    async (trx) => {
      const resident = await getResident(trx, session.residentId);
      if (!resident) throw new MadoguchiError('AUTH_RESIDENT_UNKNOWN', 'session resident not found');
      if (!resident.domicile) throw new MadoguchiError('ELIGIBILITY_NO_FAMILY_REGISTER', 'no 本籍 on the record');
      const code = otherDomicileOf(resident);
      if (!code) throw new MadoguchiError('DOMICILE_REGISTRATION_NOT_NEEDED', '本籍 is in the 住所地');
      const refusal = await kioskRefusal(trx, resident, code, session, statusOf(await applicationsOf(trx, resident.residentId, code)), now);
      if (refusal) throw new MadoguchiError(refusal, 'domicile registration refused at the kiosk');
      return insertApplication(
        trx,
        database.kind,
        resident.residentId,
        code,
        { channel: 'kiosk', storeCode: kiosk.storeCode, terminalId: kiosk.terminalId, sessionId: session.sessionId },
        now,
      );
    },
    // Check-then-insert under the same lock as the clerk path: two applications cannot both insert.
    { serializeAs: domicileApplicationLock(session.residentId) },
  );
  const name = (await getMunicipality(database.db, registration.domicileMunicipalityCode))?.name;
  return {
    registrationId: registration.registrationId,
    status: 'pending',
    appliedAt: registration.appliedAt,
    ...(name ? { domicileMunicipalityName: name } : {}),
  };
}
