/**
 * One-time enrolment links (`/console/enrol/<token>`, 72 h, single use, SHA-256 at rest). Opening
 * the link shows the account and a TOTP secret made for it (kept as pending, so a reload shows the
 * same one); completing it sets the password, confirms the secret with a first code, activates the
 * account and answers ten recovery codes — the only time they are shown.
 */
import { MadoguchiError, StaffRole } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { hashSecret } from './passwords.js';
import { newRecoveryCodes } from './recovery-codes.js';
import { sha256Hex } from './secrets.js';
import { acceptedTotpStep, newTotpSecret, otpauthUri } from './totp.js';

async function liveEnrolment(database: CenterDatabase, token: string, now: Date) {
  const row = await database.db
    .selectFrom('staff_enrolments')
    .innerJoin('staff_users', 'staff_users.staff_id', 'staff_enrolments.staff_id')
    .select([
      'staff_enrolments.token_hash',
      'staff_enrolments.pending_totp_secret',
      'staff_enrolments.expires_at',
      'staff_users.staff_id',
      'staff_users.login_id',
      'staff_users.role',
      'staff_users.municipality_code',
    ])
    .where('staff_enrolments.token_hash', '=', sha256Hex(token))
    .where('staff_enrolments.used_at', 'is', null)
    .where('staff_users.status', '=', 'enrolling')
    .executeTakeFirst();
  if (!row || Date.parse(row.expires_at) <= now.getTime())
    throw new MadoguchiError('ENROLMENT_INVALID', 'enrolment link unknown, used or expired');
  return row;
}

export async function openEnrolment(database: CenterDatabase, token: string, now: Date) {
  const row = await liveEnrolment(database, token, now);
  let secret = row.pending_totp_secret;
  if (!secret) {
    secret = newTotpSecret();
    await database.db
      .updateTable('staff_enrolments')
      .set({ pending_totp_secret: secret })
      .where('token_hash', '=', row.token_hash)
      .where('pending_totp_secret', 'is', null)
      .execute();
    // Two tabs opened at once: both show the secret that won.
    secret = (
      await database.db
        .selectFrom('staff_enrolments')
        .select('pending_totp_secret')
        .where('token_hash', '=', row.token_hash)
        .executeTakeFirstOrThrow()
    ).pending_totp_secret!;
  }
  return {
    loginId: row.login_id,
    role: StaffRole.parse(row.role),
    municipalityCode: row.municipality_code,
    totpSecret: secret,
    otpauthUri: otpauthUri(secret, row.login_id),
    expiresAt: row.expires_at,
  };
}

/** `codeNow`: the wall clock the first TOTP code is checked on (CenterContext.codeClock). */
export async function completeEnrolment(
  database: CenterDatabase,
  token: string,
  input: { password: string; totpCode: string },
  now: Date,
  codeNow: Date = now,
) {
  const row = await liveEnrolment(database, token, now);
  if (!row.pending_totp_secret) throw new MadoguchiError('ENROLMENT_INVALID', 'enrolment link not opened yet');
  const step = acceptedTotpStep(row.pending_totp_secret, input.totpCode, codeNow, null);
  if (step === null)
    throw new MadoguchiError('INPUT_INVALID', 'first TOTP code wrong', [
      { path: 'totpCode', message: '確認コードが正しくありません (the code does not match)' },
    ]);
  const passwordHash = await hashSecret(input.password);
  const recovery = await newRecoveryCodes();
  await writeTransaction(database, async (trx) => {
    const used = await trx
      .updateTable('staff_enrolments')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', row.token_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) throw new MadoguchiError('ENROLMENT_INVALID', 'enrolment link used meanwhile');
    await trx
      .updateTable('staff_users')
      .set({
        status: 'active',
        password_hash: passwordHash,
        totp_secret: row.pending_totp_secret,
        totp_last_step: step,
        updated_at: now.toISOString(),
      })
      .where('staff_id', '=', row.staff_id)
      .execute();
    await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', row.staff_id).execute();
    await trx
      .insertInto('staff_recovery_codes')
      .values(recovery.hashes.map((code_hash) => ({ staff_id: row.staff_id, code_hash, used_at: null })))
      .execute();
    const where = row.municipality_code ? { municipalityCode: row.municipality_code } : {};
    await appendAudit(trx, database.kind, { event: 'staff_enrolled', ...where, detail: { staffId: row.staff_id } }, now);
  });
  return { recoveryCodes: recovery.codes };
}
