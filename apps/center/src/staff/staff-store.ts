/**
 * Staff accounts: creation (enrolling, with a one-time enrolment link; or, for the demo and tests,
 * already enrolled), listing, disabling and role changes. Every change writes its history row in
 * the same transaction (detail: the actor's and the subject's staff ids, never a name or login id)
 * and ends the subject's sessions where the issue asks for it.
 */
import type { Kysely, Transaction } from 'kysely';
import { CONSOLE_PATH, MadoguchiError, StaffRole, assignableRoles, isMunicipalRole, type StaffScope } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { StaffUsersTable } from '../db/tables/staff.js';
import { hashSecret, type ScryptParameters } from './passwords.js';
import { newId, randomToken, sha256Hex } from './secrets.js';
import { endSessionsOf } from './sessions.js';

type Db = Kysely<Database> | Transaction<Database>;

export const ENROLMENT_TTL_MS = 72 * 3_600_000;

export interface StaffSummary {
  staffId: string;
  loginId: string;
  role: StaffRole;
  municipalityCode: string | null;
  status: 'enrolling' | 'active' | 'disabled';
  createdAt: string;
  lastSignInAt: string | null;
}

export const staffSummaryOf = (row: StaffUsersTable): StaffSummary => ({
  staffId: row.staff_id,
  loginId: row.login_id,
  role: StaffRole.parse(row.role),
  municipalityCode: row.municipality_code,
  status: row.status,
  createdAt: row.created_at,
  lastSignInAt: row.last_sign_in_at,
});

/** The history row's municipality for an account: its own (none for operators and auditors). */
const auditMunicipality = (municipalityCode: string | null) => (municipalityCode ? { municipalityCode } : {});

export interface NewStaff {
  loginId: string;
  role: StaffRole;
  /** Required for municipal roles, refused for the others. */
  municipalityCode: string | null;
}

async function checkNewStaff(trx: Db, staff: NewStaff): Promise<void> {
  if (isMunicipalRole(staff.role) !== (staff.municipalityCode !== null))
    throw new MadoguchiError('INPUT_INVALID', 'a municipal role needs a municipality, the others none', [
      { path: 'municipalityCode', message: 'municipal roles only' },
    ]);
  if (staff.municipalityCode !== null) {
    const known = await trx.selectFrom('municipalities').select('code').where('code', '=', staff.municipalityCode).executeTakeFirst();
    if (!known) throw new MadoguchiError('NOT_FOUND', 'no such municipality');
  }
  const taken = await trx.selectFrom('staff_users').select('staff_id').where('login_id', '=', staff.loginId).executeTakeFirst();
  if (taken) throw new MadoguchiError('CONFLICT', 'login id already in use');
}

async function insertStaff(
  trx: Db,
  staff: NewStaff,
  createdBy: string | null,
  now: Date,
  enrolled?: { passwordHash: string; totpSecret: string },
) {
  const row: StaffUsersTable = {
    staff_id: newId('stf'),
    login_id: staff.loginId,
    role: staff.role,
    municipality_code: staff.municipalityCode,
    status: enrolled ? 'active' : 'enrolling',
    password_hash: enrolled?.passwordHash ?? null,
    totp_secret: enrolled?.totpSecret ?? null,
    totp_last_step: null,
    created_at: now.toISOString(),
    created_by: createdBy,
    last_sign_in_at: null,
    updated_at: now.toISOString(),
  };
  await trx.insertInto('staff_users').values(row).execute();
  return row;
}

export interface CreatedStaff {
  staff: StaffSummary;
  /** The enrolment link's token (shown once; the table keeps its SHA-256). */
  enrolmentToken: string;
  enrolmentPath: string;
  expiresAt: string;
}

/**
 * A new account, enrolling: the actor (null for the CLI's first operator) must be allowed to give
 * the role (assignableRoles) in that municipality.
 */
export async function createStaff(database: CenterDatabase, actor: (StaffScope & { staffId: string }) | null, staff: NewStaff, now: Date) {
  if (actor && !mayAssign(actor, staff.role, staff.municipalityCode)) throw new MadoguchiError('FORBIDDEN', 'role not assignable');
  return writeTransaction(database, async (trx): Promise<CreatedStaff> => {
    await checkNewStaff(trx, staff);
    const row = await insertStaff(trx, staff, actor?.staffId ?? null, now);
    const enrolmentToken = randomToken(32);
    const expiresAt = new Date(now.getTime() + ENROLMENT_TTL_MS).toISOString();
    await trx
      .insertInto('staff_enrolments')
      .values({
        token_hash: sha256Hex(enrolmentToken),
        staff_id: row.staff_id,
        pending_totp_secret: null,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    const detail = { staffId: actor?.staffId ?? null, subjectStaffId: row.staff_id, role: staff.role };
    await appendAudit(trx, database.kind, { event: 'staff_created', ...auditMunicipality(staff.municipalityCode), detail }, now);
    return { staff: staffSummaryOf(row), enrolmentToken, enrolmentPath: `${CONSOLE_PATH}/enrol/${enrolmentToken}`, expiresAt };
  });
}

/** Whether `actor` may give `role` in `municipalityCode` (create, or change an account to it). */
export function mayAssign(actor: StaffScope, role: StaffRole, municipalityCode: string | null): boolean {
  if (!assignableRoles(actor.role).includes(role)) return false;
  return !isMunicipalRole(actor.role) || actor.municipalityCode === municipalityCode;
}

/**
 * An active account with a known password and TOTP secret, for the demo and tests (the demo
 * operator, the demo municipality administrator): production accounts enrol through their link.
 * Tests may pass a lighter work factor (`passwordParameters`): every sign-in of the account then
 * costs milliseconds instead of a full scrypt check, the same code path (hashes are verified with
 * the parameters stored in them).
 */
export async function createEnrolledStaff(
  database: CenterDatabase,
  staff: NewStaff & { password: string; totpSecret: string; passwordParameters?: ScryptParameters },
  now: Date = new Date(),
): Promise<{ staffId: string }> {
  const passwordHash = await hashSecret(staff.password, staff.passwordParameters);
  return writeTransaction(database, async (trx) => {
    await checkNewStaff(trx, staff);
    const row = await insertStaff(trx, staff, null, now, { passwordHash, totpSecret: staff.totpSecret });
    const detail = { staffId: null, subjectStaffId: row.staff_id, role: staff.role };
    await appendAudit(trx, database.kind, { event: 'staff_created', ...auditMunicipality(staff.municipalityCode), detail }, now);
    return { staffId: row.staff_id };
  });
}

export async function listStaff(db: Db, municipalityCode: string | null | 'all'): Promise<StaffSummary[]> {
  let query = db.selectFrom('staff_users').selectAll().orderBy('created_at').orderBy('staff_id');
  if (municipalityCode === null) query = query.where('municipality_code', 'is', null);
  else if (municipalityCode !== 'all') query = query.where('municipality_code', '=', municipalityCode);
  return (await query.execute()).map(staffSummaryOf);
}

/**
 * The account `staffId` of `municipalityCode` (null: operators and auditors; 'any': the staff CLI,
 * which is not scoped) — an id from another municipality is simply not found.
 */
async function subjectOf(trx: Db, staffId: string, municipalityCode: string | null | 'any'): Promise<StaffUsersTable> {
  let query = trx.selectFrom('staff_users').selectAll().where('staff_id', '=', staffId);
  if (municipalityCode === null) query = query.where('municipality_code', 'is', null);
  else if (municipalityCode !== 'any') query = query.where('municipality_code', '=', municipalityCode);
  const row = await query.executeTakeFirst();
  if (!row) throw new MadoguchiError('NOT_FOUND', 'no such staff account here');
  return row;
}

type Actor = StaffScope & { staffId: string };

/**
 * Disables an account and ends its sessions at once; nobody disables themselves. `actor` null: the
 * staff CLI (an operator at the center's console, with the database in hand).
 */
export async function disableStaff(
  database: CenterDatabase,
  actor: Actor | null,
  staffId: string,
  municipalityCode: string | null | 'any',
  now: Date,
) {
  return writeTransaction(database, async (trx) => {
    const subject = await subjectOf(trx, staffId, municipalityCode);
    if (subject.staff_id === actor?.staffId) throw new MadoguchiError('FORBIDDEN', 'staff may not disable themselves');
    if (actor && !mayAssign(actor, StaffRole.parse(subject.role), subject.municipality_code))
      throw new MadoguchiError('FORBIDDEN', 'not theirs to disable');
    if (subject.status !== 'disabled') {
      await trx
        .updateTable('staff_users')
        .set({ status: 'disabled', updated_at: now.toISOString() })
        .where('staff_id', '=', staffId)
        .execute();
      await trx.deleteFrom('staff_enrolments').where('staff_id', '=', staffId).where('used_at', 'is', null).execute();
      await endSessionsOf(trx, staffId);
      const detail = { staffId: actor?.staffId ?? null, subjectStaffId: staffId };
      await appendAudit(trx, database.kind, { event: 'staff_disabled', ...auditMunicipality(subject.municipality_code), detail }, now);
    }
    return staffSummaryOf({ ...subject, status: 'disabled' });
  });
}

/** Changes an account's role and ends its sessions at once; nobody changes their own role. */
export async function changeRole(
  database: CenterDatabase,
  actor: Actor,
  change: { staffId: string; municipalityCode: string | null; role: StaffRole },
  now: Date,
) {
  return writeTransaction(database, async (trx) => {
    const subject = await subjectOf(trx, change.staffId, change.municipalityCode);
    if (subject.staff_id === actor.staffId) throw new MadoguchiError('FORBIDDEN', 'staff may not change their own role');
    const before = StaffRole.parse(subject.role);
    // Both the old and the new role must be the actor's to give, in the account's municipality.
    if (!mayAssign(actor, before, subject.municipality_code) || !mayAssign(actor, change.role, subject.municipality_code))
      throw new MadoguchiError('FORBIDDEN', 'role not assignable');
    if (isMunicipalRole(before) !== isMunicipalRole(change.role))
      throw new MadoguchiError('INPUT_INVALID', 'a municipal account stays municipal', [{ path: 'role', message: 'same kind of role' }]);
    if (before !== change.role) {
      await trx
        .updateTable('staff_users')
        .set({ role: change.role, updated_at: now.toISOString() })
        .where('staff_id', '=', subject.staff_id)
        .execute();
      await endSessionsOf(trx, subject.staff_id);
      const detail = { staffId: actor.staffId, subjectStaffId: subject.staff_id, before: { role: before }, after: { role: change.role } };
      await appendAudit(trx, database.kind, { event: 'staff_role_changed', ...auditMunicipality(subject.municipality_code), detail }, now);
    }
    return staffSummaryOf({ ...subject, role: change.role });
  });
}
