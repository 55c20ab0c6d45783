/**
 * 本籍地利用登録申請: a resident whose 本籍 is in another municipality applies once at a kiosk; the
 * domicile municipality approves or rejects (about five business days in the real service); only
 * after approval do its 戸籍 certificates become available to that resident at stores.
 *
 * Applying twice returns the open application (the kiosk may retry); a decision is a conditional
 * UPDATE on `status = 'pending'`, so two clerks deciding at once cannot both win.
 *
 * Each application and each decision is appended to the hash-chained history (audit/chain.ts) in
 * the transaction that writes it: who (the resident's id), which 本籍地, when, where (the kiosk's
 * store and terminal) or which clerk (a staff id) — never a name.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { MadoguchiError, isFamilyRegisterType, japanDate, type ErrorCode } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import type { CenterDatabase } from '../db/database.js';
import type { DomicileRegistrationsTable } from '../db/tables/municipal.js';
import { readTransaction, writeTransaction } from '../db/database.js';
import { getResident, type Executor } from '../residents/queries.js';
import { provisionalRefusal, residentStatusRefusal } from '../residents/record-guards.js';
import { availabilityRefusal } from './availability.js';
import { holidaysIn, policyIn } from './policy-store.js';

export type DomicileRegistrationStatus = 'pending' | 'approved' | 'rejected';

export interface DomicileRegistration {
  registrationId: string;
  residentId: string;
  domicileMunicipalityCode: string;
  status: DomicileRegistrationStatus;
  appliedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  /** The reason given with the decision, when one was. */
  reason: string | null;
}

type Row = Selectable<DomicileRegistrationsTable>;

function fromRow(r: Row): DomicileRegistration {
  return {
    registrationId: r.registration_id,
    residentId: r.resident_id,
    domicileMunicipalityCode: r.domicile_municipality_code,
    status: r.status as DomicileRegistrationStatus,
    appliedAt: r.applied_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    reason: r.decision_reason ?? null,
  };
}

/** Why this resident cannot apply to this domicile municipality at `now`, or null. */
export async function domicileApplicationRefusal(db: Executor, residentId: string, code: string, now: Date): Promise<ErrorCode | null> {
  const resident = await getResident(db, residentId);
  if (!resident) return 'AUTH_RESIDENT_UNKNOWN';
  const status = residentStatusRefusal(resident) ?? provisionalRefusal([resident]);
  if (status) return status;
  // Only for a 本籍 in another municipality; the 住所地's own registers need no registration.
  if (!resident.domicile || resident.domicile.municipalityCode !== code || code === resident.municipalityCode)
    return 'ELIGIBILITY_NO_FAMILY_REGISTER';
  const policy = await policyIn(db, code);
  if (
    !policy ||
    !policy.offerings.some((o) => o.enabled && isFamilyRegisterType(o.certificateType)) ||
    policy.domicileRegistrationHours.length === 0
  ) {
    return 'ELIGIBILITY_TYPE_NOT_OFFERED';
  }
  const today = japanDate(now);
  return availabilityRefusal({
    policy,
    fn: 'domicileRegistration',
    hours: policy.domicileRegistrationHours,
    instant: now,
    holidays: await holidaysIn(db, today, today),
  });
}

export async function applyDomicileRegistration(
  database: CenterDatabase,
  residentId: string,
  domicileMunicipalityCode: string,
  options: { now?: Date } = {},
): Promise<DomicileRegistration> {
  const now = options.now ?? new Date();
  return writeTransaction(
    database,
    async (trx) => {
      const refusal = await domicileApplicationRefusal(trx, residentId, domicileMunicipalityCode, now);
      if (refusal) throw new MadoguchiError(refusal, 'domicile registration refused');
      const open = await trx
        .selectFrom('domicile_registrations')
        .selectAll()
        .where('resident_id', '=', residentId)
        .where('domicile_municipality_code', '=', domicileMunicipalityCode)
        .where('status', 'in', ['pending', 'approved'])
        .executeTakeFirst();
      if (open) return fromRow(open);
      return insertApplication(trx, database.kind, residentId, domicileMunicipalityCode, { channel: 'clerk' }, now);
      // Check-then-insert: serialised per resident so two kiosk retries cannot both insert.
    },
    { serializeAs: domicileApplicationLock(residentId) },
  );
}

/** The lock every check-then-insert of one resident's applications takes (see writeTransaction). */
export const domicileApplicationLock = (residentId: string): string => `domicile-registration:${residentId}`;

/** Where an application was made: at a kiosk, in a session (the history's store and terminal), or entered by a clerk. */
export type ApplicationChannel = { channel: 'kiosk'; storeCode: string; terminalId: string; sessionId: string } | { channel: 'clerk' };

/**
 * A new pending application and its history row, in the caller's transaction; the caller has
 * checked, under domicileApplicationLock, that none is open.
 */
export async function insertApplication(
  trx: Executor,
  kind: CenterDatabase['kind'],
  residentId: string,
  domicileMunicipalityCode: string,
  where: ApplicationChannel,
  now: Date,
): Promise<DomicileRegistration> {
  const row: Row = {
    registration_id: randomUUID(),
    resident_id: residentId,
    domicile_municipality_code: domicileMunicipalityCode,
    status: 'pending',
    applied_at: now.toISOString(),
    decided_at: null,
    decided_by: null,
    decision_reason: null,
  };
  await trx.insertInto('domicile_registrations').values(row).execute();
  await appendAudit(
    trx,
    kind,
    {
      event: 'domicile_registration_applied',
      ...(where.channel === 'kiosk' ? { storeCode: where.storeCode, terminalId: where.terminalId } : {}),
      residentId,
      municipalityCode: domicileMunicipalityCode,
      detail: {
        registrationId: row.registration_id,
        channel: where.channel,
        ...(where.channel === 'kiosk' ? { sessionId: where.sessionId } : {}),
      },
    },
    now,
  );
  return fromRow(row);
}

/** Every application of the resident to this 本籍地, newest first. */
export async function applicationsOf(db: Executor, residentId: string, code: string): Promise<DomicileRegistration[]> {
  const rows = await db
    .selectFrom('domicile_registrations')
    .selectAll()
    .where('resident_id', '=', residentId)
    .where('domicile_municipality_code', '=', code)
    .orderBy('applied_at', 'desc')
    .execute();
  return rows.map(fromRow);
}

/**
 * The 本籍地's decision on a pending application. `decidedBy` is the deciding clerk's staff id (an
 * id, not a name): it is kept on the application and in the history row. With `municipalityCode`
 * (the console: the 本籍地 whose staff decide) an application to another municipality is not
 * found; a decided one is final (CONFLICT).
 */
export async function decideDomicileRegistration(
  database: CenterDatabase,
  registrationId: string,
  decision: 'approved' | 'rejected',
  decidedBy: string,
  options: { now?: Date; municipalityCode?: string; reason?: string; staffId?: string } = {},
): Promise<DomicileRegistration> {
  if (decidedBy.trim().length === 0) throw new MadoguchiError('INPUT_INVALID', 'decidedBy is required');
  const now = options.now ?? new Date();
  const decidedAt = now.toISOString();
  return writeTransaction(database, async (trx) => {
    let update = trx
      .updateTable('domicile_registrations')
      .set({ status: decision, decided_at: decidedAt, decided_by: decidedBy, decision_reason: options.reason ?? null })
      .where('registration_id', '=', registrationId)
      .where('status', '=', 'pending');
    let select = trx.selectFrom('domicile_registrations').selectAll().where('registration_id', '=', registrationId);
    if (options.municipalityCode !== undefined) {
      update = update.where('domicile_municipality_code', '=', options.municipalityCode);
      select = select.where('domicile_municipality_code', '=', options.municipalityCode);
    }
    const result = await update.executeTakeFirst();
    const row = await select.executeTakeFirst();
    if (!row) throw new MadoguchiError('NOT_FOUND', 'no such domicile registration');
    if (Number(result.numUpdatedRows) !== 1) throw new MadoguchiError('CONFLICT', `domicile registration already ${row.status}`);
    await appendAudit(
      trx,
      database.kind,
      {
        event: decision === 'approved' ? 'domicile_registration_approved' : 'domicile_registration_rejected',
        residentId: row.resident_id,
        municipalityCode: row.domicile_municipality_code,
        detail: {
          registrationId,
          decidedBy,
          ...(options.staffId === undefined ? {} : { staffId: options.staffId }),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        },
      },
      now,
    );
    return fromRow(row);
  });
}

export async function isDomicileRegisteredIn(db: Executor, residentId: string, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('domicile_registrations')
    .select('registration_id')
    .where('resident_id', '=', residentId)
    .where('domicile_municipality_code', '=', code)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return row !== undefined;
}

export function listDomicileRegistrations(
  database: CenterDatabase,
  code: string,
  status?: DomicileRegistrationStatus,
): Promise<DomicileRegistration[]> {
  return readTransaction(database, async (trx) => {
    let q = trx.selectFrom('domicile_registrations').selectAll().where('domicile_municipality_code', '=', code);
    if (status) q = q.where('status', '=', status);
    return (await q.orderBy('applied_at').execute()).map(fromRow);
  });
}
